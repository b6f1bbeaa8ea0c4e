package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// A published bid closes by itself at its response deadline. Every read
// that matters checks (closeIfDue), and a job each minute closes the rest
// and tells participants and respondents (ClosedBidsToNotify), so the
// close never waits for someone to look.

// closeIfDue closes bid bidID if it is published and its deadline has
// passed. The check is one indexed read; it writes only when closing.
func (db *DB) closeIfDue(ctx context.Context, bidID int64) error {
	var due int
	err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM bids WHERE id = ? AND status = 'published' AND response_deadline <= ?`,
		bidID, dbTime(db.now())).Scan(&due)
	if err != nil || due == 0 {
		return err
	}
	_, err = db.CloseDueBids(ctx)
	return err
}

// closeAnyDue closes any bid due, for lists: one indexed read when none is.
func (db *DB) closeAnyDue(ctx context.Context) error {
	var due int
	err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM bids WHERE status = 'published' AND response_deadline <= ?)`,
		dbTime(db.now())).Scan(&due)
	if err != nil || due == 0 {
		return err
	}
	_, err = db.CloseDueBids(ctx)
	return err
}

// CloseDueBids closes every published bid whose response deadline has
// passed, and reports their ids. Running it again closes nothing more.
func (db *DB) CloseDueBids(ctx context.Context) ([]int64, error) {
	var closed []int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		rows, err := tx.QueryContext(ctx, `SELECT id, response_deadline FROM bids WHERE status = 'published' AND response_deadline <= ? ORDER BY id`,
			dbTime(now))
		if err != nil {
			return err
		}
		type due struct {
			id       int64
			deadline string
		}
		var ds []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.deadline); err != nil {
				_ = rows.Close()
				return err
			}
			ds = append(ds, d)
		}
		_ = rows.Close()
		for _, d := range ds {
			// Closed at the deadline itself, not whenever this ran.
			if _, err := tx.ExecContext(ctx, `UPDATE bids SET closed_at = ? WHERE id = ?`, d.deadline, d.id); err != nil {
				return fmt.Errorf("close bid %d: %w", d.id, err)
			}
			if err := db.setBidStatus(ctx, tx, System, d.id, BidPublished, BidClosed, "Closed at the response deadline"); err != nil {
				return err
			}
			if err := db.bidActivity(ctx, tx, System, d.id, "closed", "closed the bid at the response deadline; responses can now be evaluated", 0); err != nil {
				return err
			}
			closed = append(closed, d.id)
		}
		return nil
	})
	return closed, err
}

// ClosedBidNotice is what to tell about one bid that has closed.
type ClosedBidNotice struct {
	BidID       int64
	Title       string
	ClosedAt    time.Time
	Submitted   int
	Councils    []User // officers of the participating councils
	Respondents []User // users of suppliers with a submitted response
}

// ClosedBidsToNotify lists closed bids whose participants and respondents
// have not yet been told, with whom to tell. MarkCloseNotified records
// that they were.
func (db *DB) ClosedBidsToNotify(ctx context.Context) ([]ClosedBidNotice, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, title, closed_at,
		(SELECT count(*) FROM bid_responses r WHERE r.bid_id = b.id AND r.status = 'submitted')
		FROM bids b WHERE closed_at IS NOT NULL AND close_notified_at IS NULL ORDER BY id LIMIT 100`)
	if err != nil {
		return nil, err
	}
	var out []ClosedBidNotice
	for rows.Next() {
		var n ClosedBidNotice
		var at string
		if err := rows.Scan(&n.BidID, &n.Title, &at, &n.Submitted); err != nil {
			_ = rows.Close()
			return nil, err
		}
		n.ClosedAt, _ = parseDBTime(at)
		out = append(out, n)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Councils, err = db.usersWhere(ctx, `u.role = 'officer' AND u.council_gss IN
			(SELECT council_gss FROM bid_participants WHERE bid_id = ? AND state = 'accepted')`, out[i].BidID); err != nil {
			return nil, err
		}
		if out[i].Respondents, err = db.usersWhere(ctx, `u.role = 'supplier' AND u.supplier_id IN
			(SELECT supplier_id FROM bid_responses WHERE bid_id = ? AND status = 'submitted')`, out[i].BidID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MarkCloseNotified records that bid bidID's close has been told.
func (db *DB) MarkCloseNotified(ctx context.Context, bidID int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error { return MarkCloseNotifiedTx(ctx, tx, bidID, db.now()) })
}

// MarkCloseNotifiedTx is MarkCloseNotified inside tx, the transaction that
// queues the notices.
func MarkCloseNotifiedTx(ctx context.Context, tx *sql.Tx, bidID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE bids SET close_notified_at = ? WHERE id = ? AND close_notified_at IS NULL`, dbTime(now), bidID)
	return err
}

// usersWhere lists active users matching cond (with one argument).
func (db *DB) usersWhere(ctx context.Context, cond string, arg any) ([]User, error) {
	return db.queryUsers(ctx, `SELECT `+userColumns+userFrom+`WHERE u.disabled_at IS NULL AND `+cond+` ORDER BY u.id`, arg)
}
