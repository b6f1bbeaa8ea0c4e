package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestPartnersJourney: Leeds's officer finds, from the demo registers, a
// contract Bradford also runs with a decision window near Leeds's, opens
// "Who could we buy this with?" from the contract's page, and expresses
// interest; Bradford's officer sees it on their home page.
func TestPartnersJourney(t *testing.T) {
	t.Parallel()
	s := newSession(t, "partners")
	s.signInAs("cio@leeds.gov.uk")

	s.open("our-partners", "/councils/E08000035/partners", http.StatusOK)
	s.expectText("our-partners", "h1", "Our partners")
	// The first of Leeds's contracts matched with one of Bradford's.
	contract := eval[string](s, `(() => {
  for (const card of document.querySelectorAll('[data-testid="partner-match"]')) {
    if (card.querySelector('h3').textContent.trim().startsWith('Bradford ·')) {
      return card.querySelector('a[href$="/partners"]').getAttribute('href').replace(/\/partners$/, '');
    }
  }
  return '';
})()`)
	if contract == "" {
		t.Fatal("our-partners: no match with Bradford in the demo registers")
	}

	s.open("contract", contract, http.StatusOK)
	s.click("contract-partners", `[data-testid="partners-link"] a`, http.StatusOK)
	s.expectPath("contract-partners", contract+"/partners")
	s.expectText("contract-partners", "h1", "Who could we buy this with?")
	form := eval[string](s, `(() => {
  for (const card of document.querySelectorAll('[data-testid="partner-match"]')) {
    const form = card.querySelector('form');
    if (form && card.querySelector('h3').textContent.trim() === 'Bradford') {
      return form.getAttribute('action');
    }
  }
  return '';
})()`)
	if !strings.HasPrefix(form, contract+"/partners/") {
		t.Fatalf("contract-partners: no Express interest button for Bradford (form %q)", form)
	}
	if got := s.text(`[data-testid="partner-explanation"]`); !strings.Contains(got, "; their decision window") {
		t.Errorf("contract-partners: explanation %q", got)
	}

	s.click("interest-expressed", `form[action="`+form+`"] button`, http.StatusOK)
	s.expectPath("interest-expressed", contract+"/partners")
	s.expectTextContains("interest-expressed", ".govuk-notification-banner", "Interest expressed.")
	if n := s.count(`[data-testid="interest-sent"]`); n == 0 {
		t.Error("interest-expressed: no card is marked as sent")
	}

	b := newSession(t, "partners-bradford")
	b.signInAs("digital@bradford.gov.uk")
	b.open("bradford-home", "/", http.StatusOK)
	b.expectTextContains("bradford-home", `[data-testid="home-interest-received"]`, "Leeds would like to procure")
	b.expectTextContains("bradford-home", `[data-testid="home-partners"]`, "also")
}
