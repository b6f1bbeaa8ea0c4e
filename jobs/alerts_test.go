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

const wakefieldGSS = "E08000036" // a council of the demo seed with no users

// ukPeriod is the daily period at hh:mm UK time on the day days after
// testutil.Now's, with the clock moved there.
func ukPeriod(w world, days, hh, mm int) jobs.Period {
	y, m, d := testutil.Now.In(models.London()).Date()
	at := time.Date(y, m, d+days, hh, mm, 0, 0, models.London())
	w.clock.T = at
	return jobs.PeriodAt(at)
}

// contractWithWindow adds a contract to council gss's register whose
// decision window (derived by the model: end date less notice and the
// nine-month lead time) falls days after testutil.Now's UK date.
func contractWithWindow(t *testing.T, w world, actor models.User, gss, title string, days int) models.Contract {
	t.Helper()
	window := models.DateOf(testutil.Now).AddDays(days)
	c, err := w.db.CreateContract(context.Background(), actor, gss, models.ContractInput{
		Title: title, SupplierName: "Civica UK Ltd", EndDate: window.AddMonths(models.DefaultLeadTimeMonths)})
	if err != nil {
		t.Fatalf("create %s: %v", title, err)
	}
	if c.DecisionWindow != window {
		t.Fatalf("%s: decision window %s, want %s", title, c.DecisionWindow, window)
	}
	return c
}

// newMail is what the outbox delivered since seen emails, and the new total.
func newMail(t *testing.T, w world, seen *int) []sent {
	t.Helper()
	all := outbox(t, w)
	got := all[*seen:]
	*seen = len(all)
	return got
}

func alertedThresholds(t *testing.T, w world, contractID int64) []string {
	t.Helper()
	return testutil.Column[string](t, w.db.R, `SELECT threshold || '@' || window_date FROM contract_alerts
		WHERE contract_id = ? ORDER BY threshold DESC, window_date`, contractID)
}

