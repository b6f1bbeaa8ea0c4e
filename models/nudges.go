package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Nudges are the reminders jobs send when something has been left too
// long: a register nobody has confirmed for six months, a bid closed 28
// days ago and neither awarded nor cancelled. Each is recorded in the
// transaction that queues it (register_nudges, award_reminders), so it is
// sent once.

// RegisterStaleMonths is how long a register may go unconfirmed before
// its council's officers are asked to confirm it.
const RegisterStaleMonths = 6

// StaleRegister is a council whose register needs confirming.
type StaleRegister struct {
	CouncilGSS  string
	CouncilName string
	// LastConfirmed is the latest confirmation (zero: never), by
	// ConfirmedBy. Since is when staleness counts from: the latest
	// confirmation, or for a register never confirmed its first contract
	// (or, with no contracts, its council's first user).
	LastConfirmed time.Time
	ConfirmedBy   string
	Since         time.Time
	FirstContract time.Time
	Officers      []User
}

// StaleRegisters lists the active councils whose register has gone
// RegisterStaleMonths unconfirmed as of at and that have not been nudged
// for period. A council with no contracts and no users has nothing to
// confirm and nobody to ask, and is left out.
func (db *DB) StaleRegisters(ctx context.Context, at time.Time, period string) ([]StaleRegister, error) {
	cutoff := at.In(London()).AddDate(0, -RegisterStaleMonths, 0)
	// Each council's latest confirmation; then, only for a register never
	// confirmed (CASE reads its branches lazily), its first contract and
	// first user. MATERIALIZED keeps SQLite from repeating each lookup
	// wherever the column is used.
	rows, err := db.R.QueryContext(ctx, `
		WITH k AS MATERIALIZED (
		  SELECT co.gss_code, co.name,
		         (SELECT max(r.confirmed_at) FROM register_confirmations r WHERE r.council_gss = co.gss_code) AS confirmed
		    FROM councils co
		   WHERE co.active = 1
		     AND NOT EXISTS (SELECT 1 FROM register_nudges n WHERE n.council_gss = co.gss_code AND n.period = ?)),
		f AS MATERIALIZED (
		  SELECT gss_code, name, confirmed,
		         CASE WHEN confirmed IS NULL THEN (SELECT min(c.created_at) FROM contracts c WHERE c.council_gss = k.gss_code) END AS first_contract,
		         CASE WHEN confirmed IS NULL THEN (SELECT min(u.created_at) FROM users u WHERE u.council_gss = k.gss_code) END AS first_user
		    FROM k)
		SELECT gss_code, name, coalesce(confirmed, ''), coalesce(first_contract, ''),
		       coalesce(confirmed, first_contract, first_user) AS since
		  FROM f
		 WHERE since IS NOT NULL AND since <= ?
		 ORDER BY gss_code`, period, dbTime(cutoff))
	if err != nil {
		return nil, fmt.Errorf("stale registers: %w", err)
	}
	var out []StaleRegister
	for rows.Next() {
		var s StaleRegister
		var confirmed, first, since string
		if err := rows.Scan(&s.CouncilGSS, &s.CouncilName, &confirmed, &first, &since); err != nil {
			_ = rows.Close()
			return nil, err
		}
		s.LastConfirmed, _ = parseDBTime(confirmed)
		s.FirstContract, _ = parseDBTime(first)
		s.Since, _ = parseDBTime(since)
		out = append(out, s)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if !out[i].LastConfirmed.IsZero() {
			rc, err := db.LastRegisterConfirmation(ctx, out[i].CouncilGSS)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
			out[i].ConfirmedBy = rc.ByName
		}
		if out[i].Officers, err = db.OfficersToTell(ctx, out[i].CouncilGSS); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RecordRegisterNudgeTx records, inside the transaction that queues the
// nudges, that council gss was nudged for period.
func RecordRegisterNudgeTx(ctx context.Context, tx *sql.Tx, gss, period string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO register_nudges (council_gss, period, at) VALUES (?, ?, ?)`,
		gss, period, dbTime(now))
	return err
}

// AwardReminderDays is how long after a bid closes its lead council is
// reminded to award or cancel it.
const AwardReminderDays = 28

// AwardReminder is a closed bid its lead council has left unawarded.
type AwardReminder struct {
	BidID     int64
	Title     string
	ClosedAt  time.Time
	Submitted int
	LeadGSS   string
	LeadName  string
	// Recipients are the lead council's officers and the panel's chair
	// (who may be from a partner council), each once.
	Recipients []User
}

// AwardRemindersDue lists bids that closed on a UK day AwardReminderDays
// or more before at's, are neither awarded nor cancelled, and have not
// been reminded of. (By day, so a bid that closed at noon is reminded of
// on the morning of its 28th day, not the 29th.)
func (db *DB) AwardRemindersDue(ctx context.Context, at time.Time) ([]AwardReminder, error) {
	y, m, d := at.In(London()).Date()
	cutoff := time.Date(y, m, d-AwardReminderDays+1, 0, 0, 0, 0, London()) // the start of the day after the latest close day
	rows, err := db.R.QueryContext(ctx, `
		SELECT b.id, b.title, b.closed_at, b.lead_gss, co.name,
		       (SELECT count(*) FROM bid_responses r WHERE r.bid_id = b.id AND r.status = 'submitted')
		  FROM bids b JOIN councils co ON co.gss_code = b.lead_gss
		 WHERE b.closed_at IS NOT NULL AND b.closed_at < ? AND b.status NOT IN ('awarded', 'cancelled')
		   AND NOT EXISTS (SELECT 1 FROM award_reminders a WHERE a.bid_id = b.id)
		 ORDER BY b.id`, dbTime(cutoff))
	if err != nil {
		return nil, fmt.Errorf("award reminders due: %w", err)
	}
	var out []AwardReminder
	for rows.Next() {
		var r AwardReminder
		var closed string
		if err := rows.Scan(&r.BidID, &r.Title, &closed, &r.LeadGSS, &r.LeadName, &r.Submitted); err != nil {
			_ = rows.Close()
			return nil, err
		}
		r.ClosedAt, _ = parseDBTime(closed)
		out = append(out, r)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		officers, err := db.OfficersToTell(ctx, out[i].LeadGSS)
		if err != nil {
			return nil, err
		}
		chairs, err := db.queryUsers(ctx, `SELECT `+userColumns+userFrom+`JOIN bid_panel p ON p.user_id = u.id
			WHERE p.bid_id = ? AND p.role = 'chair' AND u.disabled_at IS NULL AND u.awaiting_verification = 0`, out[i].BidID)
		if err != nil {
			return nil, fmt.Errorf("chair of bid %d: %w", out[i].BidID, err)
		}
		seen := map[int64]bool{}
		for _, u := range append(officers, chairs...) {
			if !seen[u.ID] {
				seen[u.ID] = true
				out[i].Recipients = append(out[i].Recipients, u)
			}
		}
	}
	return out, nil
}

// RecordAwardReminderTx records, inside the transaction that queues the
// reminders, that bid bidID's lead council was reminded.
func RecordAwardReminderTx(ctx context.Context, tx *sql.Tx, bidID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO award_reminders (bid_id, at) VALUES (?, ?)`, bidID, dbTime(now))
	return err
}
