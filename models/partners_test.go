package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// Partner matching on hand-built registers with known answers. The clock
// stands on 21 November 2026. A notice period of 0 makes a decision window
// exactly nine months before the end date, so each contract is given by
// its window.

const (
	pmLeeds     = "E08000035"
	pmBradford  = "E08000032"
	pmYork      = "E06000014"
	pmSheffield = "E08000019"
	pmWakefield = "E08000036"
	pmBarnsley  = "E08000016"
	pmAllerdale = "E07000026" // North West: another region
)

func pmDate(s string) models.Date {
	d, err := models.ParseISODate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func pmPounds(p int64) *int64 { v := p * 100; return &v }

// pmWorld is the registers of the tests, by name.
type pmWorld struct {
	db  *models.DB
	ids map[string]int64
}

// pmContract adds a contract whose decision window is window ("" for a
// rolling contract), or whose end date is end when window is "-".
type pmContract struct {
	name, gss, supplier, product, category string
	window                                 string
	end                                    string // instead of window
	annual                                 *int64
	maxExt                                 string
	extend                                 bool
}

func newPartnerWorld(t *testing.T, contracts []pmContract) pmWorld {
	t.Helper()
	app := testutil.NewApp(t)
	app.ClearRegisters(t)
	ctx := context.Background()
	if _, err := app.DB.ImportCouncils(ctx, 0, strings.NewReader("gss_code,name,type,region\n"+pmAllerdale+",Allerdale,NMD,North West\n")); err != nil {
		t.Fatal(err)
	}
	w := pmWorld{db: app.DB, ids: map[string]int64{}}
	zero := 0
	for _, c := range contracts {
		in := models.ContractInput{Title: c.name, SupplierName: c.supplier, ProductName: c.product, CategorySlug: c.category,
			AnnualValuePence: c.annual, NoticePeriodMonths: &zero, ExtensionIntended: c.extend}
		switch {
		case c.end != "":
			in.EndDate = pmDate(c.end)
		case c.window != "":
			in.EndDate = pmDate(c.window).AddMonths(models.DefaultLeadTimeMonths)
		}
		if c.maxExt != "" {
			in.MaxExtensionDate = pmDate(c.maxExt)
		}
		k, err := app.DB.CreateContract(ctx, models.System, c.gss, in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.window != "" && k.DecisionWindow.String() != c.window {
			t.Fatalf("%s: window %s, want %s", c.name, k.DecisionWindow, c.window)
		}
		w.ids[c.name] = k.ID
	}
	return w
}

const (
	civica = "Civica UK Ltd"
	revs   = "revenues-benefits"
)

// pmRegisters: Leeds's contracts (L…) and the other councils' (B…, Y…,
// S…, A…, W…, X…).
var pmRegisters = []pmContract{
	// Leeds's revenues system, window 10 June 2027, £200,000 a year.
	{name: "L1", gss: pmLeeds, supplier: civica, product: "Civica OpenRevenues", category: revs, window: "2027-06-10", annual: pmPounds(200_000)},
	{name: "B1", gss: pmBradford, supplier: civica, product: "Civica OpenRevenues", category: revs, window: "2027-09-15", annual: pmPounds(200_000)},
	{name: "A1", gss: pmAllerdale, supplier: civica, product: "Civica OpenRevenues", category: revs, window: "2027-09-15", annual: pmPounds(200_000)},
	{name: "Y1", gss: pmYork, supplier: civica, product: "Civica Cx Revenues", category: revs, window: "2027-06-20", annual: pmPounds(100_000)},
	{name: "S1", gss: pmSheffield, supplier: "NEC Software Solutions UK Ltd", product: "NEC Revenues & Benefits", category: revs, window: "2027-03-01"},
	// Leeds's own second copy: never its own partner.
	{name: "L3", gss: pmLeeds, supplier: civica, product: "Civica OpenRevenues", category: revs, window: "2027-06-10", annual: pmPounds(200_000)},

	// Payroll: two partners tie on score and dates.
	{name: "L2", gss: pmLeeds, supplier: "MHR International UK Ltd", product: "iTrent", category: "hr-payroll", window: "2028-02-10", annual: pmPounds(100_000)},
	{name: "Y2", gss: pmYork, supplier: "MHR International UK Ltd", product: "iTrent", category: "hr-payroll", window: "2028-03-10", annual: pmPounds(100_000)},
	{name: "B2", gss: pmBradford, supplier: "MHR International UK Ltd", product: "iTrent", category: "hr-payroll", window: "2028-03-10", annual: pmPounds(100_000)},

	// GIS: window boundaries, 12 months each way and a day more.
	{name: "L4", gss: pmLeeds, supplier: "ESRI (UK) Ltd", product: "ArcGIS", category: "gis", window: "2027-08-15"},
	{name: "Bg", gss: pmBradford, supplier: "Idox Software Ltd", category: "gis", window: "2026-08-15"},
	{name: "Yg", gss: pmYork, supplier: "Idox Software Ltd", category: "gis", window: "2026-08-14"},
	{name: "Sg", gss: pmSheffield, supplier: "Idox Software Ltd", category: "gis", window: "2028-08-15"},
	{name: "Wg", gss: pmWakefield, supplier: "Idox Software Ltd", category: "gis", window: "2028-08-16"},

	// Waste: a window already passed; expired and rolling partners.
	{name: "L5", gss: pmLeeds, supplier: "Bartec Auto ID Ltd", product: "Bartec Collective", category: "waste", window: "2026-09-30"},
	{name: "X1", gss: pmBarnsley, supplier: "Bartec Auto ID Ltd", product: "Bartec Collective", category: "waste", window: "2026-03-31"},
	{name: "X2 extended", gss: pmBarnsley, supplier: "Bartec Auto ID Ltd", product: "Bartec Collective", category: "waste",
		end: "2026-10-31", maxExt: "2027-10-31", extend: true},
	{name: "X3 expired", gss: pmBarnsley, supplier: "Bartec Auto ID Ltd", product: "Bartec Collective", category: "waste", end: "2026-10-31", maxExt: "2027-10-31"},
	{name: "X4 expired yesterday", gss: pmWakefield, supplier: "Bartec Auto ID Ltd", product: "Bartec Collective", category: "waste", end: "2026-11-20"},
	{name: "X5 rolling", gss: pmBradford, supplier: "Bartec Auto ID Ltd", product: "Bartec Collective", category: "waste"},
	// Leeds's own expired and rolling contracts of the same product find nothing.
	{name: "L6 expired", gss: pmLeeds, supplier: "Bartec Auto ID Ltd", product: "Bartec Collective", category: "waste", end: "2026-10-01"},
	{name: "L7 rolling", gss: pmLeeds, supplier: "Bartec Auto ID Ltd", product: "Bartec Collective", category: "waste"},
}

// pmRow is what a test checks of a match.
type pmRow struct {
	contract, partner, strength string
	score                       int
}

func pmRows(w pmWorld, ms []models.PartnerMatch) []pmRow {
	names := map[int64]string{}
	for n, id := range w.ids {
		names[id] = n
	}
	out := make([]pmRow, len(ms))
	for i, m := range ms {
		out[i] = pmRow{names[m.ContractID], names[m.PartnerContractID], m.Strength, m.Score}
	}
	return out
}

func pmMatches(t *testing.T, w pmWorld, opts models.PartnerOptions) []models.PartnerMatch {
	t.Helper()
	ms, err := w.db.PartnerMatches(context.Background(), mustUserByEmail(t, w.db, testutil.OfficerEmail), pmLeeds, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func wantRows(t *testing.T, got, want []pmRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d matches, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("match %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestPartnerMatchesWholeCouncil(t *testing.T) {
	w := newPartnerWorld(t, pmRegisters)
	got := pmRows(w, pmMatches(t, w, models.PartnerOptions{}))
	wantRows(t, got, []pmRow{
		// Payroll: a tie on score (50 + 23 + 10 + 15) and on dates, broken by name.
		{"L2", "B2", "product", 98},
		{"L2", "Y2", "product", 98},
		// Product 50 + 18 (97 days) + region 10 + value 15; L1 before L3 by id.
		{"L1", "B1", "product", 93},
		{"L3", "B1", "product", 93},
		// The same without the region.
		{"L1", "A1", "product", 83},
		{"L3", "A1", "product", 83},
		// Supplier 35 + 24 (10 days) + 10 + value 8 (£100,000 against £200,000).
		{"L1", "Y1", "supplier", 77},
		{"L3", "Y1", "supplier", 77},
		// Waste: extended (window 31 January 2027, 123 days: 17), then the current one (183 days: 12).
		{"L5", "X2 extended", "product", 77},
		{"L5", "X1", "product", 72},
		// Category 20 + 18 (101 days) + 10; no value for Sheffield.
		{"L1", "S1", "category", 48},
		{"L3", "S1", "category", 48},
		// The boundaries: 365 days (12 months before), then 366 (12 months after), both 0 for dates.
		{"L4", "Bg", "category", 30},
		{"L4", "Sg", "category", 30},
	})
}

func TestPartnerMatchesOneContract(t *testing.T) {
	w := newPartnerWorld(t, pmRegisters)
	ms := pmMatches(t, w, models.PartnerOptions{ContractID: w.ids["L1"]})
	wantRows(t, pmRows(w, ms), []pmRow{
		{"L1", "B1", "product", 93}, {"L1", "A1", "product", 83}, {"L1", "Y1", "supplier", 77}, {"L1", "S1", "category", 48},
	})
	wantExplanations := []string{
		"Bradford also runs Civica OpenRevenues; their decision window opens in September 2027, three months after yours.",
		"Allerdale also runs Civica OpenRevenues; their decision window opens in September 2027, three months after yours.",
		"York also uses Civica UK Ltd for revenues and benefits; their decision window opens in June 2027, the same month as yours.",
		"Sheffield also has a contract for revenues and benefits, with another supplier; their decision window opens in March 2027, three months before yours.",
	}
	for i, m := range ms {
		if m.Explanation != wantExplanations[i] {
			t.Errorf("match %d explains\n%q, want\n%q", i, m.Explanation, wantExplanations[i])
		}
	}
	// The parts, as the page shows them.
	wantParts := [][]int{{50, 18, 10, 15}, {50, 18, 0, 15}, {35, 24, 10, 8}, {20, 18, 10, 0}}
	for i, m := range ms {
		var got []int
		for _, p := range m.ScoreParts {
			got = append(got, p.Points)
		}
		if len(got) != 4 || got[0] != wantParts[i][0] || got[1] != wantParts[i][1] || got[2] != wantParts[i][2] || got[3] != wantParts[i][3] {
			t.Errorf("match %d parts %v, want %v", i, got, wantParts[i])
		}
	}
	if ms[0].ScoreParts[0].Label != "Same product" || ms[0].ScoreParts[2].Label != "Same region" || ms[0].PartnerRegion != "Yorkshire and The Humber" || ms[1].PartnerRegion != "North West" {
		t.Errorf("labels and regions: %+v / %q %q", ms[0].ScoreParts, ms[0].PartnerRegion, ms[1].PartnerRegion)
	}
	// Combined values: two known; one unknown, counted as 0 and said so.
	if ms[0].CombinedAnnualValuePence != 40_000_000 || ms[0].CombinedValueIncomplete {
		t.Errorf("Bradford combined %d (incomplete %v), want £400,000", ms[0].CombinedAnnualValuePence, ms[0].CombinedValueIncomplete)
	}
	if ms[3].CombinedAnnualValuePence != 20_000_000 || !ms[3].CombinedValueIncomplete {
		t.Errorf("Sheffield combined %d (incomplete %v), want £200,000 and incomplete", ms[3].CombinedAnnualValuePence, ms[3].CombinedValueIncomplete)
	}
	// The contract's total: its own £200,000 and each partner's once.
	total := models.CombinedValues(append(ms, ms[0]))[w.ids["L1"]]
	if total != (models.CombinedValue{Pence: 70_000_000, Partners: 4, Incomplete: true}) {
		t.Errorf("L1's total %+v, want £700,000 over 4 partners, incomplete", total)
	}
}

func TestPartnerMatchesExplainsPastAndSingularMonths(t *testing.T) {
	w := newPartnerWorld(t, pmRegisters)
	for _, tc := range []struct {
		contract string
		want     []string
	}{
		{"L2", []string{
			"Bradford also runs iTrent; their decision window opens in March 2028, one month after yours.",
			"York also runs iTrent; their decision window opens in March 2028, one month after yours.",
		}},
		{"L4", []string{
			"Bradford also has a contract for geographic information systems, with another supplier; their decision window opened in August 2026, 12 months before yours.",
			"Sheffield also has a contract for geographic information systems, with another supplier; their decision window opens in August 2028, 12 months after yours.",
		}},
		{"L5", []string{
			"Barnsley also runs Bartec Collective; their decision window opens in January 2027, four months after yours.",
			"Barnsley also runs Bartec Collective; their decision window opened in March 2026, six months before yours.",
		}},
		{"L6 expired", nil},
		{"L7 rolling", nil},
	} {
		ms := pmMatches(t, w, models.PartnerOptions{ContractID: w.ids[tc.contract]})
		if len(ms) != len(tc.want) {
			t.Errorf("%s: %d matches %v, want %d", tc.contract, len(ms), pmRows(w, ms), len(tc.want))
			continue
		}
		for i, m := range ms {
			if m.Explanation != tc.want[i] {
				t.Errorf("%s match %d explains\n%q, want\n%q", tc.contract, i, m.Explanation, tc.want[i])
			}
		}
	}
}

func TestPartnerMatchesOptions(t *testing.T) {
	w := newPartnerWorld(t, pmRegisters)
	// Three months: only York's, 10 days away, is close enough for L1; the
	// closeness part is over three months now (25 × (1 − 10 ÷ 91.3) = 22).
	ms := pmMatches(t, w, models.PartnerOptions{ContractID: w.ids["L1"], WindowMonths: 3})
	wantRows(t, pmRows(w, ms), []pmRow{{"L1", "Y1", "supplier", 75}})
	// The limit keeps the best.
	wantRows(t, pmRows(w, pmMatches(t, w, models.PartnerOptions{Limit: 1})), []pmRow{{"L2", "B2", "product", 98}})
	// A window out of range is the user's mistake.
	ctx := context.Background()
	officer := mustUserByEmail(t, w.db, testutil.OfficerEmail)
	for _, n := range []int{-1, 61} {
		_, err := w.db.PartnerMatches(ctx, officer, pmLeeds, models.PartnerOptions{WindowMonths: n})
		wantValidation(t, err, "window_months")
	}
	// Suppliers cannot read registers; an unknown council is not found.
	if _, err := w.db.PartnerMatches(ctx, mustUserByEmail(t, w.db, testutil.SupplierEmail), pmLeeds, models.PartnerOptions{}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier: %v, want forbidden", err)
	}
	_, err := w.db.PartnerMatches(ctx, officer, "E99999999", models.PartnerOptions{})
	wantNotFound(t, err)
	// Councillors read, and Bradford sees Leeds from its side.
	ms, err = w.db.PartnerMatches(ctx, mustUserByEmail(t, w.db, testutil.CouncillorEmail), pmBradford, models.PartnerOptions{ContractID: w.ids["B1"]})
	if err != nil || len(ms) != 5 || ms[0].PartnerGSS != pmLeeds || ms[1].PartnerGSS != pmLeeds || ms[2].PartnerName != "Allerdale" {
		t.Errorf("Bradford's B1: %v, %v", pmRows(w, ms), err)
	}
}

func TestExpressInterest(t *testing.T) {
	w := newPartnerWorld(t, pmRegisters)
	ctx := context.Background()
	officer := mustUserByEmail(t, w.db, testutil.OfficerEmail)
	eoi, created, err := w.db.ExpressInterest(ctx, officer, w.ids["L1"], w.ids["B1"], "  Shall we talk?  ")
	if err != nil || !created {
		t.Fatalf("express: %v (created %v)", err, created)
	}
	if eoi.FromGSS != pmLeeds || eoi.ToGSS != pmBradford || eoi.ToName != "Bradford" || eoi.Message != "Shall we talk?" ||
		eoi.ContractTitle != "L1" || eoi.PartnerContractTitle != "B1" || eoi.FromUserName != officer.Name {
		t.Errorf("expression %+v", eoi)
	}
	again, created, err := w.db.ExpressInterest(ctx, officer, w.ids["L1"], w.ids["B1"], "Again")
	if err != nil || created || again.ID != eoi.ID || count(t, w.db, "expressions_of_interest") != 1 {
		t.Errorf("again: %v, created %v, id %d (first %d)", err, created, again.ID, eoi.ID)
	}
	for _, tc := range []struct {
		name           string
		actor          models.User
		contract, with int64
		want           func(error) bool
	}{
		{"Bradford's officer for Leeds's contract", mustUserByEmail(t, w.db, testutil.Officer2Email), w.ids["L1"], w.ids["Y1"],
			func(err error) bool { return errors.Is(err, models.ErrForbidden) }},
		{"a councillor", mustUserByEmail(t, w.db, testutil.CouncillorEmail), w.ids["L1"], w.ids["Y1"],
			func(err error) bool { return errors.Is(err, models.ErrForbidden) }},
		{"its own contract", officer, w.ids["L1"], w.ids["L3"], func(err error) bool {
			var pub *models.PublicError
			return errors.As(err, &pub) && pub.Status == 422
		}},
		{"itself", officer, w.ids["L1"], w.ids["L1"], func(err error) bool {
			var pub *models.PublicError
			return errors.As(err, &pub) && pub.Status == 422
		}},
		{"no such contract", officer, w.ids["L1"], 999999, func(err error) bool { return errors.Is(err, models.ErrNotFound) }},
		{"a message too long", officer, w.ids["L1"], w.ids["Y1"], func(err error) bool {
			var verr *models.ValidationError
			return errors.As(err, &verr) && verr.Has("message")
		}},
	} {
		msg := ""
		if tc.name == "a message too long" {
			msg = strings.Repeat("x", models.MaxInterestMessage+1)
		}
		if _, _, err := w.db.ExpressInterest(ctx, tc.actor, tc.contract, tc.with, msg); !tc.want(err) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if n := count(t, w.db, "expressions_of_interest"); n != 1 {
		t.Errorf("%d expressions, want 1", n)
	}
	received, sent, err := w.db.ExpressionsOfInterest(ctx, mustUserByEmail(t, w.db, testutil.Officer2Email), pmBradford)
	if err != nil || len(received) != 1 || len(sent) != 0 || received[0].FromName != "Leeds" {
		t.Errorf("Bradford: received %+v, sent %+v, %v", received, sent, err)
	}
	received, sent, err = w.db.ExpressionsOfInterest(ctx, officer, pmLeeds)
	if err != nil || len(received) != 0 || len(sent) != 1 || sent[0].ToName != "Bradford" {
		t.Errorf("Leeds: received %+v, sent %+v, %v", received, sent, err)
	}
	officers, err := w.db.CouncilOfficers(ctx, pmBradford)
	if err != nil || len(officers) != 1 || officers[0].Email != testutil.Officer2Email {
		t.Errorf("Bradford's officers: %+v, %v", officers, err)
	}
}
