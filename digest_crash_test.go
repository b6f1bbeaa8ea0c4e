package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// jointlyProcess starts this test binary as the jointly program.
func jointlyProcess(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "JOINTLY_TEST_AS_MAIN=1")
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// A digest run killed with SIGKILL in the middle, first while writing the
// digests and then while delivering them, and started again each time,
// neither loses nor repeats an email: every person with a digest gets it
// exactly once, over a real SMTP conversation.
func TestDigestSurvivesKillMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills real processes")
	}
	t.Parallel()
	path, _ := demoDB(t)
	const extra = 3000
	func() {
		db, err := models.Open(path, models.SystemClock{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ctx := context.Background()
		// People enough that the run takes a while, and news for all of
		// them: a library item for everyone, approved just now, inside
		// the window of a digest run now (for 21 November, a day already
		// past: the run covers up to when it starts).
		tx, err := db.W.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range extra {
			gss := []string{"E08000035", "E08000032", "E08000036"}[i%3]
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, council_gss, created_at, updated_at)
				VALUES (?, ?, 'officer', ?, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')`,
				fmt.Sprintf("officer%04d@crash.example", i), fmt.Sprintf("Officer %d", i), gss); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		author, _ := db.UserByEmail(ctx, "cio@leeds.gov.uk")
		approver, _ := db.UserByEmail(ctx, "digital@bradford.gov.uk")
		id, err := db.CreateLibraryItem(ctx, author, models.LibraryInput{Kind: "playbook", Title: "Running a joint procurement",
			Summary: "What to agree before you start.", Body: "Agree the scope first.", Audience: "everyone"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SubmitLibraryItem(ctx, author, id); err != nil {
			t.Fatal(err)
		}
		if err := db.ApproveLibraryItem(ctx, approver, id); err != nil {
			t.Fatal(err)
		}
	}()

	sink := testutil.NewSMTPSink(t)
	args := []string{"jobs", "run", "digest", "--for", "2026-11-21", "--db", path, "--smtp-url", sink.URL(),
		"--base-url", "https://jointly.example", "--outbox", t.TempDir()}
	check := openTestDB(t, path)
	count := func(q string) int {
		t.Helper()
		var n int
		if err := check.R.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	kill := func(cmd *exec.Cmd) {
		t.Helper()
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
	}

	// 1. Killed while writing digests: some people have theirs, not all.
	cmd, out := jointlyProcess(t, args...)
	deadline := time.Now().Add(2 * time.Minute)
	for count(`SELECT count(*) FROM digest_sends`) < 50 {
		if time.Now().After(deadline) {
			kill(cmd)
			t.Fatalf("no digests written within two minutes:\n%s", out.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	kill(cmd)
	written := count(`SELECT count(*) FROM digest_sends`)
	if written >= extra {
		t.Fatalf("the run wrote all %d digests before it was killed; the test needs a slower run or more people", written)
	}
	if n := count(`SELECT count(*) FROM mail_outbox WHERE status = 'sent'`); n != 0 {
		t.Fatalf("%d sent before the digests were all written (the command delivers after the run)", n)
	}

	// 2. Started again: the dead run's period is taken over; killed while
	// delivering, with the server holding the 100th message unanswered.
	release := make(chan struct{})
	held := make(chan struct{})
	var once sync.Once
	sink.Hold(func(n int) <-chan struct{} {
		if n == 100 {
			once.Do(func() { close(held) })
			return release
		}
		return nil
	})
	cmd, out = jointlyProcess(t, args...)
	select {
	case <-held:
	case <-time.After(3 * time.Minute):
		kill(cmd)
		t.Fatalf("the second run never delivered 100 messages:\n%s", out.String())
	}
	kill(cmd)
	close(release)
	if got := len(sink.Received()); got != 99 {
		t.Fatalf("%d messages accepted before the kill, want 99", got)
	}

	// 3. Started again: the period is done, so it only delivers the rest.
	sink.Hold(nil)
	cmd, out = jointlyProcess(t, args...)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("third run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "skipped") {
		t.Errorf("third run did not skip the period already done:\n%s", out.String())
	}

	withEmail := count(`SELECT count(*) FROM digest_sends WHERE email_id IS NOT NULL`)
	if withEmail < extra {
		t.Fatalf("%d people have a digest, want at least the %d with news", withEmail, extra)
	}
	if n := count(`SELECT count(*) FROM mail_outbox WHERE kind = 'digest' AND status != 'sent'`); n != 0 {
		t.Errorf("%d digests not delivered", n)
	}
	perPerson := map[string]int{}
	ids := map[string]bool{}
	for _, m := range sink.Received() {
		if len(m.To) != 1 {
			t.Fatalf("message to %v, want one recipient", m.To)
		}
		h := m.Parse(t).Header
		if h.Get("X-Jointly-Kind") != "digest" {
			continue
		}
		perPerson[strings.ToLower(m.To[0])]++
		id := h.Get("Message-ID")
		if ids[id] {
			t.Errorf("Message-ID %s delivered twice", id)
		}
		ids[id] = true
	}
	if len(perPerson) != withEmail {
		t.Errorf("%d people got mail, want the %d with a digest", len(perPerson), withEmail)
	}
	for to, n := range perPerson {
		if n != 1 {
			t.Errorf("%s got %d digests, want 1", to, n)
		}
	}
	rows, err := check.R.Query(`SELECT u.email FROM digest_sends d JOIN users u ON u.id = d.user_id WHERE d.email_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var email string
		if err := rows.Scan(&email); err != nil {
			t.Fatal(err)
		}
		if perPerson[strings.ToLower(email)] != 1 {
			t.Errorf("%s has a digest recorded but got %d emails", email, perPerson[strings.ToLower(email)])
		}
	}
	if n := count(`SELECT count(*) FROM job_runs WHERE job = 'digest'`); n != 1 {
		t.Errorf("%d job_runs rows for the digest, want 1", n)
	}
}
