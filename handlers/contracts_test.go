package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// fullContractForm fills in every field of the add contract form, as a
// person would type it.
func fullContractForm() url.Values {
	return formOf(
		"reference", "LCC-ICT-0042", "title", "Revenues and benefits system", "department", "Resources",
		"description", "Council tax, business rates and housing benefit.",
		"supplier", "WHARFEDALE REVENUES LTD", "supplier_company_number", "9876543", "product", "Wharfe Revenues",
		"category", "revenues-benefits", "procurement_route", "framework", "sme", "no", "vcse", "no", "hosting", "on_premises",
		"annual_value", "£450,000", "total_value", "2,250,000.50", "irrecoverable_vat", "0",
		"start_date-day", "1", "start_date-month", "4", "start_date-year", "2023",
		"end_date-day", "31", "end_date-month", "3", "end_date-year", "2028",
		"review_date-day", "15", "review_date-month", "Jan", "review_date-year", "2027",
		"max_extension_date-day", "31", "max_extension_date-month", "3", "max_extension_date-year", "2030",
		"end_of_support_date-day", "31", "end_of_support_date-month", "12", "end_of_support_date-year", "2029",
		"extension_intended", "yes", "times_extended", "1", "notice_period_months", "6",
		"notes", "Two **one-year** extensions remain.\n\n- exit plan due\n\n[Notice](https://www.contractsfinder.service.gov.uk/notice/1)",
	)
}

// with is form with some fields changed.
func formWith(form url.Values, pairs ...string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		out.Set(pairs[i], pairs[i+1])
	}
	return out
}

// contractCount is how many contracts a council's register holds.
func contractCount(e *env, gss string) int {
	e.t.Helper()
	page, err := e.app.DB.Contracts(context.Background(), models.System, models.ContractFilter{CouncilGSS: gss})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Total
}

func wantContracts(gss string, n int) func(e *env) {
	return func(e *env) {
		e.t.Helper()
		if got := contractCount(e, gss); got != n {
			e.t.Errorf("%s's register holds %d contracts, want %d", gss, got, n)
		}
	}
}

// captureContract remembers the id of the contract a 303 points at.
func captureContract(e *env, r testutil.Response) {
	id, ok := strings.CutPrefix(r.Location, "/contracts/")
	if !ok {
		e.t.Fatalf("redirected to %q, not a contract", r.Location)
	}
	e.vars["id"] = id
}

// inOrder checks that the texts appear in the body in this order.
func textsInOrder(texts ...string) func(e *env, r testutil.Response) {
	return func(e *env, r testutil.Response) {
		e.t.Helper()
		last := -1
		for _, s := range texts {
			i := strings.Index(r.Body, s)
			if i < last {
				e.t.Errorf("%q is out of order: want %q", s, texts)
			}
			last = i
		}
	}
}

