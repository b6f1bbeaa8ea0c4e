package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The supplier's side of a joint bid, end to end, in Chromium against a
// server of the journey's own, on a simulated clock: the journey moves the
// clock past the deadline by restarting that server with a later --now,
// which the shared server of the other journeys must not see.

const (
	sjStart       = "2027-03-01T09:00:00Z" // the bid is published this morning
	sjAfterClose  = "2027-03-15T12:05:00Z" // five minutes after the default response deadline
	sjCategory    = "revenues-benefits"
	sjLeedsEmail  = "cio@leeds.gov.uk"
	sjBradEmail   = "digital@bradford.gov.uk"
	sjJourneyTime = 6 * time.Minute // each tab's bound: the journey spans a restart
	sjMailWait    = 15 * time.Second
)

var sjSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TestSupplierJourney: Leeds and Bradford publish a joint bid (through the
// API, on 1 March 2027). In the browser, a new supplier registers,
// confirms its email from the link in the outbox, finds the opportunity by
// its category, follows it and asks a question; Leeds's officer, who is
// never told who asked, answers; the supplier reads the numbered answer
// and gets it by email. The supplier submits a response and revises it,
// each time with a receipt. Leeds chooses the panel and both members
// declare; the responses stay sealed, showing only their number. The
// server is restarted after the deadline: the bid has closed, the
// supplier can no longer change anything, Bradford and then Leeds score,
// Leeds moderates and awards, the supplier reads that it won, and the
// contract is in both councils' registers, saying it came from the bid.
func TestSupplierJourney(t *testing.T) {
	t.Parallel()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	started := time.Now()
	bin := binPath
	if bin == "" {
		bin = clockBinary(t)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "jointly.db")
	outbox := filepath.Join(dir, "outbox")
	clockCLI(t, bin, "migrate", "--db", db)
	clockCLI(t, bin, "seed", "--demo", "--db", db)
	tokens := map[string]string{}
	for _, email := range []string{sjLeedsEmail, sjBradEmail} {
		tokens[email] = strings.TrimSpace(clockCLI(t, bin, "token", "create", "--db", db, "--email", email))
	}
	// clockServe gives each server an outbox of its own; the later
	// --outbox wins, so both servers write to one the journey reads.
	srv := clockServe(t, bin, db, nil, "--now", sjStart, "--outbox", outbox)

	n := time.Now().UnixNano() % 1_000_000
	title := fmt.Sprintf("Heron%d joint revenues and benefits system", n)
	company := fmt.Sprintf("Wharfedale Ledger %d Ltd", n)
	contact := "Morgan Ellis"
	supplierEmail := fmt.Sprintf("bids.%d@wharfedale-ledger.example", n)
	const supplierPassword = "kestrel-lantern-moorland-42"

	// 0. Leeds and Bradford publish the bid through the API, with the
	// default deadlines: questions close 10 March, responses 15 March,
	// both at noon (GMT).
	leedsToken, bradToken := tokens[sjLeedsEmail], tokens[sjBradEmail]
	var bid clockBid
	clockAPI(t, srv.url, leedsToken, "POST", "/api/v1/bids", map[string]any{
		"title": title, "category": sjCategory, "partner_gss": []string{bradfordGSS}, "replaces_contract_ids": []int64{},
	}, http.StatusCreated, &bid)
	api := fmt.Sprintf("/api/v1/bids/%d", bid.ID)
	clockAPI(t, srv.url, bradToken, "POST", api+"/invitations/"+bradfordGSS+"/accept", nil, http.StatusOK, &bid)
	clockAPI(t, srv.url, leedsToken, "POST", api+"/signoff", nil, http.StatusOK, &bid)
	clockAPI(t, srv.url, bradToken, "POST", api+"/signoff", nil, http.StatusOK, &bid)
	clockAPI(t, srv.url, leedsToken, "POST", api+"/publish", nil, http.StatusOK, &bid)
	if bid.Status != "published" || clockDeref(bid.ResponseDeadline) != "2027-03-15T12:00:00Z" || clockDeref(bid.ClarificationDeadline) != "2027-03-10T12:00:00Z" {
		t.Fatalf("published bid: status %s, responses due %s, questions close %s", bid.Status, clockDeref(bid.ResponseDeadline), clockDeref(bid.ClarificationDeadline))
	}
	bidPage := fmt.Sprintf("/bids/%d", bid.ID)
	oppPage := fmt.Sprintf("/opportunities/%d", bid.ID)
	respPage := oppPage + "/response"

	// 1. A new supplier registers and confirms its email address.
	sup := newSessionOn(t, "supplier", srv.url, sjJourneyTime)
	sup.open("register", "/suppliers/register", http.StatusOK)
	sup.expectText("register", "h1", "Register your company")
	sup.typeInto("company_name", company)
	sup.typeInto("company_number", "SC981276")
	sup.tick("sme")
	sup.tick("vcse-no")
	sup.tick(sup.categoryBox("register", sjCategory))
	sup.typeInto("contact_name", contact)
	sup.typeInto("email", supplierEmail)
	sup.typeInto("password", supplierPassword)
	sup.click("registered", `[data-testid="register-supplier"]`, http.StatusOK)
	sup.expectPath("registered", "/suppliers/register?sent=1")
	sup.expectText("registered", "h1", "Check your email")
	sup.expectTextContains("registered", "main", supplierEmail)

	confirm := sjWaitMail(t, outbox, supplierEmail, "Confirm your email address for Jointly", "")
	link := regexp.MustCompile(`/suppliers/verify/[A-Za-z0-9_-]+`).FindString(confirm.Body)
	if link == "" || !strings.Contains(confirm.Body, srv.url+link) {
		t.Fatalf("the confirmation email has no link to %s/suppliers/verify/…:\n%s", srv.url, confirm.Body)
	}
	sup.open("confirmed", link, http.StatusOK)
	sup.expectPath("confirmed", "/supplier/profile")
	sup.expectText("confirmed", "h1", company)
	sup.expectTextContains("confirmed", bidFlash, "Your email address is confirmed")
	sup.expectTextContains("confirmed", ".app-account-bar", "Signed in as "+contact)
	sup.expectNav("confirmed", []string{"Opportunities"}, []string{"Sign in", "Joint bids"})

	// 2. It finds the opportunity by category, follows it and asks a question.
	sup.open("opportunities", "/opportunities", http.StatusOK)
	sup.expectText("opportunities", "h1", "Opportunities")
	sup.choose("category", sjCategory)
	sup.click("opportunities-filtered", `form[data-testid="opportunity-filters"] button[type="submit"]`, http.StatusOK)
	if loc := sup.location(); !strings.HasPrefix(loc, "/opportunities?") || !strings.Contains(loc, "category="+sjCategory) {
		t.Errorf("opportunities-filtered: the browser is at %s, want the list filtered by category=%s", loc, sjCategory)
	}
	oppLink := `[data-testid="opportunity-row"] a[href="` + oppPage + `"]`
	sup.expectText("opportunities-filtered", oppLink, title)
	sup.expectTextContains("opportunities-filtered", `[data-testid="opportunity-count"]`, "open for responses")
	sup.click("opportunity", oppLink, http.StatusOK)
	sup.expectText("opportunity", "h1", title)
	sup.expectText("opportunity", bidStatus, "Published")
	deadlines := strings.Join(sup.texts(`[data-testid="opportunity-deadlines"] li`), " | ")
	for _, want := range []string{"10 March 2027 at 12:00pm (UK time)", "15 March 2027 at 12:00pm (UK time)"} {
		if !strings.Contains(deadlines, want) {
			t.Errorf("opportunity: the deadlines read %q, want %q among them", deadlines, want)
		}
	}
	if n := sup.count(`[data-testid="opportunity-criteria"] tbody tr`); n != 4 {
		t.Errorf("opportunity: %d criteria shown, want the 4 default ones", n)
	}
	sup.expectTextContains("opportunity", `[data-testid="opportunity-no-qa"]`, "No answers have been published yet.")

	sup.click("followed", `[data-testid="follow"]`, http.StatusOK)
	sup.expectTextContains("followed", bidFlash, "You are following this opportunity.")
	if n := sup.count(`[data-testid="unfollow"]`); n != 1 {
		t.Error("followed: no “Stop following” button")
	}
	const question = "Must the system hold council tax and business rates accounts in one database, or may they be separate?"
	sup.typeInto("question", question)
	sup.click("asked", `[data-testid="send-question"]`, http.StatusOK)
	if loc := sup.location(); !strings.HasPrefix(loc, oppPage) {
		t.Errorf("asked: the browser is at %s, want the opportunity", loc)
	}
	sup.expectTextContains("asked", bidFlash, "Question sent.")

	// 3. Leeds's officer answers without learning who asked.
	leeds := newSessionOn(t, "leeds", srv.url, sjJourneyTime)
	leeds.signInAs(sjLeedsEmail)
	leeds.open("leeds-bid", bidPage, http.StatusOK)
	leeds.expectText("leeds-bid", bidStatus, "Published")
	leeds.click("questions", `[data-testid="bid-questions-link"]`, http.StatusOK)
	leeds.expectPath("questions", bidPage+"/questions")
	leeds.expectText("questions", "h1", "Questions from suppliers")
	card := `[data-testid="unanswered-question"]`
	if n := leeds.count(card); n != 1 {
		t.Fatalf("questions: %d questions wait for an answer, want 1", n)
	}
	leeds.expectTextContains("questions", card, question)
	leeds.expectNotInPage("questions", company, contact, supplierEmail)
	answerBox := eval[string](leeds, `document.querySelector('[data-testid="unanswered-question"] textarea').id`)
	const answer = "They may be separate, provided a resident sees both accounts in one portal."
	leeds.typeInto(answerBox, answer)
	leeds.click("answered", card+` [data-testid="publish-answer"]`, http.StatusOK)
	leeds.expectTextContains("answered", bidFlash, "Answer published")
	leeds.expectTextContains("answered", `[data-testid="answered-question"]`, "Question 1")
	leeds.expectTextContains("answered", `[data-testid="answered-question"]`, answer)
	if n := leeds.count(card); n != 0 {
		t.Error("answered: the question still waits for an answer")
	}

	sup.open("answer-published", oppPage, http.StatusOK)
	qa := `[data-testid="qa"]`
	if n := sup.count(qa); n != 1 {
		t.Errorf("answer-published: %d questions and answers, want 1", n)
	}
	sup.expectText("answer-published", qa+" h3", "Question 1")
	sup.expectTextContains("answer-published", qa, question)
	sup.expectTextContains("answer-published", qa, answer)
	answered := sjWaitMail(t, outbox, supplierEmail, "Answer to clarification question 1: "+title, answer)
	for _, who := range []string{company, contact} {
		if strings.Contains(answered.Body, who) {
			t.Errorf("the answer email names the asker (%q):\n%s", who, answered.Body)
		}
	}

	// 4. The supplier submits a response, then revises it: a receipt each time.
	sup.click("response", `[data-testid="your-response"]`, http.StatusOK)
	sup.expectPath("response", respPage)
	sup.expectText("response", "h1", "Your response")
	sup.expectText("response", `[data-testid="response-status"]`, "Not started")
	fields := sup.count(`[data-testid="response-form"] textarea`)
	if fields != 4 {
		t.Fatalf("response: %d answer boxes, want one per criterion (4)", fields)
	}
	answers := []string{
		"Our ledger keeps council tax and business rates in **one** database.",
		"A 12-week migration per council, with parallel running and on-site training.",
		"Apprenticeships in Leeds and Bradford, and a carbon-neutral hosting partner.",
		"A fixed price across both councils for five years.",
	}
	for i, a := range answers {
		sup.typeInto(fmt.Sprintf("answer-%d", i+1), a)
	}
	sup.typeInto("price", "480,000")
	sup.click("submitted", `[data-testid="submit-response"]`, http.StatusOK)
	sup.expectPath("submitted", respPage+"?submitted=1")
	sup.expectText("submitted", `[data-testid="receipt-panel"] h2`, "Response submitted")
	first := sup.text(`[data-testid="receipt-sha256"]`)
	if !sjSHA256.MatchString(first) {
		t.Fatalf("submitted: the receipt's SHA-256 reads %q", first)
	}
	sup.expectText("submitted", `[data-testid="response-status"]`, "Submitted")
	sjWaitMail(t, outbox, supplierEmail, "Receipt for your response: "+title, first)

	const revised = "Our ledger keeps council tax and business rates in **one** database, with a shared portal."
	sup.replaceInto("answer-1", revised)
	sup.expectTextContains("revising", `[data-testid="submit-response"]`, "Submit revised response")
	sup.click("revised", `[data-testid="submit-response"]`, http.StatusOK)
	sup.expectPath("revised", respPage+"?submitted=1")
	second := sup.text(`[data-testid="receipt-sha256"]`)
	if !sjSHA256.MatchString(second) || second == first {
		t.Errorf("revised: the new receipt's SHA-256 is %q, want a new one (the first was %s)", second, first)
	}
	receipts := sup.texts(`[data-testid="receipts"] tbody tr`)
	if len(receipts) != 2 || !strings.Contains(receipts[0], second) || !strings.Contains(receipts[1], first) {
		t.Errorf("revised: the receipts read %q, want the revision's then the first submission's", receipts)
	}
	sjWaitMail(t, outbox, supplierEmail, "Receipt for your response: "+title, second)

	// 5. Leeds chooses the panel; both members declare; the responses
	// stay sealed, saying only how many there are.
	leeds.open("panel", bidPage+"/panel", http.StatusOK)
	leeds.expectText("panel", "h1", "Evaluation panel")
	leeds.expectTextContains("panel", `[data-testid="response-count"]`, "1 response has been submitted so far")
	leeds.expectNotInPage("panel", company, contact)
	leeds.choose("user_id", leeds.officerOption("panel", sjLeedsEmail))
	leeds.tick("role-chair")
	leeds.click("chair-added", `[data-testid="add-member"]`, http.StatusOK)
	leeds.expectTextContains("chair-added", bidFlash, "Panel updated.")
	leeds.choose("user_id", leeds.officerOption("chair-added", sjBradEmail))
	leeds.tick("role-evaluator")
	leeds.click("evaluator-added", `[data-testid="add-member"]`, http.StatusOK)
	members := leeds.texts(`[data-testid="panel-member"]`)
	if len(members) != 2 || !strings.HasPrefix(members[0], leedsName+" Leeds") || !strings.Contains(members[0], "Chair") ||
		!strings.HasPrefix(members[1], priyaName+" Bradford") || !strings.Contains(members[1], "Evaluator") {
		t.Errorf("evaluator-added: the panel reads %q, want %s (chair) then %s (evaluator)", members, leedsName, priyaName)
	}
	leeds.declareNoConflict("leeds-declared")

	brad := newSessionOn(t, "bradford", srv.url, sjJourneyTime)
	brad.signInAs(sjBradEmail)
	brad.open("bradford-panel", bidPage+"/panel", http.StatusOK)
	brad.declareNoConflict("bradford-declared")
	if n := brad.count(`[data-testid="read-responses"]`); n != 0 {
		t.Error("bradford-declared: a panel member is offered the responses before the deadline")
	}

	leeds.open("sealed", bidPage+"/responses", http.StatusForbidden)
	leeds.expectTextContains("sealed", "main", "1 response has been submitted so far")
	leeds.expectNotInPage("sealed", company, contact, "480,000")
	leeds.open("sealed-bid", bidPage, http.StatusOK)
	leeds.expectNotInPage("sealed-bid", company, contact, "480,000")

	// 6. The deadline passes: the same database, served on 15 March at 12:05.
	clockStop(t, srv)
	srv = clockServe(t, bin, db, nil, "--now", sjAfterClose, "--outbox", outbox)
	for _, s := range []*session{sup, leeds, brad} {
		s.base = srv.url
	}
	sup.signInWith(supplierEmail, supplierPassword)
	leeds.signInWith(sjLeedsEmail, demoPassword)
	brad.signInWith(sjBradEmail, demoPassword)

	leeds.open("closed", bidPage, http.StatusOK)
	leeds.expectText("closed", bidStatus, "Closed")
	sup.open("closed-opportunity", oppPage, http.StatusOK)
	sup.expectText("closed-opportunity", bidStatus, "Closed")
	if n := sup.count(`form[action="` + oppPage + `/questions"]`); n != 0 {
		t.Error("closed-opportunity: the question form is still offered")
	}
	sup.open("closed-response", respPage, http.StatusOK)
	if n := sup.count(`[data-testid="response-form"]`) + sup.count(`form[action^="`+respPage+`"]`); n != 0 {
		t.Errorf("closed-response: %d response forms are offered after the deadline", n)
	}
	sup.expectTextContains("closed-response", `[data-testid="response-closed"]`, "The deadline has passed")
	sup.expectText("closed-response", `[data-testid="response-status"]`, "Submitted")
	if got := sup.texts(`[data-testid="submitted-answer"]`); len(got) != 4 || !strings.Contains(got[0], "with a shared portal") {
		t.Errorf("closed-response: what was submitted reads %q, want the revision", got)
	}
	sjWaitMail(t, outbox, supplierEmail, "Closed for responses: "+title, "")
	sjWaitMail(t, outbox, sjLeedsEmail, "Responses are in: "+title, "")

	// 7. Bradford scores and submits; Leeds scores, submits and moderates.
	bradScores := []int{8, 7, 9, 6}
	brad.scoreResponse("bradford", bidPage, company, bradScores)
	leedsScores := []int{7, 8, 9, 6}
	leeds.scoreResponse("leeds", bidPage, company, leedsScores)
	if got := leeds.texts(`[data-testid="other-score"]`); len(got) != 4 || !strings.HasPrefix(got[0], "8 – ") {
		t.Errorf("leeds-submitted: after submitting, Leeds reads the other scores as %q, want Bradford's 8, 7, 9, 6", got)
	}

	responseLink := `[data-testid="response-row"] a`
	leeds.open("moderate-list", bidPage+"/responses", http.StatusOK)
	leeds.click("moderate", responseLink, http.StatusOK)
	moderated := []int{8, 7, 9, 6} // 40×8/10 + 20×7/10 + 10×9/10 + 30×6/10 = 73
	for i, score := range moderated {
		leeds.choose(fmt.Sprintf("moderated-%d", i+1), fmt.Sprint(score))
	}
	leeds.typeInto("justification-2", "Bradford's reading of the migration plan is the panel's.")
	leeds.click("moderated", `[data-testid="save-moderation"]`, http.StatusOK)
	leeds.expectPath("moderated", bidPage+"/responses")
	leeds.expectTextContains("moderated", bidFlash, "Moderated scores saved.")
	leeds.expectText("moderated", `[data-testid="ranking"] li`, company+": 73 out of 100 (rank 1)")
	if row := leeds.text(`[data-testid="response-row"]`); !strings.Contains(row, "73") {
		t.Errorf("moderated: the response's row reads %q, want its weighted total 73", row)
	}

	// 8. Leeds, the chair, awards.
	leeds.open("awarding", bidPage, http.StatusOK)
	leeds.click("award", `[data-testid="make-award-link"]`, http.StatusOK)
	leeds.expectPath("award", bidPage+"/award")
	leeds.expectText("award", "h1", "Make the award")
	leeds.expectText("award", `label[for="response_id"]`, company)
	leeds.expectTextContains("award", "#response_id-item-hint", "moderated total 73 out of 100, ranked 1")
	leeds.tick("response_id")
	leeds.typeInto("value", "500,000")
	for id, v := range map[string]string{"start_date": "1", "start_date-month": "4", "start_date-year": "2027",
		"end_date": "31", "end_date-month": "3", "end_date-year": "2030"} {
		leeds.typeInto(id, v)
	}
	leeds.click("awarded", `[data-testid="make-award"]`, http.StatusOK)
	leeds.expectPath("awarded", bidPage)
	leeds.expectTextContains("awarded", bidFlash, "Contract awarded.")
	leeds.expectText("awarded", bidStatus, "Awarded")
	award := leeds.summaryList(`[data-testid="bid-award"]`)
	if award["Supplier"] != company || award["Contract value"] != "£500,000 across every council" ||
		award["Starts"] != "1 April 2027" || award["Ends"] != "31 March 2030" {
		t.Errorf("awarded: the award reads %q", award)
	}
	contracts := leeds.texts(`[data-testid="bid-award-contracts"] a`)
	if !slices.Equal(contracts, []string{"Bradford's contract", "Leeds's contract"}) && !slices.Equal(contracts, []string{"Leeds's contract", "Bradford's contract"}) {
		t.Errorf("awarded: the contracts created read %q, want one for Leeds and one for Bradford", contracts)
	}

	// 9. The supplier sees that it won, on the page and by email.
	sup.open("outcome", respPage, http.StatusOK)
	sup.expectTextContains("outcome", `[data-testid="response-outcome"]`, "Your response was successful.")
	sup.expectTextContains("outcome", `[data-testid="response-outcome"]`, company)
	sjWaitMail(t, outbox, supplierEmail, "Your response was successful: "+title, "£500,000")

	// 10. The contract is in each council's register, from the bid.
	leeds.findBidContract("leeds", leedsGSS, company, title, bid.ID)
	brad.findBidContract("bradford", bradfordGSS, company, title, bid.ID)

	clockStop(t, srv)
	t.Logf("the supplier journey took %s", time.Since(started).Round(time.Second))
}

// categoryBox is the id of the categories checkbox for slug.
func (s *session) categoryBox(step, slug string) string {
	s.t.Helper()
	q, _ := json.Marshal(`input[name="categories"][value="` + slug + `"]`)
	id := eval[string](s, `(() => { const e = document.querySelector(`+string(q)+`); return e ? e.id : '' })()`)
	if id == "" {
		s.t.Fatalf("%s: no category %q to tick", step, slug)
	}
	return id
}

// officerOption is the value of the panel form's option for the officer
// with this email.
func (s *session) officerOption(step, email string) string {
	s.t.Helper()
	q, _ := json.Marshal("(" + email + ")")
	v := eval[string](s, `(() => { for (const o of document.querySelectorAll('#user_id option')) if (o.textContent.includes(`+string(q)+`)) return o.value; return '' })()`)
	if v == "" {
		s.t.Fatalf("%s: %s is not offered for the panel", step, email)
	}
	return v
}

// expectNotInPage checks the page's text names none of these.
func (s *session) expectNotInPage(step string, words ...string) {
	s.t.Helper()
	body := s.text("body")
	for _, w := range words {
		if strings.Contains(body, w) {
			s.t.Errorf("%s (%s): the page shows %q", step, s.location(), w)
		}
	}
}

// signInWith signs in from the sign-in page, unless still signed in.
func (s *session) signInWith(email, password string) {
	s.t.Helper()
	s.open("sign-in-again", "/login", http.StatusOK)
	if s.location() != "/login" { // still signed in: /login sent us home
		return
	}
	s.typeInto("email", email)
	s.typeInto("password", password)
	s.click("signed-in-again", loginButton, http.StatusOK)
	s.expectPath("signed-in-again", "/")
}

// declareNoConflict makes the viewer's declaration on the panel page.
func (s *session) declareNoConflict(step string) {
	s.t.Helper()
	s.tick("conflicted-no")
	s.click(step, `[data-testid="declare"]`, http.StatusOK)
	s.expectTextContains(step, bidFlash, "Declaration recorded.")
	s.expectTextContains(step, `[data-testid="my-declaration"]`, "no conflict of interest")
}

// scoreResponse: from the panel page, a member reads the one response,
// scores every criterion with a justification, and submits their scores.
func (s *session) scoreResponse(who, bidPage, company string, scores []int) {
	s.t.Helper()
	s.open(who+"-panel", bidPage+"/panel", http.StatusOK)
	s.expectTextContains(who+"-panel", `[data-testid="response-count"]`, "1 response was submitted")
	s.click(who+"-responses", `[data-testid="read-responses"]`, http.StatusOK)
	s.expectPath(who+"-responses", bidPage+"/responses")
	if n := s.count(`[data-testid="response-row"]`); n != 1 {
		s.t.Fatalf("%s-responses: %d responses, want 1", who, n)
	}
	s.expectText(who+"-responses", `[data-testid="response-row"] th`, company)
	s.click(who+"-response", `[data-testid="response-row"] a`, http.StatusOK)
	s.expectText(who+"-response", "h1", "Response from "+company)
	s.expectText(who+"-response", `[data-testid="response-price"]`, "£480,000")
	if got := s.text(`[data-testid="answer"]`); !strings.Contains(got, "with a shared portal") {
		s.t.Errorf("%s-response: the first answer reads %q, want the revised one", who, got)
	}
	if n := s.count(`[data-testid="other-score"]`); n != 0 {
		s.t.Errorf("%s-response: %d other members' scores shown before %s submitted", who, n, who)
	}
	for i, score := range scores {
		s.choose(fmt.Sprintf("score-%d", i+1), fmt.Sprint(score))
		s.typeInto(fmt.Sprintf("justification-%d", i+1), fmt.Sprintf("%s: %d for criterion %d, from the answer given.", who, score, i+1))
	}
	s.click(who+"-scored", `[data-testid="save-scores"]`, http.StatusOK)
	s.expectPath(who+"-scored", bidPage+"/responses")
	s.expectTextContains(who+"-scored", bidFlash, "Scores saved.")
	s.expectTextContains(who+"-scored", `[data-testid="response-row"]`, "Scored")
	s.click(who+"-submitted", `[data-testid="submit-scores"]`, http.StatusOK)
	s.expectTextContains(who+"-submitted", bidFlash, "Scores submitted.")
	s.expectTextContains(who+"-submitted", `[data-testid="scores-submitted"]`, "You submitted your scores")
	s.click(who+"-submitted-response", `[data-testid="response-row"] a`, http.StatusOK)
	mine := s.texts(`[data-testid="my-score"]`)
	if len(mine) != len(scores) || !strings.HasPrefix(mine[0], fmt.Sprintf("%d – ", scores[0])) {
		s.t.Errorf("%s-submitted-response: my scores read %q", who, mine)
	}
}

// findBidContract finds the bid's contract in council gss's register by
// filtering on the supplier, and opens it.
func (s *session) findBidContract(who, gss, company, title string, bidID int64) {
	s.t.Helper()
	step := who + "-register"
	register := "/councils/" + gss + "/contracts"
	s.open(step, register, http.StatusOK)
	q, _ := json.Marshal(company)
	supplier := eval[string](s, `(() => { for (const o of document.querySelectorAll('#supplier option')) if (o.textContent.startsWith(`+string(q)+`)) return o.value; return '' })()`)
	if supplier == "" {
		s.t.Fatalf("%s: the register's supplier filter does not offer %s", step, company)
	}
	s.choose("supplier", supplier)
	s.click(step+"-filtered", `form[action="`+register+`"] button[type="submit"]`, http.StatusOK)
	s.expectTextContains(step+"-filtered", `[data-testid="contract-count"]`, "1 contract matching the filters")
	row := `[data-testid="register"] tbody tr`
	s.expectTextContains(step+"-filtered", row, "JOINTLY-BID-"+fmt.Sprint(bidID))
	s.expectText(step+"-filtered", row+` a[href^="/contracts/"]`, title)
	s.click(who+"-contract", row+` a[href^="/contracts/"]`, http.StatusOK)
	s.expectText(who+"-contract", "h1", title)
	s.expectTextContains(who+"-contract", "main", fmt.Sprintf("Awarded through joint bid %d: %s", bidID, title))
	s.expectTextContains(who+"-contract", "main", company)
	// No budgets were given, so each council's share is half the value.
	s.expectTextContains(who+"-contract", "main", "£250,000")
}

// sjMail is one email from the outbox.
type sjMail struct {
	File, To, Subject, Body string
}

// sjReadOutbox reads every email in dir.
func sjReadOutbox(t *testing.T, dir string) []sjMail {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []sjMail
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(f)
		if err != nil {
			f.Close()
			t.Fatalf("%s: %v", e.Name(), err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatalf("%s: subject: %v", e.Name(), err)
		}
		var body []byte
		if msg.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body, err = io.ReadAll(quotedprintable.NewReader(msg.Body))
		} else {
			body, err = io.ReadAll(msg.Body)
		}
		f.Close()
		if err != nil {
			t.Fatalf("%s: body: %v", e.Name(), err)
		}
		to := msg.Header.Get("To")
		if a, err := mail.ParseAddress(to); err == nil {
			to = a.Address
		}
		out = append(out, sjMail{File: e.Name(), To: to, Subject: subject, Body: strings.ReplaceAll(string(body), "\r\n", "\n")})
	}
	return out
}

// sjWaitMail waits (bounded) for the email to `to` with this subject whose
// body contains want, and returns it.
func sjWaitMail(t *testing.T, dir, to, subject, want string) sjMail {
	t.Helper()
	deadline := time.Now().Add(sjMailWait)
	for {
		var seen []string
		for _, m := range sjReadOutbox(t, dir) {
			if m.To == to {
				seen = append(seen, m.Subject)
				if m.Subject == subject && strings.Contains(m.Body, want) {
					return m
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email to %s with subject %q containing %q in the outbox within %s; its emails to %s: %q", to, subject, want, sjMailWait, to, seen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
