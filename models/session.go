package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

const (
	// SessionLifetime is the longest a sign-in lasts.
	SessionLifetime = 7 * 24 * time.Hour
	// SessionIdleTimeout signs out a session unused for this long.
	SessionIdleTimeout = 24 * time.Hour
	// sessionTouchEvery limits how often reading a session writes its
	// last-seen time.
	sessionTouchEvery = 5 * time.Minute
)

// Session is one signed-in browser.
type Session struct {
	ID         string // a short, non-secret handle for the account page
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
}

// CreateSession signs a user in, returning the cookie's secret.
func (db *DB) CreateSession(ctx context.Context, userID int64, ip, userAgent string) (string, error) {
	secret, hash := newSecret("")
	now := db.now()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			hash, userID, dbTime(now), dbTime(now), dbTime(now.Add(SessionLifetime)), ip, userAgent)
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, userID, "session.create", "user", fmt.Sprint(userID), map[string]any{"ip": ip})
	})
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return secret, nil
}

// SessionUser returns the user signed in by a session cookie's secret,
// with the session's handle. Expired, idle and disabled sessions are
// ErrNotFound.
func (db *DB) SessionUser(ctx context.Context, secret string) (User, string, error) {
	if secret == "" {
		return User{}, "", fmt.Errorf("session: %w", ErrNotFound)
	}
	hash := hashSecret(secret)
	now := db.now()
	var userID int64
	var lastSeen string
	err := db.R.QueryRowContext(ctx,
		`SELECT s.user_id, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
		  WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.disabled_at IS NULL`,
		hash, dbTime(now), dbTime(now.Add(-SessionIdleTimeout))).Scan(&userID, &lastSeen)
	if err != nil {
		return User{}, "", notFound(err, "session")
	}
	if seen, err := parseDBTime(lastSeen); err == nil && now.Sub(seen) > sessionTouchEvery {
		if _, err := db.W.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, dbTime(now), hash); err != nil {
			return User{}, "", fmt.Errorf("touch session: %w", err)
		}
	}
	u, err := db.UserByID(ctx, userID)
	return u, sessionHandle(hash), err
}

func sessionHandle(hash []byte) string { return fmt.Sprintf("%x", hash[:8]) }

// Sessions lists a user's live sessions, newest first.
func (db *DB) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	now := db.now()
	rows, err := db.R.QueryContext(ctx,
		`SELECT token_hash, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions
		  WHERE user_id = ? AND expires_at > ? AND last_seen_at > ? ORDER BY last_seen_at DESC`,
		userID, dbTime(now), dbTime(now.Add(-SessionIdleTimeout)))
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		s := Session{UserID: userID}
		var hash []byte
		var c, l, e string
		if err := rows.Scan(&hash, &c, &l, &e, &s.IP, &s.UserAgent); err != nil {
			return nil, err
		}
		s.ID = sessionHandle(hash)
		s.CreatedAt, _ = parseDBTime(c)
		s.LastSeenAt, _ = parseDBTime(l)
		s.ExpiresAt, _ = parseDBTime(e)
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeleteSession signs out one browser.
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	_, err := db.W.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashSecret(secret))
	return err
}

// DeleteAllSessions signs a user out everywhere; it returns how many
// sessions ended.
func (db *DB) DeleteAllSessions(ctx context.Context, actorID, userID int64) (int64, error) {
	var n int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return db.audit(ctx, tx, actorID, "session.delete_all", "user", fmt.Sprint(userID), map[string]any{"sessions": n})
	})
	return n, err
}

// DeleteExpiredSessions removes sessions that can no longer be used.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	now := db.now()
	res, err := db.W.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`,
		dbTime(now), dbTime(now.Add(-SessionIdleTimeout)))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
