package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Changing a bid's title, summary and category, and cancelling it: the
// lead council's forms. The model makes the same checks again on save.

// bidDetailsForm is the bid's title, summary, category and estimated
// value (in pounds) as typed.
type bidDetailsForm struct {
	Title          string `form:"title"`
	Summary        string `form:"summary"`
	Category       string `form:"category"`
	EstimatedValue string `form:"estimated_value"`
}

type bidEditPage struct {
	Page
	Bid        models.Bid
	Form       bidDetailsForm
	Categories []models.Category
}

// detailsRefusal says why the viewer may not change b's details, or nil.
func detailsRefusal(b models.Bid) error {
	switch {
	case !b.Status.Editable():
		return b.EditRefusal() // the model's own explanation: it has moved on
	case !b.Access.Lead || !b.Access.Edit:
		return &models.PublicError{Status: http.StatusForbidden,
			Message: "Only the lead council's officers can change the bid's title, summary and category."}
	}
	return nil
}

func (h *Handlers) renderBidEdit(c *gin.Context, b models.Bid, f bidDetailsForm, verr *models.ValidationError) {
	cats, err := h.DB.Categories(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	page, status := h.formPage(c, verr)
	h.render(c, status, "bid_edit", bidEditPage{Page: page, Bid: b, Form: f, Categories: cats})
}

// editBid is the title, summary and category form: GET /bids/:id/edit.
func (h *Handlers) editBid(c *gin.Context) {
	b, err := h.loadBidFor(c, detailsRefusal)
	if err != nil {
		h.fail(c, err)
		return
	}
	estimate, err := h.DB.BidEstimate(c.Request.Context(), *currentUser(c), b.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderBidEdit(c, b, bidDetailsForm{Title: b.Title, Summary: b.Summary, Category: b.CategorySlug,
		EstimatedValue: formatPoundsInput(estimate)}, nil)
}

// updateBid saves the title, summary, category and estimated value: POST
// /bids/:id. The model allows the lead's officers only, and clears
// sign-offs on a change.
func (h *Handlers) updateBid(c *gin.Context) {
	b, err := h.loadBidFor(c, detailsRefusal)
	if err != nil {
		h.fail(c, err)
		return
	}
	var f bidDetailsForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The bid form could not be read."})
		return
	}
	again := func(verr *models.ValidationError) { h.renderBidEdit(c, b, f, verr) }
	estimate, err := poundsFromForm(f.EstimatedValue)
	if err == nil && estimate != nil && *estimate < 0 {
		err = errors.New("cannot be negative")
	}
	if err != nil {
		again(&models.ValidationError{Fields: []models.FieldError{{Field: "estimated_value", Message: "Estimated value " + err.Error()}}})
		return
	}
	u := *currentUser(c)
	err = h.DB.UpdateBidDetails(c.Request.Context(), u, b.ID, f.Title, f.Summary, f.Category)
	if err == nil {
		err = h.DB.SetBidEstimate(c.Request.Context(), u, b.ID, estimate)
	}
	h.finishForm(c, err, again, "bid-saved", bidPath(b.ID))
}

type bidCancelPage struct {
	Page
	Bid  models.Bid
	Note string
}

// cancelRefusal says why the viewer may not cancel b, or nil.
func cancelRefusal(b models.Bid) error {
	switch {
	case !b.Access.Lead:
		return &models.PublicError{Status: http.StatusForbidden, Message: "Only the lead council's officers can cancel the bid."}
	case !b.Status.CanMoveTo(models.BidCancelled):
		return &models.PublicError{Status: http.StatusConflict,
			Message: fmt.Sprintf("This bid is %s, so it can no longer be cancelled.", strings.ToLower(b.Status.Label()))}
	}
	return nil
}

func (h *Handlers) renderBidCancel(c *gin.Context, b models.Bid, note string, verr *models.ValidationError) {
	page, status := h.formPage(c, verr)
	h.render(c, status, "bid_cancel", bidCancelPage{Page: page, Bid: b, Note: note})
}

// confirmCancelBid asks the lead why: GET /bids/:id/cancel.
func (h *Handlers) confirmCancelBid(c *gin.Context) {
	b, err := h.loadBidFor(c, cancelRefusal)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderBidCancel(c, b, "", nil)
}

// cancelBid cancels the bid with the reason given: POST /bids/:id/cancel
// (note).
func (h *Handlers) cancelBid(c *gin.Context) {
	b, err := h.loadBidFor(c, cancelRefusal)
	if err != nil {
		h.fail(c, err)
		return
	}
	note := c.PostForm("note")
	err = h.DB.CancelBid(c.Request.Context(), *currentUser(c), b.ID, note)
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderBidCancel(c, b, note, verr) }, "bid-cancelled", bidPath(b.ID))
}
