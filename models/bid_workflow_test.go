package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// The rules of bid_workflow.go (starting a bid, invitations, sign-off,
// publishing, cancelling) and of bid.go (who sees what, lists and search).
// Co-authoring sections and comments are in bid_sections_test.go.

// wantPublicError fails the test unless err is a *models.PublicError with
// status, and returns it.
func wantPublicError(t testing.TB, err error, status int) *models.PublicError {
	t.Helper()
	var pub *models.PublicError
	if !errors.As(err, &pub) || pub.Status != status {
		t.Fatalf("got error %v (%T), want a public error with status %d", err, err, status)
	}
	return pub
}

// wantForbidden fails the test unless err wraps models.ErrForbidden.
func wantForbidden(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("got error %v (%T), want models.ErrForbidden", err, err)
	}
}

// bidRows counts every table a bid is made of, so a refusal can be shown
// to have written nothing.
func bidRows(t testing.TB, db *models.DB) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"bids", "bid_participants", "bid_sections", "bid_section_versions", "bid_criteria",
		"bid_replaces", "bid_status_history", "bid_activity", "bids_fts"} {
		parts = append(parts, fmt.Sprintf("%s %d", table, count(t, db, table)))
	}
	return strings.Join(parts, ", ")
}

// read is bid id as viewer sees it, or the test fails.
func (w bidWorld) read(t testing.TB, viewer models.User, id int64) models.Bid {
	t.Helper()
	b, err := w.db.BidByID(context.Background(), viewer, id)
	if err != nil {
		t.Fatalf("read bid %d as %q: %v", id, viewer.Email, err)
	}
	return b
}

// signOffBoth has Leeds's and Bradford's nominees sign off.
func (w bidWorld) signOffBoth(t testing.TB, id int64) {
	t.Helper()
	for _, u := range []models.User{w.leeds, w.bradford} {
		if _, err := w.db.SignOffBid(context.Background(), u, id); err != nil {
			t.Fatalf("sign-off by %s: %v", u.Email, err)
		}
	}
	if n := len(w.read(t, w.leeds, id).AwaitingSignOff()); n != 0 {
		t.Fatalf("%d councils still await sign-off", n)
	}
}

// publishedBid is a Leeds-led bid with Bradford, signed off and published
// with the default deadlines.
func (w bidWorld) publishedBid(t *testing.T) int64 {
	t.Helper()
	id := w.readyBid(t)
	w.signOffBoth(t, id)
	if err := w.db.PublishBid(context.Background(), w.leeds, id, models.PublishInput{}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return id
}

// firstContract is one contract in council gss's register.
func firstContract(t testing.TB, db *models.DB, gss string) int64 {
	t.Helper()
	var id int64
	if err := db.R.QueryRow(`SELECT id FROM contracts WHERE council_gss = ? ORDER BY id LIMIT 1`, gss).Scan(&id); err != nil {
		t.Fatalf("a contract of %s: %v", gss, err)
	}
	return id
}

// pairedContracts is a Leeds contract and a Bradford contract of the same
// category in the demo registers: a partner match.
func pairedContracts(t testing.TB, db *models.DB) (leeds, bradford int64, category string) {
	t.Helper()
	err := db.R.QueryRow(`SELECT a.id, b.id, a.category_slug FROM contracts a JOIN contracts b ON b.category_slug = a.category_slug
		WHERE a.council_gss = ? AND b.council_gss = ? ORDER BY a.id, b.id LIMIT 1`, leedsGSS, bradfordGSS).Scan(&leeds, &bradford, &category)
	if err != nil {
		t.Fatalf("a Leeds and a Bradford contract of one category: %v", err)
	}
	return leeds, bradford, category
}

func statuses(b models.Bid) []models.BidStatus {
	var out []models.BidStatus
	for _, h := range b.History {
		out = append(out, h.Status)
	}
	return out
}

func replacedIDs(b models.Bid) []int64 {
	var out []int64
	for _, r := range b.Replaces {
		out = append(out, r.ContractID)
	}
	slices.Sort(out)
	return out
}

func TestBidStatusTransitions(t *testing.T) {
	allowed := map[models.BidStatus][]models.BidStatus{
		models.BidDraft:      {models.BidSigningOff, models.BidCancelled},
		models.BidSigningOff: {models.BidPublished, models.BidCancelled},
		models.BidPublished:  {models.BidClosed, models.BidCancelled},
		models.BidClosed:     {models.BidEvaluating, models.BidAwarded, models.BidCancelled},
		models.BidEvaluating: {models.BidAwarded, models.BidCancelled},
	}
	for _, from := range models.BidStatuses {
		for _, to := range models.BidStatuses {
			if got, want := from.CanMoveTo(to), slices.Contains(allowed[from], to); got != want {
				t.Errorf("%s → %s allowed %v, want %v", from, to, got, want)
			}
		}
		if got, want := from.Editable(), from == models.BidDraft || from == models.BidSigningOff; got != want {
			t.Errorf("%s editable %v, want %v", from, got, want)
		}
		if l := from.Label(); l == "" || l == string(from) && from != "" {
			t.Errorf("%s has no label in words: %q", from, l)
		}
	}
}

func TestCreateBidRefusals(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	// Kirklees has left: its code is no longer a current council's.
	const kirklees = "E08000034"
	if _, err := w.db.W.Exec(`UPDATE councils SET active = 0 WHERE gss_code = ?`, kirklees); err != nil {
		t.Fatal(err)
	}
	wakefieldContract := firstContract(t, w.db, wakefieldGSS)
	var tooMany []string
	for i := range models.MaxBidPartners + 1 {
		tooMany = append(tooMany, fmt.Sprintf("E0900%04d", i))
	}
	var tooManyContracts []int64
	for i := range models.MaxBidReplaces + 1 {
		tooManyContracts = append(tooManyContracts, int64(i+1))
	}
	ok := models.NewBid{Title: "Joint revenues and benefits system", CategorySlug: "revenues-benefits", PartnerGSS: []string{bradfordGSS}}
	with := func(change func(*models.NewBid)) models.NewBid {
		in := ok
		change(&in)
		return in
	}
	cases := []struct {
		name  string
		in    models.NewBid
		field string
	}{
		{"empty title", with(func(in *models.NewBid) { in.Title = "  \t " }), "title"},
		{"long title", with(func(in *models.NewBid) { in.Title = strings.Repeat("é", models.MaxBidTitle+1) }), "title"},
		{"long summary", with(func(in *models.NewBid) { in.Summary = strings.Repeat("x", models.MaxBidSummary+1) }), "summary"},
		{"no category", with(func(in *models.NewBid) { in.CategorySlug = "" }), "category"},
		{"unknown category", with(func(in *models.NewBid) { in.CategorySlug = "no-such-category" }), "category"},
		{"own council as partner", with(func(in *models.NewBid) { in.PartnerGSS = []string{bradfordGSS, leedsGSS} }), "partner_gss"},
		{"unknown GSS code", with(func(in *models.NewBid) { in.PartnerGSS = []string{"E99999999"} }), "partner_gss"},
		{"council no longer active", with(func(in *models.NewBid) { in.PartnerGSS = []string{kirklees} }), "partner_gss"},
		{"too many partners", with(func(in *models.NewBid) { in.PartnerGSS = tooMany }), "partner_gss"},
		{"contract of a council not taking part", with(func(in *models.NewBid) { in.ReplacesContractIDs = []int64{wakefieldContract} }), "replaces_contract_ids"},
		{"contract that does not exist", with(func(in *models.NewBid) { in.ReplacesContractIDs = []int64{99999999} }), "replaces_contract_ids"},
		{"too many contracts", with(func(in *models.NewBid) { in.ReplacesContractIDs = tooManyContracts }), "replaces_contract_ids"},
	}
	before := bidRows(t, w.db)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := w.db.CreateBid(ctx, w.leeds, c.in)
			wantValidation(t, err, c.field)
			if id != 0 {
				t.Errorf("refused bid has id %d", id)
			}
			if after := bidRows(t, w.db); after != before {
				t.Errorf("a refused bid wrote rows:\nbefore %s\nafter  %s", before, after)
			}
		})
	}

	// Only council officers start bids.
	for _, u := range []models.User{w.councillor, w.admin, w.supplier, {}} {
		_, err := w.db.CreateBid(ctx, u, ok)
		wantForbidden(t, err)
	}
	// An expression of interest between two other councils is not
	// Wakefield's to start from, and one that does not exist is not found.
	leedsC, bradfordC, _ := pairedContracts(t, w.db)
	eoi, _, err := w.db.ExpressInterest(ctx, w.leeds, leedsC, bradfordC, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []int64{eoi.ID, 99999999} {
		_, err := w.db.CreateBid(ctx, w.wakefield, models.NewBid{Title: "Ours", CategorySlug: "revenues-benefits", FromInterestID: from})
		wantNotFound(t, err)
	}
	if after := bidRows(t, w.db); after != before {
		t.Errorf("refused bids wrote rows:\nbefore %s\nafter  %s", before, after)
	}
}

