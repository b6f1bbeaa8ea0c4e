package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// How often a person gets their digest.
const (
	DigestDaily  = "daily"
	DigestWeekly = "weekly" // on Mondays
	DigestOff    = "off"
)

// DigestLabel is how a frequency reads on a page.
func DigestLabel(f string) string {
	switch f {
	case DigestDaily:
		return "Every morning"
	case DigestWeekly:
		return "Every Monday morning"
	case DigestOff:
		return "Never"
	}
	return f
}

// ValidDigest reports whether f is a digest frequency.
func ValidDigest(f string) bool { return f == DigestDaily || f == DigestWeekly || f == DigestOff }

// DigestPreference is a user's digest frequency and the end of what their
// last digest covered (zero before the first).
func (db *DB) DigestPreference(ctx context.Context, userID int64) (string, time.Time, error) {
	var f, since string
	err := db.R.QueryRowContext(ctx, `SELECT digest, coalesce(digest_since, '') FROM users WHERE id = ?`, userID).Scan(&f, &since)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, ErrNotFound
	}
	if err != nil {
		return "", time.Time{}, err
	}
	t, _ := parseDBTime(since)
	return f, t, nil
}

// SetDigest sets user userID's digest frequency, recording who changed it
// (actorID 0: the person themselves, by the one-click unsubscribe link).
func (db *DB) SetDigest(ctx context.Context, actorID, userID int64, freq string) error {
	if !ValidDigest(freq) {
		verr := &ValidationError{}
		verr.Add("digest", "Choose how often you want the digest email")
		return verr
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT digest FROM users WHERE id = ?`, userID).Scan(&old); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if old == freq {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET digest = ?, updated_at = ? WHERE id = ?`, freq, dbTime(db.now()), userID); err != nil {
			return err
		}
		actor := actorID
		if actor == 0 {
			actor = userID
		}
		return db.audit(ctx, tx, actor, "user.digest", "user", strconv.FormatInt(userID, 10),
			map[string]any{"from": old, "to": freq, "one_click": actorID == 0})
	})
}

// UnsubscribeToken signs user userID's one-click unsubscribe link (RFC
// 8058) with key: whoever holds the link can turn that person's digest
// off, and nothing else.
func UnsubscribeToken(key []byte, userID int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "unsubscribe\x00%d", userID)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// CheckUnsubscribeToken reports whether token is userID's unsubscribe
// token under key.
func CheckUnsubscribeToken(key []byte, userID int64, token string) bool {
	return hmac.Equal([]byte(token), []byte(UnsubscribeToken(key, userID)))
}

// UnsubscribeURL is user userID's one-click unsubscribe link.
func UnsubscribeURL(baseURL string, key []byte, userID int64) string {
	return fmt.Sprintf("%s/unsubscribe/%d/%s", trimSlash(baseURL), userID, UnsubscribeToken(key, userID))
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
