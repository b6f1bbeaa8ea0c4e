package models

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// How long housekeeping keeps records that have done their work.
const (
	// JobLogRetention is how long the jobs page's log of requests is kept.
	JobLogRetention = 90 * 24 * time.Hour
	// FrequentJobRunRetention is how long runs of every-minute jobs
	// (close-bids) are kept; JobRunRetention, runs of every other job.
	FrequentJobRunRetention = 7 * 24 * time.Hour
	JobRunRetention         = 400 * 24 * time.Hour
	// SentMailRetention is how long delivered mail stays in the mail log;
	// FailedMailRetention, mail that could not be delivered, which the
	// administrator may need to look into.
	SentMailRetention   = 90 * 24 * time.Hour
	FailedMailRetention = 400 * 24 * time.Hour
	// DigestSendRetention is how long digest records are kept (each
	// person's most recent is always kept).
	DigestSendRetention = 90 * 24 * time.Hour
	// RevokedTokenRetention is how long a revoked API token is kept
	// (listed nowhere, but its row explains its audit entries for a while).
	RevokedTokenRetention = 90 * 24 * time.Hour
	// VerificationRetention is how long an expired email confirmation
	// link is kept, so following it says "expired" rather than "unknown".
	VerificationRetention = 30 * 24 * time.Hour
)

// FrequentJobs are the jobs that run every minute, whose runs are kept
// only FrequentJobRunRetention.
var FrequentJobs = []string{"close-bids"}

// cleanupBatch is how many rows each DELETE removes, so a first clean-up
// of a large backlog never holds the write lock for long.
const cleanupBatch = 5000

// Cleanup deletes what has expired or outlived its use, and reports how
// many rows it deleted from each table. Each step is a plain DELETE that
// can be run again, so a run cut short is finished by the next. It never
// touches audit_events, which is append-only and hash-chained.
func (db *DB) Cleanup(ctx context.Context) (map[string]int, error) {
	now := db.now()
	ago := func(d time.Duration) string { return dbTime(now.Add(-d)) }
	out := map[string]int{}
	n, err := db.DeleteExpiredSessions(ctx)
	if err != nil {
		return out, fmt.Errorf("clean up sessions: %w", err)
	}
	out["sessions"] = int(n)
	type step struct {
		table, key, where string
		args              []any
	}
	steps := []step{
		// Single-use links past their expiry can no longer be used (no page
		// lists used ones); the audit trail keeps who invited or reset what.
		{"password_resets", "token_hash", `expires_at <= ?`, []any{dbTime(now)}},
		{"invitations", "id", `expires_at <= ?`, []any{dbTime(now)}},
		{"email_verifications", "secret_hash", `expires_at <= ?`, []any{ago(VerificationRetention)}},
		{"sso_states", "state_hash", `created_at <= ?`, []any{ago(SSOStateTTL)}},
		{"login_failures", "id", `at <= ?`, []any{ago(LoginWindow)}},
		{"job_run_log", "id", `at <= ?`, []any{ago(JobLogRetention)}},
	}
	// A run still marked running is kept unless its lease has lapsed (its
	// runner died): nobody will run so old a period again.
	const finished = `(status <> 'running' OR lease_until <= ?)`
	for _, job := range FrequentJobs {
		steps = append(steps, step{"job_runs", "id", `job = ? AND started_at <= ? AND ` + finished,
			[]any{job, ago(FrequentJobRunRetention), dbTime(now)}})
	}
	steps = append(steps,
		step{"job_runs", "id", `started_at <= ? AND ` + finished, []any{ago(JobRunRetention), dbTime(now)}},
		step{"mail_outbox", "id", `status = 'sent' AND created_at <= ?`, []any{ago(SentMailRetention)}},
		step{"mail_outbox", "id", `status = 'failed' AND created_at <= ?`, []any{ago(FailedMailRetention)}},
		// Everyone's latest digest record stays: their next digest starts
		// from it.
		step{"digest_sends", "user_id, period", `at <= ? AND period < (SELECT max(d.period) FROM digest_sends d WHERE d.user_id = digest_sends.user_id)`,
			[]any{ago(DigestSendRetention)}},
		// Nothing references a token; a revoked one no longer works.
		step{"api_tokens", "id", `revoked_at IS NOT NULL AND revoked_at <= ?`, []any{ago(RevokedTokenRetention)}},
	)
	for _, s := range steps {
		n, err := db.deleteInBatches(ctx, s.table, s.key, s.where, s.args...)
		out[s.table] += n
		if err != nil {
			return out, fmt.Errorf("clean up %s: %w", s.table, err)
		}
	}
	return out, nil
}

// deleteInBatches deletes the rows of table matching where, cleanupBatch
// at a time, and returns how many it deleted. key is the column, or
// columns, naming a row: its primary key.
func (db *DB) deleteInBatches(ctx context.Context, table, key, where string, args ...any) (int, error) {
	// table, key and where are constants of Cleanup; the values are bound.
	// #nosec G202 -- table, key and where are constants of Cleanup; every value is a bound parameter.
	q := `DELETE FROM ` + table + ` WHERE (` + key + `) IN (SELECT ` + key + ` FROM ` + table + ` WHERE ` + where + ` LIMIT ?)`
	bound := append(slices.Clip(args), cleanupBatch)
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		res, err := db.W.ExecContext(ctx, q, bound...)
		if err != nil {
			return total, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += int(n)
		if n < cleanupBatch {
			return total, nil
		}
	}
}

// Checkpoint is what checkpointing the write-ahead log did: Log is the
// frames the log held and Checkpointed those copied into the database;
// Busy is true when the log could not then be truncated (a reader or
// writer was in the way: the next run tries again).
type Checkpoint struct {
	Busy         bool
	Log          int
	Checkpointed int
}

// Maintain runs PRAGMA optimize (which refreshes the query planner's
// statistics where they have gone stale) and checkpoints the write-ahead
// log into the database, truncating it to nothing. Both run on the write
// connection, so no write of ours is in the way.
//
// The checkpoint is two steps because a TRUNCATE checkpoint reports the
// log as it leaves it, empty: a PASSIVE one first copies what it can and
// says how much there was, then TRUNCATE finishes and empties the file.
func (db *DB) Maintain(ctx context.Context) (Checkpoint, error) {
	var cp Checkpoint
	if _, err := db.W.ExecContext(ctx, `PRAGMA optimize`); err != nil {
		return cp, fmt.Errorf("optimize: %w", err)
	}
	var busy, log, done int
	if err := db.W.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &cp.Log, &cp.Checkpointed); err != nil {
		return cp, fmt.Errorf("checkpoint: %w", err)
	}
	if err := db.W.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done); err != nil {
		return cp, fmt.Errorf("checkpoint: %w", err)
	}
	cp.Busy = busy != 0
	return cp, nil
}
