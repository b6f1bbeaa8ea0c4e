package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// The joint bids' JSON API, called as a script would, with personal
// tokens: Leeds (cio@leeds.gov.uk) leads, Bradford (digital@bradford.gov.uk)
// is the partner. The clock stands on 21 November 2026, 10:00 UTC.

const wakefield = "E08000036"

// apiBidView is a bid as the API shows it, for the fields tests look at.
type apiBidView struct {
	ID           int64  `json:"id"`
	Title        string `json:"title"`
	Category     string `json:"category"`
	Status       string `json:"status"`
	Revision     int    `json:"revision"`
	Participants []struct {
		GSS         string  `json:"gss"`
		Role        string  `json:"role"`
		State       string  `json:"state"`
		Nominee     *string `json:"nominee"`
		SignedOffAt *string `json:"signed_off_at"`
		BudgetPence *int64  `json:"budget_pence"`
	} `json:"participants"`
	Replaces []struct {
		ContractID int64  `json:"contract_id"`
		CouncilGSS string `json:"council_gss"`
	} `json:"replaces"`
	Sections []apiSectionView `json:"sections"`
	Criteria []struct {
		Name   string `json:"name"`
		Weight int    `json:"weight"`
	} `json:"criteria"`
	ResponseDeadline      *string `json:"response_deadline"`
	ClarificationDeadline *string `json:"clarification_deadline"`
	PublishedAt           *string `json:"published_at"`
	History               []struct {
		Status string `json:"status"`
		Actor  string `json:"actor"`
	} `json:"history"`
	Access struct {
		Edit, Lead, Nominee, Invited, Internal bool
	} `json:"access"`
}

type apiSectionView struct {
	ID        int64   `json:"id"`
	Heading   string  `json:"heading"`
	Version   int     `json:"version"`
	Body      string  `json:"body"`
	UpdatedBy *string `json:"updated_by"`
}

// participant is the bid's participant gss; it fails the test if absent.
func (b apiBidView) participant(t testing.TB, gss string) (signedOff bool, state string) {
	t.Helper()
	for _, p := range b.Participants {
		if p.GSS == gss {
			return p.SignedOffAt != nil, p.State
		}
	}
	t.Fatalf("bid %d has no participant %s", b.ID, gss)
	return false, ""
}

// wantProblemStatus checks an RFC 9457 problem document with status.
func wantProblemStatus(t testing.TB, r testutil.Response, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, excerpt(r.Body))
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q, want application/problem+json\n%s", ct, excerpt(r.Body))
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatalf("%v\n%s", err, r.Body)
	}
	if p["status"] != float64(status) || p["title"] == "" || p["request_id"] == "" {
		t.Errorf("not a problem document for %d: %s", status, r.Body)
	}
	return p
}

