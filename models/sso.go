package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// SSOStateTTL is how long a single sign-on attempt may take.
const SSOStateTTL = 10 * time.Minute

// SaveSSOState keeps the provider's session for a sign-on attempt, keyed by
// the hash of the state sent to the provider.
func (db *DB) SaveSSOState(ctx context.Context, state, provider, session string) error {
	now := db.now()
	_, err := db.W.ExecContext(ctx,
		`INSERT INTO sso_states (state_hash, provider, session, created_at) VALUES (?, ?, ?, ?)`,
		hashSecret(state), provider, session, dbTime(now))
	if err != nil {
		return fmt.Errorf("save sign-on state: %w", err)
	}
	_, err = db.W.ExecContext(ctx, `DELETE FROM sso_states WHERE created_at <= ?`, dbTime(now.Add(-SSOStateTTL)))
	return err
}

// TakeSSOState returns and deletes the session saved for state: each state
// works once, within SSOStateTTL, for the provider it was made for.
func (db *DB) TakeSSOState(ctx context.Context, state, provider string) (string, error) {
	var session string
	err := db.W.QueryRowContext(ctx,
		`DELETE FROM sso_states WHERE state_hash = ? AND provider = ? AND created_at > ? RETURNING session`,
		hashSecret(state), provider, dbTime(db.now().Add(-SSOStateTTL))).Scan(&session)
	if err != nil {
		return "", notFound(err, "sign-on state")
	}
	return session, nil
}

// ExternalIdentity is who a single sign-on provider says someone is.
type ExternalIdentity struct {
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// ErrUnknownDomain means a first sign-on's email domain belongs to no council.
var ErrUnknownDomain = fmt.Errorf("email domain belongs to no council: %w", ErrNotFound)

// SignInExternal maps a provider's identity to a local user:
//  1. a known (provider, subject) is that user;
//  2. else a verified email of an existing user links to that user;
//  3. else a verified email whose domain belongs to a council creates an
//     officer of that council;
//  4. else ErrUnknownDomain.
func (db *DB) SignInExternal(ctx context.Context, id ExternalIdentity) (User, error) {
	if id.Provider == "" || id.Subject == "" {
		return User{}, fmt.Errorf("external identity without provider or subject")
	}
	var userID int64
	err := db.R.QueryRowContext(ctx, `SELECT user_id FROM identities WHERE provider = ? AND subject = ?`, id.Provider, id.Subject).Scan(&userID)
	if err == nil {
		u, err := db.UserByID(ctx, userID)
		if err == nil && u.Disabled {
			return User{}, fmt.Errorf("user %d disabled: %w", userID, ErrForbidden)
		}
		return u, err
	}
	if err != sql.ErrNoRows {
		return User{}, fmt.Errorf("find identity: %w", err)
	}
	email := NormaliseEmail(id.Email)
	if !id.EmailVerified || !ValidEmail(email) {
		return User{}, ErrUnknownDomain
	}
	name := strings.TrimSpace(id.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	existing, err := db.UserByEmail(ctx, email)
	if err == nil {
		if existing.Disabled {
			return User{}, fmt.Errorf("user %d disabled: %w", existing.ID, ErrForbidden)
		}
		// Whoever registered this address has not shown they hold it: a
		// linked sign-on would share an account whose password they chose.
		if awaiting, err := db.awaitingVerification(ctx, existing.ID); err != nil || awaiting {
			if err == nil {
				err = awaitingVerification(email)
			}
			return User{}, err
		}
		return existing, db.linkIdentity(ctx, existing.ID, id, email)
	}
	council, err := db.CouncilByEmailDomain(ctx, email)
	if err != nil {
		return User{}, ErrUnknownDomain
	}
	u, err := db.CreateUser(ctx, 0, NewUser{Email: email, Name: name, Role: RoleOfficer, CouncilGSS: council.GSSCode})
	if err != nil {
		return User{}, err
	}
	return u, db.linkIdentity(ctx, u.ID, id, email)
}

func (db *DB) linkIdentity(ctx context.Context, userID int64, id ExternalIdentity, email string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO identities (provider, subject, user_id, email, created_at) VALUES (?, ?, ?, ?, ?)`,
			id.Provider, id.Subject, userID, email, dbTime(db.now()))
		if err != nil {
			return conflict(err, "identity")
		}
		return db.audit(ctx, tx, userID, "identity.link", "user", fmt.Sprint(userID), map[string]any{"provider": id.Provider})
	})
}
