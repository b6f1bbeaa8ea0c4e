package models_test

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// The generated briefing over the demo registers. Every expectation is
// worked out here from the registers (through the models' own lists, not
// the briefing's), so the test holds whatever the demo seed holds.

const (
	briefLeeds     = "E08000035"
	briefWakefield = "E08000036"
)

// mdUnescaped undoes the briefing's backslash escapes, to compare its
// Markdown with names as typed.
func mdUnescaped(s string) string {
	return regexp.MustCompile("\\\\([\\\\`*_\\[\\]<>~|&])").ReplaceAllString(s, "$1")
}

// inWords is GOV.UK style: one to nine in words, then numerals.
func inWords(n int) string {
	if n < 10 {
		return []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}[n]
	}
	return fmt.Sprint(n)
}

func capitalised(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// registerOf is every contract of a council's register.
func registerOf(t *testing.T, db *models.DB, gss string) []models.Contract {
	t.Helper()
	var out []models.Contract
	f := models.ContractFilter{CouncilGSS: gss, Limit: 500, Sort: models.SortID}
	for {
		page, err := db.Contracts(t.Context(), models.System, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Contracts...)
		if len(page.Contracts) < f.Limit {
			return out
		}
		f.Offset += f.Limit
	}
}

// wantInOrder checks body holds each of wants, in that order.
func wantInOrder(t *testing.T, body string, wants ...string) {
	t.Helper()
	rest := body
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("briefing lacks %q (or has it out of order):\n%s", w, body)
			return
		}
		rest = rest[i+len(w):]
	}
}

