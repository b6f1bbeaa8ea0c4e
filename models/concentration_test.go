package models_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

func TestHHIReading(t *testing.T) {
	for hhi, want := range map[int]string{
		0: "not concentrated", 1499: "not concentrated", 1500: "moderately concentrated", 2000: "moderately concentrated",
		2500: "moderately concentrated", 2501: "highly concentrated", 4600: "highly concentrated", 10000: "highly concentrated",
	} {
		if got := models.HHIReading(hhi); got != want {
			t.Errorf("HHIReading(%d) = %q, want %q", hhi, got, want)
		}
	}
}

// concentrationFixture: in revenues and benefits, Alpha holds Leeds and
// Bradford (£4,000 + £2,000 a year, plus a contract with no annual
// value), Beta Bradford (£3,000), Gamma Barnsley (£1,000, and an expired
// £50,000 that no longer counts), Delta Allerdale in the North West
// (£10,000). Housing: five suppliers at £1,000 each, one council each,
// created out of alphabetical order. Adults' social care: two suppliers,
// no annual values. Children's social care: ten suppliers at £500.
func concentrationFixture(t *testing.T) *testutil.App {
	app, mk := discoveryFixture(t)
	n := 0
	add := func(gss, supplier, cat string, annual int64, end string) {
		n++
		in := models.ContractInput{Reference: fmt.Sprintf("C%d", n), SupplierName: supplier, CategorySlug: cat, EndDate: lgDate(end)}
		if annual > 0 {
			p := annual * 100
			in.AnnualValuePence = &p
		}
		mk(gss, in)
	}
	rb := "revenues-benefits"
	add(leedsGSS, "Alpha Ltd", rb, 4000, "2028-01-01")
	add(bradfordGSS, "Alpha Ltd", rb, 2000, "2026-11-21") // ends today: still current
	add(leedsGSS, "Alpha Ltd", rb, 0, "2029-01-01")
	add(bradfordGSS, "Beta Ltd", rb, 3000, "2030-01-01")
	add(lgBarnsley, "Gamma Ltd", rb, 1000, "2027-01-01")
	add(lgCalderdale, "Gamma Ltd", rb, 50000, "2026-11-20") // expired yesterday
	add(lgAllerdale, "Delta Ltd", rb, 10000, "2027-06-01")
	for _, s := range []string{"Echo", "Bravo", "Delta", "Alpha", "Charlie"} {
		add(lgBarnsley, s+" Housing Ltd", "housing-management", 1000, "2028-01-01")
	}
	add(leedsGSS, "Care One Ltd", "adult-social-care", 0, "2028-01-01")
	add(bradfordGSS, "Care Two Ltd", "adult-social-care", 0, "2028-01-01")
	for i := range 10 {
		add(leedsGSS, fmt.Sprintf("Kids %02d Ltd", i), "childrens-social-care", 500, "2028-01-01")
	}
	return app
}

type shareRow struct {
	Supplier           string
	Councils, Contacts int
	Spend              int64
	CouncilPct         float64
	SpendPct           float64
}

func shareRows(c models.Concentration) []shareRow {
	var out []shareRow
	pct := func(f float64) float64 { return math.Round(f*10000) / 100 }
	for _, s := range c.Shares {
		out = append(out, shareRow{s.SupplierName, s.Councils, s.Contracts, s.SpendPence, pct(s.CouncilShare), pct(s.SpendShare)})
	}
	return out
}

