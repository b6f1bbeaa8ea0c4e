package models_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// digestOf is u's digest of the window (since, until], as a run builds it
// (a builder of its own, so nothing is reused between calls).
func digestOf(t *testing.T, db *models.DB, u models.User, since, until time.Time) models.Digest {
	t.Helper()
	r := models.DigestRecipient{User: u, Frequency: models.DigestDaily, Since: since}
	d, err := db.NewDigestBuilder().Build(context.Background(), r, until)
	if err != nil {
		t.Fatalf("digest of %s: %v", u.Email, err)
	}
	return d
}

// uk is a time on the UK's clock.
func uk(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, models.London())
}

func windowIDs(d models.Digest) []int64 {
	var out []int64
	for _, c := range d.DecisionWindows.Items {
		out = append(out, c.ID)
	}
	return out
}

// A contract is in a digest on the one day its decision window comes
// within 120 days (by UK date, in (since, until]), in the digest of its own
// council's officers and councillors only.
func TestDigestDecisionWindowsOfOwnCouncilOnce(t *testing.T) {
	db, clock := testutil.SeededDB(t)
	ctx := context.Background()
	leeds := mustUserByEmail(t, db, testutil.OfficerEmail)
	bradford := mustUserByEmail(t, db, testutil.Officer2Email)
	councillor := mustUserByEmail(t, db, testutil.CouncillorEmail)
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)

	// A decision window both councils have a contract reaching, with
	// each council's contracts of that window.
	var window string
	if err := db.R.QueryRowContext(ctx, `SELECT decision_window_date FROM contracts WHERE council_gss IN (?, ?)
		GROUP BY decision_window_date HAVING count(DISTINCT council_gss) = 2 ORDER BY decision_window_date DESC LIMIT 1`,
		leedsGSS, bradfordGSS).Scan(&window); err != nil {
		t.Fatal(err)
	}
	w, err := models.ParseISODate(window)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(gss string) []int64 {
		return testutil.Column[int64](t, db.R, `SELECT id FROM contracts WHERE council_gss = ? AND decision_window_date = ? ORDER BY id`, gss, window)
	}
	leedsIDs, bradfordIDs := ids(leedsGSS), ids(bradfordGSS)

	// The digest of 06:00 on the day the window is 120 days away.
	day := w.AddDays(-models.DigestWindowDays).Time()
	at := func(days int) time.Time { return uk(day.Year(), day.Month(), day.Day()+days, 6, 0) }
	clock.T = at(0).Add(time.Hour)
	has := func(d models.Digest, want []int64) bool {
		got := windowIDs(d)
		for _, id := range want {
			if !slices.Contains(got, id) {
				return false
			}
		}
		return true
	}
	d := digestOf(t, db, leeds, at(-1), at(0))
	if !has(d, leedsIDs) {
		t.Errorf("Leeds officer's digest lists %v, want Leeds's contracts %v", windowIDs(d), leedsIDs)
	}
	for _, id := range bradfordIDs {
		if slices.Contains(windowIDs(d), id) {
			t.Errorf("Leeds officer's digest lists Bradford's contract %d", id)
		}
	}
	for _, c := range d.DecisionWindows.Items {
		if !c.Window.After(w.AddDays(-1)) || c.Window.After(w) {
			t.Errorf("contract %d's window is %s: not reaching 120 days in the window", c.ID, c.Window)
		}
	}
	if d := digestOf(t, db, bradford, at(-1), at(0)); !has(d, bradfordIDs) || slices.Contains(windowIDs(d), leedsIDs[0]) {
		t.Errorf("Bradford officer's digest lists %v, want Bradford's %v and not Leeds's", windowIDs(d), bradfordIDs)
	}
	if d := digestOf(t, db, councillor, at(-1), at(0)); !has(d, leedsIDs) {
		t.Errorf("Leeds councillor's digest lists %v, want %v", windowIDs(d), leedsIDs)
	}
	if d := digestOf(t, db, supplier, at(-1), at(0)); d.DecisionWindows.Total != 0 {
		t.Errorf("a supplier's digest lists contracts %v", windowIDs(d))
	}

	// Window boundaries: the day before it crosses, and the day after
	// (it crossed in the previous digest), it is not listed.
	clock.T = at(1).Add(time.Hour)
	for _, c := range []struct {
		name         string
		since, until time.Time
		want         bool
	}{
		{"the day before", at(-2), at(-1), false},
		{"the day", at(-1), at(0), true},
		{"the day after", at(0), at(1), false},
		{"a week including the day", at(-6), at(1), true},
		{"a window ending at its first minute", at(-1).Add(-time.Minute), uk(day.Year(), day.Month(), day.Day(), 0, 0), true},
		{"a window starting on the day", uk(day.Year(), day.Month(), day.Day(), 0, 0), at(1), false},
	} {
		clock.T = c.until.Add(time.Hour)
		got := has(digestOf(t, db, leeds, c.since, c.until), leedsIDs)
		if got != c.want {
			t.Errorf("%s (%s to %s): listed %v, want %v", c.name, models.FormatUKTime(c.since), models.FormatUKTime(c.until), got, c.want)
		}
	}
}