func TestCouncilBriefingSaysWhatTheRegistersSay(t *testing.T) {
	db, _, ctx := seeded(t)
	today := models.DateOf(testutil.Now)
	b, err := db.GenerateCouncilBriefing(ctx, briefLeeds)
	if err != nil {
		t.Fatal(err)
	}
	body := mdUnescaped(b.Body)
	if b.CouncilName != "Leeds" || !b.GeneratedAt.Equal(testutil.Now) || b.ReadingMinutes() < 1 {
		t.Errorf("briefing %+v", b)
	}
	wantInOrder(t, body, "Leeds City Council's contract register", "21 November 2026",
		"# Contracts coming up for decision", "# Old systems that need a plan", "# Councils to buy with", "# Where one supplier holds most of the market")
	if n := strings.Count(body, "> **What this means:**"); n != 4 {
		t.Errorf("%d sections say what they mean, want 4", n)
	}

	// Decision windows in the next 12 months, largest first.
	var coming []models.Contract
	passed := 0
	for _, c := range registerOf(t, db, briefLeeds) {
		switch w := c.DecisionWindow; {
		case w.IsZero():
		case !w.Before(today) && !w.After(today.AddMonths(12)):
			coming = append(coming, c)
		case w.Before(today) && !c.Expired(today):
			passed++
		}
	}
	if len(coming) < 2 || passed == 0 {
		t.Fatalf("the demo seed should give Leeds windows to come and passed: %d, %d", len(coming), passed)
	}
	value := func(c models.Contract) int64 {
		if c.AnnualValuePence != nil {
			return *c.AnnualValuePence
		}
		if c.TotalValuePence != nil {
			return *c.TotalValuePence
		}
		return -1
	}
	sort.SliceStable(coming, func(i, j int) bool { return value(coming[i]) > value(coming[j]) })
	wantInOrder(t, body, capitalised(inWords(len(coming)))+" of Leeds's contracts reach their decision window in the next 12 months.")
	var lines []string
	for _, c := range coming[:min(3, len(coming))] {
		lines = append(lines, "- **"+c.Title+"** with "+c.SupplierName, "decision window "+c.DecisionWindow.Long())
	}
	wantInOrder(t, body, lines...)
	wantInOrder(t, body, capitalised(inWords(passed))+" more contracts are still running although their decision window has passed")

	// Partners: the three best councils, each with its best match's reason.
	matches, err := db.PartnerMatches(ctx, models.System, briefLeeds, models.PartnerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var partners []string
	seen := map[string]bool{}
	for _, m := range matches {
		if !seen[m.PartnerGSS] {
			seen[m.PartnerGSS] = true
			if len(partners) < 6 {
				partners = append(partners, "- **"+m.PartnerName+"**", m.Explanation)
			}
		}
	}
	if !seen["E08000032"] {
		t.Errorf("the demo seed matches Leeds with Bradford: %v", partners)
	}
	wantInOrder(t, body, append([]string{fmt.Sprintf("%s councils have comparable contracts", capitalised(inWords(len(seen))))}, partners...)...)

	// Markets: the categories Leeds buys in where one supplier has half the
	// spending or more, largest share first.
	overview, err := db.ConcentrationOverview(ctx, models.System, "")
	if err != nil {
		t.Fatal(err)
	}
	buys := map[string]map[int64]bool{}
	for _, c := range registerOf(t, db, briefLeeds) {
		if c.CategorySlug != "" && (c.EndDate.IsZero() || !c.EndDate.Before(today)) {
			if buys[c.CategorySlug] == nil {
				buys[c.CategorySlug] = map[int64]bool{}
			}
			buys[c.CategorySlug][c.SupplierID] = true
		}
	}
	var dominated []models.CategoryConcentration
	for _, cc := range overview {
		if buys[cc.Category.Slug] != nil && cc.HasHHI && cc.TopShare >= 0.5 {
			dominated = append(dominated, cc)
		}
	}
	if len(dominated) == 0 {
		t.Fatal("the demo seed should have a market one supplier dominates")
	}
	sort.SliceStable(dominated, func(i, j int) bool { return dominated[i].TopShare > dominated[j].TopShare })
	var markets []string
	for _, cc := range dominated[:min(3, len(dominated))] {
		uses := "Leeds buys from other suppliers"
		if buys[cc.Category.Slug][cc.TopSupplierID] {
			uses = "Leeds buys from them too"
		}
		markets = append(markets, fmt.Sprintf("- **%s**: %s has %d%% of the spending of the %d councils buying it; %s.",
			cc.Category.Name, cc.TopSupplier, int(cc.TopShare*100+0.5), cc.Councils, uses))
	}
	wantInOrder(t, body, markets...)

	// Leeds has no legacy systems in the demo seed; Wakefield has.
	if legacy, err := db.LegacyContracts(ctx, models.System, models.LegacyFilter{CouncilGSS: briefLeeds}); err != nil || len(legacy) != 0 {
		t.Fatalf("Leeds's legacy systems: %v, %v", legacy, err)
	}
	wantInOrder(t, body, "None of Leeds's current contracts looks like a legacy system.")
}

func TestCouncilBriefingListsLegacySystems(t *testing.T) {
	db, _, ctx := seeded(t)
	legacy, err := db.LegacyContracts(ctx, models.System, models.LegacyFilter{CouncilGSS: briefWakefield})
	if err != nil {
		t.Fatal(err)
	}
	if len(legacy) == 0 {
		t.Fatal("the demo seed should give Wakefield a legacy system")
	}
	b, err := db.GenerateCouncilBriefing(ctx, briefWakefield)
	if err != nil {
		t.Fatal(err)
	}
	body := mdUnescaped(b.Body)
	verb := "look like legacy systems"
	if len(legacy) == 1 {
		verb = "looks like a legacy system"
	}
	want := []string{capitalised(inWords(len(legacy))) + " of Wakefield's current contracts " + verb}
	for _, l := range legacy[:min(3, len(legacy))] {
		want = append(want, "- **"+l.Title, l.SupplierName+": "+strings.Join(l.Reasons, "; ")+".")
	}
	wantInOrder(t, body, want...)
}

func TestCouncilBriefingReadRule(t *testing.T) {
	db, clock, ctx := seeded(t)
	councillor := mustUserByEmail(t, db, testutil.CouncillorEmail)
	bradford := mustUserByEmail(t, db, testutil.Officer2Email)
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	if n := count(t, db, "council_briefings"); n != 0 {
		t.Fatalf("%d briefings before any was asked for", n)
	}
	// Missing: written on first reading, and kept.
	b, err := db.CouncilBriefing(ctx, councillor, briefLeeds)
	if err != nil {
		t.Fatal(err)
	}
	if !b.GeneratedAt.Equal(testutil.Now) || b.OfficialName != "Leeds City Council" || count(t, db, "council_briefings") != 1 {
		t.Errorf("first reading: %+v, %d stored", b, count(t, db, "council_briefings"))
	}
	clock.Advance(3 * time.Hour)
	// Any council's people read any council's briefing, as they read its register.
	again, err := db.CouncilBriefing(ctx, bradford, briefLeeds)
	if err != nil {
		t.Fatal(err)
	}
	if !again.GeneratedAt.Equal(b.GeneratedAt) || again.Body != b.Body {
		t.Errorf("a second reading wrote it again: %v then %v", b.GeneratedAt, again.GeneratedAt)
	}
	for _, u := range []models.User{supplier, {}} {
		if _, err := db.CouncilBriefing(ctx, u, briefLeeds); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("%q read a briefing: %v", u.Role, err)
		}
	}
	_, err = db.CouncilBriefing(ctx, councillor, "E99999999")
	wantNotFound(t, err)
	_, err = db.GenerateCouncilBriefing(ctx, "E99999999")
	wantNotFound(t, err)
}

// Text from the registers is literal in the Markdown: a contract called
// "*Payroll*" is not emphasis, and its HTML is text.
func TestCouncilBriefingEscapesRegisterText(t *testing.T) {
	db, _, ctx := seeded(t)
	title := "*Payroll* <b>x</b> [link](javascript:alert(1)) `code` & more"
	in := models.ContractInput{Title: title, SupplierName: "Acme_Systems Ltd", EndDate: models.DateOf(testutil.Now).AddMonths(11),
		NoticePeriodMonths: months(0), AnnualValuePence: pence(999_999_999_00)}
	if _, err := db.CreateContract(ctx, models.System, briefLeeds, in); err != nil {
		t.Fatal(err)
	}
	b, err := db.GenerateCouncilBriefing(ctx, briefLeeds)
	if err != nil {
		t.Fatal(err)
	}
	escaped := "\\*Payroll\\* \\<b\\>x\\</b\\> \\[link\\](javascript:alert(1)) \\`code\\` \\& more** with Acme\\_Systems Ltd, worth £999,999,999 a year"
	if !strings.Contains(b.Body, "- **"+escaped) {
		t.Errorf("briefing lacks the escaped title %q:\n%s", escaped, b.Body)
	}
}
