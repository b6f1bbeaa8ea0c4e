package handlers

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Co-authoring a bid's sections: reading one, editing it against the
// version it was based on, merging when someone else saved first, adding
// and moving sections. Comparing versions is bid_versions.go's, comments
// bid_comments.go's. The rules (who may edit, what a conflict is, which
// edits clear sign-offs) are the bid model's; these pages never lose what
// someone typed.

// sectionPath is a section's own page.
func sectionPath(bidID, sectionID int64) string {
	return fmt.Sprintf("/bids/%d/sections/%d", bidID, sectionID)
}

// loadSection is the bid and section named by :id and :section_id, as the
// current user may see them: not found when they may not.
func (h *Handlers) loadSection(c *gin.Context) (models.Bid, models.BidSection, error) {
	b, err := h.loadBid(c)
	if err != nil {
		return b, models.BidSection{}, err
	}
	sid, err := idParam(c, "section_id")
	if err != nil {
		return b, models.BidSection{}, err
	}
	for _, s := range b.Sections {
		if s.ID == sid {
			return b, s, nil
		}
	}
	return b, models.BidSection{}, fmt.Errorf("section %d of bid %d: %w", sid, b.ID, models.ErrNotFound)
}

// loadSectionToEdit is loadSection, refused (with the model's reason) once
// the bid's text can no longer change.
func (h *Handlers) loadSectionToEdit(c *gin.Context) (models.Bid, models.BidSection, error) {
	b, s, err := h.loadSection(c)
	if err == nil {
		err = b.EditRefusal()
	}
	return b, s, err
}

// sectionPage is one section: its text, and on the councils' side its
// comments and the form to add one.
type sectionPage struct {
	Page
	Bid        models.Bid
	Section    models.BidSection
	Text       template.HTML
	Comments   []commentView
	MayComment bool
	Comment    string // a comment as typed, kept when it has a problem
}

// OpenComments counts the comments not yet resolved.
func (p sectionPage) OpenComments() int {
	n := 0
	for _, c := range p.Comments {
		if !c.Resolved() {
			n++
		}
	}
	return n
}

// showSection is a section's page: GET /bids/:id/sections/:section_id.
func (h *Handlers) showSection(c *gin.Context) {
	b, s, err := h.loadSection(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderSection(c, b, s, "", nil)
}

// renderSection shows a section, with a comment's problem if there is one (422).
func (h *Handlers) renderSection(c *gin.Context, b models.Bid, s models.BidSection, comment string, verr *models.ValidationError) {
	u := currentUser(c)
	page, status := h.formPage(c, verr)
	data := sectionPage{Page: page, Bid: b, Section: s, Text: templates.RenderMarkdown(s.Body),
		MayComment: b.MayComment(*u), Comment: comment}
	if b.Access.Internal {
		cs, err := h.DB.SectionComments(c.Request.Context(), *u, b.ID, s.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, cm := range cs {
			data.Comments = append(data.Comments, commentView{cm})
		}
	}
	h.render(c, status, "bid_section", data)
}

// sectionEditPage edits a section's text.
type sectionEditPage struct {
	Page
	Bid         models.Bid
	Section     models.BidSection
	Body        string
	BaseVersion int
}

// editSection is the section's text in a form: GET /bids/:id/sections/:section_id/edit.
func (h *Handlers) editSection(c *gin.Context) {
	b, s, err := h.loadSectionToEdit(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "bid_section_edit", sectionEditPage{Page: h.page(c), Bid: b, Section: s, Body: s.Body, BaseVersion: s.Version})
}

type sectionForm struct {
	Body        string `form:"body"`
	BaseVersion string `form:"base_version"`
}

// saveSection saves the text as the next version, if nobody saved another
// since the author started: POST /bids/:id/sections/:section_id. If
// someone did, nothing is saved and the author gets both texts to merge
// (409).
func (h *Handlers) saveSection(c *gin.Context) {
	b, s, err := h.loadSectionToEdit(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var f sectionForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The section form could not be read."})
		return
	}
	base, _ := strconv.Atoi(strings.TrimSpace(f.BaseVersion))
	saved, err := h.DB.SaveSection(c.Request.Context(), *currentUser(c), b.ID, s.ID, f.Body, base)
	var conflict *models.EditConflict
	var verr *models.ValidationError
	switch {
	case errors.As(err, &conflict):
		h.renderConflict(c, b, conflict)
	case errors.As(err, &verr) && verr.Has("base_version"):
		// A form that does not say what it was based on cannot be saved
		// over anyone's work: treat it as a conflict with the latest.
		h.renderConflict(c, b, &models.EditConflict{Current: s, Yours: strings.ReplaceAll(f.Body, "\r\n", "\n")})
	case errors.As(err, &verr):
		page, status := h.formPage(c, verr)
		h.render(c, status, "bid_section_edit", sectionEditPage{Page: page, Bid: b, Section: s, Body: f.Body, BaseVersion: base})
	case err != nil:
		h.fail(c, err)
	default:
		if saved.Version == base {
			h.flash(c, "section-unchanged")
		} else {
			h.flash(c, "section-saved")
		}
		seeOther(c, fmt.Sprintf("%s#section-%d", bidPath(b.ID), s.ID))
	}
}

// sectionConflictPage shows a refused save: the latest version, the text
// that was not saved, the difference, and a form to save a merge.
type sectionConflictPage struct {
	Page
	Bid         models.Bid
	Current     models.BidSection
	CurrentText template.HTML
	BaseVersion int
	Yours       string
	Diff        diffView
	// Mine: the newer version is the author's own, saved in another
	// window.
	Mine bool
}

func (h *Handlers) renderConflict(c *gin.Context, b models.Bid, e *models.EditConflict) {
	h.render(c, http.StatusConflict, "bid_section_conflict", sectionConflictPage{Page: h.page(c), Bid: b,
		Current: e.Current, CurrentText: templates.RenderMarkdown(e.Current.Body), BaseVersion: e.BaseVersion,
		Yours: e.Yours, Diff: newDiffView(e.Current.Body, e.Yours, "texts"), Mine: e.Current.UpdatedBy == currentUser(c).ID})
}

// addSection adds a section at the end and opens it for editing:
// POST /bids/:id/sections, from the bid's overview. A refused heading
// shows the overview again with the problem beside the field.
func (h *Handlers) addSection(c *gin.Context) {
	b, err := h.loadBidFor(c, models.Bid.EditRefusal)
	if err != nil {
		h.fail(c, err)
		return
	}
	s, err := h.DB.AddSection(c.Request.Context(), *currentUser(c), b.ID, c.PostForm("heading"))
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderBidOverview(c, b, verr) }, "section-added", sectionPath(b.ID, s.ID)+"/edit")
}

// moveSection moves a section one place up or down:
// POST /bids/:id/sections/:section_id/move.
func (h *Handlers) moveSection(c *gin.Context) {
	b, s, err := h.loadSection(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	delta := map[string]int{"up": -1, "down": 1}[c.PostForm("direction")]
	err = h.DB.MoveSection(c.Request.Context(), *currentUser(c), b.ID, s.ID, delta)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		err = &models.PublicError{Status: http.StatusUnprocessableEntity, Message: "Choose whether to move the section up or down."}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "section-moved")
	seeOther(c, bidPath(b.ID)+"#sections")
}