func TestConcentration(t *testing.T) {
	app := concentrationFixture(t)
	ctx := context.Background()
	officer := mustUserByEmail(t, app.DB, testutil.OfficerEmail)
	get := func(cat, region string) models.Concentration {
		t.Helper()
		c, err := app.DB.Concentration(ctx, officer, cat, region)
		if err != nil {
			t.Fatalf("%s %s: %v", cat, region, err)
		}
		return c
	}

	// Yorkshire: spend 60/30/10 → 3,600 + 900 + 100 = 4,600.
	y := get("revenues-benefits", "yorkshire-and-the-humber")
	if y.HHI != 4600 || !y.HasHHI || y.Reading != "highly concentrated" || y.Councils != 3 || y.Contracts != 5 || y.SpendPence != 1_000_000 ||
		y.Region.Name != "Yorkshire and The Humber" || y.Category.Name != "Revenues and benefits" {
		t.Errorf("Yorkshire: %+v", y)
	}
	want := []shareRow{
		{"Alpha Ltd", 2, 3, 600_000, 66.67, 60},
		{"Beta Ltd", 1, 1, 300_000, 33.33, 30},
		{"Gamma Ltd", 1, 1, 100_000, 33.33, 10},
	}
	if got := shareRows(y); !reflect.DeepEqual(got, want) {
		t.Errorf("Yorkshire shares:\n got %v\nwant %v", got, want)
	}

	// Nationally Delta's £10,000 joins: 50/30/15/5 → 2,500 + 900 + 225 + 25.
	n := get("revenues-benefits", "")
	if n.HHI != 3650 || n.Reading != "highly concentrated" || n.Councils != 4 || n.Region != (models.Region{}) {
		t.Errorf("national: %+v", n)
	}
	if got := shareRows(n); got[0].Supplier != "Delta Ltd" || got[0].SpendPct != 50 || got[0].CouncilPct != 25 || got[1].CouncilPct != 50 {
		t.Errorf("national shares: %v", got)
	}

	// North West: one supplier has it all.
	if nw := get("revenues-benefits", "north-west"); nw.HHI != 10000 || len(nw.Shares) != 1 || nw.Councils != 1 {
		t.Errorf("North West: %+v", nw)
	}

	// Five equal shares → 5 × 20² = 2,000; ties by name.
	h := get("housing-management", "")
	if h.HHI != 2000 || h.Reading != "moderately concentrated" {
		t.Errorf("housing: %+v", h)
	}
	var names []string
	for _, s := range h.Shares {
		names = append(names, s.SupplierName)
	}
	if want := []string{"Alpha Housing Ltd", "Bravo Housing Ltd", "Charlie Housing Ltd", "Delta Housing Ltd", "Echo Housing Ltd"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ties: got %v, want %v", names, want)
	}

	// Ten equal shares → 1,000.
	if k := get("childrens-social-care", ""); k.HHI != 1000 || k.Reading != "not concentrated" || k.Councils != 1 || k.Shares[0].CouncilShare != 1 {
		t.Errorf("children's: %+v", k)
	}

	// No spend recorded: no index, but shares of councils.
	a := get("adult-social-care", "")
	if a.HasHHI || a.HHI != 0 || a.Reading != "not enough data" || a.Councils != 2 || len(a.Shares) != 2 ||
		a.Shares[0].CouncilShare != 0.5 || a.Shares[0].SpendShare != 0 {
		t.Errorf("adults': %+v", a)
	}

	// Nobody buys in a category: nothing, and not an error.
	if e := get("waste", ""); e.Councils != 0 || e.HasHHI || e.Reading != "not enough data" || len(e.Shares) != 0 {
		t.Errorf("empty category: %+v", e)
	}

	if _, err := app.DB.Concentration(ctx, officer, "no-such-category", ""); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown category: %v", err)
	}
	if _, err := app.DB.Concentration(ctx, officer, "revenues-benefits", "atlantis"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown region: %v", err)
	}
	supplier := mustUserByEmail(t, app.DB, testutil.SupplierEmail)
	if _, err := app.DB.Concentration(ctx, supplier, "revenues-benefits", ""); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier: %v", err)
	}
	if _, err := app.DB.ConcentrationOverview(ctx, supplier, ""); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier overview: %v", err)
	}
}

func TestConcentrationOverview(t *testing.T) {
	app := concentrationFixture(t)
	ctx := context.Background()
	officer := mustUserByEmail(t, app.DB, testutil.OfficerEmail)
	type line struct {
		Slug     string
		HHI      int
		Reading  string
		Councils int
		Top      string
		TopPct   float64
	}
	overview := func(region string) []line {
		t.Helper()
		got, err := app.DB.ConcentrationOverview(ctx, officer, region)
		if err != nil {
			t.Fatal(err)
		}
		var out []line
		for _, c := range got {
			out = append(out, line{c.Category.Slug, c.HHI, c.Reading, c.Councils, c.TopSupplier, math.Round(c.TopShare * 100)})
		}
		return out
	}
	want := []line{
		{"revenues-benefits", 3650, "highly concentrated", 4, "Delta Ltd", 50},
		{"housing-management", 2000, "moderately concentrated", 1, "Alpha Housing Ltd", 20},
		{"childrens-social-care", 1000, "not concentrated", 1, "Kids 00 Ltd", 10},
		{"adult-social-care", 0, "not enough data", 2, "", 0},
	}
	if got := overview(""); !reflect.DeepEqual(got, want) {
		t.Errorf("national:\n got %v\nwant %v", got, want)
	}
	want = []line{{"revenues-benefits", 10000, "highly concentrated", 1, "Delta Ltd", 100}}
	if got := overview("north-west"); !reflect.DeepEqual(got, want) {
		t.Errorf("North West:\n got %v\nwant %v", got, want)
	}
	if got := overview("yorkshire-and-the-humber"); got[0].HHI != 4600 || got[0].Top != "Alpha Ltd" {
		t.Errorf("Yorkshire: %v", got)
	}
	if _, err := app.DB.ConcentrationOverview(ctx, officer, "atlantis"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown region: %v", err)
	}
}
