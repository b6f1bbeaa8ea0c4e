package handlers_test

import (
	"fmt"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

func TestSupplierMerge(t *testing.T) {
	// Two spellings Jointly could not match (no shared number, different
	// names once normalised), and a different company with a number.
	fixtures := func(e *env) {
		a := addContract(e, testutil.OfficerEmail, leedsCouncil, models.ContractInput{Reference: "LCC-REV", Title: "Revenues and benefits system",
			SupplierName: "Humber Ledger Systems Ltd", SupplierCompanyNumber: "09990001"})
		b := addContract(e, testutil.Officer2Email, bradfordCouncil, models.ContractInput{Reference: "BMDC-REV", Title: "Bradford revenues system",
			SupplierName: "Humber Ledger (Software Division)"})
		c := addContract(e, testutil.Officer2Email, bradfordCouncil, models.ContractInput{Reference: "BMDC-X", Title: "Another system",
			SupplierName: "Humber Ledger Services Ltd", SupplierCompanyNumber: "09990002"})
		e.vars["keep"], e.vars["gone"], e.vars["other"] = fmt.Sprint(a.SupplierID), fmt.Sprint(b.SupplierID), fmt.Sprint(c.SupplierID)
		e.vars["moved"] = fmt.Sprint(b.ID)
	}
	merge := formOf("q", "humber ledger", "into", "{keep}", "from", "{gone}")
	runScenarios(t, []scenario{
		{name: "merge two spellings", steps: []step{
			{name: "fixtures", do: fixtures},
			{name: "the page", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers", status: 200,
				contains: []string{"<h1 class=\"govuk-heading-xl\">Suppliers</h1>", `id="q"`, `href="/admin/suppliers" aria-current="page"`}},
			{name: "search", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers?q=humber+ledger", status: 200,
				contains: []string{"3 suppliers found", "Humber Ledger Systems Ltd", "09990001", "Humber Ledger (Software Division)", "Humber Ledger Services Ltd",
					`<option value="{keep}">Humber Ledger Systems Ltd (09990001)</option>`, `id="from" name="from"`}},
			{name: "search by company number", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers?q=9990001", status: 200,
				contains: []string{"1 supplier found", "Humber Ledger Systems Ltd"}, excludes: []string{"Software Division"}},
			{name: "nothing found", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers?q=zzyzx+holdings", status: 200,
				contains: []string{"No supplier matches ‘zzyzx holdings’."}},
			{name: "the same supplier twice", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers?q=humber+ledger&into={keep}&from={keep}", status: 422,
				contains: []string{`<a href="#from">Choose two different suppliers</a>`, `id="from-error"`}},
			{name: "one missing", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers?q=humber+ledger&into={keep}&from=", status: 422,
				contains: []string{`<a href="#from">Choose the supplier to merge into it</a>`}},
			{name: "confirm first", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers?q=humber+ledger&into={keep}&from={gone}", status: 200,
				contains: []string{"Merge ‘Humber Ledger (Software Division)’ into ‘Humber Ledger Systems Ltd’?", "You cannot undo a merge.",
					`action="/admin/suppliers/merge"`, `name="into" value="{keep}"`, `name="from" value="{gone}"`}},
			{name: "merged", user: testutil.AdminEmail, method: "POST", url: "/admin/suppliers/merge", form: merge, status: 303, location: "/admin/suppliers?q=humber+ledger"},
			{name: "one supplier, both spellings, both contracts", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers?q=humber+ledger", status: 200,
				contains: []string{"Suppliers merged.", "2 suppliers found", "<li>Humber Ledger (Software Division)</li>", "<li>Humber Ledger Systems Ltd</li>"},
				excludes: []string{`<option value="{gone}"`}},
			{name: "the moved contract's history says so", user: testutil.Officer2Email, method: "GET", url: "/contracts/{moved}", status: 200,
				contains: []string{"Humber Ledger Systems Ltd", "(Supplier merge by an administrator)", "Humber Ledger (Software Division)"}},
			{name: "merging it again: gone", user: testutil.AdminEmail, method: "POST", url: "/admin/suppliers/merge", form: merge, status: 404},
		}},
		{name: "refusals", steps: []step{
			{name: "fixtures", do: fixtures},
			{name: "different company numbers", user: testutil.AdminEmail, method: "POST", url: "/admin/suppliers/merge",
				form: formOf("q", "humber ledger", "into", "{keep}", "from", "{other}"), status: 422,
				contains: []string{"Humber Ledger Systems Ltd and Humber Ledger Services Ltd have different Companies House numbers (09990001, 09990002): they are different companies",
					`<option value="{other}" selected>`}},
			{name: "nothing chosen", user: testutil.AdminEmail, method: "POST", url: "/admin/suppliers/merge", form: formOf("q", "humber ledger"), status: 422,
				contains: []string{`<a href="#into">Choose the supplier to keep</a>`, `<a href="#from">Choose the supplier to merge into it</a>`}},
			{name: "an officer may not search", user: testutil.OfficerEmail, method: "GET", url: "/admin/suppliers?q=humber+ledger", status: 403},
			{name: "nor merge", user: testutil.OfficerEmail, method: "POST", url: "/admin/suppliers/merge", form: merge, status: 403},
			{name: "nor a supplier", user: testutil.SupplierEmail, method: "POST", url: "/admin/suppliers/merge", form: merge, status: 403},
			{name: "all three still there", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers?q=humber+ledger", status: 200,
				contains: []string{"3 suppliers found"}},
		}},
	})
}