func TestCreateBidStartsFromTheTemplate(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	leedsC, bradfordC, category := pairedContracts(t, w.db)
	id, err := w.db.CreateBid(ctx, w.leeds, models.NewBid{
		Title: "  Shared waste permits platform ", Summary: " Permits for three councils. ", CategorySlug: category,
		PartnerGSS:          []string{bradfordGSS, " " + bradfordGSS, wakefieldGSS},
		ReplacesContractIDs: []int64{leedsC, bradfordC, leedsC},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := w.read(t, w.leeds, id)
	if b.Title != "Shared waste permits platform" || b.Summary != "Permits for three councils." || b.CategorySlug != category {
		t.Errorf("details %q, %q, %q", b.Title, b.Summary, b.CategorySlug)
	}
	if b.Status != models.BidDraft || b.Revision != 1 || b.LeadGSS != leedsGSS || b.CreatedBy != w.leeds.ID ||
		!b.CreatedAt.Equal(w.clock.T) || !b.PublishedAt.IsZero() || !b.ResponseDeadline.IsZero() {
		t.Errorf("new bid: %+v", b)
	}
	if !b.Access.Lead || !b.Access.Edit || !b.Access.Nominee || !b.Access.Internal {
		t.Errorf("the lead officer's access: %+v", b.Access)
	}

	// Leeds leads, accepted, its officer nominated; the partners are
	// invited once each, with nobody nominated yet.
	type part struct{ gss, role, state string }
	var got []part
	for _, p := range b.Participants {
		got = append(got, part{p.CouncilGSS, p.Role, p.State})
	}
	want := []part{{leedsGSS, "lead", "accepted"}, {bradfordGSS, "partner", "invited"}, {wakefieldGSS, "partner", "invited"}}
	if !slices.Equal(got, want) {
		t.Errorf("participants %v, want %v", got, want)
	}
	if lead, _ := b.Participant(leedsGSS); lead.NomineeID != w.leeds.ID || lead.NomineeEmail != testutil.OfficerEmail {
		t.Errorf("lead nominee %d %q", lead.NomineeID, lead.NomineeEmail)
	}
	if p, _ := b.Participant(bradfordGSS); p.NomineeID != 0 || !p.InvitedAt.Equal(w.clock.T) || !p.AnsweredAt.IsZero() {
		t.Errorf("invited partner: %+v", p)
	}
	if got := replacedIDs(b); !slices.Equal(got, []int64{min(leedsC, bradfordC), max(leedsC, bradfordC)}) {
		t.Errorf("replaces %v", got)
	}

	// The sections are the template's, each at version 1 with its one
	// kept version.
	if len(b.Sections) != len(models.BidSectionTemplate) {
		t.Fatalf("%d sections, want %d", len(b.Sections), len(models.BidSectionTemplate))
	}
	for i, s := range b.Sections {
		tmpl := models.BidSectionTemplate[i]
		if s.Heading != tmpl.Heading || s.Body != tmpl.Body || s.Version != 1 || s.Position != i+1 || s.UpdatedByName != w.leeds.Name {
			t.Errorf("section %d: %q v%d at %d by %q", i, s.Heading, s.Version, s.Position, s.UpdatedByName)
		}
		vs, err := w.db.SectionVersions(ctx, w.leeds, id, s.ID)
		if err != nil || len(vs) != 1 || vs[0].Version != 1 || vs[0].Body != tmpl.Body || vs[0].AuthorID != w.leeds.ID {
			t.Errorf("versions of %q: %+v, %v", s.Heading, vs, err)
		}
	}

	// The default criteria, summing to 100.
	if b.CriteriaTotal() != 100 || len(b.Criteria) != len(models.DefaultCriteria) {
		t.Errorf("criteria %+v", b.Criteria)
	}
	for i, c := range b.Criteria {
		if d := models.DefaultCriteria[i]; c.Name != d.Name || c.Weight != d.Weight || c.Description != d.Description {
			t.Errorf("criterion %d: %+v, want %+v", i, c, d)
		}
	}

	// History starts with draft; the feed says who started it and whom
	// they invited.
	if len(b.History) != 1 || b.History[0].Status != models.BidDraft || b.History[0].ActorID != w.leeds.ID ||
		!b.History[0].At.Equal(w.clock.T) || !strings.Contains(b.History[0].Note, w.leeds.Name) {
		t.Errorf("history %+v", b.History)
	}
	feed, err := w.db.BidActivityFeed(ctx, w.leeds, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, a := range feed {
		kinds = append(kinds, a.Kind+": "+a.Summary)
	}
	slices.Sort(kinds)
	wantKinds := []string{"created: started the bid", "invited: invited Bradford", "invited: invited Wakefield"}
	if !slices.Equal(kinds, wantKinds) {
		t.Errorf("activity %q, want %q", kinds, wantKinds)
	}

	// Search finds it by its title and by its sections' text.
	for _, q := range []string{"permits", "shared waste", "evaluation approach"} {
		list, total, err := w.db.Bids(ctx, w.leeds, models.BidFilter{Q: q})
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != id {
			t.Errorf("search %q: %d found, %v", q, total, err)
		}
	}
}

func TestBidDraftFromPartnerMatch(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	leedsC, bradfordC, category := pairedContracts(t, w.db)
	title := func(id int64) string {
		c, err := w.db.ContractByID(ctx, w.admin, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Title
	}
	check := func(name string, got models.NewBid, err error, own, partner int64, partnerGSS string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := models.NewBid{Title: "Joint procurement: " + title(own), CategorySlug: category,
			PartnerGSS: []string{partnerGSS}, ReplacesContractIDs: []int64{own, partner}}
		if got.Title != want.Title || got.CategorySlug != want.CategorySlug || !slices.Equal(got.PartnerGSS, want.PartnerGSS) ||
			!slices.Equal(got.ReplacesContractIDs, want.ReplacesContractIDs) {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	nb, err := w.db.BidDraftFor(ctx, w.leeds, leedsC, bradfordC)
	check("Leeds", nb, err, leedsC, bradfordC, bradfordGSS)
	nb, err = w.db.BidDraftFor(ctx, w.leeds, bradfordC, leedsC)
	check("Leeds, contracts the other way round", nb, err, leedsC, bradfordC, bradfordGSS)
	nb, err = w.db.BidDraftFor(ctx, w.bradford, leedsC, bradfordC)
	check("Bradford", nb, err, bradfordC, leedsC, leedsGSS)

	// A third council's officer, two contracts of one council, and
	// people who cannot start bids are refused.
	_, err = w.db.BidDraftFor(ctx, w.wakefield, leedsC, bradfordC)
	wantPublicError(t, err, 422)
	var otherLeeds int64
	if err := w.db.R.QueryRow(`SELECT id FROM contracts WHERE council_gss = ? AND id <> ? LIMIT 1`, leedsGSS, leedsC).Scan(&otherLeeds); err != nil {
		t.Fatal(err)
	}
	_, err = w.db.BidDraftFor(ctx, w.leeds, leedsC, otherLeeds)
	wantPublicError(t, err, 422)
	for _, u := range []models.User{w.councillor, w.supplier, w.admin} {
		_, err = w.db.BidDraftFor(ctx, u, leedsC, bradfordC)
		wantForbidden(t, err)
	}
	_, err = w.db.BidDraftFor(ctx, w.leeds, leedsC, 99999999)
	wantNotFound(t, err)

	// From an expression of interest: either council may start the bid;
	// Wakefield may not know the interest exists.
	eoi, _, err := w.db.ExpressInterest(ctx, w.leeds, leedsC, bradfordC, "Shall we buy together?")
	if err != nil {
		t.Fatal(err)
	}
	nb, err = w.db.BidDraftFromInterest(ctx, w.leeds, eoi.ID)
	check("Leeds from interest", nb, err, leedsC, bradfordC, bradfordGSS)
	nb, err = w.db.BidDraftFromInterest(ctx, w.bradford, eoi.ID)
	check("Bradford from interest", nb, err, bradfordC, leedsC, leedsGSS)
	if nb.FromInterestID != eoi.ID {
		t.Errorf("from interest %d, want %d", nb.FromInterestID, eoi.ID)
	}
	for _, id := range []int64{eoi.ID, 99999999} {
		_, err = w.db.BidDraftFromInterest(ctx, w.wakefield, id)
		wantNotFound(t, err)
	}
	_, err = w.db.BidDraftFromInterest(ctx, w.supplier, eoi.ID)
	wantNotFound(t, err)

	// The draft starts a bid Bradford leads, inviting Leeds, replacing both.
	id, err := w.db.CreateBid(ctx, w.bradford, nb)
	if err != nil {
		t.Fatal(err)
	}
	b := w.read(t, w.bradford, id)
	if b.FromInterestID != eoi.ID || b.LeadGSS != bradfordGSS || len(b.Replaces) != 2 {
		t.Errorf("bid from interest: from %d, lead %s, replaces %v", b.FromInterestID, b.LeadGSS, b.Replaces)
	}
	if p, ok := b.Participant(leedsGSS); !ok || p.State != models.InvitationInvited {
		t.Errorf("Leeds: %+v", p)
	}
}

func TestInvitations(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	leedsC, bradfordC, category := pairedContracts(t, w.db)
	id, err := w.db.CreateBid(ctx, w.leeds, models.NewBid{Title: "Joint permits", CategorySlug: category,
		PartnerGSS: []string{bradfordGSS}, ReplacesContractIDs: []int64{leedsC, bradfordC}})
	if err != nil {
		t.Fatal(err)
	}
	bradfordCllr := mustCreateUser(t, w.db, models.NewUser{Email: "cllr@bradford.gov.uk", Name: "Cllr Bradford", Role: models.RoleCouncillor, CouncilGSS: bradfordGSS})

	// Nobody answers for Bradford but its officers.
	err = w.db.AnswerInvitation(ctx, bradfordCllr, id, bradfordGSS, true)
	wantNotFound(t, err) // an invited council's councillors do not see the draft yet
	wantForbidden(t, w.db.AnswerInvitation(ctx, w.leeds, id, bradfordGSS, true))
	wantNotFound(t, w.db.AnswerInvitation(ctx, w.wakefield, id, bradfordGSS, true))
	wantForbidden(t, w.db.AnswerInvitation(ctx, w.bradford, id, leedsGSS, true))
	if p, _ := w.read(t, w.leeds, id).Participant(bradfordGSS); p.State != models.InvitationInvited {
		t.Fatalf("after refused answers Bradford is %s", p.State)
	}
	if b := w.read(t, w.bradford, id); !b.Access.Invited || b.Access.Edit || !b.Access.Internal {
		t.Errorf("invited officer's access: %+v", b.Access)
	}

	// Accepting nominates the officer who accepted.
	w.clock.Advance(time.Hour)
	if err := w.db.AnswerInvitation(ctx, w.bradford, id, bradfordGSS, true); err != nil {
		t.Fatal(err)
	}
	p, _ := w.read(t, w.leeds, id).Participant(bradfordGSS)
	if p.State != models.InvitationAccepted || p.NomineeID != w.bradford.ID || p.NomineeName != w.bradford.Name ||
		!p.AnsweredAt.Equal(w.clock.T) {
		t.Errorf("accepted: %+v", p)
	}
	if b := w.read(t, w.bradford, id); b.Access.Invited || !b.Access.Edit || !b.Access.Nominee || b.Access.Lead {
		t.Errorf("accepted officer's access: %+v", b.Access)
	}
	// Answering twice is a conflict, whichever the answer.
	for _, accept := range []bool{true, false} {
		pub := wantPublicError(t, w.db.AnswerInvitation(ctx, w.bradford, id, bradfordGSS, accept), 409)
		if !strings.Contains(pub.Message, "already accepted") {
			t.Errorf("second answer: %q", pub.Message)
		}
	}

	// Only the lead invites; not twice, not itself, only current councils.
	wantPublicError(t, w.db.InviteCouncil(ctx, w.bradford, id, wakefieldGSS), 403)
	wantNotFound(t, w.db.InviteCouncil(ctx, w.wakefield, id, wakefieldGSS))
	wantForbidden(t, w.db.InviteCouncil(ctx, w.councillor, id, wakefieldGSS))
	for _, gss := range []string{bradfordGSS, leedsGSS, "E99999999", ""} {
		wantValidation(t, w.db.InviteCouncil(ctx, w.leeds, id, gss), "partner_gss")
	}
	if err := w.db.InviteCouncil(ctx, w.leeds, id, wakefieldGSS); err != nil {
		t.Fatal(err)
	}
	if b := w.read(t, w.wakefield, id); !b.Access.Invited {
		t.Errorf("Wakefield invited: %+v", b.Access)
	}

	// Declining removes the council's replaced contracts and its view of
	// the draft.
	if err := w.db.AnswerInvitation(ctx, w.wakefield, id, wakefieldGSS, false); err != nil {
		t.Fatal(err)
	}
	_, err = w.db.BidByID(ctx, w.wakefield, id)
	wantNotFound(t, err)
	if p, _ := w.read(t, w.leeds, id).Participant(wakefieldGSS); p.State != models.InvitationDeclined || p.NomineeID != 0 {
		t.Errorf("declined: %+v", p)
	}

	id2, err := w.db.CreateBid(ctx, w.leeds, models.NewBid{Title: "Joint licensing", CategorySlug: category,
		PartnerGSS: []string{bradfordGSS}, ReplacesContractIDs: []int64{leedsC, bradfordC}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.AnswerInvitation(ctx, w.bradford, id2, bradfordGSS, false); err != nil {
		t.Fatal(err)
	}
	b := w.read(t, w.leeds, id2)
	if got := replacedIDs(b); !slices.Equal(got, []int64{leedsC}) {
		t.Errorf("after Bradford declined the bid replaces %v, want only Leeds's %d", got, leedsC)
	}
	if p := b.Problems(); len(p) == 0 || !strings.Contains(p[0], "No partner council has accepted") {
		t.Errorf("problems %q", p)
	}
	_, err = w.db.BidByID(ctx, w.bradford, id2)
	wantNotFound(t, err)
	if list, _, _ := w.db.Bids(ctx, w.bradford, models.BidFilter{}); slices.ContainsFunc(list, func(s models.BidSummary) bool { return s.ID == id2 }) {
		t.Error("the declined bid is still listed for Bradford")
	}
	wantNotFound(t, w.db.AnswerInvitation(ctx, w.bradford, id2, bradfordGSS, true))

	// Invited again, Bradford sees the draft and may accept.
	if err := w.db.InviteCouncil(ctx, w.leeds, id2, bradfordGSS); err != nil {
		t.Fatal(err)
	}
	if b := w.read(t, w.bradford, id2); !b.Access.Invited {
		t.Errorf("re-invited: %+v", b.Access)
	}
	if err := w.db.AnswerInvitation(ctx, w.bradford, id2, bradfordGSS, true); err != nil {
		t.Fatal(err)
	}
	if p, _ := w.read(t, w.leeds, id2).Participant(bradfordGSS); p.State != models.InvitationAccepted || p.NomineeID != w.bradford.ID {
		t.Errorf("accepted after re-invitation: %+v", p)
	}
}

func TestSignOffRefusedUntilReady(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	refused := func(id int64, want string) {
		t.Helper()
		_, err := w.db.SignOffBid(ctx, w.leeds, id)
		pub := wantPublicError(t, err, 409)
		if !strings.Contains(pub.Message, want) {
			t.Errorf("sign-off refused with %q, want it to say %q", pub.Message, want)
		}
		b := w.read(t, w.leeds, id)
		if !slices.ContainsFunc(b.Problems(), func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("problems %q do not say %q", b.Problems(), want)
		}
		if b.Status != models.BidDraft || len(b.AwaitingSignOff()) == 0 {
			t.Errorf("a refused sign-off changed the bid: %s", b.Status)
		}
		wantPublicError(t, w.db.RequestSignOff(ctx, w.leeds, id), 409)
	}

	pending := w.startBid(t)
	refused(pending, "Bradford has not yet accepted or declined the invitation.")

	declined := w.startBid(t)
	if err := w.db.AnswerInvitation(ctx, w.bradford, declined, bradfordGSS, false); err != nil {
		t.Fatal(err)
	}
	refused(declined, "No partner council has accepted yet")

	// Criteria are only ever saved summing to 100; a bad sum or none at all
	// is written directly to prove the check is also made at sign-off.
	offBy5 := w.readyBid(t)
	if _, err := w.db.W.Exec(`UPDATE bid_criteria SET weight = weight + 5 WHERE bid_id = ? AND position = 1`, offBy5); err != nil {
		t.Fatal(err)
	}
	refused(offBy5, "add up to 105")
	none := w.readyBid(t)
	if _, err := w.db.W.Exec(`DELETE FROM bid_criteria WHERE bid_id = ?`, none); err != nil {
		t.Fatal(err)
	}
	refused(none, "Add evaluation criteria")

	ready := w.readyBid(t)
	if p := w.read(t, w.leeds, ready).Problems(); len(p) != 0 {
		t.Fatalf("ready bid has problems %q", p)
	}
}

func TestSignOffByNomineesOnly(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	bradford2 := mustCreateUser(t, w.db, models.NewUser{Email: "second@bradford.gov.uk", Name: "Bo Bradford", Role: models.RoleOfficer, CouncilGSS: bradfordGSS})
	id := w.readyBid(t)

	for _, u := range []models.User{w.leeds2, bradford2} {
		_, err := w.db.SignOffBid(ctx, u, id)
		wantPublicError(t, err, 403)
	}
	_, err := w.db.SignOffBid(ctx, w.councillor, id)
	wantForbidden(t, err)
	_, err = w.db.SignOffBid(ctx, w.wakefield, id)
	wantNotFound(t, err)
	wantPublicError(t, w.db.RequestSignOff(ctx, w.bradford, id), 403)

	// The first sign-off moves the draft to signing off, once; signing off
	// twice changes nothing.
	started, err := w.db.SignOffBid(ctx, w.bradford, id)
	if err != nil || !started {
		t.Fatalf("first sign-off: started %v, %v", started, err)
	}
	started, err = w.db.SignOffBid(ctx, w.bradford, id)
	if err != nil || started {
		t.Fatalf("second sign-off by the same nominee: started %v, %v", started, err)
	}
	started, err = w.db.SignOffBid(ctx, w.leeds, id)
	if err != nil || started {
		t.Fatalf("Leeds's sign-off: started %v, %v", started, err)
	}
	b := w.read(t, w.leeds, id)
	if b.Status != models.BidSigningOff || !slices.Equal(statuses(b), []models.BidStatus{models.BidDraft, models.BidSigningOff}) {
		t.Errorf("status %s, history %v", b.Status, statuses(b))
	}
	if p, _ := b.Participant(bradfordGSS); p.SignedOffBy != w.bradford.ID || p.SignedOffByName != w.bradford.Name || !p.SignedOffAt.Equal(w.clock.T) {
		t.Errorf("Bradford's sign-off: %+v", p)
	}

	// A new nominee must be an officer of the council; choosing one clears
	// only that council's sign-off.
	for _, nominee := range []int64{w.bradford.ID, w.councillor.ID, 99999999} {
		wantValidation(t, w.db.UpdateParticipant(ctx, w.leeds, id, leedsGSS, models.ParticipantInput{NomineeID: nominee}), "nominee")
	}
	if err := w.db.UpdateParticipant(ctx, w.leeds, id, leedsGSS, models.ParticipantInput{NomineeID: w.leeds2.ID}); err != nil {
		t.Fatal(err)
	}
	b = w.read(t, w.leeds, id)
	leeds, _ := b.Participant(leedsGSS)
	bradford, _ := b.Participant(bradfordGSS)
	if leeds.SignedOff() || leeds.NomineeID != w.leeds2.ID || !bradford.SignedOff() {
		t.Errorf("after Leeds's new nominee: Leeds signed off %v (nominee %d), Bradford signed off %v", leeds.SignedOff(), leeds.NomineeID, bradford.SignedOff())
	}
	_, err = w.db.SignOffBid(ctx, w.leeds, id)
	wantPublicError(t, err, 403)
	if _, err := w.db.SignOffBid(ctx, w.leeds2, id); err != nil {
		t.Fatal(err)
	}
	// The lead asking for sign-off when it is under way changes nothing.
	if err := w.db.RequestSignOff(ctx, w.leeds, id); err != nil {
		t.Fatal(err)
	}
	if n := len(w.read(t, w.leeds, id).AwaitingSignOff()); n != 0 {
		t.Errorf("%d still await sign-off", n)
	}
}

func TestRequestSignOff(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)
	if err := w.db.RequestSignOff(ctx, w.leeds, id); err != nil {
		t.Fatal(err)
	}
	b := w.read(t, w.leeds, id)
	if b.Status != models.BidSigningOff || len(b.AwaitingSignOff()) != 2 {
		t.Fatalf("after the request: %s, %d awaiting", b.Status, len(b.AwaitingSignOff()))
	}
	// The first sign-off does not start what has already started.
	started, err := w.db.SignOffBid(ctx, w.bradford, id)
	if err != nil || started {
		t.Fatalf("sign-off after the request: started %v, %v", started, err)
	}
	if got := statuses(w.read(t, w.leeds, id)); !slices.Equal(got, []models.BidStatus{models.BidDraft, models.BidSigningOff}) {
		t.Errorf("history %v", got)
	}
}

// TestEveryEditClearsEverySignOff: any change to what was signed off clears
// every council's sign-off, whoever makes it.
func TestEveryEditClearsEverySignOff(t *testing.T) {
	ctx := context.Background()
	budget := int64(25_000_000)
	cases := []struct {
		name string
		edit func(t *testing.T, w bidWorld, b models.Bid) error
	}{
		{"save a section", func(t *testing.T, w bidWorld, b models.Bid) error {
			_, err := w.db.SaveSection(ctx, w.bradford, b.ID, b.Sections[1].ID, "New scope", b.Sections[1].Version)
			return err
		}},
		{"add a section", func(t *testing.T, w bidWorld, b models.Bid) error {
			_, err := w.db.AddSection(ctx, w.leeds2, b.ID, "Exit plan")
			return err
		}},
		{"move a section", func(t *testing.T, w bidWorld, b models.Bid) error {
			return w.db.MoveSection(ctx, w.leeds, b.ID, b.Sections[2].ID, -1)
		}},
		{"change the criteria", func(t *testing.T, w bidWorld, b models.Bid) error {
			return w.db.SetCriteria(ctx, w.bradford, b.ID, []models.CriterionInput{{Name: "Quality", Weight: 70}, {Name: "Price", Weight: 30}})
		}},
		{"change a council's requirements", func(t *testing.T, w bidWorld, b models.Bid) error {
			return w.db.UpdateParticipant(ctx, w.bradford, b.ID, bradfordGSS, models.ParticipantInput{Requirements: "Council tax for 215,000 homes"})
		}},
		{"change a council's budget", func(t *testing.T, w bidWorld, b models.Bid) error {
			return w.db.UpdateParticipant(ctx, w.leeds2, b.ID, leedsGSS, models.ParticipantInput{BudgetPence: &budget})
		}},
		{"change a council's replaced contracts", func(t *testing.T, w bidWorld, b models.Bid) error {
			ids := []int64{firstContract(t, w.db, bradfordGSS)}
			return w.db.UpdateParticipant(ctx, w.bradford, b.ID, bradfordGSS, models.ParticipantInput{Replaces: &ids})
		}},
		{"change the details", func(t *testing.T, w bidWorld, b models.Bid) error {
			return w.db.UpdateBidDetails(ctx, w.leeds, b.ID, b.Title+" (phase 2)", b.Summary, b.CategorySlug)
		}},
		{"invite a council", func(t *testing.T, w bidWorld, b models.Bid) error {
			return w.db.InviteCouncil(ctx, w.leeds, b.ID, wakefieldGSS)
		}},
		{"answer an invitation", func(t *testing.T, w bidWorld, b models.Bid) error {
			// No sign-off can be made while an invitation is pending, and
			// inviting clears them, so the pending invitation is written
			// directly: the answer must clear the sign-offs on its own.
			if _, err := w.db.W.Exec(`INSERT INTO bid_participants (bid_id, council_gss, role, state, invited_by, invited_at)
				VALUES (?, ?, 'partner', 'invited', ?, '2026-11-21T10:00:00.000000Z')`, b.ID, wakefieldGSS, w.leeds.ID); err != nil {
				return err
			}
			return w.db.AnswerInvitation(ctx, w.wakefield, b.ID, wakefieldGSS, true)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newBidWorld(t)
			id := w.readyBid(t)
			w.signOffBoth(t, id)
			before := w.read(t, w.leeds, id)
			w.clock.Advance(time.Minute)
			if err := c.edit(t, w, before); err != nil {
				t.Fatalf("edit: %v", err)
			}
			after := w.read(t, w.leeds, id)
			for _, p := range after.Participants {
				if p.SignedOff() {
					t.Errorf("%s's sign-off survived the edit", p.CouncilName)
				}
			}
			if after.Revision <= before.Revision || after.Status != models.BidSigningOff {
				t.Errorf("revision %d → %d, status %s", before.Revision, after.Revision, after.Status)
			}
			feed, err := w.db.BidActivityFeed(ctx, w.leeds, id, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(feed, func(a models.BidActivity) bool { return a.Kind == "signoffs-cleared" }) {
				t.Error("the activity feed does not say the sign-offs were cleared")
			}
			var pub *models.PublicError
			if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); !errors.As(err, &pub) || pub.Status != 409 {
				t.Errorf("publish after the edit: %v", err)
			}
		})
	}
}

// TestWhatIsNotAnEditKeepsSignOffs: comments, and saves that change
// nothing, leave the sign-offs standing.
func TestWhatIsNotAnEditKeepsSignOffs(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		act  func(w bidWorld, b models.Bid) error
	}{
		{"comment", func(w bidWorld, b models.Bid) error {
			_, err := w.db.AddComment(ctx, w.bradford, b.ID, b.Sections[0].ID, "Should we mention the shared service centre?")
			return err
		}},
		{"resolve a comment", func(w bidWorld, b models.Bid) error {
			var commentID int64
			if err := w.db.W.QueryRow(`INSERT INTO bid_comments (section_id, author_id, body, created_at)
				VALUES (?, ?, 'A remark', '2026-11-21T10:00:00.000000Z') RETURNING id`, b.Sections[0].ID, w.bradford.ID).Scan(&commentID); err != nil {
				return err
			}
			return w.db.ResolveComment(ctx, w.leeds, b.ID, commentID)
		}},
		{"save the same text", func(w bidWorld, b models.Bid) error {
			s := b.Sections[0]
			_, err := w.db.SaveSection(ctx, w.leeds, b.ID, s.ID, s.Body, s.Version)
			return err
		}},
		{"save the same text with Windows line endings", func(w bidWorld, b models.Bid) error {
			s := b.Sections[0]
			_, err := w.db.SaveSection(ctx, w.bradford, b.ID, s.ID, strings.ReplaceAll(s.Body, "\n", "\r\n"), s.Version)
			return err
		}},
		{"save the same criteria", func(w bidWorld, b models.Bid) error {
			var in []models.CriterionInput
			for _, c := range b.Criteria {
				in = append(in, models.CriterionInput{Name: " " + c.Name, Description: c.Description + " ", Weight: c.Weight})
			}
			return w.db.SetCriteria(ctx, w.leeds, b.ID, in)
		}},
		{"save the same details", func(w bidWorld, b models.Bid) error {
			return w.db.UpdateBidDetails(ctx, w.leeds, b.ID, " "+b.Title, b.Summary, b.CategorySlug)
		}},
		{"save the same needs", func(w bidWorld, b models.Bid) error {
			return w.db.UpdateParticipant(ctx, w.bradford, b.ID, bradfordGSS, models.ParticipantInput{NomineeID: w.bradford.ID})
		}},
		{"move the first section up", func(w bidWorld, b models.Bid) error {
			return w.db.MoveSection(ctx, w.leeds, b.ID, b.Sections[0].ID, -1)
		}},
		{"move the last section down", func(w bidWorld, b models.Bid) error {
			return w.db.MoveSection(ctx, w.leeds, b.ID, b.Sections[len(b.Sections)-1].ID, 1)
		}},
		{"sign off again", func(w bidWorld, b models.Bid) error {
			_, err := w.db.SignOffBid(ctx, w.leeds, b.ID)
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newBidWorld(t)
			id := w.readyBid(t)
			w.signOffBoth(t, id)
			before := w.read(t, w.leeds, id)
			w.clock.Advance(time.Minute)
			if err := c.act(w, before); err != nil {
				t.Fatal(err)
			}
			after := w.read(t, w.leeds, id)
			if n := len(after.AwaitingSignOff()); n != 0 || after.Revision != before.Revision {
				t.Errorf("%d councils await sign-off, revision %d → %d", n, before.Revision, after.Revision)
			}
			for i, s := range after.Sections {
				if s.ID != before.Sections[i].ID || s.Version != before.Sections[i].Version {
					t.Errorf("section %d changed: %+v", i, s)
				}
			}
		})
	}
}

func TestValidateDeadlines(t *testing.T) {
	now := testutil.Now // 21 November 2026, 10:00 GMT
	day := 24 * time.Hour
	london := models.London()
	noonDec5 := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name           string
		in             models.PublishInput
		respond, clar  time.Time // when accepted
		responseErr    bool
		clarifyErr     bool
		clarifyMessage string
	}{
		{"defaults", models.PublishInput{}, noonDec5, time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), false, false, ""},
		{"exactly 7 days", models.PublishInput{ResponseDeadline: now.Add(7 * day)}, now.Add(7 * day), now.Add(2 * day), false, false, ""},
		{"in UK time", models.PublishInput{ResponseDeadline: time.Date(2026, 12, 10, 17, 0, 0, 0, london), ClarificationDeadline: time.Date(2026, 12, 1, 9, 30, 0, 0, london)},
			time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC), false, false, ""},
		{"clarification by default 5 days before", models.PublishInput{ResponseDeadline: now.Add(20 * day)}, now.Add(20 * day), now.Add(15 * day), false, false, ""},
		{"response by default, clarification chosen", models.PublishInput{ClarificationDeadline: now.Add(3 * day)}, noonDec5, now.Add(3 * day), false, false, ""},
		{"response under 7 days", models.PublishInput{ResponseDeadline: now.Add(7*day - time.Second)}, time.Time{}, time.Time{}, true, false, ""},
		{"response in the past", models.PublishInput{ResponseDeadline: now.Add(-day), ClarificationDeadline: now.Add(day)}, time.Time{}, time.Time{}, true, true, "before the response deadline"},
		{"clarification after the response", models.PublishInput{ResponseDeadline: now.Add(10 * day), ClarificationDeadline: now.Add(11 * day)}, time.Time{}, time.Time{}, false, true, "before the response deadline"},
		{"clarification at the response deadline", models.PublishInput{ResponseDeadline: now.Add(10 * day), ClarificationDeadline: now.Add(10 * day)}, time.Time{}, time.Time{}, false, true, "before the response deadline"},
		{"clarification in the past", models.PublishInput{ResponseDeadline: now.Add(10 * day), ClarificationDeadline: now.Add(-time.Hour)}, time.Time{}, time.Time{}, false, true, "in the future"},
		{"clarification now", models.PublishInput{ResponseDeadline: now.Add(10 * day), ClarificationDeadline: now}, time.Time{}, time.Time{}, false, true, "in the future"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, verr := models.ValidateDeadlines(now, c.in)
			if verr.Has("response_deadline") != c.responseErr || verr.Has("clarification_deadline") != c.clarifyErr {
				t.Fatalf("errors %v", verr.Err())
			}
			if c.clarifyErr && !strings.Contains(verr.Message("clarification_deadline"), c.clarifyMessage) {
				t.Errorf("clarification message %q, want %q", verr.Message("clarification_deadline"), c.clarifyMessage)
			}
			if c.responseErr && !strings.Contains(verr.Message("response_deadline"), "28 November 2026 at 10:00am") {
				t.Errorf("response message %q does not give the earliest deadline in UK time", verr.Message("response_deadline"))
			}
			if verr.Err() != nil {
				return
			}
			if !got.ResponseDeadline.Equal(c.respond) || !got.ClarificationDeadline.Equal(c.clar) {
				t.Errorf("deadlines %s, %s; want %s, %s", got.ResponseDeadline, got.ClarificationDeadline, c.respond, c.clar)
			}
			if got.ResponseDeadline.Location() != time.UTC || got.ClarificationDeadline.Location() != time.UTC {
				t.Error("deadlines not in UTC")
			}
		})
	}
}

// TestDefaultDeadlinesAcrossClockChanges: noon UK time is 11:00 UTC in
// British Summer Time and 12:00 UTC in winter.
func TestDefaultDeadlinesAcrossClockChanges(t *testing.T) {
	cases := []struct {
		name           string
		now            string
		respond, clear string
	}{
		{"winter", "2026-11-21T10:00:00Z", "2026-12-05T12:00:00Z", "2026-11-30T12:00:00Z"},
		{"March, both before the clocks go forward", "2027-03-01T09:00:00Z", "2027-03-15T12:00:00Z", "2027-03-10T12:00:00Z"},
		{"late March, both after the clocks go forward", "2027-03-20T10:00:00Z", "2027-04-03T11:00:00Z", "2027-03-29T11:00:00Z"},
		{"the day before the clocks go forward", "2027-03-27T18:00:00Z", "2027-04-10T11:00:00Z", "2027-04-05T11:00:00Z"},
		{"late October, either side of the clocks going back", "2027-10-20T10:00:00Z", "2027-11-03T12:00:00Z", "2027-10-29T11:00:00Z"},
		{"after midnight UK time, before midnight UTC", "2027-06-10T23:30:00Z", "2027-06-25T11:00:00Z", "2027-06-20T11:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now, err := time.Parse(time.RFC3339, c.now)
			if err != nil {
				t.Fatal(err)
			}
			respond, clarify := models.DefaultDeadlines(now)
			if got := respond.Format(time.RFC3339); got != c.respond {
				t.Errorf("response deadline %s, want %s", got, c.respond)
			}
			if got := clarify.Format(time.RFC3339); got != c.clear {
				t.Errorf("clarification deadline %s, want %s", got, c.clear)
			}
			for _, d := range []time.Time{respond, clarify} {
				if l := d.In(models.London()); l.Hour() != 12 || l.Minute() != 0 {
					t.Errorf("%s is not noon UK time", d)
				}
			}
			if _, verr := models.ValidateDeadlines(now, models.PublishInput{}); verr.Err() != nil {
				t.Errorf("the defaults fail validation: %v", verr.Err())
			}
		})
	}
}

func TestPublishBid(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)

	pub := wantPublicError(t, w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}), 409)
	if !strings.Contains(pub.Message, "Leeds has not signed off") || !strings.Contains(pub.Message, "Bradford has not signed off") {
		t.Errorf("publish before any sign-off: %q", pub.Message)
	}
	if _, err := w.db.SignOffBid(ctx, w.leeds, id); err != nil {
		t.Fatal(err)
	}
	pub = wantPublicError(t, w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}), 409)
	if strings.Contains(pub.Message, "Leeds has not") || !strings.Contains(pub.Message, "Bradford has not signed off") {
		t.Errorf("publish before Bradford's sign-off: %q", pub.Message)
	}
	if _, err := w.db.SignOffBid(ctx, w.bradford, id); err != nil {
		t.Fatal(err)
	}

	// Only the lead's officers publish, with valid deadlines.
	wantPublicError(t, w.db.PublishBid(ctx, w.bradford, id, models.PublishInput{}), 403)
	wantForbidden(t, w.db.PublishBid(ctx, w.councillor, id, models.PublishInput{}))
	wantNotFound(t, w.db.PublishBid(ctx, w.wakefield, id, models.PublishInput{}))
	wantNotFound(t, w.db.PublishBid(ctx, w.supplier, id, models.PublishInput{}))
	now := w.clock.T
	wantValidation(t, w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{ResponseDeadline: now.Add(6 * 24 * time.Hour)}), "response_deadline")
	wantValidation(t, w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{ResponseDeadline: now.Add(10 * 24 * time.Hour),
		ClarificationDeadline: now.Add(11 * 24 * time.Hour)}), "clarification_deadline")
	wantValidation(t, w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{ClarificationDeadline: now.Add(-time.Minute)}), "clarification_deadline")
	if b := w.read(t, w.leeds, id); b.Status != models.BidSigningOff || !b.PublishedAt.IsZero() {
		t.Fatalf("refused publication changed the bid: %s", b.Status)
	}

	respond := time.Date(2026, 12, 8, 17, 0, 0, 0, models.London())
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{ResponseDeadline: respond}); err != nil {
		t.Fatal(err)
	}
	b := w.read(t, w.leeds, id)
	if b.Status != models.BidPublished || !b.PublishedAt.Equal(now) || !b.ResponseDeadline.Equal(respond) ||
		!b.ClarificationDeadline.Equal(respond.AddDate(0, 0, -5)) {
		t.Errorf("published %s at %s, deadlines %s and %s", b.Status, b.PublishedAt, b.ResponseDeadline, b.ClarificationDeadline)
	}
	if got := statuses(b); !slices.Equal(got, models.BidStatuses[:3]) {
		t.Errorf("history %v", got)
	}
	if last := b.History[len(b.History)-1]; last.ActorID != w.leeds.ID || !strings.Contains(last.Note, "8 December 2026 at 5:00pm UK time") {
		t.Errorf("publication note %q", last.Note)
	}

	// Published, it can no longer change.
	s := b.Sections[0]
	budget := int64(1)
	edits := map[string]error{
		"save":     func() error { _, err := w.db.SaveSection(ctx, w.leeds, id, s.ID, "late", s.Version); return err }(),
		"add":      func() error { _, err := w.db.AddSection(ctx, w.bradford, id, "Late section"); return err }(),
		"move":     w.db.MoveSection(ctx, w.leeds, id, s.ID, 1),
		"criteria": w.db.SetCriteria(ctx, w.leeds, id, []models.CriterionInput{{Name: "Price", Weight: 100}}),
		"details":  w.db.UpdateBidDetails(ctx, w.leeds, id, "New title", "", b.CategorySlug),
		"needs":    w.db.UpdateParticipant(ctx, w.bradford, id, bradfordGSS, models.ParticipantInput{BudgetPence: &budget}),
		"invite":   w.db.InviteCouncil(ctx, w.leeds, id, wakefieldGSS),
		"sign off": func() error { _, err := w.db.SignOffBid(ctx, w.leeds, id); return err }(),
		"request":  w.db.RequestSignOff(ctx, w.leeds, id),
		"publish":  w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}),
	}
	for name, err := range edits {
		var pub *models.PublicError
		if !errors.As(err, &pub) || pub.Status != 409 || !strings.Contains(pub.Message, "published") {
			t.Errorf("%s after publishing: %v", name, err)
		}
	}
	if after := w.read(t, w.leeds, id); after.Revision != b.Revision || after.Title != b.Title {
		t.Error("a refused edit changed the published bid")
	}

	// Everyone may read it now, and find it.
	for _, u := range []models.User{{}, w.supplier, w.wakefield, w.admin, w.councillor, w.bradford, w.leeds} {
		b, err := w.db.BidByID(ctx, u, id)
		if err != nil {
			t.Errorf("%q cannot read the published bid: %v", u.Email, err)
			continue
		}
		if b.Access.Edit {
			t.Errorf("%q may edit the published bid", u.Email)
		}
		list, total, err := w.db.Bids(ctx, u, models.BidFilter{Q: "benefits"})
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != id {
			t.Errorf("%q searching: %d found, %v", u.Email, total, err)
		}
	}
}

