package handlers_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// Overlaps' cases for TestOpenAPIResponsesMatchTheDocument
// (api_openapi_test.go), over the demo registers and one contract more.
func init() {
	moreConformanceCases = append(moreConformanceCases, func(t *testing.T, e *env) []conformanceCase {
		k := createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{Title: "Revenues", SupplierName: "Civica UK Ltd",
			ProductName: "Civica OpenRevenues", CategorySlug: "revenues-benefits", EndDate: models.NewDate(2029, 3, 31)})
		product, supplier := strconv.FormatInt(k.ProductID, 10), strconv.FormatInt(k.SupplierID, 10)
		return []conformanceCase{
			{user: testutil.CouncillorEmail, method: "GET", path: "/api/v1/overlaps?product=" + product, status: 200, checkRequest: true},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/overlaps?supplier=" + supplier + "&region=yorkshire-and-the-humber&type=MD", status: 200, checkRequest: true},
			{user: testutil.AdminEmail, method: "GET", path: "/api/v1/overlaps?category=housing-management", status: 200, checkRequest: true},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/overlaps", status: 422},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/overlaps?category=crm&region=atlantis", status: 422},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/overlaps?product=999999", status: 404},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/overlaps?category=no-such-category", status: 404},
			{user: testutil.SupplierEmail, method: "GET", path: "/api/v1/overlaps?category=crm", status: 403},
			{user: "", method: "GET", path: "/api/v1/overlaps?category=crm", status: 401},
		}
	})
}

// TestAPIOverlapExactly: GET /api/v1/overlaps on the hand-built registers
// of overlapFixtures, to the byte's meaning.
func TestAPIOverlapExactly(t *testing.T) {
	e := newEnv(t)
	overlapFixtures(e)
	r := e.api(testutil.CouncillorEmail).do("GET", e.expand("/api/v1/overlaps?product={product}"), nil)
	want := e.expand(`{
	  "subject": {"kind": "product", "id": {product}, "name": "Civica OpenRevenues"},
	  "as_of": "2026-11-21",
	  "councils": [
	    {"gss_code": "E08000032", "name": "Bradford", "region": "Yorkshire and The Humber", "type": "MD", "contracts": 1, "annual_spend_pence": 5000000},
	    {"gss_code": "E08000035", "name": "Leeds", "region": "Yorkshire and The Humber", "type": "MD", "contracts": 1, "annual_spend_pence": 10000000},
	    {"gss_code": "E09000033", "name": "Westminster", "region": "London", "type": "LBO", "contracts": 1, "annual_spend_pence": 20000000}
	  ],
	  "totals": {"councils": 3, "contracts": 3, "annual_spend_pence": 35000000,
	             "contracts_without_annual_value": 0, "contracts_without_decision_window": 0},
	  "timeline": [
	    {"quarter": "passed", "label": "Already passed", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2026-Q4", "label": "Oct–Dec 2026", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2027-Q1", "label": "Jan–Mar 2027", "contracts": 1, "annual_spend_pence": 10000000},
	    {"quarter": "2027-Q2", "label": "Apr–Jun 2027", "contracts": 2, "annual_spend_pence": 25000000},
	    {"quarter": "2027-Q3", "label": "Jul–Sep 2027", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2027-Q4", "label": "Oct–Dec 2027", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2028-Q1", "label": "Jan–Mar 2028", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2028-Q2", "label": "Apr–Jun 2028", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2028-Q3", "label": "Jul–Sep 2028", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2028-Q4", "label": "Oct–Dec 2028", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2029-Q1", "label": "Jan–Mar 2029", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2029-Q2", "label": "Apr–Jun 2029", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2029-Q3", "label": "Jul–Sep 2029", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2029-Q4", "label": "Oct–Dec 2029", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2030-Q1", "label": "Jan–Mar 2030", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2030-Q2", "label": "Apr–Jun 2030", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2030-Q3", "label": "Jul–Sep 2030", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2030-Q4", "label": "Oct–Dec 2030", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2031-Q1", "label": "Jan–Mar 2031", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2031-Q2", "label": "Apr–Jun 2031", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "2031-Q3", "label": "Jul–Sep 2031", "contracts": 0, "annual_spend_pence": 0},
	    {"quarter": "later", "label": "After September 2031", "contracts": 0, "annual_spend_pence": 0}
	  ]
	}`)
	var got, wantV any
	wantJSON(t, r, http.StatusOK, &got)
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantV) {
		t.Errorf("got\n%s\nwant\n%s", r.Body, want)
	}
}

func TestAPIOverlapQueries(t *testing.T) {
	e := newEnv(t)
	overlapFixtures(e)
	officer := e.api(testutil.OfficerEmail)
	type overlapJSON struct {
		Subject struct {
			Kind string `json:"kind"`
			ID   any    `json:"id"`
			Name string `json:"name"`
		} `json:"subject"`
		Councils []struct {
			Name string `json:"name"`
		} `json:"councils"`
		Totals struct {
			Councils, Contracts int
			Spend               int64 `json:"annual_spend_pence"`
		} `json:"totals"`
	}
	names := func(o overlapJSON) string {
		var out []string
		for _, c := range o.Councils {
			out = append(out, c.Name)
		}
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct {
		query, kind string
		id          any
		councils    string
		spend       int64
	}{
		// The API has no default region: without one it is national.
		{"product={product}", "product", nil, "Bradford, Leeds, Westminster", 35_000_000},
		{"product={product}&region=yorkshire-and-the-humber", "product", nil, "Bradford, Leeds", 15_000_000},
		{"product={product}&type=LBO", "product", nil, "Westminster", 20_000_000},
		{"supplier={supplier}", "supplier", nil, "Bradford, Leeds, Westminster", 36_000_000},
		{"category=revenues-benefits", "category", "revenues-benefits", "Bradford, Leeds, Sheffield, Westminster", 35_000_000},
		{"category=crm", "category", "crm", "", 0},
	} {
		var o overlapJSON
		wantJSON(t, officer.do("GET", e.expand("/api/v1/overlaps?"+tc.query), nil), http.StatusOK, &o)
		if o.Subject.Kind != tc.kind || (tc.id != nil && o.Subject.ID != tc.id) || names(o) != tc.councils || o.Totals.Spend != tc.spend {
			t.Errorf("%s: %s %v, councils %q, spend %d; want %s %v, %q, %d", tc.query, o.Subject.Kind, o.Subject.ID, names(o), o.Totals.Spend,
				tc.kind, tc.id, tc.councils, tc.spend)
		}
	}
	for _, tc := range []struct {
		query  string
		fields []string
	}{
		{"", []string{"product", "supplier", "category"}},
		{"product={product}&category=crm", []string{"product", "supplier", "category"}},
		{"product=civica", []string{"product"}},
		{"supplier=0", []string{"supplier"}},
		{"category=crm&region=atlantis", []string{"region"}},
		{"category=crm&type=XYZ", []string{"type"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			wantFields(t, officer.do("GET", e.expand("/api/v1/overlaps?"+tc.query), nil), tc.fields...)
		})
	}
	for _, q := range []string{"product=999999", "supplier=999999", "category=no-such-category"} {
		wantProblem(t, officer.do("GET", "/api/v1/overlaps?"+q, nil), http.StatusNotFound)
	}
	wantProblem(t, e.api(testutil.SupplierEmail).do("GET", e.expand("/api/v1/overlaps?product={product}"), nil), http.StatusForbidden)
	wantProblem(t, e.api("").do("GET", e.expand("/api/v1/overlaps?product={product}"), nil), http.StatusUnauthorized)
}
