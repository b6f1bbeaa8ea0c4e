package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// DefaultPasswordCost is bcrypt's cost for new hashes (about a quarter of
// a second on one core).
const DefaultPasswordCost = 12

// MinPasswordLength follows NCSC guidance: length over complexity rules.
const MinPasswordLength = 12

// PasswordProblem says what is wrong with a new password, or "".
func PasswordProblem(p string) string {
	switch n := utf8.RuneCountInString(p); {
	case n < MinPasswordLength:
		return fmt.Sprintf("Password must be %d characters or more", MinPasswordLength)
	case len(p) > 72:
		// bcrypt reads only the first 72 bytes.
		return "Password must be 72 bytes or fewer"
	}
	return ""
}

func (db *DB) hashPassword(p string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(p), db.PasswordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when the account does not exist, so a
// sign-in takes as long for an unknown address as for a known one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("jointly-no-such-account"), bcrypt.MinCost)

// ErrBadCredentials is returned when the email or password is wrong.
var ErrBadCredentials = errors.New("email or password is not right")

// Authenticate checks an email and password. Disabled accounts and accounts
// without a password never authenticate; an account whose email address is
// not yet confirmed (supplier self-registration) gets a *PublicError saying so,
// once the password is right.
func (db *DB) Authenticate(ctx context.Context, email, password string) (User, error) {
	var id int64
	var hash sql.NullString
	var disabled, awaiting bool
	err := db.R.QueryRowContext(ctx, `SELECT id, password_hash, disabled_at IS NOT NULL, awaiting_verification FROM users WHERE email = ?`, NormaliseEmail(email)).
		Scan(&id, &hash, &disabled, &awaiting)
	if err == sql.ErrNoRows || (err == nil && !hash.Valid) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash.String), []byte(password)) != nil || disabled {
		return User{}, ErrBadCredentials
	}
	if awaiting {
		return User{}, awaitingVerification(NormaliseEmail(email))
	}
	return db.UserByID(ctx, id)
}

// SetPassword replaces a user's password.
func (db *DB) SetPassword(ctx context.Context, actorID, userID int64, password string) error {
	if msg := PasswordProblem(password); msg != "" {
		return &ValidationError{Fields: []FieldError{{"password", msg}}}
	}
	h, err := db.hashPassword(password)
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, h, dbTime(db.now()), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", userID, ErrNotFound)
		}
		return db.audit(ctx, tx, actorID, "user.password", "user", fmt.Sprint(userID), nil)
	})
}

// newSecret returns a random URL-safe secret and the SHA-256 hash stored in
// its place: sessions, tokens and emailed links are kept only as hashes.
func newSecret(prefix string) (secret string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // cannot happen on Linux
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return h[:]
}

// PasswordResetTTL is how long a reset link works.
const PasswordResetTTL = time.Hour

// StartPasswordReset makes a single-use reset link secret for the account
// with that email. It returns ErrNotFound for an unknown or disabled
// account; the page says the same thing either way.
func (db *DB) StartPasswordReset(ctx context.Context, email string) (User, string, error) {
	u, err := db.UserByEmail(ctx, email)
	if err != nil {
		return User{}, "", err
	}
	if u.Disabled {
		return User{}, "", fmt.Errorf("user %s disabled: %w", email, ErrNotFound)
	}
	secret, hash := newSecret("")
	now := db.now()
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hash, u.ID, dbTime(now), dbTime(now.Add(PasswordResetTTL)))
		return err
	})
	if err != nil {
		return User{}, "", fmt.Errorf("start password reset: %w", err)
	}
	return u, secret, nil
}

// PasswordResetUser returns the user a reset secret is for, if it is
// unused and unexpired.
func (db *DB) PasswordResetUser(ctx context.Context, secret string) (User, error) {
	var userID int64
	err := db.R.QueryRowContext(ctx,
		`SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		hashSecret(secret), dbTime(db.now())).Scan(&userID)
	if err != nil {
		return User{}, notFound(err, "password reset")
	}
	return db.UserByID(ctx, userID)
}

// CompletePasswordReset sets the new password, uses up the link (and any
// other outstanding link) and signs the user out everywhere.
func (db *DB) CompletePasswordReset(ctx context.Context, secret, password string) (User, error) {
	if msg := PasswordProblem(password); msg != "" {
		return User{}, &ValidationError{Fields: []FieldError{{"password", msg}}}
	}
	h, err := db.hashPassword(password)
	if err != nil {
		return User{}, err
	}
	var userID int64
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		now := dbTime(db.now())
		err := tx.QueryRowContext(ctx,
			`UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
			now, hashSecret(secret), now).Scan(&userID)
		if err != nil {
			return notFound(err, "password reset")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, userID); err != nil {
			return err
		}
		// The reset link reached the address, which confirms it as well.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, awaiting_verification = 0, updated_at = ? WHERE id = ?`, h, now, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return db.audit(ctx, tx, userID, "user.password_reset", "user", fmt.Sprint(userID), nil)
	})
	if err != nil {
		return User{}, err
	}
	return db.UserByID(ctx, userID)
}
