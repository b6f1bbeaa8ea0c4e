package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Job run triggers: what asked for a run.
const (
	TriggerSchedule = "schedule"
	TriggerCatchUp  = "catch-up"
	TriggerCommand  = "command"
	TriggerAdmin    = "admin"
)

// JobRun is the one record of a job's run for a period.
type JobRun struct {
	ID         int64
	Job        string
	Period     string // the scheduled time it is for, UK time: 2026-11-21T06:00 (jobs.PeriodAt)
	Status     string // running, succeeded or failed
	Trigger    string
	Attempts   int
	Owner      string
	LeaseUntil time.Time
	StartedAt  time.Time
	FinishedAt time.Time
	Counts     map[string]int
	Error      string
}

// JobClaim asks to run Job for Period.
type JobClaim struct {
	Job, Period, Trigger string
	// Force runs a period that already succeeded, again.
	Force bool
	// Owner names this runner (host:pid); Lease is how long the claim
	// holds without a heartbeat.
	Owner string
	Lease time.Duration
	// Gone, when set, says whether the owner of a running claim no longer
	// exists (a process on this machine that has died), so its period can
	// be taken over without waiting for the lease to lapse.
	Gone func(owner string) bool
}

// Why a claim was refused.
var (
	ErrJobDone    = errors.New("already ran for this period")
	ErrJobRunning = errors.New("running elsewhere")
)

const jobRunColumns = `id, job, period, status, trigger, attempts, owner, lease_until, started_at, coalesce(finished_at, ''), counts, error`

func scanJobRun(s interface{ Scan(...any) error }) (JobRun, error) {
	var r JobRun
	var lease, started, finished, counts string
	if err := s.Scan(&r.ID, &r.Job, &r.Period, &r.Status, &r.Trigger, &r.Attempts, &r.Owner, &lease, &started, &finished, &counts, &r.Error); err != nil {
		return r, err
	}
	r.LeaseUntil, _ = parseDBTime(lease)
	r.StartedAt, _ = parseDBTime(started)
	r.FinishedAt, _ = parseDBTime(finished)
	_ = json.Unmarshal([]byte(counts), &r.Counts)
	return r, nil
}

// ClaimJobRun makes this runner the one running c.Job for c.Period, in one
// write transaction, so two servers on one database never both get it. A
// period nobody has run is claimed; one that failed is claimed again; one
// that succeeded only with Force (ErrJobDone otherwise); one running
// elsewhere only once its lease has lapsed or its owner is Gone
// (ErrJobRunning otherwise).
func (db *DB) ClaimJobRun(ctx context.Context, c JobClaim) (JobRun, error) {
	now := db.now()
	var run JobRun
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := scanJobRun(tx.QueryRowContext(ctx, `SELECT `+jobRunColumns+` FROM job_runs WHERE job = ? AND period = ?`, c.Job, c.Period))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO job_runs (job, period, status, trigger, owner, lease_until, started_at)
				VALUES (?, ?, 'running', ?, ?, ?, ?)`, c.Job, c.Period, c.Trigger, c.Owner, dbTime(now.Add(c.Lease)), dbTime(now))
		case err != nil:
			return err
		case cur.Status == "running" && cur.LeaseUntil.After(now) && (c.Gone == nil || !c.Gone(cur.Owner)):
			return fmt.Errorf("%w (%s, since %s)", ErrJobRunning, cur.Owner, FormatUKTime(cur.StartedAt))
		case cur.Status == "succeeded" && !c.Force:
			return fmt.Errorf("%w at %s", ErrJobDone, FormatUKTime(cur.FinishedAt))
		default:
			_, err = tx.ExecContext(ctx, `UPDATE job_runs SET status = 'running', trigger = ?, attempts = attempts + 1, owner = ?,
				lease_until = ?, started_at = ?, finished_at = NULL, counts = '{}', error = '' WHERE id = ?`,
				c.Trigger, c.Owner, dbTime(now.Add(c.Lease)), dbTime(now), cur.ID)
		}
		if err != nil {
			return err
		}
		run, err = scanJobRun(tx.QueryRowContext(ctx, `SELECT `+jobRunColumns+` FROM job_runs WHERE job = ? AND period = ?`, c.Job, c.Period))
		return err
	})
	return run, err
}

// ErrJobClaimLost is why renewing or finishing a run fails once another
// runner has taken its period over (after its lease lapsed): the run's
// record is now the other runner's.
var ErrJobClaimLost = errors.New("another runner has taken the period over")

// RenewJobLease extends a running claim's lease. It fails with
// ErrJobClaimLost if the claim is no longer run's: another runner took the
// period over. The claim is run's attempt, not only its owner, so a second
// scheduler in the same process (the same host:pid) that took the period
// over is told apart.
func (db *DB) RenewJobLease(ctx context.Context, run JobRun, lease time.Duration) error {
	res, err := db.W.ExecContext(ctx, `UPDATE job_runs SET lease_until = ?
		WHERE id = ? AND owner = ? AND attempts = ? AND status = 'running'`,
		dbTime(db.now().Add(lease)), run.ID, run.Owner, run.Attempts)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("job run %d: %w", run.ID, ErrJobClaimLost)
	}
	return nil
}

// FinishJobRun records the end of claimed run: succeeded with its counts,
// or failed with runErr. It records nothing, and fails with
// ErrJobClaimLost, if another runner has taken the period over meanwhile.
func (db *DB) FinishJobRun(ctx context.Context, run JobRun, counts map[string]int, runErr error) error {
	status, msg := "succeeded", ""
	if runErr != nil {
		status, msg = "failed", runErr.Error()
	}
	js := []byte("{}")
	if len(counts) > 0 {
		var err error
		if js, err = json.Marshal(counts); err != nil {
			return err
		}
	}
	res, err := db.W.ExecContext(ctx, `UPDATE job_runs SET status = ?, finished_at = ?, counts = ?, error = ?
		WHERE id = ? AND owner = ? AND attempts = ? AND status = 'running'`,
		status, dbTime(db.now()), string(js), msg, run.ID, run.Owner, run.Attempts)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("job run %d: %w", run.ID, ErrJobClaimLost)
	}
	return nil
}

// JobLogEntry is one request to run a job, as the jobs page lists it.
type JobLogEntry struct {
	ID        int64
	Job       string
	Period    string
	Trigger   string
	Outcome   string // succeeded, failed or skipped
	Detail    string
	Counts    map[string]int
	UserID    int64
	UserName  string
	StartedAt time.Time
	At        time.Time
}

// LogJobRun appends e to the job log.
func (db *DB) LogJobRun(ctx context.Context, e JobLogEntry) error {
	js := []byte("{}")
	if len(e.Counts) > 0 {
		var err error
		if js, err = json.Marshal(e.Counts); err != nil {
			return err
		}
	}
	var user any
	if e.UserID != 0 {
		user = e.UserID
	}
	started := e.StartedAt
	if started.IsZero() {
		started = db.now()
	}
	_, err := db.W.ExecContext(ctx, `INSERT INTO job_run_log (job, period, trigger, outcome, detail, counts, user_id, started_at, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Job, e.Period, e.Trigger, e.Outcome, e.Detail, string(js), user, dbTime(started), dbTime(db.now()))
	return err
}

