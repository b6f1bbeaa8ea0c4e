package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// Clarification questions (questions.go): suppliers ask until the
// clarification deadline, the councils answer without ever seeing who
// asked, and every answer reaches everyone at once.

const (
	northernEmail = "bids@northern-cloud.example" // a second supplier, who asks through the API
	watcherEmail  = "watch@quiet-systems.example" // a third, who only follows
)

// addSupplier makes a supplier user of a new company who signs in with
// the demo password.
func addSupplier(e *env, email, name, company string) {
	e.t.Helper()
	if _, err := e.app.DB.CreateUser(context.Background(), 0, models.NewUser{Email: email, Name: name,
		Role: models.RoleSupplier, SupplierName: company, Password: testutil.Password}); err != nil {
		e.t.Fatal(err)
	}
}

// answerEmails are the emails whose subject starts with subject, by
// recipient, as decoded text.
func answerEmails(e *env, subject string) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, raw := range e.app.Outbox(e.t) {
		hdr, body := emailBody(e.t, raw)
		if strings.HasPrefix(hdr.Get("Subject"), subject) {
			to := strings.Trim(hdr.Get("To"), "<>")
			if _, dup := out[to]; dup {
				e.t.Errorf("two emails %q to %s", subject, to)
			}
			out[to] = body
		}
	}
	return out
}

// questionIDs are bid id's question ids, oldest first.
func questionIDs(e *env, id int64) []int64 {
	e.t.Helper()
	rows, err := e.app.DB.R.Query(`SELECT id FROM bid_questions WHERE bid_id = ? ORDER BY id`, id)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var q int64
		if err := rows.Scan(&q); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, q)
	}
	return out
}

