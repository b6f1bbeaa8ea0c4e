package e2e

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	_ "github.com/mattn/go-sqlite3"

	"jointly/models"
)

const (
	jobRuns    = `[data-testid="job-run"]`
	adminName  = "Amira Patel" // admin@jointly.example in the demo seed
	flashPanel = ".govuk-notification-banner--success"
)

// TestJobsAdminJourney: the administrator opens the scheduled jobs page,
// runs the clean-up now and sees the run, with their name, among the
// recent runs; then reads the mail log. An officer chooses a weekly
// digest, and then turns the digest off from the unsubscribe link a
// digest carries, without signing in.
//
// The officer is made for the journey, so changing their digest touches
// no other journey's demo user.
func TestJobsAdminJourney(t *testing.T) {
	t.Parallel()
	if skipReason != "" {
		t.Skip(skipReason)
	}

	// 1. The administrator runs the clean-up now. It ran when the server
	// started (catching up), so it must be forced to run again.
	admin := newSession(t, "jobs-admin")
	admin.signInAs("admin@jointly.example")
	admin.open("jobs", "/admin/jobs", http.StatusOK)
	admin.expectText("jobs", "h1", "Scheduled jobs")
	admin.expectNav("jobs", []string{"Jobs", "Mail"}, nil)
	admin.expectCurrentNav("jobs", "Jobs")
	if n := admin.count(".govuk-summary-card"); n != 9 {
		t.Errorf("jobs: %d jobs listed, want 9", n)
	}
	admin.expectTextContains("jobs", `[data-testid="schedule-cleanup"]`, "Every day at 3:30am (UK time)")
	admin.tick("force-cleanup")
	admin.click("run now", `[data-testid="run-cleanup"]`, http.StatusOK)
	admin.expectPath("run now", "/admin/jobs")
	admin.expectTextContains("run now", flashPanel, "The cleanup job has started; refresh this page to see how it went.")
	admin.waitForRun("cleanup", adminName)
	admin.open("the run", "/admin/jobs/cleanup", http.StatusOK)
	admin.expectText("the run", "h1", "Clean up")
	admin.expectCurrentNav("the run", "Jobs")
	if first := admin.text(jobRuns); !strings.Contains(first, adminName) || !strings.Contains(first, "Succeeded") {
		t.Errorf("the run: the newest run of the clean-up reads %q, want it run by %s and succeeded", first, adminName)
	}
	admin.open("recent runs", "/admin/jobs", http.StatusOK)
	if !admin.hasRow(jobRuns, "cleanup", adminName, "Succeeded") {
		t.Errorf("recent runs: no succeeded clean-up run by %s among %q", adminName, admin.texts(jobRuns))
	}

	// The mail log, then only the messages sent.
	admin.open("mail", "/admin/mail", http.StatusOK)
	admin.expectText("mail", "h1", "Mail log")
	admin.expectCurrentNav("mail", "Mail")
	admin.choose("status", "sent")
	admin.click("sent only", `form[action="/admin/mail"] button[type="submit"]`, http.StatusOK)
	admin.expectPath("sent only", "/admin/mail?status=sent&to=")
	for _, tag := range admin.texts(`[data-testid="mail-log"] .govuk-tag`) {
		if tag != "Sent" {
			t.Errorf("sent only: a message tagged %q", tag)
		}
	}

	// 2. An officer chooses a weekly digest.
	n := time.Now().UnixNano() % 1_000_000
	email := fmt.Sprintf("kestrel%d@leeds.gov.uk", n)
	addUser(t, "user", "add", "--db", serverDB, "--email", email, "--name", "Kit Kestrel",
		"--role", "officer", "--council", "E08000035", "--password-stdin")
	officer := newSession(t, "digest-officer")
	officer.signInAs(email)
	officer.open("account", "/account", http.StatusOK)
	officer.click("digest", `[data-testid="digest-link"]`, http.StatusOK)
	officer.expectPath("digest", "/account/digest")
	officer.expectText("digest", "h1", "Digest email")
	officer.expectCurrentNav("digest", "Your account")
	if !officer.checked("digest") {
		t.Error("digest: every morning is not chosen, though it is everyone's to start with")
	}
	officer.tick("digest-weekly")
	officer.click("weekly", `[data-testid="save-digest"]`, http.StatusOK)
	officer.expectPath("weekly", "/account/digest")
	officer.expectTextContains("weekly", flashPanel, "Your digest email choice has been saved.")
	if !officer.checked("digest-weekly") {
		t.Error("weekly: every Monday morning is not chosen after saving it")
	}

	// 3. The unsubscribe link in their digest, opened without signing in:
	// it asks first, then turns the digest off.
	link := unsubscribeLink(t, email)
	reader := newSession(t, "unsubscribe")
	reader.open("unsubscribe", link, http.StatusOK)
	reader.expectText("unsubscribe", "h1", "Stop the digest emails?")
	reader.click("unsubscribed", `[data-testid="confirm-unsubscribe"]`, http.StatusOK)
	reader.expectText("unsubscribed", "h1", "You will not get the digest any more")
	officer.open("digest off", "/account/digest", http.StatusOK)
	if !officer.checked("digest-off") {
		t.Error("digest off: never is not chosen after unsubscribing")
	}
}

// waitForRun fetches the job's page in the background, without leaving
// the page the journey is on, until it lists a finished run of job asked
// for by asker. The bound only stops a broken run from hanging the journey.
func (s *session) waitForRun(job, asker string) {
	s.t.Helper()
	expr := fmt.Sprintf(`fetch('/admin/jobs/%s', {credentials: 'same-origin'}).then(r => r.text()).then(t => {
  const doc = new DOMParser().parseFromString(t, 'text/html');
  return Array.from(doc.querySelectorAll('[data-testid="job-run"]')).some(tr => {
    const text = tr.textContent;
    return text.includes(%q) && (text.includes('Succeeded') || text.includes('Failed'));
  });
})`, job, asker)
	deadline := time.Now().Add(60 * time.Second)
	for {
		done, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			s.t.Fatalf("wait for the %s run: %v", job, err)
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no %s run by %s was listed within a minute", job, asker)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// hasRow reports whether a row sel finds holds every one of words.
func (s *session) hasRow(sel string, words ...string) bool {
	s.t.Helper()
	for _, row := range s.texts(sel) {
		all := true
		for _, w := range words {
			all = all && strings.Contains(row, w)
		}
		if all {
			return true
		}
	}
	return false
}

// unsubscribeLink is the one-click unsubscribe link a digest to email
// carries, signed with the key the server keeps in its database, as a
// path on the server.
func unsubscribeLink(t *testing.T, email string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+serverDB+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var keyHex string
	var id int64
	if err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'signing_key'`).Scan(&keyHex); err != nil {
		t.Fatalf("the server's signing key: %v", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE email = ?`, email).Scan(&id); err != nil {
		t.Fatalf("the id of %s: %v", email, err)
	}
	key, err := hex.DecodeString(keyHex)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(models.UnsubscribeURL(baseURL, key, id), baseURL)
}
