package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// APIToken is a personal token for the JSON API. Only its hash is stored;
// the secret is shown once, when it is made.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// apiTokenPrefix marks Jointly tokens, so secret scanners can find leaks.
const apiTokenPrefix = "jly_"

// CreateAPIToken makes a token for a user and returns its secret.
func (db *DB) CreateAPIToken(ctx context.Context, actorID, userID int64, name string) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Personal token"
	}
	if len(name) > 100 {
		return "", APIToken{}, &ValidationError{Fields: []FieldError{{"name", "Token name must be 100 characters or fewer"}}}
	}
	secret, hash := newSecret(apiTokenPrefix)
	now := db.now()
	t := APIToken{UserID: userID, Name: name, CreatedAt: now}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`,
			userID, name, hash, dbTime(now))
		if err != nil {
			return err
		}
		if t.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return db.audit(ctx, tx, actorID, "token.create", "user", fmt.Sprint(userID), map[string]any{"token_id": t.ID, "name": name})
	})
	if err != nil {
		return "", APIToken{}, fmt.Errorf("create token: %w", err)
	}
	return secret, t, nil
}

// TokenUser returns the user a bearer token belongs to. Revoked tokens,
// unknown tokens and disabled users are ErrNotFound.
func (db *DB) TokenUser(ctx context.Context, secret string) (User, error) {
	if !strings.HasPrefix(secret, apiTokenPrefix) {
		return User{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	hash := hashSecret(secret)
	var id, userID int64
	var lastUsed sql.NullString
	err := db.R.QueryRowContext(ctx,
		`SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
		  WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL`, hash).Scan(&id, &userID, &lastUsed)
	if err != nil {
		return User{}, notFound(err, "token")
	}
	now := db.now()
	if last, _ := parseDBTime(lastUsed.String); now.Sub(last) > sessionTouchEvery {
		if _, err := db.W.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, dbTime(now), id); err != nil {
			return User{}, fmt.Errorf("touch token: %w", err)
		}
	}
	return db.UserByID(ctx, userID)
}

// APITokens lists a user's live tokens.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := db.R.QueryContext(ctx,
		`SELECT id, name, created_at, coalesce(last_used_at, '') FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t := APIToken{UserID: userID}
		var c, l string
		if err := rows.Scan(&t.ID, &t.Name, &c, &l); err != nil {
			return nil, err
		}
		t.CreatedAt, _ = parseDBTime(c)
		t.LastUsedAt, _ = parseDBTime(l)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken revokes one of the user's tokens.
func (db *DB) RevokeAPIToken(ctx context.Context, actorID, userID, tokenID int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
			dbTime(db.now()), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("token %d: %w", tokenID, ErrNotFound)
		}
		return db.audit(ctx, tx, actorID, "token.revoke", "user", fmt.Sprint(userID), map[string]any{"token_id": tokenID})
	})
}
