package models_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"jointly/data"
	"jointly/models"
	"jointly/testutil"
)

// demoToday is the date the demo registers are written for (testutil.Now).
var demoToday = models.DateOf(testutil.Now)

func TestSeedDemoRegisters(t *testing.T) {
	db, _, ctx := seeded(t)
	admin := mustUserByEmail(t, db, testutil.AdminEmail)
	councils, err := db.Councils(ctx, models.CouncilFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(councils) != 15 {
		t.Fatalf("%d councils, want the 15 demo councils", len(councils))
	}
	for _, c := range councils {
		page, err := db.Contracts(ctx, admin, models.ContractFilter{CouncilGSS: c.GSSCode})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total < 35 || page.Total > 45 {
			t.Errorf("%s has %d contracts, want 35 to 45", c.Name, page.Total)
		}
	}

	cats, err := db.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, c := range cats {
		known[c.Slug] = true
	}
	used := map[string]bool{}
	all := allContracts(t, db, admin)
	var noEnd, legacy, extendedTwice, intended int
	for _, c := range all {
		if !known[c.CategorySlug] {
			t.Errorf("%s: category %q is not in the taxonomy", c.Reference, c.CategorySlug)
		}
		used[c.CategorySlug] = true
		if c.AnnualValuePence == nil || *c.AnnualValuePence <= 0 {
			t.Errorf("%s: annual value %v, want positive", c.Reference, c.AnnualValuePence)
		}
		if c.TotalValuePence != nil && *c.TotalValuePence <= 0 {
			t.Errorf("%s: total value %d, want positive", c.Reference, *c.TotalValuePence)
		}
		if c.StartDate.IsZero() || !c.StartDate.Before(demoToday) {
			t.Errorf("%s: start date %q, want one in the past", c.Reference, c.StartDate)
		}
		if c.NoticePeriodMonths == nil || *c.NoticePeriodMonths < 3 || *c.NoticePeriodMonths > 12 {
			t.Errorf("%s: notice period %v, want 3 to 12 months", c.Reference, c.NoticePeriodMonths)
		}
		if !strings.Contains(c.Reference, "-ICT-") {
			t.Errorf("reference %q, want one like LCC-ICT-0012", c.Reference)
		}
		switch {
		case c.EndDate.IsZero():
			noEnd++
			if !c.DecisionWindow.IsZero() {
				t.Errorf("%s: rolling contract has decision window %s", c.Reference, c.DecisionWindow)
			}
		case c.EndDate.After(demoToday.AddMonths(61)):
			t.Errorf("%s: end date %s, want within five years", c.Reference, c.EndDate)
		}
		if c.Hosting == models.HostingOnPremises && !c.EndOfSupportDate.IsZero() && c.EndOfSupportDate.Before(demoToday) {
			legacy++
		}
		if c.TimesExtended > 1 {
			extendedTwice++
		}
		if c.ExtensionIntended {
			intended++
		}
	}
	if len(used) != len(cats) {
		t.Errorf("the registers use %d of the %d categories", len(used), len(cats))
	}
	for name, n := range map[string]int{
		"rolling contracts (no end date)":           noEnd,
		"on-premises systems past end of support":   legacy,
		"contracts extended more than once":         extendedTwice,
		"contracts whose council intends to extend": intended,
		"contracts that expired in 2025 or 2026":    expiredRecently(all),
	} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}

	// Discovery needs overlaps: a product run by at least five councils
	// whose decision windows fall within twelve months of each other.
	if p, n := bestOverlap(all); n < 5 {
		t.Errorf("best overlap is %d councils (%s), want a product with at least 5 councils deciding within 12 months", n, p)
	} else {
		t.Logf("best overlap: %d councils on %s", n, p)
	}
}

func expiredRecently(all []models.Contract) int {
	n := 0
	for _, c := range all {
		if !c.EndDate.IsZero() && c.EndDate.Before(demoToday) && c.EndDate.After(models.NewDate(2024, 12, 31)) {
			n++
		}
	}
	return n
}

// bestOverlap finds the product with the most councils whose decision
// windows fall within twelve months of each other.
func bestOverlap(all []models.Contract) (string, int) {
	windows := map[string]map[string]models.Date{} // product → council → window
	for _, c := range all {
		if c.ProductID == 0 || c.DecisionWindow.IsZero() {
			continue
		}
		key := c.ProductName + " (" + c.SupplierName + ")"
		if windows[key] == nil {
			windows[key] = map[string]models.Date{}
		}
		windows[key][c.CouncilGSS] = c.DecisionWindow
	}
	best, bestN := "", 0
	for key, byCouncil := range windows {
		var ds []models.Date
		for _, d := range byCouncil {
			ds = append(ds, d)
		}
		slices.SortFunc(ds, func(a, b models.Date) int { return a.Time().Compare(b.Time()) })
		for i := range ds {
			n := 0
			for j := i; j < len(ds) && !ds[j].After(ds[i].AddMonths(12)); j++ {
				n++
			}
			if n > bestN || n == bestN && key < best {
				best, bestN = key, n
			}
		}
	}
	return best, bestN
}

func allContracts(t testing.TB, db *models.DB, viewer models.User) []models.Contract {
	t.Helper()
	var out []models.Contract
	f := models.ContractFilter{Limit: 500}
	for {
		page, err := db.Contracts(context.Background(), viewer, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Contracts...)
		if page.NextAfter == 0 {
			return out
		}
		f.AfterID = page.NextAfter
	}
}

