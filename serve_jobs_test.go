package main

import (
	"context"
	"net/mail"
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

	// Catching up at start-up may send other mail (digests); the close
	// notices are those of kind bid-closed.
	closeNotices := func() []*mail.Message {
		var out []*mail.Message
		for _, raw := range testutil.ReadOutbox(t, outbox) {
			m, err := mail.ReadMessage(strings.NewReader(raw))
			if err != nil {
				t.Fatalf("%v:\n%s", err, raw)
			}
			if m.Header.Get("X-Jointly-Kind") == "bid-closed" {
				out = append(out, m)
			}
		}
		return out
	}
	var notices []*mail.Message
	for wait := time.Now().Add(60 * time.Second); len(notices) < 2; time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("serve returned before it was stopped: %v\nstderr:\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(wait) {
			t.Fatalf("no close notices in the outbox within a minute of starting (%d)\nstderr:\n%s", len(notices), stderr.String())
		}
		notices = closeNotices()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	notices = closeNotices()
	var to []string
	for _, m := range notices {
		if s := m.Header.Get("Subject"); s != "Closed with no responses: Shared cyber security monitoring service" {
			t.Errorf("close notice subject %q", s)
		}
		addr, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			t.Fatal(err)
		}
		to = append(to, addr.Address)
	}
	slices.Sort(to)
	if want := []string{testutil.OfficerEmail, testutil.Officer2Email}; !slices.Equal(to, want) {
		t.Errorf("told %v, want %v", to, want)
	}
	if n := countRows(t, db, `SELECT count(*) FROM bids WHERE status = 'closed' AND close_notified_at IS NOT NULL`); n != 1 {
		t.Errorf("%d bids closed and told, want the demo's published bid", n)
	}
}