// A contract that has expired, or whose decision window has passed, is
// never in a digest, however far back the window reaches.
func TestDigestNeverListsAnExpiredContract(t *testing.T) {
	db, clock := testutil.SeededDB(t)
	ctx := context.Background()
	leeds := mustUserByEmail(t, db, testutil.OfficerEmail)
	var id1, id2 int64
	var window string
	if err := db.R.QueryRowContext(ctx, `SELECT min(id), max(id), decision_window_date FROM contracts WHERE council_gss = ?
		AND decision_window_date > '2027-01-01' GROUP BY decision_window_date HAVING count(*) >= 1 ORDER BY decision_window_date LIMIT 1`,
		leedsGSS).Scan(&id1, &id2, &window); err != nil {
		t.Fatal(err)
	}
	w, _ := models.ParseISODate(window)
	day := w.AddDays(-models.DigestWindowDays).Time()
	until := uk(day.Year(), day.Month(), day.Day(), 6, 0)
	clock.T = until.Add(time.Hour)
	if got := windowIDs(digestOf(t, db, leeds, until.AddDate(0, 0, -1), until)); !slices.Contains(got, id1) {
		t.Fatalf("before it expired: contract %d not listed (%v)", id1, got)
	}

	// The register says it ended yesterday (whatever its window says).
	yesterday := models.DateOf(clock.T).AddDays(-1)
	if _, err := db.W.ExecContext(ctx, `UPDATE contracts SET end_date = ?, extension_intended = 0 WHERE id = ?`, yesterday.String(), id1); err != nil {
		t.Fatal(err)
	}
	if got := windowIDs(digestOf(t, db, leeds, until.AddDate(0, 0, -1), until)); slices.Contains(got, id1) {
		t.Errorf("expired contract %d listed: %v", id1, got)
	}

	// A person whose last digest was a year ago: contracts whose window
	// came within 120 days since then but has now passed are not listed.
	clock.T = until.AddDate(0, 0, 200)
	d := digestOf(t, db, leeds, until.AddDate(-1, 0, 0), clock.T)
	today := models.DateOf(clock.T)
	for _, c := range d.DecisionWindows.Items {
		if c.Window.Before(today) || c.End.Before(today) {
			t.Errorf("contract %d listed with window %s and end %s, on %s", c.ID, c.Window, c.End, today)
		}
	}
	if d.DecisionWindows.Total == 0 {
		t.Error("no contract listed at all: the test shows nothing")
	}
}

func activityOf(d models.Digest) (out []string) {
	for _, a := range d.BidActivity.Items {
		out = append(out, fmt.Sprintf("%d %s", a.BidID, a.What))
	}
	return out
}

func bidsIn(d models.Digest) map[int64]bool {
	out := map[int64]bool{}
	for _, a := range d.BidActivity.Items {
		out[a.BidID] = true
	}
	return out
}