// registerDump is every stored contract and product, as text, for
// comparing two databases.
func registerDump(t testing.TB, db *models.DB) string {
	t.Helper()
	var s string
	err := db.W.QueryRow(`SELECT
		(SELECT group_concat(x, char(10)) FROM (SELECT json_array(c.council_gss, c.reference, c.title, c.department, c.description,
			s.name, s.companies_house_number, p.name, c.category_slug, c.total_value_pence, c.annual_value_pence, c.start_date, c.end_date,
			c.review_date, c.max_extension_date, c.extension_intended, c.times_extended, c.notice_period_months, c.procurement_route,
			c.sme, c.hosting, c.end_of_support_date, c.notes, c.decision_window_date, c.updated_at) AS x
			FROM contracts c JOIN suppliers s ON s.id = c.supplier_id LEFT JOIN products p ON p.id = c.product_id
			ORDER BY c.council_gss, c.reference))
		|| (SELECT group_concat(x, char(10)) FROM (SELECT json_array(s.name, p.name, p.category_slug, p.end_of_support_date) AS x
			FROM products p JOIN suppliers s ON s.id = p.supplier_id ORDER BY s.name, p.name))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeedDemoRegistersAreIdempotentAndDeterministic(t *testing.T) {
	db, _, ctx := seeded(t)
	contracts, changes, suppliers, products := count(t, db, "contracts"), count(t, db, "contract_changes"), count(t, db, "suppliers"), count(t, db, "products")
	if changes != contracts {
		t.Errorf("%d history entries for %d contracts, want one each", changes, contracts)
	}
	before := registerDump(t, db)
	if _, err := db.SeedDemo(ctx, data.Seed); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"contracts": contracts, "contract_changes": changes, "suppliers": suppliers, "products": products} {
		if n := count(t, db, table); n != want {
			t.Errorf("%s: %d after seeding again, want %d", table, n, want)
		}
	}
	if after := registerDump(t, db); after != before {
		t.Error("seeding again changed the registers")
	}
	// Another database seeded from scratch holds the same registers.
	other, _ := testutil.NewDB(t)
	if _, err := other.SeedDemo(ctx, data.Seed); err != nil {
		t.Fatal(err)
	}
	if registerDump(t, other) != before {
		t.Error("two fresh seeds differ")
	}
}

// Reseeding puts an edited demo contract back as the seed has it, and
// the history says so: the seed upserts, it does not merge.
func TestSeedDemoRestoresEditedContracts(t *testing.T) {
	db, _, ctx := seeded(t)
	officer := mustUserByEmail(t, db, testutil.OfficerEmail)
	page, err := db.Contracts(ctx, officer, models.ContractFilter{CouncilGSS: leedsGSS, Limit: 1})
	if err != nil || len(page.Contracts) != 1 {
		t.Fatalf("Leeds register: %v, %+v", err, page)
	}
	c := page.Contracts[0]
	in := models.ContractInput{Reference: c.Reference, Title: "Renamed", SupplierID: c.SupplierID, ProductID: c.ProductID, CategorySlug: c.CategorySlug}
	if _, err := db.UpdateContract(ctx, officer, c.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SeedDemo(ctx, data.Seed); err != nil {
		t.Fatal(err)
	}
	got, err := db.ContractByID(ctx, officer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != c.Title || got.AnnualValuePence == nil || *got.AnnualValuePence != *c.AnnualValuePence {
		t.Errorf("after reseeding: %q, %v; want %q, %d", got.Title, got.AnnualValuePence, c.Title, *c.AnnualValuePence)
	}
	hist, err := db.ContractHistory(ctx, officer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || hist[0].Source != "seed" || hist[1].Source != "manual" {
		t.Errorf("history %+v, want create, manual update, seed update", hist)
	}
}

func TestSeedDemoBadRegisters(t *testing.T) {
	db, _ := testutil.NewDB(t)
	ctx := context.Background()
	good := fstest.MapFS{}
	err := fs.WalkDir(data.Seed, "seed", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := data.Seed.ReadFile(path)
		good[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	replace := func(name, old, new string) fstest.MapFS {
		fsys := fstest.MapFS{}
		for k, v := range good {
			fsys[k] = v
		}
		text := string(good[name].Data)
		if !strings.Contains(text, old) {
			t.Fatalf("%s has no %q", name, old)
		}
		fsys[name] = &fstest.MapFile{Data: []byte(strings.Replace(text, old, new, 1))}
		return fsys
	}
	for name, fsys := range map[string]fstest.MapFS{
		"unknown product":              replace("seed/estates.csv", ",openrevenues,", ",open-revenues,"),
		"unknown category":             replace("seed/estates.csv", ",revenues-benefits,Revenues", ",revs,Revenues"),
		"council column missing":       replace("seed/estates.csv", ",CYC\n", ",York\n"),
		"supplier numbers disagree":    replace("seed/products.csv", "Civica Tranman,Civica UK Ltd,01628868", "Civica Tranman,Civica UK Ltd,01628869"),
		"bad company number":           replace("seed/products.csv", "01628868", "1628868"),
		"bad hosting":                  replace("seed/products.csv", "on_premises|hosted", "on-prem|hosted"),
		"bad anchor":                   replace("seed/products.csv", "2027-07,5", "July 2027,5"),
		"council without a population": replace("seed/register_councils.csv", "LCC,822000", "LCC,"),
	} {
		if _, err := db.SeedDemo(ctx, fsys); err == nil {
			t.Errorf("%s: SeedDemo succeeded", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if n := count(t, db, "contracts"); n != 0 {
		t.Errorf("%d contracts after failed seeds, want 0 (bad seed files are refused before writing)", n)
	}
}
