package models

import (
	"context"
	"fmt"
	"time"
)

// Sign-in rate limits: failures within LoginWindow, counted per account and
// per address. Limits expire with the window, so nobody can be locked out
// for longer than that.
const (
	LoginWindow          = 15 * time.Minute
	LoginLimitPerAccount = 5
	LoginLimitPerAddress = 20
)

// LoginAllowed reports whether a sign-in for email from ip may be tried
// now, and if not, when it may.
func (db *DB) LoginAllowed(ctx context.Context, email, ip string) (bool, time.Time, error) {
	now := db.now()
	since := dbTime(now.Add(-LoginWindow))
	var byAccount, byAddress int
	var accountAt, addressAt string
	// Besides the counts, the limit-th most recent failure for the account
	// and for the address: when it leaves the window, that limit lifts.
	err := db.R.QueryRowContext(ctx,
		`SELECT (SELECT count(*) FROM login_failures WHERE email = ? AND at > ?),
		        (SELECT count(*) FROM login_failures WHERE ip = ? AND at > ?),
		        coalesce((SELECT at FROM login_failures WHERE email = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?), ''),
		        coalesce((SELECT at FROM login_failures WHERE ip = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?), '')`,
		NormaliseEmail(email), since, ip, since,
		NormaliseEmail(email), since, LoginLimitPerAccount-1, ip, since, LoginLimitPerAddress-1).
		Scan(&byAccount, &byAddress, &accountAt, &addressAt)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("login limit: %w", err)
	}
	if byAccount < LoginLimitPerAccount && byAddress < LoginLimitPerAddress {
		return true, time.Time{}, nil
	}
	var until time.Time
	for _, at := range []string{accountAt, addressAt} {
		if t, err := parseDBTime(at); err == nil && !t.IsZero() && t.Add(LoginWindow).After(until) {
			until = t.Add(LoginWindow)
		}
	}
	return false, until, nil
}

// RecordLoginFailure counts a failed sign-in.
func (db *DB) RecordLoginFailure(ctx context.Context, email, ip string) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO login_failures (email, ip, at) VALUES (?, ?, ?)`, NormaliseEmail(email), ip, dbTime(db.now()))
	return err
}

// ClearLoginFailures forgets an account's failures after it signs in.
func (db *DB) ClearLoginFailures(ctx context.Context, email string) error {
	_, err := db.W.ExecContext(ctx, `DELETE FROM login_failures WHERE email = ? OR at <= ?`, NormaliseEmail(email), dbTime(db.now().Add(-LoginWindow)))
	return err
}