func TestClarificationQuestions(t *testing.T) {
	e := newEnv(t)
	addWakefieldOfficer(e)
	addSupplier(e, northernEmail, "Nia North", "Northern Cloud Ltd")
	addSupplier(e, watcherEmail, "Quinn Quiet", "Quiet Systems Ltd")
	e.vars["draft"] = fmt.Sprint(draftOpportunity(e, "A draft"))
	id := publishOpportunity(e, "Shared revenues platform", nil) // {bid} from here on
	path := oppPath(id)
	questions := fmt.Sprintf("/bids/%d/questions", id)
	// Who the councils must never learn asked.
	askers := []string{"Pennine Digital", "Tom Whitaker", testutil.SupplierEmail, "Northern Cloud", "Nia North", northernEmail}

	// A supplier asks on the page: problems come back beside the box.
	for i, s := range []step{
		{name: "an empty question", user: testutil.SupplierEmail, method: "POST", url: path + "/questions", form: url.Values{"question": {"  "}},
			status: 422, contains: []string{"There is a problem", `href="#question"`, `id="question-error"`, "Enter your question", "Shared revenues platform"}},
		{name: "too long, kept", user: testutil.SupplierEmail, method: "POST", url: path + "/questions",
			form:   url.Values{"question": {"Kept text " + strings.Repeat("x", models.MaxQuestion)}},
			status: 422, contains: []string{"Question must be 5,000 characters or fewer", ">Kept text xxx"}},
		{name: "asked", user: testutil.SupplierEmail, method: "POST", url: path + "/questions",
			form: url.Values{"question": {"Is data migration from our Civica system in scope?"}}, status: 303, location: path + "#questions"},
		{name: "told", user: testutil.SupplierEmail, method: "GET", url: path, status: 200,
			contains: []string{"Question sent.", "No answers have been published yet."}, excludes: []string{"Is data migration from our Civica"}},
		{name: "an officer may not ask", user: testutil.OfficerEmail, method: "POST", url: path + "/questions", form: url.Values{"question": {"Hm?"}}, status: 403},
		{name: "nobody asks about a draft", user: testutil.SupplierEmail, method: "POST", url: "/opportunities/{draft}/questions", form: url.Values{"question": {"Hm?"}}, status: 404},
		{name: "follow", user: testutil.SupplierEmail, method: "POST", url: path + "/follow", form: url.Values{"follow": {"1"}}, status: 303},
		{name: "a watcher follows", user: watcherEmail, method: "POST", url: path + "/follow", form: url.Values{"follow": {"1"}}, status: 303},
	} {
		e.run(i, s)
	}

	// Another asks through the API.
	northern := e.api(northernEmail)
	var asked struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	wantJSON(t, northern.do("POST", apiOppPath(id)+"/questions", map[string]any{"question": "How many staff use the system at each council?"}),
		http.StatusCreated, &asked)
	if asked.ID == 0 || asked.Status != "awaiting answer" {
		t.Errorf("asked through the API: %+v", asked)
	}
	wantFields(t, northern.do("POST", apiOppPath(id)+"/questions", map[string]any{}), "question")
	wantFields(t, northern.do("POST", apiOppPath(id)+"/questions", map[string]any{"question": ""}), "question")
	wantFields(t, northern.do("POST", apiOppPath(id)+"/questions", map[string]any{"question": "Hi", "company": "x"}), "company")
	wantProblemStatus(t, e.api(testutil.OfficerEmail).do("POST", apiOppPath(id)+"/questions", map[string]any{"question": "Hi"}), http.StatusForbidden)
	qs := questionIDs(e, id)
	if len(qs) != 2 || qs[1] != asked.ID {
		t.Fatalf("questions %v, want 2 ending %d", qs, asked.ID)
	}
	answerURL := func(q int64) string { return fmt.Sprintf("%s/%d/answer", questions, q) }
	e.vars["q1"], e.vars["q2"] = fmt.Sprint(qs[0]), fmt.Sprint(qs[1])

	// The councils read them without the asker; only their officers answer.
	for i, s := range []step{
		{name: "Leeds reads, unanswered first", user: testutil.OfficerEmail, method: "GET", url: questions, status: 200,
			contains: []string{"Questions from suppliers", "Is data migration from our Civica system in scope?", "How many staff use the system",
				`id="answer-{q1}"`, `id="answer-{q2}"`, "No answers published yet."}, excludes: askers},
		{name: "the overview links to them", user: testutil.Officer2Email, method: "GET", url: fmt.Sprintf("/bids/%d", id), status: 200,
			contains: []string{`href="` + questions + `"`}},
		{name: "a councillor reads, without answer boxes", user: testutil.CouncillorEmail, method: "GET", url: questions, status: 200,
			contains: []string{"How many staff use the system", "Only officers of the councils taking part can answer questions."},
			excludes: append([]string{`data-testid="publish-answer"`}, askers...)},
		{name: "another council's officer cannot see them", user: wakefieldEmail, method: "GET", url: questions, status: 404, excludes: askers},
		{name: "nor answer them", user: wakefieldEmail, method: "POST", url: answerURL(qs[1]), form: url.Values{"answer": {"No"}}, status: 404},
		{name: "a supplier cannot see the councils' list", user: testutil.SupplierEmail, method: "GET", url: questions, status: 403},
		{name: "an empty answer", user: testutil.Officer2Email, method: "POST", url: answerURL(qs[1]), form: url.Values{"answer": {""}}, status: 422,
			contains: []string{`href="#answer-{q2}"`, `id="answer-{q2}-error"`, "Enter the answer"}, excludes: askers},
		{name: "Bradford answers the second question first", user: testutil.Officer2Email, method: "POST", url: answerURL(qs[1]),
			form: url.Values{"answer": {"About 4,000 at Leeds and 2,500 at Bradford."}}, status: 303, location: questions + "#answer-number-1"},
		{name: "published as question 1", user: testutil.Officer2Email, method: "GET", url: questions, status: 200,
			contains: []string{"Answer published to every supplier", `id="answer-number-1"`, "Question 1", "About 4,000 at Leeds"}, excludes: askers},
		{name: "an answer is final", user: testutil.OfficerEmail, method: "POST", url: answerURL(qs[1]), form: url.Values{"answer": {"Changed"}}, status: 409,
			contains: []string{"already been answered, as question 1"}},
		{name: "no such question", user: testutil.OfficerEmail, method: "POST", url: answerURL(999999), form: url.Values{"answer": {"Yes"}}, status: 404},
	} {
		e.run(i, s)
	}

	// The answer went to every follower and asker at once, the same words, naming nobody.
	mails := answerEmails(e, "Answer to clarification question 1: Shared revenues platform")
	if len(mails) != 3 || mails[testutil.SupplierEmail] == "" || mails[northernEmail] == "" || mails[watcherEmail] == "" {
		t.Fatalf("answer 1 emailed to %d: %v", len(mails), mails)
	}
	body := mails[watcherEmail]
	for to, b := range mails {
		if b != body {
			t.Errorf("the email to %s differs from the watcher's:\n%s\n---\n%s", to, b, body)
		}
	}
	for _, want := range []string{"Question 1", "How many staff use the system at each council?", "About 4,000 at Leeds and 2,500 at Bradford.",
		"http://jointly.test" + path + "#questions"} {
		if !strings.Contains(body, want) {
			t.Errorf("answer email lacks %q:\n%s", want, body)
		}
	}
	for _, who := range askers {
		if strings.Contains(body, who) {
			t.Errorf("answer email names %q:\n%s", who, body)
		}
	}

	// Leeds answers the other through the API: number 2.
	leedsAPI := e.api(testutil.OfficerEmail)
	wantFields(t, leedsAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/questions/%d/answer", id, qs[0]), map[string]any{"answer": " "}), "answer")
	var a struct {
		Number     int    `json:"number"`
		Question   string `json:"question"`
		Answer     string `json:"answer"`
		AnsweredAt string `json:"answered_at"`
	}
	wantJSON(t, leedsAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/questions/%d/answer", id, qs[0]), map[string]any{"answer": "Yes: see Scope."}), http.StatusOK, &a)
	if a.Number != 2 || a.Question != "Is data migration from our Civica system in scope?" || a.Answer != "Yes: see Scope." || a.AnsweredAt != "2026-11-21T10:00:00Z" {
		t.Errorf("API answer: %+v", a)
	}
	if got := answerEmails(e, "Answer to clarification question 2:"); len(got) != 3 {
		t.Errorf("answer 2 emailed to %d", len(got))
	}
	wantProblemStatus(t, leedsAPI.do("POST", fmt.Sprintf("/api/v1/bids/%d/questions/%d/answer", id, qs[0]), map[string]any{"answer": "Again"}), http.StatusConflict)
	wantProblemStatus(t, e.api(wakefieldEmail).do("POST", fmt.Sprintf("/api/v1/bids/%d/questions/%d/answer", id, qs[0]), map[string]any{"answer": "x"}), http.StatusNotFound)

	// Everyone reads them, numbered, on the opportunity and through the API.
	r := e.browser("").Get(path)
	checkResponse(t, "published Q&A", r, http.StatusOK, "", []string{"Question 1", "Question 2", "Yes: see Scope."}, askers)
	if i1, i2 := strings.Index(r.Body, "How many staff"), strings.Index(r.Body, "Is data migration"); i1 < 0 || i2 < i1 {
		t.Errorf("questions out of number order")
	}
	var opp struct {
		Questions []struct {
			Number   int    `json:"number"`
			Question string `json:"question"`
			Answer   string `json:"answer"`
		} `json:"questions"`
	}
	raw := e.api("").do("GET", apiOppPath(id), nil)
	wantJSON(t, raw, http.StatusOK, &opp)
	if len(opp.Questions) != 2 || opp.Questions[0].Number != 1 || opp.Questions[1].Answer != "Yes: see Scope." {
		t.Errorf("API Q&A: %+v", opp.Questions)
	}
	for _, who := range askers {
		if strings.Contains(raw.Body, who) {
			t.Errorf("API opportunity names %q", who)
		}
	}

	// After the clarification deadline: the form is gone and asking is refused.
	// (A new browser: nine days on, the first one's sign-in has lapsed.)
	e.app.Clock.T = bidAs(e, testutil.OfficerEmail).ClarificationDeadline
	late := testutil.SupplierEmail + "#late"
	for i, s := range []step{
		{name: "the form is gone", user: late, method: "GET", url: path, status: 200,
			contains: []string{"Questions closed 30 November 2026 at 12:00pm (UK time). No more questions can be asked.", "Your response"},
			excludes: []string{`name="question"`, `data-testid="ask-question"`}},
		{name: "asking is refused", user: late, method: "POST", url: path + "/questions", form: url.Values{"question": {"Too late?"}},
			status: 409, contains: []string{"Questions closed 30 November 2026 at 12:00pm (UK time)."}},
	} {
		e.run(i, s)
	}
	p := wantProblemStatus(t, northern.do("POST", apiOppPath(id)+"/questions", map[string]any{"question": "Too late?"}), http.StatusConflict)
	if !strings.Contains(fmt.Sprint(p["detail"]), "Questions closed 30 November 2026") {
		t.Errorf("late question problem: %v", p)
	}
	wantProblemStatus(t, northern.do("POST", apiOppPath(id)+"/questions", "not json"), http.StatusConflict) // refused before the body is read
	if n := len(questionIDs(e, id)); n != 2 {
		t.Errorf("%d questions after the deadline, want 2", n)
	}
	if _, err := e.app.DB.VerifyAuditChain(context.Background()); err != nil {
		t.Errorf("audit chain: %v", err)
	}
}