func TestCreateContract(t *testing.T) {
	bad := formOf("title", "  ", "supplier", "Wharfedale Revenues Ltd", "annual_value", "twelve pounds", "total_value", "12.345",
		"end_date-day", "31", "end_date-month", "2", "end_date-year", "2027",
		"start_date-day", "1", "start_date-month", "", "start_date-year", "2024",
		"review_date-day", "1", "review_date-month", "1", "review_date-year", "27",
		"notice_period_months", "six", "supplier_company_number", "123ABC", "hosting", "cloud")
	runScenarios(t, []scenario{
		{name: "bad input: every problem beside its field, nothing written", steps: []step{
			emptyTestRegisters,
			{name: "the empty form", user: testutil.OfficerEmail, method: "GET", url: leedsReg + "/new", status: 200,
				contains: []string{"Add a contract", `action="` + leedsReg + `"`, `id="title"`, `id="end_date" name="end_date-day"`,
					`id="end_date-month"`, `id="annual_value" name="annual_value"`, `<div class="govuk-input__prefix" aria-hidden="true">£</div>`,
					`id="hosting" name="hosting" type="radio" value="on_premises"`, `<option value="revenues-benefits">Revenues and benefits</option>`,
					`id="extension_intended" name="extension_intended" type="checkbox" value="yes"`, "You can use Markdown"},
				excludes: []string{"govuk-error-summary"}},
			{name: "submitted", user: testutil.OfficerEmail, method: "POST", url: leedsReg, form: bad, status: 422,
				contains: []string{
					"<title>Error: Add a contract", "There is a problem",
					`<a href="#title">Enter the contract&#39;s title</a>`,
					`<a href="#supplier_company_number">Companies House number must be 8 characters`,
					`<a href="#total_value">Total value must be in pounds and pence, with no more than 2 numbers after the point, like 1,234.56</a>`,
					`<a href="#annual_value">Annual value must be an amount of money in pounds, like 1,234.56</a>`,
					`<a href="#start_date">Start date must include a month</a>`,
					`<a href="#end_date">End date must be a real date</a>`,
					`<a href="#review_date">Review date year must include 4 numbers</a>`,
					`<a href="#notice_period_months">Notice period must be a whole number of months, like 6</a>`,
					`<a href="#hosting">Hosting must be on-premises, hosted or software as a service</a>`,
					// Beside the fields, the values kept as typed.
					`<p id="annual_value-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Annual value must be an amount of money in pounds, like 1,234.56</p>`,
					`value="twelve pounds"`, `value="12.345"`, `value="six"`, `value="123ABC"`,
					`<p id="end_date-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> End date must be a real date</p>`,
					`aria-describedby="end_date-hint end_date-error"`,
					`id="end_date" name="end_date-day" type="text" inputmode="numeric" value="31"`, `name="end_date-month" type="text" inputmode="numeric" value="2"`,
					`id="title-error"`, `id="hosting-error"`,
				},
				// Money that could not be read never becomes zero.
				excludes: []string{"£0", `value="0"`},
				check: textsInOrder(`href="#title"`, `href="#supplier_company_number"`, `href="#total_value"`, `href="#annual_value"`,
					`href="#start_date"`, `href="#end_date"`, `href="#review_date"`, `href="#notice_period_months"`, `href="#hosting"`)},
			{name: "nothing written", do: wantContracts(leedsCouncil, 0)},
			{name: "the model's rules join the form's", user: testutil.OfficerEmail, method: "POST", url: leedsReg,
				form:   formWith(fullContractForm(), "end_date-year", "2022", "max_extension_date-day", "", "max_extension_date-month", "", "max_extension_date-year", "", "annual_value", "-5"),
				status: 422, contains: []string{
					`<a href="#annual_value">Annual value cannot be negative</a>`,
					`<a href="#end_date">End date must be the same as or after the start date</a>`,
					`<a href="#max_extension_date">Enter the maximum extension date, as you say you will extend</a>`,
					`value="Revenues and benefits system"`, `<option value="revenues-benefits" selected>`,
					`id="procurement_route-framework" name="procurement_route" type="radio" value="framework" checked`,
					`id="extension_intended" name="extension_intended" type="checkbox" value="yes" checked`,
				}},
			{name: "still nothing written", do: wantContracts(leedsCouncil, 0)},
		}},
		{name: "added", steps: []step{
			emptyTestRegisters,
			{name: "every field", user: testutil.OfficerEmail, method: "POST", url: leedsReg, form: fullContractForm(), status: 303, check: captureContract},
			{name: "its page", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}", status: 200, contains: []string{
				"Contract added to the register.", "<h1 class=\"govuk-heading-l\">Revenues and benefits system</h1>",
				"LCC-ICT-0042", "Resources", "WHARFEDALE REVENUES LTD", "09876543", "Wharfe Revenues", "Revenues and benefits",
				"Call-off from a framework", "On-premises", "£450,000", "£2,250,000.50", "£0",
				"1 April 2023", "31 March 2028", "15 January 2027", "31 March 2030", "31 December 2029",
				"Yes, to the maximum extension date", "6 months",
				// The window counts back from the maximum extension date: 31 March 2030 less 6 and 9 months.
				"31 December 2028", "Entered on Jointly",
				`<p class="govuk-body">Two <strong>one-year</strong> extensions remain.</p>`,
				`<a href="https://www.contractsfinder.service.gov.uk/notice/1" class="govuk-link" rel="nofollow noreferrer">Notice</a>`,
				"Added on 21 November 2026 at 10:00am by Sam Okafor",
				`<th scope="row" class="govuk-table__header">Annual value</th>`,
			}},
			{name: "one contract", do: wantContracts(leedsCouncil, 1)},
			{name: "the same reference again", user: testutil.OfficerEmail, method: "POST", url: leedsReg, form: fullContractForm(), status: 422,
				contains: []string{`<a href="#reference">This council already has a contract with reference &#34;LCC-ICT-0042&#34;</a>`}},
			{name: "only the title and supplier are needed", user: testutil.OfficerEmail, method: "POST", url: leedsReg,
				form: formOf("title", "Planning portal", "supplier", "Otley Planning Software Ltd"), status: 303, check: captureContract},
			{name: "a rolling contract", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}", status: 200,
				contains: []string{"Planning portal", "Otley Planning Software Ltd", "None: the contract has no end date", "Not recorded", "No notes."}},
			{name: "two contracts", do: wantContracts(leedsCouncil, 2)},
		}},
		{name: "who may add", steps: []step{
			emptyTestRegisters,
			{name: "another council's officer: no form", user: testutil.Officer2Email, method: "GET", url: leedsReg + "/new", status: 403},
			{name: "nor a contract", user: testutil.Officer2Email, method: "POST", url: leedsReg, form: fullContractForm(), status: 403},
			{name: "not even a bad one", user: testutil.Officer2Email, method: "POST", url: leedsReg, form: bad, status: 403},
			{name: "a councillor: no form", user: testutil.CouncillorEmail, method: "GET", url: leedsReg + "/new", status: 403},
			{name: "nor a contract", user: testutil.CouncillorEmail, method: "POST", url: leedsReg, form: fullContractForm(), status: 403},
			{name: "a supplier neither", user: testutil.SupplierEmail, method: "POST", url: leedsReg, form: fullContractForm(), status: 403},
			{name: "nothing written", do: wantContracts(leedsCouncil, 0)},
			{name: "the administrator may", user: testutil.AdminEmail, method: "POST", url: leedsReg, form: fullContractForm(), status: 303},
			{name: "no such council", user: testutil.AdminEmail, method: "POST", url: "/councils/E99999999/contracts", form: fullContractForm(), status: 404},
			{name: "written", do: wantContracts(leedsCouncil, 1)},
		}},
	})
}

