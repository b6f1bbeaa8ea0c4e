package models_test

import (
	"context"
	"fmt"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// BenchmarkLegacyAndConcentration measures the legacy radar, the ageing
// platforms list and market concentration at 50,000 and 400,000
// contracts over every UK council (the demo seed plus
// testutil.LoadNationalScale). Loading takes a while; run with:
//
//	go test -tags sqlite_fts5 -run '^$' -bench LegacyAndConcentration -benchmem ./models/
func BenchmarkLegacyAndConcentration(b *testing.B) {
	for _, n := range []int{50_000, 400_000} {
		b.Run(fmt.Sprintf("contracts=%d", n), func(b *testing.B) {
			db, _ := testutil.SeededDB(b)
			testutil.LoadNationalScale(b, db, n)
			benchmarkDiscovery(b, db)
		})
	}
}

func benchmarkDiscovery(b *testing.B, db *models.DB) {
	ctx := context.Background()
	officer := mustUserByEmail(b, db, testutil.OfficerEmail)
	yorkshire := "yorkshire-and-the-humber"
	// The category with the most contracts nationally.
	var big string
	if err := db.R.QueryRow(`SELECT category_slug FROM contracts WHERE category_slug IS NOT NULL GROUP BY category_slug ORDER BY count(*) DESC LIMIT 1`).Scan(&big); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		fn   func() (int, error)
	}{
		{"legacy/council", func() (int, error) {
			l, err := db.LegacyContracts(ctx, officer, models.LegacyFilter{CouncilGSS: leedsGSS, Limit: 200})
			return len(l), err
		}},
		{"legacy/region", func() (int, error) {
			l, err := db.LegacyContracts(ctx, officer, models.LegacyFilter{RegionSlug: yorkshire})
			return len(l), err
		}},
		{"legacy/national", func() (int, error) {
			l, err := db.LegacyContracts(ctx, officer, models.LegacyFilter{})
			return len(l), err
		}},
		{"platforms/council", func() (int, error) {
			p, err := db.AgeingPlatforms(ctx, officer, models.LegacyFilter{CouncilGSS: leedsGSS, RegionSlug: yorkshire, Limit: 20})
			return len(p), err
		}},
		{"platforms/region", func() (int, error) {
			p, err := db.AgeingPlatforms(ctx, officer, models.LegacyFilter{RegionSlug: yorkshire, Limit: 20})
			return len(p), err
		}},
		{"platforms/national", func() (int, error) {
			p, err := db.AgeingPlatforms(ctx, officer, models.LegacyFilter{Limit: 20})
			return len(p), err
		}},
		{"concentration/category_national", func() (int, error) {
			c, err := db.Concentration(ctx, officer, big, "")
			return len(c.Shares), err
		}},
		{"concentration/category_region", func() (int, error) {
			c, err := db.Concentration(ctx, officer, big, yorkshire)
			return len(c.Shares), err
		}},
		{"concentration/overview_national", func() (int, error) {
			o, err := db.ConcentrationOverview(ctx, officer, "")
			return len(o), err
		}},
		{"concentration/overview_region", func() (int, error) {
			o, err := db.ConcentrationOverview(ctx, officer, yorkshire)
			return len(o), err
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			n, err := tc.fn()
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				b.Fatalf("%s found nothing", tc.name)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := tc.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
