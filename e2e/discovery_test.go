package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestDiscoveryJourney: an officer opens the legacy radar (their council's
// and then the whole UK's), market concentration for their region, one
// category from it, and that category nationally. Every page is checked
// by axe and for CSP violations (checkPage).
func TestDiscoveryJourney(t *testing.T) {
	t.Parallel()
	s := newSession(t, "discovery-officer")
	s.signInAs("cio@leeds.gov.uk")

	s.open("legacy", "/legacy", http.StatusOK)
	s.expectText("legacy", "h1", "Legacy radar")
	s.expectTextContains("legacy", "main h2.govuk-heading-l", "Leeds's legacy systems")
	if got := s.value("region"); got != "yorkshire-and-the-humber" {
		t.Errorf("legacy: the region filter is %q, want the officer's own region", got)
	}
	s.click("legacy-national", `a[href="/legacy?region="]`, http.StatusOK)
	if got := s.value("region"); got != "" {
		t.Errorf("legacy-national: the region filter is %q, want national", got)
	}

	s.open("concentration", "/concentration", http.StatusOK)
	s.expectText("concentration", "h1", "Market concentration")
	if n := s.count(`[data-testid="concentration-index"] tbody tr`); n == 0 {
		t.Fatal("concentration: no categories listed for Yorkshire's demo registers")
	}
	category := s.text(`[data-testid="concentration-index"] tbody tr:first-child td:first-child a`)
	s.click("category", `[data-testid="concentration-index"] tbody tr:first-child td:first-child a`, http.StatusOK)
	s.expectText("category", "h1", category)
	if hhi := s.text(`[data-testid="hhi"]`); !strings.Contains(hhi, "Herfindahl–Hirschman index") {
		t.Errorf("category: the index is not shown: %q", hhi)
	}
	if n := s.count(`[data-testid="shares"] tbody tr`); n == 0 {
		t.Error("category: no suppliers' shares")
	}
	s.choose("region", "")
	s.click("category-national", `form.app-filter-form button[type="submit"]`, http.StatusOK)
	s.expectTextContains("category-national", ".govuk-caption-l", "across the UK")
}
