package models_test

import (
	"context"
	"testing"

	"jointly/data"
	"jointly/models"
	"jointly/testutil"
)

// TestSeedLibrary: the starter library the team wrote loads as published
// items of the CIO council, with the glossary, and loading again adds
// nothing. (testutil's seeded database already holds it, so this starts
// from a bare one.)
func TestSeedLibrary(t *testing.T) {
	ctx := context.Background()
	db, _ := testutil.NewDB(t)
	for range 2 {
		if err := db.SeedLibrary(ctx, data.Library); err != nil {
			t.Fatal(err)
		}
	}
	items, total, err := db.LibraryItems(ctx, models.User{}, models.LibraryFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	all, _, _ := db.LibraryItems(ctx, models.User{Role: models.RoleAdmin, ID: 1}, models.LibraryFilter{Limit: 100})
	if len(all) < 8 {
		t.Fatalf("%d starter items, want at least 8", len(all))
	}
	kinds := map[string]int{}
	for _, it := range all {
		if !it.Published {
			t.Errorf("%q is not published", it.Title)
		}
		kinds[it.Kind]++
	}
	if kinds[models.KindPlaybook] == 0 || kinds[models.KindBriefing] == 0 || kinds[models.KindTemplate] == 0 {
		t.Errorf("kinds %v: want playbooks, briefings and templates", kinds)
	}
	// A visitor sees only what is for everyone.
	for _, it := range items {
		if it.Audience != models.AudienceEveryone {
			t.Errorf("a visitor sees %q, for %s", it.Title, it.Audience)
		}
	}
	if total == 0 {
		t.Error("nothing in the starter library is for everyone")
	}
	terms, err := db.Glossary(ctx)
	if err != nil || len(terms) < 30 {
		t.Fatalf("%d glossary terms, %v; want at least 30", len(terms), err)
	}
}
