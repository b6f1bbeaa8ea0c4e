package jobs_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/jobs"
	"jointly/models"
	"jointly/testutil"
)

// closeBid moves the clock past b's deadline and lets the close-bids job
// close it.
func closeBid(t *testing.T, w world, b models.Bid) {
	t.Helper()
	w.clock.T = b.ResponseDeadline.Add(time.Minute)
	if _, err := jobs.CloseBids(context.Background(), w.deps, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if s := bidStatus(t, w.db, b.ID); s != "closed" {
		t.Fatalf("bid %d is %s, want closed", b.ID, s)
	}
}

// morningAfter is the award reminders' period at 08:00 UK time days after
// the UK day of t, with the clock moved there.
func morningAfter(w world, t time.Time, days int) jobs.Period {
	y, m, d := t.In(models.London()).Date()
	at := time.Date(y, m, d+days, 8, 0, 0, 0, models.London())
	w.clock.T = at
	return jobs.PeriodAt(at)
}

func TestAwardReminders(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	leeds2 := createUser(t, w.db, models.NewUser{Email: "procurement@leeds.gov.uk", Name: "Pat Procurement", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	gone := createUser(t, w.db, models.NewUser{Email: "gone@leeds.gov.uk", Name: "Gone Officer", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	if _, err := w.db.W.Exec(`UPDATE users SET disabled_at = ? WHERE id = ?`, "2026-11-01T10:00:00.000000Z", gone.ID); err != nil {
		t.Fatal(err)
	}

	// Two bids close together: one is left waiting (its panel chaired by
	// Bradford's officer), the other cancelled. A third closes ten days later.
	waiting := w.publishedBid(t, "Joint revenues and benefits system")
	respond(t, w.db, w.supplier, waiting, true)
	if err := w.db.SetPanelMember(ctx, w.leeds, waiting.ID, w.bradford.ID, models.PanelChair); err != nil {
		t.Fatal(err)
	}
	cancelled := w.publishedBid(t, "Shared parking permits")
	closeBid(t, w, waiting)
	if err := w.db.CancelBid(ctx, w.leeds, cancelled.ID, "The councils chose to extend their contracts"); err != nil {
		t.Fatal(err)
	}
	w.clock.T = waiting.ResponseDeadline.Add(10 * 24 * time.Hour)
	later := w.publishedBid(t, "Joint waste collection system")
	closeBid(t, w, later)

	// The 27th day: too soon.
	counts, err := jobs.AwardReminders(ctx, w.deps, morningAfter(w, waiting.ResponseDeadline, 27))
	if err != nil {
		t.Fatal(err)
	}
	if counts["bids"] != 0 {
		t.Fatalf("on day 27: %v", counts)
	}
	seen := len(outbox(t, w)) // the close notices
	// The morning of the 28th day: the waiting bid, to Leeds's active
	// officers and the chair.
	p := morningAfter(w, waiting.ResponseDeadline, 28)
	counts, err = jobs.AwardReminders(ctx, w.deps, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := (jobs.Counts{"bids": 1, "emails": 3, "no_recipients": 0}); fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v", counts, want)
	}
	mail := newMail(t, w, &seen)
	var to []string
	for _, m := range mail {
		to = append(to, m.to)
		if m.subject != "28 days since Joint revenues and benefits system closed: award or cancel it" {
			t.Errorf("subject %q", m.subject)
		}
		for _, want := range []string{
			"Joint revenues and benefits system closed for responses on " + models.FormatUKTime(waiting.ResponseDeadline) + ", with 1 response.",
			fmt.Sprintf("The bid: %s/bids/%d\n", baseURL, waiting.ID),
			fmt.Sprintf("Award it: %s/bids/%d/award\n", baseURL, waiting.ID),
			fmt.Sprintf("Cancel it: %s/bids/%d/cancel\n", baseURL, waiting.ID),
		} {
			if !strings.Contains(m.text, want) {
				t.Errorf("reminder to %s lacks %q:\n%s", m.to, want, m.text)
			}
		}
	}
	slices.Sort(to)
	if want := []string{testutil.OfficerEmail, testutil.Officer2Email, leeds2.Email}; !slices.Equal(to, slices.Sorted(slices.Values(want))) {
		t.Errorf("reminders to %v, want %v", to, want)
	}

	// Again, and the next day: nothing more.
	for _, p := range []jobs.Period{p, morningAfter(w, waiting.ResponseDeadline, 29)} {
		if counts, err := jobs.AwardReminders(ctx, w.deps, p); err != nil || counts["bids"] != 0 {
			t.Errorf("%s: %v, %v", p.Key, counts, err)
		}
	}
	if got := newMail(t, w, &seen); len(got) != 0 {
		t.Fatalf("a rerun sent %d more: %+v", len(got), got)
	}

	// The later bid's turn, with no chair: Leeds's officers only. The
	// cancelled bid is never reminded of.
	if _, err := jobs.AwardReminders(ctx, w.deps, morningAfter(w, later.ResponseDeadline, 40)); err != nil {
		t.Fatal(err)
	}
	to = nil
	for _, m := range newMail(t, w, &seen) {
		to = append(to, m.to)
		if !strings.Contains(m.subject, later.Title) {
			t.Errorf("reminder %q", m.subject)
		}
	}
	slices.Sort(to)
	if want := []string{testutil.OfficerEmail, leeds2.Email}; !slices.Equal(to, slices.Sorted(slices.Values(want))) {
		t.Errorf("reminders to %v, want %v", to, want)
	}
	var reminded []int64
	rows, err := w.db.R.Query(`SELECT bid_id FROM award_reminders ORDER BY bid_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		reminded = append(reminded, id)
	}
	if want := []int64{waiting.ID, later.ID}; !slices.Equal(reminded, want) {
		t.Errorf("reminded %v, want %v", reminded, want)
	}
}
