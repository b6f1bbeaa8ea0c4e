package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// bidWorld is a seeded database with the people a joint bid involves.
type bidWorld struct {
	db                          *models.DB
	clock                       *models.FixedClock
	leeds, leeds2, bradford     models.User
	councillor, admin, supplier models.User
	wakefield                   models.User // an officer of a council not taking part
}

func newBidWorld(t *testing.T) bidWorld {
	t.Helper()
	db, clock := testutil.SeededDB(t)
	w := bidWorld{db: db, clock: clock,
		leeds:      mustUserByEmail(t, db, testutil.OfficerEmail),
		bradford:   mustUserByEmail(t, db, testutil.Officer2Email),
		councillor: mustUserByEmail(t, db, testutil.CouncillorEmail),
		admin:      mustUserByEmail(t, db, testutil.AdminEmail),
		supplier:   mustUserByEmail(t, db, testutil.SupplierEmail),
	}
	w.leeds2 = mustCreateUser(t, db, models.NewUser{Email: "second.officer@leeds.gov.uk", Name: "Sam Second", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	w.wakefield = mustCreateUser(t, db, models.NewUser{Email: "ict@wakefield.gov.uk", Name: "Wren Wakefield", Role: models.RoleOfficer, CouncilGSS: wakefieldGSS})
	return w
}

const wakefieldGSS = "E08000036"

// startBid starts a Leeds-led bid inviting Bradford.
func (w bidWorld) startBid(t *testing.T) int64 {
	t.Helper()
	id, err := w.db.CreateBid(context.Background(), w.leeds, models.NewBid{
		Title: "Joint revenues and benefits system", CategorySlug: "revenues-benefits", PartnerGSS: []string{bradfordGSS},
	})
	if err != nil {
		t.Fatalf("create bid: %v", err)
	}
	return id
}

// readyBid is a bid Bradford has accepted, ready to sign off.
func (w bidWorld) readyBid(t *testing.T) int64 {
	t.Helper()
	id := w.startBid(t)
	if err := w.db.AnswerInvitation(context.Background(), w.bradford, id, bradfordGSS, true); err != nil {
		t.Fatalf("accept: %v", err)
	}
	return id
}

func TestBidCoreJourney(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)

	b, err := w.db.BidByID(ctx, w.leeds, id)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != models.BidDraft || len(b.Sections) != len(models.BidSectionTemplate) || b.CriteriaTotal() != 100 {
		t.Fatalf("new bid: status %s, %d sections, criteria %d", b.Status, len(b.Sections), b.CriteriaTotal())
	}
	if p := b.Problems(); len(p) != 0 {
		t.Fatalf("problems after acceptance: %v", p)
	}

	// Both sign off; the first moves the bid to signing off.
	started, err := w.db.SignOffBid(ctx, w.leeds, id)
	if err != nil || !started {
		t.Fatalf("leeds sign-off: started %v, %v", started, err)
	}
	if _, err := w.db.SignOffBid(ctx, w.bradford, id); err != nil {
		t.Fatalf("bradford sign-off: %v", err)
	}

	// An edit clears both sign-offs, so publishing is refused.
	scope := b.Sections[1]
	if _, err := w.db.SaveSection(ctx, w.bradford, id, scope.ID, "Revenues, benefits and the resident portal.", scope.Version); err != nil {
		t.Fatalf("save: %v", err)
	}
	b, _ = w.db.BidByID(ctx, w.leeds, id)
	if n := len(b.AwaitingSignOff()); n != 2 {
		t.Fatalf("after an edit %d councils await sign-off, want 2", n)
	}
	var pub *models.PublicError
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); !errors.As(err, &pub) || !strings.Contains(pub.Message, "has not signed off") {
		t.Fatalf("publish without sign-offs: %v", err)
	}

	for _, u := range []models.User{w.leeds, w.bradford} {
		if _, err := w.db.SignOffBid(ctx, u, id); err != nil {
			t.Fatalf("sign-off by %s: %v", u.Email, err)
		}
	}
	// Bradford's officer is not the lead: cannot publish.
	if err := w.db.PublishBid(ctx, w.bradford, id, models.PublishInput{}); !errors.As(err, &pub) || pub.Status != 403 {
		t.Fatalf("partner publishes: %v", err)
	}
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	b, _ = w.db.BidByID(ctx, w.supplier, id)
	if b.Status != models.BidPublished || b.ResponseDeadline.Sub(w.clock.T) < 13*24*time.Hour {
		t.Fatalf("published: status %s, deadline %s", b.Status, b.ResponseDeadline)
	}
	var statuses []models.BidStatus
	for _, h := range b.History {
		statuses = append(statuses, h.Status)
	}
	if got := models.BidStatuses[:3]; len(statuses) != 3 || statuses[0] != got[0] || statuses[1] != got[1] || statuses[2] != got[2] {
		t.Fatalf("history %v", statuses)
	}
	if _, err := w.db.SaveSection(ctx, w.leeds, id, scope.ID, "late change", scope.Version+1); !errors.As(err, &pub) || pub.Status != 409 {
		t.Fatalf("edit after publishing: %v", err)
	}
}

