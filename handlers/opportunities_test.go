package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"jointly/testutil"
)

// Opportunities (opportunities.go): published joint bids, readable by
// anyone, never a draft. The clock stands on 21 November 2026, 10am UTC,
// so a bid published now has questions closing on 30 November and
// responses due on 5 December, at noon.

const (
	oppQuestionsClose = "Questions close 30 November 2026 at 12:00pm (UK time)"
	oppResponsesDue   = "Responses are due by 5 December 2026 at 12:00pm (UK time)"
)

// publishOpportunity starts a Leeds bid with Bradford titled title, gives
// it an estimate (nil for none) and a Markdown scope, publishes it with the
// default deadlines, and returns its id (also as {bid}).
func publishOpportunity(e *env, title string, estimate *int64) int64 {
	e.t.Helper()
	ctx := context.Background()
	startLeedsBid(title)(e)
	id := bidID(e)
	leeds := bidPagesUser(e, testutil.OfficerEmail)
	if err := e.app.DB.SetBidEstimate(ctx, leeds, id, estimate); err != nil {
		e.t.Fatalf("estimate: %v", err)
	}
	b := bidAs(e, testutil.OfficerEmail)
	s := b.Sections[1] // Scope
	if _, err := e.app.DB.SaveSection(ctx, leeds, id, s.ID, "**Data migration** is in scope.\n\n<script>alert(1)</script>", s.Version); err != nil {
		e.t.Fatalf("scope: %v", err)
	}
	publishLeedsBid(e)
	return id
}

// draftOpportunity starts a Leeds bid that stays a draft.
func draftOpportunity(e *env, title string) int64 {
	e.t.Helper()
	startLeedsBid(title)(e)
	return bidID(e)
}

func oppPath(id int64) string    { return fmt.Sprintf("/opportunities/%d", id) }
func apiOppPath(id int64) string { return fmt.Sprintf("/api/v1/opportunities/%d", id) }

func pencePtr(n int64) *int64 { return &n }

func TestOpportunitiesNeverShowDrafts(t *testing.T) {
	e := newEnv(t)
	addWakefieldOfficer(e)
	draft := draftOpportunity(e, "Secret draft library system")
	published := publishOpportunity(e, "Shared revenues platform", nil)
	cancelled := publishOpportunity(e, "Withdrawn parking permits service", nil)
	if err := e.app.DB.CancelBid(context.Background(), bidPagesUser(e, testutil.OfficerEmail), cancelled, "The councils chose to extend their contracts"); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"", testutil.SupplierEmail, testutil.OfficerEmail, testutil.Officer2Email, testutil.AdminEmail, wakefieldEmail} {
		c := e.browser(who)
		for _, u := range []string{"/opportunities", "/opportunities?include_closed=1", "/opportunities?q=secret&include_closed=1"} {
			r := c.Get(u)
			checkResponse(t, who+" "+u, r, http.StatusOK, "", nil, []string{"Secret draft library system",
				"Revenues and benefits system for Leeds and Bradford"}) // the demo draft
		}
		r := c.Get(oppPath(draft))
		checkResponse(t, who+" draft page", r, http.StatusNotFound, "", nil, []string{"Secret draft library system"})
		r = c.Get(oppPath(published))
		checkResponse(t, who+" published page", r, http.StatusOK, "", []string{"Shared revenues platform"}, []string{"£123,456"})
		api := e.api(who)
		wantProblemStatus(t, api.do("GET", apiOppPath(draft), nil), http.StatusNotFound)
		var list struct {
			Opportunities []struct {
				ID    int64  `json:"id"`
				Title string `json:"title"`
			} `json:"opportunities"`
			Total int `json:"total"`
		}
		wantJSON(t, api.do("GET", "/api/v1/opportunities?include_closed=true&limit=200", nil), http.StatusOK, &list)
		seen := map[int64]bool{}
		for _, o := range list.Opportunities {
			seen[o.ID] = true
		}
		if seen[draft] || !seen[published] || !seen[cancelled] || list.Total != len(list.Opportunities) {
			t.Errorf("%s: API lists %+v (total %d)", who, list.Opportunities, list.Total)
		}
	}

	// The default list is open ones; the cancelled one appears with closed ones, saying why.
	anon := e.browser("")
	checkResponse(t, "open list", anon.Get("/opportunities"), http.StatusOK, "",
		[]string{"Shared revenues platform"}, []string{"Withdrawn parking permits service"})
	checkResponse(t, "all", anon.Get("/opportunities?include_closed=1"), http.StatusOK, "",
		[]string{"Withdrawn parking permits service", `data-testid="bid-status">Cancelled`}, nil)
	checkResponse(t, "cancelled page", anon.Get(oppPath(cancelled)), http.StatusOK, "",
		[]string{"The councils cancelled this opportunity: The councils chose to extend their contracts"},
		[]string{`data-testid="sign-in-to-respond"`})
}

