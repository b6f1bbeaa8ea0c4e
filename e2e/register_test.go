package e2e

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const (
	leedsRegister  = "/councils/E08000035/contracts"
	saveContract   = `[data-testid="save-contract"]`
	historyEntries = `[data-testid="history-entry"]`
)

// signInAs signs a journey in with the demo password, from the sign-in page.
func (s *session) signInAs(email string) {
	s.t.Helper()
	s.open("sign-in", "/login", http.StatusOK)
	s.typeInto("email", email)
	s.typeInto("password", demoPassword)
	s.click("signed-in", loginButton, http.StatusOK)
}

// replaceInto empties a text box and types value into it.
func (s *session) replaceInto(id, value string) {
	s.t.Helper()
	s.setValue(id, "")
	s.typeInto(id, value)
}

// choose picks an option of a select.
func (s *session) choose(id, value string) {
	s.t.Helper()
	s.setValue(id, value)
	if got := s.value(id); got != value {
		s.t.Fatalf("#%s has no option %q", id, value)
	}
}

func (s *session) setValue(id, value string) {
	s.t.Helper()
	q, _ := json.Marshal(id)
	v, _ := json.Marshal(value)
	eval[bool](s, `(() => { document.getElementById(`+string(q)+`).value = `+string(v)+`; return true })()`)
}