func TestSaveSectionRefusesStaleVersion(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)
	b, _ := w.db.BidByID(ctx, w.leeds, id)
	s := b.Sections[0]

	// Two officers open version 1; the first saves, the second is stale.
	if _, err := w.db.SaveSection(ctx, w.leeds, id, s.ID, "First officer's text", s.Version); err != nil {
		t.Fatal(err)
	}
	_, err := w.db.SaveSection(ctx, w.leeds2, id, s.ID, "Second officer's text", s.Version)
	var conflict *models.EditConflict
	if !errors.As(err, &conflict) || !errors.Is(err, models.ErrConflict) {
		t.Fatalf("stale save: %v", err)
	}
	if conflict.Current.Body != "First officer's text" || conflict.Yours != "Second officer's text" || conflict.Current.Version != 2 {
		t.Fatalf("conflict: %+v", conflict)
	}
	// Merging against the latest version saves; every version is kept.
	if _, err := w.db.SaveSection(ctx, w.leeds2, id, s.ID, "First officer's text\nSecond officer's text", conflict.Current.Version); err != nil {
		t.Fatal(err)
	}
	vs, err := w.db.SectionVersions(ctx, w.bradford, id, s.ID)
	if err != nil || len(vs) != 3 || vs[0].AuthorName != "Sam Second" {
		t.Fatalf("versions: %d, %v", len(vs), err)
	}
}

func TestBidVisibility(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.startBid(t) // Bradford invited, not yet answered

	cases := []struct {
		name     string
		viewer   models.User
		read     bool
		internal bool
	}{
		{"lead officer", w.leeds, true, true},
		{"lead councillor", w.councillor, true, true},
		{"invited officer", w.bradford, true, true},
		{"other council's officer", w.wakefield, false, false},
		{"administrator", w.admin, false, false},
		{"supplier", w.supplier, false, false},
		{"visitor", models.User{}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := w.db.BidByID(ctx, c.viewer, id)
			if c.read != (err == nil) {
				t.Fatalf("read: %v", err)
			}
			if !c.read && !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("hidden bid gave %v, want not found", err)
			}
			if c.read && b.Access.Internal != c.internal {
				t.Fatalf("internal %v", b.Access.Internal)
			}
			list, total, err := w.db.Bids(ctx, c.viewer, models.BidFilter{Q: "revenues"})
			if err != nil {
				t.Fatal(err)
			}
			if c.read != (total == 1 && len(list) == 1) {
				t.Fatalf("search found %d, read %v", total, c.read)
			}
		})
	}
}

func TestValidateCriteria(t *testing.T) {
	cases := []struct {
		name   string
		in     []models.CriterionInput
		fields []string
	}{
		{"sums to 100", []models.CriterionInput{{Name: "Quality", Weight: 60}, {Name: "Price", Weight: 40}}, nil},
		{"sums to 90", []models.CriterionInput{{Name: "Quality", Weight: 50}, {Name: "Price", Weight: 40}}, []string{"weights"}},
		{"sums to 110", []models.CriterionInput{{Name: "Quality", Weight: 70}, {Name: "Price", Weight: 40}}, []string{"weights"}},
		{"zero weight", []models.CriterionInput{{Name: "Quality", Weight: 100}, {Name: "Price", Weight: 0}}, []string{"weight-2"}},
		{"no name", []models.CriterionInput{{Name: " ", Weight: 100}}, []string{"name-1"}},
		{"duplicate", []models.CriterionInput{{Name: "Price", Weight: 50}, {Name: "price", Weight: 50}}, []string{"name-2"}},
		{"none", nil, []string{"weights"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			verr := models.ValidateCriteria(c.in)
			var got []string
			for _, f := range verr.Fields {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(c.fields, ",") {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

func TestBidHistoryOutsideTheCouncils(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)
	for _, u := range []models.User{w.leeds, w.bradford} {
		if _, err := w.db.SignOffBid(ctx, u, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); err != nil {
		t.Fatal(err)
	}
	if err := w.db.CancelBid(ctx, w.leeds, id, "Budget withdrawn by both councils"); err != nil {
		t.Fatal(err)
	}
	inside, _ := w.db.BidByID(ctx, w.bradford, id)
	outside, err := w.db.BidByID(ctx, w.supplier, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(outside.History) != len(inside.History) || len(inside.History) != 4 {
		t.Fatalf("history: %d entries outside, %d inside, want 4 each", len(outside.History), len(inside.History))
	}
	for i, h := range outside.History {
		if h.ActorName != "" || h.ActorID != 0 {
			t.Errorf("entry %d names %q outside the councils", i, h.ActorName)
		}
		if wantNote := h.Status == models.BidCancelled; (h.Note != "") != wantNote {
			t.Errorf("entry %d (%s): note %q", i, h.Status, h.Note)
		}
		if inside.History[i].ActorName == "" {
			t.Errorf("entry %d has no actor inside the councils", i)
		}
	}
}