func TestOpportunityListFilters(t *testing.T) {
	e := newEnv(t)
	small := publishOpportunity(e, "Small revenues portal", pencePtr(5_000_000)) // £50,000, due 5 December
	e.app.Clock.T = e.app.Clock.T.AddDate(0, 0, 1)
	large := publishOpportunity(e, "Large revenues platform", pencePtr(250_000_000)) // £2,500,000, due 6 December
	anon := e.browser("")
	for _, c := range []struct {
		name, query        string
		status             int
		contains, excludes []string
	}{
		{"everything open", "", 200, []string{"Small revenues portal", "Large revenues platform", "£50,000", "£2,500,000",
			"Leeds and 1 other council", "5 December 2026 at 12:00pm", "Revenues and benefits"}, nil},
		{"search", "q=portal", 200, []string{"Small revenues portal", "1 opportunity open for responses matching"}, []string{"Large revenues platform"}},
		{"category", "category=cyber-security", 200, []string{"No opportunities match."}, []string{"Small revenues portal", "Large revenues platform"}},
		{"unknown category is any", "category=nonsense", 200, []string{"Small revenues portal", "Large revenues platform"}, nil},
		{"lowest value", "min_value=100%2C000", 200, []string{"Large revenues platform"}, []string{"Small revenues portal"}},
		{"highest value", "max_value=%C2%A3100000", 200, []string{"Small revenues portal"}, []string{"Large revenues platform"}},
		{"closing before", "closing_before=2026-12-05", 200, nil, []string{"Small revenues portal", "Large revenues platform"}},
		{"closing before, a day later", "closing_before=2026-12-06", 200, []string{"Small revenues portal"}, []string{"Large revenues platform"}},
		{"closing before, two days later", "closing_before=2026-12-07", 200, []string{"Small revenues portal", "Large revenues platform"}, nil},
		{"a value that is not money", "min_value=lots&q=portal", 422, []string{"There is a problem", `href="#min_value"`,
			"Lowest value must be an amount in pounds", `value="lots"`, "Small revenues portal"}, nil},
		{"a date that is not a date", "closing_before=31%2F12%2F2026", 422, []string{"Closing date must be a real date"}, nil},
	} {
		r := anon.Get("/opportunities?" + c.query)
		checkResponse(t, c.name, r, c.status, "", c.contains, c.excludes)
	}

	// The API takes the same filters, values in pence.
	api := e.api("")
	type listed struct {
		Opportunities []struct {
			ID                  int64  `json:"id"`
			Title               string `json:"title"`
			Councils            int    `json:"councils"`
			EstimatedValuePence *int64 `json:"estimated_value_pence"`
			Status              string `json:"status"`
			URL                 string `json:"url"`
			ResponseDeadline    string `json:"response_deadline"`
		} `json:"opportunities"`
		Total int `json:"total"`
	}
	ids := func(q string) []int64 {
		t.Helper()
		var l listed
		wantJSON(t, api.do("GET", "/api/v1/opportunities?"+q, nil), http.StatusOK, &l)
		var out []int64
		for _, o := range l.Opportunities {
			if o.ID == small || o.ID == large {
				out = append(out, o.ID)
			}
		}
		slices.Sort(out) // small was started first: soonest first is id order too
		return out
	}
	for q, want := range map[string][]int64{
		"":                                   {small, large},
		"q=platform":                         {large},
		"min_value=10000000":                 {large},
		"max_value=10000000":                 {small},
		"category=revenues-benefits":         {small, large},
		"category=cyber-security":            nil,
		"closing_before=2026-12-05":          nil,
		"closing_before=2026-12-06":          {small},
		"category=revenues-benefits&limit=1": {small},
		"category=revenues-benefits&limit=1&offset=1": {large},
		"include_closed=true&q=revenue":               {small, large},
	} {
		if got := ids(q); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("API ?%s: %v, want %v", q, got, want)
		}
	}
	var l listed
	wantJSON(t, api.do("GET", "/api/v1/opportunities?q=portal", nil), http.StatusOK, &l)
	if len(l.Opportunities) != 1 || l.Total != 1 || *l.Opportunities[0].EstimatedValuePence != 5_000_000 || l.Opportunities[0].Councils != 2 ||
		l.Opportunities[0].URL != apiOppPath(small) || l.Opportunities[0].ResponseDeadline != "2026-12-05T12:00:00Z" || l.Opportunities[0].Status != "published" {
		t.Errorf("API list: %+v", l)
	}
	for _, q := range []string{"min_value=-1", "max_value=1.5", "closing_before=tomorrow", "include_closed=maybe", "limit=0", "offset=-1"} {
		p := wantProblemStatus(t, api.do("GET", "/api/v1/opportunities?"+q, nil), http.StatusUnprocessableEntity)
		name, _, _ := strings.Cut(q, "=")
		if !strings.Contains(fmt.Sprint(p["errors"]), name) {
			t.Errorf("?%s: problem does not name %s: %v", q, name, p)
		}
	}

	// Once the deadline passes, they close and leave the default list.
	e.app.Clock.T = e.app.Clock.T.AddDate(0, 0, 15)
	if got := ids(""); got != nil {
		t.Errorf("open after the deadline: %v", got)
	}
	checkResponse(t, "closed list", anon.Get("/opportunities?include_closed=1&q=revenues"), http.StatusOK, "",
		[]string{"Small revenues portal", `data-testid="bid-status">Closed`}, nil)
}

