package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/testutil"
)

// serve runs the closing job at start-up: on a clock past the demo bid's
// response deadline, the bid closes and both councils' officers are told
// without anyone opening a page.
func TestServeClosesDueBidsAtStartUp(t *testing.T) {
	t.Parallel()
	db, _ := demoDB(t)
	var deadline time.Time
	func() {
		d := openTestDB(t, db)
		defer d.Close()
		var s string
		if err := d.R.QueryRow(`SELECT response_deadline FROM bids WHERE status = 'published'`).Scan(&s); err != nil {
			t.Fatalf("the demo's published bid: %v", err)
		}
		var err error
		if deadline, err = time.Parse(time.RFC3339Nano, s); err != nil {
			t.Fatal(err)
		}
	}()
	outbox := filepath.Join(t.TempDir(), "outbox")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--db", db, "--outbox", outbox, "--log-level", "warn",
			"--now", deadline.Add(time.Minute).Format(time.RFC3339)}, noEnv, strings.NewReader(""), &stdout, &stderr)
	}()

	var mail []string
	for wait := time.Now().Add(60 * time.Second); len(mail) < 2; time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("serve returned before it was stopped: %v\nstderr:\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(wait) {
			t.Fatalf("no close notices in the outbox within a minute of starting (%d emails)\nstderr:\n%s", len(mail), stderr.String())
		}
		mail = testutil.ReadOutbox(t, outbox)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	var to []string
	for _, m := range mail {
		if !strings.Contains(m, "Subject: Closed with no responses: Shared cyber security monitoring service") {
			t.Errorf("not a close notice:\n%s", m)
		}
		for _, l := range strings.Split(m, "\r\n") {
			if a, ok := strings.CutPrefix(l, "To: "); ok {
				to = append(to, strings.Trim(a, "<>"))
			}
		}
	}
	slices.Sort(to)
	if want := []string{testutil.OfficerEmail, testutil.Officer2Email}; !slices.Equal(to, want) {
		t.Errorf("told %v, want %v", to, want)
	}
	if n := countRows(t, db, `SELECT count(*) FROM bids WHERE status = 'closed' AND close_notified_at IS NOT NULL`); n != 1 {
		t.Errorf("%d bids closed and told, want the demo's published bid", n)
	}
}
