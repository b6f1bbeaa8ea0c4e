package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// GET /api/v1/search: its shape, its parameters, and its cases in the
// OpenAPI conformance test (api_openapi_test.go).

func init() {
	moreConformanceCases = append(moreConformanceCases, func(t *testing.T, e *env) []conformanceCase {
		long := strings.Repeat("a", models.MaxSearchQuery+1)
		return []conformanceCase{
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/search?q=civica", status: 200, checkRequest: true},
			{user: testutil.CouncillorEmail, method: "GET", path: "/api/v1/search?q=civica&type=contract&type=supplier&limit=5", status: 200, checkRequest: true},
			{user: testutil.SupplierEmail, method: "GET", path: "/api/v1/search?q=interoperability&type=library,bid", status: 200, checkRequest: true},
			{user: "", method: "GET", path: "/api/v1/search?q=interoperability", status: 200, checkRequest: true},
			{user: "", method: "GET", path: "/api/v1/search", status: 200, checkRequest: true},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/search?q=" + long, status: 422},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/search?q=civica&type=nonsense", status: 422},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/search?q=civica&limit=0", status: 422},
			{user: "bad", method: "GET", path: "/api/v1/search?q=civica", status: 401},
		}
	})
}

// apiSearchBody is the whole response, kept as raw fields to check the keys.
type apiSearchBody struct {
	Results []map[string]any `json:"results"`
}

func apiSearch(t *testing.T, a apiCaller, query string) apiSearchBody {
	t.Helper()
	var body apiSearchBody
	wantJSON(t, a.do("GET", "/api/v1/search"+query, nil), http.StatusOK, &body)
	if body.Results == nil {
		t.Fatalf("GET /api/v1/search%s: results is not an array", query)
	}
	return body
}

func resultTypes(b apiSearchBody) []string {
	var out []string
	for _, r := range b.Results {
		if t, _ := r["type"].(string); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

func TestSearchAPI(t *testing.T) {
	e := newEnv(t)
	officer, supplier := e.api(testutil.OfficerEmail), e.api(testutil.SupplierEmail)

	t.Run("each result has the issue's four keys, and the snippet is plain text", func(t *testing.T) {
		b := apiSearch(t, officer, "?q=civica")
		if len(b.Results) == 0 {
			t.Fatal("no results for civica")
		}
		for _, r := range b.Results {
			var keys []string
			for k := range r {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if !slices.Equal(keys, []string{"detail", "id", "snippet", "title", "type", "url"}) {
				t.Errorf("keys %v", keys)
			}
			snip, _ := r["snippet"].(string)
			if strings.ContainsAny(snip, models.SnippetOpen+models.SnippetClose) || strings.Contains(snip, "<mark>") {
				t.Errorf("snippet %q carries markers", snip)
			}
			if u, _ := r["url"].(string); !strings.HasPrefix(u, "/") {
				t.Errorf("url %q", u)
			}
		}
		if got := resultTypes(b); !slices.Equal(got, []string{"contract", "supplier"}) {
			t.Errorf("types %v, want contracts and the supplier", got)
		}
	})

	t.Run("the page's results, in the page's order", func(t *testing.T) {
		page := searchPageHits(t, e.browser(testutil.OfficerEmail).Get("/search?q=revenues").Body)
		api := searchAPIHits(t, officer.do("GET", "/api/v1/search?q=revenues", nil))
		if len(page) == 0 || !slices.Equal(page, api) {
			t.Errorf("page %v\nAPI %v", page, api)
		}
	})

	t.Run("no words, no results", func(t *testing.T) {
		for _, q := range []string{"", "?q=", "?q=+++", "?q=%22%28%29%2A"} {
			r := officer.do("GET", "/api/v1/search"+q, nil)
			if r.Status != http.StatusOK || strings.TrimSpace(r.Body) != `{"results":[]}` {
				t.Errorf("%q: %d %s", q, r.Status, r.Body)
			}
		}
	})

	t.Run("types repeated or comma-separated", func(t *testing.T) {
		for _, q := range []string{"?q=civica&type=supplier", "?q=civica&type=supplier&type=supplier", "?q=civica&type=supplier,"} {
			if got := resultTypes(apiSearch(t, officer, q)); !slices.Equal(got, []string{"supplier"}) {
				t.Errorf("%s: types %v", q, got)
			}
		}
		if got := resultTypes(apiSearch(t, officer, "?q=civica&type=supplier,contract")); !slices.Equal(got, []string{"contract", "supplier"}) {
			t.Errorf("types %v", got)
		}
	})

	t.Run("a type one may not see finds nothing", func(t *testing.T) {
		if b := apiSearch(t, supplier, "?q=civica&type=contract,supplier"); len(b.Results) != 0 {
			t.Errorf("a supplier finds %v", b.Results)
		}
		if b := apiSearch(t, e.api(""), "?q=civica"); len(b.Results) != 0 {
			t.Errorf("the public finds %v", b.Results)
		}
	})

	t.Run("limit", func(t *testing.T) {
		if b := apiSearch(t, officer, "?q=civica&limit=2"); len(b.Results) != 2 {
			t.Errorf("%d results", len(b.Results))
		}
	})

	t.Run("problems", func(t *testing.T) {
		for q, field := range map[string]string{
			"?q=" + url.QueryEscape(strings.Repeat("é", models.MaxSearchQuery+1)): "q",
			"?q=civica&type=contracts": "type",
			"?q=civica&limit=101":      "limit",
			"?q=civica&limit=ten":      "limit",
		} {
			p := wantProblemStatus(t, officer.do("GET", "/api/v1/search"+q, nil), http.StatusUnprocessableEntity)
			raw, _ := json.Marshal(p["errors"])
			if !strings.Contains(string(raw), `"field":"`+field+`"`) {
				t.Errorf("%s: errors %s, want one for %s", q, raw, field)
			}
		}
		if r := officer.do("GET", "/api/v1/search?q="+url.QueryEscape(strings.Repeat("é", models.MaxSearchQuery)), nil); r.Status != http.StatusOK {
			t.Errorf("200 characters (400 bytes): %d", r.Status)
		}
	})
}
