package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"jointly/jobs"
	"jointly/models"
	"jointly/testutil"
)

// stamp is an instant relative to testutil.Now as the database stores it.
func stamp(d time.Duration) string {
	return testutil.Now.Add(d).UTC().Format("2006-01-02T15:04:05.000000Z")
}

const day = 24 * time.Hour

func TestCleanup(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.db.W.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A live session, made as signing in makes it.
	live, err := w.db.CreateSession(ctx, w.leeds.ID, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	// Each table gets rows that must go ("old…") and rows that must stay
	// ("keep…"); the test names which by a marker column.
	leeds, bradford := w.leeds.ID, w.bradford.ID
	exec(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES
		('old-expired', ?, ?, ?, ?), ('old-idle', ?, ?, ?, ?)`,
		leeds, stamp(-40*day), stamp(-31*day), stamp(-time.Hour),
		leeds, stamp(-20*day), stamp(-19*day), stamp(10*day))
	exec(`INSERT INTO password_resets (token_hash, user_id, created_at, expires_at, used_at) VALUES
		('old-reset', ?, ?, ?, NULL), ('old-used', ?, ?, ?, ?), ('keep-reset', ?, ?, ?, NULL)`,
		leeds, stamp(-2*time.Hour), stamp(-time.Hour),
		leeds, stamp(-3*time.Hour), stamp(-2*time.Hour), stamp(-150*time.Minute),
		leeds, stamp(-30*time.Minute), stamp(30*time.Minute))
	exec(`INSERT INTO invitations (token_hash, email, name, role, council_gss, invited_by, created_at, expires_at, accepted_at) VALUES
		('old-invite', 'a@leeds.gov.uk', 'A', 'officer', ?, ?, ?, ?, NULL),
		('old-accepted', 'b@leeds.gov.uk', 'B', 'officer', ?, ?, ?, ?, ?),
		('keep-invite', 'c@leeds.gov.uk', 'C', 'officer', ?, ?, ?, ?, NULL)`,
		leedsGSS, leeds, stamp(-20*day), stamp(-6*day),
		leedsGSS, leeds, stamp(-20*day), stamp(-6*day), stamp(-19*day),
		leedsGSS, leeds, stamp(-day), stamp(13*day))
	exec(`INSERT INTO email_verifications (secret_hash, user_id, created_at, expires_at) VALUES
		('old-verify', ?, ?, ?), ('keep-expired-verify', ?, ?, ?), ('keep-verify', ?, ?, ?)`,
		leeds, stamp(-32*day), stamp(-31*day), leeds, stamp(-2*day), stamp(-day), leeds, stamp(-time.Hour), stamp(23*time.Hour))
	exec(`INSERT INTO sso_states (state_hash, provider, session, created_at) VALUES ('old-state', 'p', '', ?), ('keep-state', 'p', '', ?)`,
		stamp(-11*time.Minute), stamp(-time.Minute))
	exec(`INSERT INTO login_failures (email, ip, at) VALUES ('old', '192.0.2.1', ?), ('keep', '192.0.2.1', ?)`,
		stamp(-16*time.Minute), stamp(-5*time.Minute))
	exec(`INSERT INTO job_run_log (job, period, trigger, outcome, started_at, at) VALUES
		('old', 'p', 'command', 'succeeded', '', ?), ('keep', 'p', 'command', 'succeeded', '', ?)`, stamp(-91*day), stamp(-89*day))
	exec(`INSERT INTO job_runs (job, period, status, trigger, owner, lease_until, started_at) VALUES
		('close-bids', 'old-minutely', 'succeeded', 'schedule', 'h:1', ?, ?),
		('close-bids', 'old-lapsed', 'running', 'schedule', 'h:1', ?, ?),
		('close-bids', 'keep-running', 'running', 'schedule', 'h:1', ?, ?),
		('close-bids', 'keep-minutely', 'succeeded', 'schedule', 'h:1', ?, ?),
		('digest', 'keep-daily', 'succeeded', 'schedule', 'h:1', ?, ?),
		('digest', 'old-daily', 'failed', 'schedule', 'h:1', ?, ?)`,
		stamp(-8*day), stamp(-8*day), stamp(-8*day), stamp(-8*day), stamp(time.Minute), stamp(-8*day),
		stamp(-6*day), stamp(-6*day), stamp(-8*day), stamp(-8*day), stamp(-401*day), stamp(-401*day))
	exec(`INSERT INTO mail_outbox (message_id, to_addr, subject, text_body, status, next_attempt_at, created_at) VALUES
		('old-sent', 'x@example.com', 's', 't', 'sent', '', ?),
		('keep-sent', 'x@example.com', 's', 't', 'sent', '', ?),
		('keep-failed', 'x@example.com', 's', 't', 'failed', '', ?),
		('old-failed', 'x@example.com', 's', 't', 'failed', '', ?),
		('keep-queued', 'x@example.com', 's', 't', 'queued', '', ?)`,
		stamp(-91*day), stamp(-89*day), stamp(-91*day), stamp(-401*day), stamp(-500*day))
	exec(`INSERT INTO digest_sends (user_id, period, items, at) VALUES
		(?, '2026-08-10T06:00', 1, ?), (?, '2026-08-15T06:00', 1, ?), (?, '2026-08-10T06:00', 1, ?), (?, '2026-11-11T06:00', 1, ?)`,
		leeds, stamp(-100*day), leeds, stamp(-95*day), bradford, stamp(-100*day), bradford, stamp(-10*day))
	exec(`INSERT INTO api_tokens (user_id, name, token_hash, created_at, last_used_at, revoked_at) VALUES
		(?, 'old', 'old-token', ?, NULL, ?), (?, 'keep-revoked', 'keep-revoked', ?, NULL, ?), (?, 'keep', 'keep-token', ?, NULL, NULL)`,
		leeds, stamp(-200*day), stamp(-91*day), leeds, stamp(-200*day), stamp(-10*day), leeds, stamp(-400*day))
	var audit int
	if err := w.db.R.QueryRow(`SELECT count(*) FROM audit_events`).Scan(&audit); err != nil {
		t.Fatal(err)
	}

	counts, err := jobs.Cleanup(ctx, w.deps, jobs.PeriodAt(testutil.Now))
	if err != nil {
		t.Fatal(err)
	}
	want := jobs.Counts{"sessions": 2, "password_resets": 2, "invitations": 2, "email_verifications": 1, "sso_states": 1,
		"login_failures": 1, "job_run_log": 1, "job_runs": 3, "mail_outbox": 2, "digest_sends": 2, "api_tokens": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts %v\nwant   %v", counts, want)
	}
	left := func(q string, want ...string) {
		t.Helper()
		got := testutil.Column[string](t, w.db.R, q)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", q, got, want)
		}
	}
	left(`SELECT CAST(token_hash AS TEXT) FROM password_resets`, "keep-reset")
	left(`SELECT CAST(token_hash AS TEXT) FROM invitations`, "keep-invite")
	left(`SELECT secret_hash FROM email_verifications`, "keep-expired-verify", "keep-verify")
	left(`SELECT CAST(state_hash AS TEXT) FROM sso_states`, "keep-state")
	left(`SELECT email FROM login_failures`, "keep")
	left(`SELECT job FROM job_run_log`, "keep")
	left(`SELECT period FROM job_runs`, "keep-running", "keep-minutely", "keep-daily")
	left(`SELECT message_id FROM mail_outbox`, "keep-sent", "keep-failed", "keep-queued")
	left(`SELECT user_id || ' ' || period FROM digest_sends`,
		fmt.Sprint(leeds, " 2026-08-15T06:00"), fmt.Sprint(bradford, " 2026-11-11T06:00"))
	left(`SELECT name FROM api_tokens`, "keep-revoked", "keep")
	left(`SELECT CAST(count(*) AS TEXT) FROM audit_events`, fmt.Sprint(audit))

	// The live session still signs in; it is the only one left.
	if u, _, err := w.db.SessionUser(ctx, live); err != nil || u.ID != leeds {
		t.Errorf("live session after clean-up: %v, %v", u.Email, err)
	}
	left(`SELECT CAST(count(*) AS TEXT) FROM sessions`, "1")

	// A second run finds nothing to do.
	counts, err = jobs.Cleanup(ctx, w.deps, jobs.PeriodAt(testutil.Now))
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range counts {
		if n != 0 {
			t.Errorf("second run deleted %d from %s", n, table)
		}
	}
}

func TestMaintenanceCheckpointsTheLog(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.db.W.Exec(`UPDATE contracts SET notes = notes || ' '`); err != nil {
		t.Fatal(err)
	}
	wal := w.db.Path() + "-wal"
	if st, err := os.Stat(wal); err != nil || st.Size() == 0 {
		t.Fatalf("no write-ahead log to checkpoint: %v", err)
	}
	counts, err := jobs.Maintenance(ctx, w.deps, jobs.PeriodAt(testutil.Now))
	if err != nil {
		t.Fatal(err)
	}
	if counts["busy"] != 0 || counts["log_frames"] == 0 || counts["checkpointed_frames"] != counts["log_frames"] {
		t.Errorf("counts %v, want a finished checkpoint of every frame", counts)
	}
	if st, err := os.Stat(wal); err != nil || st.Size() != 0 {
		t.Errorf("write-ahead log after TRUNCATE: %v, %v", st.Size(), err)
	}
}

func TestBackupJobKeepsTheLastFew(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	dir := w.deps.BackupDir
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	// Files that are not the job's own are never pruned.
	for _, n := range []string{"jointly-before-upgrade.db", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for i := range 5 {
		at := time.Date(2026, 11, 17+i, 3, 0, 0, 0, models.London())
		w.clock.T = at
		counts, err := jobs.Backup(ctx, w.deps, jobs.PeriodAt(at))
		if err != nil {
			t.Fatal(err)
		}
		if counts["bytes"] < 100_000 {
			t.Errorf("day %d: counts %v", i, counts)
		}
		if want := max(0, i+1-w.deps.BackupKeep); counts["removed"] != min(1, want) {
			t.Errorf("day %d: removed %d", i, counts["removed"])
		}
		names = append(names, models.BackupName(at))
		// A forced rerun of the period makes it afresh.
		if i == 4 {
			if _, err := jobs.Backup(ctx, w.deps, jobs.PeriodAt(at)); err != nil {
				t.Errorf("rerun: %v", err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := append([]string{"jointly-before-upgrade.db"}, names[2:]...)
	want = append(want, "notes.txt")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("backups folder %v, want %v", got, want)
	}
	if names[4] != "jointly-20261121-0300.db" {
		t.Errorf("name %s", names[4])
	}
	info, err := models.CheckBackup(ctx, filepath.Join(dir, names[4]))
	if err != nil || info.SchemaVersion == 0 {
		t.Errorf("the latest backup: %+v, %v", info, err)
	}

	// With nowhere to put it, the job fails rather than guessing.
	d := w.deps
	d.BackupDir = ""
	if _, err := jobs.Backup(ctx, d, jobs.PeriodAt(testutil.Now)); err == nil || errors.Is(err, os.ErrExist) {
		t.Errorf("no backups folder: %v", err)
	}
}
