package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// The award (award.go): the chair's page and the API, the emails every
// respondent gets, the contracts the award puts in each council's
// register, and the bid's OCDS release package. The world is made through
// the model: a Leeds-led bid with Bradford, replacing one contract of each
// council, two suppliers respond (Pennine Digital and Airedale Systems),
// the deadline passes and the panel (Leeds's officer chairs, Bradford's
// evaluates) scores, submits and moderates, Pennine Digital first.

const (
	airedaleEmail    = "tenders@airedale.example"
	airedaleSupplier = "Airedale Systems Ltd"
	pennineSupplier  = "Pennine Digital Ltd"
)

// awardWorld is what the award tests stand on.
type awardWorld struct {
	bid              models.Bid
	win, lose        int64            // response ids: Pennine Digital's, Airedale's
	replaced         map[string]int64 // council → the contract of its register the bid replaces
	leeds, bradford  models.User
	pennine, airedal models.User
}

// publishAwardBid starts and publishes, through the model, a Leeds-led bid
// with Bradford that replaces one contract of each council.
func publishAwardBid(e *env, w *awardWorld, title string) int64 {
	e.t.Helper()
	ctx := context.Background()
	db := e.app.DB
	var ids []int64
	for _, gss := range []string{leedsCouncil, bradfordCouncil} {
		var id int64
		if err := db.R.QueryRow(`SELECT id FROM contracts WHERE council_gss = ? ORDER BY id LIMIT 1`, gss).Scan(&id); err != nil {
			e.t.Fatal(err)
		}
		w.replaced[gss] = id
		ids = append(ids, id)
	}
	id, err := db.CreateBid(ctx, w.leeds, models.NewBid{Title: title, Summary: "One revenues system for both councils.",
		CategorySlug: "revenues-benefits", PartnerGSS: []string{bradfordCouncil},
		ReplacesContractIDs: ids})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := db.AnswerInvitation(ctx, w.bradford, id, bradfordCouncil, true); err != nil {
		e.t.Fatal(err)
	}
	for _, u := range []models.User{w.leeds, w.bradford} {
		if _, err := db.SignOffBid(ctx, u, id); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// newAwardWorld publishes the bid and has both suppliers submit. With
// evaluate, the deadline passes and the panel scores and moderates.
func newAwardWorld(e *env, evaluate bool) awardWorld {
	e.t.Helper()
	ctx := context.Background()
	db := e.app.DB
	w := awardWorld{replaced: map[string]int64{}, leeds: bidPagesUser(e, testutil.OfficerEmail),
		bradford: bidPagesUser(e, testutil.Officer2Email), pennine: bidPagesUser(e, testutil.SupplierEmail)}
	var err error
	w.airedal, err = db.CreateUser(ctx, 0, models.NewUser{Email: airedaleEmail, Name: "Ada Airedale", Role: models.RoleSupplier,
		SupplierName: airedaleSupplier, Password: testutil.Password})
	if err != nil {
		e.t.Fatal(err)
	}
	id := publishAwardBid(e, &w, "Joint revenues and benefits system")
	if w.bid, err = db.BidByID(ctx, w.leeds, id); err != nil {
		e.t.Fatal(err)
	}
	for _, s := range []struct {
		u     models.User
		price int64
	}{{w.pennine, 450_000_00}, {w.airedal, 390_000_00}} {
		var answers []models.AnswerInput
		for _, c := range w.bid.Criteria {
			answers = append(answers, models.AnswerInput{CriterionID: c.ID, Text: s.u.Name + " on " + c.Name})
		}
		r, _, err := db.SaveResponse(ctx, s.u, id, models.ResponseInput{Answers: answers, PricePence: &s.price, Submit: true})
		if err != nil {
			e.t.Fatal(err)
		}
		if s.u.ID == w.pennine.ID {
			w.win = r.ID
		} else {
			w.lose = r.ID
		}
	}
	if !evaluate {
		return w
	}
	e.app.Clock.T = w.bid.ResponseDeadline.Add(time.Minute)
	setAwardPanel(e, w, id)
	scores := func(n int) []models.ScoreInput {
		var out []models.ScoreInput
		for _, c := range w.bid.Criteria {
			out = append(out, models.ScoreInput{CriterionID: c.ID, Score: n, Justification: "As the response shows"})
		}
		return out
	}
	for _, u := range []models.User{w.leeds, w.bradford} {
		for _, rid := range []int64{w.win, w.lose} {
			if err := db.SaveScores(ctx, u, id, rid, scores(5)); err != nil {
				e.t.Fatal(err)
			}
		}
		if err := db.SubmitScores(ctx, u, id); err != nil {
			e.t.Fatal(err)
		}
	}
	for rid, n := range map[int64]int{w.win: 8, w.lose: 6} {
		if err := db.SaveModeratedScores(ctx, w.leeds, id, rid, scores(n)); err != nil {
			e.t.Fatal(err)
		}
	}
	return w
}

// setAwardPanel makes Leeds's officer the chair of bid id's panel and
// Bradford's an evaluator, both declaring no conflict.
func setAwardPanel(e *env, w awardWorld, id int64) {
	e.t.Helper()
	ctx := context.Background()
	for _, m := range []struct {
		u    models.User
		role string
	}{{w.leeds, models.PanelChair}, {w.bradford, models.PanelEvaluator}} {
		if err := e.app.DB.SetPanelMember(ctx, w.leeds, id, m.u.ID, m.role); err != nil {
			e.t.Fatal(err)
		}
		if err := e.app.DB.DeclareInterests(ctx, m.u, id, false, ""); err != nil {
			e.t.Fatal(err)
		}
	}
}

// awardForm is the award form filled in.
func awardFormOf(response int64, value, start, end string) url.Values {
	f := url.Values{"value": {value}}
	if response != 0 {
		f.Set("response_id", fmt.Sprint(response))
	}
	for name, date := range map[string]string{"start_date": start, "end_date": end} {
		if parts := strings.Split(date, "/"); len(parts) == 3 {
			f.Set(name+"-day", parts[0])
			f.Set(name+"-month", parts[1])
			f.Set(name+"-year", parts[2])
		}
	}
	return f
}

// awardEmail is the body of the one email to to whose subject holds subject.
func awardEmail(e *env, to, subject string) string {
	e.t.Helper()
	var bodies []string
	dec := new(mime.WordDecoder)
	for _, raw := range e.app.Outbox(e.t) {
		hdr, body := emailBody(e.t, raw)
		s, err := dec.DecodeHeader(hdr.Get("Subject"))
		if err != nil {
			e.t.Fatal(err)
		}
		if strings.Contains(hdr.Get("To"), to) && strings.Contains(s, subject) {
			bodies = append(bodies, body)
		}
	}
	if len(bodies) != 1 {
		e.t.Fatalf("%d emails to %s about %q, want 1", len(bodies), to, subject)
	}
	return bodies[0]
}

// wantAwardContracts checks the award made one contract in each council's
// register, linked to the bid and to that council's replaced contract,
// their values adding up to total. It returns the contracts by council.
func wantAwardContracts(e *env, w awardWorld, total int64) map[string]int64 {
	e.t.Helper()
	rows, err := e.app.DB.R.Query(`SELECT id, council_gss, total_value_pence FROM contracts WHERE bid_id = ? ORDER BY council_gss`, w.bid.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	var sum int64
	for rows.Next() {
		var id, value int64
		var gss string
		if err := rows.Scan(&id, &gss, &value); err != nil {
			e.t.Fatal(err)
		}
		out[gss] = id
		sum += value
	}
	if len(out) != 2 || out[leedsCouncil] == 0 || out[bradfordCouncil] == 0 {
		e.t.Fatalf("contracts made by the award: %v, want one in Leeds's and one in Bradford's register", out)
	}
	if sum != total {
		e.t.Errorf("the contracts' values add up to %d, want the award's %d", sum, total)
	}
	for gss, id := range out {
		var replaces []int64
		r, err := e.app.DB.R.Query(`SELECT replaces_contract_id FROM contract_replacements WHERE contract_id = ?`, id)
		if err != nil {
			e.t.Fatal(err)
		}
		for r.Next() {
			var x int64
			if err := r.Scan(&x); err != nil {
				e.t.Fatal(err)
			}
			replaces = append(replaces, x)
		}
		r.Close()
		if !slices.Equal(replaces, []int64{w.replaced[gss]}) {
			e.t.Errorf("%s's new contract replaces %v, want [%d]", gss, replaces, w.replaced[gss])
		}
	}
	return out
}

// bidOCDS fetches and validates bid id's release package, returning its
// one release.
func bidOCDS(e *env, caller apiCaller, id int64) (release map[string]any, raw string) {
	e.t.Helper()
	r := caller.do("GET", fmt.Sprintf("/api/v1/bids/%d/ocds.json", id), nil)
	wantJSON(e.t, r, http.StatusOK, nil)
	if err := testutil.ValidateOCDS(testutil.OCDSReleasePackageSchema(e.t), []byte(r.Body)); err != nil {
		e.t.Fatalf("the bid's package fails the OCDS 1.1.5 schema:\n%v\n%s", err, r.Body)
	}
	var pkg struct{ Releases []map[string]any }
	if err := json.Unmarshal([]byte(r.Body), &pkg); err != nil || len(pkg.Releases) != 1 {
		e.t.Fatalf("%v, %d releases\n%s", err, len(pkg.Releases), r.Body)
	}
	return pkg.Releases[0], r.Body
}

// wantBuyers checks every participating council is a party with the role
// buyer, and the lead is the release's buyer.
func wantBuyers(e *env, rel map[string]any) {
	e.t.Helper()
	found := map[string]bool{}
	for _, p := range rel["parties"].([]any) {
		party := p.(map[string]any)
		for _, role := range party["roles"].([]any) {
			if role == "buyer" {
				found[party["id"].(string)] = true
			}
		}
	}
	if !found["GB-GSS-"+leedsCouncil] || !found["GB-GSS-"+bradfordCouncil] || len(found) != 2 {
		e.t.Errorf("buyers %v, want Leeds and Bradford", found)
	}
	if buyer := rel["buyer"].(map[string]any); buyer["id"] != "GB-GSS-"+leedsCouncil {
		e.t.Errorf("release buyer %v, want the lead, Leeds", buyer)
	}
}

func TestAwardThroughThePage(t *testing.T) {
	e := newEnv(t)
	w := newAwardWorld(e, true)
	id := w.bid.ID
	path := fmt.Sprintf("/bids/%d/award", id)
	// A fresh form each time: a post keeps the browser's form token in it.
	filled := func() url.Values { return awardFormOf(w.win, "900,000", "1/4/2027", "31/3/2030") }

	// Only the chair: the evaluator is told why; other roles never reach it.
	bradford := e.browser(testutil.Officer2Email)
	r := bradford.Get(path)
	signoffWant(t, "evaluator's award page", r, http.StatusForbidden, "Only the evaluation panel&#39;s chair")
	r = bradford.Post(path, filled())
	signoffWant(t, "evaluator's award", r, http.StatusForbidden, "Only the evaluation panel&#39;s chair")
	if strings.Contains(bradford.Get(awardBidPath(id)).Body, `data-testid="make-award-link"`) {
		t.Error("the evaluator is offered the award")
	}
	for _, who := range []string{testutil.CouncillorEmail, testutil.SupplierEmail} {
		if r := e.browser(who).Get(path); r.Status != http.StatusForbidden {
			t.Errorf("%s: award page %d, want 403", who, r.Status)
		}
	}
	if r := e.browser("").Get(path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous: %d to %q, want the sign-in page", r.Status, r.Location)
	}

	// The chair's form: both responses, ranked by moderated total.
	leeds := e.browser(testutil.OfficerEmail)
	if r := leeds.Get(awardBidPath(id)); !strings.Contains(r.Body, `data-testid="make-award-link"`) {
		t.Errorf("the chair is not offered the award on the overview\n%s", excerpt(r.Body))
	}
	r = leeds.Get(path)
	signoffWant(t, "chair's award page", r, http.StatusOK, pennineSupplier, airedaleSupplier, "Price £450,000",
		"moderated total 80 out of 100, ranked 1", "moderated total 60 out of 100, ranked 2",
		fmt.Sprintf(`id="response_id" name="response_id" type="radio" value="%d"`, w.win))
	if strings.Index(r.Body, pennineSupplier) > strings.Index(r.Body, airedaleSupplier) {
		t.Error("the best ranked response is not first")
	}

	// Problems are shown beside their fields, with what was typed kept.
	before := awardContractCount(e)
	for _, c := range []struct {
		name     string
		form     url.Values
		contains []string
	}{
		{"nothing", url.Values{}, []string{"Choose the response to award", "Enter the contract&#39;s total value across every council",
			"Enter the contract&#39;s start date", "Enter the contract&#39;s end date"}},
		{"value in words", awardFormOf(w.win, "lots", "1/4/2027", "31/3/2030"),
			[]string{"Contract value must be an amount of money in pounds", `value="lots"`, fmt.Sprintf(`value="%d" checked`, w.win)}},
		{"not a real date", awardFormOf(w.win, "900000", "31/2/2027", "31/3/2030"), []string{"Start date must be a real date", `value="31"`}},
		{"ending before it starts", awardFormOf(w.win, "900000", "1/4/2027", "31/3/2026"),
			[]string{"End date must be on or after the start date", `value="2026"`}},
		{"negative value", awardFormOf(w.win, "-5", "1/4/2027", "31/3/2030"), []string{"Contract value cannot be negative"}},
		{"not a submitted response", awardFormOf(999999, "900000", "1/4/2027", "31/3/2030"), []string{"Choose one of the submitted responses"}},
	} {
		r := leeds.Post(path, c.form)
		signoffWant(t, c.name, r, http.StatusUnprocessableEntity, append(c.contains, "There is a problem")...)
	}
	if got := awardContractCount(e); got != before {
		t.Fatalf("refused awards made %d contracts", got-before)
	}

	// The award.
	r = leeds.Post(path, filled())
	if r.Status != http.StatusSeeOther || r.Location != awardBidPath(id) {
		t.Fatalf("award: %d to %q\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	made := wantAwardContracts(e, w, 900_000_00)
	r = leeds.Get(awardBidPath(id))
	signoffWant(t, "the bid once awarded", r, http.StatusOK, "Contract awarded.", `data-testid="bid-award"`, pennineSupplier,
		"£900,000 across every council", "1 April 2027", "31 March 2030",
		fmt.Sprintf(`href="/contracts/%d"`, made[leedsCouncil]), fmt.Sprintf(`href="/contracts/%d"`, made[bradfordCouncil]))
	// Outside the councils' side: the award's facts, not the councils' contracts.
	addWakefieldOfficer(e)
	r = e.browser(wakefieldEmail).Get(awardBidPath(id))
	signoffWant(t, "an outside council's view of the awarded bid", r, http.StatusOK, pennineSupplier, "£900,000 across every council")
	if strings.Contains(r.Body, fmt.Sprintf(`href="/contracts/%d"`, made[leedsCouncil])) || strings.Contains(r.Body, airedaleSupplier) {
		t.Errorf("an outside council sees the councils' contracts or the unsuccessful respondent\n%s", excerpt(r.Body))
	}

	// Every respondent is told, at once.
	won := awardEmail(e, testutil.SupplierEmail, "Your response was successful")
	for _, want := range []string{"Your response was successful", "£900,000", "1 April 2027", "31 March 2030", w.bid.Title} {
		if !strings.Contains(won, want) {
			t.Errorf("winner's email lacks %q:\n%s", want, won)
		}
	}
	lost := awardEmail(e, airedaleEmail, "Your response was not successful")
	for _, want := range []string{"Your response was not successful", pennineSupplier, "£900,000", "1 April 2027"} {
		if !strings.Contains(lost, want) {
			t.Errorf("unsuccessful supplier's email lacks %q:\n%s", want, lost)
		}
	}
	if strings.Contains(lost, "£390,000") || strings.Contains(won, airedaleSupplier) {
		t.Error("an outcome email tells one respondent about another's response")
	}
	if n := signoffEmails(e, airedaleEmail, "Your response was successful"); n != 0 {
		t.Errorf("the unsuccessful supplier was told it won (%d emails)", n)
	}

	// Each supplier's outcome.
	ctx := context.Background()
	if out, err := e.app.DB.ResponseOutcome(ctx, w.pennine, id); err != nil || !out.Won || out.ValuePence != 900_000_00 {
		t.Errorf("winner's outcome %+v, %v", out, err)
	}
	if out, err := e.app.DB.ResponseOutcome(ctx, w.airedal, id); err != nil || !out.Awarded || out.Won || out.WinnerName != pennineSupplier {
		t.Errorf("unsuccessful supplier's outcome %+v, %v", out, err)
	}

	// Only once.
	r = leeds.Post(path, filled())
	signoffWant(t, "a second award", r, http.StatusConflict, "only once")

	// Each council's register shows where its contract came from, and
	// what it replaces; the replaced contract shows what replaced it.
	r = leeds.Get(fmt.Sprintf("/contracts/%d", made[leedsCouncil]))
	signoffWant(t, "Leeds's new contract", r, http.StatusOK, "Awarded through", fmt.Sprintf(`href="/bids/%d">joint bid %d</a>`, id, id),
		"Replaces:", fmt.Sprintf(`href="/contracts/%d"`, w.replaced[leedsCouncil]))
	r = bradford.Get(fmt.Sprintf("/contracts/%d", w.replaced[bradfordCouncil]))
	signoffWant(t, "Bradford's replaced contract", r, http.StatusOK, "Replaced by:", fmt.Sprintf(`href="/contracts/%d"`, made[bradfordCouncil]))
}

func awardBidPath(id int64) string { return fmt.Sprintf("/bids/%d", id) }

func awardContractCount(e *env) int {
	e.t.Helper()
	var n int
	if err := e.app.DB.R.QueryRow(`SELECT count(*) FROM contracts`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestAwardRefusedBeforeTheClose(t *testing.T) {
	e := newEnv(t)
	w := newAwardWorld(e, false)
	setAwardPanel(e, w, w.bid.ID) // the chair is chosen and declared, but the bid is open
	path := fmt.Sprintf("/bids/%d/award", w.bid.ID)
	leeds := e.browser(testutil.OfficerEmail)
	signoffWant(t, "award page before the close", leeds.Get(path), http.StatusConflict, "only after it has closed")
	r := leeds.Post(path, awardFormOf(w.win, "900000", "1/4/2027", "31/3/2030"))
	signoffWant(t, "award before the close", r, http.StatusConflict, "only after it has closed")
	if strings.Contains(r.Body, pennineSupplier) {
		t.Error("a refused award page names a respondent before the close")
	}
	wantProblemStatus(t, e.api(testutil.OfficerEmail).do("POST", fmt.Sprintf("/api/v1/bids/%d/award", w.bid.ID),
		map[string]any{"response_id": w.win, "value_pence": 1, "start_date": "2027-04-01", "end_date": "2030-03-31"}), http.StatusConflict)
	var made int
	if err := e.app.DB.R.QueryRow(`SELECT count(*) FROM contracts WHERE bid_id IS NOT NULL`).Scan(&made); err != nil || made != 0 {
		t.Errorf("refused awards made %d contracts (%v)", made, err)
	}
}

func TestAwardAPIAndOCDS(t *testing.T) {
	e := newEnv(t)
	w := newAwardWorld(e, false)
	id := w.bid.ID
	anon := e.api("")

	// Published and sealed: the package is public, shows the tender and
	// names no respondent.
	rel, raw := bidOCDS(e, anon, id)
	wantBuyers(e, rel)
	if tags := fmt.Sprint(rel["tag"]); tags != "[tender]" {
		t.Errorf("published bid's tags %s", tags)
	}
	if strings.Contains(raw, "Pennine") || strings.Contains(raw, "Airedale") {
		t.Errorf("the open bid's package names a respondent\n%s", raw)
	}
	// A draft is not found to outsiders.
	draft, err := e.app.DB.CreateBid(context.Background(), w.leeds, models.NewBid{Title: "A draft", CategorySlug: "crm", PartnerGSS: []string{bradfordCouncil}})
	if err != nil {
		t.Fatal(err)
	}
	for _, caller := range []apiCaller{anon, e.api(testutil.SupplierEmail)} {
		wantProblemStatus(t, caller.do("GET", fmt.Sprintf("/api/v1/bids/%d/ocds.json", draft), nil), http.StatusNotFound)
	}
	wantProblemStatus(t, anon.do("GET", "/api/v1/bids/x/ocds.json", nil), http.StatusNotFound)

	// The deadline passes and the panel evaluates.
	e.app.Clock.T = w.bid.ResponseDeadline.Add(time.Minute)
	setAwardPanel(e, w, id)
	awardPath := fmt.Sprintf("/api/v1/bids/%d/award", id)
	good := map[string]any{"response_id": w.lose, "value_pence": 780_000_01, "start_date": "2027-04-01", "end_date": "2030-03-31"}

	wantProblemStatus(t, e.api(testutil.Officer2Email).do("POST", awardPath, good), http.StatusForbidden)
	wantProblemStatus(t, e.api(testutil.CouncillorEmail).do("POST", awardPath, good), http.StatusForbidden)
	chair := e.api(testutil.OfficerEmail)
	for _, c := range []struct {
		name   string
		body   any
		status int
		fields []string
	}{
		{"empty object", map[string]any{}, 422, []string{"response_id", "value_pence", "start_date", "end_date"}},
		{"a date in words", map[string]any{"response_id": w.lose, "value_pence": 1, "start_date": "1 April 2027", "end_date": "2030-03-31"}, 422, []string{"start_date"}},
		{"unknown field", map[string]any{"response_id": w.lose, "value_pence": 1, "start_date": "2027-04-01", "end_date": "2030-03-31", "value": 1}, 422, []string{"value"}},
		{"value as text", map[string]any{"response_id": w.lose, "value_pence": "lots", "start_date": "2027-04-01", "end_date": "2030-03-31"}, 422, []string{"value_pence"}},
		{"negative value", map[string]any{"response_id": w.lose, "value_pence": -1, "start_date": "2027-04-01", "end_date": "2030-03-31"}, 422, []string{"value_pence"}},
		{"ends before it starts", map[string]any{"response_id": w.lose, "value_pence": 1, "start_date": "2027-04-01", "end_date": "2026-03-31"}, 422, []string{"end_date"}},
		{"not a submitted response", map[string]any{"response_id": 999999, "value_pence": 1, "start_date": "2027-04-01", "end_date": "2030-03-31"}, 422, []string{"response_id"}},
		{"not an object", "[1]", 400, nil},
	} {
		p := wantProblemStatus(t, chair.do("POST", awardPath, c.body), c.status)
		if c.fields == nil {
			continue
		}
		var got []string
		for _, f := range p["errors"].([]any) {
			got = append(got, f.(map[string]any)["field"].(string))
		}
		if !slices.Equal(got, c.fields) {
			t.Errorf("%s: fields %v, want %v", c.name, got, c.fields)
		}
	}

	// The chair awards to Airedale through the API.
	var award struct {
		BidID       int64   `json:"bid_id"`
		ResponseID  int64   `json:"response_id"`
		Supplier    string  `json:"supplier"`
		ValuePence  int64   `json:"value_pence"`
		StartDate   string  `json:"start_date"`
		EndDate     string  `json:"end_date"`
		AwardedAt   string  `json:"awarded_at"`
		ContractIDs []int64 `json:"contract_ids"`
	}
	wantJSON(t, chair.do("POST", awardPath, good), http.StatusOK, &award)
	if award.BidID != id || award.ResponseID != w.lose || award.Supplier != airedaleSupplier || award.ValuePence != 780_000_01 ||
		award.StartDate != "2027-04-01" || award.EndDate != "2030-03-31" || len(award.ContractIDs) != 2 {
		t.Errorf("award %+v", award)
	}
	if _, err := time.Parse(time.RFC3339, award.AwardedAt); err != nil {
		t.Errorf("awarded_at %q: %v", award.AwardedAt, err)
	}
	made := wantAwardContracts(e, w, 780_000_01)
	if !slices.Contains(award.ContractIDs, made[leedsCouncil]) || !slices.Contains(award.ContractIDs, made[bradfordCouncil]) {
		t.Errorf("contract_ids %v, want %v", award.ContractIDs, made)
	}
	if body := awardEmail(e, airedaleEmail, "Your response was successful"); !strings.Contains(body, "£780,000.01") {
		t.Errorf("winner's email:\n%s", body)
	}
	if body := awardEmail(e, testutil.SupplierEmail, "Your response was not successful"); !strings.Contains(body, airedaleSupplier) {
		t.Errorf("unsuccessful supplier's email:\n%s", body)
	}
	wantProblemStatus(t, chair.do("POST", awardPath, good), http.StatusConflict)

	// Awarded: the package adds the award and each council's contract,
	// and names the winner only.
	rel, raw = bidOCDS(e, anon, id)
	wantBuyers(e, rel)
	if tags := fmt.Sprint(rel["tag"]); tags != "[tender award contract]" {
		t.Errorf("awarded bid's tags %s", tags)
	}
	if !strings.Contains(raw, airedaleSupplier) || strings.Contains(raw, "Pennine") {
		t.Errorf("the awarded package should name the winner alone\n%s", raw)
	}
	contracts, _ := rel["contracts"].([]any)
	if len(contracts) != 2 {
		t.Errorf("%d contracts in the package, want one per council", len(contracts))
	}
	var amounts float64
	for _, c := range contracts {
		amounts += c.(map[string]any)["value"].(map[string]any)["amount"].(float64)
	}
	if fmt.Sprintf("%.2f", amounts) != "780000.01" {
		t.Errorf("contracts' values add up to %.2f", amounts)
	}
}
