package handlers_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"jointly/handlers"
	"jointly/jobs"
	"jointly/models"
	"jointly/testutil"
)

// The administrator's scheduled jobs page, over the app's real scheduler.

// waitForJobLog waits until the job log holds n entries for job (a run
// started in the background has finished and been recorded) and returns
// them, newest first. The deadline only stops a broken run from hanging
// the test; it asserts nothing about speed.
func waitForJobLog(t *testing.T, db *models.DB, job string, n int) []models.JobLogEntry {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		log, err := db.JobLog(context.Background(), job, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) >= n {
			return log
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job log has %d entries for %s, want %d", len(log), job, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var (
	tagsRE   = regexp.MustCompile(`<[^>]+>`)
	spacesRE = regexp.MustCompile(`\s+`)
)

// rowsOf is the text of each table row marked data-testid=testid, in order.
func rowsOf(body, testid string) []string {
	var rows []string
	parts := strings.Split(body, `data-testid="`+testid+`"`)
	for _, p := range parts[1:] {
		if i := strings.Index(p, "</tr>"); i >= 0 {
			p = p[:i]
		}
		text := html.UnescapeString(tagsRE.ReplaceAllString(p, " "))
		rows = append(rows, strings.TrimSpace(spacesRE.ReplaceAllString(strings.TrimPrefix(text, ">"), " ")))
	}
	return rows
}

func adminName(t *testing.T, e *env) string {
	t.Helper()
	u, err := e.app.DB.UserByEmail(context.Background(), testutil.AdminEmail)
	if err != nil {
		t.Fatal(err)
	}
	return u.Name
}

func TestJobsPageListsEveryJob(t *testing.T) {
	e := newEnv(t)
	r := e.browser(testutil.AdminEmail).Get("/admin/jobs")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", r.Status, excerpt(r.Body))
	}
	words := map[string]string{
		"close-bids": "Every minute", "digest": "Every day at 6am", "expiry-alerts": "Every day at 6:30am",
		"register-nudges": "On the 1st of every month at 9am", "award-reminders": "Every day at 8am",
		"briefings": "Every day at 2:15am", "cleanup": "Every day at 3:30am", "maintenance": "Every day at 4am",
		"backup": "Every day at 3am",
	}
	all := jobs.All()
	if len(all) != 9 || strings.Count(r.Body, `class="govuk-summary-card" data-testid="job-`) != 9 {
		t.Fatalf("%d jobs, %d on the page; want 9", len(all), strings.Count(r.Body, `data-testid="job-`))
	}
	for _, j := range all {
		for _, want := range []string{
			`data-testid="job-` + j.Name + `"`,
			`<h2 class="govuk-summary-card__title">` + j.Title + `</h2>`,
			`<code>` + j.Name + `</code>`,
			html.EscapeString(j.Description),
			`data-testid="schedule-` + j.Name + `">` + words[j.Name] + ` (UK time)<br><span class="govuk-body-s">Cron expression: <code>` + j.Schedule + `</code>`,
			`action="/admin/jobs/` + j.Name + `/run"`,
			`id="force-` + j.Name + `" name="force" type="checkbox" value="1"`,
			`href="/admin/jobs/` + j.Name + `"`,
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("the jobs page lacks %q", want)
			}
		}
	}
	// At 10am on 21 November 2026 (GMT) the digest is due for 6am and
	// next runs at 6am tomorrow.
	for _, want := range []string{
		`data-testid="due-digest">The run for 21 November 2026 at 6:00am: <strong class="govuk-tag govuk-tag--yellow">Not run yet</strong>`,
		"22 November 2026 at 6:00am",
		`data-testid="due-register-nudges">The run for 1 November 2026 at 9:00am:`,
		`data-testid="no-job-runs"`,
		`<a class="govuk-service-navigation__link" href="/admin/jobs" aria-current="page">`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the jobs page lacks %q\n%s", want, excerpt(r.Body))
		}
	}
}

