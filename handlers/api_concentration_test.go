package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// The market concentration API's cases for the OpenAPI conformance test
// (api_openapi_test.go), over the demo registers.
func init() {
	moreConformanceCases = append(moreConformanceCases, func(t *testing.T, e *env) []conformanceCase {
		return []conformanceCase{
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/concentration?category=revenues-benefits", status: 200, checkRequest: true},
			{user: testutil.CouncillorEmail, method: "GET", path: "/api/v1/concentration?category=revenues-benefits&region=yorkshire-and-the-humber", status: 200, checkRequest: true},
			{user: testutil.AdminEmail, method: "GET", path: "/api/v1/concentration?category=waste&region=yorkshire-and-the-humber", status: 200, checkRequest: true},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/concentration", status: 422},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/concentration?category=revenues-benefits&region=atlantis", status: 422},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/concentration?category=no-such-thing", status: 404},
			{user: testutil.SupplierEmail, method: "GET", path: "/api/v1/concentration?category=revenues-benefits", status: 403},
			{user: "", method: "GET", path: "/api/v1/concentration?category=revenues-benefits", status: 401},
		}
	})
}

// marketFixture empties the registers and builds, in revenues and
// benefits: Alpha at Leeds (£4,000) and Bradford (£2,000), Beta at
// Bradford (£3,000), Gamma at Barnsley (£1,000), Delta at Allerdale in the
// North West (£10,000), and an expired Gamma contract that does not count;
// in adults' social care, one contract with no annual value.
func marketFixture(t *testing.T, e *env) map[string]int64 {
	t.Helper()
	e.app.ClearRegisters(t)
	ctx := context.Background()
	if _, err := e.app.DB.ImportCouncils(ctx, 0, strings.NewReader("gss_code,name,type,region\nE07000026,Allerdale,NMD,North West\n")); err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	n := 0
	add := func(gss, supplier, cat string, pounds int64, end string) {
		n++
		d, err := models.ParseISODate(end)
		if err != nil {
			t.Fatal(err)
		}
		in := models.ContractInput{Reference: fmt.Sprintf("M%d", n), Title: supplier + " system", SupplierName: supplier, CategorySlug: cat, EndDate: d}
		if pounds > 0 {
			p := pounds * 100
			in.AnnualValuePence = &p
		}
		k, err := e.app.DB.CreateContract(ctx, models.System, gss, in)
		if err != nil {
			t.Fatal(err)
		}
		ids[supplier] = k.SupplierID
	}
	add(leeds, "Alpha Ltd", "revenues-benefits", 4000, "2028-01-01")
	add(bradford, "Alpha Ltd", "revenues-benefits", 2000, "2027-01-01")
	add(bradford, "Beta Ltd", "revenues-benefits", 3000, "2030-01-01")
	add("E08000016", "Gamma Ltd", "revenues-benefits", 1000, "2027-01-01")
	add("E08000033", "Gamma Ltd", "revenues-benefits", 50000, "2026-11-20")
	add("E07000026", "Delta Ltd", "revenues-benefits", 10000, "2027-06-01")
	add(leeds, "Care Ltd", "adult-social-care", 0, "2028-01-01")
	return ids
}

func TestAPIConcentrationExactJSON(t *testing.T) {
	e := newEnv(t)
	ids := marketFixture(t, e)
	officer := e.api(testutil.OfficerEmail)

	r := officer.do("GET", "/api/v1/concentration?category=revenues-benefits&region=yorkshire-and-the-humber", nil)
	want := fmt.Sprintf(`{"category":{"slug":"revenues-benefits","name":"Revenues and benefits"},`+
		`"region":{"slug":"yorkshire-and-the-humber","name":"Yorkshire and The Humber"},`+
		`"councils":3,"contracts":4,"spend_pence":1000000,"hhi":4600,"hhi_basis":"spend","reading":"highly concentrated","shares":[`+
		`{"supplier":"Alpha Ltd","supplier_id":%d,"councils":2,"contracts":2,"spend_pence":600000,"share":0.6,"council_share":0.6667},`+
		`{"supplier":"Beta Ltd","supplier_id":%d,"councils":1,"contracts":1,"spend_pence":300000,"share":0.3,"council_share":0.3333},`+
		`{"supplier":"Gamma Ltd","supplier_id":%d,"councils":1,"contracts":1,"spend_pence":100000,"share":0.1,"council_share":0.3333}]}`,
		ids["Alpha Ltd"], ids["Beta Ltd"], ids["Gamma Ltd"])
	wantJSON(t, r, http.StatusOK, nil)
	if r.Body != want {
		t.Errorf("Yorkshire:\n got %s\nwant %s", r.Body, want)
	}

	// Nationally Delta joins: 50/30/15/5 → 3,650.
	r = officer.do("GET", "/api/v1/concentration?category=revenues-benefits", nil)
	wantJSON(t, r, http.StatusOK, nil)
	if !strings.Contains(r.Body, `"region":null,"councils":4,"contracts":5,"spend_pence":2000000,"hhi":3650,"hhi_basis":"spend","reading":"highly concentrated"`) ||
		!strings.Contains(r.Body, `{"supplier":"Delta Ltd","supplier_id":`+fmt.Sprint(ids["Delta Ltd"])+`,"councils":1,"contracts":1,"spend_pence":1000000,"share":0.5,"council_share":0.25}`) {
		t.Errorf("national: %s", r.Body)
	}

	// No annual values: no index.
	r = officer.do("GET", "/api/v1/concentration?category=adult-social-care", nil)
	want = fmt.Sprintf(`{"category":{"slug":"adult-social-care","name":"Adults' social care"},"region":null,`+
		`"councils":1,"contracts":1,"spend_pence":0,"hhi":null,"hhi_basis":"spend","reading":"not enough data","shares":[`+
		`{"supplier":"Care Ltd","supplier_id":%d,"councils":1,"contracts":1,"spend_pence":0,"share":0,"council_share":1}]}`, ids["Care Ltd"])
	if r.Body != want {
		t.Errorf("no spend:\n got %s\nwant %s", r.Body, want)
	}

	// Nobody buys in the category: an empty market, not an error.
	r = officer.do("GET", "/api/v1/concentration?category=waste", nil)
	want = `{"category":{"slug":"waste","name":"Waste and street services"},"region":null,"councils":0,"contracts":0,"spend_pence":0,"hhi":null,"hhi_basis":"spend","reading":"not enough data","shares":[]}`
	if r.Body != want {
		t.Errorf("empty:\n got %s\nwant %s", r.Body, want)
	}

	// Errors are problem documents naming the parameter.
	r = officer.do("GET", "/api/v1/concentration", nil)
	if r.Status != 422 || !strings.Contains(r.Body, `"field":"category"`) {
		t.Errorf("missing category: %d %s", r.Status, r.Body)
	}
	r = officer.do("GET", "/api/v1/concentration?category=revenues-benefits&region=atlantis", nil)
	if r.Status != 422 || !strings.Contains(r.Body, `"field":"region"`) {
		t.Errorf("unknown region: %d %s", r.Status, r.Body)
	}
	r = officer.do("GET", "/api/v1/concentration?category=no-such-thing", nil)
	if r.Status != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") || !strings.Contains(r.Body, `no-such-thing`) {
		t.Errorf("unknown category: %d %s", r.Status, r.Body)
	}
}
