package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// The evaluation pages and API (evaluation.go, evaluation_scores.go,
// evaluation_api.go) over a published Leeds-led bid with Bradford taking
// part and one submitted response from Pennine Digital. Before the
// deadline every route refuses everyone, the panel's declared chair
// included; after it the panel reads, scores alone, submits, and the chair
// moderates. Wakefield takes no part and never learns anything.

const (
	leeds2Email = "procurement@leeds.gov.uk"
	// The supplier's answers carry these, so a page that leaks them fails.
	answerMarker = "PENNINE-ANSWER"
	chairMarker  = "ZZCHAIR"
)

// evaluationWorld publishes a bid, adds a second Leeds officer and a
// Wakefield officer, and has the supplier submit a response through the
// model. It captures {bid}, {rid}, {leeds}, {bradford}, {leeds2} and
// {wakefield} (user ids) and returns the response's receipt.
func evaluationWorld(e *env) string {
	e.t.Helper()
	ctx := context.Background()
	startLeedsBid("Joint revenues and benefits system")(e)
	publishLeedsBid(e)
	addWakefieldOfficer(e)
	if _, err := e.app.DB.CreateUser(ctx, 0, models.NewUser{Email: leeds2Email, Name: "Lola Leeds", Role: models.RoleOfficer,
		CouncilGSS: leedsCouncil, Password: testutil.Password}); err != nil {
		e.t.Fatal(err)
	}
	b := bidAs(e, testutil.OfficerEmail)
	var answers []models.AnswerInput
	for i, c := range b.Criteria {
		answers = append(answers, models.AnswerInput{CriterionID: c.ID,
			Text: fmt.Sprintf("%s-%d: we **deliver** %s.\n\n<script>alert(1)</script>", answerMarker, i+1, c.Name)})
	}
	price := int64(120_000_00)
	r, receipt, err := e.app.DB.SaveResponse(ctx, bidPagesUser(e, testutil.SupplierEmail), b.ID,
		models.ResponseInput{Answers: answers, PricePence: &price, Submit: true})
	if err != nil {
		e.t.Fatalf("submit response: %v", err)
	}
	e.vars["rid"] = fmt.Sprint(r.ID)
	for name, email := range map[string]string{"leeds": testutil.OfficerEmail, "bradford": testutil.Officer2Email,
		"leeds2": leeds2Email, "wakefield": wakefieldEmail} {
		e.vars[name] = fmt.Sprint(bidPagesUser(e, email).ID)
	}
	return receipt.SHA256
}

// evaluationRoutes is every route of the evaluation that reads or writes
// responses or scores, as steps for user wanting status and text.
func evaluationRoutes(user string, status int, contains ...string) []step {
	scores := url.Values{"score-1": {"5"}, "justification-1": {"x"}}
	var out []step
	for _, s := range []step{
		{method: "GET", url: "/bids/{bid}/responses"},
		{method: "GET", url: "/bids/{bid}/responses/{rid}"},
		{method: "POST", url: "/bids/{bid}/responses/{rid}/scores", form: scores},
		{method: "POST", url: "/bids/{bid}/scores/submit"},
		{method: "POST", url: "/bids/{bid}/responses/{rid}/moderation", form: url.Values{"moderated-1": {"5"}}},
		{method: "GET", url: "/bids/{bid}/evaluation.csv"},
	} {
		s.name, s.user, s.status, s.contains = user+" "+s.method+" "+s.url, user, status, contains
		s.excludes = []string{answerMarker, "Pennine"}
		out = append(out, s)
	}
	return out
}

// evaluationAPI calls the two API routes as email and checks each answers
// a problem with status and text.
func evaluationAPI(e *env, email string, status int, text string) {
	e.t.Helper()
	a := e.api(email)
	body := []map[string]any{{"criterion_id": 1, "score": 5, "justification": "x"}}
	for _, r := range []testutil.Response{
		a.do("GET", e.expand("/api/v1/bids/{bid}/responses"), nil),
		a.do("PUT", e.expand("/api/v1/bids/{bid}/responses/{rid}/scores"), body),
	} {
		wantProblem(e.t, r, status)
		if !strings.Contains(r.Body, text) || strings.Contains(r.Body, answerMarker) || strings.Contains(r.Body, "Pennine") {
			e.t.Errorf("API as %s: want %q and nothing of the response\n%s", email, text, r.Body)
		}
	}
}