func TestContractPage(t *testing.T) {
	notes := "**Agreed** with the CIO.\n\n<script>alert('x')</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(2)>"
	fixture := func(e *env) {
		k := addContract(e, testutil.OfficerEmail, leedsCouncil, models.ContractInput{Reference: "LCC-CRM", Title: "Customer relationship management",
			SupplierName: "Normanton Contact Ltd", EndDate: regDate("2027-11-30"), Notes: notes, OCID: "ocds-b5fd17-0042"})
		e.vars["id"] = fmt.Sprint(k.ID)
	}
	edit, del := `href="/contracts/{id}/edit"`, `href="/contracts/{id}/delete"`
	runScenarios(t, []scenario{{name: "one contract", steps: []step{
		{name: "fixture", do: fixture},
		{name: "officer", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}", status: 200,
			contains: []string{"Customer relationship management", "Normanton Contact Ltd", "28 February 2027",
				`<strong class="govuk-tag govuk-tag--orange">Within 120 days</strong>`, "ocds-b5fd17-0042",
				`<p class="govuk-body"><strong>Agreed</strong> with the CIO.</p>`, edit, del,
				`href="` + leedsReg + `" aria-current="page"`, `<a class="govuk-back-link" href="` + leedsReg + `">`},
			// The notes' Markdown is rendered safely; the history shows their text, escaped.
			excludes: []string{"<script>alert", `href="javascript`, "<img", "Decision window passed"},
			check: func(e *env, r testutil.Response) {
				if !strings.Contains(r.Body, "&lt;img src=x onerror=alert(2)&gt;") {
					e.t.Errorf("the history does not show the notes' text escaped")
				}
			}},
		{name: "councillor: reads, no edit or delete", user: testutil.CouncillorEmail, method: "GET", url: "/contracts/{id}", status: 200,
			contains: []string{"Customer relationship management", "Within 120 days"}, excludes: []string{edit, del}},
		{name: "another council's officer: reads, no edit or delete", user: testutil.Officer2Email, method: "GET", url: "/contracts/{id}", status: 200,
			contains: []string{"Customer relationship management"}, excludes: []string{edit, del}},
		{name: "admin: may edit", user: testutil.AdminEmail, method: "GET", url: "/contracts/{id}", status: 200, contains: []string{edit, del}},
		{name: "supplier: refused", user: testutil.SupplierEmail, method: "GET", url: "/contracts/{id}", status: 403},
		{name: "no such contract", user: testutil.OfficerEmail, method: "GET", url: "/contracts/999999", status: 404},
		{name: "not a contract number", user: testutil.OfficerEmail, method: "GET", url: "/contracts/abc", status: 404},
		{name: "four months on, the window has passed", do: func(e *env) { e.app.Clock.T = e.app.Clock.T.AddDate(0, 4, 0) }},
		{name: "red", user: testutil.OfficerEmail + "#later", method: "GET", url: "/contracts/{id}", status: 200,
			contains: []string{`<strong class="govuk-tag govuk-tag--red">Decision window passed</strong>`, "The decision window passed on 28 February 2027"}},
	}}})
}

