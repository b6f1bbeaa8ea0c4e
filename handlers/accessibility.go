package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// The accessibility statement (GET /accessibility), laid out as the
// GOV.UK model accessibility statement for public sector websites, as the
// Public Sector Bodies (Websites and Mobile Applications) (No. 2)
// Accessibility Regulations 2018 require. The prose is in
// templates/pages/accessibility.html; what changes from one review to the
// next is here.

// accessibilityFacts is what a review of the statement changes: whom
// to contact, how soon they answer, and when the statement was written,
// reviewed and Jointly last tested.
type accessibilityFacts struct {
	// Contact is the address for requests and problem reports. The
	// default is a placeholder: the CIO council that runs Jointly puts
	// its own here before going live (docs/OPERATIONS.md).
	Contact string
	// ReplyWorkingDays is how many working days a reply takes at most.
	ReplyWorkingDays int
	Prepared         time.Time
	Reviewed         time.Time
	Tested           time.Time
}

// accessibilityStatement is the statement's facts as of its last review.
var accessibilityStatement = accessibilityFacts{
	Contact:          "accessibility@jointly.example",
	ReplyWorkingDays: 5,
	Prepared:         time.Date(2026, time.November, 21, 0, 0, 0, 0, models.London()),
	Reviewed:         time.Date(2026, time.November, 21, 0, 0, 0, 0, models.London()),
	Tested:           time.Date(2026, time.November, 21, 0, 0, 0, 0, models.London()),
}

type accessibilityPage struct {
	Page
	Statement accessibilityFacts
}

// showAccessibility is the accessibility statement, for everyone.
func (h *Handlers) showAccessibility(c *gin.Context) {
	h.render(c, http.StatusOK, "accessibility", accessibilityPage{Page: h.page(c), Statement: accessibilityStatement})
}
