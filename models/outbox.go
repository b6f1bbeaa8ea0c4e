package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Email is one message to one person. Text is always sent; HTML, when
// given, goes beside it as the alternative part. UnsubscribeURL, for
// messages a person chose to get (digests), becomes the List-Unsubscribe
// and List-Unsubscribe-Post headers of RFC 8058.
type Email struct {
	To             string
	Subject        string
	Text           string
	HTML           string
	Kind           string // what it is, for the mail log: digest, expiry-alert, password-reset…
	UnsubscribeURL string
}

// Mail delivery gives up on a message after MaxEmailAttempts tries, or at
// once when the server refuses it for good (a 5xx reply).
const MaxEmailAttempts = 8

// EmailRetryDelay is how long after its nth failed attempt (n from 1) a
// message is tried again: a minute, doubling, at most six hours.
func EmailRetryDelay(n int) time.Duration {
	d := time.Minute
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Outbox queues email in the database; a sender (package mailer) delivers
// it. Notify, when set, is called after each message is queued, to wake
// the sender.
type Outbox struct {
	DB     *DB
	Notify func()
}

// Send queues e and wakes the sender. The returned id is the message's row
// in the outbox. It fails only if e is not a message (a bad address) or
// the database refuses the write.
func (o *Outbox) Send(ctx context.Context, e Email) (int64, error) {
	var id int64
	err := o.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = QueueEmail(ctx, tx, o.DB.now(), e)
		return err
	})
	if err != nil {
		return 0, err
	}
	o.wake()
	return id, nil
}

// SendWith queues emails in the same transaction as fn, so the emails and
// the change they report are recorded together or not at all (a job's
// "told them" mark, for instance), then wakes the sender.
func (o *Outbox) SendWith(ctx context.Context, emails []Email, fn func(tx *sql.Tx) error) error {
	now := o.DB.now()
	err := o.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, e := range emails {
			if _, err := QueueEmail(ctx, tx, now, e); err != nil {
				return err
			}
		}
		if fn != nil {
			return fn(tx)
		}
		return nil
	})
	if err == nil && len(emails) > 0 {
		o.wake()
	}
	return err
}

func (o *Outbox) wake() {
	if o.Notify != nil {
		o.Notify()
	}
}