// startAPIBid has Leeds start a bid with Bradford through the API and,
// when accept, Bradford accept it: the bid as Leeds then sees it.
func startAPIBid(e *env, leedsAPI, bradfordAPI apiCaller, title string, accept bool) apiBidView {
	e.t.Helper()
	var b apiBidView
	wantJSON(e.t, leedsAPI.do("POST", "/api/v1/bids", map[string]any{
		"title": title, "category": "revenues-benefits", "partner_gss": []string{bradford},
	}), http.StatusCreated, &b)
	if accept {
		wantJSON(e.t, bradfordAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/invitations/%s/accept", b.ID, bradford), nil), http.StatusOK, &b)
	}
	return b
}

// getAPIBid reads a bid through the API, wanting 200.
func getAPIBid(e *env, a apiCaller, id int64) apiBidView {
	e.t.Helper()
	var b apiBidView
	wantJSON(e.t, a.do("GET", fmt.Sprintf("/api/v1/bids/%d", id), nil), http.StatusOK, &b)
	return b
}

// sectionPath is a section's API URL.
func sectionPath(bidID, sectionID int64) string {
	return fmt.Sprintf("/api/v1/bids/%d/sections/%d", bidID, sectionID)
}

// TestBidAPIJourneyFromPartnerMatch: two councils take a partner match to
// a published joint bid through the API alone.
func TestBidAPIJourneyFromPartnerMatch(t *testing.T) {
	e := newEnv(t)
	leedsAPI, bradfordAPI := e.api(testutil.OfficerEmail), e.api(testutil.Officer2Email)

	// A partner match between a Leeds and a Bradford contract in the same
	// category, from the seeded registers.
	var matches struct {
		Matches []struct {
			ContractID        int64 `json:"contract_id"`
			PartnerContractID int64 `json:"partner_contract_id"`
			Partner           struct {
				GSSCode string `json:"gss_code"`
			} `json:"partner"`
		} `json:"matches"`
	}
	wantJSON(t, leedsAPI.do("GET", "/api/v1/councils/"+leeds+"/partners?window_months=60&limit=1000", nil), http.StatusOK, &matches)
	category := func(id int64) string {
		var k struct {
			Category *struct {
				Slug string `json:"slug"`
			} `json:"category"`
		}
		wantJSON(t, leedsAPI.do("GET", fmt.Sprintf("/api/v1/contracts/%d", id), nil), http.StatusOK, &k)
		if k.Category == nil {
			return ""
		}
		return k.Category.Slug
	}
	var leedsContract, bradfordContract int64
	var slug string
	for _, m := range matches.Matches {
		if m.Partner.GSSCode != bradford {
			continue
		}
		if c := category(m.ContractID); c != "" && c == category(m.PartnerContractID) {
			leedsContract, bradfordContract, slug = m.ContractID, m.PartnerContractID, c
			break
		}
	}
	if leedsContract == 0 {
		t.Fatalf("the seeded registers have no Leeds–Bradford partner match within one category (%d matches)", len(matches.Matches))
	}

	// Leeds starts the bid; Bradford's officers are emailed at once.
	r := leedsAPI.do("POST", "/api/v1/bids", map[string]any{
		"title": "Joint procurement from a partner match", "summary": "Leeds and Bradford buy together.", "category": slug,
		"partner_gss": []string{bradford}, "replaces_contract_ids": []int64{leedsContract, bradfordContract},
	})
	var b apiBidView
	wantJSON(t, r, http.StatusCreated, &b)
	if want := fmt.Sprintf("/api/v1/bids/%d", b.ID); r.Location != want {
		t.Errorf("Location %q, want %q", r.Location, want)
	}
	if b.Status != "draft" || b.Category != slug || len(b.Replaces) != 2 || len(b.Sections) == 0 || len(b.Criteria) == 0 || !b.Access.Lead || !b.Access.Edit {
		t.Errorf("new bid: %+v", b)
	}
	if _, state := b.participant(t, bradford); state != "invited" {
		t.Errorf("Bradford is %q, want invited", state)
	}
	invited := false
	for _, raw := range e.app.Outbox(t) {
		hdr, body := emailBody(t, raw)
		if strings.Contains(hdr.Get("To"), testutil.Officer2Email) && strings.Contains(hdr.Get("Subject"), "invites you to a joint bid") &&
			strings.Contains(body, fmt.Sprintf("http://jointly.test/bids/%d", b.ID)) {
			invited = true
		}
	}
	if !invited {
		t.Errorf("no invitation email to %s in the outbox", testutil.Officer2Email)
	}

	// Bradford reads the draft, may not edit it before accepting, then accepts.
	seen := getAPIBid(e, bradfordAPI, b.ID)
	if !seen.Access.Invited || seen.Access.Edit {
		t.Errorf("Bradford before accepting: access %+v", seen.Access)
	}
	wantProblemStatus(t, bradfordAPI.do("PUT", sectionPath(b.ID, b.Sections[0].ID), map[string]any{"body": "x", "base_version": 1}), http.StatusForbidden)
	wantJSON(t, bradfordAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/invitations/%s/accept", b.ID, bradford), nil), http.StatusOK, &seen)
	if _, state := seen.participant(t, bradford); state != "accepted" || !seen.Access.Edit || !seen.Access.Nominee {
		t.Errorf("Bradford after accepting: %q, access %+v", state, seen.Access)
	}

	// Both edit sections.
	var s apiSectionView
	wantJSON(t, leedsAPI.do("PUT", sectionPath(b.ID, b.Sections[0].ID), map[string]any{"body": "Leeds and Bradford run revenues and benefits.", "base_version": b.Sections[0].Version}), http.StatusOK, &s)
	if s.Version != b.Sections[0].Version+1 || s.UpdatedBy == nil || *s.UpdatedBy != "Sam Okafor" {
		t.Errorf("Leeds's save: %+v", s)
	}
	wantJSON(t, bradfordAPI.do("PUT", sectionPath(b.ID, b.Sections[1].ID), map[string]any{"body": "Council tax and housing benefit.", "base_version": b.Sections[1].Version}), http.StatusOK, &s)

	// Criteria: weights must add up to 100.
	critPath := fmt.Sprintf("/api/v1/bids/%d/criteria", b.ID)
	wantFields(t, leedsAPI.do("PUT", critPath, []map[string]any{{"name": "Quality", "weight": 60}, {"name": "Price", "weight": 30}}), "criteria")
	var crit struct {
		Criteria []struct {
			ID     int64  `json:"id"`
			Name   string `json:"name"`
			Weight int    `json:"weight"`
		} `json:"criteria"`
	}
	wantJSON(t, leedsAPI.do("PUT", critPath, []map[string]any{{"name": "Quality", "weight": 60, "description": "Meets our needs."}, {"name": "Price", "weight": 40}}), http.StatusOK, &crit)
	if len(crit.Criteria) != 2 || crit.Criteria[0].Name != "Quality" || crit.Criteria[1].Weight != 40 || crit.Criteria[0].ID == 0 {
		t.Errorf("criteria: %+v", crit)
	}

	// Both sign off; the first asks Bradford's nominee by email.
	wantJSON(t, leedsAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/signoff", b.ID), nil), http.StatusOK, &b)
	if b.Status != "signing_off" {
		t.Errorf("after the first sign-off: status %q", b.Status)
	}
	asked := false
	for _, raw := range e.app.Outbox(t) {
		hdr, _ := emailBody(t, raw)
		if strings.Contains(hdr.Get("To"), testutil.Officer2Email) && strings.Contains(hdr.Get("Subject"), "Please sign off") {
			asked = true
		}
	}
	if !asked {
		t.Errorf("no sign-off request to %s in the outbox", testutil.Officer2Email)
	}
	wantJSON(t, bradfordAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/signoff", b.ID), nil), http.StatusOK, &b)
	for _, gss := range []string{leeds, bradford} {
		if signed, _ := b.participant(t, gss); !signed {
			t.Errorf("%s has not signed off", gss)
		}
	}

	// Leeds publishes with the default deadlines: noon UK time 14 days on,
	// clarification questions closing 5 days before.
	wantJSON(t, leedsAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/publish", b.ID), nil), http.StatusOK, &b)
	uk := models.London()
	wantResponse := time.Date(2026, 12, 5, 12, 0, 0, 0, uk).UTC().Format(time.RFC3339)
	wantClarify := time.Date(2026, 11, 30, 12, 0, 0, 0, uk).UTC().Format(time.RFC3339)
	if b.Status != "published" || b.ResponseDeadline == nil || *b.ResponseDeadline != wantResponse ||
		b.ClarificationDeadline == nil || *b.ClarificationDeadline != wantClarify || b.PublishedAt == nil || b.Access.Edit {
		t.Errorf("published bid: status %q, deadlines %v / %v (want %s / %s), published %v, access %+v",
			b.Status, deref(b.ResponseDeadline), deref(b.ClarificationDeadline), wantResponse, wantClarify, deref(b.PublishedAt), b.Access)
	}
	var statuses []string
	for _, h := range b.History {
		statuses = append(statuses, h.Status)
	}
	if got := strings.Join(statuses, ","); got != "draft,signing_off,published" {
		t.Errorf("history %s, want draft,signing_off,published", got)
	}
}

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

// TestBidAPIConcurrentEdits: two officers start from the same version; the
// second save is refused with both texts, and nothing is lost.
func TestBidAPIConcurrentEdits(t *testing.T) {
	e := newEnv(t)
	leedsAPI, bradfordAPI := e.api(testutil.OfficerEmail), e.api(testutil.Officer2Email)
	b := startAPIBid(e, leedsAPI, bradfordAPI, "Concurrent edits", true)
	path := sectionPath(b.ID, b.Sections[1].ID)

	var mine, theirs apiSectionView
	wantJSON(t, leedsAPI.do("GET", path, nil), http.StatusOK, &mine)
	wantJSON(t, bradfordAPI.do("GET", path, nil), http.StatusOK, &theirs)
	if mine.Version != theirs.Version || mine.Body != theirs.Body {
		t.Fatalf("two reads differ: %+v / %+v", mine, theirs)
	}
	start := mine.Version
	leedsText := mine.Body + "\n\n- Leeds: 800,000 residents"
	bradfordText := theirs.Body + "\n\n- Bradford: 550,000 residents"

	var saved apiSectionView
	wantJSON(t, leedsAPI.do("PUT", path, map[string]any{"body": leedsText, "base_version": start}), http.StatusOK, &saved)
	if saved.Version != start+1 || saved.Body != leedsText {
		t.Fatalf("first save: %+v", saved)
	}

	r := bradfordAPI.do("PUT", path, map[string]any{"body": bradfordText, "base_version": start})
	p := wantProblemStatus(t, r, http.StatusConflict)
	var conflict struct {
		BaseVersion int `json:"base_version"`
		Current     struct {
			Version   int     `json:"version"`
			Body      string  `json:"body"`
			UpdatedBy *string `json:"updated_by"`
			UpdatedAt string  `json:"updated_at"`
		} `json:"current"`
		Yours string `json:"yours"`
	}
	if err := json.Unmarshal([]byte(r.Body), &conflict); err != nil {
		t.Fatal(err)
	}
	if conflict.Current.Version != start+1 || conflict.Current.Body != leedsText || conflict.Yours != bradfordText ||
		conflict.BaseVersion != start || conflict.Current.UpdatedBy == nil || *conflict.Current.UpdatedBy != "Sam Okafor" ||
		conflict.Current.UpdatedAt != testutil.Now.Format(time.RFC3339) {
		t.Errorf("conflict document: %+v\n%v", conflict, p)
	}

	// Bradford merges and saves against the current version.
	merged := leedsText + "\n- Bradford: 550,000 residents"
	wantJSON(t, bradfordAPI.do("PUT", path, map[string]any{"body": merged, "base_version": conflict.Current.Version}), http.StatusOK, &saved)
	var final apiSectionView
	wantJSON(t, leedsAPI.do("GET", path, nil), http.StatusOK, &final)
	if final.Version != start+2 || !strings.Contains(final.Body, "Leeds: 800,000") || !strings.Contains(final.Body, "Bradford: 550,000") ||
		final.UpdatedBy == nil || *final.UpdatedBy != "Priya Shah" {
		t.Errorf("after merging: %+v", final)
	}
	// The bid's own view of the section agrees.
	for _, s := range getAPIBid(e, leedsAPI, b.ID).Sections {
		if s.ID == final.ID && (s.Version != final.Version || s.Body != final.Body) {
			t.Errorf("bid shows %+v, section shows %+v", s, final)
		}
	}
}

// TestBidAPISignOffClearedByEdit: any edit after sign-off clears every
// sign-off, and the bid cannot then be published.
func TestBidAPISignOffClearedByEdit(t *testing.T) {
	e := newEnv(t)
	leedsAPI, bradfordAPI := e.api(testutil.OfficerEmail), e.api(testutil.Officer2Email)
	b := startAPIBid(e, leedsAPI, bradfordAPI, "Sign-off cleared", true)
	for _, a := range []apiCaller{leedsAPI, bradfordAPI} {
		wantJSON(t, a.do("POST", fmt.Sprintf("/api/v1/bids/%d/signoff", b.ID), nil), http.StatusOK, &b)
	}
	for _, gss := range []string{leeds, bradford} {
		if signed, _ := b.participant(t, gss); !signed {
			t.Fatalf("%s has not signed off", gss)
		}
	}

	s := b.Sections[2]
	wantJSON(t, bradfordAPI.do("PUT", sectionPath(b.ID, s.ID), map[string]any{"body": s.Body + "\n2. Open APIs", "base_version": s.Version}), http.StatusOK, nil)
	b = getAPIBid(e, leedsAPI, b.ID)
	for _, gss := range []string{leeds, bradford} {
		if signed, _ := b.participant(t, gss); signed {
			t.Errorf("%s's sign-off survived an edit", gss)
		}
	}
	p := wantProblemStatus(t, leedsAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/publish", b.ID), nil), http.StatusConflict)
	if d, _ := p["detail"].(string); !strings.Contains(d, "has not signed off") {
		t.Errorf("publish refusal does not say who has not signed off: %q", d)
	}
	if b = getAPIBid(e, leedsAPI, b.ID); b.Status != "signing_off" || b.PublishedAt != nil {
		t.Errorf("after the refusal: status %q, published %v", b.Status, deref(b.PublishedAt))
	}
}

// TestBidAPIVisibility: a draft is the participating councils' alone, in
// reads, writes and search; once published everyone in the workspace reads
// it, without the councils' budgets and nominees.
func TestBidAPIVisibility(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.app.DB.CreateUser(ctx, 0, models.NewUser{Email: "it@wakefield.gov.uk", Name: "Wakefield Officer",
		Role: models.RoleOfficer, CouncilGSS: wakefield}); err != nil {
		t.Fatal(err)
	}
	leedsAPI, bradfordAPI := e.api(testutil.OfficerEmail), e.api(testutil.Officer2Email)
	wakefieldAPI, adminAPI := e.api("it@wakefield.gov.uk"), e.api(testutil.AdminEmail)
	councillorAPI, supplierAPI := e.api(testutil.CouncillorEmail), e.api(testutil.SupplierEmail)

	b := startAPIBid(e, leedsAPI, bradfordAPI, "Quixotic shared platform", false)
	bidPath := fmt.Sprintf("/api/v1/bids/%d", b.ID)
	section := sectionPath(b.ID, b.Sections[0].ID)
	found := func(a apiCaller, query string) bool {
		t.Helper()
		var list struct {
			Bids []struct {
				ID  int64  `json:"id"`
				URL string `json:"url"`
			} `json:"bids"`
			Total int `json:"total"`
		}
		wantJSON(t, a.do("GET", "/api/v1/bids?"+query, nil), http.StatusOK, &list)
		for _, x := range list.Bids {
			if x.ID == b.ID {
				if x.URL != bidPath {
					t.Errorf("url %q, want %q", x.URL, bidPath)
				}
				return true
			}
		}
		return false
	}

	// Outsiders: the draft does not exist, by any route.
	for name, a := range map[string]apiCaller{"Wakefield officer": wakefieldAPI, "administrator": adminAPI} {
		wantProblemStatus(t, a.do("GET", bidPath, nil), http.StatusNotFound)
		wantProblemStatus(t, a.do("GET", section, nil), http.StatusNotFound)
		if found(a, "q=quixotic") || found(a, "") {
			t.Errorf("%s finds the draft", name)
		}
	}
	for _, r := range []testutil.Response{
		wakefieldAPI.do("PUT", section, map[string]any{"body": "x", "base_version": 1}),
		wakefieldAPI.do("PUT", bidPath+"/criteria", []map[string]any{{"name": "Price", "weight": 100}}),
		wakefieldAPI.do("POST", bidPath+"/signoff", nil),
		wakefieldAPI.do("POST", bidPath+"/publish", nil),
		wakefieldAPI.do("POST", bidPath+"/invitations/"+wakefield+"/accept", nil),
	} {
		wantProblemStatus(t, r, http.StatusNotFound) // never 403: that would say it exists
	}
	wantProblemStatus(t, supplierAPI.do("GET", bidPath, nil), http.StatusForbidden)

	// The invited council's officers read it to decide; the lead's
	// councillor reads it but may not change it.
	if !found(bradfordAPI, "q=quixotic") || !found(bradfordAPI, "mine=true") {
		t.Error("the invited council cannot find the draft")
	}
	if !found(councillorAPI, "q=quixotic&status=draft") {
		t.Error("Leeds's councillor cannot find the draft")
	}
	seen := getAPIBid(e, councillorAPI, b.ID)
	if seen.Access.Edit || !seen.Access.Internal || seen.Access.Lead {
		t.Errorf("councillor's access: %+v", seen.Access)
	}
	wantProblemStatus(t, councillorAPI.do("PUT", section, map[string]any{"body": "x", "base_version": 1}), http.StatusForbidden)
	wantProblemStatus(t, councillorAPI.do("POST", bidPath+"/publish", nil), http.StatusForbidden)

	// A budget for the councils' eyes only; then Bradford accepts, both
	// sign off, Leeds publishes.
	leedsOfficer, err := e.app.DB.UserByEmail(ctx, testutil.OfficerEmail)
	if err != nil {
		t.Fatal(err)
	}
	budget := int64(45_000_000)
	if err := e.app.DB.UpdateParticipant(ctx, leedsOfficer, b.ID, leeds, models.ParticipantInput{Volumes: "320,000 households", BudgetPence: &budget}); err != nil {
		t.Fatal(err)
	}
	wantJSON(t, bradfordAPI.do("POST", bidPath+"/invitations/"+bradford+"/accept", nil), http.StatusOK, nil)
	for _, a := range []apiCaller{leedsAPI, bradfordAPI} {
		wantJSON(t, a.do("POST", bidPath+"/signoff", nil), http.StatusOK, nil)
	}
	wantJSON(t, leedsAPI.do("POST", bidPath+"/publish", nil), http.StatusOK, nil)

	inside := getAPIBid(e, councillorAPI, b.ID)
	if p := inside.Participants[0]; p.GSS != leeds || p.BudgetPence == nil || *p.BudgetPence != budget || p.Nominee == nil {
		t.Errorf("Leeds's councillor does not see Leeds's budget and nominee: %+v", p)
	}
	for name, a := range map[string]apiCaller{"Wakefield officer": wakefieldAPI, "administrator": adminAPI} {
		if !found(a, "q=quixotic") {
			t.Errorf("%s cannot find the published bid", name)
		}
		r := a.do("GET", bidPath, nil)
		var raw struct {
			Participants []map[string]any `json:"participants"`
			Sections     []map[string]any `json:"sections"`
			Access       map[string]bool  `json:"access"`
		}
		wantJSON(t, r, http.StatusOK, &raw)
		for _, p := range raw.Participants {
			for _, key := range []string{"budget_pence", "nominee"} {
				if _, ok := p[key]; ok {
					t.Errorf("%s sees %s of %v", name, key, p["gss"])
				}
			}
			if p["gss"] == leeds && p["volumes"] != "320,000 households" {
				t.Errorf("%s does not see Leeds's volumes: %v", name, p)
			}
		}
		for _, s := range raw.Sections {
			if _, ok := s["updated_by"]; ok {
				t.Errorf("%s sees who edited section %v", name, s["heading"])
			}
		}
		if raw.Access["internal"] || raw.Access["edit"] {
			t.Errorf("%s's access: %v", name, raw.Access)
		}
		if strings.Contains(r.Body, "45000000") {
			t.Errorf("%s's response holds the budget", name)
		}
	}
}

// TestBidAPIDecline: a council that declines no longer reads the draft.
func TestBidAPIDecline(t *testing.T) {
	e := newEnv(t)
	leedsAPI, bradfordAPI := e.api(testutil.OfficerEmail), e.api(testutil.Officer2Email)
	b := startAPIBid(e, leedsAPI, bradfordAPI, "Declined", false)
	path := fmt.Sprintf("/api/v1/bids/%d/invitations/%s/", b.ID, bradford)
	wantProblemStatus(t, leedsAPI.do("POST", path+"decline", nil), http.StatusForbidden) // not Leeds's to answer
	r := bradfordAPI.do("POST", path+"decline", nil)
	if r.Status != http.StatusOK || strings.TrimSpace(r.Body) != `{"status":"declined"}` {
		t.Fatalf("decline: %d %s", r.Status, r.Body)
	}
	wantProblemStatus(t, bradfordAPI.do("GET", fmt.Sprintf("/api/v1/bids/%d", b.ID), nil), http.StatusNotFound)
	if _, state := getAPIBid(e, leedsAPI, b.ID).participant(t, bradford); state != "declined" {
		t.Errorf("Leeds sees Bradford as %q", state)
	}
}

// TestBidAPIInvalidBodies: malformed bodies are 400, wrong content types
// 415, and fields' problems 422 naming each field, as the rest of the API
// does (an unknown field is a 422 naming it, never silently dropped).
func TestBidAPIInvalidBodies(t *testing.T) {
	e := newEnv(t)
	leedsAPI, bradfordAPI := e.api(testutil.OfficerEmail), e.api(testutil.Officer2Email)
	b := startAPIBid(e, leedsAPI, bradfordAPI, "Invalid bodies", true)
	bid := fmt.Sprintf("/api/v1/bids/%d", b.ID)
	section := sectionPath(b.ID, b.Sections[0].ID)
	for _, tc := range []struct {
		method, path, body string
		status             int
		fields             []string
	}{
		{"POST", "/api/v1/bids", `{"title": "x"`, 400, nil},
		{"POST", "/api/v1/bids", `[]`, 400, nil},
		{"POST", "/api/v1/bids", `{"title": "x"} {}`, 400, nil},
		{"POST", "/api/v1/bids", `{"title": "x", "category": "crm", "colour": "red"}`, 422, []string{"colour"}},
		{"POST", "/api/v1/bids", `{"title": "x", "category": "crm", "Partner_GSS": []}`, 422, []string{"Partner_GSS"}},
		{"POST", "/api/v1/bids", `{"title": "", "category": ""}`, 422, []string{"title", "category"}},
		{"POST", "/api/v1/bids", `{"title": "x", "category": "no-such-category", "partner_gss": ["E99999999"], "replaces_contract_ids": [999999]}`, 422, []string{"category", "partner_gss", "replaces_contract_ids"}},
		{"POST", "/api/v1/bids", `{"title": "x", "category": "crm", "partner_gss": "E08000032"}`, 422, []string{"partner_gss"}},
		{"POST", "/api/v1/bids", `{"title": "x", "category": "crm", "partner_gss": ["E08000035"]}`, 422, []string{"partner_gss"}},
		{"POST", "/api/v1/bids", `{"title": "x", "category": "crm", "interest_id": 999999}`, 422, []string{"interest_id"}},
		{"PUT", section, `body=x`, 400, nil},
		{"PUT", section, `{"body": "x", "base_version": "1"}`, 422, []string{"base_version"}},
		{"PUT", section, `{"body": "x"}`, 422, []string{"base_version"}},
		{"PUT", section, `{"base_version": 1}`, 422, []string{"body"}},
		{"PUT", section, `{"body": "x", "base_version": 0}`, 422, []string{"base_version"}},
		{"PUT", section, `{"body": "x", "base_version": 1, "version": 1}`, 422, []string{"version"}},
		{"PUT", bid + "/criteria", `{"name": "Price", "weight": 100}`, 400, nil},
		{"PUT", bid + "/criteria", `[{"name": "Price", "weight": 100}`, 400, nil},
		{"PUT", bid + "/criteria", `[]`, 422, []string{"criteria"}},
		{"PUT", bid + "/criteria", `[{"name": "Price", "weight": 100, "colour": "red"}]`, 422, []string{"criteria[0].colour"}},
		{"PUT", bid + "/criteria", `[{"name": "Price", "weight": 99.5}]`, 422, []string{"criteria[0].weight"}},
		{"PUT", bid + "/criteria", `[7]`, 422, []string{"criteria[0]"}},
		{"PUT", bid + "/criteria", `[{"name": "Price", "weight": 50}, {"name": "price", "weight": 0}]`, 422, []string{"criteria[1].name", "criteria[1].weight", "criteria"}},
		{"POST", bid + "/publish", `{"response_deadline": "next Friday"}`, 422, []string{"response_deadline"}},
		{"POST", bid + "/publish", `{"response_deadline": "2026-11-25T12:00:00Z", "clarification_deadline": "2026-11-26T12:00:00Z"}`, 422, []string{"response_deadline", "clarification_deadline"}},
		{"POST", bid + "/publish", `{"deadline": "2026-12-25T12:00:00Z"}`, 422, []string{"deadline"}},
		{"POST", bid + "/publish", `"2026-12-25T12:00:00Z"`, 400, nil},
	} {
		t.Run(tc.method+" "+tc.body, func(t *testing.T) {
			r := leedsAPI.do(tc.method, tc.path, tc.body)
			if tc.status == 422 {
				wantFields(t, r, tc.fields...)
				return
			}
			wantProblemStatus(t, r, tc.status)
		})
	}
	// A body sent as a form is not JSON.
	r := testutil.NewClientFor(t, e.srv).Do(newRequest(t, "POST", e.srv.URL+"/api/v1/bids", strings.NewReader("title=x"),
		map[string]string{"Authorization": "Bearer " + leedsAPI.token, "Content-Type": "application/x-www-form-urlencoded"}))
	wantProblemStatus(t, r, http.StatusUnsupportedMediaType)
	// Nothing above changed the bid.
	if after := getAPIBid(e, leedsAPI, b.ID); after.Revision != b.Revision || after.Status != "draft" {
		t.Errorf("the refused requests changed the bid: revision %d → %d, status %q", b.Revision, after.Revision, after.Status)
	}
}

// Bids' cases for TestOpenAPIResponsesMatchTheDocument (api_openapi_test.go):
// every documented response of every bid operation, for real. Bids A
// (Bradford accepted), B and C (Bradford invited) and D (published) are
// made through the model; the cases run in order and change them.
func init() {
	moreConformanceCases = append(moreConformanceCases, func(t *testing.T, e *env) []conformanceCase {
		ctx := context.Background()
		user := func(email string) models.User {
			u, err := e.app.DB.UserByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		lu, bu := user(testutil.OfficerEmail), user(testutil.Officer2Email)
		start := func(title string, accept bool) (int64, int64) {
			id, err := e.app.DB.CreateBid(ctx, lu, models.NewBid{Title: title, CategorySlug: "revenues-benefits", PartnerGSS: []string{bradford}})
			if err == nil && accept {
				err = e.app.DB.AnswerInvitation(ctx, bu, id, bradford, true)
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := e.app.DB.BidByID(ctx, lu, id)
			if err != nil {
				t.Fatal(err)
			}
			return id, b.Sections[0].ID
		}
		a, aSec := start("Conformance A", true)
		bb, _ := start("Conformance B", false)
		cc, _ := start("Conformance C", false)
		d, dSec := start("Conformance D", true)
		for _, u := range []models.User{lu, bu} {
			if _, err := e.app.DB.SignOffBid(ctx, u, d); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.app.DB.PublishBid(ctx, lu, d, models.PublishInput{}); err != nil {
			t.Fatal(err)
		}
		A, B, C, D := apiBidPath(a), apiBidPath(bb), apiBidPath(cc), apiBidPath(d)
		secA, secD := fmt.Sprintf("%s/sections/%d", A, aSec), fmt.Sprintf("%s/sections/%d", D, dSec)
		const none = "/api/v1/bids/999999"
		newBid := `{"title": "Joint revenues", "summary": "Together.", "category": "revenues-benefits", "partner_gss": ["E08000032"], "replaces_contract_ids": [], "interest_id": null}`
		criteria := `[{"name": "Quality", "weight": 70, "description": "Meets our needs."}, {"name": "Price", "weight": 30}]`
		const form = "application/x-www-form-urlencoded"
		off, lo, cl, ad, su := testutil.Officer2Email, testutil.OfficerEmail, testutil.CouncillorEmail, testutil.AdminEmail, testutil.SupplierEmail
		return []conformanceCase{
			// Listing and searching.
			{user: lo, method: "GET", path: "/api/v1/bids", status: 200, checkRequest: true},
			{user: cl, method: "GET", path: "/api/v1/bids?q=conformance&status=draft&mine=true&limit=5&offset=0", status: 200, checkRequest: true},
			{user: ad, method: "GET", path: "/api/v1/bids?status=published", status: 200, checkRequest: true},
			{user: lo, method: "GET", path: "/api/v1/bids?status=sealed", status: 422},
			{user: lo, method: "GET", path: "/api/v1/bids?limit=0&mine=perhaps", status: 422},
			{user: su, method: "GET", path: "/api/v1/bids", status: 403},
			{user: "", method: "GET", path: "/api/v1/bids", status: 401},
			// Starting a bid.
			{user: lo, method: "POST", path: "/api/v1/bids", body: newBid, status: 201, checkRequest: true},
			{user: lo, method: "POST", path: "/api/v1/bids", body: `{"title": ""}`, status: 422},
			{user: lo, method: "POST", path: "/api/v1/bids", body: `{"title": "x", "colour": "red"}`, status: 422},
			{user: lo, method: "POST", path: "/api/v1/bids", body: `[]`, status: 400},
			{user: lo, method: "POST", path: "/api/v1/bids", body: "title=x", ctype: form, status: 415},
			{user: lo, method: "POST", path: "/api/v1/bids", body: tooLarge(), status: 413},
			{user: cl, method: "POST", path: "/api/v1/bids", body: newBid, status: 403},
			{user: "", method: "POST", path: "/api/v1/bids", body: newBid, status: 401},
			// Reading a bid.
			{user: lo, method: "GET", path: A, status: 200, checkRequest: true},
			{user: cl, method: "GET", path: A, status: 200, checkRequest: true},
			{user: off, method: "GET", path: B, status: 200, checkRequest: true},
			{user: ad, method: "GET", path: D, status: 200, checkRequest: true},
			{user: ad, method: "GET", path: A, status: 404},
			{user: lo, method: "GET", path: none, status: 404},
			{user: su, method: "GET", path: A, status: 403},
			{user: "", method: "GET", path: A, status: 401},
			// Sections.
			{user: off, method: "GET", path: secA, status: 200, checkRequest: true},
			{user: ad, method: "GET", path: secD, status: 200, checkRequest: true},
			{user: ad, method: "GET", path: secA, status: 404},
			{user: lo, method: "GET", path: A + "/sections/999999", status: 404},
			{user: su, method: "GET", path: secA, status: 403},
			{user: "", method: "GET", path: secA, status: 401},
			{user: lo, method: "PUT", path: secA, body: `{"body": "Leeds's text.", "base_version": 1}`, status: 200, checkRequest: true},
			{user: off, method: "PUT", path: secA, body: `{"body": "Bradford's text.", "base_version": 1}`, status: 409, checkRequest: true},
			{user: lo, method: "PUT", path: secD, body: `{"body": "Too late.", "base_version": 1}`, status: 409},
			{user: lo, method: "PUT", path: secA, body: `{"body": "x"}`, status: 422},
			{user: lo, method: "PUT", path: secA, body: `{"body": "x"`, status: 400},
			{user: lo, method: "PUT", path: secA, body: "body=x", ctype: form, status: 415},
			{user: lo, method: "PUT", path: secA, body: tooLarge(), status: 413},
			{user: cl, method: "PUT", path: secA, body: `{"body": "x", "base_version": 2}`, status: 403},
			{user: lo, method: "PUT", path: none + "/sections/1", body: `{"body": "x", "base_version": 1}`, status: 404},
			{user: "", method: "PUT", path: secA, body: `{"body": "x", "base_version": 2}`, status: 401},
			// Criteria.
			{user: lo, method: "PUT", path: A + "/criteria", body: criteria, status: 200, checkRequest: true},
			{user: lo, method: "PUT", path: A + "/criteria", body: `[{"name": "Price", "weight": 90}]`, status: 422},
			{user: lo, method: "PUT", path: A + "/criteria", body: `{"name": "Price", "weight": 100}`, status: 400},
			{user: lo, method: "PUT", path: A + "/criteria", body: "name=Price", ctype: form, status: 415},
			{user: lo, method: "PUT", path: A + "/criteria", body: tooLarge(), status: 413},
			{user: lo, method: "PUT", path: D + "/criteria", body: criteria, status: 409},
			{user: cl, method: "PUT", path: A + "/criteria", body: criteria, status: 403},
			{user: ad, method: "PUT", path: A + "/criteria", body: criteria, status: 403},
			{user: off, method: "PUT", path: none + "/criteria", body: criteria, status: 404},
			{user: "", method: "PUT", path: A + "/criteria", body: criteria, status: 401},
			// Invitations.
			{user: off, method: "POST", path: B + "/invitations/E08000032/accept", status: 200, checkRequest: true},
			{user: off, method: "POST", path: B + "/invitations/E08000032/accept", status: 409},
			{user: lo, method: "POST", path: A + "/invitations/E08000032/accept", status: 403},
			{user: off, method: "POST", path: none + "/invitations/E08000032/accept", status: 404},
			{user: "", method: "POST", path: C + "/invitations/E08000032/accept", status: 401},
			{user: off, method: "POST", path: C + "/invitations/E08000032/decline", status: 200, checkRequest: true},
			{user: off, method: "POST", path: C + "/invitations/E08000032/decline", status: 404},
			{user: off, method: "POST", path: A + "/invitations/E08000032/decline", status: 409},
			{user: lo, method: "POST", path: A + "/invitations/E08000032/decline", status: 403},
			{user: "", method: "POST", path: A + "/invitations/E08000032/decline", status: 401},
			// Sign-off and publishing.
			{user: lo, method: "POST", path: A + "/signoff", status: 200, checkRequest: true},
			{user: lo, method: "POST", path: A + "/publish", status: 409},
			{user: off, method: "POST", path: A + "/signoff", status: 200, checkRequest: true},
			{user: lo, method: "POST", path: D + "/signoff", status: 409},
			{user: cl, method: "POST", path: A + "/signoff", status: 403},
			{user: off, method: "POST", path: none + "/signoff", status: 404},
			{user: "", method: "POST", path: A + "/signoff", status: 401},
			{user: lo, method: "POST", path: A + "/publish", body: `{"response_deadline": "2026-11-25T12:00:00Z"}`, status: 422},
			{user: lo, method: "POST", path: A + "/publish", body: `[1]`, status: 400},
			{user: lo, method: "POST", path: A + "/publish", body: "x=1", ctype: form, status: 415},
			{user: lo, method: "POST", path: A + "/publish", body: tooLarge(), status: 413},
			{user: off, method: "POST", path: B + "/publish", status: 403},
			{user: off, method: "POST", path: none + "/publish", status: 404},
			{user: "", method: "POST", path: A + "/publish", status: 401},
			{user: lo, method: "POST", path: A + "/publish", body: `{"response_deadline": "2026-12-15T12:00:00Z", "clarification_deadline": "2026-12-08T12:00:00Z"}`, status: 200, checkRequest: true},
			{user: lo, method: "POST", path: B + "/publish", body: `{}`, status: 409},
		}
	})
}

// apiBidPath is a bid's API URL.
func apiBidPath(id int64) string { return fmt.Sprintf("/api/v1/bids/%d", id) }
