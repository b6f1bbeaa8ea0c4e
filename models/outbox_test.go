package models_test

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

func TestQueueEmailRefusesWhatIsNotAMessage(t *testing.T) {
	t.Parallel()
	db, _ := testutil.NewDB(t)
	woken := 0
	o := &models.Outbox{DB: db, Notify: func() { woken++ }}
	ctx := context.Background()
	for _, e := range []models.Email{
		{To: "not an address", Subject: "Hello", Text: "x"},
		{To: "", Subject: "Hello", Text: "x"},
		{To: "cio@leeds.gov.uk", Subject: "  ", Text: "x"},
	} {
		if _, err := o.Send(ctx, e); err == nil {
			t.Errorf("queued %+v", e)
		}
	}
	if n := count(t, db, "mail_outbox"); n != 0 || woken != 0 {
		t.Errorf("%d messages queued, sender woken %d times; want none", n, woken)
	}
	id, err := o.Send(ctx, models.Email{To: "Jo Bloggs <cio@leeds.gov.uk>", Subject: "Hello", Text: "x", Kind: "test"})
	if err != nil || woken != 1 {
		t.Fatalf("Send: %v, woken %d", err, woken)
	}
	q, err := db.EmailByID(ctx, id)
	if err != nil || q.To != `"Jo Bloggs" <cio@leeds.gov.uk>` || q.Status != "queued" || q.Attempts != 0 || !q.NextAttemptAt.Equal(testutil.Now) {
		t.Errorf("queued %+v, %v", q, err)
	}
	id, _ = o.Send(ctx, models.Email{To: " cio@leeds.gov.uk ", Subject: "Hello", Text: "x"})
	if q, _ := db.EmailByID(ctx, id); q.To != "cio@leeds.gov.uk" {
		t.Errorf("a bare address is kept as %q, want it bare", q.To)
	}
	if _, err := db.EmailByID(ctx, 999); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("EmailByID(999): %v", err)
	}
}

// SendWith records the emails and the caller's writes together or not at
// all.
func TestSendWithIsAllOrNothing(t *testing.T) {
	t.Parallel()
	db, _ := testutil.NewDB(t)
	woken := 0
	o := &models.Outbox{DB: db, Notify: func() { woken++ }}
	ctx := context.Background()
	emails := []models.Email{
		{To: "a@council.example", Subject: "One", Text: "1"},
		{To: "b@council.example", Subject: "Two", Text: "2"},
	}
	mark := func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO job_run_log (job, period, trigger, outcome, started_at, at)
			VALUES ('test', '2026-11', 'command', 'succeeded', 'x', 'x')`)
		return err
	}
	// The caller's write fails: no email either.
	err := o.SendWith(ctx, emails, func(tx *sql.Tx) error {
		if err := mark(tx); err != nil {
			return err
		}
		return errors.New("something else went wrong")
	})
	if err == nil {
		t.Fatal("SendWith returned no error")
	}
	// One email is bad: neither the others nor the caller's write.
	err = o.SendWith(ctx, append(emails, models.Email{To: "nobody", Subject: "Three", Text: "3"}), mark)
	if err == nil || !strings.Contains(err.Error(), "nobody") {
		t.Fatalf("SendWith with a bad address: %v", err)
	}
	if n := count(t, db, "mail_outbox"); n != 0 || woken != 0 {
		t.Errorf("%d messages queued, woken %d; want none", n, woken)
	}
	if n := count(t, db, "job_run_log"); n != 0 {
		t.Errorf("the caller's write was kept: %d rows", n)
	}
	if err := o.SendWith(ctx, emails, mark); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "mail_outbox"); n != 2 || woken != 1 {
		t.Errorf("%d messages queued, woken %d; want both, and one wake", n, woken)
	}
	if n := count(t, db, "job_run_log"); n != 1 {
		t.Errorf("the caller's write: %d rows", n)
	}
	// Nothing to send: the caller's write still happens, nobody is woken.
	if err := o.SendWith(ctx, nil, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM job_run_log`)
		return err
	}); err != nil || woken != 1 || count(t, db, "job_run_log") != 0 {
		t.Errorf("SendWith no emails: %v, woken %d", err, woken)
	}
}

