package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"jointly/handlers"
	"jointly/models"
	"jointly/testutil"
)

// The OpenAPI document is held to the truth three ways: it validates as
// OpenAPI 3; every /api/v1 route the router binds is in it, and nothing
// else; and real responses from the real router match it, for every
// operation and every response it documents.

func loadOpenAPI(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(handlers.OpenAPIDocument())
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not valid OpenAPI 3: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentValidates(t *testing.T) {
	loadOpenAPI(t)
	e := newEnv(t)
	r := e.api("").do("GET", "/api/v1/openapi.json", nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") ||
		r.Body != string(handlers.OpenAPIDocument()) {
		t.Errorf("GET /api/v1/openapi.json: status %d, Content-Type %q; want 200 and the embedded document", r.Status, r.Header.Get("Content-Type"))
	}
}

var ginParam = regexp.MustCompile(`:([a-z_]+)`)

// TestOpenAPIDocumentCoversEveryRoute: the document and the router agree
// on which /api/v1 operations exist.
func TestOpenAPIDocumentCoversEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	app := testutil.NewApp(t)
	app.Handlers.Router()
	bound := map[string]bool{}
	for route := range app.Handlers.RouteActions() {
		method, path, _ := strings.Cut(route, " ")
		if !strings.HasPrefix(path, "/api/v1/") && path != "/api/v1" {
			continue
		}
		path = ginParam.ReplaceAllString(path, "{$1}")
		bound[method+" "+path] = true
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("%s %s is bound but not in openapi.json", method, path)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !bound[method+" "+path] {
				t.Errorf("openapi.json describes %s %s, which is not bound", method, path)
			}
		}
	}
}

// conformanceCase is one real request; {leeds} and {bradford} are ids of
// a contract in each council's register.
type conformanceCase struct {
	user   string // a demo email, "" for anonymous, "bad" for a revoked-looking token
	method string
	path   string
	body   string // JSON unless contentType says otherwise
	ctype  string
	status int
	// checkRequest also validates the request against the document: the
	// examples a client would copy must be what the document allows.
	checkRequest bool
}

// moreConformanceCases lets other files add their operations' cases to
// TestOpenAPIResponsesMatchTheDocument, so that its check that every
// documented response is exercised sees them: append from an init(). Each
// is called once with the test's env, to make any data its cases need.
var moreConformanceCases []func(t *testing.T, e *env) []conformanceCase

