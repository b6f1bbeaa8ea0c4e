package handlers_test

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/templates"
	"jointly/testutil"
)

// The supplier's sealed response (responses.go, api_responses.go): the
// demo supplier, Pennine Digital, drafts, submits, revises, withdraws and
// resubmits its response to a Leeds-led bid with Bradford, through the
// page and the API; the councils see nothing of it before the deadline;
// after it nothing more is accepted.

const (
	sealedTitle        = "Joint revenues and benefits system"
	sealedMarker       = "Zanzibar-quokka-7781" // in every answer, so any leak shows
	sealedSupplierName = "Pennine Digital"
)

// sealedWorld publishes a Leeds-led bid and returns it as Leeds sees it.
func sealedWorld(t *testing.T) (*env, models.Bid) {
	e := newEnv(t)
	startLeedsBid(sealedTitle)(e)
	publishLeedsBid(e)
	b := bidAs(e, testutil.OfficerEmail)
	if len(b.Criteria) < 2 {
		t.Fatalf("bid has %d criteria, want at least 2", len(b.Criteria))
	}
	return e, b
}

// sealedForm is the response page's form: an answer per criterion
// (text, then the criterion's number, then the marker), a price and an
// action.
func sealedForm(b models.Bid, text, price, action string) url.Values {
	f := url.Values{"price": {price}, "action": {action}}
	for i := range b.Criteria {
		f.Set(fmt.Sprintf("answer-%d", i+1), fmt.Sprintf("%s %d %s", text, i+1, sealedMarker))
	}
	return f
}

// sealedAnswers is what sealedForm sends, as the model takes it.
func sealedAnswers(b models.Bid, text string) []models.AnswerInput {
	var out []models.AnswerInput
	for i, k := range b.Criteria {
		out = append(out, models.AnswerInput{CriterionID: k.ID, Text: fmt.Sprintf("%s %d %s", text, i+1, sealedMarker)})
	}
	return out
}

var sealedReceiptSHA = regexp.MustCompile(`data-testid="receipt-sha256">([0-9a-f]{64})<`)

// wantSealedReceiptEmail checks the supplier was emailed a receipt with
// subject carrying sha, the time and a link.
func wantSealedReceiptEmail(e *env, subject, sha string) {
	e.t.Helper()
	dec := new(mime.WordDecoder)
	for _, raw := range e.app.Outbox(e.t) {
		hdr, body := emailBody(e.t, raw)
		got, err := dec.DecodeHeader(hdr.Get("Subject"))
		if err != nil {
			e.t.Fatal(err)
		}
		if strings.Contains(hdr.Get("To"), testutil.SupplierEmail) && got == subject && strings.Contains(body, "SHA-256") &&
			strings.Contains(body, sha) && strings.Contains(body, "(UK time)") && strings.Contains(body, "/opportunities/") {
			return
		}
	}
	e.t.Errorf("no email to %s with subject %q carrying %s, the UK time and a link", testutil.SupplierEmail, subject, sha)
}

// wantSealed checks that the Leeds officer sees neither the supplier's
// name nor any answer, by page, search and API.
func wantSealed(e *env, b models.Bid) {
	e.t.Helper()
	leeds := e.browser(testutil.OfficerEmail)
	for _, path := range []string{
		fmt.Sprintf("/bids/%d", b.ID),
		fmt.Sprintf("/bids/%d/activity", b.ID),
		"/bids?q=revenues",
		"/bids",
		fmt.Sprintf("/opportunities/%d", b.ID),
	} {
		r := leeds.Get(path)
		for _, secret := range []string{sealedSupplierName, sealedMarker} {
			if strings.Contains(r.Body, secret) {
				e.t.Errorf("Leeds officer: GET %s shows %q before the deadline\n%s", path, secret, excerpt(r.Body))
			}
		}
	}
	// Searching for an answer's text finds no bid (the box echoes the query).
	if r := leeds.Get("/bids?q=" + sealedMarker); strings.Contains(r.Body, fmt.Sprintf(`href="/bids/%d"`, b.ID)) {
		e.t.Errorf("a search for an answer's text finds the bid\n%s", excerpt(r.Body))
	}
	r := e.api(testutil.OfficerEmail).do("GET", fmt.Sprintf("/api/v1/bids/%d", b.ID), nil)
	if r.Status != http.StatusOK || strings.Contains(r.Body, sealedSupplierName) || strings.Contains(r.Body, sealedMarker) {
		e.t.Errorf("Leeds officer: API bid %d leaks the response: %s", r.Status, r.Body)
	}
	if r := e.api(testutil.OfficerEmail).do("GET", fmt.Sprintf("/api/v1/opportunities/%d/response", b.ID), nil); r.Status != http.StatusForbidden {
		e.t.Errorf("Leeds officer: API response status %d, want 403", r.Status)
	}
}

