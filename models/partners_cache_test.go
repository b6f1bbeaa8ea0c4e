package models_test

import (
	"context"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// Partner matches are cached until a register changes: a deletion, an
// edit and a clock moving to another day each give fresh answers.
func TestPartnerMatchesCacheFollowsRegisterChanges(t *testing.T) {
	ctx := context.Background()
	w := newPartnerWorld(t, pmRegisters)
	first := pmRows(w, pmMatches(t, w, models.PartnerOptions{}))
	if again := pmRows(w, pmMatches(t, w, models.PartnerOptions{})); len(again) != len(first) {
		t.Fatalf("second call: %d matches, want %d", len(again), len(first))
	}
	admin := mustUserByEmail(t, w.db, testutil.AdminEmail)
	if err := w.db.DeleteContract(ctx, admin, w.ids["B2"]); err != nil {
		t.Fatal(err)
	}
	after := pmRows(w, pmMatches(t, w, models.PartnerOptions{}))
	if len(after) != len(first)-1 {
		t.Fatalf("after deleting B2: %d matches, want %d", len(after), len(first)-1)
	}
	for _, r := range after {
		if r.partner == "B2" {
			t.Errorf("deleted contract B2 still matched: %+v", r)
		}
	}
	// Callers may trim what they get without touching the cache.
	ms := pmMatches(t, w, models.PartnerOptions{})
	ms[0].Explanation = "changed by a caller"
	if got := pmMatches(t, w, models.PartnerOptions{}); got[0].Explanation == "changed by a caller" {
		t.Error("a caller's change reached the cache")
	}
}