// JobLog lists the newest limit entries of the job log, of job (or of
// every job when job is "").
func (db *DB) JobLog(ctx context.Context, job string, limit int) ([]JobLogEntry, error) {
	q := `SELECT l.id, l.job, l.period, l.trigger, l.outcome, l.detail, l.counts, coalesce(l.user_id, 0), coalesce(u.name, ''),
		l.started_at, l.at FROM job_run_log l LEFT JOIN users u ON u.id = l.user_id`
	args := []any{}
	if job != "" {
		q += ` WHERE l.job = ?`
		args = append(args, job)
	}
	rows, err := db.R.QueryContext(ctx, q+` ORDER BY l.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobLogEntry
	for rows.Next() {
		var e JobLogEntry
		var counts, started, at string
		if err := rows.Scan(&e.ID, &e.Job, &e.Period, &e.Trigger, &e.Outcome, &e.Detail, &counts, &e.UserID, &e.UserName, &started, &at); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(counts), &e.Counts)
		e.StartedAt, _ = parseDBTime(started)
		e.At, _ = parseDBTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// JobRunFor is the record of job's run for period (ErrNotFound if none).
func (db *DB) JobRunFor(ctx context.Context, job, period string) (JobRun, error) {
	r, err := scanJobRun(db.R.QueryRowContext(ctx, `SELECT `+jobRunColumns+` FROM job_runs WHERE job = ? AND period = ?`, job, period))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// LatestJobRuns is the most recent run of each job, by job name.
func (db *DB) LatestJobRuns(ctx context.Context) (map[string]JobRun, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT `+jobRunColumns+` FROM job_runs r
		WHERE id = (SELECT id FROM job_runs WHERE job = r.job ORDER BY started_at DESC, id DESC LIMIT 1)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]JobRun{}
	for rows.Next() {
		r, err := scanJobRun(rows)
		if err != nil {
			return nil, err
		}
		out[r.Job] = r
	}
	return out, rows.Err()
}

// SucceededPeriods says which of periods job has succeeded for.
func (db *DB) SucceededPeriods(ctx context.Context, job string, periods []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, p := range periods {
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM job_runs WHERE job = ? AND period = ? AND status = 'succeeded'`, job, p).Scan(&n); err != nil {
			return nil, err
		}
		out[p] = n > 0
	}
	return out, nil
}