func TestOpenAPIResponsesMatchTheDocument(t *testing.T) {
	doc := loadOpenAPI(t)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	lk := createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{Title: "Housing system", SupplierName: "Northgate",
		ProductName: "NEC Housing", CategorySlug: "housing-management", EndDate: models.NewDate(2028, 3, 31), Hosting: models.HostingSaaS})
	bk := createContract(t, e.app, testutil.Officer2Email, bradford, models.ContractInput{Title: "Payroll", SupplierName: "iTrent Ltd"})
	for i := range 3 { // so a page of 2 has a next page
		createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{Title: fmt.Sprintf("Filler %d", i), SupplierName: "Filler Ltd"})
	}
	fullJSON, err := json.Marshal(fullContract())
	if err != nil {
		t.Fatal(err)
	}
	full := string(fullJSON)
	fullPut := strings.Replace(full, "LCC-ICT-0042", "LCC-ICT-0043", 1)
	minimal := `{"title": "Email", "supplier": {"name": "Microsoft Ltd", "company_number": "01624297"}, "product": null, "category": null, "hosting": null}`
	byID := fmt.Sprintf(`{"title": "Housing", "supplier": {"id": %d}, "product": {"id": %d}, "category": "housing-management"}`, lk.SupplierID, lk.ProductID)
	cases := []conformanceCase{
		// Public.
		{user: "", method: "GET", path: "/api/v1/openapi.json", status: 200, checkRequest: true},
		{user: "", method: "GET", path: "/api/v1/councils", status: 200, checkRequest: true},
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/councils?region=yorkshire-and-the-humber&type=MD&inactive=1", status: 200, checkRequest: true},
		{user: "", method: "GET", path: "/api/v1/categories", status: 200, checkRequest: true},
		// Who am I.
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/me", status: 200, checkRequest: true},
		{user: testutil.AdminEmail, method: "GET", path: "/api/v1/me", status: 200, checkRequest: true},
		{user: testutil.SupplierEmail, method: "GET", path: "/api/v1/me", status: 200, checkRequest: true},
		{user: "", method: "GET", path: "/api/v1/me", status: 401},
		{user: "bad", method: "GET", path: "/api/v1/me", status: 401},
		// Suppliers.
		{user: testutil.CouncillorEmail, method: "GET", path: "/api/v1/suppliers?q=northgate&limit=5", status: 200, checkRequest: true},
		{user: testutil.CouncillorEmail, method: "GET", path: "/api/v1/suppliers?q=no+such+company", status: 200, checkRequest: true},
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/suppliers?q=", status: 422},
		{user: testutil.SupplierEmail, method: "GET", path: "/api/v1/suppliers?q=northgate", status: 403},
		{user: "", method: "GET", path: "/api/v1/suppliers?q=northgate", status: 401},
		// A council's register.
		{user: testutil.CouncillorEmail, method: "GET", path: "/api/v1/councils/E08000035/contracts", status: 200, checkRequest: true},
		{user: testutil.CouncillorEmail, method: "GET", path: "/api/v1/councils/E08000035/contracts?limit=2", status: 200, checkRequest: true},
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/councils/E08000035/contracts?category=housing-management&supplier=" + strconv.FormatInt(lk.SupplierID, 10), status: 200, checkRequest: true},
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/councils/E08000035/contracts?limit=501", status: 422},
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/councils/E08000035/contracts?cursor=nonsense", status: 422},
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/councils/E99999999/contracts", status: 404},
		{user: testutil.SupplierEmail, method: "GET", path: "/api/v1/councils/E08000035/contracts", status: 403},
		{user: "", method: "GET", path: "/api/v1/councils/E08000035/contracts", status: 401},
		{user: testutil.OfficerEmail, method: "POST", path: "/api/v1/councils/E08000035/contracts", body: full, status: 201, checkRequest: true},
		{user: testutil.OfficerEmail, method: "POST", path: "/api/v1/councils/E08000035/contracts", body: minimal, status: 201, checkRequest: true},
		{user: testutil.AdminEmail, method: "POST", path: "/api/v1/councils/E08000032/contracts", body: byID, status: 201, checkRequest: true},
		{user: testutil.OfficerEmail, method: "POST", path: "/api/v1/councils/E08000035/contracts", body: `{"title": ""}`, status: 422},
		{user: testutil.OfficerEmail, method: "POST", path: "/api/v1/councils/E08000035/contracts", body: `{"title": "x", "colour": "red"}`, status: 422},
		{user: testutil.OfficerEmail, method: "POST", path: "/api/v1/councils/E08000035/contracts", body: `[]`, status: 400},
		{user: testutil.OfficerEmail, method: "POST", path: "/api/v1/councils/E08000035/contracts", body: "title=x", ctype: "application/x-www-form-urlencoded", status: 415},
		{user: testutil.OfficerEmail, method: "POST", path: "/api/v1/councils/E08000035/contracts", body: tooLarge(), status: 413},
		{user: testutil.OfficerEmail, method: "POST", path: "/api/v1/councils/E08000032/contracts", body: minimal, status: 403},
		{user: testutil.AdminEmail, method: "POST", path: "/api/v1/councils/E99999999/contracts", body: minimal, status: 404},
		{user: "", method: "POST", path: "/api/v1/councils/E08000035/contracts", body: minimal, status: 401},
		// One contract.
		{user: testutil.CouncillorEmail, method: "GET", path: "/api/v1/contracts/{leeds}", status: 200, checkRequest: true},
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/contracts/{bradford}", status: 200, checkRequest: true},
		{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/contracts/999999", status: 404},
		{user: testutil.SupplierEmail, method: "GET", path: "/api/v1/contracts/{leeds}", status: 403},
		{user: "", method: "GET", path: "/api/v1/contracts/{leeds}", status: 401},
		{user: testutil.OfficerEmail, method: "PUT", path: "/api/v1/contracts/{leeds}", body: fullPut, status: 200, checkRequest: true},
		{user: testutil.OfficerEmail, method: "PUT", path: "/api/v1/contracts/{leeds}", body: byID, status: 200, checkRequest: true},
		{user: testutil.OfficerEmail, method: "PUT", path: "/api/v1/contracts/{leeds}", body: `{"title": "x", "supplier": {"name": "x"}, "end_date": "31/02/2027"}`, status: 422},
		{user: testutil.OfficerEmail, method: "PUT", path: "/api/v1/contracts/{leeds}", body: `{"title": "x"`, status: 400},
		{user: testutil.OfficerEmail, method: "PUT", path: "/api/v1/contracts/{leeds}", body: minimal, ctype: "text/plain", status: 415},
		{user: testutil.OfficerEmail, method: "PUT", path: "/api/v1/contracts/{leeds}", body: tooLarge(), status: 413},
		{user: testutil.OfficerEmail, method: "PUT", path: "/api/v1/contracts/{bradford}", body: minimal, status: 403},
		{user: testutil.OfficerEmail, method: "PUT", path: "/api/v1/contracts/999999", body: minimal, status: 404},
		{user: "", method: "PUT", path: "/api/v1/contracts/{leeds}", body: minimal, status: 401},
		{user: testutil.OfficerEmail, method: "DELETE", path: "/api/v1/contracts/{bradford}", status: 403},
		{user: testutil.CouncillorEmail, method: "DELETE", path: "/api/v1/contracts/{leeds}", status: 403},
		{user: "", method: "DELETE", path: "/api/v1/contracts/{leeds}", status: 401},
		{user: testutil.OfficerEmail, method: "DELETE", path: "/api/v1/contracts/{leeds}", status: 204, checkRequest: true},
		{user: testutil.OfficerEmail, method: "DELETE", path: "/api/v1/contracts/{leeds}", status: 404},
	}
	for _, more := range moreConformanceCases {
		cases = append(cases, more(t, e)...)
	}

	tokens := map[string]string{"bad": "jly_" + strings.Repeat("A", 43)}
	exercised := map[string]bool{} // "METHOD /path/template STATUS"
	for i, tc := range cases {
		path := strings.NewReplacer("{leeds}", strconv.FormatInt(lk.ID, 10), "{bradford}", strconv.FormatInt(bk.ID, 10)).Replace(tc.path)
		name := fmt.Sprintf("%02d %s %s as %q → %d", i, tc.method, path, tc.user, tc.status)
		t.Run(name, func(t *testing.T) {
			if _, ok := tokens[tc.user]; !ok && tc.user != "" {
				tokens[tc.user] = apiToken(t, e.app, tc.user)
			}
			header := map[string]string{}
			if tok := tokens[tc.user]; tok != "" {
				header["Authorization"] = "Bearer " + tok
			}
			if tc.body != "" {
				header["Content-Type"] = "application/json"
				if tc.ctype != "" {
					header["Content-Type"] = tc.ctype
				}
			}
			resp := rawDo(t, newRequest(t, tc.method, e.srv.URL+path, strings.NewReader(tc.body), header))
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d\n%s", resp.Status, tc.status, excerpt(resp.Body))
			}

			// The same request, for the validator.
			req := newRequest(t, tc.method, e.srv.URL+path, strings.NewReader(tc.body), header)
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("openapi.json has no operation for %s %s: %v", tc.method, path, err)
			}
			exercised[fmt.Sprintf("%s %s %d", tc.method, route.Path, tc.status)] = true
			opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if tc.checkRequest {
				if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
					t.Errorf("the request does not match openapi.json: %v", err)
				}
			}
			err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
				RequestValidationInput: in, Status: resp.Status, Header: resp.Header, Options: opts,
				Body: io.NopCloser(bytes.NewReader([]byte(resp.Body))),
			})
			if err != nil {
				t.Errorf("the response does not match openapi.json: %v\n%s", err, excerpt(resp.Body))
			}
		})
	}

	// Every response the document promises has been seen for real.
	var missing []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status := range op.Responses.Map() {
				if key := fmt.Sprintf("%s %s %s", method, path, status); !exercised[key] {
					missing = append(missing, key)
				}
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("openapi.json documents %s, but no case here exercises it", m)
	}
}

// tooLarge is a JSON body over the 1 MiB limit.
func tooLarge() string { return `{"notes": "` + strings.Repeat("x", 1<<20) + `"}` }
