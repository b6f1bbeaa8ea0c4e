package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"jointly/models"
)

// opportunityIDs lists the ids Opportunities returns for f, as anyone.
func opportunityIDs(t *testing.T, w bidWorld, viewer models.User, f models.OpportunityFilter) []int64 {
	t.Helper()
	list, total, err := w.db.Opportunities(context.Background(), viewer, f)
	if err != nil {
		t.Fatalf("opportunities %+v: %v", f, err)
	}
	if total < len(list) {
		t.Fatalf("total %d below the %d listed", total, len(list))
	}
	var ids []int64
	for _, o := range list {
		ids = append(ids, o.ID)
	}
	return ids
}

// estimatedBid is a ready Leeds–Bradford bid with title, estimate and
// deadlines, signed off and published.
func (w bidWorld) estimatedBid(t *testing.T, title string, estimate *int64, respond time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := w.db.CreateBid(ctx, w.leeds, models.NewBid{Title: title, CategorySlug: "cyber-security", PartnerGSS: []string{bradfordGSS}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.AnswerInvitation(ctx, w.bradford, id, bradfordGSS, true); err != nil {
		t.Fatal(err)
	}
	if err := w.db.SetBidEstimate(ctx, w.leeds, id, estimate); err != nil {
		t.Fatalf("estimate: %v", err)
	}
	w.signOffBoth(t, id)
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{ResponseDeadline: respond}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return id
}

func TestOpportunitiesNeverShowDrafts(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	draft := w.readyBid(t)
	signing := w.readyBid(t)
	w.signOffBoth(t, signing) // now signing off, ready to publish
	cancelledDraft := w.readyBid(t)
	if err := w.db.CancelBid(ctx, w.leeds, cancelledDraft, "Not needed"); err != nil {
		t.Fatal(err)
	}
	published := w.publishedBid(t)
	cancelledLater := w.publishedBid(t)
	if err := w.db.CancelBid(ctx, w.leeds, cancelledLater, "Budget withdrawn"); err != nil {
		t.Fatal(err)
	}

	for _, viewer := range []models.User{{}, w.supplier, w.leeds, w.bradford, w.admin} {
		open := opportunityIDs(t, w, viewer, models.OpportunityFilter{Open: true})
		all := opportunityIDs(t, w, viewer, models.OpportunityFilter{})
		for _, id := range []int64{draft, signing, cancelledDraft} {
			if slices.Contains(open, id) || slices.Contains(all, id) {
				t.Errorf("as %q: unpublished bid %d is listed", viewer.Email, id)
			}
			if _, err := w.db.OpportunityByID(ctx, viewer, id); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("as %q: unpublished bid %d shown: %v", viewer.Email, id, err)
			}
		}
		if !slices.Contains(open, published) || slices.Contains(open, cancelledLater) {
			t.Errorf("as %q: open list %v, want %d and not %d", viewer.Email, open, published, cancelledLater)
		}
		if !slices.Contains(all, published) || !slices.Contains(all, cancelledLater) {
			t.Errorf("as %q: full list %v lacks %d or %d", viewer.Email, all, published, cancelledLater)
		}
	}

	// A participant reads the public content there, never its budgets.
	d, err := w.db.OpportunityByID(ctx, w.leeds, published)
	if err != nil {
		t.Fatal(err)
	}
	if d.Bid.Access.Internal || !d.QuestionsOpen || !d.ResponsesOpen {
		t.Errorf("detail: internal %v, questions open %v, responses open %v", d.Bid.Access.Internal, d.QuestionsOpen, d.ResponsesOpen)
	}
	for _, p := range d.Bid.Participants {
		if p.BudgetPence != nil || p.NomineeEmail != "" {
			t.Errorf("participant %s shows internal fields on the opportunity", p.CouncilName)
		}
	}
}

func TestOpportunityFilters(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	noon := func(d int) time.Time { return time.Date(2026, 12, d, 12, 0, 0, 0, time.UTC) }
	small := w.estimatedBid(t, "Endpoint detection for schools", pence(5_000_000), noon(5))
	large := w.estimatedBid(t, "Security operations centre", pence(90_000_000), noon(20))
	unknown := w.estimatedBid(t, "Penetration testing framework", nil, noon(10))
	mine := []int64{small, large, unknown}
	only := func(ids []int64) []int64 {
		var out []int64
		for _, id := range ids {
			if slices.Contains(mine, id) {
				out = append(out, id)
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    models.OpportunityFilter
		want []int64
	}{
		{"open, closing soonest first", models.OpportunityFilter{Open: true}, []int64{small, unknown, large}},
		{"search", models.OpportunityFilter{Q: "operations"}, []int64{large}},
		{"search two words", models.OpportunityFilter{Q: "penetration testing"}, []int64{unknown}},
		{"category", models.OpportunityFilter{Category: "cyber-security"}, []int64{small, unknown, large}},
		{"another category", models.OpportunityFilter{Category: "revenues-benefits"}, nil},
		{"at least £100,000", models.OpportunityFilter{MinValuePence: pence(10_000_000)}, []int64{large}},
		{"at most £100,000", models.OpportunityFilter{MaxValuePence: pence(10_000_000)}, []int64{small}},
		{"£50,000 to £900,000", models.OpportunityFilter{MinValuePence: pence(5_000_000), MaxValuePence: pence(90_000_000)}, []int64{small, large}},
		{"closing before 10 December", models.OpportunityFilter{ClosingBefore: models.NewDate(2026, 12, 10)}, []int64{small}},
		{"closing before 11 December", models.OpportunityFilter{ClosingBefore: models.NewDate(2026, 12, 11)}, []int64{small, unknown}},
		{"paged", models.OpportunityFilter{Category: "cyber-security", Limit: 1, Offset: 1}, []int64{unknown}},
	} {
		if got := only(opportunityIDs(t, w, models.User{}, c.f)); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}

	// The estimate shows on the list and the detail.
	list, _, err := w.db.Opportunities(ctx, models.User{}, models.OpportunityFilter{Q: "schools"})
	if err != nil || len(list) != 1 || list[0].EstimatedValuePence == nil || *list[0].EstimatedValuePence != 5_000_000 || list[0].Councils != 2 {
		t.Fatalf("list %+v, %v", list, err)
	}
	d, err := w.db.OpportunityByID(ctx, w.supplier, small)
	if err != nil || d.EstimatedValuePence == nil || *d.EstimatedValuePence != 5_000_000 {
		t.Fatalf("detail estimate %v, %v", d.EstimatedValuePence, err)
	}

	// Once the deadline passes the bid closes and leaves the open list.
	w.clock.T = noon(6)
	if got := only(opportunityIDs(t, w, models.User{}, models.OpportunityFilter{Open: true})); !slices.Equal(got, []int64{unknown, large}) {
		t.Errorf("open after 5 December: %v", got)
	}
	if got := only(opportunityIDs(t, w, models.User{}, models.OpportunityFilter{})); !slices.Equal(got, []int64{unknown, large, small}) {
		t.Errorf("all after 5 December: %v", got)
	}
}

func TestSetBidEstimate(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)
	w.signOffBoth(t, id)
	if err := w.db.SetBidEstimate(ctx, w.bradford, id, pence(100)); err == nil {
		t.Error("a partner officer set the estimate")
	}
	if n := len(w.read(t, w.leeds, id).AwaitingSignOff()); n != 0 {
		t.Fatalf("a refused change cleared sign-offs: %d await", n)
	}
	var verr *models.ValidationError
	if err := w.db.SetBidEstimate(ctx, w.leeds, id, pence(-1)); !errors.As(err, &verr) || !verr.Has("estimated_value") {
		t.Errorf("negative estimate: %v", err)
	}
	if err := w.db.SetBidEstimate(ctx, w.leeds, id, pence(25_000_000)); err != nil {
		t.Fatal(err)
	}
	if n := len(w.read(t, w.leeds, id).AwaitingSignOff()); n != 2 {
		t.Errorf("after changing the estimate %d councils await sign-off, want 2", n)
	}
	got, err := w.db.BidEstimate(ctx, w.bradford, id)
	if err != nil || got == nil || *got != 25_000_000 {
		t.Errorf("estimate %v, %v", got, err)
	}
	if _, err := w.db.BidEstimate(ctx, w.supplier, id); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a supplier read a draft's estimate: %v", err)
	}
	// Setting the same value again is no edit.
	w.signOffBoth(t, id)
	if err := w.db.SetBidEstimate(ctx, w.leeds, id, pence(25_000_000)); err != nil {
		t.Fatal(err)
	}
	if n := len(w.read(t, w.leeds, id).AwaitingSignOff()); n != 0 {
		t.Errorf("an unchanged estimate cleared sign-offs")
	}
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); err != nil {
		t.Fatal(err)
	}
	err = w.db.SetBidEstimate(ctx, w.leeds, id, nil)
	wantPublic(t, err, 409, "can no longer be changed")
}

func TestFollowOpportunity(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	draft, id := w.readyBid(t), w.publishedBid(t)
	if err := w.db.FollowOpportunity(ctx, w.supplier, draft, true); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("followed a draft: %v", err)
	}
	if err := w.db.FollowOpportunity(ctx, w.leeds, id, true); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("an officer followed: %v", err)
	}
	for _, follow := range []bool{true, true, false, false, true} {
		if err := w.db.FollowOpportunity(ctx, w.supplier, id, follow); err != nil {
			t.Fatal(err)
		}
		d, err := w.db.OpportunityByID(ctx, w.supplier, id)
		if err != nil || d.Following != follow {
			t.Fatalf("after follow=%v: following %v, %v", follow, d.Following, err)
		}
	}
}