func TestMailLogAndCounts(t *testing.T) {
	t.Parallel()
	db, clock := testutil.NewDB(t)
	o := &models.Outbox{DB: db}
	ctx := context.Background()
	var ids []int64
	for i := 1; i <= 7; i++ {
		to := "officer" + strconv.Itoa(i) + "@leeds.gov.uk"
		if i > 4 {
			to = "officer" + strconv.Itoa(i) + "@bradford.gov.uk"
		}
		id, err := o.Send(ctx, models.Email{To: to, Subject: "Message " + strconv.Itoa(i), Text: "x", Kind: "test"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		clock.Advance(time.Second)
	}
	if _, err := o.Send(ctx, models.Email{To: "under_score@jointly.example", Subject: "Underscore", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkEmailSent(ctx, ids[0], "smtp://mail:587"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkEmailSent(ctx, ids[1], "smtp://mail:587"); err != nil {
		t.Fatal(err)
	}
	if final, err := db.MarkEmailFailed(ctx, ids[2], errors.New("550 no such mailbox"), true); err != nil || !final {
		t.Fatalf("MarkEmailFailed permanent: %v, %v", final, err)
	}
	if final, err := db.MarkEmailFailed(ctx, ids[3], errors.New("451 later"), false); err != nil || final {
		t.Fatalf("MarkEmailFailed temporary: %v, %v", final, err)
	}
	// Marking a message that is no longer queued changes nothing.
	if final, err := db.MarkEmailFailed(ctx, ids[0], errors.New("late"), false); err != nil || final {
		t.Errorf("failing a sent message: %v, %v", final, err)
	}
	if q, _ := db.EmailByID(ctx, ids[0]); q.Status != "sent" || q.LastError != "" || q.Attempts != 1 {
		t.Errorf("a sent message after a late failure: %+v", q)
	}

	counts, err := db.MailCounts(ctx)
	if err != nil || counts["queued"] != 5 || counts["sent"] != 2 || counts["failed"] != 1 {
		t.Errorf("MailCounts %v, %v", counts, err)
	}
	subjects := func(f models.MailLogFilter) ([]string, int) {
		t.Helper()
		list, total, err := db.MailLog(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, q := range list {
			out = append(out, q.Subject)
		}
		return out, total
	}
	for _, c := range []struct {
		f     models.MailLogFilter
		want  string
		total int
	}{
		{models.MailLogFilter{}, "Underscore,Message 7,Message 6,Message 5,Message 4,Message 3,Message 2,Message 1", 8},
		{models.MailLogFilter{Status: "sent"}, "Message 2,Message 1", 2},
		{models.MailLogFilter{Status: "failed"}, "Message 3", 1},
		{models.MailLogFilter{To: "bradford"}, "Message 7,Message 6,Message 5", 3},
		{models.MailLogFilter{To: "BRADFORD"}, "Message 7,Message 6,Message 5", 3},
		{models.MailLogFilter{To: "leeds", Status: "queued"}, "Message 4", 1},
		{models.MailLogFilter{To: "_"}, "Underscore", 1}, // _ and % are the letters, not wildcards
		{models.MailLogFilter{To: "%"}, "", 0},
		{models.MailLogFilter{Per: 3}, "Underscore,Message 7,Message 6", 8},
		{models.MailLogFilter{Per: 3, Page: 2}, "Message 5,Message 4,Message 3", 8},
		{models.MailLogFilter{Per: 3, Page: 3}, "Message 2,Message 1", 8},
		{models.MailLogFilter{Per: 3, Page: 4}, "", 8},
	} {
		got, total := subjects(c.f)
		if strings.Join(got, ",") != c.want || total != c.total {
			t.Errorf("MailLog(%+v) = %v (%d), want %s (%d)", c.f, got, total, c.want, c.total)
		}
	}
}

func TestEmailRetryDelay(t *testing.T) {
	t.Parallel()
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, 64 * time.Minute, 128 * time.Minute, 256 * time.Minute, 6 * time.Hour, 6 * time.Hour}
	for i, w := range want {
		if got := models.EmailRetryDelay(i + 1); got != w {
			t.Errorf("EmailRetryDelay(%d) = %s, want %s", i+1, got, w)
		}
	}
}