func (e *env) runAll(steps []step) {
	e.t.Helper()
	for i, s := range steps {
		e.run(i, s)
	}
}

// scoreForm is a full scoring form: score-N and justification-N.
func scoreForm(field, prefix string, scores ...int) url.Values {
	f := url.Values{}
	for i, s := range scores {
		f.Set(fmt.Sprintf("%s-%d", field, i+1), fmt.Sprint(s))
		f.Set(fmt.Sprintf("justification-%d", i+1), fmt.Sprintf("%s-%d", prefix, i+1))
	}
	return f
}

func scoreCount(e *env) int {
	e.t.Helper()
	var n int
	if err := e.app.DB.R.QueryRow(`SELECT count(*) FROM bid_scores`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestEvaluationSealedBeforeTheDeadline(t *testing.T) {
	e := newEnv(t)
	evaluationWorld(e)
	sealed := "Responses are sealed until the response deadline"
	e.runAll([]step{
		{name: "the overview links to the panel", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
			contains: []string{`href="/bids/{bid}/panel"`, `href="/bids/{bid}/responses"`}},
		{name: "the lead sees the panel form and only the count", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/panel", status: 200,
			contains: []string{"Nobody is on the panel yet.", "Add to the panel", "1 response has been submitted so far", "Lola Leeds", "Bradford"},
			excludes: []string{"Pennine", answerMarker, "Make my declaration"}},
		{name: "both fields are required", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel", status: 422,
			contains: []string{"There is a problem", "Choose an officer of a participating council", "Choose chair or evaluator"}},
		{name: "only participants' officers sit on it", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel",
			form: url.Values{"user_id": {"{wakefield}"}, "role": {"evaluator"}}, status: 422,
			contains: []string{"Choose an officer of a participating council", `value="evaluator" checked`}},
		{name: "the lead makes itself chair", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel",
			form: url.Values{"user_id": {"{leeds}"}, "role": {"chair"}}, status: 303, location: "/bids/{bid}/panel"},
		{name: "and Bradford an evaluator", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel",
			form: url.Values{"user_id": {"{bradford}"}, "role": {"evaluator"}}, status: 303, location: "/bids/{bid}/panel"},
		{name: "and Lola an evaluator", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel",
			form: url.Values{"user_id": {"{leeds2}"}, "role": {"evaluator"}}, status: 303},
		{name: "the lead takes Lola off", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel/{leeds2}/delete",
			status: 303, location: "/bids/{bid}/panel"},
		{name: "and she is gone", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/panel", status: 200,
			contains: []string{"Taken off the panel.", "Sam Okafor", "Priya Shah"}, excludes: []string{"Lola Leeds</th>"}},
		{name: "a partner cannot take anyone off", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/panel/{leeds}/delete",
			status: 403},
		{name: "Lola is back", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel",
			form: url.Values{"user_id": {"{leeds2}"}, "role": {"evaluator"}}, status: 303},
		{name: "a partner cannot choose the panel", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/panel",
			form: url.Values{"user_id": {"{bradford}"}, "role": {"chair"}}, status: 403, contains: []string{"Only the lead council"}},
		{name: "a partner sees the panel and the declaration", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/panel", status: 200,
			contains: []string{"You must declare before you can read any response. You cannot change it afterwards.", "Chair", "Not yet"},
			excludes: []string{"Add to the panel", "Pennine"}},
		{name: "a conflict must be described", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel/declaration",
			form: url.Values{"conflicted": {"yes"}}, status: 422, contains: []string{"Describe your conflict of interest", `value="yes" checked`}},
		{name: "yes or no is required", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel/declaration",
			status: 422, contains: []string{"Say whether you have a conflict of interest"}},
		{name: "the chair declares", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel/declaration",
			form: url.Values{"conflicted": {"no"}}, status: 303, location: "/bids/{bid}/panel"},
		{name: "the panel shows the declaration", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/panel", status: 200,
			contains: []string{"Declaration recorded.", "You declared no conflict of interest", "1 response has been submitted so far"},
			excludes: []string{"Make my declaration", "Read and score the responses", "Pennine"}},
		{name: "once", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel/declaration",
			form: url.Values{"conflicted": {"yes"}, "declaration": {"Changed my mind"}}, status: 409},
	})
	if t.Failed() {
		return
	}

	// Sealed: the declared chair, an undeclared evaluator, and through the
	// API too. Nothing is saved.
	e.runAll(evaluationRoutes(testutil.OfficerEmail, 403, sealed, "1 response has been submitted", "Go to the Jointly home page"))
	e.runAll(evaluationRoutes(testutil.Officer2Email, 403, sealed))
	evaluationAPI(e, testutil.OfficerEmail, 403, "sealed")
	if n := scoreCount(e); n != 0 {
		t.Errorf("%d scores saved while sealed", n)
	}

	// Wakefield takes no part: not found, everywhere.
	addWakefield := []step{{name: "panel", user: wakefieldEmail, method: "GET", url: "/bids/{bid}/panel", status: 404,
		excludes: []string{"Pennine", "response has been submitted"}}}
	e.runAll(append(addWakefield, evaluationRoutes(wakefieldEmail, 404)...))
	evaluationAPI(e, wakefieldEmail, 404, "not found")
}

func TestEvaluationAfterTheDeadline(t *testing.T) {
	e := newEnv(t)
	receipt := evaluationWorld(e)
	ctx := context.Background()
	db, id := e.app.DB, bidID(e)
	leeds := bidPagesUser(e, testutil.OfficerEmail)
	for _, m := range []struct {
		user int64
		role string
	}{{leeds.ID, models.PanelChair}, {bidPagesUser(e, testutil.Officer2Email).ID, models.PanelEvaluator},
		{bidPagesUser(e, leeds2Email).ID, models.PanelEvaluator}} {
		if err := db.SetPanelMember(ctx, leeds, id, m.user, m.role); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeclareInterests(ctx, leeds, id, false, ""); err != nil {
		t.Fatal(err)
	}
	e.app.Clock.T = bidAs(e, testutil.OfficerEmail).ResponseDeadline.Add(time.Minute)

	e.runAll([]step{
		{name: "undeclared: declare first", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/responses", status: 403,
			contains: []string{"Declare any conflict of interest"}, excludes: []string{"Pennine"}},
		{name: "Lola declares a conflict", user: leeds2Email, method: "POST", url: "/bids/{bid}/panel/declaration",
			form: url.Values{"conflicted": {"yes"}, "declaration": {"My brother works for a likely bidder."}}, status: 303},
		{name: "the panel shows it", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/panel", status: 200,
			contains: []string{"Conflicted", "My brother works for a likely bidder.", "Read and score the responses", "1 response was submitted"}},
	})
	e.runAll(evaluationRoutes(leeds2Email, 403, "You declared a conflict of interest"))
	evaluationAPI(e, leeds2Email, 403, "conflict of interest")
	if t.Failed() {
		return
	}

	chairScores := scoreForm("score", chairMarker, 8, 7, 6, 9)
	missing := scoreForm("score", chairMarker, 8, 7, 6, 9)
	missing.Set("justification-2", "")
	missing.Set("score-3", "")
	typo := scoreForm("score", chairMarker, 8, 7, 6, 9)
	typo.Set("score-4", "ten")
	typo.Set("justification-2", "")
	e.runAll([]step{
		{name: "Bradford declares", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/panel/declaration",
			form: url.Values{"conflicted": {"no"}}, status: 303},
		{name: "the chair lists the responses", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/responses", status: 200,
			contains: []string{"Pennine Digital Ltd", "£120,000", "Not started", `href="/bids/{bid}/responses/{rid}"`},
			excludes: []string{"Submit my scores", "Download the evaluation as CSV"}},
		{name: "and reads one, Markdown rendered and sanitised", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/responses/{rid}", status: 200,
			contains: []string{answerMarker + "-1: we <strong>deliver</strong>", "Weight 40%", `name="score-4"`, receipt, "Save scores"},
			excludes: []string{"<script>alert", "Save moderated scores"}},
		{name: "a score and a justification each", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/responses/{rid}/scores",
			form: missing, status: 422,
			contains: []string{"There is a problem", "Justify your score for “Delivery and support”", "Score “Social value”", chairMarker + "-4"}},
		{name: "a typed score and the model's problems together", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/responses/{rid}/scores",
			form: typo, status: 422, contains: []string{"Score for “Price” must be a whole number from 0 to 10", "Justify your score for “Delivery and support”",
				`<option value="7" selected>`}, excludes: []string{"Score “Price”"}},
		{name: "a score is a whole number", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/responses/{rid}/scores",
			form: scoreForm("score", chairMarker, 8, 7, 6, 11), status: 422, contains: []string{"must be a whole number from 0 to 10"}},
		{name: "the chair scores", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/responses/{rid}/scores",
			form: chairScores, status: 303, location: "/bids/{bid}/responses"},
		{name: "and may submit", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/responses", status: 200,
			contains: []string{"Scores saved.", "Scored", "Submit my scores"}},
		{name: "a member who has scored stays on the panel", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/panel/{leeds}/delete",
			status: 409, contains: []string{"started scoring"}},
		{name: "Bradford cannot see the chair's scores", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/responses/{rid}", status: 200,
			contains: []string{"Save scores"}, excludes: []string{chairMarker}},
		{name: "nor submit before scoring everything", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/scores/submit", status: 409,
			contains: []string{"4 scores are missing"}},
	})
	if t.Failed() {
		return
	}

	// Bradford scores through the API.
	api := e.api(testutil.Officer2Email)
	b := bidAs(e, testutil.OfficerEmail)
	path := e.expand("/api/v1/bids/{bid}/responses/{rid}/scores")
	body := func(scores ...int) []map[string]any {
		var out []map[string]any
		for i, c := range b.Criteria {
			out = append(out, map[string]any{"criterion_id": c.ID, "score": scores[i], "justification": fmt.Sprintf("Bradford view %d", i+1)})
		}
		out[0]["justification"] = `=HYPERLINK("http://evil.example")`
		return out
	}
	wantFields(t, api.do("PUT", path, body(5, 11, 5, 5)), "scores[1].score")
	wantFields(t, api.do("PUT", path, body(5, 5, 5, 5)[:3]), "scores")
	wantFields(t, api.do("PUT", path, []map[string]any{{"criterion_id": b.Criteria[0].ID, "score": "high"}}), "scores[0].score")
	wantProblem(t, api.do("PUT", path, `{"scores": []}`), http.StatusBadRequest)
	var saved struct {
		Scores []struct {
			CriterionID   int64  `json:"criterion_id"`
			Criterion     string `json:"criterion"`
			Score         int    `json:"score"`
			Justification string `json:"justification"`
		} `json:"scores"`
	}
	wantJSON(t, api.do("PUT", path, body(6, 5, 4, 7)), http.StatusOK, &saved)
	if len(saved.Scores) != 4 || saved.Scores[1].Score != 5 || saved.Scores[1].Criterion != "Delivery and support" {
		t.Fatalf("saved %+v", saved.Scores)
	}
	var listed struct {
		Responses []struct {
			ID          int64     `json:"id"`
			Supplier    string    `json:"supplier"`
			PricePence  int64     `json:"price_pence"`
			SubmittedAt time.Time `json:"submitted_at"`
			SHA256      string    `json:"sha256"`
			Answers     []struct {
				CriterionID int64  `json:"criterion_id"`
				Criterion   string `json:"criterion"`
				Text        string `json:"text"`
			} `json:"answers"`
		} `json:"responses"`
	}
	wantJSON(t, api.do("GET", e.expand("/api/v1/bids/{bid}/responses"), nil), http.StatusOK, &listed)
	if len(listed.Responses) != 1 {
		t.Fatalf("listed %+v", listed)
	}
	if r := listed.Responses[0]; r.Supplier != "Pennine Digital Ltd" || r.PricePence != 120_000_00 || r.SHA256 != receipt ||
		r.SubmittedAt.IsZero() || len(r.Answers) != 4 || !strings.HasPrefix(r.Answers[0].Text, answerMarker+"-1") {
		t.Errorf("listed %+v", r)
	}

	e.runAll([]step{
		{name: "the chair cannot moderate before everyone submits", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/responses/{rid}/moderation",
			form: scoreForm("moderated", "Agreed", 7, 6, 5, 9), status: 409, contains: []string{"2 members are still to submit"}},
		{name: "Bradford submits", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/scores/submit", status: 303, location: "/bids/{bid}/responses"},
		{name: "but not the ranking before moderation", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/responses", status: 200,
			contains: []string{"Scores submitted.", "Not moderated", "Still to submit: Sam Okafor", "Download the evaluation as CSV"},
			excludes: []string{"Submit my scores", "out of 100 (rank"}},
		{name: "and now sees the chair's scores", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/responses/{rid}", status: 200,
			contains: []string{chairMarker + "-1", "Bradford view 2"}, excludes: []string{"Save scores", "Save moderated scores"}},
		{name: "the chair still cannot see Bradford's", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/responses/{rid}", status: 200,
			excludes: []string{"Bradford view"}},
		{name: "nor download the evaluation", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/evaluation.csv", status: 403,
			contains: []string{"Submit your own scores"}},
		{name: "the chair submits", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/scores/submit", status: 303},
	})
	if t.Failed() {
		return
	}
	// Scores are fixed once submitted.
	wantProblem(t, api.do("PUT", path, body(1, 1, 1, 1)), http.StatusConflict)

	e.runAll([]step{
		{name: "only the chair moderates", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/responses/{rid}/moderation",
			form: scoreForm("moderated", "Agreed", 7, 6, 5, 9), status: 403, contains: []string{"Only the panel"}},
		{name: "the chair sees the form", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/responses/{rid}", status: 200,
			contains: []string{"Save moderated scores", `name="moderated-4"`, "Bradford view 2", chairMarker + "-2"}},
		{name: "a moderated score for every criterion", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/responses/{rid}/moderation",
			form: url.Values{"moderated-1": {"7"}, "justification-1": {"Kept note"}}, status: 422,
			contains: []string{"Score “Delivery and support”", "Kept note"}},
		{name: "the chair moderates", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/responses/{rid}/moderation",
			form: scoreForm("moderated", "Agreed", 7, 6, 5, 9), status: 303, location: "/bids/{bid}/responses"},
		// 40×7/10 + 20×6/10 + 10×5/10 + 30×9/10 = 28 + 12 + 5 + 27.
		{name: "the ranking follows", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/responses", status: 200,
			contains: []string{"Moderated scores saved.", "Pennine Digital Ltd: 72 out of 100 (rank 1)", "Download the evaluation as CSV"}},
		{name: "for Bradford too", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/responses/{rid}", status: 200,
			contains: []string{"72 out of 100, ranked 1", "Agreed-1"}},
	})
	if t.Failed() {
		return
	}

	// The CSV: one row per response, criterion and evaluator.
	r := e.browser(testutil.OfficerEmail).Get(e.expand("/bids/{bid}/evaluation.csv"))
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %q %q\n%s", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"), r.Body)
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], models.EvaluationCSVColumns) || len(rows) != 1+4*2 {
		t.Fatalf("CSV header %q, %d rows", rows[0], len(rows))
	}
	want := map[string][]string{
		// evaluator, criterion → score, justification, moderated, points
		"Bradford|Meets our requirements": {"6", `'=HYPERLINK("http://evil.example")`, "7", "28"},
		"Leeds|Meets our requirements":    {"8", chairMarker + "-1", "7", "28"},
		"Bradford|Price":                  {"7", "Bradford view 4", "9", "27"},
		"Leeds|Social value":              {"6", chairMarker + "-3", "5", "5"},
	}
	found := 0
	for _, row := range rows[1:] {
		if row[0] != e.vars["rid"] || row[1] != "Pennine Digital Ltd" || row[2] != "120000.00" {
			t.Errorf("row %q", row)
		}
		who := map[string]string{"Sam Okafor": "Leeds", "Priya Shah": "Bradford"}[row[5]]
		if w, ok := want[who+"|"+row[3]]; ok {
			found++
			if !slices.Equal(row[6:], w) {
				t.Errorf("%s on %s: %q, want %q", row[5], row[3], row[6:], w)
			}
		}
	}
	if found != len(want) {
		t.Errorf("found %d of the %d rows checked\n%s", found, len(want), r.Body)
	}
	e.runAll([]step{{name: "not for the conflicted", user: leeds2Email, method: "GET", url: "/bids/{bid}/evaluation.csv", status: 403}})

	// Wakefield still learns nothing.
	e.runAll(evaluationRoutes(wakefieldEmail, 404))
	evaluationAPI(e, wakefieldEmail, 404, "not found")
	e.runAll([]step{{name: "nor its panel", user: wakefieldEmail, method: "GET", url: "/bids/{bid}/panel", status: 404}})
}

// After the award scoring is over for everyone: a member who never
// submitted sees the others' scores and the ranking, read-only.
func TestEvaluationAfterTheAward(t *testing.T) {
	e := newEnv(t)
	evaluationWorld(e)
	ctx := context.Background()
	db, id := e.app.DB, bidID(e)
	leeds, bradford := bidPagesUser(e, testutil.OfficerEmail), bidPagesUser(e, testutil.Officer2Email)
	for u, role := range map[models.User]string{leeds: models.PanelChair, bradford: models.PanelEvaluator} {
		if err := db.SetPanelMember(ctx, leeds, id, u.ID, role); err != nil {
			t.Fatal(err)
		}
		if err := db.DeclareInterests(ctx, u, id, false, ""); err != nil {
			t.Fatal(err)
		}
	}
	b := bidAs(e, testutil.OfficerEmail)
	e.app.Clock.T = b.ResponseDeadline.Add(time.Hour)
	var rid int64
	if _, err := fmt.Sscan(e.vars["rid"], &rid); err != nil {
		t.Fatal(err)
	}
	var in []models.ScoreInput
	for i, c := range b.Criteria {
		in = append(in, models.ScoreInput{CriterionID: c.ID, Score: 8, Justification: fmt.Sprintf("%s-%d", chairMarker, i+1)})
	}
	if err := db.SaveScores(ctx, leeds, id, rid, in); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AwardBid(ctx, leeds, id, models.AwardInput{ResponseID: rid, ValuePence: 100_000_00,
		StartDate: models.NewDate(2027, time.April, 1), EndDate: models.NewDate(2030, time.March, 31)}); err != nil {
		t.Fatal(err)
	}
	e.runAll([]step{
		{name: "Bradford, who never submitted, reads the chair's scores", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/responses/{rid}",
			status: 200, contains: []string{chairMarker + "-1", "Scoring has finished."}, excludes: []string{"Save scores", "Save moderated scores"}},
		{name: "and the list, without a submit button", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/responses", status: 200,
			contains: []string{"Download the evaluation as CSV"}, excludes: []string{"Submit my scores"}},
		{name: "and downloads the evaluation", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/evaluation.csv", status: 200,
			contains: []string{chairMarker + "-4", "Sam Okafor"}},
		{name: "but scores no more", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/responses/{rid}/scores",
			form: scoreForm("score", "late", 1, 1, 1, 1), status: 409},
	})
}