func TestResponseDraftSubmitReviseWithdraw(t *testing.T) {
	e, b := sealedWorld(t)
	ctx := context.Background()
	supplier := bidPagesUser(e, testutil.SupplierEmail)
	s := e.browser(testutil.SupplierEmail)
	page := fmt.Sprintf("/opportunities/%d/response", b.ID)

	r := s.Get(page)
	signoffWant(t, "empty page", r, http.StatusOK, sealedTitle, "Not started", templates.FormatDateTime(b.ResponseDeadline, models.London())+" (UK time)",
		`name="answer-1"`, `name="price"`, `value="draft"`, "Save draft", "Submit response", "no council can read it", "How to check a receipt",
		fmt.Sprintf(`{"bid_id":%d,"supplier_id":%d,"price_pence":`, b.ID, supplier.SupplierID))

	// A draft, kept as typed.
	r = s.Post(page, sealedForm(b, "Draft answer", "", "draft"))
	if r.Status != http.StatusSeeOther || r.Location != page {
		t.Fatalf("save draft: %d %q\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	signoffWant(t, "draft", s.Get(page), http.StatusOK, "Draft saved", ">Draft<", "Draft answer 1 "+sealedMarker, "None yet")

	// Submitting needs every answer and a price; a bad price is refused
	// before anything is saved, with everything kept.
	f := sealedForm(b, "Final answer", "", "submit")
	f.Set("answer-2", "  ")
	signoffWant(t, "incomplete submission", s.Post(page, f), http.StatusUnprocessableEntity,
		"There is a problem", `href="#answer-2"`, fmt.Sprintf("Answer “%s” before submitting", b.Criteria[1].Name),
		`href="#price"`, "Enter your price before submitting", "Final answer 1 "+sealedMarker)
	f = sealedForm(b, "Final answer", "12 pounds", "submit")
	signoffWant(t, "bad price", s.Post(page, f), http.StatusUnprocessableEntity, "Price must be an amount of money", `value="12 pounds"`, "Final answer 2 "+sealedMarker)

	// Submitted: the receipt covers exactly what was sent, is shown and emailed.
	r = s.Post(page, sealedForm(b, "Final answer", "£120,000.50", "submit"))
	if r.Status != http.StatusSeeOther || r.Location != page+"?submitted=1" {
		t.Fatalf("submit: %d %q\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	first := models.ResponseDigest(b.ID, supplier.SupplierID, 12_000_050, sealedAnswers(b, "Final answer"))
	r = s.Get(r.Location)
	signoffWant(t, "submitted", r, http.StatusOK, "Response submitted", ">Submitted<", "Submit revised response", "Withdraw response", "120,000.50")
	if m := sealedReceiptSHA.FindStringSubmatch(r.Body); m == nil || m[1] != first {
		t.Fatalf("receipt panel shows %v, want %s", m, first)
	}
	if strings.Contains(r.Body, "Save draft") {
		t.Error("a submitted response offers a draft save")
	}
	wantSealedReceiptEmail(e, "Receipt for your response: "+sealedTitle, first)
	wantSealed(e, b)

	// A draft cannot undo the submission.
	r = s.Post(page, sealedForm(b, "Second thoughts", "120000", "draft"))
	signoffWant(t, "draft over submission", r, http.StatusConflict, "submit the revised response")

	// A revision gets its own receipt.
	r = s.Post(page, sealedForm(b, "Revised answer", "119000", "submit"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("revise: %d\n%s", r.Status, excerpt(r.Body))
	}
	second := models.ResponseDigest(b.ID, supplier.SupplierID, 11_900_000, sealedAnswers(b, "Revised answer"))
	if second == first {
		t.Fatal("a revision has the first submission's hash")
	}
	r = s.Get(r.Location)
	if m := sealedReceiptSHA.FindStringSubmatch(r.Body); m == nil || m[1] != second {
		t.Fatalf("revision's receipt panel shows %v, want %s", m, second)
	}
	signoffWant(t, "receipts", r, http.StatusOK, first, second)
	wantSealedReceiptEmail(e, "Receipt for your response: "+sealedTitle, second)

	// Withdrawn, with a receipt; the text stays as a draft to submit again.
	r = s.Post(page+"/withdraw", nil)
	if r.Status != http.StatusSeeOther || r.Location != page {
		t.Fatalf("withdraw: %d %q\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	signoffWant(t, "withdrawn", s.Get(page), http.StatusOK, "Response withdrawn", ">Withdrawn<", "Revised answer 1 "+sealedMarker, "Save draft")
	wantSealedReceiptEmail(e, "Receipt for withdrawing your response: "+sealedTitle, second)
	if n, err := e.app.DB.SubmittedResponseCount(ctx, bidPagesUser(e, testutil.OfficerEmail), b.ID); err != nil || n != 0 {
		t.Fatalf("after withdrawing, %d submitted (%v)", n, err)
	}
	signoffWant(t, "withdraw again", s.Post(page+"/withdraw", nil), http.StatusConflict, "no submitted response to withdraw")

	r = s.Post(page, sealedForm(b, "Revised answer", "119000", "submit"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d\n%s", r.Status, excerpt(r.Body))
	}
	_, receipts, err := e.app.DB.MyResponse(ctx, supplier, b.ID)
	if err != nil || len(receipts) != 4 || receipts[0].SHA256 != second || receipts[0].Kind != models.ResponseSubmitted {
		t.Fatalf("receipts after resubmitting: %+v, %v", receipts, err)
	}
	wantSealed(e, b)

	// The deadline passes: no form, and nothing more is accepted.
	// (A new sign-in: the clock has moved past the session's life.)
	e.app.Clock.T = b.ResponseDeadline.Add(time.Minute)
	s = e.browser(testutil.SupplierEmail + "#late")
	r = s.Get(page)
	signoffWant(t, "after the deadline", r, http.StatusOK, "The deadline has passed; responses are sealed until the councils evaluate them",
		"What you submitted", "Revised answer 1 "+sealedMarker, "£119,000")
	for _, no := range []string{`data-testid="response-form"`, `name="answer-1"`, "Withdraw response"} {
		if strings.Contains(r.Body, no) {
			t.Errorf("after the deadline the page has %q", no)
		}
	}
	signoffWant(t, "late submission", s.Post(page, sealedForm(b, "Late", "1", "submit")), http.StatusConflict, "has passed")
	signoffWant(t, "late withdrawal", s.Post(page+"/withdraw", nil), http.StatusConflict, "has passed")
	wantProblemStatus(t, e.api(testutil.SupplierEmail).do("PUT", "/api/v1"+page, map[string]any{
		"answers": []map[string]any{{"criterion_id": b.Criteria[0].ID, "text": "Late"}}, "price_pence": 1, "submit": true}), http.StatusConflict)
}

func TestResponseOutcomeAfterAward(t *testing.T) {
	e, b := sealedWorld(t)
	ctx := context.Background()
	page := fmt.Sprintf("/opportunities/%d/response", b.ID)
	s := e.browser(testutil.SupplierEmail)
	s.Get(page)
	if r := s.Post(page, sealedForm(b, "Answer", "250000", "submit")); r.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", r.Status, excerpt(r.Body))
	}
	e.app.Clock.T = b.ResponseDeadline.Add(time.Hour)
	leeds := bidPagesUser(e, testutil.OfficerEmail)
	if err := e.app.DB.SetPanelMember(ctx, leeds, b.ID, leeds.ID, models.PanelChair); err != nil {
		t.Fatal(err)
	}
	if err := e.app.DB.DeclareInterests(ctx, leeds, b.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	rs, err := e.app.DB.BidResponses(ctx, leeds, b.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("%d responses, %v", len(rs), err)
	}
	if _, err := e.app.DB.AwardBid(ctx, leeds, b.ID, models.AwardInput{ResponseID: rs[0].ID, ValuePence: 240_000_00,
		StartDate: models.NewDate(2027, time.April, 1), EndDate: models.NewDate(2030, time.March, 31)}); err != nil {
		t.Fatal(err)
	}
	s = e.browser(testutil.SupplierEmail + "#late")
	signoffWant(t, "outcome", s.Get(page), http.StatusOK, "Your response was successful", "Pennine Digital Ltd", "£240,000",
		"1 April 2027", "31 March 2030")

	var got struct {
		Status  string `json:"status"`
		Outcome *struct {
			Awarded    bool   `json:"awarded"`
			Won        bool   `json:"won"`
			Winner     string `json:"winner"`
			ValuePence int64  `json:"value_pence"`
			StartDate  string `json:"start_date"`
			EndDate    string `json:"end_date"`
		} `json:"outcome"`
	}
	wantJSON(t, e.api(testutil.SupplierEmail).do("GET", "/api/v1"+page, nil), http.StatusOK, &got)
	if o := got.Outcome; got.Status != "submitted" || o == nil || !o.Awarded || !o.Won || o.Winner != "Pennine Digital Ltd" ||
		o.ValuePence != 240_000_00 || o.StartDate != "2027-04-01" || o.EndDate != "2030-03-31" {
		t.Fatalf("API outcome: %+v %+v", got, got.Outcome)
	}
}

// sealedResponseView is the API's response, for the fields tests look at.
type sealedResponseView struct {
	Status  string `json:"status"`
	Receipt *struct {
		SHA256      string `json:"sha256"`
		SubmittedAt string `json:"submitted_at"`
		WithdrawnAt string `json:"withdrawn_at"`
	} `json:"receipt"`
	Response struct {
		Status     string  `json:"status"`
		PricePence *int64  `json:"price_pence"`
		SHA256     *string `json:"sha256"`
		Answers    []struct {
			CriterionID int64  `json:"criterion_id"`
			Criterion   string `json:"criterion"`
			Text        string `json:"text"`
		} `json:"answers"`
		Receipts []struct {
			Kind   string `json:"kind"`
			SHA256 string `json:"sha256"`
		} `json:"receipts"`
		Outcome any `json:"outcome"`
	} `json:"response"`
}

// sealedAPIAnswers is the body's answers for text.
func sealedAPIAnswers(b models.Bid, text string) []map[string]any {
	var out []map[string]any
	for _, a := range sealedAnswers(b, text) {
		out = append(out, map[string]any{"criterion_id": a.CriterionID, "text": a.Text})
	}
	return out
}

func TestResponseAPI(t *testing.T) {
	e, b := sealedWorld(t)
	api := e.api(testutil.SupplierEmail)
	supplier := bidPagesUser(e, testutil.SupplierEmail)
	path := fmt.Sprintf("/api/v1/opportunities/%d/response", b.ID)

	wantProblemStatus(t, api.do("GET", path, nil), http.StatusNotFound)

	// A draft with no price.
	var v sealedResponseView
	wantJSON(t, api.do("PUT", path, map[string]any{"answers": sealedAPIAnswers(b, "Draft")[:1], "price_pence": nil}), http.StatusOK, &v)
	if v.Status != "draft" || v.Receipt != nil || v.Response.PricePence != nil || len(v.Response.Answers) != len(b.Criteria) ||
		v.Response.Answers[0].Text != "Draft 1 "+sealedMarker || v.Response.Answers[1].Text != "" || v.Response.Answers[0].Criterion != b.Criteria[0].Name {
		t.Fatalf("draft: %+v", v)
	}

	// Problems name the body's fields.
	for _, tc := range []struct {
		name   string
		body   any
		fields []string
	}{
		{"unknown field", map[string]any{"answers": []any{}, "colour": "red"}, []string{"colour"}},
		{"no answers", map[string]any{"price_pence": 5}, []string{"answers"}},
		{"answers not a list", map[string]any{"answers": "all good"}, []string{"answers"}},
		{"unknown answer field", map[string]any{"answers": []any{map[string]any{"criterion_id": b.Criteria[0].ID, "text": "x", "mood": 1}}}, []string{"answers[0].mood"}},
		{"answer not an object", map[string]any{"answers": []any{7}}, []string{"answers[0]"}},
		{"unknown criterion", map[string]any{"answers": []any{map[string]any{"criterion_id": 999999, "text": "x"}}}, []string{"answers[0].criterion_id"}},
		{"criterion twice", map[string]any{"answers": []any{
			map[string]any{"criterion_id": b.Criteria[0].ID, "text": "x"}, map[string]any{"criterion_id": b.Criteria[0].ID, "text": "y"}}},
			[]string{"answers[1].criterion_id"}},
		// The first criterion left out, the second blank.
		{"submit incomplete", map[string]any{"answers": append([]map[string]any{{"criterion_id": b.Criteria[1].ID, "text": " "}}, sealedAPIAnswers(b, "x")[2:]...),
			"submit": true}, []string{"answers", "answers[0].text", "price_pence"}},
		{"negative price", map[string]any{"answers": []any{}, "price_pence": -1}, []string{"price_pence"}},
		{"price not a number", map[string]any{"answers": []any{}, "price_pence": "lots"}, []string{"price_pence"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := api.do("PUT", path, tc.body)
			wantProblemStatus(t, r, http.StatusUnprocessableEntity)
			wantFields(t, r, tc.fields...)
		})
	}

	// Submitted: the receipt covers exactly what was sent, and is emailed.
	price := int64(98_765_43)
	wantJSON(t, api.do("PUT", path, map[string]any{"answers": sealedAPIAnswers(b, "Final"), "price_pence": price, "submit": true}), http.StatusOK, &v)
	sha := models.ResponseDigest(b.ID, supplier.SupplierID, price, sealedAnswers(b, "Final"))
	if v.Status != "submitted" || v.Receipt == nil || v.Receipt.SHA256 != sha || v.Receipt.SubmittedAt == "" ||
		v.Response.SHA256 == nil || *v.Response.SHA256 != sha || len(v.Response.Receipts) != 1 || v.Response.Outcome != nil {
		t.Fatalf("submit: %+v, want sha %s", v, sha)
	}
	wantSealedReceiptEmail(e, "Receipt for your response: "+sealedTitle, sha)
	wantSealed(e, b)

	// A draft over the submission is a conflict.
	p := wantProblemStatus(t, api.do("PUT", path, map[string]any{"answers": sealedAPIAnswers(b, "Oops")}), http.StatusConflict)
	if !strings.Contains(fmt.Sprint(p["detail"]), "submit the revised response") {
		t.Errorf("draft over submission: %v", p)
	}

	// Withdrawn, with a receipt for the response withdrawn.
	var w struct {
		Status  string `json:"status"`
		Receipt struct {
			SHA256      string `json:"sha256"`
			WithdrawnAt string `json:"withdrawn_at"`
		} `json:"receipt"`
	}
	wantJSON(t, api.do("POST", path+"/withdraw", nil), http.StatusOK, &w)
	if w.Status != "withdrawn" || w.Receipt.SHA256 != sha || w.Receipt.WithdrawnAt == "" {
		t.Fatalf("withdraw: %+v", w)
	}
	wantProblemStatus(t, api.do("POST", path+"/withdraw", nil), http.StatusConflict)
	wantJSON(t, api.do("GET", path, nil), http.StatusOK, &v.Response)
	if v.Response.Status != "withdrawn" || v.Response.SHA256 != nil || len(v.Response.Receipts) != 2 || v.Response.Receipts[0].Kind != "withdrawn" {
		t.Fatalf("after withdrawing: %+v", v.Response)
	}

	// Only suppliers respond, only to published bids.
	wantProblemStatus(t, e.api(testutil.OfficerEmail).do("PUT", path, map[string]any{"answers": []any{}}), http.StatusForbidden)
	startLeedsBid("Unpublished draft")(e)
	wantProblemStatus(t, api.do("PUT", fmt.Sprintf("/api/v1/opportunities/%d/response", bidID(e)), map[string]any{"answers": []any{}}), http.StatusNotFound)
	if r := e.browser(testutil.SupplierEmail).Get(fmt.Sprintf("/opportunities/%d/response", bidID(e))); r.Status != http.StatusNotFound {
		t.Errorf("response page of a draft bid: %d, want 404", r.Status)
	}

	// After the deadline: refused.
	e.app.Clock.T = b.ResponseDeadline
	p = wantProblemStatus(t, api.do("PUT", path, map[string]any{"answers": sealedAPIAnswers(b, "Late"), "price_pence": 1, "submit": true}), http.StatusConflict)
	if !strings.Contains(fmt.Sprint(p["detail"]), "has passed") {
		t.Errorf("late: %v", p)
	}
}