func TestEditContract(t *testing.T) {
	fixture := func(e *env) {
		k := addContract(e, testutil.OfficerEmail, leedsCouncil, models.ContractInput{Reference: "LCC-REV", Title: "Revenues and benefits system",
			SupplierName: "Chapeltown Revenues Ltd", CategorySlug: "revenues-benefits", AnnualValuePence: regPounds(450_000), TotalValuePence: func() *int64 { v := int64(123456); return &v }(),
			EndDate: regDate("2028-03-31"), NoticePeriodMonths: regMonths(6), Hosting: models.HostingOnPremises, OCID: "ocds-b5fd17-0099"})
		e.vars["id"] = fmt.Sprint(k.ID)
	}
	edited := formOf("reference", "LCC-REV", "title", "Revenues and benefits system", "supplier", "Chapeltown Revenues Ltd",
		"category", "revenues-benefits", "annual_value", "475,000", "total_value", "1,234.56", "hosting", "saas",
		"end_date-day", "30", "end_date-month", "9", "end_date-year", "2028", "notice_period_months", "6", "times_extended", "0")
	runScenarios(t, []scenario{
		{name: "edit and see the change in the history", steps: []step{
			{name: "fixture", do: fixture},
			{name: "the form, filled in", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}/edit", status: 200,
				contains: []string{"Edit contract", `action="/contracts/{id}"`, `value="Revenues and benefits system"`, `value="450,000"`, `value="1,234.56"`,
					`id="end_date" name="end_date-day" type="text" inputmode="numeric" value="31"`, `name="end_date-month" type="text" inputmode="numeric" value="3"`,
					`name="end_date-year" type="text" inputmode="numeric" value="2028"`, `value="6"`, `<option value="revenues-benefits" selected>`,
					`value="on_premises" checked`, `href="/contracts/{id}">Cancel</a>`}},
			{name: "bad money", user: testutil.OfficerEmail, method: "POST", url: "/contracts/{id}", form: formWith(edited, "annual_value", "475k"), status: 422,
				contains: []string{`<a href="#annual_value">Annual value must be an amount of money in pounds, like 1,234.56</a>`, `value="475k"`}},
			{name: "unchanged", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}", status: 200, contains: []string{"£450,000", "31 March 2028"},
				excludes: []string{"Changed on"}},
			{name: "saved", user: testutil.OfficerEmail, method: "POST", url: "/contracts/{id}", form: edited, status: 303, location: "/contracts/{id}"},
			{name: "old → new in the history", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}", status: 200,
				contains: []string{"Contract saved.", "£475,000", "30 September 2028", "Software as a service", "ocds-b5fd17-0099",
					"Changed on 21 November 2026 at 10:00am by Sam Okafor"},
				check: func(e *env, r testutil.Response) {
					for field, oldNew := range map[string][2]string{
						"Annual value": {"£450,000", "£475,000"},
						"Total value":  {"£1,234.56", "£1,234.56"}, // 123456 pence was £1,234.56 all along: no change
						"End date":     {"31 March 2028", "30 September 2028"},
						"Hosting":      {"On-premises", "Software as a service"},
					} {
						changed := `<th scope="row" class="govuk-table__header">` + field + `</th>
      <td class="govuk-table__cell">` + oldNew[0] + `</td>
      <td class="govuk-table__cell">` + oldNew[1] + `</td>`
						history := r.Body[strings.Index(r.Body, "Change history"):]
						first := history[:strings.Index(history, "Added on")] // the newest entry, the edit
						if oldNew[0] == oldNew[1] {
							if strings.Contains(first, `>`+field+`</th>`) {
								e.t.Errorf("the edit's history lists %s, which did not change", field)
							}
							continue
						}
						if !strings.Contains(first, changed) {
							e.t.Errorf("the edit's history lacks %s: %s → %s\n%s", field, oldNew[0], oldNew[1], first)
						}
					}
				}},
		}},
		{name: "who may edit", steps: []step{
			{name: "fixture", do: fixture},
			{name: "another council's officer: no form", user: testutil.Officer2Email, method: "GET", url: "/contracts/{id}/edit", status: 403},
			{name: "nor a change", user: testutil.Officer2Email, method: "POST", url: "/contracts/{id}", form: edited, status: 403},
			{name: "councillor: no form", user: testutil.CouncillorEmail, method: "GET", url: "/contracts/{id}/edit", status: 403},
			{name: "nor a change", user: testutil.CouncillorEmail, method: "POST", url: "/contracts/{id}", form: edited, status: 403},
			{name: "supplier: neither", user: testutil.SupplierEmail, method: "POST", url: "/contracts/{id}", form: edited, status: 403},
			{name: "nothing changed", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}", status: 200,
				contains: []string{"£450,000", "On-premises"}, excludes: []string{"£475,000", "Changed on"}},
			{name: "no such contract", user: testutil.OfficerEmail, method: "POST", url: "/contracts/999999", form: edited, status: 404},
			{name: "the administrator may", user: testutil.AdminEmail, method: "POST", url: "/contracts/{id}", form: edited, status: 303},
			{name: "changed by the administrator", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}", status: 200,
				contains: []string{"£475,000", "Changed on 21 November 2026 at 10:00am by Amira Patel"}},
		}},
	})
}