func TestExpiryAlerts(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	// Only this test's contracts: the demo register's would alert too.
	if _, err := w.db.W.Exec(`DELETE FROM contracts`); err != nil {
		t.Fatal(err)
	}
	admin := user(t, w.db, testutil.AdminEmail)
	leeds2 := createUser(t, w.db, models.NewUser{Email: "procurement@leeds.gov.uk", Name: "Pat Procurement", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	gone := createUser(t, w.db, models.NewUser{Email: "gone@leeds.gov.uk", Name: "Gone Officer", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	if _, err := w.db.W.Exec(`UPDATE users SET disabled_at = ? WHERE id = ?`, "2026-11-01T10:00:00.000000Z", gone.ID); err != nil {
		t.Fatal(err)
	}

	in120 := contractWithWindow(t, w, w.leeds, leedsGSS, "Housing management system", 120)
	in20 := contractWithWindow(t, w, w.leeds, leedsGSS, "Revenues and benefits system", 20) // 120, 60 and 30 all crossed
	today := contractWithWindow(t, w, w.leeds, leedsGSS, "Email security", 0)
	in45 := contractWithWindow(t, w, w.leeds, leedsGSS, "Cloud hosting", 45)
	far := contractWithWindow(t, w, w.leeds, leedsGSS, "Library management system", 200)
	passed := contractWithWindow(t, w, w.leeds, leedsGSS, "Planning system", -1)
	expired := contractWithWindow(t, w, w.leeds, leedsGSS, "Parking permits", 10)
	// An expired contract whose stored window was never brought up to
	// date (data from elsewhere): still never alerted.
	if _, err := w.db.W.Exec(`UPDATE contracts SET end_date = '2026-11-01' WHERE id = ?`, expired.ID); err != nil {
		t.Fatal(err)
	}
	bradford := contractWithWindow(t, w, w.bradford, bradfordGSS, "Shared cyber security monitoring", 30)
	nobody := contractWithWindow(t, w, admin, wakefieldGSS, "Wakefield waste collection", 10)

	seen := 0
	p := ukPeriod(w, 0, 6, 30)
	counts, err := jobs.ExpiryAlerts(ctx, w.deps, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := (jobs.Counts{"councils": 3, "contracts": 6, "emails": 3, "no_officers": 1}); fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v", counts, want)
	}
	mail := newMail(t, w, &seen)
	var to []string
	for _, m := range mail {
		to = append(to, m.to)
	}
	slices.Sort(to)
	if want := []string{testutil.OfficerEmail, testutil.Officer2Email, leeds2.Email}; !slices.Equal(to, slices.Sorted(slices.Values(want))) {
		t.Fatalf("alerts to %v, want %v (active officers only)", to, want)
	}
	for _, m := range mail {
		if m.to == testutil.Officer2Email {
			if m.subject != "Decision window in 30 days: Shared cyber security monitoring" {
				t.Errorf("Bradford's subject %q", m.subject)
			}
			if strings.Contains(m.text, "Leeds") || !strings.Contains(m.text, fmt.Sprintf("%s/contracts/%d\n", baseURL, bradford.ID)) {
				t.Errorf("Bradford's alert:\n%s", m.text)
			}
			continue
		}
		if m.subject != "4 Leeds contracts are reaching their decision window" {
			t.Errorf("Leeds subject %q", m.subject)
		}
		// Nearest first, each contract under the threshold it reached.
		wantOrder := []string{
			"Today", "- Email security", fmt.Sprintf("%s/contracts/%d", baseURL, today.ID),
			"In 30 days", "- Revenues and benefits system", "Decision window: " + in20.DecisionWindow.Long() + " (in 20 days)",
			"In 60 days", "- Cloud hosting", fmt.Sprintf("%s/contracts/%d", baseURL, in45.ID),
			"In 120 days", "- Housing management system", "Supplier: Civica UK Ltd",
			"Ends: " + in120.EndDate.Long(), "Decision window: " + in120.DecisionWindow.Long() + " (in 120 days)",
			fmt.Sprintf("%s/contracts/%d", baseURL, in120.ID),
			baseURL + "/councils/" + leedsGSS + "/contracts?window=120&sort=decision_window",
		}
		at := 0
		for _, s := range wantOrder {
			i := strings.Index(m.text[at:], s)
			if i < 0 {
				t.Fatalf("alert to %s lacks %q after offset %d:\n%s", m.to, s, at, m.text)
			}
			at += i + len(s)
		}
		for _, c := range []models.Contract{far, passed, expired, nobody} {
			if strings.Contains(m.text, c.Title) {
				t.Errorf("alert to %s names %s:\n%s", m.to, c.Title, m.text)
			}
		}
		if strings.Count(m.text, "Revenues and benefits system") != 1 {
			t.Errorf("the contract crossing three thresholds is listed more than once:\n%s", m.text)
		}
	}
	// All three crossed thresholds are recorded, so "in 60 days" and "in
	// 120 days" never follow; the council with no officers is recorded.
	w20 := in20.DecisionWindow.String()
	if got, want := alertedThresholds(t, w, in20.ID), []string{"120@" + w20, "60@" + w20, "30@" + w20}; !slices.Equal(got, want) {
		t.Errorf("recorded %v, want %v", got, want)
	}
	if got := alertedThresholds(t, w, nobody.ID); len(got) != 3 {
		t.Errorf("the council with no officers: recorded %v, want the crossed thresholds", got)
	}

	// Again for the same period, and the next day: nothing more.
	for _, p := range []jobs.Period{p, ukPeriod(w, 1, 6, 30)} {
		counts, err := jobs.ExpiryAlerts(ctx, w.deps, p)
		if err != nil {
			t.Fatal(err)
		}
		if counts["contracts"] != 0 || counts["emails"] != 0 {
			t.Errorf("%s: counts %v, want nothing", p.Key, counts)
		}
	}
	if got := newMail(t, w, &seen); len(got) != 0 {
		t.Fatalf("a rerun sent %d more alerts: %+v", len(got), got)
	}

	// Fifteen days on (the days between missed: it catches up), Cloud
	// hosting reaches 30 days. Meanwhile the revenues contract's end date
	// moved, and its window with it, to 50 days away: alerted afresh.
	p = ukPeriod(w, 15, 6, 30)
	newWindow := models.DateOf(testutil.Now).AddDays(15 + 50)
	in := models.ContractInput{Title: in20.Title, SupplierName: "Civica UK Ltd", EndDate: newWindow.AddMonths(models.DefaultLeadTimeMonths)}
	moved, err := w.db.UpdateContract(ctx, w.leeds, in20.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.ExpiryAlerts(ctx, w.deps, p); err != nil {
		t.Fatal(err)
	}
	mail = newMail(t, w, &seen)
	if len(mail) != 2 {
		t.Fatalf("%d alerts on day 15, want one to each Leeds officer: %+v", len(mail), mail)
	}
	for _, m := range mail {
		if m.subject != "2 Leeds contracts are reaching their decision window" ||
			!strings.Contains(m.text, "In 30 days\n\n- Cloud hosting") ||
			!strings.Contains(m.text, "In 60 days\n\n- Revenues and benefits system") ||
			!strings.Contains(m.text, "Decision window: "+moved.DecisionWindow.Long()+" (in 50 days)") ||
			strings.Contains(m.text, "Housing") || strings.Contains(m.text, "Email security") {
			t.Errorf("day 15 alert to %s: %q\n%s", m.to, m.subject, m.text)
		}
	}
	if moved.DecisionWindow != newWindow {
		t.Fatalf("moved window %s, want %s", moved.DecisionWindow, newWindow)
	}
	if got := alertedThresholds(t, w, in20.ID); !slices.Contains(got, "60@"+moved.DecisionWindow.String()) || !slices.Contains(got, "30@"+w20) {
		t.Errorf("after the move, recorded %v", got)
	}
}

// An expiry alert's kind and recipients, as the mail log shows them.
func TestExpiryAlertKind(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.db.W.Exec(`DELETE FROM contracts`); err != nil {
		t.Fatal(err)
	}
	contractWithWindow(t, w, w.leeds, leedsGSS, "Email security", 60)
	if _, err := jobs.ExpiryAlerts(ctx, w.deps, ukPeriod(w, 0, 6, 30)); err != nil {
		t.Fatal(err)
	}
	log, _, err := w.db.MailLog(ctx, models.MailLogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Kind != "expiry-alert" || !strings.Contains(log[0].To, testutil.OfficerEmail) ||
		log[0].Subject != "Decision window in 60 days: Email security" {
		t.Errorf("mail log %+v", log)
	}
}
