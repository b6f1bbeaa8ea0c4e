package models

import (
	"context"
	"fmt"
	"time"
)

// Attempt limits. Failures within LoginWindow are counted, and a limit
// lifts as its oldest counted failure leaves the window: nobody is ever
// held back for longer than LoginWindow after their last counted failure,
// and a refused attempt is not counted, so hammering a locked account or
// address does not extend the lock.
//
// Passwords are limited per address (LoginLimitPerAddress, any account)
// and per account (LoginLimitPerAccount, any address). So that the
// per-account limit cannot be used to lock someone out for good (an
// attacker trying one password a minute for ever would otherwise keep
// the account locked most of the time), it does not apply in a browser
// the account has signed in from before (the handlers keep a signed
// "known browser" cookie, valid for KnownBrowserFor): the owner signs in
// there as usual, held back only by the per-address limit, which the
// attacker's attempts from elsewhere do not touch. In a new browser the
// owner can still use a password reset link, which the per-account limit
// never blocks, or single sign-on.
//
// Bad API tokens and bad emailed-link secrets (password reset, invitation,
// email confirmation) are limited per address, each kind counted on its
// own (TokenLimitPerAddress, LinkLimitPerAddress).
const (
	LoginWindow          = 15 * time.Minute
	LoginLimitPerAccount = 5
	LoginLimitPerAddress = 20
	TokenLimitPerAddress = 20
	LinkLimitPerAddress  = 20
	KnownBrowserFor      = 90 * 24 * time.Hour
)

// AttemptKind is what a counted failure was an attempt at.
type AttemptKind string

// The kinds of attempt counted.
const (
	AttemptPassword AttemptKind = "password" // signing in with a password
	AttemptToken    AttemptKind = "token"    // an API bearer token
	AttemptLink     AttemptKind = "link"     // an emailed link's secret
)

func (k AttemptKind) limit() int {
	switch k {
	case AttemptToken:
		return TokenLimitPerAddress
	case AttemptLink:
		return LinkLimitPerAddress
	}
	return LoginLimitPerAddress
}

// LoginAllowed reports whether a sign-in for email from ip may be tried
// now, and if not, when it may, in a browser not known to the account.
func (db *DB) LoginAllowed(ctx context.Context, email, ip string) (bool, time.Time, error) {
	return db.LoginAllowedIn(ctx, email, ip, false)
}

// LoginAllowedIn is LoginAllowed for a browser the account has signed in
// from before (knownBrowser), where only the per-address limit applies,
// or not.
func (db *DB) LoginAllowedIn(ctx context.Context, email, ip string, knownBrowser bool) (bool, time.Time, error) {
	now := db.now()
	since := dbTime(now.Add(-LoginWindow))
	var byAccount, byAddress int
	var accountAt, addressAt string
	// Besides the counts, the limit-th most recent failure for the account
	// and for the address: when it leaves the window, that limit lifts.
	err := db.R.QueryRowContext(ctx,
		`SELECT (SELECT count(*) FROM login_failures WHERE email = ? AND kind = 'password' AND at > ?),
		        (SELECT count(*) FROM login_failures WHERE ip = ? AND kind = 'password' AND at > ?),
		        coalesce((SELECT at FROM login_failures WHERE email = ? AND kind = 'password' AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?), ''),
		        coalesce((SELECT at FROM login_failures WHERE ip = ? AND kind = 'password' AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?), '')`,
		NormaliseEmail(email), since, ip, since,
		NormaliseEmail(email), since, LoginLimitPerAccount-1, ip, since, LoginLimitPerAddress-1).
		Scan(&byAccount, &byAddress, &accountAt, &addressAt)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("login limit: %w", err)
	}
	if knownBrowser {
		byAccount, accountAt = 0, ""
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
	_, err := db.W.ExecContext(ctx, `INSERT INTO login_failures (email, ip, at, kind) VALUES (?, ?, ?, 'password')`, NormaliseEmail(email), ip, dbTime(db.now()))
	return err
}

// ClearLoginFailures forgets an account's failures after it signs in.
func (db *DB) ClearLoginFailures(ctx context.Context, email string) error {
	_, err := db.W.ExecContext(ctx, `DELETE FROM login_failures WHERE (email = ? AND kind = 'password') OR at <= ?`,
		NormaliseEmail(email), dbTime(db.now().Add(-LoginWindow)))
	return err
}

// AttemptAllowed reports whether ip may try another API token or emailed
// link (kind) now, and if not, when it may.
func (db *DB) AttemptAllowed(ctx context.Context, kind AttemptKind, ip string) (bool, time.Time, error) {
	var n int
	var at string
	since := dbTime(db.now().Add(-LoginWindow))
	err := db.R.QueryRowContext(ctx,
		`SELECT (SELECT count(*) FROM login_failures WHERE kind = ? AND ip = ? AND at > ?),
		        coalesce((SELECT at FROM login_failures WHERE kind = ? AND ip = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?), '')`,
		string(kind), ip, since, string(kind), ip, since, kind.limit()-1).Scan(&n, &at)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("%s attempt limit: %w", kind, err)
	}
	if n < kind.limit() {
		return true, time.Time{}, nil
	}
	t, err := parseDBTime(at)
	if err != nil {
		return false, time.Time{}, fmt.Errorf("%s attempt limit: %w", kind, err)
	}
	return false, t.Add(LoginWindow), nil
}

// RecordAttemptFailure counts a bad API token or emailed-link secret
// (kind) from ip.
func (db *DB) RecordAttemptFailure(ctx context.Context, kind AttemptKind, ip string) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO login_failures (email, ip, at, kind) VALUES ('', ?, ?, ?)`, ip, dbTime(db.now()), string(kind))
	if err != nil {
		return fmt.Errorf("record %s attempt: %w", kind, err)
	}
	return nil
}
