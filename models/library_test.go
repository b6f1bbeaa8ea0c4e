package models_test

import (
	"context"
	"errors"
	"testing"

	"jointly/models"
)

func libraryInput(title, body string) models.LibraryInput {
	return models.LibraryInput{Kind: models.KindPlaybook, Title: title, Summary: "How to do it", Body: body,
		Audience: models.AudienceCouncillors, Tags: []string{"Procurement", "procurement ", "joint"}}
}

func TestLibraryWorkflowAndSearch(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id, err := w.db.CreateLibraryItem(ctx, w.leeds, libraryInput("Marmalade playbook", "Steps for a zanzibar procurement."))
	if err != nil {
		t.Fatal(err)
	}
	search := func(u models.User, q string) int {
		t.Helper()
		rs, err := w.db.Search(ctx, u, models.SearchQuery{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	// A draft is its council's: not Bradford's, not the councillor's (even of
	// Leeds), not in anyone else's search.
	for _, u := range []models.User{w.bradford, w.councillor, w.supplier, {}} {
		if _, err := w.db.LibraryItemByID(ctx, u, id); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("%s reads a draft: %v", u.Email, err)
		}
		if n := search(u, "zanzibar"); n != 0 {
			t.Fatalf("%s finds a draft: %d", u.Email, n)
		}
	}
	if n := search(w.leeds, "zanzibar"); n != 1 {
		t.Fatalf("the author's council finds %d", n)
	}
	it, _ := w.db.LibraryItemByID(ctx, w.leeds, id)
	if len(it.Tags) != 2 {
		t.Fatalf("tags %v", it.Tags)
	}

	// Review: the submitter cannot approve; a colleague from another council can.
	if err := w.db.SubmitLibraryItem(ctx, w.leeds, id); err != nil {
		t.Fatal(err)
	}
	if err := w.db.ApproveLibraryItem(ctx, w.leeds, id); err == nil {
		t.Fatal("the submitter approved their own item")
	}
	if err := w.db.ApproveLibraryItem(ctx, w.bradford, id); err != nil {
		t.Fatal(err)
	}
	if n := search(w.councillor, "zanzibar"); n != 1 {
		t.Fatalf("a councillor finds %d published briefings", n)
	}
	if n := search(w.supplier, "zanzibar"); n != 0 {
		t.Fatalf("a supplier finds a councillors' item")
	}

	// An edit waits for approval: readers keep the published version.
	if _, err := w.db.SaveLibraryItem(ctx, w.leeds, id, libraryInput("Marmalade playbook", "Rewritten for quokka procurement."), 1); err != nil {
		t.Fatal(err)
	}
	read, _ := w.db.LibraryItemByID(ctx, w.councillor, id)
	if read.Version != 1 || read.Body != "Steps for a zanzibar procurement." {
		t.Fatalf("the councillor reads version %d: %q", read.Version, read.Body)
	}
	if n := search(w.councillor, "quokka"); n != 0 {
		t.Fatal("an unapproved edit is searchable by readers")
	}
	if _, err := w.db.SaveLibraryItem(ctx, w.leeds, id, libraryInput("x", "y"), 1); err == nil {
		t.Fatal("a stale save was accepted")
	}

	// Audience, kind and tags change for readers only at approval too.
	wider := libraryInput("Marmalade playbook", "Rewritten for quokka procurement.")
	wider.Audience, wider.Tags = models.AudienceEveryone, []string{"pelican"}
	if _, err := w.db.SaveLibraryItem(ctx, w.leeds, id, wider, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.LibraryItemByID(ctx, models.User{}, id); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("an unapproved widening of the audience reached a visitor: %v", err)
	}
	if n := search(w.councillor, "pelican"); n != 0 {
		t.Fatal("an unapproved tag is searchable by readers")
	}
	if mine, _ := w.db.LibraryItemByID(ctx, w.leeds, id); mine.Audience != models.AudienceEveryone || len(mine.Tags) != 1 {
		t.Fatalf("the author sees audience %s, tags %v of their own draft", mine.Audience, mine.Tags)
	}
	if err := w.db.SubmitLibraryItem(ctx, w.leeds, id); err != nil {
		t.Fatal(err)
	}
	if err := w.db.ApproveLibraryItem(ctx, w.bradford, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.LibraryItemByID(ctx, models.User{}, id); err != nil {
		t.Fatalf("after approval a visitor cannot read an item for everyone: %v", err)
	}
	if n := search(models.User{}, "pelican"); n != 1 {
		t.Fatalf("after approval a visitor finds %d by its tag", n)
	}

	// Adopt and adapt, with lineage both ways.
	if err := w.db.AdoptLibraryItem(ctx, w.bradford, id, true); err != nil {
		t.Fatal(err)
	}
	copyID, err := w.db.AdaptLibraryItem(ctx, w.wakefield, id)
	if err != nil {
		t.Fatal(err)
	}
	copy, _ := w.db.LibraryItemByID(ctx, w.wakefield, copyID)
	if copy.AdaptedFrom != id || copy.Body != "Rewritten for quokka procurement." || copy.Published() {
		t.Fatalf("adaptation %+v", copy)
	}
	lin, err := w.db.LibraryLineageOf(ctx, w.wakefield, id)
	if err != nil || len(lin.Adoptions) != 1 || len(lin.Adaptations) != 1 {
		t.Fatalf("lineage %+v, %v", lin, err)
	}
	lin, _ = w.db.LibraryLineageOf(ctx, w.bradford, id)
	if len(lin.Adaptations) != 0 {
		t.Fatal("Bradford sees Wakefield's private draft adaptation")
	}

	// An unpublished bid is not in anyone else's search either.
	w.startBid(t)
	bids := func(u models.User) int {
		rs, err := w.db.Search(ctx, u, models.SearchQuery{Q: "revenues", Types: []string{models.ResultBid}})
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	if n := bids(w.wakefield); n != 0 {
		t.Fatalf("Wakefield finds %d draft bids", n)
	}
	if n := bids(w.leeds); n != 1 {
		t.Fatalf("Leeds finds %d of its own bids", n)
	}
	if n := search(w.supplier, "revenues"); n != 0 {
		t.Fatalf("a supplier finds %d results among registers and drafts", n)
	}
}
