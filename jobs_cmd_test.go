package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"jointly/jobs"
	"jointly/testutil"
)

func TestJobsList(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	r := cli(t, noEnv, "", "jobs", "list", "--db", db)
	wantCode(t, r, 0)
	out := lines(r.stdout)
	if len(out) != 1+len(jobs.All()) || !strings.HasPrefix(out[0], "JOB") {
		t.Fatalf("jobs list printed:\n%s", r.stdout)
	}
	for i, j := range jobs.All() {
		f := strings.Fields(out[i+1])
		if f[0] != j.Name || strings.Join(f[1:6], " ") != j.Schedule || !strings.HasSuffix(strings.TrimSpace(out[i+1]), "never") {
			t.Errorf("line for %s: %q, want its name, schedule %q and never run", j.Name, out[i+1], j.Schedule)
		}
	}

	// A schedule from the environment, and one from a flag.
	r = cli(t, env(map[string]string{"JOINTLY_SCHEDULE_DIGEST": "0 7 * * *"}), "", "jobs", "list", "--db", db,
		"--schedule", "expiry-alerts=45 6 * * 1-5")
	wantCode(t, r, 0)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^digest +0 7 \* \* \* `),
		regexp.MustCompile(`(?m)^expiry-alerts +45 6 \* \* 1-5 `),
	} {
		if !want.MatchString(r.stdout) {
			t.Errorf("jobs list does not show %s:\n%s", want, r.stdout)
		}
	}

	// After a run, its period and outcome.
	wantCode(t, cli(t, noEnv, "", "jobs", "run", "briefings", "--db", db, "--for", "2026-11-20"), 0)
	r = cli(t, noEnv, "", "jobs", "list", "--db", db)
	if !regexp.MustCompile(`(?m)^briefings +15 2 \* \* \* .* 2026-11-20T02:15 +succeeded$`).MatchString(r.stdout) {
		t.Errorf("jobs list after a run:\n%s", r.stdout)
	}
}

// A period runs once; --force runs it again; --for picks the period of a
// day.
func TestJobsRunOncePerPeriod(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	r := cli(t, noEnv, "", "jobs", "run", "briefings", "--db", db, "--for", "2026-11-01")
	wantCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, "briefings for 2026-11-01T02:15: succeeded (generated ") {
		t.Errorf("first run printed %q", r.stdout)
	}
	r = cli(t, noEnv, "", "jobs", "run", "briefings", "--db", db, "--for", "2026-11-01")
	wantCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, "briefings for 2026-11-01T02:15: skipped: already ran for this period") {
		t.Errorf("second run printed %q", r.stdout)
	}
	r = cli(t, noEnv, "", "jobs", "run", "briefings", "--db", db, "--for", "2026-11-01", "--force")
	wantCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, "briefings for 2026-11-01T02:15: succeeded") {
		t.Errorf("forced run printed %q", r.stdout)
	}
	if n := countRows(t, db, `SELECT attempts FROM job_runs WHERE job = 'briefings' AND period = '2026-11-01T02:15' AND status = 'succeeded'`); n != 2 {
		t.Errorf("attempts %d after forcing, want 2", n)
	}
	if n := countRows(t, db, `SELECT count(*) FROM job_run_log WHERE job = 'briefings' AND trigger = 'command'`); n != 3 {
		t.Errorf("%d job log entries, want 3", n)
	}

	// An every-minute job on a day: its last minute. A time: the minute.
	r = cli(t, noEnv, "", "jobs", "run", "close-bids", "--db", db, "--for", "2026-11-01")
	wantCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, "close-bids for 2026-11-01T23:59: succeeded") {
		t.Errorf("close-bids for a day printed %q", r.stdout)
	}
	r = cli(t, noEnv, "", "jobs", "run", "close-bids", "--db", db, "--for", "2027-07-01T09:30:45Z")
	wantCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, "close-bids for 2027-07-01T10:30: succeeded") {
		t.Errorf("close-bids for a summer instant printed %q (want the UK-time minute)", r.stdout)
	}

	// With no --for: the period due now.
	r = cli(t, noEnv, "", "jobs", "run", "briefings", "--db", db)
	wantCode(t, r, 0)
	if !regexp.MustCompile(`^briefings for \d{4}-\d\d-\d\dT02:15: succeeded`).MatchString(r.stdout) {
		t.Errorf("run for now printed %q", r.stdout)
	}
}

// Emails a run queues are delivered before the command exits.
func TestJobsRunDeliversItsMail(t *testing.T) {
	t.Parallel()
	db, _ := demoDB(t)
	// The demo's published bid, its deadline just gone by the real clock
	// (the command's).
	func() {
		d := openTestDB(t, db)
		defer d.Close()
		layout := "2006-01-02T15:04:05.000000Z"
		past := time.Now().Add(-time.Minute).UTC()
		if res, err := d.W.Exec(`UPDATE bids SET response_deadline = ?,
			clarification_deadline = CASE WHEN clarification_deadline IS NULL THEN NULL ELSE ? END WHERE status = 'published'`,
			past.Format(layout), past.Add(-time.Hour).Format(layout)); err != nil {
			t.Fatal(err)
		} else if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("%d published bids in the demo, want 1", n)
		}
	}()
	outbox := filepath.Join(t.TempDir(), "outbox")
	r := cli(t, noEnv, "", "jobs", "run", "close-bids", "--db", db, "--outbox", outbox)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "closed 1") || !strings.Contains(r.stdout, "mail: 2 delivered, 0 not delivered (folder "+outbox+")") {
		t.Errorf("close-bids printed %q", r.stdout)
	}
	if n := len(testutil.ReadOutbox(t, outbox)); n != 2 {
		t.Errorf("%d emails in the outbox, want the two councils' notices", n)
	}
}

func TestJobsUsageErrors(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	for _, c := range []struct {
		name   string
		getenv func(string) string
		args   []string
		want   []string
		never  string
	}{
		{"no subcommand", noEnv, []string{"jobs"}, []string{"say list or run NAME"}, ""},
		{"no job", noEnv, []string{"jobs", "run", "--db", db}, []string{"name the job"}, ""},
		{"unknown job", noEnv, []string{"jobs", "run", "digests", "--db", db},
			[]string{`no job "digests"`, "close-bids, digest, expiry-alerts", "backup"}, ""},
		{"bad schedule", noEnv, []string{"jobs", "run", "digest", "--db", db, "--schedule", "digest=0 7 * *"},
			[]string{`schedule for digest "0 7 * *"`}, ""},
		{"schedule for no job", noEnv, []string{"jobs", "list", "--db", db, "--schedule", "nightly=0 1 * * *"},
			[]string{`schedule for "nightly": there is no such job`}, ""},
		{"bad schedule in the environment", env(map[string]string{"JOINTLY_SCHEDULE_EXPIRY_ALERTS": "every day"}),
			[]string{"jobs", "list", "--db", db}, []string{`schedule for expiry-alerts "every day"`}, ""},
		{"bad --smtp-url", noEnv, []string{"jobs", "list", "--db", db, "--smtp-url", "smtp://postmaster:hunter2@mail.example.com:smtp"},
			[]string{"--smtp-url", "invalid port"}, "hunter2"},
		{"bad JOINTLY_SMTP_URL", env(map[string]string{"JOINTLY_SMTP_URL": "ftp://postmaster:hunter2@mail.example.com"}),
			[]string{"jobs", "list", "--db", db}, []string{"--smtp-url", "smtp or smtps"}, "hunter2"},
		{"bad --for", noEnv, []string{"jobs", "run", "digest", "--db", db, "--for", "21/11/2026"}, []string{`--for "21/11/2026"`}, ""},
		{"--for with list", noEnv, []string{"jobs", "list", "--db", db, "--for", "2026-11-21"}, []string{"no --for"}, ""},
		{"bad --mail-from", noEnv, []string{"jobs", "list", "--db", db, "--mail-from", "nobody"}, []string{"--mail-from"}, ""},
	} {
		r := cli(t, c.getenv, "", c.args...)
		if r.code != 2 {
			t.Errorf("%s: exit status %d, want 2\n%s%s", c.name, r.code, r.stdout, r.stderr)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr %q does not say %q", c.name, r.stderr, w)
			}
		}
		if c.never != "" && strings.Contains(r.stdout+r.stderr, c.never) {
			t.Errorf("%s: the output shows %q: %s", c.name, c.never, r.stderr)
		}
	}
	if n := countRows(t, db, `SELECT count(*) FROM job_run_log`); n != 0 {
		t.Errorf("%d runs logged by refused commands", n)
	}
}

// jointlyExec starts this test binary as the jointly program (TestMain in
// main_exec_test.go), with no JOINTLY_* variables from the host.
func jointlyExec(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	if os.Getenv("JOINTLY_TEST_AS_MAIN") == "1" {
		t.Skip("already running as jointly")
	}
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "JOINTLY_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "JOINTLY_TEST_AS_MAIN=1")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// Two jointly processes asked to run the same job for the same period at
// the same time: exactly one runs it, the other is told it has run or is
// running.
func TestJobsRunInTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	t.Parallel()
	db := seededDB(t)
	args := []string{"jobs", "run", "briefings", "--db", db, "--for", "2026-11-20", "--log-level", "error"}
	a, outA := jointlyExec(t, args...)
	b, outB := jointlyExec(t, args...)
	errA, errB := a.Wait(), b.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("exit: %v, %v\n%s\n%s", errA, errB, outA, outB)
	}
	outs := []string{strings.TrimSpace(outA.String()), strings.TrimSpace(outB.String())}
	succeeded, skipped := 0, 0
	for _, o := range outs {
		switch {
		case strings.HasPrefix(o, "briefings for 2026-11-20T02:15: succeeded"):
			succeeded++
		case strings.HasPrefix(o, "briefings for 2026-11-20T02:15: skipped: already ran"),
			strings.HasPrefix(o, "briefings for 2026-11-20T02:15: skipped: running elsewhere"):
			skipped++
		}
	}
	if succeeded != 1 || skipped != 1 {
		t.Errorf("outputs %q, want one run and one skipped", outs)
	}
	if n := countRows(t, db, `SELECT count(*) FROM job_runs WHERE job = 'briefings' AND status = 'succeeded' AND attempts = 1`); n != 1 {
		t.Errorf("%d successful runs of briefings at the first attempt, want 1", n)
	}
	if n := countRows(t, db, `SELECT count(*) FROM job_run_log WHERE job = 'briefings' AND outcome = 'skipped'`); n != 1 {
		t.Errorf("%d skipped requests logged, want 1", n)
	}
}

// Two servers on one database, both catching up at start-up: no job runs
// the same period twice, and no email goes twice.
func TestTwoServersCatchUpOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	t.Parallel()
	db, _ := demoDB(t)
	type server struct {
		cmd    *exec.Cmd
		out    *syncBuffer
		addr   string
		outbox string
	}
	start := func() server {
		s := server{addr: freeAddr(t), outbox: filepath.Join(t.TempDir(), "outbox")}
		s.cmd, s.out = jointlyExec(t, "serve", "--db", db, "--addr", s.addr, "--outbox", s.outbox, "--log-level", "warn",
			"--now", "2026-11-21T10:00:00Z")
		t.Cleanup(func() { _ = s.cmd.Process.Kill() })
		return s
	}
	healthy := func(s server) {
		client := &http.Client{Timeout: 2 * time.Second}
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			resp, err := client.Get("http://" + s.addr + "/healthz")
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("serve on %s not healthy within a minute: %v\n%s", s.addr, err, s.out)
			}
		}
	}
	a := start()
	healthy(a) // migrated; then the second starts while the first catches up
	b := start()
	healthy(b)
	for _, s := range []server{a, b} {
		// Stopping waits for the catch-up to finish.
		if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []server{a, b} {
		if err := s.cmd.Wait(); err != nil {
			t.Fatalf("serve on %s: %v\n%s", s.addr, err, s.out)
		}
	}

	d := openTestDB(t, db)
	rows, err := d.R.Query(`SELECT job, period, status, attempts, owner FROM job_runs ORDER BY job, period`)
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]bool{}
	runs := map[string]int{}
	for rows.Next() {
		var job, period, status, owner string
		var attempts int
		if err := rows.Scan(&job, &period, &status, &attempts, &owner); err != nil {
			t.Fatal(err)
		}
		runs[job]++
		owners[owner] = true
		if status == "succeeded" && attempts != 1 {
			t.Errorf("%s for %s succeeded after %d attempts: run more than once", job, period, attempts)
		}
		if status == "running" {
			t.Errorf("%s for %s still running after both servers stopped", job, period)
		}
	}
	rows.Close()
	for _, j := range jobs.All() {
		if runs[j.Name] == 0 {
			t.Errorf("%s was not caught up", j.Name)
		}
	}
	var twice int
	if err := d.R.QueryRow(`SELECT count(*) FROM (SELECT job, period FROM job_run_log WHERE outcome = 'succeeded'
		GROUP BY job, period HAVING count(*) > 1)`).Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if twice != 0 {
		t.Errorf("%d job periods succeeded more than once", twice)
	}
	t.Logf("job runs by %d owners; log:\n%s", len(owners), jobLogSummary(t, d.R))

	// Each email went once, from one server or the other.
	seen := map[string]string{}
	for _, s := range []server{a, b} {
		for _, raw := range testutil.ReadOutbox(t, s.outbox) {
			m, err := mail.ReadMessage(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			id := m.Header.Get("Message-Id")
			if prev, ok := seen[id]; ok {
				t.Errorf("email %s delivered by %s and %s", id, prev, s.addr)
			}
			seen[id] = s.addr
		}
	}
	var sent int
	if err := d.R.QueryRow(`SELECT count(*) FROM mail_outbox WHERE status = 'sent'`).Scan(&sent); err != nil {
		t.Fatal(err)
	}
	if len(seen) != sent {
		t.Errorf("%d emails in the outboxes, %d marked sent", len(seen), sent)
	}
}

// jobLogSummary is the job log, one request a line, for the test's log.
func jobLogSummary(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT job, period, trigger, outcome, detail FROM job_run_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var job, period, trigger, outcome, detail string
		if err := rows.Scan(&job, &period, &trigger, &outcome, &detail); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s %s %s\n", job, period, trigger, outcome, detail)
	}
	return b.String()
}
