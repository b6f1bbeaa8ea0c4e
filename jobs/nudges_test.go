package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/jobs"
	"jointly/models"
	"jointly/testutil"
)

const kirkleesGSS = "E08000034"

// monthly is the register nudges' period on the 1st of month at 09:00
// UK time, with the clock moved there.
func monthly(w world, year int, month time.Month) jobs.Period {
	at := time.Date(year, month, 1, 9, 0, 0, 0, models.London())
	w.clock.T = at
	return jobs.PeriodAt(at)
}

func nudged(t *testing.T, w world) []string {
	t.Helper()
	return testutil.Column[string](t, w.db.R, `SELECT council_gss || ' ' || period FROM register_nudges ORDER BY period, council_gss`)
}

func TestRegisterNudges(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := w.db.W.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Wakefield: no contracts and no users, so nothing to nudge about.
	// Kirklees: no contracts, but an officer. Calderdale: abolished.
	exec(`DELETE FROM contracts WHERE council_gss IN (?, ?)`, wakefieldGSS, kirkleesGSS)
	exec(`UPDATE councils SET active = 0 WHERE gss_code = 'E08000033'`)
	kirklees := createUser(t, w.db, models.NewUser{Email: "ict@kirklees.gov.uk", Name: "Kit Kirklees", Role: models.RoleOfficer, CouncilGSS: kirkleesGSS})
	var firstBradford string
	if err := w.db.R.QueryRow(`SELECT min(created_at) FROM contracts WHERE council_gss = ?`, bradfordGSS).Scan(&firstBradford); err != nil {
		t.Fatal(err)
	}
	first, err := time.Parse("2006-01-02T15:04:05.000000Z", firstBradford)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Before(testutil.Now.Add(24 * time.Hour)) {
		t.Fatalf("the demo register was added on %s; the test expects it by %s", first, testutil.Now)
	}

	// Leeds confirms its register in December.
	w.clock.T = time.Date(2026, 12, 15, 11, 0, 0, 0, time.UTC)
	if err := w.db.ConfirmRegister(ctx, w.leeds, leedsGSS); err != nil {
		t.Fatal(err)
	}

	// 1 June 2027: six months since the demo registers were added, not
	// since Leeds confirmed.
	june := monthly(w, 2027, time.June)
	counts, err := jobs.RegisterNudges(ctx, w.deps, june)
	if err != nil {
		t.Fatal(err)
	}
	var councils int
	if err := w.db.R.QueryRow(`SELECT count(*) FROM councils WHERE active = 1`).Scan(&councils); err != nil {
		t.Fatal(err)
	}
	// Every active council but Leeds (confirmed) and Wakefield (nothing).
	if want := councils - 2; counts["councils"] != want || counts["emails"] != 2 || counts["no_officers"] != want-2 {
		t.Errorf("counts %v, want %d councils, 2 emails, %d with no officers", counts, want, want-2)
	}
	got := nudged(t, w)
	for _, gss := range []string{leedsGSS, wakefieldGSS, "E08000033"} {
		if slices.Contains(got, gss+" "+june.Key) {
			t.Errorf("%s nudged: %v", gss, got)
		}
	}
	seen := 0
	mail := newMail(t, w, &seen)
	if len(mail) != 2 {
		t.Fatalf("%d nudges, want Bradford's and Kirklees's officers': %+v", len(mail), mail)
	}
	for _, m := range mail {
		switch m.to {
		case testutil.Officer2Email:
			if m.subject != "Please confirm Bradford's register is current" ||
				!strings.Contains(m.text, "Dear Priya Shah,") ||
				!strings.Contains(m.text, "Bradford's contract register has never been confirmed as current. Its first contract was added on "+
					models.DateOf(first).Long()+".") ||
				!strings.Contains(m.text, "\n"+baseURL+"/councils/"+bradfordGSS+"/contracts\n") {
				t.Errorf("Bradford's nudge: %q\n%s", m.subject, m.text)
			}
		case kirklees.Email:
			if m.subject != "Please confirm Kirklees's register is current" ||
				!strings.Contains(m.text, "Kirklees's contract register is empty and has never been confirmed as current.") {
				t.Errorf("Kirklees's nudge: %q\n%s", m.subject, m.text)
			}
		default:
			t.Errorf("nudge to %s", m.to)
		}
	}

	// The same period again sends nothing more.
	if counts, err := jobs.RegisterNudges(ctx, w.deps, june); err != nil || counts["councils"] != 0 {
		t.Errorf("rerun: %v, %v", counts, err)
	}
	if got := newMail(t, w, &seen); len(got) != 0 {
		t.Fatalf("the rerun sent %d nudges", len(got))
	}

	// Bradford confirms in June; by July Leeds's confirmation is more than
	// six months old, and Kirklees is asked again.
	w.clock.T = time.Date(2027, 6, 10, 9, 0, 0, 0, time.UTC)
	if err := w.db.ConfirmRegister(ctx, w.bradford, bradfordGSS); err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.RegisterNudges(ctx, w.deps, monthly(w, 2027, time.July)); err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, m := range newMail(t, w, &seen) {
		to = append(to, m.to)
		if m.to == testutil.OfficerEmail && (m.subject != "Please confirm Leeds's register is current" ||
			!strings.Contains(m.text, "Leeds's contract register was last confirmed as current on 15 December 2026, by Sam Okafor: more than 6 months ago.")) {
			t.Errorf("Leeds's nudge: %q\n%s", m.subject, m.text)
		}
	}
	slices.Sort(to)
	if want := []string{testutil.OfficerEmail, kirklees.Email}; !slices.Equal(to, want) {
		t.Errorf("July's nudges to %v, want %v (officers only; Bradford confirmed)", to, want)
	}
	log, _, err := w.db.MailLog(ctx, models.MailLogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Kind != "register-nudge" {
			t.Errorf("kind %q", e.Kind)
		}
	}
}