// Bid activity follows who may see the bid: its councils' people (invited
// officers of a draft included), never another council's, never a
// supplier's; not the reader's own doing; and nothing of a cancelled bid.
func TestDigestBidActivityFollowsVisibility(t *testing.T) {
	db, clock := testutil.SeededDB(t)
	ctx := context.Background()
	if err := db.SeedDemoBids(ctx); err != nil {
		t.Fatal(err)
	}
	leeds := mustUserByEmail(t, db, testutil.OfficerEmail)
	bradford := mustUserByEmail(t, db, testutil.Officer2Email)
	councillor := mustUserByEmail(t, db, testutil.CouncillorEmail)
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	wakefield := mustCreateUser(t, db, models.NewUser{Email: "cio@wakefield.gov.uk", Name: "Wakefield CIO", Role: models.RoleOfficer, CouncilGSS: "E08000036"})
	var draft, published int64
	if err := db.R.QueryRowContext(ctx, `SELECT (SELECT id FROM bids WHERE status = 'draft'), (SELECT id FROM bids WHERE status = 'published')`).
		Scan(&draft, &published); err != nil {
		t.Fatal(err)
	}
	since, until := testutil.Now.Add(-time.Hour), testutil.Now.Add(time.Hour)
	clock.T = until

	d := digestOf(t, db, leeds, since, until)
	if !bidsIn(d)[published] {
		t.Errorf("Leeds officer: no activity of the published bid Leeds takes part in: %v", activityOf(d))
	}
	for _, a := range d.BidActivity.Items {
		if a.ActorID == leeds.ID {
			t.Errorf("Leeds officer told of their own doing: %s", a.What)
		}
	}
	if d := digestOf(t, db, councillor, since, until); !bidsIn(d)[draft] || !bidsIn(d)[published] {
		t.Errorf("Leeds councillor: want both Leeds bids' activity, got %v", activityOf(d))
	}
	if d := digestOf(t, db, bradford, since, until); !bidsIn(d)[draft] {
		t.Errorf("Bradford officer, invited to Leeds's draft: want its activity, got %v", activityOf(d))
	}
	if d := digestOf(t, db, wakefield, since, until); d.BidActivity.Total != 0 {
		t.Errorf("Wakefield officer, in no bid: told %v", activityOf(d))
	}
	// Bradford is only invited to Leeds's draft: its officers may read it
	// to decide, its councillors may not (bidAccess).
	bradfordCllr := mustCreateUser(t, db, models.NewUser{Email: "cllr@bradford.gov.uk", Name: "Cllr Bradford", Role: models.RoleCouncillor, CouncilGSS: bradfordGSS})
	if d := digestOf(t, db, bradfordCllr, since, until); bidsIn(d)[draft] || !bidsIn(d)[published] {
		t.Errorf("Bradford councillor: want the published bid's activity only, got %v", activityOf(d))
	}
	if d := digestOf(t, db, supplier, since, until); d.BidActivity.Total != 0 {
		t.Errorf("a supplier following nothing: told %v", activityOf(d))
	}

	// Leeds cancels its draft: nobody hears of it any more.
	clock.T = testutil.Now.Add(30 * time.Minute)
	if err := db.CancelBid(ctx, leeds, draft, "Bradford is buying on its own."); err != nil {
		t.Fatal(err)
	}
	clock.T = until
	for _, u := range []models.User{bradford, councillor} {
		if d := digestOf(t, db, u, since, until); bidsIn(d)[draft] {
			t.Errorf("%s told of the cancelled bid: %v", u.Email, activityOf(d))
		}
	}

	// A supplier following the published bid hears of a published answer,
	// in words that name no officer, and not of the question itself.
	if err := db.FollowOpportunity(ctx, supplier, published, true); err != nil {
		t.Fatal(err)
	}
	clock.T = testutil.Now.Add(2 * time.Hour)
	qid, err := db.AskQuestion(ctx, supplier, published, "Does the service include out-of-hours response?")
	if err != nil {
		t.Fatal(err)
	}
	clock.T = testutil.Now.Add(3 * time.Hour)
	if _, err := db.AnswerQuestion(ctx, bradford, published, qid, "Yes, around the clock."); err != nil {
		t.Fatal(err)
	}
	since, until = testutil.Now.Add(time.Hour), testutil.Now.Add(4*time.Hour)
	clock.T = until
	d = digestOf(t, db, supplier, since, until)
	if got := activityOf(d); len(got) != 1 || got[0] != fmt.Sprintf("%d The councils published the answer to clarification question 1", published) {
		t.Errorf("following supplier told %q, want the published answer only", got)
	}
	other := mustCreateUser(t, db, models.NewUser{Email: "bids@other.example", Name: "Other Bidder", Role: models.RoleSupplier, SupplierName: "Other Systems Ltd"})
	if d := digestOf(t, db, other, since, until); d.BidActivity.Total != 0 {
		t.Errorf("a supplier not following told %v", activityOf(d))
	}
	if got := activityOf(digestOf(t, db, leeds, since, until)); len(got) != 2 {
		t.Errorf("Leeds officer told %q, want the question received and Bradford's answer", got)
	}
}