func TestOpportunityPage(t *testing.T) {
	e := newEnv(t)
	e.vars["draft"] = fmt.Sprint(draftOpportunity(e, "A draft"))
	id := publishOpportunity(e, "Shared revenues platform", pencePtr(120_000_000))
	path := oppPath(id)
	steps := []step{
		{name: "anyone reads it, in plain words and UK time", user: "", method: "GET", url: path, status: 200,
			contains: []string{"Shared revenues platform", "Joint procurement led by Leeds ·", oppQuestionsClose, oppResponsesDue,
				"Published 21 November 2026 at 10:00am (UK time)", "£1,200,000", "Bradford", "Council tax and benefits for 360,000 households.",
				"<strong>Data migration</strong> is in scope.", "Meets our requirements", "40%", "No answers have been published yet.",
				`<a class="govuk-link" href="/login">Sign in</a> or <a class="govuk-link" href="/suppliers/register">register as a supplier</a> to ask questions and respond`},
			excludes: []string{"<script>alert(1)</script>", "£123,456", testutil.OfficerEmail, `name="question"`, "Follow this opportunity", "Signs off"}},
		{name: "a supplier can follow, ask and respond", user: testutil.SupplierEmail, method: "GET", url: path, status: 200,
			contains: []string{`data-testid="follow"`, "Follow this opportunity", `name="question"`, `href="` + path + `/response"`,
				"Questions close 30 November 2026 at 12:00pm (UK time)."},
			excludes: []string{`data-testid="sign-in-to-respond"`}},
		{name: "follow", user: testutil.SupplierEmail, method: "POST", url: path + "/follow", form: url.Values{"follow": {"1"}}, status: 303, location: path},
		{name: "following", user: testutil.SupplierEmail, method: "GET", url: path, status: 200,
			contains: []string{"You are following this opportunity.", "Stop following"}, excludes: []string{"Follow this opportunity"}},
		{name: "follow twice is harmless", user: testutil.SupplierEmail, method: "POST", url: path + "/follow", form: url.Values{"follow": {"1"}}, status: 303},
		{name: "stop following", user: testutil.SupplierEmail, method: "POST", url: path + "/follow", form: url.Values{"follow": {"0"}}, status: 303, location: path},
		{name: "not following", user: testutil.SupplierEmail, method: "GET", url: path, status: 200,
			contains: []string{"You have stopped following this opportunity.", "Follow this opportunity"}},
		{name: "follow needs 1 or 0", user: testutil.SupplierEmail, method: "POST", url: path + "/follow", form: url.Values{"follow": {"yes"}}, status: 400},
		{name: "a draft cannot be followed", user: testutil.SupplierEmail, method: "POST", url: "/opportunities/{draft}/follow", form: url.Values{"follow": {"1"}}, status: 404},
		{name: "an officer reads the public page only", user: testutil.OfficerEmail, method: "GET", url: path, status: 200,
			contains: []string{"Shared revenues platform"}, excludes: []string{"£123,456", `name="question"`, "Follow this opportunity", `data-testid="sign-in-to-respond"`}},
		{name: "no such opportunity", user: "", method: "GET", url: "/opportunities/999999", status: 404},
		{name: "not a number", user: "", method: "GET", url: "/opportunities/abc", status: 404},
	}
	for i, s := range steps {
		e.run(i, s)
	}
	var n int
	if err := e.app.DB.R.QueryRow(`SELECT count(*) FROM opportunity_followers WHERE bid_id = ?`, id).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d followers left, %v", n, err)
	}

	// The API: the public bid, its estimate and the published answers.
	var got struct {
		ID                  int64  `json:"id"`
		Title               string `json:"title"`
		Status              string `json:"status"`
		EstimatedValuePence *int64 `json:"estimated_value_pence"`
		QuestionsOpen       bool   `json:"questions_open"`
		ResponsesOpen       bool   `json:"responses_open"`
		Participants        []struct {
			Name         string  `json:"name"`
			Requirements string  `json:"requirements"`
			BudgetPence  *int64  `json:"budget_pence"`
			Nominee      *string `json:"nominee"`
		} `json:"participants"`
		Criteria  []struct{ Weight int }  `json:"criteria"`
		Questions []any                   `json:"questions"`
		Access    struct{ Internal bool } `json:"access"`
	}
	r := e.api(testutil.OfficerEmail).do("GET", apiOppPath(id), nil)
	wantJSON(t, r, http.StatusOK, &got)
	if got.ID != id || got.Status != "published" || got.EstimatedValuePence == nil || *got.EstimatedValuePence != 120_000_000 ||
		!got.QuestionsOpen || !got.ResponsesOpen || len(got.Participants) != 2 || len(got.Criteria) != 4 || got.Questions == nil || got.Access.Internal {
		t.Errorf("API opportunity: %+v", got)
	}
	if strings.Contains(r.Body, `"budget_pence"`) || strings.Contains(r.Body, `"nominee":`+"\"") || strings.Contains(r.Body, `"nominee":null`) {
		t.Errorf("API opportunity shows the councils' own fields: %s", r.Body)
	}
}

