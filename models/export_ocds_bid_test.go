package models_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// A joint bid's OCDS release package, through its life: published, closed,
// awarded (and cancelled), each checked against the OCDS 1.1.5 schema, and
// never naming a respondent but the winner, and the winner only once the
// award is made.

const bidOCDSBase = "https://jointly.example"

// bidPackage is the part of a bid's release package the tests read.
type bidPackage struct {
	URI, Version, PublishedDate, License string
	Releases                             []struct {
		OCID, ID, Date string
		Tag            []string
		Buyer          struct{ ID, Name string }
		Parties        []struct {
			ID, Name string
			Roles    []string
		}
		Tender struct {
			ID, Title, Status, ProcurementMethod, MainProcurementCategory, AwardCriteria, AwardCriteriaDetails string
			TenderPeriod, EnquiryPeriod                                                                        struct{ StartDate, EndDate string }
			Items                                                                                              []struct {
				Classification *struct{ Scheme, ID string }
			}
		}
		Awards []struct {
			ID, Status, Date string
			Value            struct {
				Amount   json.Number
				Currency string
			}
			Suppliers []struct{ ID, Name string }
		}
		Contracts []struct {
			ID, AwardID, Status string
			Value               struct{ Amount json.Number }
			Period              struct{ StartDate, EndDate string }
		}
	}
}

// bidPackageFor reads bid id's package as viewer, checks it against the
// schema, and decodes it.
func bidPackageFor(t *testing.T, db *models.DB, viewer models.User, id int64) (bidPackage, string) {
	t.Helper()
	b, err := db.BidReleasePackage(context.Background(), viewer, id, "ocds-test", bidOCDSBase)
	if err != nil {
		t.Fatalf("package of bid %d: %v", id, err)
	}
	if err := testutil.ValidateOCDS(testutil.OCDSReleasePackageSchema(t), b); err != nil {
		t.Fatalf("package fails the OCDS 1.1.5 schema:\n%v\n%s", err, b)
	}
	var p bidPackage
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil || len(p.Releases) != 1 {
		t.Fatalf("decode: %v, %d releases\n%s", err, len(p.Releases), b)
	}
	return p, string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%q is not a contract id", s)
	}
	return n
}

// partyRoles is the roles of the party id in p's release.
func partyRoles(p bidPackage, id string) []string {
	for _, party := range p.Releases[0].Parties {
		if party.ID == id {
			return party.Roles
		}
	}
	return nil
}

