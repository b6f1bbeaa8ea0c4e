package handlers_test

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// The criteria, participant, sign-off and publishing pages, through the
// real router over a seeded database, on a bid started in the model: Leeds
// leads, Bradford has accepted, and each council's nominee is its demo
// officer.

// signoffBid starts a Leeds-led bid that Bradford has accepted.
func signoffBid(e *env) int64 {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.app.DB.CreateBid(ctx, signoffUser(e, testutil.OfficerEmail), models.NewBid{
		Title: "Joint revenues and benefits system", CategorySlug: "revenues-benefits", PartnerGSS: []string{bradfordCouncil}})
	if err != nil {
		e.t.Fatalf("create bid: %v", err)
	}
	if err := e.app.DB.AnswerInvitation(ctx, signoffUser(e, testutil.Officer2Email), id, bradfordCouncil, true); err != nil {
		e.t.Fatalf("accept: %v", err)
	}
	return id
}

func signoffUser(e *env, email string) models.User {
	e.t.Helper()
	u, err := e.app.DB.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// signoffRead is the bid as the Leeds officer sees it in the model.
func signoffRead(e *env, id int64) models.Bid {
	e.t.Helper()
	b, err := e.app.DB.BidByID(context.Background(), signoffUser(e, testutil.OfficerEmail), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// signoffBoth has each council's nominee sign off through the page.
func signoffBoth(e *env, id int64) {
	e.t.Helper()
	for _, who := range []string{testutil.OfficerEmail, testutil.Officer2Email} {
		b := e.browser(who)
		b.Get(fmt.Sprintf("/bids/%d/publish", id)) // any page, for the form token
		if r := b.Post(fmt.Sprintf("/bids/%d/signoff", id), nil); r.Status != http.StatusSeeOther || r.Location != fmt.Sprintf("/bids/%d", id) {
			e.t.Fatalf("%s signs off: %d %s\n%s", who, r.Status, r.Location, excerpt(r.Body))
		}
	}
}

// signoffCriteriaForm is the criteria form with rows of name and weight.
func signoffCriteriaForm(rows ...[2]string) url.Values {
	f := url.Values{"rows": {fmt.Sprint(len(rows))}}
	for i, r := range rows {
		f.Set(fmt.Sprintf("name-%d", i+1), r[0])
		f.Set(fmt.Sprintf("description-%d", i+1), "About "+r[0])
		f.Set(fmt.Sprintf("weight-%d", i+1), r[1])
	}
	return f
}

func signoffWeights(b models.Bid) string {
	var s []string
	for _, c := range b.Criteria {
		s = append(s, fmt.Sprintf("%s=%d", c.Name, c.Weight))
	}
	return strings.Join(s, ", ")
}

func signoffWant(t *testing.T, where string, r testutil.Response, status int, contains ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", where, r.Status, status, excerpt(r.Body))
	}
	for _, s := range contains {
		if !strings.Contains(r.Body, s) {
			t.Errorf("%s: body lacks %q\n%s", where, s, excerpt(r.Body))
		}
	}
}

func TestBidCriteriaWeights(t *testing.T) {
	e := newEnv(t)
	id := signoffBid(e)
	path := fmt.Sprintf("/bids/%d/criteria", id)
	before := signoffWeights(signoffRead(e, id))
	leeds := e.browser(testutil.OfficerEmail)

	r := leeds.Get(path)
	signoffWant(t, "criteria form", r, http.StatusOK, "Weights must add up to 100", `name="rows" value="7"`,
		"Criterion 1</legend>", "Criterion 7</legend>", `id="weight-1" name="weight-1"`, `value="Meets our requirements"`, `value="40"`,
		`<div class="govuk-input__suffix" aria-hidden="true">%</div>`, `inputmode="numeric"`)

	for _, c := range []struct {
		name    string
		weights [4]string
		status  int
		field   string // where the message is
		message string
	}{
		{"adding up to 90", [4]string{"40", "20", "10", "20"}, 422, "weights", "Weights must add up to 100; they add up to 90"},
		{"adding up to 110", [4]string{"40", "20", "10", "40"}, 422, "weights", "Weights must add up to 100; they add up to 110"},
		{"a weight in words", [4]string{"40", "ten", "10", "30"}, 422, "weight-2", "Criterion 2&#39;s weight must be a whole number from 1 to 100"},
		{"a weight of nought", [4]string{"40", "0", "30", "30"}, 422, "weight-2", "Criterion 2&#39;s weight must be a whole number from 1 to 100"},
		{"a weight left out", [4]string{"40", "", "30", "30"}, 422, "weight-2", "Enter criterion 2&#39;s weight"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := signoffCriteriaForm([2]string{"Quality", c.weights[0]}, [2]string{"Delivery", c.weights[1]},
				[2]string{"Social value", c.weights[2]}, [2]string{"Price", c.weights[3]})
			r := leeds.Post(path, f)
			signoffWant(t, "save", r, c.status, `<a href="#`+c.field+`">`, `id="`+c.field+`"`,
				`<p id="`+c.field+`-error" class="govuk-error-message"`, c.message,
				// every value kept, and the blank rows offered again
				`value="Social value"`, "About Delivery", `value="`+c.weights[1]+`"`, `name="rows" value="7"`)
			if c.field != "weights" && strings.Contains(r.Body, `id="weights-error"`) {
				t.Errorf("a weight that cannot be read also gave a sum:\n%s", excerpt(r.Body))
			}
			if got := signoffWeights(signoffRead(e, id)); got != before {
				t.Errorf("criteria changed to %s", got)
			}
		})
	}

	// Valid: a blank row (removing a criterion) is skipped and "30%" reads as 30.
	f := signoffCriteriaForm([2]string{"Quality", "50"}, [2]string{"", ""}, [2]string{"Delivery", "20"}, [2]string{"Price", "30%"})
	f.Set("description-2", "")
	r = leeds.Post(path, f)
	if r.Status != http.StatusSeeOther || r.Location != fmt.Sprintf("/bids/%d#criteria", id) {
		t.Fatalf("valid criteria: %d %s\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	if got := signoffWeights(signoffRead(e, id)); got != "Quality=50, Delivery=20, Price=30" {
		t.Errorf("saved criteria: %s", got)
	}

	// The model's own rule comes back beside the row it names, after blank
	// rows are dropped: the third row posted is criterion 2 again.
	f = signoffCriteriaForm([2]string{"Quality", "50"}, [2]string{"", ""}, [2]string{"quality", "50"})
	r = leeds.Post(path, f)
	signoffWant(t, "same name twice", r, 422, `<a href="#name-2">Criterion 2 has the same name as another</a>`, `id="name-2" name="name-2" type="text" value="quality"`)

	// Nobody outside the bid's councils learns it exists; a supplier may not edit bids at all.
	if r := e.browser(testutil.SupplierEmail).Get(path); r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Errorf("supplier: status %d", r.Status)
	}
	councillor := e.browser(testutil.CouncillorEmail)
	if r := councillor.Get(path); r.Status != http.StatusForbidden {
		t.Errorf("councillor: status %d, want 403", r.Status)
	}
}

func TestBidParticipantDetails(t *testing.T) {
	e := newEnv(t)
	id := signoffBid(e)
	mine := addContract(e, testutil.AdminEmail, bradfordCouncil, models.ContractInput{Title: "Bradford revenues system",
		SupplierName: "Civica UK Ltd", CategorySlug: "revenues-benefits", EndDate: regDate("2028-03-31")})
	other := addContract(e, testutil.AdminEmail, bradfordCouncil, models.ContractInput{Title: "Bradford payroll",
		SupplierName: "MHR International UK Ltd", CategorySlug: "hr-payroll"})
	bradford := e.browser(testutil.Officer2Email)
	path := fmt.Sprintf("/bids/%d/participants/%s", id, bradfordCouncil)
	me := signoffUser(e, testutil.Officer2Email)

	r := bradford.Get(path)
	signoffWant(t, "participant form", r, http.StatusOK, "What Bradford needs", `name="requirements"`, `name="volumes"`,
		`<div class="govuk-input__prefix" aria-hidden="true">£</div>`, fmt.Sprintf(`<option value="%d" selected>`, me.ID),
		fmt.Sprintf(`name="replaces_contract_ids" type="checkbox" value="%d"`, mine.ID), "Bradford revenues system")
	if strings.Contains(r.Body, "Bradford payroll") {
		t.Errorf("a contract in another category is offered")
	}

	// A budget that is not money: nothing saved, everything kept.
	bad := url.Values{"requirements": {"Council tax for 210,000 homes"}, "volumes": {"540,000 residents"}, "budget": {"lots"},
		"nominee": {fmt.Sprint(me.ID)}, "replaces_contract_ids": {fmt.Sprint(mine.ID)}}
	r = bradford.Post(path, bad)
	signoffWant(t, "bad budget", r, 422, `<a href="#budget">Budget must be an amount of money in pounds`, `id="budget-error"`,
		`value="lots"`, "Council tax for 210,000 homes", "540,000 residents",
		fmt.Sprintf(`value="%d" checked>`, mine.ID))
	if p, _ := signoffRead(e, id).Participant(bradfordCouncil); p.Requirements != "" || p.BudgetPence != nil {
		t.Errorf("saved after a refusal: %+v", p)
	}
	// A contract from another category's register entry is still Bradford's, so the model takes it.
	good := url.Values{"requirements": {"Council tax for 210,000 homes"}, "volumes": {"540,000 residents"}, "budget": {"£1,250,000.50"},
		"nominee": {fmt.Sprint(me.ID)}, "replaces_contract_ids": {fmt.Sprint(mine.ID), fmt.Sprint(other.ID)}}
	r = bradford.Post(path, good)
	if r.Status != http.StatusSeeOther || r.Location != fmt.Sprintf("/bids/%d#participants", id) {
		t.Fatalf("save: %d %s\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	b := signoffRead(e, id)
	p, _ := b.Participant(bradfordCouncil)
	if p.Requirements != "Council tax for 210,000 homes" || p.Volumes != "540,000 residents" || p.BudgetPence == nil || *p.BudgetPence != 125000050 {
		t.Errorf("saved participant: %+v (budget %v)", p, p.BudgetPence)
	}
	if len(b.Replaces) != 2 {
		t.Errorf("replaced contracts: %+v", b.Replaces)
	}
	// Ticked before, so offered again though in another category; the budget reads back as typed.
	r = bradford.Get(path)
	signoffWant(t, "form again", r, 200, `value="1,250,000.50"`, fmt.Sprintf(`value="%d" checked>`, other.ID), "Bradford payroll")

	// A contract in another council's register is the model's refusal, beside the checkboxes.
	leedsContract := addContract(e, testutil.AdminEmail, leedsCouncil, models.ContractInput{Title: "Leeds revenues",
		SupplierName: "Civica UK Ltd", CategorySlug: "revenues-benefits"})
	good.Set("replaces_contract_ids", fmt.Sprint(leedsContract.ID))
	r = bradford.Post(path, good)
	signoffWant(t, "another council's contract", r, 422, `<a href="#replaces_contract_ids">`, "is not in a participating council")

	// Each council states only its own needs.
	for _, c := range []struct {
		who, gss string
	}{{testutil.Officer2Email, leedsCouncil}, {testutil.OfficerEmail, bradfordCouncil}} {
		other := fmt.Sprintf("/bids/%d/participants/%s", id, c.gss)
		r := e.browser(c.who).Get(other)
		signoffWant(t, c.who+" reads "+c.gss, r, http.StatusForbidden, "Only a council&#39;s own officers")
		r = e.browser(c.who).Post(other, good)
		signoffWant(t, c.who+" saves "+c.gss, r, http.StatusForbidden)
	}
}

func TestBidSignOffClearedByEdit(t *testing.T) {
	e := newEnv(t)
	id := signoffBid(e)
	signoffBoth(e, id)
	b := signoffRead(e, id)
	if b.Status != models.BidSigningOff || len(b.AwaitingSignOff()) != 0 {
		t.Fatalf("after both sign off: %s, awaiting %v", b.Status, b.AwaitingSignOff())
	}
	// The first sign-off (Leeds's) asked Bradford's nominee at once.
	if n := signoffEmails(e, testutil.Officer2Email, "Please sign off"); n != 1 {
		t.Errorf("%d sign-off requests to Bradford, want 1", n)
	}
	leeds := e.browser(testutil.OfficerEmail)
	publish := fmt.Sprintf("/bids/%d/publish", id)
	signoffWant(t, "ready", leeds.Get(publish), 200, "The bid is ready to publish")

	// Bradford changes the criteria through the page: every sign-off goes.
	bradford := e.browser(testutil.Officer2Email)
	bradford.Get(fmt.Sprintf("/bids/%d/criteria", id))
	r := bradford.Post(fmt.Sprintf("/bids/%d/criteria", id), signoffCriteriaForm([2]string{"Quality", "60"}, [2]string{"Price", "40"}))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save criteria: %d\n%s", r.Status, excerpt(r.Body))
	}
	if got := len(signoffRead(e, id).AwaitingSignOff()); got != 2 {
		t.Errorf("%d councils awaiting sign-off, want 2", got)
	}
	signoffWant(t, "after the edit", leeds.Get(publish), 200, "2 councils are awaiting sign-off",
		"Leeds has not signed off", "Bradford has not signed off", "The bid cannot be published yet")

	f := url.Values{"response_deadline-day": {"10"}, "response_deadline-month": {"12"}, "response_deadline-year": {"2026"}, "response_deadline-time": {"12:00"},
		"clarification_deadline-day": {"3"}, "clarification_deadline-month": {"12"}, "clarification_deadline-year": {"2026"}, "clarification_deadline-time": {"12:00"}}
	r = leeds.Post(publish, f)
	signoffWant(t, "publish", r, http.StatusConflict, "The bid cannot be published yet.", "Bradford has not signed off.")
	if b := signoffRead(e, id); b.Status != models.BidSigningOff || !b.PublishedAt.IsZero() {
		t.Errorf("published anyway: %s", b.Status)
	}

	// A change of Bradford's own needs clears sign-offs the same way.
	signoffBoth(e, id)
	bradford.Get(fmt.Sprintf("/bids/%d/participants/%s", id, bradfordCouncil))
	r = bradford.Post(fmt.Sprintf("/bids/%d/participants/%s", id, bradfordCouncil), url.Values{"volumes": {"540,000 residents"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save participant: %d\n%s", r.Status, excerpt(r.Body))
	}
	if got := len(signoffRead(e, id).AwaitingSignOff()); got != 2 {
		t.Errorf("after a participant edit: %d councils awaiting sign-off, want 2", got)
	}
}

// signoffEmails counts the emails to whose subject contains subject.
func signoffEmails(e *env, to, subject string) int {
	e.t.Helper()
	n := 0
	dec := new(mime.WordDecoder)
	for _, raw := range e.app.Outbox(e.t) {
		hdr, _ := emailBody(e.t, raw)
		s, err := dec.DecodeHeader(hdr.Get("Subject"))
		if err != nil {
			e.t.Fatal(err)
		}
		if strings.Contains(hdr.Get("To"), to) && strings.Contains(s, subject) {
			n++
		}
	}
	return n
}

func TestBidRequestSignOff(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Not ready: Wakefield has not answered its invitation.
	leedsUser := signoffUser(e, testutil.OfficerEmail)
	waiting, err := e.app.DB.CreateBid(ctx, leedsUser, models.NewBid{Title: "Waiting for Wakefield", CategorySlug: "revenues-benefits",
		PartnerGSS: []string{"E08000036"}})
	if err != nil {
		t.Fatal(err)
	}
	leeds := e.browser(testutil.OfficerEmail)
	leeds.Get(fmt.Sprintf("/bids/%d/publish", waiting))
	r := leeds.Post(fmt.Sprintf("/bids/%d/signoff/request", waiting), nil)
	signoffWant(t, "not ready", r, http.StatusConflict, "The bid cannot be signed off yet.", "Wakefield has not yet accepted")

	id := signoffBid(e)
	bradford := e.browser(testutil.Officer2Email)
	bradford.Get(fmt.Sprintf("/bids/%d/criteria", id))
	r = bradford.Post(fmt.Sprintf("/bids/%d/signoff/request", id), nil)
	signoffWant(t, "partner asks", r, http.StatusForbidden, "Only the lead council")

	r = leeds.Post(fmt.Sprintf("/bids/%d/signoff/request", id), nil)
	if r.Status != http.StatusSeeOther || r.Location != fmt.Sprintf("/bids/%d", id) {
		t.Fatalf("request sign-off: %d %s\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	if n := signoffEmails(e, testutil.Officer2Email, "Please sign off"); n != 1 {
		t.Errorf("%d sign-off requests to Bradford's nominee, want 1", n)
	}
	if n := signoffEmails(e, testutil.OfficerEmail, "Please sign off"); n != 0 {
		t.Errorf("the officer who asked was emailed too")
	}
	b := signoffRead(e, id)
	if b.Status != models.BidSigningOff {
		t.Errorf("status %s after the request", b.Status)
	}
	// The councillor is not a nominee: refused.
	councillor := e.browser(testutil.CouncillorEmail)
	councillor.Get("/")
	if r := councillor.Post(fmt.Sprintf("/bids/%d/signoff", id), nil); r.Status != http.StatusForbidden {
		t.Errorf("councillor signs off: %d", r.Status)
	}
}

// signoffDeadlineForm is the publishing form: "day month year HH:MM" twice.
func signoffDeadlineForm(response, clarification string) url.Values {
	f := url.Values{}
	for name, v := range map[string]string{"response_deadline": response, "clarification_deadline": clarification} {
		p := strings.Fields(v)
		for len(p) < 4 {
			p = append(p, "")
		}
		f.Set(name+"-day", p[0])
		f.Set(name+"-month", p[1])
		f.Set(name+"-year", p[2])
		f.Set(name+"-time", p[3])
	}
	return f
}

func TestBidPublish(t *testing.T) {
	e := newEnv(t) // 21 November 2026, 10:00 GMT
	id := signoffBid(e)
	signoffBoth(e, id)
	leeds := e.browser(testutil.OfficerEmail)
	path := fmt.Sprintf("/bids/%d/publish", id)

	// Prefilled with the defaults: 14 days on at noon, questions 5 days before.
	r := leeds.Get(path)
	signoffWant(t, "publish page", r, 200, "The bid is ready to publish", "at least 7 days", "UK time, for example 12:00",
		`id="response_deadline" name="response_deadline-day" type="text" inputmode="numeric" value="5"`,
		`name="response_deadline-month" type="text" inputmode="numeric" value="12"`,
		`name="response_deadline-time" type="text" spellcheck="false" autocomplete="off" value="12:00"`,
		`name="clarification_deadline-day" type="text" inputmode="numeric" value="30"`)

	// Only the lead publishes.
	bradford := e.browser(testutil.Officer2Email)
	signoffWant(t, "Bradford's page", bradford.Get(path), http.StatusForbidden, "Only the lead council")
	signoffWant(t, "Bradford publishes", bradford.Post(path, signoffDeadlineForm("10 12 2026 12:00", "3 12 2026 12:00")), http.StatusForbidden)

	for _, c := range []struct {
		name, response, clarification, field, message string
	}{
		{"responses open under 7 days", "25 11 2026 12:00", "23 11 2026 12:00", "response_deadline", "Response deadline must be at least 7 days after publishing, so 28 November 2026 at 10:00am or later"},
		{"questions close after responses", "10 12 2026 12:00", "11 12 2026 12:00", "clarification_deadline", "Clarification deadline must be before the response deadline"},
		{"questions close with responses", "10 12 2026 12:00", "10 12 2026 12:00", "clarification_deadline", "Clarification deadline must be before the response deadline"},
		{"questions already closed", "10 12 2026 12:00", "20 11 2026 12:00", "clarification_deadline", "Clarification deadline must be in the future"},
		{"no such date", "31 2 2027 12:00", "3 12 2026 12:00", "response_deadline", "Response deadline must be a real date"},
		{"no time", "10 12 2026", "3 12 2026 12:00", "response_deadline", "Enter the time of the response deadline, like 12:00"},
		{"a 12-hour time", "10 12 2026 12:00", "3 12 2026 5pm", "clarification_deadline", "Clarification deadline time must be on the 24-hour clock"},
		{"no date", "", "3 12 2026 12:00", "response_deadline", "Enter the date of the response deadline"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := leeds.Post(path, signoffDeadlineForm(c.response, c.clarification))
			signoffWant(t, "publish", r, 422, `<a href="#`+c.field+`">`+c.message, `id="`+c.field+`" name="`+c.field+`-day"`,
				`<p id="`+c.field+`-error" class="govuk-error-message"`)
			if c.response != "" {
				signoffWant(t, "values kept", r, 422, `value="`+strings.Fields(c.response)[0]+`"`)
			}
			if b := signoffRead(e, id); !b.PublishedAt.IsZero() {
				t.Fatal("published")
			}
		})
	}

	// Every problem at once: a time that cannot be read does not hide a
	// response deadline that is too soon.
	signoffWant(t, "two problems", leeds.Post(path, signoffDeadlineForm("25 11 2026 12:00", "23 11 2026 5pm")), 422,
		`<a href="#response_deadline">Response deadline must be at least 7 days`, `<a href="#clarification_deadline">Clarification deadline time must be`)

	// 12:00 and 17:30 in December are GMT: the same in UTC.
	r = leeds.Post(path, signoffDeadlineForm("10 12 2026 12:00", "3 12 2026 17:30"))
	if r.Status != http.StatusSeeOther || r.Location != fmt.Sprintf("/bids/%d", id) {
		t.Fatalf("publish: %d %s\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	b := signoffRead(e, id)
	if want := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC); !b.ResponseDeadline.Equal(want) {
		t.Errorf("response deadline %s, want %s", b.ResponseDeadline, want)
	}
	if want := time.Date(2026, 12, 3, 17, 30, 0, 0, time.UTC); !b.ClarificationDeadline.Equal(want) {
		t.Errorf("clarification deadline %s, want %s", b.ClarificationDeadline, want)
	}
	var history []string
	for _, h := range b.History {
		history = append(history, string(h.Status))
	}
	if got := strings.Join(history, " → "); got != "draft → signing_off → published" {
		t.Errorf("history: %s", got)
	}
	signoffWant(t, "published page", leeds.Get(path), 200, "Responses due", "10 December 2026 at 12:00pm (UK time)", "3 December 2026 at 5:30pm (UK time)")
	// Published is final for this page's purposes: no second publication.
	signoffWant(t, "publish again", leeds.Post(path, signoffDeadlineForm("17 12 2026 12:00", "3 12 2026 12:00")), http.StatusConflict, "can no longer be changed")
}

func TestBidPublishInBritishSummerTime(t *testing.T) {
	e := newEnv(t)
	e.app.Clock.T = time.Date(2027, 6, 1, 8, 0, 0, 0, time.UTC) // 9:00 BST, before anyone signs in
	id := signoffBid(e)
	signoffBoth(e, id)
	leeds := e.browser(testutil.OfficerEmail)
	path := fmt.Sprintf("/bids/%d/publish", id)

	// The default is noon UK time on 15 June, which is 11:00 UTC.
	signoffWant(t, "publish page", leeds.Get(path), 200,
		`id="response_deadline" name="response_deadline-day" type="text" inputmode="numeric" value="15"`,
		`name="response_deadline-month" type="text" inputmode="numeric" value="6"`,
		`name="response_deadline-time" type="text" spellcheck="false" autocomplete="off" value="12:00"`)

	// 12:00 on 15 July is British Summer Time: 11:00 UTC. Questions close
	// at 09:00 on 8 July: 08:00 UTC.
	r := leeds.Post(path, signoffDeadlineForm("15 7 2027 12:00", "8 July 2027 09:00"))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", r.Status, excerpt(r.Body))
	}
	b := signoffRead(e, id)
	if want := time.Date(2027, 7, 15, 11, 0, 0, 0, time.UTC); !b.ResponseDeadline.Equal(want) {
		t.Errorf("response deadline %s, want %s", b.ResponseDeadline.UTC(), want)
	}
	if want := time.Date(2027, 7, 8, 8, 0, 0, 0, time.UTC); !b.ClarificationDeadline.Equal(want) {
		t.Errorf("clarification deadline %s, want %s", b.ClarificationDeadline.UTC(), want)
	}
	signoffWant(t, "published page", leeds.Get(path), 200, "15 July 2027 at 12:00pm (UK time)", "8 July 2027 at 9:00am (UK time)")
	signoffWant(t, "the bid", leeds.Get(fmt.Sprintf("/bids/%d", id)), 200, "15 July 2027 at 12:00pm (UK time)")
}