// TestBidEstimateForm: the lead sets the estimate suppliers filter by on
// the bid's details form; like any edit, it clears sign-offs.
func TestBidEstimateForm(t *testing.T) {
	e := newEnv(t)
	startLeedsBid("Shared revenues platform")(e)
	id := bidID(e)
	edit := fmt.Sprintf("/bids/%d/edit", id)
	form := func(estimate string) url.Values {
		return url.Values{"title": {"Shared revenues platform"}, "summary": {"Together."}, "category": {"revenues-benefits"}, "estimated_value": {estimate}}
	}
	for i, s := range []step{
		{name: "the form offers it", user: testutil.OfficerEmail, method: "GET", url: edit, status: 200,
			contains: []string{`name="estimated_value"`, "Estimated value (optional)"}},
		{name: "not money", user: testutil.OfficerEmail, method: "POST", url: fmt.Sprintf("/bids/%d", id), form: form("lots"), status: 422,
			contains: []string{`href="#estimated_value"`, "Estimated value must be an amount of money", `value="lots"`}},
		{name: "negative", user: testutil.OfficerEmail, method: "POST", url: fmt.Sprintf("/bids/%d", id), form: form("-5"), status: 422,
			contains: []string{"Estimated value cannot be negative"}},
		{name: "saved", user: testutil.OfficerEmail, method: "POST", url: fmt.Sprintf("/bids/%d", id), form: form("£1,250,000"), status: 303},
		{name: "shown again", user: testutil.OfficerEmail, method: "GET", url: edit, status: 200, contains: []string{`value="1,250,000"`}},
		{name: "a partner cannot change it", user: testutil.Officer2Email, method: "POST", url: fmt.Sprintf("/bids/%d", id), form: form("1"), status: 403},
	} {
		e.run(i, s)
	}
	publishLeedsBid(e)
	checkResponse(t, "opportunity", e.browser("").Get(oppPath(id)), http.StatusOK, "", []string{"£1,250,000"}, nil)
	var n int
	if err := e.app.DB.R.QueryRow(`SELECT count(*) FROM bid_activity WHERE bid_id = ? AND summary = 'changed the estimated value'`, id).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d activity entries for the estimate, %v", n, err)
	}
}