// QueueEmail adds e to the outbox inside tx, due at once.
func QueueEmail(ctx context.Context, tx *sql.Tx, now time.Time, e Email) (int64, error) {
	to, err := mail.ParseAddress(e.To)
	if err != nil {
		return 0, fmt.Errorf("email to %q: %w", e.To, err)
	}
	if strings.TrimSpace(e.Subject) == "" {
		return 0, fmt.Errorf("email to %s has no subject", to.Address)
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return 0, err
	}
	msgID := hex.EncodeToString(id) + "@jointly"
	at := dbTime(now)
	addr := to.Address // as the mail log shows it and searches it
	if to.Name != "" {
		addr = to.String()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO mail_outbox (message_id, kind, to_addr, subject, text_body, html_body,
		unsubscribe_url, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		msgID, e.Kind, addr, e.Subject, e.Text, e.HTML, e.UnsubscribeURL, at, at)
	if err != nil {
		return 0, fmt.Errorf("queue email: %w", err)
	}
	return res.LastInsertId()
}

// QueuedEmail is one message in the outbox.
type QueuedEmail struct {
	ID             int64
	MessageID      string // without the angle brackets
	Kind           string
	To             string
	Subject        string
	Text           string
	HTML           string
	UnsubscribeURL string
	Status         string // queued, sent or failed
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	DeliveredTo    string
	CreatedAt      time.Time
	SentAt         time.Time
}

const queuedEmailColumns = `id, message_id, kind, to_addr, subject, text_body, html_body, unsubscribe_url, status,
	attempts, next_attempt_at, last_error, delivered_to, created_at, coalesce(sent_at, '')`

func scanQueuedEmail(s interface{ Scan(...any) error }) (QueuedEmail, error) {
	var q QueuedEmail
	var next, created, sent string
	if err := s.Scan(&q.ID, &q.MessageID, &q.Kind, &q.To, &q.Subject, &q.Text, &q.HTML, &q.UnsubscribeURL, &q.Status,
		&q.Attempts, &next, &q.LastError, &q.DeliveredTo, &created, &sent); err != nil {
		return q, err
	}
	q.NextAttemptAt, _ = parseDBTime(next)
	q.CreatedAt, _ = parseDBTime(created)
	q.SentAt, _ = parseDBTime(sent)
	return q, nil
}

func (db *DB) queryEmails(ctx context.Context, query string, args ...any) ([]QueuedEmail, error) {
	rows, err := db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueuedEmail
	for rows.Next() {
		q, err := scanQueuedEmail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// DueEmails lists up to limit queued messages whose next attempt is due,
// oldest first.
func (db *DB) DueEmails(ctx context.Context, limit int) ([]QueuedEmail, error) {
	return db.queryEmails(ctx, `SELECT `+queuedEmailColumns+` FROM mail_outbox
		WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, dbTime(db.now()), limit)
}

// EmailByID is one message of the outbox.
func (db *DB) EmailByID(ctx context.Context, id int64) (QueuedEmail, error) {
	q, err := scanQueuedEmail(db.R.QueryRowContext(ctx, `SELECT `+queuedEmailColumns+` FROM mail_outbox WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return q, ErrNotFound
	}
	return q, err
}

// MarkEmailSent records that message id was delivered, to where.
func (db *DB) MarkEmailSent(ctx context.Context, id int64, deliveredTo string) error {
	_, err := db.W.ExecContext(ctx, `UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?,
		delivered_to = ?, last_error = '' WHERE id = ? AND status = 'queued'`, dbTime(db.now()), deliveredTo, id)
	return err
}

// MarkEmailFailed records a failed attempt to deliver message id. A
// permanent failure, or the MaxEmailAttempts-th, marks it failed for good;
// otherwise it is due again after EmailRetryDelay. It reports whether the
// message has now failed for good.
func (db *DB) MarkEmailFailed(ctx context.Context, id int64, cause error, permanent bool) (bool, error) {
	msg := cause.Error()
	if len(msg) > 500 {
		msg = strings.ToValidUTF8(msg[:500], "")
	}
	var final bool
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var attempts int
		if err := tx.QueryRowContext(ctx, `SELECT attempts FROM mail_outbox WHERE id = ? AND status = 'queued'`, id).Scan(&attempts); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil // sent or given up on meanwhile: nothing to record
			}
			return err
		}
		attempts++
		final = permanent || attempts >= MaxEmailAttempts
		status := "queued"
		if final {
			status = "failed"
		}
		_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?
			WHERE id = ?`, status, attempts, msg, dbTime(db.now().Add(EmailRetryDelay(attempts))), id)
		return err
	})
	return final, err
}

// MailLogFilter narrows the administrator's mail log.
type MailLogFilter struct {
	Status string // queued, sent, failed or "" for all
	To     string // part of the address
	Page   int    // from 1
	Per    int
}

// MailLog lists the outbox, newest first, for the administrator, with the
// total that match.
func (db *DB) MailLog(ctx context.Context, f MailLogFilter) ([]QueuedEmail, int, error) {
	where, args := `1 = 1`, []any{}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.To != "" {
		where += ` AND to_addr LIKE '%' || ? || '%' ESCAPE '\'`
		args = append(args, escapeLike(f.To))
	}
	var total int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM mail_outbox WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	per := f.Per
	if per <= 0 {
		per = 50
	}
	page := max(f.Page, 1)
	out, err := db.queryEmails(ctx, `SELECT `+queuedEmailColumns+` FROM mail_outbox WHERE `+where+
		` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, per, (page-1)*per)...)
	return out, total, err
}

// MailCounts is how many messages are queued, sent and failed.
func (db *DB) MailCounts(ctx context.Context) (map[string]int, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT status, count(*) FROM mail_outbox GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{"queued": 0, "sent": 0, "failed": 0}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