// TestBidHistoryIsAppendOnly: the database itself refuses to change or
// remove the status history and the kept versions of sections.
func TestBidHistoryIsAppendOnly(t *testing.T) {
	w := newBidWorld(t)
	id := w.publishedBid(t)
	for _, q := range []struct{ table, sql string }{
		{"bid_status_history", `UPDATE bid_status_history SET note = 'rewritten' WHERE bid_id = ?`},
		{"bid_status_history", `DELETE FROM bid_status_history WHERE bid_id = ?`},
		{"bid_section_versions", `UPDATE bid_section_versions SET body = 'rewritten' WHERE section_id IN (SELECT id FROM bid_sections WHERE bid_id = ?)`},
		{"bid_section_versions", `DELETE FROM bid_section_versions WHERE section_id IN (SELECT id FROM bid_sections WHERE bid_id = ?)`},
	} {
		_, err := w.db.W.Exec(q.sql, id)
		if err == nil || !strings.Contains(err.Error(), q.table+" is append-only") {
			t.Errorf("%s: %v, want the trigger's refusal", q.sql, err)
		}
	}
	if got := statuses(w.read(t, w.leeds, id)); !slices.Equal(got, models.BidStatuses[:3]) {
		t.Errorf("history %v", got)
	}
}

func TestCancelBid(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)
	if err := w.db.InviteCouncil(ctx, w.leeds, id, wakefieldGSS); err != nil {
		t.Fatal(err)
	}

	wantValidation(t, w.db.CancelBid(ctx, w.leeds, id, " \n "), "note")
	wantValidation(t, w.db.CancelBid(ctx, w.leeds, id, strings.Repeat("x", models.MaxStatusNote+1)), "note")
	wantPublicError(t, w.db.CancelBid(ctx, w.bradford, id, "Not ours to cancel"), 403)
	wantPublicError(t, w.db.CancelBid(ctx, w.wakefield, id, "Invited only"), 403)
	wantPublicError(t, w.db.CancelBid(ctx, w.councillor, id, "Councillors do not"), 403)
	wantNotFound(t, w.db.CancelBid(ctx, w.supplier, id, "Who?"))

	if err := w.db.CancelBid(ctx, w.leeds, id, "  The budget was withdrawn.  "); err != nil {
		t.Fatal(err)
	}
	b := w.read(t, w.leeds, id)
	if b.Status != models.BidCancelled || !slices.Equal(statuses(b), []models.BidStatus{models.BidDraft, models.BidCancelled}) ||
		b.History[1].Note != "The budget was withdrawn." || b.Access.Edit {
		t.Errorf("cancelled: %s, history %+v, access %+v", b.Status, b.History, b.Access)
	}
	wantPublicError(t, w.db.CancelBid(ctx, w.leeds, id, "Again"), 409)
	wantPublicError(t, w.db.InviteCouncil(ctx, w.leeds, id, "E08000034"), 409)
	_, err := w.db.AddComment(ctx, w.leeds, id, b.Sections[0].ID, "Too late")
	wantPublicError(t, err, 409)

	// Never published, it stays hidden from everyone outside it; the
	// council whose invitation was never answered no longer sees it, on
	// its page or in any list.
	for _, u := range []models.User{w.wakefield, w.supplier, w.admin, {}} {
		_, err := w.db.BidByID(ctx, u, id)
		wantNotFound(t, err)
		list, total, err := w.db.Bids(ctx, u, models.BidFilter{})
		if err != nil || total != 0 || len(list) != 0 {
			t.Errorf("%q lists %d bids, %v", u.Email, total, err)
		}
	}
	for _, u := range []models.User{w.bradford, w.councillor} {
		if _, err := w.db.BidByID(ctx, u, id); err != nil {
			t.Errorf("%q cannot read the cancelled bid: %v", u.Email, err)
		}
		if list, total, err := w.db.Bids(ctx, u, models.BidFilter{Status: models.BidCancelled}); err != nil || total != 1 || list[0].ID != id {
			t.Errorf("%q lists %d cancelled bids, %v", u.Email, total, err)
		}
	}

	// A published bid may be cancelled, and stays public.
	pubID := w.publishedBid(t)
	if err := w.db.CancelBid(ctx, w.leeds, pubID, "No compliant responses expected"); err != nil {
		t.Fatal(err)
	}
	if b := w.read(t, w.supplier, pubID); b.Status != models.BidCancelled {
		t.Errorf("cancelled published bid: %s", b.Status)
	}
	// An awarded bid cannot be cancelled (awarding is the next feature's,
	// so the status is written directly).
	awarded := w.publishedBid(t)
	if _, err := w.db.W.Exec(`UPDATE bids SET status = 'awarded' WHERE id = ?`, awarded); err != nil {
		t.Fatal(err)
	}
	pub := wantPublicError(t, w.db.CancelBid(ctx, w.leeds, awarded, "Too late"), 409)
	if !strings.Contains(pub.Message, "awarded cannot become cancelled") {
		t.Errorf("cancel awarded: %q", pub.Message)
	}
}

