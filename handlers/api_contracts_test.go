package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// The contract register's JSON API, called as a script would: a personal
// token in Authorization, JSON bodies.

const (
	leeds    = "E08000035"
	bradford = "E08000032"
)

// apiCaller calls the API as one demo user with a fresh token ("" is
// anonymous), from a client with no cookies.
type apiCaller struct {
	e     *env
	token string
}

func (e *env) api(email string) apiCaller {
	e.t.Helper()
	if email == "" {
		return apiCaller{e: e}
	}
	return apiCaller{e: e, token: apiToken(e.t, e.app, email)}
}

// apiToken makes a personal API token for a demo user.
func apiToken(t testing.TB, app *testutil.App, email string) string {
	t.Helper()
	ctx := context.Background()
	u, err := app.DB.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := app.DB.CreateAPIToken(ctx, u.ID, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// do sends method path with body: a string is sent as it is, anything
// else as JSON; nil sends no body.
func (a apiCaller) do(method, path string, body any) testutil.Response {
	a.e.t.Helper()
	h := map[string]string{}
	if a.token != "" {
		h["Authorization"] = "Bearer " + a.token
	}
	var text string
	switch b := body.(type) {
	case nil:
	case string:
		text, h["Content-Type"] = b, "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.e.t.Fatal(err)
		}
		text, h["Content-Type"] = string(j), "application/json"
	}
	return testutil.NewClientFor(a.e.t, a.e.srv).Do(newRequest(a.e.t, method, a.e.srv.URL+path, strings.NewReader(text), h))
}

// sendWithCSRF sends a request from a browser's session, with the form
// token in X-CSRF-Token as a page's script would.
func sendWithCSRF(t testing.TB, c *testutil.Client, method, target, contentType, body string) testutil.Response {
	t.Helper()
	if c.CSRF() == "" {
		c.Get("/login")
	}
	h := map[string]string{"X-CSRF-Token": c.CSRF(), "Sec-Fetch-Site": "same-origin", "Origin": c.Server.URL}
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	return c.Do(newRequest(t, method, c.Server.URL+target, strings.NewReader(body), h))
}

// wantJSON checks status and a JSON Content-Type and decodes the body.
func wantJSON(t testing.TB, r testutil.Response, status int, into any) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	if into != nil {
		if err := json.Unmarshal([]byte(r.Body), into); err != nil {
			t.Fatalf("%v\n%s", err, r.Body)
		}
	}
}

