package testutil

import (
	"context"
	"os"
	"testing"

	"jointly/data"
	"jointly/models"
)

// LoadNationalScale fills db for benchmarks at national scale: every UK
// principal council (from mySociety's list in ../shared/data, skipping
// the benchmark when it is absent), topped up to 418, and n contracts
// from the national-scale seed (models.SeedNationalScale, seed 1: the
// same rows as `jointly seed --scale national --contracts n` over the same
// councils). It adds no users: benchmarks sign in as the demo's.
func LoadNationalScale(tb testing.TB, db *models.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	f, err := os.Open(SharedData(tb, "local-authorities", "mysociety", "uk_local_authorities.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := db.ImportCouncils(ctx, 0, f); err != nil {
		tb.Fatal(err)
	}
	sum, err := db.SeedNationalScale(ctx, models.ScaleOptions{Contracts: n, Seed: 1, Catalogue: data.Seed})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Log(sum)
}
