// Package jobs holds Jointly's scheduled work and the scheduler that runs
// it. Each job body is a plain function of (ctx, deps, period), so a test
// calls it directly on a real database and a fixed clock; the Scheduler
// runs them on cron schedules in UK time for serve, records each run once
// per period (models.ClaimJobRun) and catches up after downtime.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"jointly/mailer"
	"jointly/models"
)

// Deps is what the jobs need: the database (whose clock is the clock),
// the outbox email is queued in and the sender that delivers it, the
// public URL for links, the key that signs unsubscribe links, where
// backups go, and the log.
type Deps struct {
	DB         *models.DB
	Outbox     *models.Outbox
	Sender     *mailer.Sender
	BaseURL    string
	SigningKey []byte
	BackupDir  string
	BackupKeep int
	Logger     *slog.Logger
}

// Period is the scheduled time a run is for. Key, its name in job_runs, is
// that time in UK time to the minute: 2026-11-21T06:00 (PeriodAt).
type Period struct {
	At  time.Time
	Key string
}

// PeriodAt is the period of scheduled time at. Its key is the UK wall time
// to the minute, 2026-11-21T06:00, with the UTC offset added only in the
// hour the clocks go back, when each wall time happens twice
// (2027-10-31T01:30+01:00, then 2027-10-31T01:30+00:00): every instant has
// a key of its own, and daily keys stay readable.
func PeriodAt(at time.Time) Period {
	return Period{At: at, Key: periodKey(at)}
}

// Counts is what a run did, by name: {"sent": 12, "skipped": 3}.
type Counts map[string]int

// Body is a job's work for a period. It must be safe to run again for the
// same period after a crash part-way (each body records what it has done
// in the same transaction as doing it).
type Body func(ctx context.Context, d Deps, p Period) (Counts, error)

// Job is one named job and its default schedule (a five-field cron
// expression in UK time; serve --schedule NAME=SPEC changes it).
type Job struct {
	Name        string
	Title       string
	Description string
	Schedule    string
	Body        Body
}

// All is every job, in the order the jobs page lists them. Their names are
// the command line's: jointly jobs run NAME.
func All() []Job {
	return []Job{
		{Name: "close-bids", Title: "Close bids", Schedule: "* * * * *", Body: closeBidsBody,
			Description: "Closes published bids at their response deadline and tells the councils and respondents."},
		{Name: "digest", Title: "Digest emails", Schedule: "0 6 * * *", Body: Digest,
			Description: "Emails each person who asked for one a digest of what is new for them: daily, or on Mondays for weekly."},
		{Name: "expiry-alerts", Title: "Contract expiry alerts", Schedule: "30 6 * * *", Body: ExpiryAlerts,
			Description: "Tells a council's officers when a contract's decision window is 120, 60 or 30 days away, and on the day."},
		{Name: "register-nudges", Title: "Register freshness nudges", Schedule: "0 9 1 * *", Body: RegisterNudges,
			Description: "Once a month, asks councils whose register has not been confirmed for six months to check and confirm it."},
		{Name: "award-reminders", Title: "Award reminders", Schedule: "0 8 * * *", Body: AwardReminders,
			Description: "Reminds the lead council 28 days after a bid closed if it has not been awarded or cancelled."},
		{Name: "briefings", Title: "Councillor briefings", Schedule: "15 2 * * *", Body: briefingsBody,
			Description: "Rewrites each council's briefing for its councillors from the night's data."},
		{Name: "cleanup", Title: "Clean up", Schedule: "30 3 * * *", Body: Cleanup,
			Description: "Deletes expired sessions, sign-in records, links and tokens, and old job and mail records."},
		{Name: "maintenance", Title: "Database maintenance", Schedule: "0 4 * * *", Body: Maintenance,
			Description: "Runs PRAGMA optimize and checkpoints the write-ahead log."},
		{Name: "backup", Title: "Backup", Schedule: "0 3 * * *", Body: Backup,
			Description: "Makes a consistent copy of the live database in the backups folder, keeping the last few."},
	}
}

func closeBidsBody(ctx context.Context, d Deps, p Period) (Counts, error) {
	return CloseBids(ctx, d, d.DB.Clock.Now())
}

func briefingsBody(ctx context.Context, d Deps, p Period) (Counts, error) {
	return RefreshBriefings(ctx, d, d.DB.Clock.Now())
}