// A supplier hears of a bid published in one of its categories while it
// still takes responses; not of one in another category, nor once closed.
func TestDigestNewOpportunitiesInASuppliersCategories(t *testing.T) {
	db, clock := testutil.SeededDB(t)
	ctx := context.Background()
	if err := db.SeedDemoBids(ctx); err != nil {
		t.Fatal(err)
	}
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	other := mustCreateUser(t, db, models.NewUser{Email: "bids@revs.example", Name: "Revs Bidder", Role: models.RoleSupplier, SupplierName: "Revs Systems Ltd"})
	no := false
	for u, cats := range map[*models.User][]string{&supplier: {"cyber-security", "network"}, &other: {"revenues-benefits"}} {
		if err := db.UpdateSupplierProfile(ctx, *u, models.SupplierDetails{SME: &no, VCSE: &no, Categories: cats,
			ContactName: u.Name, ContactEmail: u.Email}); err != nil {
			t.Fatal(err)
		}
	}
	var published int64
	var deadline string
	if err := db.R.QueryRowContext(ctx, `SELECT id, response_deadline FROM bids WHERE status = 'published' AND category_slug = 'cyber-security'`).
		Scan(&published, &deadline); err != nil {
		t.Fatal(err)
	}
	since, until := testutil.Now.Add(-time.Hour), testutil.Now.Add(time.Hour)
	clock.T = until
	d := digestOf(t, db, supplier, since, until)
	if d.Opportunities.Total != 1 || d.Opportunities.Items[0].ID != published {
		t.Errorf("supplier in cyber security: opportunities %+v, want bid %d", d.Opportunities.Items, published)
	}
	if d := digestOf(t, db, other, since, until); d.Opportunities.Total != 0 {
		t.Errorf("supplier in revenues and benefits told of %+v", d.Opportunities.Items)
	}
	if d := digestOf(t, db, mustUserByEmail(t, db, testutil.OfficerEmail), since, until); d.Opportunities.Total != 0 {
		t.Errorf("an officer told of opportunities %+v", d.Opportunities.Items)
	}
	if d := digestOf(t, db, supplier, until, until.Add(time.Hour)); d.Opportunities.Total != 0 {
		t.Errorf("published before the window, yet listed: %+v", d.Opportunities.Items)
	}
	// A digest run after the response deadline (a week's window, say)
	// does not offer the closed opportunity.
	closes, _ := time.Parse("2006-01-02T15:04:05.000000Z", deadline)
	clock.T = closes.Add(time.Minute)
	if d := digestOf(t, db, supplier, since, until); d.Opportunities.Total != 0 {
		t.Errorf("closed opportunity listed: %+v", d.Opportunities.Items)
	}
}

func libraryTitles(d models.Digest) (out []string) {
	for _, it := range d.Library.Items {
		out = append(out, it.Title)
	}
	return out
}