func TestBidsFilters(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	revenues := w.startBid(t) // Leeds leads, Bradford invited: "Joint revenues and benefits system"
	w.clock.Advance(time.Hour)
	waste, err := w.db.CreateBid(ctx, w.leeds, models.NewBid{Title: "Waste collection rounds", CategorySlug: "revenues-benefits", PartnerGSS: []string{bradfordGSS}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.AnswerInvitation(ctx, w.bradford, waste, bradfordGSS, true); err != nil {
		t.Fatal(err)
	}
	w.signOffBoth(t, waste)
	if err := w.db.PublishBid(ctx, w.leeds, waste, models.PublishInput{}); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Hour)
	wakefields, err := w.db.CreateBid(ctx, w.wakefield, models.NewBid{Title: "Waste management software", CategorySlug: "revenues-benefits"})
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Hour)
	housing, err := w.db.CreateBid(ctx, w.leeds, models.NewBid{Title: "Housing repairs", CategorySlug: "revenues-benefits"})
	if err != nil {
		t.Fatal(err)
	}
	scope := w.read(t, w.leeds, housing).Sections[1]
	if _, err := w.db.SaveSection(ctx, w.leeds, housing, scope.ID, "Repairs, voids and bulky waste from council homes.", scope.Version); err != nil {
		t.Fatal(err)
	}

	ids := func(list []models.BidSummary) []int64 {
		var out []int64
		for _, s := range list {
			out = append(out, s.ID)
		}
		return out
	}
	cases := []struct {
		name   string
		viewer models.User
		f      models.BidFilter
		want   []int64 // in order
	}{
		{"Leeds, newest activity first", w.leeds, models.BidFilter{}, []int64{housing, waste, revenues}},
		{"Leeds's drafts", w.leeds, models.BidFilter{Status: models.BidDraft}, []int64{housing, revenues}},
		{"published", w.leeds, models.BidFilter{Status: models.BidPublished}, []int64{waste}},
		{"signing off", w.leeds, models.BidFilter{Status: models.BidSigningOff}, nil},
		{"Bradford: invited and accepted", w.bradford, models.BidFilter{}, []int64{waste, revenues}},
		{"Bradford's own", w.bradford, models.BidFilter{Mine: true}, []int64{waste, revenues}},
		{"Wakefield", w.wakefield, models.BidFilter{}, []int64{wakefields, waste}},
		{"Wakefield's own", w.wakefield, models.BidFilter{Mine: true}, []int64{wakefields}},
		{"supplier", w.supplier, models.BidFilter{}, []int64{waste}},
		{"supplier's own", w.supplier, models.BidFilter{Mine: true}, nil},
		{"visitor", models.User{}, models.BidFilter{}, []int64{waste}},
		{"councillor of the lead", w.councillor, models.BidFilter{Mine: true}, []int64{housing, waste, revenues}},
		{"title beats body", w.leeds, models.BidFilter{Q: "waste"}, []int64{waste, housing}},
		{"Wakefield searching", w.wakefield, models.BidFilter{Q: "waste"}, []int64{wakefields, waste}},
		{"prefix of the last word", w.leeds, models.BidFilter{Q: "revenues bene"}, []int64{revenues}},
		{"every word required", w.leeds, models.BidFilter{Q: "benefits housing"}, nil},
		{"words in any order", w.leeds, models.BidFilter{Q: "system joint"}, []int64{revenues}},
		{"search and status", w.leeds, models.BidFilter{Q: "waste", Status: models.BidDraft}, []int64{housing}},
		{"limit", w.leeds, models.BidFilter{Limit: 2}, []int64{housing, waste}},
		{"offset", w.leeds, models.BidFilter{Limit: 2, Offset: 2}, []int64{revenues}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			list, total, err := w.db.Bids(ctx, c.viewer, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(list); !slices.Equal(got, c.want) {
				t.Errorf("bids %v, want %v", got, c.want)
			}
			if c.f.Limit == 0 && total != len(c.want) {
				t.Errorf("total %d, want %d", total, len(c.want))
			}
			for _, s := range list {
				if c.f.Q != "" && s.Snippet == "" {
					t.Errorf("bid %d found with no snippet", s.ID)
				}
				if c.f.Q == "" && s.Snippet != "" {
					t.Errorf("bid %d listed with a snippet %q", s.ID, s.Snippet)
				}
			}
		})
	}
	if _, total, _ := w.db.Bids(ctx, w.leeds, models.BidFilter{Limit: 2}); total != 3 {
		t.Errorf("total with a limit %d, want 3", total)
	}

	// What the list says of each bid, from the viewer's side.
	list, _, _ := w.db.Bids(ctx, w.bradford, models.BidFilter{})
	for _, s := range list {
		switch s.ID {
		case waste:
			if s.MyState != models.InvitationAccepted || s.Councils != 2 || s.Status != models.BidPublished ||
				s.ResponseDeadline.IsZero() || s.LeadGSS != leedsGSS || s.LeadName != "Leeds" || s.CategoryName == "" {
				t.Errorf("published bid: %+v", s)
			}
		case revenues:
			if s.MyState != models.InvitationInvited || s.Councils != 1 || !s.ResponseDeadline.IsZero() {
				t.Errorf("invited bid: %+v", s)
			}
		}
	}
	if list, _, _ := w.db.Bids(ctx, w.wakefield, models.BidFilter{Q: "rounds"}); len(list) != 1 || list[0].MyState != "" {
		t.Errorf("a stranger's state in a published bid: %+v", list)
	}

	// Whatever people type, searching never fails.
	for _, q := range []string{`"waste`, `title:x OR`, `waste AND`, `NEAR(waste`, `*`, `-`, `(`, `'`, `waste -rounds`, `–`, `😀 waste`,
		`""""`, `waste^`, `{title}: waste`, strings.Repeat("waste ", 40), "\x00"} {
		if _, _, err := w.db.Bids(ctx, w.leeds, models.BidFilter{Q: q}); err != nil {
			t.Errorf("search %q: %v", q, err)
		}
	}
}

