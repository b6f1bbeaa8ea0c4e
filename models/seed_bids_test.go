package models_test

import (
	"context"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

func TestSeedDemoBids(t *testing.T) {
	ctx := context.Background()
	db, _ := testutil.SeededDB(t)
	for range 2 { // the second run adds nothing
		if err := db.SeedDemoBids(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, db, "bids"); n != 2 {
		t.Fatalf("%d bids, want 2", n)
	}
	bradford := mustUserByEmail(t, db, testutil.Officer2Email)
	mine, _, err := db.Bids(ctx, bradford, models.BidFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[models.BidStatus]string{}
	for _, b := range mine {
		states[b.Status] = b.MyState
	}
	if states[models.BidDraft] != models.InvitationInvited || states[models.BidPublished] != models.InvitationAccepted {
		t.Fatalf("Bradford sees %v, want a draft it is invited to and the bid it leads, published", states)
	}
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	public, total, err := db.Bids(ctx, supplier, models.BidFilter{})
	if err != nil || total != 1 || public[0].Status != models.BidPublished {
		t.Fatalf("a supplier sees %d bids (%v), want only the published one", total, err)
	}
}
