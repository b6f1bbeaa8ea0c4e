package models_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

const (
	ovYork        = "E06000014"
	ovSheffield   = "E08000019"
	ovWestminster = "E09000033"
	ovYorkshire   = "yorkshire-and-the-humber"
)

func ovDate(s string) models.Date {
	d, err := models.ParseISODate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func ovPounds(p int64) *int64 { v := p * 100; return &v }
func ovMonths(n int) *int     { return &n }

// overlapWorld is a hand-built register world on the test clock (21
// November 2026): Leeds, Bradford and York (Yorkshire), Sheffield, and
// Westminster (London), with known answers for every overlap.
type overlapWorld struct {
	db                              *models.DB
	openRevenues, capitaOne, paris  int64
	civica, capita                  int64
	officer, councillor, supplierUs models.User
}

func newOverlapWorld(t *testing.T) overlapWorld {
	t.Helper()
	app := testutil.NewApp(t)
	app.ClearRegisters(t)
	db := app.DB
	ctx := context.Background()
	if _, err := db.ImportCouncils(ctx, 0, strings.NewReader("gss_code,name,type,region\n"+ovWestminster+",Westminster,LBO,London\n")); err != nil {
		t.Fatal(err)
	}
	add := func(gss string, in models.ContractInput) models.Contract {
		t.Helper()
		k, err := db.CreateContract(ctx, models.System, gss, in)
		if err != nil {
			t.Fatalf("%s: %v", in.Title, err)
		}
		return k
	}
	civica := func(title string) models.ContractInput {
		return models.ContractInput{Title: title, SupplierName: "Civica UK Ltd", ProductName: "Civica OpenRevenues",
			CategorySlug: "revenues-benefits", NoticePeriodMonths: ovMonths(0)}
	}
	w := overlapWorld{db: db}
	// 1. Leeds: window 31 March 2027, the last day of Jan–Mar 2027.
	in := civica("Leeds revenues")
	in.AnnualValuePence, in.EndDate = ovPounds(100_000), ovDate("2027-12-31")
	k := add(leedsGSS, in)
	w.openRevenues, w.civica = k.ProductID, k.SupplierID
	// 2. Bradford: window 1 April 2027, the first day of Apr–Jun 2027.
	in = civica("Bradford revenues")
	in.AnnualValuePence, in.EndDate = ovPounds(50_000), ovDate("2028-01-01")
	add(bradfordGSS, in)
	// 3. Bradford: no annual value; runs to June 2027 but its window
	// (30 June 2026) has passed.
	in = civica("Bradford benefits module")
	in.EndDate, in.NoticePeriodMonths = ovDate("2027-06-30"), ovMonths(3)
	add(bradfordGSS, in)
	// 4. York: ended yesterday: left out.
	in = civica("York revenues (old)")
	in.AnnualValuePence, in.EndDate = ovPounds(30_000), ovDate("2026-11-20")
	add(ovYork, in)
	// 5. York: ends today: still current; window passed.
	in = civica("York revenues")
	in.AnnualValuePence, in.EndDate = ovPounds(20_000), ovDate("2026-11-21")
	add(ovYork, in)
	// 6. Westminster: ended, but extended to March 2029 as intended:
	// window 31 December 2027 (15 months before).
	in = civica("Westminster revenues")
	in.AnnualValuePence, in.EndDate, in.MaxExtensionDate, in.ExtensionIntended = ovPounds(200_000), ovDate("2025-03-31"), ovDate("2029-03-31"), true
	in.NoticePeriodMonths = ovMonths(6)
	add(ovWestminster, in)
	// 7. Westminster: Civica, another product, rolling (no end date).
	k = add(ovWestminster, models.ContractInput{Title: "Westminster payments", SupplierName: "Civica UK Ltd", ProductName: "Civica Paris",
		CategorySlug: "payments", AnnualValuePence: ovPounds(10_000)})
	w.paris = k.ProductID
	// 8. Leeds: Capita, window April 2039, beyond the timeline.
	k = add(leedsGSS, models.ContractInput{Title: "Leeds council tax", SupplierName: "Capita Business Services Ltd", ProductName: "Capita One Revenues",
		CategorySlug: "revenues-benefits", AnnualValuePence: ovPounds(70_000), EndDate: ovDate("2040-01-01"), NoticePeriodMonths: ovMonths(0)})
	w.capitaOne, w.capita = k.ProductID, k.SupplierID
	// 9. Sheffield: Capita CRM, ended: left out.
	add(ovSheffield, models.ContractInput{Title: "Sheffield CRM", SupplierName: "Capita Business Services Ltd", CategorySlug: "crm",
		AnnualValuePence: ovPounds(40_000), EndDate: ovDate("2026-01-01")})
	// 10. Leeds: ended; could extend to 2028 but does not mean to: left out.
	in = civica("Leeds old revenues")
	in.AnnualValuePence, in.EndDate, in.MaxExtensionDate = ovPounds(90_000), ovDate("2026-10-31"), ovDate("2028-10-31")
	add(leedsGSS, in)

	w.officer = mustUserByEmail(t, db, testutil.OfficerEmail)
	w.councillor = mustUserByEmail(t, db, testutil.CouncillorEmail)
	w.supplierUs = mustUserByEmail(t, db, testutil.SupplierEmail)
	return w
}

func (w overlapWorld) overlap(t *testing.T, q models.OverlapQuery) models.Overlap {
	t.Helper()
	o, err := w.db.Overlap(context.Background(), w.officer, q)
	if err != nil {
		t.Fatalf("%+v: %v", q, err)
	}
	return o
}

// councilRow is a council's line of an overlap, in short.
type councilRow struct {
	Name      string
	Contracts int
	Pounds    int64
}

func councilRows(o models.Overlap) []councilRow {
	var out []councilRow
	for _, c := range o.Councils {
		out = append(out, councilRow{c.Name, c.Contracts, c.AnnualSpendPence / 100})
	}
	return out
}

// nonEmpty is the timeline's buckets that hold contracts: key → count, £.
func nonEmpty(o models.Overlap) map[string][2]int64 {
	out := map[string][2]int64{}
	for _, b := range o.Timeline {
		if b.Contracts > 0 {
			out[b.Key] = [2]int64{int64(b.Contracts), b.AnnualSpendPence / 100}
		}
	}
	return out
}

func TestOverlapCounts(t *testing.T) {
	w := newOverlapWorld(t)
	cases := []struct {
		name     string
		q        models.OverlapQuery
		subject  models.OverlapSubject
		councils []councilRow
		totals   models.OverlapTotals // in pounds
		timeline map[string][2]int64
	}{
		{"product, national", models.OverlapQuery{ProductID: w.openRevenues},
			models.OverlapSubject{Kind: "product", ID: w.openRevenues, Name: "Civica OpenRevenues", SupplierID: w.civica, SupplierName: "Civica UK Ltd", CategorySlug: "revenues-benefits"},
			[]councilRow{{"Bradford", 2, 50_000}, {"Leeds", 1, 100_000}, {"Westminster", 1, 200_000}, {"York", 1, 20_000}},
			models.OverlapTotals{Councils: 4, Contracts: 5, AnnualSpendPence: 370_000, NoAnnualValue: 1},
			map[string][2]int64{"passed": {2, 20_000}, "2027-Q1": {1, 100_000}, "2027-Q2": {1, 50_000}, "2027-Q4": {1, 200_000}}},
		{"product, own region", models.OverlapQuery{ProductID: w.openRevenues, RegionSlug: ovYorkshire},
			models.OverlapSubject{Kind: "product", ID: w.openRevenues, Name: "Civica OpenRevenues", SupplierID: w.civica, SupplierName: "Civica UK Ltd", CategorySlug: "revenues-benefits"},
			[]councilRow{{"Bradford", 2, 50_000}, {"Leeds", 1, 100_000}, {"York", 1, 20_000}},
			models.OverlapTotals{Councils: 3, Contracts: 4, AnnualSpendPence: 170_000, NoAnnualValue: 1},
			map[string][2]int64{"passed": {2, 20_000}, "2027-Q1": {1, 100_000}, "2027-Q2": {1, 50_000}}},
		{"product, metropolitan districts", models.OverlapQuery{ProductID: w.openRevenues, CouncilType: "MD"},
			models.OverlapSubject{Kind: "product", ID: w.openRevenues, Name: "Civica OpenRevenues", SupplierID: w.civica, SupplierName: "Civica UK Ltd", CategorySlug: "revenues-benefits"},
			[]councilRow{{"Bradford", 2, 50_000}, {"Leeds", 1, 100_000}},
			models.OverlapTotals{Councils: 2, Contracts: 3, AnnualSpendPence: 150_000, NoAnnualValue: 1},
			map[string][2]int64{"passed": {1, 0}, "2027-Q1": {1, 100_000}, "2027-Q2": {1, 50_000}}},
		{"product, London boroughs in Yorkshire", models.OverlapQuery{ProductID: w.openRevenues, RegionSlug: ovYorkshire, CouncilType: "LBO"},
			models.OverlapSubject{Kind: "product", ID: w.openRevenues, Name: "Civica OpenRevenues", SupplierID: w.civica, SupplierName: "Civica UK Ltd", CategorySlug: "revenues-benefits"},
			nil, models.OverlapTotals{}, map[string][2]int64{}},
		{"supplier, national: a rolling contract has no window", models.OverlapQuery{SupplierID: w.civica},
			models.OverlapSubject{Kind: "supplier", ID: w.civica, Name: "Civica UK Ltd"},
			[]councilRow{{"Bradford", 2, 50_000}, {"Leeds", 1, 100_000}, {"Westminster", 2, 210_000}, {"York", 1, 20_000}},
			models.OverlapTotals{Councils: 4, Contracts: 6, AnnualSpendPence: 380_000, NoAnnualValue: 1, NoDecisionWindow: 1},
			map[string][2]int64{"passed": {2, 20_000}, "2027-Q1": {1, 100_000}, "2027-Q2": {1, 50_000}, "2027-Q4": {1, 200_000}}},
		{"supplier whose only other contract ended", models.OverlapQuery{SupplierID: w.capita},
			models.OverlapSubject{Kind: "supplier", ID: w.capita, Name: "Capita Business Services Ltd"},
			[]councilRow{{"Leeds", 1, 70_000}},
			models.OverlapTotals{Councils: 1, Contracts: 1, AnnualSpendPence: 70_000},
			map[string][2]int64{"later": {1, 70_000}}},
		{"category, national", models.OverlapQuery{CategorySlug: "revenues-benefits"},
			models.OverlapSubject{Kind: "category", Slug: "revenues-benefits", Name: "Revenues and benefits", CategorySlug: "revenues-benefits"},
			[]councilRow{{"Bradford", 2, 50_000}, {"Leeds", 2, 170_000}, {"Westminster", 1, 200_000}, {"York", 1, 20_000}},
			models.OverlapTotals{Councils: 4, Contracts: 6, AnnualSpendPence: 440_000, NoAnnualValue: 1},
			map[string][2]int64{"passed": {2, 20_000}, "2027-Q1": {1, 100_000}, "2027-Q2": {1, 50_000}, "2027-Q4": {1, 200_000}, "later": {1, 70_000}}},
		{"category with only ended contracts", models.OverlapQuery{CategorySlug: "crm"},
			models.OverlapSubject{Kind: "category", Slug: "crm", Name: "Customer relationship management", CategorySlug: "crm"},
			nil, models.OverlapTotals{}, map[string][2]int64{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := w.overlap(t, tc.q)
			if o.Subject != tc.subject {
				t.Errorf("subject %+v, want %+v", o.Subject, tc.subject)
			}
			if got := councilRows(o); !reflect.DeepEqual(got, tc.councils) {
				t.Errorf("councils %+v, want %+v", got, tc.councils)
			}
			got := o.Totals
			got.AnnualSpendPence /= 100
			if got != tc.totals {
				t.Errorf("totals %+v, want %+v", got, tc.totals)
			}
			if got := nonEmpty(o); !reflect.DeepEqual(got, tc.timeline) {
				t.Errorf("timeline %v, want %v", got, tc.timeline)
			}
			if !o.Query.Today.IsZero() && o.Query.Today != ovDate("2026-11-21") {
				t.Errorf("today %s, want the clock's 2026-11-21", o.Query.Today)
			}
		})
	}
}

// TestOverlapTimelineBuckets: passed first, then twenty quarters from the
// current one, then later; each labelled as pages show them.
func TestOverlapTimelineBuckets(t *testing.T) {
	w := newOverlapWorld(t)
	o := w.overlap(t, models.OverlapQuery{ProductID: w.openRevenues})
	if len(o.Timeline) != 22 {
		t.Fatalf("%d buckets, want 22", len(o.Timeline))
	}
	want := []struct{ key, label string }{
		{"passed", "Already passed"}, {"2026-Q4", "Oct–Dec 2026"}, {"2027-Q1", "Jan–Mar 2027"}, {"2027-Q2", "Apr–Jun 2027"},
	}
	for i, w := range want {
		if b := o.Timeline[i]; b.Key != w.key || b.Label != w.label {
			t.Errorf("bucket %d: %q %q, want %q %q", i, b.Key, b.Label, w.key, w.label)
		}
	}
	if b := o.Timeline[20]; b.Key != "2031-Q3" || b.Label != "Jul–Sep 2031" {
		t.Errorf("last quarter %q %q, want 2031-Q3 Jul–Sep 2031", b.Key, b.Label)
	}
	if b := o.Timeline[21]; b.Key != "later" || b.Label != "After September 2031" {
		t.Errorf("last bucket %q %q, want later, After September 2031", b.Key, b.Label)
	}

	// Standing on other days moves the buckets: on 1 April 2027 York's contract has ended, the Leeds
	// window (31 March) has passed and Bradford's (1 April) is today.
	o = w.overlap(t, models.OverlapQuery{ProductID: w.openRevenues, Today: ovDate("2027-04-01")})
	if o.Timeline[1].Key != "2027-Q2" {
		t.Errorf("first quarter on 1 April 2027: %q, want 2027-Q2", o.Timeline[1].Key)
	}
	if got, want := nonEmpty(o), map[string][2]int64{"passed": {2, 100_000}, "2027-Q2": {1, 50_000}, "2027-Q4": {1, 200_000}}; !reflect.DeepEqual(got, want) {
		t.Errorf("on 1 April 2027: %v, want %v", got, want)
	}
	// After York's contract ends (22 November 2026) it is left out.
	o = w.overlap(t, models.OverlapQuery{ProductID: w.openRevenues, Today: ovDate("2026-11-22")})
	if o.Totals.Contracts != 4 || o.Totals.Councils != 3 {
		t.Errorf("on 22 November 2026: %+v, want 3 councils, 4 contracts", o.Totals)
	}
}

func TestQuarters(t *testing.T) {
	for _, tc := range []struct{ date, start, label string }{
		{"2027-03-31", "2027-01-01", "Jan–Mar 2027"},
		{"2027-04-01", "2027-04-01", "Apr–Jun 2027"},
		{"2026-12-31", "2026-10-01", "Oct–Dec 2026"},
		{"2027-08-15", "2027-07-01", "Jul–Sep 2027"},
	} {
		d := ovDate(tc.date)
		if got := models.QuarterStart(d).String(); got != tc.start {
			t.Errorf("QuarterStart(%s) = %s, want %s", tc.date, got, tc.start)
		}
		if got := models.QuarterLabel(d); got != tc.label {
			t.Errorf("QuarterLabel(%s) = %q, want %q", tc.date, got, tc.label)
		}
	}
}

func TestOverlapRefusals(t *testing.T) {
	w := newOverlapWorld(t)
	ctx := context.Background()
	if _, err := w.db.Overlap(ctx, w.supplierUs, models.OverlapQuery{ProductID: w.openRevenues}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier: %v, want ErrForbidden", err)
	}
	if _, err := w.db.MostSharedProducts(ctx, w.supplierUs, models.OverlapScope{}, 5); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier, most shared: %v, want ErrForbidden", err)
	}
	if _, err := w.db.Overlap(ctx, w.councillor, models.OverlapQuery{ProductID: w.openRevenues}); err != nil {
		t.Errorf("councillor: %v", err)
	}
	for _, tc := range []struct {
		q      models.OverlapQuery
		fields []string
	}{
		{models.OverlapQuery{}, []string{"product", "supplier", "category"}},
		{models.OverlapQuery{ProductID: w.openRevenues, SupplierID: w.civica}, []string{"product", "supplier", "category"}},
		{models.OverlapQuery{ProductID: w.openRevenues, RegionSlug: "atlantis"}, []string{"region"}},
		{models.OverlapQuery{ProductID: w.openRevenues, CouncilType: "XYZ"}, []string{"type"}},
		{models.OverlapQuery{SupplierID: -1}, []string{"supplier"}},
	} {
		_, err := w.db.Overlap(ctx, w.officer, tc.q)
		if got := validationFields(t, err); !reflect.DeepEqual(got, tc.fields) {
			t.Errorf("%+v: fields %q, want %q", tc.q, got, tc.fields)
		}
	}
	for _, q := range []models.OverlapQuery{{ProductID: 999999}, {SupplierID: 999999}, {CategorySlug: "no-such-category"}} {
		if _, err := w.db.Overlap(ctx, w.officer, q); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%+v: %v, want ErrNotFound", q, err)
		}
	}
}