// ocdsJourney takes a Leeds-led bid with Bradford, replacing one contract
// of each council, to the point of award: two suppliers respond, the
// deadline passes, the panel scores and the chair moderates (Pennine
// Digital first). It returns the bid, the responses (winner first) and
// the replaced contracts (Leeds's, Bradford's).
func ocdsJourney(t *testing.T, w bidWorld) (b models.Bid, win, lose models.Response, replaced [2]int64) {
	t.Helper()
	ctx := context.Background()
	leedsC, bradfordC, _ := pairedContracts(t, w.db)
	replaced = [2]int64{leedsC, bradfordC}
	id, err := w.db.CreateBid(ctx, w.leeds, models.NewBid{Title: "Joint revenues and benefits system",
		Summary: "One system for both councils.", CategorySlug: "revenues-benefits", PartnerGSS: []string{bradfordGSS},
		ReplacesContractIDs: replaced[:]})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.AnswerInvitation(ctx, w.bradford, id, bradfordGSS, true); err != nil {
		t.Fatal(err)
	}
	w.signOffBoth(t, id)
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); err != nil {
		t.Fatal(err)
	}
	b = w.read(t, w.leeds, id)
	airedale := mustCreateUser(t, w.db, models.NewUser{Email: "tenders@airedale.example", Name: "Ada Airedale",
		Role: models.RoleSupplier, SupplierName: "Airedale Systems Ltd"})
	for _, s := range []struct {
		u     models.User
		price int64
	}{{w.supplier, 450_000_00}, {airedale, 390_000_00}} {
		if _, _, err := w.db.SaveResponse(ctx, s.u, id, models.ResponseInput{Answers: answersFor(t, b, s.u.Name),
			PricePence: &s.price, Submit: true}); err != nil {
			t.Fatal(err)
		}
	}

	// Open and sealed: the package names no respondent.
	p, raw := bidPackageFor(t, w.db, models.User{}, id)
	if r := p.Releases[0]; !slices.Equal(r.Tag, []string{"tender"}) || r.Tender.Status != "active" || len(r.Awards) != 0 {
		t.Errorf("published: tag %v, tender %s, %d awards", r.Tag, r.Tender.Status, len(r.Awards))
	}
	for _, name := range []string{"Pennine", "Airedale"} {
		if strings.Contains(raw, name) {
			t.Errorf("the package of an open bid names %s:\n%s", name, raw)
		}
	}

	w.clock.T = b.ResponseDeadline.Add(time.Minute)
	for _, u := range []models.User{w.leeds, w.bradford} {
		role := models.PanelEvaluator
		if u.ID == w.leeds.ID {
			role = models.PanelChair
		}
		if err := w.db.SetPanelMember(ctx, w.leeds, id, u.ID, role); err != nil {
			t.Fatal(err)
		}
		if err := w.db.DeclareInterests(ctx, u, id, false, ""); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := w.db.BidResponses(ctx, w.leeds, id)
	if err != nil || len(rs) != 2 {
		t.Fatalf("%d responses after the close, %v", len(rs), err)
	}
	scores := func(n int) []models.ScoreInput {
		var out []models.ScoreInput
		for _, c := range b.Criteria {
			out = append(out, models.ScoreInput{CriterionID: c.ID, Score: n, Justification: "Because"})
		}
		return out
	}
	for _, u := range []models.User{w.leeds, w.bradford} {
		for _, r := range rs {
			if err := w.db.SaveScores(ctx, u, id, r.ID, scores(5)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.db.SubmitScores(ctx, u, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rs {
		n := 6
		if r.SupplierID == w.supplier.SupplierID {
			win, n = r, 8
		} else {
			lose = r
		}
		if err := w.db.SaveModeratedScores(ctx, w.leeds, id, r.ID, scores(n)); err != nil {
			t.Fatal(err)
		}
	}
	return w.read(t, w.leeds, id), win, lose, replaced
}

func TestBidReleasePackageThroughTheAward(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)

	// A draft has no release: not found to outsiders, and not published
	// to its own councils.
	draft := w.readyBid(t)
	for _, u := range []models.User{{}, w.supplier, w.wakefield} {
		if _, err := w.db.BidReleasePackage(ctx, u, draft, "", bidOCDSBase); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("draft's package for %q: %v, want not found", u.Email, err)
		}
	}
	_, err := w.db.BidReleasePackage(ctx, w.leeds, draft, "", bidOCDSBase)
	wantPublic(t, err, 404, "has not been published")

	b, win, lose, replaced := ocdsJourney(t, w)

	// Closed and evaluated, not yet awarded: still only the tender.
	p, raw := bidPackageFor(t, w.db, w.supplier, b.ID)
	r := p.Releases[0]
	if b.Status != models.BidEvaluating || !slices.Equal(r.Tag, []string{"tender"}) || len(r.Awards)+len(r.Contracts) != 0 {
		t.Errorf("before the award (%s): tag %v, %d awards, %d contracts", b.Status, r.Tag, len(r.Awards), len(r.Contracts))
	}
	if strings.Contains(raw, win.SupplierName) || strings.Contains(raw, lose.SupplierName) {
		t.Errorf("the package before the award names a respondent:\n%s", raw)
	}
	if r.OCID != "ocds-test-bid-"+itoa(b.ID) || p.URI != bidOCDSBase+models.BidOCDSPath(b.ID) || p.Version != "1.1" ||
		p.License == "" || p.PublishedDate != r.Date || !strings.HasPrefix(r.ID, r.OCID+"-") {
		t.Errorf("package head: uri %s, version %s, ocid %s, id %s, published %s, date %s", p.URI, p.Version, r.OCID, r.ID, p.PublishedDate, r.Date)
	}
	tender := r.Tender
	if tender.Title != b.Title || tender.ProcurementMethod != "open" || tender.MainProcurementCategory != "services" ||
		tender.AwardCriteria != "ratedCriteria" || !strings.Contains(tender.AwardCriteriaDetails, b.Criteria[0].Name) ||
		tender.TenderPeriod.EndDate != b.ResponseDeadline.UTC().Format(time.RFC3339) ||
		tender.EnquiryPeriod.EndDate != b.ClarificationDeadline.UTC().Format(time.RFC3339) {
		t.Errorf("tender %+v", tender)
	}
	if len(tender.Items) != 1 || tender.Items[0].Classification == nil || tender.Items[0].Classification.Scheme != "CPV" {
		t.Errorf("tender items %+v, want the category's CPV code", tender.Items)
	}

	// The award.
	award, err := w.db.AwardBid(ctx, w.leeds, b.ID, models.AwardInput{ResponseID: win.ID, ValuePence: 900_000_00,
		StartDate: models.NewDate(2027, time.April, 1), EndDate: models.NewDate(2030, time.March, 31)})
	if err != nil {
		t.Fatal(err)
	}
	p, raw = bidPackageFor(t, w.db, models.User{}, b.ID)
	r = p.Releases[0]
	if !slices.Equal(r.Tag, []string{"tender", "award", "contract"}) || r.Tender.Status != "complete" {
		t.Errorf("awarded: tag %v, tender status %s", r.Tag, r.Tender.Status)
	}
	if strings.Contains(raw, lose.SupplierName) || strings.Contains(raw, "Airedale") {
		t.Errorf("the package names the unsuccessful respondent:\n%s", raw)
	}
	for _, gss := range []string{leedsGSS, bradfordGSS} {
		if got := partyRoles(p, "GB-GSS-"+gss); !slices.Equal(got, []string{"buyer"}) {
			t.Errorf("council %s has roles %v, want buyer", gss, got)
		}
	}
	if r.Buyer.ID != "GB-GSS-"+leedsGSS {
		t.Errorf("release buyer %+v, want the lead, Leeds", r.Buyer)
	}
	if len(r.Awards) != 1 || len(r.Awards[0].Suppliers) != 1 || r.Awards[0].Suppliers[0].Name != win.SupplierName ||
		r.Awards[0].Value.Amount != "900000.00" || r.Awards[0].Value.Currency != "GBP" || r.Awards[0].Status != "active" {
		t.Fatalf("awards %+v", r.Awards)
	}
	if got := partyRoles(p, r.Awards[0].Suppliers[0].ID); !slices.Contains(got, "supplier") || !slices.Contains(got, "tenderer") {
		t.Errorf("winner's roles %v", got)
	}
	if len(r.Contracts) != 2 {
		t.Fatalf("%d contracts, want one per council", len(r.Contracts))
	}
	var total float64
	for _, c := range r.Contracts {
		v, _ := c.Value.Amount.Float64()
		total += v
		if c.AwardID != r.Awards[0].ID || c.Status != "pending" || c.Period.StartDate != "2027-04-01T00:00:00Z" {
			t.Errorf("contract %+v", c)
		}
		if !slices.Contains(award.ContractIDs, mustAtoi(t, c.ID)) {
			t.Errorf("contract %s is not one the award created (%v)", c.ID, award.ContractIDs)
		}
	}
	if total != 900_000 {
		t.Errorf("contracts' values add up to %v, want the award's", total)
	}

	// Each resulting contract links to the bid and the contracts it replaces.
	for _, cid := range award.ContractIDs {
		k, err := w.db.ContractByID(ctx, w.leeds, cid)
		if err != nil {
			t.Fatal(err)
		}
		l, err := w.db.ContractLinks(ctx, w.leeds, cid)
		if err != nil {
			t.Fatal(err)
		}
		want := replaced[0]
		if k.CouncilGSS == bradfordGSS {
			want = replaced[1]
		}
		if l.BidID != b.ID || l.BidTitle != b.Title || len(l.Replaces) != 1 || l.Replaces[0].ID != want || l.Replaces[0].Title == "" {
			t.Errorf("links of %s's contract: %+v", k.CouncilGSS, l)
		}
		old, err := w.db.ContractLinks(ctx, w.councillor, want)
		if err != nil || len(old.ReplacedBy) != 1 || old.ReplacedBy[0].ID != cid || old.BidID != 0 {
			t.Errorf("links of replaced contract %d: %+v, %v", want, old, err)
		}
	}
	if _, err := w.db.ContractLinks(ctx, w.supplier, award.ContractIDs[0]); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("a supplier read a contract's links: %v", err)
	}
	cs, err := w.db.BidContracts(ctx, w.bradford, b.ID)
	if err != nil || len(cs) != 2 {
		t.Errorf("bid contracts %+v, %v", cs, err)
	}
	if _, err := w.db.BidContracts(ctx, w.wakefield, b.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("an outside council listed the bid's contracts: %v", err)
	}
}

func TestBidReleasePackageCancelled(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.publishedBid(t)
	if err := w.db.CancelBid(ctx, w.leeds, id, "Budgets withdrawn."); err != nil {
		t.Fatal(err)
	}
	p, _ := bidPackageFor(t, w.db, models.User{}, id)
	if r := p.Releases[0]; !slices.Equal(r.Tag, []string{"tender", "tenderCancellation"}) || r.Tender.Status != "cancelled" {
		t.Errorf("cancelled: tag %v, tender status %s", r.Tag, r.Tender.Status)
	}
	if _, err := w.db.BidReleasePackage(ctx, models.User{}, id, "not a prefix!", bidOCDSBase); err == nil {
		t.Error("a bad ocid prefix was accepted")
	}
}
