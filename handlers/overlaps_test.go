package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// overlapFixtures is a register world known completely, on the test clock
// (21 November 2026): Civica OpenRevenues runs in Leeds (window 31 March
// 2027), Bradford (1 April 2027) and Westminster, in London (30 June
// 2027); York's contract for it ended yesterday. Westminster alone runs
// Civica Paris; Sheffield runs Capita One Revenues.
func overlapFixtures(e *env) {
	e.t.Helper()
	e.app.ClearRegisters(e.t)
	csv := "gss_code,name,type,region\nE09000033,Westminster,LBO,London\n"
	if _, err := e.app.DB.ImportCouncils(context.Background(), 0, strings.NewReader(csv)); err != nil {
		e.t.Fatal(err)
	}
	months := func(n int) *int { return &n }
	openRevenues := func(ref string, pounds int64, end string, notice int) models.ContractInput {
		return models.ContractInput{Reference: ref, Title: "Revenues system", SupplierName: "Civica UK Ltd", ProductName: "Civica OpenRevenues",
			CategorySlug: "revenues-benefits", AnnualValuePence: regPounds(pounds), EndDate: regDate(end), NoticePeriodMonths: months(notice)}
	}
	k := addContract(e, testutil.AdminEmail, leedsCouncil, openRevenues("LCC-REV", 100_000, "2027-12-31", 0))
	e.vars["product"], e.vars["supplier"] = fmt.Sprint(k.ProductID), fmt.Sprint(k.SupplierID)
	addContract(e, testutil.AdminEmail, bradfordCouncil, openRevenues("BMDC-REV", 50_000, "2028-01-01", 0))
	addContract(e, testutil.AdminEmail, "E06000014", openRevenues("YORK-REV", 30_000, "2026-11-20", 0))
	addContract(e, testutil.AdminEmail, "E09000033", openRevenues("WCC-REV", 200_000, "2028-06-30", 3))
	k = addContract(e, testutil.AdminEmail, "E09000033", models.ContractInput{Reference: "WCC-PAY", Title: "Payments", SupplierName: "Civica UK Ltd",
		ProductName: "Civica Paris", CategorySlug: "payments", AnnualValuePence: regPounds(10_000), EndDate: regDate("2029-03-31")})
	e.vars["paris"] = fmt.Sprint(k.ProductID)
	k = addContract(e, testutil.AdminEmail, "E08000019", models.ContractInput{Reference: "SCC-REV", Title: "Council tax", SupplierName: "Capita Business Services Ltd",
		ProductName: "Capita One Revenues", CategorySlug: "revenues-benefits", EndDate: regDate("2030-03-31")})
	e.vars["capita"] = fmt.Sprint(k.SupplierID)
}

var overlapFixturesStep = step{name: "hand-built registers", do: overlapFixtures}

