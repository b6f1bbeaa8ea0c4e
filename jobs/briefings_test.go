package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jointly/jobs"
	"jointly/models"
)

func TestLastBriefingTime(t *testing.T) {
	cases := []struct{ now, want string }{
		{"2026-11-21T10:00:00Z", "2026-11-21T02:00:00Z"},      // winter: 02:00 GMT
		{"2026-11-21T02:00:00Z", "2026-11-21T02:00:00Z"},      // on the hour
		{"2026-11-21T01:59:59Z", "2026-11-20T02:00:00Z"},      // before it: last night's
		{"2026-07-01T00:30:00Z", "2026-06-30T01:00:00Z"},      // summer: 01:30 BST, so yesterday's 02:00 BST
		{"2026-07-01T01:00:00Z", "2026-07-01T01:00:00Z"},      // 02:00 BST
		{"2027-03-28T01:30:00Z", "2027-03-28T01:00:00Z"},      // clocks went forward at 01:00 GMT to 02:00 BST
		{"2027-03-28T00:59:00Z", "2027-03-27T02:00:00Z"},      // still GMT, before the change
		{"2026-10-25T01:30:00Z", "2026-10-24T01:00:00Z"},      // clocks went back at 02:00 BST; 01:30 GMT is before 02:00
		{"2026-10-25T02:00:00Z", "2026-10-25T02:00:00Z"},      // 02:00 GMT, the first after the change
		{"2026-12-31T23:59:00Z", "2026-12-31T02:00:00Z"},      // the year's last night
		{"2027-01-01T00:00:00+01:00", "2026-12-31T02:00:00Z"}, // any zone in, the same instant out
	}
	for _, tc := range cases {
		now, _ := time.Parse(time.RFC3339, tc.now)
		want, _ := time.Parse(time.RFC3339, tc.want)
		if got := jobs.LastBriefingTime(now); !got.Equal(want) {
			t.Errorf("LastBriefingTime(%s) = %s, want %s", tc.now, got.UTC().Format(time.RFC3339), tc.want)
		}
	}
}

// generatedAt is when each council's briefing was last written.
func generatedAt(t *testing.T, w world) map[string]time.Time {
	t.Helper()
	councils, err := w.db.Councils(context.Background(), models.CouncilFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, c := range councils {
		b, err := w.db.CouncilBriefing(context.Background(), w.councillor, c.GSSCode)
		if err != nil {
			t.Fatal(err)
		}
		out[c.GSSCode] = b.GeneratedAt
	}
	return out
}

// The job writes every active council's briefing once a night: run again
// the same night, it writes nothing; the first run after 02:00 the next
// night writes each again, from the registers as they are then.
func TestRefreshBriefingsOncePerNight(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	run := func() {
		t.Helper()
		if _, err := jobs.RefreshBriefings(ctx, w.deps, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	first := w.clock.Now() // 21 November 2026, 10:00 UK time
	run()
	all := generatedAt(t, w)
	if len(all) < 2 {
		t.Fatalf("%d councils", len(all))
	}
	for gss, at := range all {
		if !at.Equal(first) {
			t.Errorf("%s's briefing written at %s, want by the job at %s", gss, at, first)
		}
	}

	// Later the same night and day: nothing is due.
	for _, later := range []string{"2026-11-21T11:00:00Z", "2026-11-21T23:59:00Z", "2026-11-22T01:59:59Z"} {
		w.clock.T, _ = time.Parse(time.RFC3339, later)
		run()
		for gss, at := range generatedAt(t, w) {
			if !at.Equal(first) {
				t.Errorf("at %s: %s's briefing written again at %s", later, gss, at)
			}
		}
	}

	// A contract added today shows in the next night's briefing, not before.
	title := "Jointly briefing job test contract"
	in := models.ContractInput{Title: title, SupplierName: "Briefing Test Ltd", EndDate: models.DateOf(first).AddMonths(12),
		AnnualValuePence: ptr(int64(50_000_000_000))}
	if _, err := w.db.CreateContract(ctx, models.System, leedsGSS, in); err != nil {
		t.Fatal(err)
	}
	run()
	if b := leedsBriefing(t, w); strings.Contains(b.Body, title) {
		t.Errorf("the briefing changed before the night's run")
	}

	second, _ := time.Parse(time.RFC3339, "2026-11-22T02:00:00Z")
	w.clock.T = second
	run()
	for gss, at := range generatedAt(t, w) {
		if !at.Equal(second) {
			t.Errorf("next night: %s's briefing written at %s, want %s", gss, at, second)
		}
	}
	if b := leedsBriefing(t, w); !strings.Contains(b.Body, title) {
		t.Errorf("the next night's briefing lacks the new contract:\n%s", b.Body)
	}
	w.clock.Advance(time.Hour)
	run()
	if b := leedsBriefing(t, w); !b.GeneratedAt.Equal(second) {
		t.Errorf("written twice in one night: %s", b.GeneratedAt)
	}
}

func leedsBriefing(t *testing.T, w world) models.CouncilBriefing {
	t.Helper()
	b, err := w.db.CouncilBriefing(context.Background(), w.councillor, leedsGSS)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

// A run whose context has ended says so; the next run writes every
// briefing due.
func TestRefreshBriefingsCancelled(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := jobs.RefreshBriefings(ctx, w.deps, w.clock.Now()); err == nil {
		t.Fatal("a cancelled run reported success")
	}
	if _, err := jobs.RefreshBriefings(context.Background(), w.deps, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	due, err := w.db.CouncilBriefingsDue(context.Background(), jobs.LastBriefingTime(w.clock.Now()))
	if err != nil || len(due) != 0 {
		t.Errorf("due after a full run: %v, %v", due, err)
	}
}