func TestMostShared(t *testing.T) {
	w := newOverlapWorld(t)
	ctx := context.Background()
	type row struct {
		Name                string
		Councils, Contracts int
	}
	rowsOf := func(list []models.SharedSubject, err error) []row {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []row
		for _, s := range list {
			out = append(out, row{s.Name, s.Councils, s.Contracts})
		}
		return out
	}
	national := models.OverlapScope{}
	for _, tc := range []struct {
		name string
		got  []row
		want []row
	}{
		{"products", rowsOf(w.db.MostSharedProducts(ctx, w.officer, national, 10)),
			[]row{{"Civica OpenRevenues", 4, 5}, {"Capita One Revenues", 1, 1}, {"Civica Paris", 1, 1}}},
		{"products, top 1", rowsOf(w.db.MostSharedProducts(ctx, w.officer, national, 1)), []row{{"Civica OpenRevenues", 4, 5}}},
		{"suppliers", rowsOf(w.db.MostSharedSuppliers(ctx, w.officer, national, 10)),
			[]row{{"Civica UK Ltd", 4, 6}, {"Capita Business Services Ltd", 1, 1}}},
		{"categories", rowsOf(w.db.MostSharedCategories(ctx, w.officer, national, 10)),
			[]row{{"Revenues and benefits", 4, 6}, {"Payments and income management", 1, 1}}},
		{"suppliers in Yorkshire", rowsOf(w.db.MostSharedSuppliers(ctx, w.officer, models.OverlapScope{RegionSlug: ovYorkshire}, 10)),
			[]row{{"Civica UK Ltd", 3, 4}, {"Capita Business Services Ltd", 1, 1}}},
		{"products of London boroughs", rowsOf(w.db.MostSharedProducts(ctx, w.officer, models.OverlapScope{CouncilType: "LBO"}, 10)),
			[]row{{"Civica OpenRevenues", 1, 1}, {"Civica Paris", 1, 1}}},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
	products, err := w.db.MostSharedProducts(ctx, w.officer, national, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p := products[0]; p.Kind != "product" || p.ID != w.openRevenues || p.SupplierID != w.civica || p.SupplierName != "Civica UK Ltd" {
		t.Errorf("top product %+v", p)
	}
	cats, err := w.db.MostSharedCategories(ctx, w.officer, national, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c := cats[0]; c.Kind != "category" || c.Slug != "revenues-benefits" {
		t.Errorf("top category %+v", c)
	}
}

// BenchmarkOverlap measures overlaps at national scale: a big category
// nationally, a product in one region, and the overlaps index's lists.
//
//	go test -tags sqlite_fts5 -run '^$' -bench Overlap -benchmem ./models/
func BenchmarkOverlap(b *testing.B) {
	for _, n := range []int{50_000, 400_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			db, _ := testutil.SeededDB(b)
			testutil.LoadNationalScale(b, db, n)
			benchmarkOverlap(b, db)
		})
	}
}

func benchmarkOverlap(b *testing.B, db *models.DB) {
	ctx := context.Background()
	officer := mustUserByEmail(b, db, testutil.OfficerEmail)
	civica := supplierIDByName(b, db, "Civica UK Ltd")
	// The product most councils run nationally.
	var product int64
	if err := db.R.QueryRow(`SELECT product_id FROM contracts WHERE product_id IS NOT NULL
		GROUP BY product_id ORDER BY count(DISTINCT council_gss) DESC, product_id LIMIT 1`).Scan(&product); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		q    models.OverlapQuery
	}{
		{"category/national", models.OverlapQuery{CategorySlug: "revenues-benefits"}},
		{"category/region", models.OverlapQuery{CategorySlug: "revenues-benefits", RegionSlug: ovYorkshire}},
		{"supplier/national_largest", models.OverlapQuery{SupplierID: civica}},
		{"product/national", models.OverlapQuery{ProductID: product}},
		{"product/region", models.OverlapQuery{ProductID: product, RegionSlug: ovYorkshire}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				o, err := db.Overlap(ctx, officer, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				if o.Totals.Contracts == 0 {
					b.Fatalf("%+v: no contracts", tc.q)
				}
			}
		})
	}
	for _, scope := range []struct {
		name string
		s    models.OverlapScope
	}{{"national", models.OverlapScope{}}, {"region", models.OverlapScope{RegionSlug: ovYorkshire}}} {
		b.Run("index/"+scope.name, func(b *testing.B) {
			for b.Loop() {
				for _, list := range []func(context.Context, models.User, models.OverlapScope, int) ([]models.SharedSubject, error){
					db.MostSharedProducts, db.MostSharedSuppliers, db.MostSharedCategories,
				} {
					if got, err := list(ctx, officer, scope.s, 10); err != nil || len(got) == 0 {
						b.Fatalf("%d, %v", len(got), err)
					}
				}
			}
		})
	}
}