func TestOverlapPages(t *testing.T) {
	product := "/overlaps/products/{product}"
	westminster := `href="/councils/E09000033/contracts?supplier={supplier}"`
	runScenarios(t, []scenario{
		{name: "an officer: own region by default, national one click away", steps: []step{
			overlapFixturesStep,
			{name: "index", user: testutil.OfficerEmail, method: "GET", url: "/overlaps", status: 200,
				contains: []string{"<h1 class=\"govuk-heading-xl\">Overlaps</h1>", "Showing councils in Yorkshire and The Humber.",
					`data-testid="see-national"`,
					`href="/overlaps/products/{product}?region=yorkshire-and-the-humber">Civica OpenRevenues</a>`,
					`href="/overlaps/suppliers/{supplier}?region=yorkshire-and-the-humber">Civica UK Ltd</a>`,
					`href="/overlaps/categories/revenues-benefits?region=yorkshire-and-the-humber">Revenues and benefits</a>`},
				excludes: []string{"Civica Paris"}},
			{name: "index, national", user: testutil.OfficerEmail, method: "GET", url: "/overlaps?region=", status: 200,
				contains: []string{"Showing councils in the UK.", "Civica Paris", "See only Yorkshire and The Humber"}},
			{name: "choosing a category keeps the scope", user: testutil.OfficerEmail, method: "GET", url: "/overlaps?region=&category=crm", status: 303,
				location: "/overlaps/categories/crm?region="},
			{name: "finding a supplier", user: testutil.OfficerEmail, method: "GET", url: "/overlaps?q=capita", status: 200,
				contains: []string{"Suppliers matching ‘capita’", `href="/overlaps/suppliers/{capita}?region=yorkshire-and-the-humber">Capita Business Services Ltd</a>`}},
			{name: "a product in the officer's region", user: testutil.OfficerEmail, method: "GET", url: product, status: 200,
				contains: []string{"<h1 class=\"govuk-heading-xl\">Civica OpenRevenues</h1>", "Showing councils in Yorkshire and The Humber.",
					`<a class="govuk-link" href="/overlaps/products/{product}?region=" data-testid="see-national">See all UK councils</a>`,
					`href="/overlaps/suppliers/{supplier}?region=yorkshire-and-the-humber">Civica UK Ltd</a>`,
					`href="/overlaps/categories/revenues-benefits?region=yorkshire-and-the-humber">Revenues and benefits</a>`,
					`href="/councils/E08000035/contracts?supplier={supplier}">Leeds`, "Your council",
					`href="/councils/E08000032/contracts?supplier={supplier}">Bradford`,
					"£150,000", `role="img"`, "Jan–Mar 2027", "Apr–Jun 2027", "Only current contracts are counted, as of 21 November 2026"},
				excludes: []string{westminster, "York<"}},
			{name: "the same product nationally", user: testutil.OfficerEmail, method: "GET", url: product + "?region=", status: 200,
				contains: []string{"Showing councils in the UK.", westminster, "London", "London borough", "£350,000", "See only Yorkshire and The Humber"}},
			{name: "London boroughs only", user: testutil.OfficerEmail, method: "GET", url: product + "?region=&type=LBO", status: 200,
				contains: []string{"Showing councils in the UK of type London borough.", westminster, "£200,000"},
				excludes: []string{"Leeds<"}},
			{name: "nobody in the scope", user: testutil.OfficerEmail, method: "GET", url: product + "?region=london&type=MD", status: 200,
				contains: []string{"No councils in London of type Metropolitan district have a current contract for this."},
				excludes: []string{`role="img"`}},
			{name: "a supplier", user: testutil.OfficerEmail, method: "GET", url: "/overlaps/suppliers/{supplier}?region=", status: 200,
				contains: []string{"<h1 class=\"govuk-heading-xl\">Civica UK Ltd</h1>", "Councils buying from this supplier", westminster, "£360,000"}},
			{name: "a category", user: testutil.OfficerEmail, method: "GET", url: "/overlaps/categories/revenues-benefits", status: 200,
				contains: []string{"<h1 class=\"govuk-heading-xl\">Revenues and benefits</h1>", `href="/councils/E08000019/contracts?category=revenues-benefits">Sheffield`,
					"1 contract has no annual value recorded and is not included"}},
			{name: "an unknown product", user: testutil.OfficerEmail, method: "GET", url: "/overlaps/products/999999", status: 404},
			{name: "not a product id", user: testutil.OfficerEmail, method: "GET", url: "/overlaps/products/civica", status: 404},
			{name: "an unknown category", user: testutil.OfficerEmail, method: "GET", url: "/overlaps/categories/no-such-thing", status: 404},
		}},
		{name: "councillors and admins read overlaps; suppliers and strangers do not", steps: []step{
			overlapFixturesStep,
			{name: "councillor", user: testutil.CouncillorEmail, method: "GET", url: product, status: 200,
				contains: []string{"Showing councils in Yorkshire and The Humber.", "Your council"}},
			{name: "councillor, index", user: testutil.CouncillorEmail, method: "GET", url: "/overlaps", status: 200, contains: []string{"Civica OpenRevenues"}},
			{name: "admin: no council, so national", user: testutil.AdminEmail, method: "GET", url: product, status: 200,
				contains: []string{"Showing councils in the UK.", westminster}, excludes: []string{"Your council", "See only"}},
			{name: "admin, index", user: testutil.AdminEmail, method: "GET", url: "/overlaps", status: 200, contains: []string{"Civica Paris"}},
			{name: "supplier", user: testutil.SupplierEmail, method: "GET", url: product, status: 403, contains: []string{"You cannot do that"}},
			{name: "supplier, index", user: testutil.SupplierEmail, method: "GET", url: "/overlaps", status: 403},
			{name: "anonymous", method: "GET", url: product, status: 303, location: "/login?next=%2Foverlaps%2Fproducts%2F{product}"},
		}},
	})
}

// TestOverlapChartHasNoStyleAttributes: the CSP forbids style="", so the
// chart is drawn with SVG attributes and classes only.
func TestOverlapChartHasNoStyleAttributes(t *testing.T) {
	e := newEnv(t)
	overlapFixtures(e)
	r := e.browser(testutil.OfficerEmail).Get(e.expand("/overlaps/products/{product}?region="))
	if r.Status != 200 {
		t.Fatalf("status %d", r.Status)
	}
	for _, bad := range []string{"style=", "<script"} {
		if i := strings.Index(r.Body, "<main"); strings.Contains(r.Body[i:], bad) {
			t.Errorf("the page has %q", bad)
		}
	}
	for _, want := range []string{
		`<svg class="app-chart__svg"`, `aria-labelledby="timeline-chart-title"`,
		// Leeds 1 in Jan–Mar 2027, Bradford 1 and Westminster 1 in Apr–Jun
		// 2027: the tallest bar is Apr–Jun's, the full 180 units high.
		`<title>Apr–Jun 2027: 2 contracts</title>`, `height="180"`, `<title>Jan–Mar 2027: 1 contract</title>`, `height="90"`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
}

// TestOverlapsIndexIsKeptFiveMinutes: the index's lists are computed once
// per scope and kept for five minutes of the clock; the overlap pages are
// always current.
func TestOverlapsIndexIsKeptFiveMinutes(t *testing.T) {
	e := newEnv(t)
	overlapFixtures(e)
	officer := e.browser(testutil.OfficerEmail)
	if r := officer.Get("/overlaps"); r.Status != 200 || strings.Contains(r.Body, "Northgate Housing") {
		t.Fatalf("status %d, or Northgate Housing listed before it is added", r.Status)
	}
	k := addContract(e, testutil.AdminEmail, leedsCouncil, models.ContractInput{Title: "Housing", SupplierName: "Northgate Ltd",
		ProductName: "Northgate Housing", CategorySlug: "housing-management", EndDate: regDate("2029-03-31")})
	if r := officer.Get("/overlaps"); strings.Contains(r.Body, "Northgate Housing") {
		t.Error("the index changed within five minutes")
	}
	if r := officer.Get(fmt.Sprintf("/overlaps/products/%d", k.ProductID)); r.Status != 200 || !strings.Contains(r.Body, "Leeds") {
		t.Errorf("the new product's overlap page: status %d, or Leeds missing", r.Status)
	}
	e.app.Clock.T = e.app.Clock.T.Add(5 * time.Minute)
	if r := officer.Get("/overlaps"); !strings.Contains(r.Body, "Northgate Housing") {
		t.Error("the index did not change after five minutes")
	}
}