// tick clicks the label of a radio or checkbox, as a person would.
func (s *session) tick(id string) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`))); err != nil {
		s.t.Fatalf("tick #%s: %v", id, err)
	}
}

func (s *session) value(id string) string {
	s.t.Helper()
	return eval[string](s, `document.getElementById('`+id+`').value`)
}

// expectSummary checks the error summary: exactly these fields' messages,
// each linked to its field and repeated beside it.
func (s *session) expectSummary(step string, want map[string]string) {
	s.t.Helper()
	if title := eval[string](s, `document.title`); !strings.HasPrefix(title, "Error: ") {
		s.t.Errorf("%s: title %q does not start with \"Error: \"", step, title)
	}
	s.expectText(step, ".govuk-error-summary__title", "There is a problem")
	if n := s.count(".govuk-error-summary__list a"); n != len(want) {
		s.t.Errorf("%s: the error summary lists %d problems, want %d", step, n, len(want))
	}
	for field, msg := range want {
		s.expectText(step, `.govuk-error-summary__list a[href="#`+field+`"]`, msg)
		if n := s.count("input#" + field); n != 1 {
			s.t.Errorf("%s: the summary links to #%s, but there is no such field", step, field)
		}
		s.expectText(step, "#"+field+"-error", "Error: "+msg)
		if n := s.count(".govuk-form-group--error #" + field + ".govuk-input--error"); n != 1 {
			s.t.Errorf("%s: #%s is not styled as a field in error", step, field)
		}
	}
}

var contractPath = regexp.MustCompile(`^/contracts/\d+$`)

// TestRegisterOfficerJourney: an officer opens the register from the
// navigation, adds a contract with mistakes, fixes them, sees the contract
// with its history, edits it, sees the change, finds it in the register
// with the filters, and confirms the register is current.
func TestRegisterOfficerJourney(t *testing.T) {
	t.Parallel()
	s := newSession(t, "register-officer")
	s.signInAs("cio@leeds.gov.uk")

	s.click("register", `nav[aria-label="Menu"] a[href="`+leedsRegister+`"]`, http.StatusOK)
	s.expectPath("register", leedsRegister)
	s.expectText("register", "h1", "Contract register")
	s.expectCurrentNav("register", "Register")

	s.click("new-contract", `[data-testid="add-contract"]`, http.StatusOK)
	s.expectPath("new-contract", leedsRegister+"/new")
	s.expectText("new-contract", "h1", "Add a contract")
	s.expectCurrentNav("new-contract", "Register")

	// First attempt: no title, money that is not money, a date that is not a date.
	s.typeInto("supplier", "Taranto Parking Systems Ltd")
	s.typeInto("annual_value", "lots")
	s.typeInto("end_date", "31")
	s.typeInto("end_date-month", "2")
	s.typeInto("end_date-year", "2027")
	s.click("new-contract-errors", saveContract, http.StatusUnprocessableEntity)
	s.expectSummary("new-contract-errors", map[string]string{
		"title":        "Enter the contract's title",
		"annual_value": "Annual value must be an amount of money in pounds, like 1,234.56",
		"end_date":     "End date must be a real date",
	})
	for id, want := range map[string]string{"supplier": "Taranto Parking Systems Ltd", "annual_value": "lots", "end_date": "31", "end_date-month": "2"} {
		if got := s.value(id); got != want {
			t.Errorf("new-contract-errors: #%s holds %q, want %q kept", id, got, want)
		}
	}
	// The summary's date link lands on the day box.
	if err := chromedp.Do(s.ctx, chromedp.Click(chromedp.CSS(`.govuk-error-summary__list a[href="#end_date"]`))); err != nil {
		t.Fatalf("click the summary's end date link: %v", err)
	}
	if id := eval[string](s, `document.activeElement ? document.activeElement.id : ''`); id != "end_date" {
		t.Errorf("after clicking the end date link, focus is on %q, want the day box", id)
	}

	// Fixed.
	s.typeInto("title", "Parking permits system")
	s.replaceInto("annual_value", "12,500.50")
	s.replaceInto("end_date", "28")
	s.typeInto("reference", "LCC-E2E-PARK")
	s.choose("category", "parking")
	s.tick("hosting-saas")
	s.tick("sme")
	s.typeInto("notice_period_months", "3")
	s.typeInto("notes", "Permits **go live** in April.")
	s.click("contract", saveContract, http.StatusOK)
	if loc := s.location(); !contractPath.MatchString(loc) {
		t.Fatalf("contract: after adding, the browser is at %s, want a contract's page", loc)
	}
	contract := s.location()
	s.expectText("contract", "h1", "Parking permits system")
	s.expectTextContains("contract", ".govuk-notification-banner", "Contract added to the register.")
	s.expectCurrentNav("contract", "Register")
	for _, want := range []string{"LCC-E2E-PARK", "Taranto Parking Systems Ltd", "£12,500.50", "28 February 2027", "Parking and traffic",
		"Software as a service", "3 months", "Yes"} {
		s.expectTextContains("contract", "main", want)
	}
	s.expectText("contract", `[data-testid="contract-notes"] strong`, "go live")
	if n := s.count(historyEntries); n != 1 {
		t.Errorf("contract: %d history entries, want 1", n)
	}
	s.expectTextContains("contract", historyEntries+" caption", "Added on")
	s.expectTextContains("contract", historyEntries+" caption", "by Sam Okafor")

	// Edit it.
	s.click("edit", `[data-testid="edit-contract"]`, http.StatusOK)
	s.expectText("edit", "h1", "Edit contract")
	if got := s.value("annual_value"); got != "12,500.50" {
		t.Errorf("edit: the annual value box holds %q, want 12,500.50", got)
	}
	s.replaceInto("annual_value", "13,000")
	s.click("edited", saveContract, http.StatusOK)
	s.expectPath("edited", contract)
	s.expectTextContains("edited", ".govuk-notification-banner", "Contract saved.")
	if n := s.count(historyEntries); n != 2 {
		t.Errorf("edited: %d history entries, want 2", n)
	}
	s.expectTextContains("edited", historyEntries+" caption", "Changed on") // the newest first
	s.expectText("edited", historyEntries+` tbody tr th`, "Annual value")
	s.expectText("edited", historyEntries+` tbody tr td:nth-of-type(1)`, "£12,500.50")
	s.expectText("edited", historyEntries+` tbody tr td:nth-of-type(2)`, "£13,000")

	// Back to the register, filtered to the category, with the new row.
	s.click("back-to-register", `a.govuk-back-link`, http.StatusOK)
	s.expectPath("back-to-register", leedsRegister)
	s.choose("category", "parking")
	s.click("register-filtered", `form.app-filter-form button[type="submit"]`, http.StatusOK)
	s.expectPath("register-filtered", leedsRegister+"?category=parking&supplier=&hosting=&window=&sort=end_date")
	row := eval[string](s, `(() => { const a = [...document.querySelectorAll('[data-testid="register"] tbody a')].find(a => a.textContent === 'Parking permits system');
  return a ? a.closest('tr').textContent.replace(/\s+/g, ' ').trim() : '' })()`)
	for _, want := range []string{"LCC-E2E-PARK", "Taranto Parking Systems Ltd", "£13,000", "28 February 2027"} {
		if !strings.Contains(row, want) {
			t.Errorf("register-filtered: the new contract's row reads %q, want %q in it", row, want)
		}
	}

	// Sort by a column header.
	s.click("register-sorted", `th[aria-sort] a[href*="sort=value"]`, http.StatusOK)
	if got := eval[string](s, `document.querySelector('th[aria-sort="ascending"], th[aria-sort="descending"]').textContent`); !strings.Contains(got, "Annual value") {
		t.Errorf("register-sorted: the sorted column is %q, want Annual value", got)
	}

	s.click("confirmed", `[data-testid="confirm-register"]`, http.StatusOK)
	s.expectPath("confirmed", leedsRegister)
	s.expectTextContains("confirmed", ".govuk-notification-banner", "Register confirmed as current.")
	s.expectTextContains("confirmed", `[data-testid="register-confirmation"]`, "by Sam Okafor")

	s.open("council", "/councils/E08000035", http.StatusOK)
	s.expectTextContains("council", `[data-testid="register-confirmation"]`, "Register last confirmed on")
}

// TestRegisterCouncillorJourney: a councillor reads the register and a
// contract, and is offered no way to change them.
func TestRegisterCouncillorJourney(t *testing.T) {
	t.Parallel()
	s := newSession(t, "register-councillor")
	s.signInAs("cllr.hughes@leeds.gov.uk")
	s.expectNav("signed-in", []string{"Register"}, []string{"Users", "Suppliers"})
	s.click("register", `nav[aria-label="Menu"] a[href="`+leedsRegister+`"]`, http.StatusOK)
	s.expectText("register", "h1", "Contract register")
	s.expectCurrentNav("register", "Register")
	for _, sel := range []string{`[data-testid="add-contract"]`, `[data-testid="confirm-register"]`, `a[href$="/contracts/import"]`} {
		if n := s.count(sel); n != 0 {
			t.Errorf("register: a councillor sees %s", sel)
		}
	}
	s.open("add-refused", leedsRegister+"/new", http.StatusForbidden)
	s.expectText("add-refused", "h1", "You cannot do that")
}

// TestSupplierMergeAndDeleteJourney: the administrator adds two contracts
// whose supplier is spelt two ways, merges the suppliers, and deletes one
// of the contracts.
func TestSupplierMergeAndDeleteJourney(t *testing.T) {
	t.Parallel()
	s := newSession(t, "register-admin")
	s.signInAs("admin@jointly.example")
	s.expectNav("signed-in", []string{"Users", "Suppliers"}, []string{"Register"})
	const barnsley = "/councils/E08000016/contracts"

	for i, supplier := range []string{"Wolds Software Ltd", "Wolds Software (Hull)"} {
		s.open("new-contract", barnsley+"/new", http.StatusOK)
		s.typeInto("title", []string{"Housing repairs", "Housing rents"}[i])
		s.typeInto("supplier", supplier)
		s.click("contract", saveContract, http.StatusOK)
	}
	contract := s.location()

	s.click("suppliers", `nav[aria-label="Menu"] a[href="/admin/suppliers"]`, http.StatusOK)
	s.expectCurrentNav("suppliers", "Suppliers")
	s.typeInto("q", "wolds")
	s.click("search", `form[action="/admin/suppliers"] button[type="submit"]`, http.StatusOK)
	s.expectTextContains("search", "caption", "2 suppliers found")
	keep := eval[string](s, `[...document.querySelectorAll('#into option')].find(o => o.textContent.startsWith('Wolds Software Ltd')).value`)
	gone := eval[string](s, `[...document.querySelectorAll('#from option')].find(o => o.textContent.startsWith('Wolds Software (Hull)')).value`)
	s.choose("into", keep)
	s.choose("from", gone)
	s.click("confirm-merge", `form[action="/admin/suppliers"] button.govuk-button--secondary`, http.StatusOK)
	s.expectText("confirm-merge", `[data-testid="merge-confirmation"]`, "Merge ‘Wolds Software (Hull)’ into ‘Wolds Software Ltd’?")
	s.click("merged", `[data-testid="confirm-merge"]`, http.StatusOK)
	s.expectTextContains("merged", ".govuk-notification-banner", "Suppliers merged.")
	s.expectTextContains("merged", "caption", "1 supplier found")
	s.expectTextContains("merged", "tbody", "Wolds Software (Hull)") // kept as a spelling

	s.open("contract", contract, http.StatusOK)
	s.expectTextContains("contract", "main", "Supplier merge by an administrator")
	s.click("delete", `[data-testid="delete-contract"]`, http.StatusOK)
	s.expectTextContains("delete", "h1", "Are you sure you want to delete ‘Housing rents’?")
	s.click("deleted", `[data-testid="confirm-delete"]`, http.StatusOK)
	s.expectPath("deleted", barnsley)
	s.expectTextContains("deleted", ".govuk-notification-banner", "Contract deleted.")
	s.open("gone", contract, http.StatusNotFound)
}
