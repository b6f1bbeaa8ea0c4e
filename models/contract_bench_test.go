package models_test

import (
	"context"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// BenchmarkRegister measures the register's queries (models.Contracts:
// count plus one page) at national scale: the demo seed plus 400,000
// contracts over every UK council. Loading takes a while; run with:
//
//	go test -tags sqlite_fts5 -run '^$' -bench Register -benchmem ./models/
func BenchmarkRegister(b *testing.B) {
	db, _ := testutil.SeededDB(b)
	testutil.LoadNationalScale(b, db, 400_000)
	benchmarkRegister(b, db)
}

func benchmarkRegister(b *testing.B, db *models.DB) {
	ctx := context.Background()
	officer := mustUserByEmail(b, db, testutil.OfficerEmail)
	today := models.DateOf(testutil.Now)
	civica := supplierIDByName(b, db, "Civica UK Ltd")

	// Cursors: the start and the middle of Leeds's register, and the
	// middle of the national one, as the API's next_cursor would give.
	var leedsFirst, leedsMiddle, nationalMiddle int64
	err := db.R.QueryRow(`SELECT min(id), (SELECT id FROM contracts WHERE council_gss = ?1 ORDER BY id LIMIT 1 OFFSET
		(SELECT count(*) / 2 FROM contracts WHERE council_gss = ?1)), (SELECT max(id) / 2 FROM contracts)
		FROM contracts WHERE council_gss = ?1`, leedsGSS).Scan(&leedsFirst, &leedsMiddle, &nationalMiddle)
	if err != nil {
		b.Fatal(err)
	}

	cases := []struct {
		name string
		f    models.ContractFilter
	}{
		// The register page of one council: default order, the other
		// sorts, filters and a later page.
		{"council/end_date", models.ContractFilter{CouncilGSS: leedsGSS}},
		{"council/value_desc", models.ContractFilter{CouncilGSS: leedsGSS, Sort: models.SortValue, Desc: true}},
		{"council/supplier", models.ContractFilter{CouncilGSS: leedsGSS, Sort: models.SortSupplier}},
		{"council/decision_window", models.ContractFilter{CouncilGSS: leedsGSS, Sort: models.SortWindow}},
		{"council/page_5", models.ContractFilter{CouncilGSS: leedsGSS, Offset: 200}},
		{"council/category+window", models.ContractFilter{CouncilGSS: leedsGSS, CategorySlug: "revenues-benefits", Sort: models.SortWindow}},
		{"council/supplier+hosting", models.ContractFilter{CouncilGSS: leedsGSS, SupplierID: civica, Hosting: models.HostingOnPremises}},
		{"council/window_within_365d", models.ContractFilter{CouncilGSS: leedsGSS, WindowWithinDays: 365, Today: today, Sort: models.SortWindow}},
		// The API's cursor pages, in id order.
		{"api/council_cursor_start", models.ContractFilter{CouncilGSS: leedsGSS, AfterID: leedsFirst}},
		{"api/council_cursor_middle", models.ContractFilter{CouncilGSS: leedsGSS, AfterID: leedsMiddle}},
		{"api/council_cursor_middle_500", models.ContractFilter{CouncilGSS: leedsGSS, AfterID: leedsMiddle, Limit: 500}},
		{"api/national_cursor_middle", models.ContractFilter{AfterID: nationalMiddle}},
		{"api/national_category_cursor", models.ContractFilter{CategorySlug: "revenues-benefits", AfterID: nationalMiddle}},
		// Every council at once, as discovery asks.
		{"national/category+window", models.ContractFilter{CategorySlug: "revenues-benefits", Sort: models.SortWindow}},
		{"national/window_within_120d", models.ContractFilter{WindowWithinDays: 120, Today: today, Sort: models.SortWindow}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				page, err := db.Contracts(ctx, officer, tc.f)
				if err != nil {
					b.Fatal(err)
				}
				if len(page.Contracts) == 0 {
					b.Fatalf("%+v: no contracts", tc.f)
				}
			}
		})
	}
}

func supplierIDByName(tb testing.TB, db *models.DB, name string) int64 {
	tb.Helper()
	var id int64
	if err := db.R.QueryRow(`SELECT supplier_id FROM supplier_aliases WHERE normalised_name = ?`, models.NormaliseSupplierName(name)).Scan(&id); err != nil {
		tb.Fatalf("supplier %s: %v", name, err)
	}
	return id
}