// A library item is in the digest of the window its version was approved
// in, for its audience only; a later approved version is "updated".
func TestDigestLibraryForItsAudienceInTheWindow(t *testing.T) {
	db, clock := testutil.SeededDB(t)
	ctx := context.Background()
	author := mustUserByEmail(t, db, testutil.OfficerEmail)
	approver := mustUserByEmail(t, db, testutil.Officer2Email)
	councillor := mustUserByEmail(t, db, testutil.CouncillorEmail)
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	admin := mustUserByEmail(t, db, testutil.AdminEmail)
	wakefield := mustCreateUser(t, db, models.NewUser{Email: "cio@wakefield.gov.uk", Name: "Wakefield CIO", Role: models.RoleOfficer, CouncilGSS: "E08000036"})

	in := models.LibraryInput{Kind: models.KindBriefing, Title: "Cloud contracts for councillors", Summary: "What to ask.",
		Body: "Ask where the data lives.", Audience: models.AudienceCouncillors}
	clock.T = testutil.Now.Add(time.Hour)
	id, err := db.CreateLibraryItem(ctx, author, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SubmitLibraryItem(ctx, author, id); err != nil {
		t.Fatal(err)
	}
	approved := testutil.Now.Add(2 * time.Hour)
	clock.T = approved
	if err := db.ApproveLibraryItem(ctx, approver, id); err != nil {
		t.Fatal(err)
	}
	clock.T = approved.Add(time.Hour)
	since := testutil.Now.Add(30 * time.Minute)
	listed := func(u models.User, since, until time.Time) bool {
		return slices.Contains(libraryTitles(digestOf(t, db, u, since, until)), in.Title)
	}
	for _, c := range []struct {
		who  models.User
		want bool
	}{{councillor, true}, {admin, true}, {supplier, false}, {wakefield, false}, {approver, false}} {
		if got := listed(c.who, since, approved); got != c.want {
			t.Errorf("%s (%s): listed %v, want %v", c.who.Email, c.who.Role, got, c.want)
		}
	}
	// (since, until]: approved at until is in; at since, out.
	if !listed(councillor, since, approved) || listed(councillor, approved, approved.Add(time.Hour)) ||
		listed(councillor, since, approved.Add(-time.Microsecond)) {
		t.Error("the window's boundaries are not (since, until]")
	}
	if d := digestOf(t, db, councillor, since, approved); d.Library.Items[0].Updated {
		t.Error("a first approval reads as an update")
	}

	// A new version, for everyone, approved later: suppliers hear of it
	// now, as an update.
	in.Audience = models.AudienceEveryone
	in.Body += " And who can reach it."
	clock.T = approved.Add(2 * time.Hour)
	item, err := db.LibraryItemByID(ctx, author, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveLibraryItem(ctx, author, id, in, item.LatestVersion); err != nil {
		t.Fatal(err)
	}
	if err := db.SubmitLibraryItem(ctx, author, id); err != nil {
		t.Fatal(err)
	}
	again := approved.Add(3 * time.Hour)
	clock.T = again
	if err := db.ApproveLibraryItem(ctx, approver, id); err != nil {
		t.Fatal(err)
	}
	d := digestOf(t, db, supplier, approved, again)
	if len(d.Library.Items) != 1 || d.Library.Items[0].ID != id || !d.Library.Items[0].Updated {
		t.Errorf("supplier after the update: %+v, want item %d updated", d.Library.Items, id)
	}
	// Now for everyone: other officers hear of it, not the one who approved it.
	if !listed(wakefield, approved, again) || listed(approver, approved, again) {
		t.Error("for everyone: want it listed for another officer, not for its approver")
	}
}

// An officer hears of other councils' contracts, new or changed in the
// window, among their council's partner matches; a section lists ten and
// counts the rest.
func TestDigestNewPartnerMatches(t *testing.T) {
	db, clock := testutil.SeededDB(t)
	ctx := context.Background()
	leeds := mustUserByEmail(t, db, testutil.OfficerEmail)
	bradford := mustUserByEmail(t, db, testutil.Officer2Email)
	councillor := mustUserByEmail(t, db, testutil.CouncillorEmail)

	// The demo seed's registers were all written at testutil.Now.
	since, until := testutil.Now.Add(-time.Hour), testutil.Now.Add(time.Hour)
	clock.T = until
	d := digestOf(t, db, leeds, since, until)
	if d.PartnerMatches.Total <= models.DigestSectionLimit || len(d.PartnerMatches.Items) != models.DigestSectionLimit ||
		d.PartnerMatches.More() != d.PartnerMatches.Total-models.DigestSectionLimit {
		t.Errorf("the seed's matches: %d listed of %d, want %d listed and the rest counted",
			len(d.PartnerMatches.Items), d.PartnerMatches.Total, models.DigestSectionLimit)
	}
	if d := digestOf(t, db, councillor, since, until); d.PartnerMatches.Total != 0 {
		t.Errorf("a councillor told of %d partner matches", d.PartnerMatches.Total)
	}

	// Nothing changed in the next hour; then Bradford adds a contract for
	// the product Leeds runs in one of its contracts, ending when it does.
	since, until = testutil.Now.Add(time.Hour), testutil.Now.Add(2*time.Hour)
	clock.T = until
	if d := digestOf(t, db, leeds, since, until); d.PartnerMatches.Total != 0 {
		t.Errorf("nothing changed, yet %d partner matches", d.PartnerMatches.Total)
	}
	var mine models.Contract
	var productID, supplierID int64
	var category string
	if err := db.R.QueryRowContext(ctx, `SELECT id, product_id, supplier_id, category_slug FROM contracts
		WHERE council_gss = ? AND product_id IS NOT NULL AND decision_window_date > ? ORDER BY decision_window_date LIMIT 1`,
		leedsGSS, models.DateOf(clock.T).AddDays(60).String()).Scan(&mine.ID, &productID, &supplierID, &category); err != nil {
		t.Fatal(err)
	}
	mine, err := db.ContractByID(ctx, leeds, mine.ID)
	if err != nil {
		t.Fatal(err)
	}
	clock.T = testutil.Now.Add(90 * time.Minute)
	annual := int64(12_000_000)
	theirs, err := db.CreateContract(ctx, bradford, bradfordGSS, models.ContractInput{Title: "Shared " + strings.ToLower(mine.Title),
		SupplierID: supplierID, ProductID: productID, CategorySlug: category, AnnualValuePence: &annual,
		StartDate: mine.StartDate, EndDate: mine.EndDate})
	if err != nil {
		t.Fatal(err)
	}
	clock.T = until
	d = digestOf(t, db, leeds, since, until)
	found := false
	for _, m := range d.PartnerMatches.Items {
		if m.PartnerContractID != theirs.ID {
			t.Errorf("match with contract %d (%s), which did not change in the window", m.PartnerContractID, m.PartnerContractTitle)
		}
		found = found || m.ContractID == mine.ID
	}
	if !found {
		t.Errorf("Leeds not told of Bradford's new %q matching its %q: %+v", theirs.Title, mine.Title, d.PartnerMatches.Items)
	}
	if d := digestOf(t, db, bradford, since, until); d.PartnerMatches.Total != 0 {
		t.Errorf("Bradford told of its own new contract as a partner: %+v", d.PartnerMatches.Items)
	}
}

// The weekly digest's week starts on the most recent Monday at the run's
// UK clock time, across the clock changes.
func TestWeeklyDigestStart(t *testing.T) {
	for _, c := range []struct{ at, want time.Time }{
		{uk(2026, 11, 23, 6, 0), uk(2026, 11, 23, 6, 0)},   // a Monday
		{uk(2026, 11, 24, 6, 0), uk(2026, 11, 23, 6, 0)},   // Tuesday
		{uk(2026, 11, 29, 6, 0), uk(2026, 11, 23, 6, 0)},   // Sunday
		{uk(2026, 11, 23, 5, 59), uk(2026, 11, 23, 5, 59)}, // Monday, earlier
		{uk(2027, 3, 29, 6, 0), uk(2027, 3, 29, 6, 0)},     // Monday after the clocks go forward
		{uk(2027, 3, 30, 6, 0), uk(2027, 3, 29, 6, 0)},     // Tuesday after
		{uk(2027, 3, 28, 6, 0), uk(2027, 3, 22, 6, 0)},     // the Sunday they change, back to GMT's Monday
		{uk(2026, 10, 27, 6, 0), uk(2026, 10, 26, 6, 0)},   // Tuesday after the clocks go back
	} {
		if got := models.WeeklyDigestStart(c.at); !got.Equal(c.want) {
			t.Errorf("WeeklyDigestStart(%s) = %s, want %s", models.FormatUKTime(c.at), models.FormatUKTime(got), models.FormatUKTime(c.want))
		}
	}
}