func TestFTSQuery(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"waste", `"waste"*`},
		{"Waste collection", `"Waste" "collection"*`},
		{`"waste`, `"waste"*`},
		{`title:x OR`, `"title" "x" "OR"*`},
		{`NEAR(a b)`, `"NEAR" "a" "b"*`},
		{`waste AND -rounds`, `"waste" "AND" "rounds"*`},
		{`*`, ""},
		{`- ' _`, ""},
		{`council's`, `"council's"*`},
		{`e-tendering`, `"e-tendering"*`},
		{`--x--`, `"x"*`},
		{`café`, `"café"*`},
		{`a,b;c`, `"a" "b" "c"*`},
		{"one two three four five six seven eight nine ten eleven twelve thirteen",
			`"one" "two" "three" "four" "five" "six" "seven" "eight" "nine" "ten" "eleven" "twelve"*`},
	}
	for _, c := range cases {
		if got := models.FTSQuery(c.in); got != c.want {
			t.Errorf("FTSQuery(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestPublishedBidHidesInternalFields: outside the councils' side a bid
// has no budgets, nominees, sign-offs, declined councils or authors.
func TestPublishedBidHidesInternalFields(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.readyBid(t)
	budget := int64(120_000_00)
	if err := w.db.UpdateParticipant(ctx, w.bradford, id, bradfordGSS, models.ParticipantInput{
		Requirements: "Council tax for 215,000 homes", Volumes: "40 users", BudgetPence: &budget}); err != nil {
		t.Fatal(err)
	}
	if err := w.db.InviteCouncil(ctx, w.leeds, id, wakefieldGSS); err != nil {
		t.Fatal(err)
	}
	if err := w.db.AnswerInvitation(ctx, w.wakefield, id, wakefieldGSS, false); err != nil {
		t.Fatal(err)
	}
	section := w.read(t, w.leeds, id).Sections[0]
	if _, err := w.db.AddComment(ctx, w.bradford, id, section.ID, "Open remark"); err != nil {
		t.Fatal(err)
	}
	w.signOffBoth(t, id)
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); err != nil {
		t.Fatal(err)
	}

	inside := w.read(t, w.leeds, id)
	if p, _ := inside.Participant(bradfordGSS); p.BudgetPence == nil || *p.BudgetPence != budget || p.NomineeEmail != testutil.Officer2Email {
		t.Errorf("the lead sees Bradford as %+v", p)
	}
	if _, ok := inside.Participant(wakefieldGSS); !ok {
		t.Error("the lead does not see Wakefield's decline")
	}
	if inside.Sections[0].UpdatedByName == "" || inside.Sections[0].OpenComments != 1 {
		t.Errorf("the lead sees section %+v", inside.Sections[0])
	}

	for _, u := range []models.User{w.supplier, {}, w.wakefield, w.admin} {
		b := w.read(t, u, id)
		if b.Access.Internal || b.Access.Edit || b.Access.Lead || b.Access.Nominee {
			t.Errorf("%q: access %+v", u.Email, b.Access)
		}
		if len(b.Participants) != 2 {
			t.Errorf("%q sees %d participants, want Leeds and Bradford", u.Email, len(b.Participants))
		}
		for _, p := range b.Participants {
			stripped := p.BudgetPence == nil && p.NomineeID == 0 && p.NomineeName == "" && p.NomineeEmail == "" &&
				p.SignedOffBy == 0 && p.SignedOffByName == "" && p.SignedOffAt.IsZero() && p.InvitedAt.IsZero() && p.AnsweredAt.IsZero()
			if !stripped || p.State != models.InvitationAccepted {
				t.Errorf("%q sees participant %+v", u.Email, p)
			}
		}
		if p, _ := b.Participant(bradfordGSS); p.Requirements != "Council tax for 215,000 homes" || p.Volumes != "40 users" {
			t.Errorf("%q does not see what Bradford needs: %+v", u.Email, p)
		}
		for _, s := range b.Sections {
			if s.UpdatedBy != 0 || s.UpdatedByName != "" || s.OpenComments != 0 || s.Body == "" {
				t.Errorf("%q sees section %+v", u.Email, s)
			}
		}
		s, err := w.db.BidSection(ctx, u, id, section.ID)
		if err != nil || s.UpdatedByName != "" || s.UpdatedBy != 0 || s.OpenComments != 0 || s.Body != section.Body {
			t.Errorf("%q reads section %+v, %v", u.Email, s, err)
		}
		_, err = w.db.SectionVersions(ctx, u, id, section.ID)
		wantNotFound(t, err)
		_, err = w.db.SectionComments(ctx, u, id, section.ID)
		wantNotFound(t, err)
		_, err = w.db.BidActivityFeed(ctx, u, id, 0)
		wantNotFound(t, err)
	}
}
