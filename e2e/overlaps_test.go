package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestOverlapsJourney: an officer opens the overlaps index, which shows
// their own region; follows the product most shared there to its overlap
// page, with its chart and tables; and switches to every UK council.
func TestOverlapsJourney(t *testing.T) {
	t.Parallel()
	s := newSession(t, "overlaps")
	s.signInAs("cio@leeds.gov.uk")

	s.open("index", "/overlaps", http.StatusOK)
	s.expectText("index", "h1", "Overlaps")
	s.expectTextContains("index", `[data-testid="overlap-scope"]`, "Showing councils in Yorkshire and The Humber.")
	if n := s.count(`[data-testid="shared-products"] tbody a[href^="/overlaps/products/"]`); n == 0 {
		t.Fatal("index: no shared products listed")
	}
	product := s.text(`[data-testid="shared-products"] tbody tr:first-child td:first-child a`)

	s.click("product", `[data-testid="shared-products"] tbody tr:first-child td:first-child a`, http.StatusOK)
	if path := s.location(); !strings.Contains(path, "/overlaps/products/") {
		t.Fatalf("product: at %s, want a product's overlap", path)
	}
	s.expectText("product", "h1", product)
	s.expectTextContains("product", `[data-testid="overlap-scope"]`, "Showing councils in Yorkshire and The Humber.")
	if n := s.count(`[data-testid="timeline-chart"] svg[role="img"] rect`); n == 0 {
		t.Error("product: the timeline chart has no bars")
	}
	if n := s.count(`[data-testid="timeline-table"] tbody tr`); n != 22 {
		t.Errorf("product: the timeline table has %d rows, want 22", n)
	}
	regional := s.count(`[data-testid="overlap-councils"] tbody tr`)
	if regional == 0 {
		t.Error("product: no councils listed")
	}

	s.click("national", `[data-testid="see-national"]`, http.StatusOK)
	s.expectTextContains("national", `[data-testid="overlap-scope"]`, "Showing councils in the UK.")
	s.expectText("national", "h1", product)
	if n := s.count(`[data-testid="overlap-councils"] tbody tr`); n < regional {
		t.Errorf("national: %d councils, fewer than the region's %d", n, regional)
	}
	if n := s.count(`[data-testid="see-home-region"]`); n != 1 {
		t.Error("national: no way back to the officer's own region")
	}
}