func TestJobsRunNow(t *testing.T) {
	e := newEnv(t)
	admin := e.browser(testutil.AdminEmail)
	name := adminName(t, e)

	// An officer cannot run a job or see the page; nothing runs.
	officer := e.browser(testutil.OfficerEmail)
	if r := officer.Post("/admin/jobs/close-bids/run", nil); r.Status != http.StatusForbidden {
		t.Errorf("an officer's run now: status %d, want 403", r.Status)
	}
	for _, path := range []string{"/admin/jobs", "/admin/jobs/close-bids"} {
		if r := officer.Get(path); r.Status != http.StatusForbidden {
			t.Errorf("an officer's %s: status %d, want 403", path, r.Status)
		}
		if r := e.browser("").Get(path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login?next=") {
			t.Errorf("anonymous %s: status %d Location %q, want 303 to sign in", path, r.Status, r.Location)
		}
	}
	if log, _ := e.app.DB.JobLog(context.Background(), "", 10); len(log) != 0 {
		t.Fatalf("the job log has %d entries before anybody ran a job", len(log))
	}

	// Run now: the job runs in the background and the page shows how it went.
	r := admin.Post("/admin/jobs/close-bids/run", nil)
	checkResponse(t, "run now", r, http.StatusSeeOther, "/admin/jobs", nil, nil)
	log := waitForJobLog(t, e.app.DB, "close-bids", 1)
	if log[0].Outcome != "succeeded" || log[0].Trigger != models.TriggerAdmin || log[0].UserName != name || log[0].Period != "2026-11-21T10:00" {
		t.Fatalf("first run logged as %+v", log[0])
	}
	r = admin.Get("/admin/jobs")
	checkResponse(t, "after run now", r, http.StatusOK, "", []string{
		"The close-bids job has started; refresh this page to see how it went.",
		`data-testid="due-close-bids">The run for 21 November 2026 at 10:00am: <strong class="govuk-tag govuk-tag--green">Succeeded</strong>`,
	}, nil)
	rows := rowsOf(r.Body, "job-run")
	want := "close-bids 21 November 2026 at 10:00am " + name + " Succeeded closed 0, emails 0, notified 0 21 November 2026 at 10:00am"
	if len(rows) != 1 || rows[0] != want {
		t.Fatalf("recent runs %q, want [%q]", rows, want)
	}

	// Again, without force: the period has run, so this run is skipped,
	// and the page shows both runs.
	r = admin.Post("/admin/jobs/close-bids/run", nil)
	checkResponse(t, "run again", r, http.StatusSeeOther, "/admin/jobs", nil, nil)
	log = waitForJobLog(t, e.app.DB, "close-bids", 2)
	if log[0].Outcome != "skipped" || !strings.Contains(log[0].Detail, "already ran for this period") {
		t.Fatalf("second run logged as %+v", log[0])
	}
	rows = rowsOf(admin.Get("/admin/jobs").Body, "job-run")
	if len(rows) != 2 || !strings.HasPrefix(rows[0], "close-bids 21 November 2026 at 10:00am "+name+" Skipped Nothing to report") ||
		!strings.Contains(rows[0], "already ran for this period at 21 November 2026 at 10:00am (UK time)") || rows[1] != want {
		t.Fatalf("recent runs after a second run %q", rows)
	}

	// Forced, from the job's own page, which the form comes back to.
	r = admin.Get("/admin/jobs/close-bids")
	checkResponse(t, "the job's page", r, http.StatusOK, "", []string{
		`<h1 class="govuk-heading-xl">Close bids</h1>`, `<input type="hidden" name="from" value="job">`, "Every minute (UK time)",
	}, []string{`data-testid="job-digest"`})
	if rows := rowsOf(r.Body, "job-run"); len(rows) != 2 || strings.HasPrefix(rows[0], "close-bids") {
		t.Errorf("the job's page lists %q, want its two runs without the job column", rows)
	}
	r = admin.Post("/admin/jobs/close-bids/run", formOf("force", "1", "from", "job"))
	checkResponse(t, "forced", r, http.StatusSeeOther, "/admin/jobs/close-bids", nil, nil)
	log = waitForJobLog(t, e.app.DB, "close-bids", 3)
	if log[0].Outcome != "succeeded" || log[0].UserName != name {
		t.Fatalf("the forced run logged as %+v", log[0])
	}
	run, err := e.app.DB.JobRunFor(context.Background(), "close-bids", "2026-11-21T10:00")
	if err != nil || run.Status != "succeeded" || run.Attempts != 2 {
		t.Errorf("the period's record after a forced run: %+v, %v (want one record, succeeded, run twice)", run, err)
	}
	r = admin.Get("/admin/jobs/close-bids")
	if rows := rowsOf(r.Body, "job-run"); len(rows) != 3 || !strings.Contains(rows[0], "Succeeded") || !strings.Contains(rows[1], "Skipped") {
		t.Errorf("the job's page after a forced run lists %q", rows)
	}

	// No such job.
	for _, s := range []step{
		{name: "no such job's page", method: "GET", url: "/admin/jobs/no-such-job", status: http.StatusNotFound},
		{name: "no such job to run", method: "POST", url: "/admin/jobs/no-such-job/run", status: http.StatusNotFound},
	} {
		s.user = testutil.AdminEmail
		e.run(0, s)
	}
}