// wantFields checks a 422 problem names exactly these fields.
func wantFields(t testing.TB, r testutil.Response, fields ...string) {
	t.Helper()
	wantProblem(t, r, http.StatusUnprocessableEntity)
	var p struct {
		Errors []struct{ Field, Message string } `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.Errors {
		if e.Message == "" {
			t.Errorf("field %q has no message", e.Field)
		}
		got = append(got, e.Field)
	}
	sort.Strings(got)
	sort.Strings(fields)
	if !reflect.DeepEqual(got, fields) {
		t.Errorf("error fields %q, want %q\n%s", got, fields, r.Body)
	}
}

// apiContractJSON is a contract as the API shows it, for tests that need
// its ids.
type apiContractJSON struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Supplier struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"supplier"`
	Product *struct {
		ID int64 `json:"id"`
	} `json:"product"`
}

// fullContract sets every field the API takes.
func fullContract() map[string]any {
	return map[string]any{
		"reference": "LCC-ICT-0042", "title": "Revenues and benefits system",
		"description": "Council tax, business rates and housing benefit.", "department": "Resources",
		"supplier": map[string]any{"name": "Civica UK Ltd", "company_number": "1628868"},
		"product":  map[string]any{"name": "Civica OpenRevenues"}, "category": "revenues-benefits",
		"annual_value_pence": 45_000_000, "total_value_pence": 225_000_000, "irrecoverable_vat_pence": 0,
		"start_date": "2023-04-01", "end_date": "2028-03-31", "review_date": "2027-01-15", "max_extension_date": "2030-03-31",
		"extension_intended": true, "times_extended": 1, "notice_period_months": 6, "procurement_route": "framework",
		"sme": false, "vcse": false, "hosting": "on_premises", "end_of_support_date": "2029-12-31",
		"notes": "Two one-year extensions remain.",
	}
}

// createContract adds a contract through the model, for fixtures.
func createContract(t testing.TB, app *testutil.App, email, gss string, in models.ContractInput) models.Contract {
	t.Helper()
	ctx := context.Background()
	u, err := app.DB.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	k, err := app.DB.CreateContract(ctx, u, gss, in)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAPIContractLifecycle(t *testing.T) {
	e := newEnv(t)
	officer := e.api(testutil.OfficerEmail)

	r := officer.do("POST", "/api/v1/councils/"+leeds+"/contracts", fullContract())
	var got map[string]any
	wantJSON(t, r, http.StatusCreated, &got)
	id := int64(got["id"].(float64))
	supplier := got["supplier"].(map[string]any)
	product := got["product"].(map[string]any)
	if r.Location != fmt.Sprintf("/api/v1/contracts/%d", id) {
		t.Errorf("Location %q", r.Location)
	}
	want := map[string]any{
		"id": float64(id), "council": map[string]any{"gss_code": leeds, "name": "Leeds"},
		"reference": "LCC-ICT-0042", "title": "Revenues and benefits system",
		"description": "Council tax, business rates and housing benefit.", "department": "Resources",
		"supplier":           map[string]any{"id": supplier["id"], "name": "Civica UK Ltd", "company_number": "01628868"},
		"product":            map[string]any{"id": product["id"], "name": "Civica OpenRevenues"},
		"category":           map[string]any{"slug": "revenues-benefits", "name": "Revenues and benefits"},
		"annual_value_pence": 45_000_000.0, "total_value_pence": 225_000_000.0, "irrecoverable_vat_pence": 0.0,
		"start_date": "2023-04-01", "end_date": "2028-03-31", "review_date": "2027-01-15", "max_extension_date": "2030-03-31",
		"extension_intended": true, "times_extended": 1.0, "notice_period_months": 6.0, "procurement_route": "framework",
		"sme": false, "vcse": false, "hosting": "on_premises", "end_of_support_date": "2029-12-31",
		// 2030-03-31 (extension intended) less 6 months' notice and 9 months' lead time.
		"decision_window_date": "2028-12-31",
		"notes":                "Two one-year extensions remain.",
		"created_at":           "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("created contract\n got %v\nwant %v", got, want)
	}

	// Read back, by the officer and by a councillor of any council.
	for _, who := range []string{testutil.OfficerEmail, testutil.CouncillorEmail, testutil.Officer2Email, testutil.AdminEmail} {
		var again map[string]any
		wantJSON(t, e.api(who).do("GET", fmt.Sprintf("/api/v1/contracts/%d", id), nil), http.StatusOK, &again)
		if !reflect.DeepEqual(again, want) {
			t.Errorf("GET as %s\n got %v\nwant %v", who, again, want)
		}
	}

	// PUT replaces the whole contract: what is left out is cleared.
	e.app.Clock.T = e.app.Clock.T.AddDate(0, 0, 1)
	put := fullContract()
	put["annual_value_pence"] = 47_500_000
	put["supplier"] = map[string]any{"id": supplier["id"]}
	delete(put, "notes")
	delete(put, "product")
	r = officer.do("PUT", fmt.Sprintf("/api/v1/contracts/%d", id), put)
	var updated map[string]any
	wantJSON(t, r, http.StatusOK, &updated)
	if updated["annual_value_pence"] != 47_500_000.0 || updated["notes"] != "" || updated["product"] != nil ||
		updated["updated_at"] != "2026-11-22T10:00:00Z" || updated["created_at"] != "2026-11-21T10:00:00Z" {
		t.Errorf("updated contract %v", updated)
	}

	// The change is in the contract's history, from the API, by the officer.
	ctx := context.Background()
	admin, _ := e.app.DB.UserByEmail(ctx, testutil.AdminEmail)
	history, err := e.app.DB.ContractHistory(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].Action != "update" || history[0].Source != "api" || history[0].ActorName != "Sam Okafor" {
		t.Fatalf("history %+v", history)
	}
	changed := map[string]models.FieldChange{}
	for _, c := range history[0].Changes {
		changed[c.Field] = c
	}
	wantChanges := map[string]models.FieldChange{
		"annual_value_pence": {Field: "annual_value_pence", Old: "45000000", New: "47500000"},
		"notes":              {Field: "notes", Old: "Two one-year extensions remain.", New: ""},
		"product":            {Field: "product", Old: "Civica OpenRevenues", New: ""},
	}
	if !reflect.DeepEqual(changed, wantChanges) {
		t.Errorf("recorded changes %v, want %v", changed, wantChanges)
	}

	// A PUT that changes nothing records nothing.
	wantJSON(t, officer.do("PUT", fmt.Sprintf("/api/v1/contracts/%d", id), put), http.StatusOK, nil)
	if h, _ := e.app.DB.ContractHistory(ctx, admin, id); len(h) != 2 {
		t.Errorf("%d history entries after an unchanged PUT, want 2", len(h))
	}

	// Delete: 204 with no body, then it is gone, and its history stays.
	r = officer.do("DELETE", fmt.Sprintf("/api/v1/contracts/%d", id), nil)
	if r.Status != http.StatusNoContent || r.Body != "" {
		t.Fatalf("DELETE: status %d, body %q", r.Status, r.Body)
	}
	wantProblem(t, officer.do("GET", fmt.Sprintf("/api/v1/contracts/%d", id), nil), http.StatusNotFound)
	wantProblem(t, officer.do("DELETE", fmt.Sprintf("/api/v1/contracts/%d", id), nil), http.StatusNotFound)
	if h, _ := e.app.DB.ContractHistory(ctx, admin, id); len(h) != 3 || h[0].Action != "delete" {
		t.Errorf("history after delete %+v", h)
	}
}

func TestAPIContractPermissions(t *testing.T) {
	e := newEnv(t)
	e.app.ClearRegisters(t)
	k := createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{Title: "Housing system", SupplierName: "Northgate"})
	path := fmt.Sprintf("/api/v1/contracts/%d", k.ID)
	body := map[string]any{"title": "Taken over", "supplier": map[string]any{"name": "Someone Else Ltd"}}
	before := e.api(testutil.AdminEmail).do("GET", path, nil).Body

	cases := []struct {
		name, user, method, path string
		body                     any
		status                   int
	}{
		{"another council's officer may not replace", testutil.Officer2Email, "PUT", path, body, 403},
		{"another council's officer may not delete", testutil.Officer2Email, "DELETE", path, nil, 403},
		{"another council's officer may not add", testutil.Officer2Email, "POST", "/api/v1/councils/" + leeds + "/contracts", body, 403},
		{"...even with a body that is wrong", testutil.Officer2Email, "PUT", path, `{"colour": "red"}`, 403},
		{"a councillor may not add", testutil.CouncillorEmail, "POST", "/api/v1/councils/" + leeds + "/contracts", body, 403},
		{"a councillor may not replace", testutil.CouncillorEmail, "PUT", path, body, 403},
		{"a councillor may not delete", testutil.CouncillorEmail, "DELETE", path, nil, 403},
		{"a supplier may not list", testutil.SupplierEmail, "GET", "/api/v1/councils/" + leeds + "/contracts", nil, 403},
		{"a supplier may not read", testutil.SupplierEmail, "GET", path, nil, 403},
		{"a supplier may not search suppliers", testutil.SupplierEmail, "GET", "/api/v1/suppliers?q=northgate", nil, 403},
		{"anonymous may not list", "", "GET", "/api/v1/councils/" + leeds + "/contracts", nil, 401},
		{"anonymous may not read", "", "GET", path, nil, 401},
		{"anonymous may not add", "", "POST", "/api/v1/councils/" + leeds + "/contracts", body, 401},
		{"anonymous may not replace", "", "PUT", path, body, 401},
		{"anonymous may not delete", "", "DELETE", path, nil, 401},
		{"unknown council, listing", testutil.OfficerEmail, "GET", "/api/v1/councils/E99999999/contracts", nil, 404},
		{"unknown council, adding", testutil.AdminEmail, "POST", "/api/v1/councils/E99999999/contracts", body, 404},
		{"unknown contract, reading", testutil.OfficerEmail, "GET", "/api/v1/contracts/999999", nil, 404},
		{"unknown contract, replacing", testutil.OfficerEmail, "PUT", "/api/v1/contracts/999999", body, 404},
		{"unknown contract, deleting", testutil.OfficerEmail, "DELETE", "/api/v1/contracts/999999", nil, 404},
		{"not an id", testutil.OfficerEmail, "GET", "/api/v1/contracts/abc", nil, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, e.api(tc.user).do(tc.method, tc.path, tc.body), tc.status)
		})
	}
	if after := e.api(testutil.AdminEmail).do("GET", path, nil).Body; after != before {
		t.Errorf("the contract changed:\nbefore %s\nafter  %s", before, after)
	}
	ctx := context.Background()
	admin, _ := e.app.DB.UserByEmail(ctx, testutil.AdminEmail)
	if h, _ := e.app.DB.ContractHistory(ctx, admin, k.ID); len(h) != 1 {
		t.Errorf("%d history entries, want only the creation", len(h))
	}
	if page, _ := e.app.DB.Contracts(ctx, admin, models.ContractFilter{CouncilGSS: leeds}); page.Total != 1 {
		t.Errorf("Leeds has %d contracts, want 1", page.Total)
	}

	t.Run("an administrator may write any council's register", func(t *testing.T) {
		admin := e.api(testutil.AdminEmail)
		wantJSON(t, admin.do("PUT", path, body), http.StatusOK, nil)
		wantJSON(t, admin.do("POST", "/api/v1/councils/"+bradford+"/contracts", body), http.StatusCreated, nil)
	})
	t.Run("a session works, with the form token", func(t *testing.T) {
		c := e.browser(testutil.OfficerEmail)
		j, _ := json.Marshal(body)
		wantJSON(t, sendWithCSRF(t, c, "PUT", path, "application/json", string(j)), http.StatusOK, nil)
		req := newRequest(t, "PUT", e.srv.URL+path, strings.NewReader(string(j)),
			map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"})
		wantProblem(t, c.Do(req), http.StatusForbidden) // no form token: refused
	})
}