func TestDeleteContract(t *testing.T) {
	fixture := func(e *env) {
		k := addContract(e, testutil.OfficerEmail, leedsCouncil, models.ContractInput{Reference: "LCC-WASTE", Title: "Waste rounds software",
			SupplierName: "Bramley Fleet Software Ltd", EndDate: regDate("2029-03-31")})
		e.vars["id"] = fmt.Sprint(k.ID)
	}
	runScenarios(t, []scenario{{name: "delete", steps: []step{
		emptyTestRegisters,
		{name: "fixture", do: fixture},
		{name: "another council's officer: no confirmation page", user: testutil.Officer2Email, method: "GET", url: "/contracts/{id}/delete", status: 403},
		{name: "nor a deletion", user: testutil.Officer2Email, method: "POST", url: "/contracts/{id}/delete", status: 403},
		{name: "councillor: neither", user: testutil.CouncillorEmail, method: "POST", url: "/contracts/{id}/delete", status: 403},
		{name: "still there", do: wantContracts(leedsCouncil, 1)},
		{name: "asks first", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}/delete", status: 200,
			contains: []string{"Are you sure you want to delete ‘Waste rounds software’?", `action="/contracts/{id}/delete"`, "31 March 2029", `href="/contracts/{id}">Cancel</a>`}},
		{name: "deleted", user: testutil.OfficerEmail, method: "POST", url: "/contracts/{id}/delete", status: 303, location: leedsReg},
		{name: "the register says so", user: testutil.OfficerEmail, method: "GET", url: leedsReg, status: 200,
			contains: []string{"Contract deleted. Its change history is kept.", "This register has no contracts yet."}},
		{name: "gone", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{id}", status: 404},
		{name: "gone twice", user: testutil.OfficerEmail, method: "POST", url: "/contracts/{id}/delete", status: 404},
		{name: "history kept", do: func(e *env) {
			var id int64
			fmt.Sscan(e.vars["id"], &id)
			h, err := e.app.DB.ContractHistory(context.Background(), models.System, id)
			if err != nil || len(h) != 2 || h[0].Action != "delete" {
				e.t.Errorf("history %+v, %v: want the creation and the deletion", h, err)
			}
		}},
	}}})
}
