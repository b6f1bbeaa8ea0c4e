package handlers_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

const (
	leedsCouncil    = "E08000035"
	bradfordCouncil = "E08000032"
	leedsReg        = "/councils/" + leedsCouncil + "/contracts"
	bradfordReg     = "/councils/" + bradfordCouncil + "/contracts"
	leedsConfirm    = "/councils/" + leedsCouncil + "/register/confirm"
)

// addContract puts a contract in a council's register through the model,
// as email, for fixtures.
func addContract(e *env, email, gss string, in models.ContractInput) models.Contract {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.app.DB.UserByEmail(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	k, err := e.app.DB.CreateContract(ctx, u, gss, in)
	if err != nil {
		e.t.Fatalf("add contract %q: %v", in.Title, err)
	}
	return k
}

// emptyRegisters deletes whatever contracts the demo seed put in these
// councils' registers, so that a scenario starts from registers it knows
// completely.
func emptyRegisters(gss ...string) func(e *env) {
	return func(e *env) {
		e.t.Helper()
		ctx := context.Background()
		for _, g := range gss {
			for {
				page, err := e.app.DB.Contracts(ctx, models.System, models.ContractFilter{CouncilGSS: g, Limit: 500})
				if err != nil {
					e.t.Fatal(err)
				}
				if len(page.Contracts) == 0 {
					break
				}
				for _, k := range page.Contracts {
					if err := e.app.DB.DeleteContract(ctx, models.System, k.ID); err != nil {
						e.t.Fatal(err)
					}
				}
			}
		}
	}
}

// emptyTestRegisters empties the registers the scenarios here use.
var emptyTestRegisters = step{name: "start from empty registers", do: emptyRegisters(leedsCouncil, bradfordCouncil, "E08000016")}

func regDate(s string) models.Date {
	d, err := models.ParseISODate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func regPounds(p int64) *int64 { v := p * 100; return &v }
func regMonths(n int) *int     { return &n }

// leedsFixtures are four Leeds contracts and one of Bradford's, chosen so
// each filter and each sort picks them apart. On the test clock (21
// November 2026): revenues' decision window has passed, the CRM's opens in
// 99 days, the network's in two and a half years, and the waste contract
// rolls on with no end date.
func leedsFixtures(e *env) {
	e.t.Helper()
	emptyTestRegisters.do(e)
	add := func(gss string, in models.ContractInput) {
		k := addContract(e, testutil.AdminEmail, gss, in)
		e.vars[in.Reference] = fmt.Sprint(k.ID)
		e.vars["supplier:"+in.Reference] = fmt.Sprint(k.SupplierID)
	}
	add(leedsCouncil, models.ContractInput{Reference: "LCC-REV", Title: "Revenues and benefits system", SupplierName: "Chapeltown Revenues Ltd",
		ProductName: "Chapeltown Rates", CategorySlug: "revenues-benefits", AnnualValuePence: regPounds(450_000),
		EndDate: regDate("2027-06-30"), NoticePeriodMonths: regMonths(3), Hosting: models.HostingOnPremises})
	add(leedsCouncil, models.ContractInput{Reference: "LCC-CRM", Title: "Customer relationship management", SupplierName: "Normanton Contact Ltd",
		CategorySlug: "crm", AnnualValuePence: regPounds(80_000), EndDate: regDate("2027-11-30"), Hosting: models.HostingSaaS})
	add(leedsCouncil, models.ContractInput{Reference: "LCC-NET", Title: "Wide area network", SupplierName: "Adel Networks Ltd",
		CategorySlug: "network", AnnualValuePence: regPounds(1_200_000), EndDate: regDate("2030-03-31"), Hosting: models.HostingHosted})
	add(leedsCouncil, models.ContractInput{Reference: "LCC-WASTE", Title: "Waste rounds software", SupplierName: "Bramley Fleet Software Ltd",
		CategorySlug: "waste", Hosting: models.HostingSaaS})
	add(bradfordCouncil, models.ContractInput{Reference: "BMDC-REV", Title: "Bradford revenues system", SupplierName: "Chapeltown Revenues Ltd",
		CategorySlug: "revenues-benefits", EndDate: regDate("2028-03-31")})
}

var leedsTitles = []string{"Revenues and benefits system", "Customer relationship management", "Wide area network", "Waste rounds software"}

// rowOf is the register table's row holding text, or "".
func rowOf(body, text string) string {
	for _, row := range strings.Split(body, `<tr class="govuk-table__row">`)[1:] {
		row, _, _ = strings.Cut(row, "</tr>")
		if strings.Contains(row, text) {
			return row
		}
	}
	return ""
}

// titlesInOrder checks that the page lists the titles in this order.
func titlesInOrder(titles ...string) func(e *env, r testutil.Response) {
	return func(e *env, r testutil.Response) {
		e.t.Helper()
		last := -1
		for _, title := range titles {
			i := strings.Index(r.Body, ">"+title+"</a>")
			if i < 0 {
				e.t.Errorf("the register does not list %q", title)
				return
			}
			if i < last {
				e.t.Errorf("%q comes before the title listed ahead of it; want the order %q", title, titles)
			}
			last = i
		}
	}
}

var tableRow = regexp.MustCompile(`<tr class="govuk-table__row">\s*<td`)

func rowCount(n int) func(e *env, r testutil.Response) {
	return func(e *env, r testutil.Response) {
		e.t.Helper()
		if got := len(tableRow.FindAllString(r.Body, -1)); got != n {
			e.t.Errorf("the register shows %d rows, want %d", got, n)
		}
	}
}

func TestRegisterFilters(t *testing.T) {
	addLink := `href="/councils/` + leedsCouncil + `/contracts/new"`
	importLink := `href="/councils/` + leedsCouncil + `/contracts/import"`
	confirmButton := `action="/councils/` + leedsCouncil + `/register/confirm"`
	exports := []string{`href="/councils/` + leedsCouncil + `/contracts.csv"`, `href="/councils/` + leedsCouncil + `/contracts.ocds.json"`}
	runScenarios(t, []scenario{
		{name: "who sees what", steps: []step{
			{name: "fixtures", do: leedsFixtures},
			{name: "officer: the whole register, with the means to change it", user: testutil.OfficerEmail, method: "GET", url: leedsReg, status: 200,
				contains: append(append([]string{"Contract register", "4 contracts.", addLink, importLink, confirmButton,
					`href="/contracts/{LCC-REV}"`, "Chapeltown Revenues Ltd", "Chapeltown Rates", "£450,000", "30 June 2027"}, exports...), leedsTitles...),
				excludes: []string{"Bradford revenues system"}},
			{name: "the officer's own register is the current navigation item", user: testutil.OfficerEmail, method: "GET", url: leedsReg, status: 200,
				contains: []string{`href="` + leedsReg + `" aria-current="page"><strong class="govuk-service-navigation__active-fallback">Register</strong>`}},
			{name: "councillor: reads, changes nothing", user: testutil.CouncillorEmail, method: "GET", url: leedsReg, status: 200,
				contains: append([]string{"4 contracts."}, exports...), excludes: []string{addLink, importLink, confirmButton}},
			{name: "another council's officer: reads, changes nothing", user: testutil.Officer2Email, method: "GET", url: leedsReg, status: 200,
				contains: append([]string{"4 contracts."}, leedsTitles...), excludes: []string{addLink, importLink, confirmButton, `aria-current="page"><strong class="govuk-service-navigation__active-fallback">Register`}},
			{name: "admin: may change any register", user: testutil.AdminEmail, method: "GET", url: leedsReg, status: 200,
				contains: []string{addLink, importLink, confirmButton}},
			{name: "supplier: refused", user: testutil.SupplierEmail, method: "GET", url: leedsReg, status: 403, contains: []string{"You cannot do that"}},
			{name: "anonymous: sign in first", method: "GET", url: leedsReg, status: 303, location: "/login?next=" + strings.ReplaceAll(leedsReg, "/", "%2F")},
			{name: "no such council", user: testutil.OfficerEmail, method: "GET", url: "/councils/E99999999/contracts", status: 404},
			{name: "an empty register", user: testutil.OfficerEmail, method: "GET", url: "/councils/E08000016/contracts", status: 200,
				contains: []string{"This register has no contracts yet."}},
		}},
		{name: "filters", steps: []step{
			{name: "fixtures", do: leedsFixtures},
			{name: "category", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?category=crm", status: 200,
				contains: []string{"1 contract matching the filters.", "Customer relationship management", `<option value="crm" selected>`, "Clear filters"},
				excludes: []string{">Wide area network</a>", ">Revenues and benefits system</a>"}},
			{name: "supplier", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?supplier={supplier:LCC-REV}", status: 200,
				contains: []string{"1 contract matching the filters.", ">Revenues and benefits system</a>", `<option value="{supplier:LCC-REV}" selected>Chapeltown Revenues Ltd (1)</option>`},
				excludes: []string{">Customer relationship management</a>", "Bradford revenues system"}},
			{name: "the supplier choices are this register's suppliers", user: testutil.OfficerEmail, method: "GET", url: bradfordReg, status: 200,
				contains: []string{"Chapeltown Revenues Ltd (1)"}, excludes: []string{"Normanton Contact Ltd"}},
			{name: "hosting", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?hosting=saas", status: 200,
				contains: []string{"2 contracts matching the filters.", ">Customer relationship management</a>", ">Waste rounds software</a>"},
				excludes: []string{">Wide area network</a>", ">Revenues and benefits system</a>"}},
			{name: "decision window within 120 days, passed ones included", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?window=120", status: 200,
				contains: []string{"2 contracts matching the filters.", ">Revenues and benefits system</a>", ">Customer relationship management</a>"},
				excludes: []string{">Wide area network</a>", ">Waste rounds software</a>"}},
			{name: "filters combine", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?window=365&hosting=on_premises", status: 200,
				contains: []string{"1 contract matching the filters.", ">Revenues and benefits system</a>"}},
			{name: "nothing matches", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?category=libraries", status: 200,
				contains: []string{"No contracts match the filters."}, excludes: []string{`data-testid="register"`}},
			{name: "values the page does not offer are ignored", user: testutil.OfficerEmail, method: "GET",
				url: leedsReg + "?category=nonsense&supplier=abc&hosting=cloud&window=7&sort=price&page=-3", status: 200,
				contains: []string{"4 contracts."}, excludes: []string{"Clear filters"}},
		}},
	})
}

func TestRegisterWindowTags(t *testing.T) {
	runScenarios(t, []scenario{{name: "on 21 November 2026", steps: []step{
		{name: "fixtures", do: leedsFixtures},
		{name: "register", user: testutil.CouncillorEmail, method: "GET", url: leedsReg, status: 200, check: func(e *env, r testutil.Response) {
			for title, want := range map[string]string{
				"Revenues and benefits system":     `30 June 2026 <strong class="govuk-tag govuk-tag--red">Decision window passed</strong>`,
				"Customer relationship management": `28 February 2027 <strong class="govuk-tag govuk-tag--orange">Within 120 days</strong>`,
				"Wide area network":                "30 June 2029</td>",
				"Waste rounds software":            "", // no end date, no window
			} {
				row := rowOf(r.Body, ">"+title+"<")
				if row == "" || !strings.Contains(row, want) {
					e.t.Errorf("row %q lacks %q:\n%s", title, want, row)
				}
				if want == "" || strings.HasSuffix(want, "</td>") {
					if strings.Contains(row, "govuk-tag") {
						e.t.Errorf("row %q has a tag:\n%s", title, row)
					}
				}
			}
		}},
		{name: "three years on, every window there is has passed", do: func(e *env) {
			e.app.Clock.T = e.app.Clock.T.AddDate(3, 0, 0)
		}},
		{name: "register later", user: testutil.CouncillorEmail + "#later", method: "GET", url: leedsReg, status: 200, check: func(e *env, r testutil.Response) {
			if n := strings.Count(r.Body, "Decision window passed"); n != 3 {
				e.t.Errorf("%d windows passed, want 3", n)
			}
		}},
	}}})
}

func TestRegisterSorting(t *testing.T) {
	rev, crm, net, waste := leedsTitles[0], leedsTitles[1], leedsTitles[2], leedsTitles[3]
	get := func(name, query string, check func(e *env, r testutil.Response), contains ...string) step {
		return step{name: name, user: testutil.OfficerEmail, method: "GET", url: leedsReg + query, status: 200, check: check, contains: contains}
	}
	runScenarios(t, []scenario{{name: "sorts", steps: []step{
		{name: "fixtures", do: leedsFixtures},
		get("by end date, soonest first, by default", "", titlesInOrder(rev, crm, net, waste),
			`aria-sort="ascending"><a class="govuk-link" href="`+leedsReg+`?sort=end_date-desc">End date<span class="govuk-visually-hidden">, sort descending</span>`),
		get("by end date, latest first", "?sort=end_date-desc", titlesInOrder(net, crm, rev, waste),
			`aria-sort="descending"><a class="govuk-link" href="`+leedsReg+`">End date`),
		get("by value, highest first", "?sort=value-desc", titlesInOrder(net, rev, crm, waste)),
		get("by value, lowest first", "?sort=value", titlesInOrder(waste, crm, rev, net)),
		get("by supplier", "?sort=supplier", titlesInOrder(net, waste, rev, crm),
			`aria-sort="ascending"><a class="govuk-link" href="`+leedsReg+`?sort=supplier-desc">Supplier`),
		get("by supplier, Z to A", "?sort=supplier-desc", titlesInOrder(crm, rev, waste, net)),
		get("by decision window", "?sort=decision_window", titlesInOrder(rev, crm, net, waste)),
		get("a sort keeps the filters", "?hosting=saas&sort=value-desc", titlesInOrder(crm, waste),
			`href="`+leedsReg+`?hosting=saas&amp;sort=value"`, `<option value="value-desc" selected>`),
	}}})
}

func TestRegisterPagination(t *testing.T) {
	const n = 120
	many := func(e *env) {
		emptyTestRegisters.do(e)
		for i := 1; i <= n; i++ {
			addContract(e, testutil.OfficerEmail, leedsCouncil, models.ContractInput{
				Reference: fmt.Sprintf("LCC-%03d", i), Title: fmt.Sprintf("Contract number %03d", i), SupplierName: "Headingley IT Ltd",
				CategorySlug: "it-services", EndDate: models.NewDate(2027, 1, 1).AddDays(i), Hosting: models.HostingSaaS,
			})
		}
		addContract(e, testutil.OfficerEmail, leedsCouncil, models.ContractInput{Title: "The one on-premises", SupplierName: "Headingley IT Ltd", Hosting: models.HostingOnPremises})
	}
	seen := map[string]int{}
	titlesOnPage := func(e *env, r testutil.Response) {
		for _, m := range regexp.MustCompile(`>Contract number (\d{3})</a>`).FindAllStringSubmatch(r.Body, -1) {
			seen[m[1]]++
		}
	}
	page := func(p int) string { return fmt.Sprintf(`href="%s?page=%d"`, leedsReg, p) }
	runScenarios(t, []scenario{{name: "121 contracts, 50 a page", steps: []step{
		{name: "fixtures", do: many},
		{name: "page 1", user: testutil.OfficerEmail, method: "GET", url: leedsReg, status: 200,
			contains: []string{"Showing 1 to 50 of 121 contracts.", `aria-label="Pages of the register"`, page(2) + ` rel="next"`, page(3) + ` aria-label="Page 3"`,
				`href="` + leedsReg + `" aria-label="Page 1" aria-current="page">1</a>`, ">Contract number 001</a>", ">Contract number 050</a>"},
			excludes: []string{`rel="prev"`, ">Contract number 051</a>"},
			check:    func(e *env, r testutil.Response) { rowCount(50)(e, r); titlesOnPage(e, r) }},
		{name: "page 2", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?page=2", status: 200,
			contains: []string{"Showing 51 to 100 of 121 contracts.", `href="` + leedsReg + `" rel="prev"`, page(3) + ` rel="next"`},
			check:    func(e *env, r testutil.Response) { rowCount(50)(e, r); titlesOnPage(e, r) }},
		{name: "page 3, the last", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?page=3", status: 200,
			contains: []string{"Showing 101 to 121 of 121 contracts.", page(2) + ` rel="prev"`, "The one on-premises"}, excludes: []string{`rel="next"`},
			check: func(e *env, r testutil.Response) { rowCount(21)(e, r); titlesOnPage(e, r) }},
		{name: "every contract once", do: func(e *env) {
			if len(seen) != n {
				e.t.Errorf("the pages showed %d different contracts, want %d", len(seen), n)
			}
			for k, v := range seen {
				if v != 1 {
					e.t.Errorf("contract %s shown %d times", k, v)
				}
			}
		}},
		{name: "past the end: the last page", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?page=99", status: 200,
			contains: []string{"Showing 101 to 121 of 121 contracts."}},
		{name: "page links keep the filters and sort", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?hosting=saas&sort=end_date-desc", status: 200,
			contains: []string{"Showing 1 to 50 of 120 contracts matching the filters.", `href="` + leedsReg + `?hosting=saas&amp;page=2&amp;sort=end_date-desc" rel="next"`,
				">Contract number 120</a>"}},
		{name: "a filter that fits one page needs no pagination", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "?hosting=on_premises", status: 200,
			contains: []string{"1 contract matching the filters."}, excludes: []string{"govuk-pagination"}},
	}}})
}

func TestRegisterConfirmation(t *testing.T) {
	never := "This register has never been confirmed as current."
	bySam := "Register last confirmed on 21 November 2026 by Sam Okafor."
	runScenarios(t, []scenario{{name: "confirm the register", steps: []step{
		{name: "never confirmed: register", user: testutil.OfficerEmail, method: "GET", url: leedsReg, status: 200, contains: []string{never}},
		{name: "never confirmed: council page", user: testutil.CouncillorEmail, method: "GET", url: "/councils/" + leedsCouncil, status: 200,
			contains: []string{never, `href="` + leedsReg + `"`}},
		{name: "a councillor may not confirm", user: testutil.CouncillorEmail, method: "POST", url: leedsConfirm, status: 403},
		{name: "nor another council's officer", user: testutil.Officer2Email, method: "POST", url: leedsConfirm, status: 403},
		{name: "nor a supplier", user: testutil.SupplierEmail, method: "POST", url: leedsConfirm, status: 403},
		{name: "still never", user: testutil.CouncillorEmail, method: "GET", url: leedsReg, status: 200, contains: []string{never}},
		{name: "the officer confirms", user: testutil.OfficerEmail, method: "POST", url: leedsConfirm, status: 303, location: leedsReg},
		{name: "the register says so", user: testutil.OfficerEmail, method: "GET", url: leedsReg, status: 200,
			contains: []string{"Register confirmed as current.", bySam}},
		{name: "so does the council page", user: testutil.CouncillorEmail, method: "GET", url: "/councils/" + leedsCouncil, status: 200, contains: []string{bySam}},
		{name: "but not to the public", method: "GET", url: "/councils/" + leedsCouncil, status: 200, excludes: []string{bySam, "Contract register"}},
		{name: "nor to suppliers", user: testutil.SupplierEmail, method: "GET", url: "/councils/" + leedsCouncil, status: 200, excludes: []string{bySam}},
		{name: "Bradford's is its own", user: testutil.Officer2Email, method: "GET", url: "/councils/" + bradfordCouncil, status: 200, contains: []string{never}},
		{name: "a month later the administrator confirms", do: func(e *env) { e.app.Clock.T = e.app.Clock.T.AddDate(0, 1, 12) }},
		{name: "admin confirms", user: testutil.AdminEmail + "#later", method: "POST", url: leedsConfirm, status: 303, location: leedsReg},
		{name: "the latest counts", user: testutil.OfficerEmail + "#later", method: "GET", url: "/councils/" + leedsCouncil, status: 200,
			contains: []string{"Register last confirmed on 2 January 2027 by Amira Patel."}},
		{name: "no such council", user: testutil.AdminEmail + "#later", method: "POST", url: "/councils/E99999999/register/confirm", status: 404},
	}}})
}
