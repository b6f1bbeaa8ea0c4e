package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"jointly/models"
)

// actors is the server's people, signed in and ready, and what they act
// on: the demo's draft bid (Leeds leads; its sections are edited) and its
// published bid (the opportunity suppliers respond to).
type actors struct {
	pages map[string]*person // signed in through /login
	api   map[string]*person // with an API token

	draftBid    int64
	sections    []int64 // the first few of the draft bid's sections
	opportunity int64
	criteria    []criterion
	suppliers   []string         // their emails, the demo's first
	supplierIDs map[string]int64 // supplier's email → supplier id (for the receipt hash)
}

type criterion struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// requestTimeout bounds every request; an answer that has not come by
// then is "unknown": the write may or may not have been made.
const requestTimeout = 15 * time.Second

// ready signs everyone in, and finds the bids and criteria.
func ready(ctx context.Context, w *workspace, srv *server, ds dataset, signIn bool) (*actors, error) {
	a := &actors{pages: map[string]*person{}, api: map[string]*person{}, suppliers: ds.suppliers, supplierIDs: map[string]int64{}}
	for email, tok := range ds.tokens {
		a.api[email] = newPerson(srv.base, email, tok, requestTimeout)
	}
	if signIn {
		for _, email := range []string{leedsOfficer, bradOfficer, councillor, demoSupplier, admin} {
			p := newPerson(srv.base, email, "", requestTimeout)
			if err := p.signIn(ctx, ds.password); err != nil {
				return nil, err
			}
			a.pages[email] = p
		}
	}
	var bids struct {
		Bids []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		} `json:"bids"`
	}
	if err := a.api[leedsOfficer].getJSON(ctx, "/api/v1/bids?limit=200", &bids); err != nil {
		return nil, err
	}
	for _, b := range bids.Bids {
		switch {
		case b.Status == "draft" && a.draftBid == 0:
			a.draftBid = b.ID
		case b.Status == "published" && a.opportunity == 0:
			a.opportunity = b.ID
		}
	}
	if a.draftBid == 0 || a.opportunity == 0 {
		return nil, fmt.Errorf("the demo's draft and published bids are not both there: %+v", bids.Bids)
	}
	var draft struct {
		Sections []struct {
			ID int64 `json:"id"`
		} `json:"sections"`
	}
	if err := a.api[leedsOfficer].getJSON(ctx, fmt.Sprintf("/api/v1/bids/%d", a.draftBid), &draft); err != nil {
		return nil, err
	}
	// Three sections, so two authors saving at once meet now and then.
	for i := 0; i < len(draft.Sections) && i < 3; i++ {
		a.sections = append(a.sections, draft.Sections[i].ID)
	}
	var opp struct {
		Criteria      []criterion `json:"criteria"`
		ResponsesOpen bool        `json:"responses_open"`
	}
	if err := a.api[demoSupplier].getJSON(ctx, fmt.Sprintf("/api/v1/opportunities/%d", a.opportunity), &opp); err != nil {
		return nil, err
	}
	if !opp.ResponsesOpen || len(opp.Criteria) == 0 || len(a.sections) == 0 {
		return nil, fmt.Errorf("opportunity %d takes no responses (open %v, %d criteria) or bid %d has no sections",
			a.opportunity, opp.ResponsesOpen, len(opp.Criteria), a.draftBid)
	}
	a.criteria = opp.Criteria
	db, err := openDB(w.db)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	for _, email := range ds.suppliers {
		n, err := count(db, `SELECT supplier_id FROM users WHERE email = ?`, email)
		if err != nil {
			return nil, fmt.Errorf("supplier of %s: %w", email, err)
		}
		a.supplierIDs[email] = int64(n)
	}
	return a, nil
}

// submitResponse submits supplier's response to the opportunity, every
// answer carrying marker, and records it in l under kind, keyed by the
// receipt hash the server must give: the SHA-256 of the documented
// canonical form (models.ResponseDigest) of exactly what was sent. It
// returns the answer, the receipt hash the server gave when it
// acknowledged, and a description of any difference between the two.
func (a *actors) submitResponse(ctx context.Context, l *ledger, kind, supplier, marker string, price int64) (ans answer, receipt, mismatch string) {
	type answerBody struct {
		CriterionID int64  `json:"criterion_id"`
		Text        string `json:"text"`
	}
	var answers []answerBody
	var inputs []models.AnswerInput
	for _, c := range a.criteria {
		text := fmt.Sprintf("Our answer to %q, %s: we meet it in full.", c.Name, marker)
		answers = append(answers, answerBody{c.ID, text})
		inputs = append(inputs, models.AnswerInput{CriterionID: c.ID, Text: text})
	}
	want := models.ResponseDigest(a.opportunity, a.supplierIDs[supplier], price, inputs)
	ans = a.api[supplier].do(ctx, http.MethodPut, fmt.Sprintf("/api/v1/opportunities/%d/response", a.opportunity),
		map[string]any{"answers": answers, "price_pence": price, "submit": true})
	l.record(kind, false, want, ans)
	if ans.outcome != acked {
		return ans, "", ""
	}
	var got struct {
		Receipt *struct {
			SHA256 string `json:"sha256"`
		} `json:"receipt"`
	}
	switch err := json.Unmarshal(ans.body, &got); {
	case err != nil || got.Receipt == nil:
		return ans, "", fmt.Sprintf("%s: acknowledged without a receipt: %s", marker, snippet(ans.body))
	case got.Receipt.SHA256 != want:
		return ans, got.Receipt.SHA256, fmt.Sprintf("%s: receipt %s, but the canonical form hashes to %s", marker, got.Receipt.SHA256, want)
	}
	return ans, got.Receipt.SHA256, ""
}
