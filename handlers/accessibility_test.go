package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"jointly/testutil"
)

// The accessibility statement: anyone can read it, it has the sections of
// the GOV.UK model statement, and every page's footer links to it.

func TestAccessibilityStatement(t *testing.T) {
	e := newEnv(t)
	want := []string{
		"<title>Accessibility statement – Jointly</title>",
		`<h1 class="govuk-heading-xl">Accessibility statement for Jointly</h1>`,
		`<h2 class="govuk-heading-l">How accessible Jointly is</h2>`,
		`<h2 class="govuk-heading-l">Feedback and contact information</h2>`,
		`<h2 class="govuk-heading-l">Reporting accessibility problems with Jointly</h2>`,
		`<h2 class="govuk-heading-l">Enforcement procedure</h2>`,
		`<h2 class="govuk-heading-l">Technical information about Jointly's accessibility</h2>`,
		`<h3 class="govuk-heading-m">Compliance status</h3>`,
		`<h3 class="govuk-heading-m">Non-accessible content</h3>`,
		`<h2 class="govuk-heading-l">What we're doing to improve accessibility</h2>`,
		`<h2 class="govuk-heading-l">Preparation of this accessibility statement</h2>`,
		"partially compliant with the",
		"Web Content Accessibility Guidelines version 2.2</a> AA standard",
		`href="mailto:accessibility@jointly.example" data-testid="accessibility-contact">accessibility@jointly.example</a>`,
		"get back to you in 5 working days",
		"Equality and Human Rights Commission (EHRC)",
		"Equality Commission for Northern Ireland</a> (ECNI)",
		"This statement was prepared on 21 November 2026. It was last reviewed on 21 November 2026.",
		"Jointly was last tested on 21 November 2026.",
		"axe-core</a> checks the WCAG 2.0, 2.1 and 2.2 level A and AA rules",
	}
	for _, user := range []string{"", testutil.OfficerEmail, testutil.SupplierEmail, testutil.AdminEmail} {
		r := e.browser(user).Get("/accessibility")
		if r.Status != http.StatusOK {
			t.Fatalf("as %q: GET /accessibility answered %d, want 200", user, r.Status)
		}
		for _, w := range want {
			if !strings.Contains(r.Body, w) {
				t.Errorf("as %q: the statement lacks %q", user, w)
			}
		}
	}
}

func TestFooterLinksToAccessibilityStatement(t *testing.T) {
	e := newEnv(t)
	link := `<a class="govuk-footer__link" href="/accessibility">Accessibility statement</a>`
	pages := []struct {
		user, path string
		status     int
	}{
		{"", "/", http.StatusOK},
		{"", "/login", http.StatusOK},
		{"", "/councils/E99999999", http.StatusNotFound}, // the error page too
		{testutil.OfficerEmail, "/", http.StatusOK},
		{testutil.SupplierEmail, "/opportunities", http.StatusOK},
		{"", "/accessibility", http.StatusOK},
	}
	for _, p := range pages {
		r := e.browser(p.user).Get(p.path)
		if r.Status != p.status {
			t.Fatalf("as %q: GET %s answered %d, want %d", p.user, p.path, r.Status, p.status)
		}
		if !strings.Contains(r.Body, link) {
			t.Errorf("as %q: %s has no footer link to the accessibility statement", p.user, p.path)
		}
	}
}