// TestJobsPageSchedulesInWords: schedules set by --schedule read in
// words where they have a plain reading, and as the cron expression
// alone where they have not.
func TestJobsPageSchedulesInWords(t *testing.T) {
	overrides := map[string]string{
		"digest": "0 7 * * 1", "backup": "*/15 * * * *", "maintenance": "@weekly", "cleanup": "0 12 * * 1-5",
		"register-nudges": "0 0 2 * *", "award-reminders": "5 4 1,15 * *", "briefings": "0 * * * *",
		"expiry-alerts": "45 * * * *", "close-bids": "*/1 * * * *",
	}
	e := newEnv(t, func(cfg *handlers.Config) {
		db, _ := testutil.NewDB(t)
		s, err := jobs.New(jobs.Deps{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, overrides)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Scheduler = s
	})
	r := e.browser(testutil.AdminEmail).Get("/admin/jobs")
	for name, words := range map[string]string{
		"digest": "Every Monday at 7am", "backup": "Every 15 minutes", "maintenance": "Every Sunday at midnight",
		"cleanup": "Every weekday at midday", "register-nudges": "On the 2nd of every month at midnight",
		"briefings": "Every hour, on the hour", "expiry-alerts": "Every hour at 45 minutes past", "close-bids": "Every minute",
	} {
		want := `data-testid="schedule-` + name + `">` + words + ` (UK time)<br><span class="govuk-body-s">Cron expression: <code>` + overrides[name] + `</code>`
		if !strings.Contains(r.Body, want) {
			t.Errorf("the jobs page lacks %q", want)
		}
	}
	if want := `data-testid="schedule-award-reminders"><span class="govuk-body-s">Cron expression: <code>5 4 1,15 * *</code>`; !strings.Contains(r.Body, want) {
		t.Errorf("a schedule without words: the page lacks %q", want)
	}
}

// TestJobsPageWithoutScheduler: a server built with no scheduler says
// that jobs are not running, and has none to run.
func TestJobsPageWithoutScheduler(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	h, err := handlers.New(db, &models.Outbox{DB: db}, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlers.Config{BaseURL: "http://jointly.test", SigningKey: testutil.SigningKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Router())
	t.Cleanup(srv.Close)
	admin := testutil.NewClientFor(t, srv)
	admin.SignIn(testutil.AdminEmail)
	checkResponse(t, "the page", admin.Get("/admin/jobs"), http.StatusOK, "",
		[]string{`data-testid="jobs-not-running"`, "Scheduled jobs are not running on this server", `data-testid="no-job-runs"`},
		[]string{`class="govuk-summary-card"`})
	checkResponse(t, "a job's page", admin.Get("/admin/jobs/cleanup"), http.StatusNotFound, "", nil, nil)
	checkResponse(t, "run now", admin.Post("/admin/jobs/cleanup/run", nil), http.StatusNotFound, "", nil, nil)
}
