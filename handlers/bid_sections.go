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
// and moving sections, comparing versions and commenting. The rules (who
// may edit, what a conflict is, which edits clear sign-offs) are the bid
// model's; these pages never lose what someone typed.

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

// commentView is a comment as the page shows it: plain text, its line
// breaks kept.
type commentView struct{ models.Comment }

// Lines are the comment's lines, for the template to join with <br>.
func (c commentView) Lines() []string { return strings.Split(c.Body, "\n") }

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
	data := sectionPage{Page: h.page(c), Bid: b, Section: s, Text: templates.RenderMarkdown(s.Body),
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
	status := http.StatusOK
	if verr.Err() != nil {
		data.Errors, status = verr, http.StatusUnprocessableEntity
	}
	h.render(c, status, "bid_section", data)
}

// sectionEditPage edits a section's text, or (Section.ID 0) names a new
// section.
type sectionEditPage struct {
	Page
	Bid         models.Bid
	Section     models.BidSection
	Body        string
	BaseVersion int
	Heading     string
}

// editSection is the section's text in a form: GET /bids/:id/sections/:section_id/edit.
func (h *Handlers) editSection(c *gin.Context) {
	b, s, err := h.loadSection(c)
	if err == nil {
		err = b.EditRefusal()
	}
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
	b, s, err := h.loadSection(c)
	if err == nil {
		err = b.EditRefusal()
	}
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
		h.render(c, http.StatusUnprocessableEntity, "bid_section_edit", sectionEditPage{Page: h.pageWithErrors(c, verr),
			Bid: b, Section: s, Body: f.Body, BaseVersion: base})
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

func (h *Handlers) pageWithErrors(c *gin.Context, verr *models.ValidationError) Page {
	p := h.page(c)
	p.Errors = verr
	return p
}

// diffView is a line-by-line comparison ready to show.
type diffView struct {
	Lines          []models.DiffLine
	Added, Removed int
}

func newDiffView(from, to string) diffView {
	d := diffView{Lines: models.DiffText(from, to)}
	for _, l := range d.Lines {
		switch l.Kind {
		case models.DiffAdded:
			d.Added++
		case models.DiffRemoved:
			d.Removed++
		}
	}
	return d
}

// Changed reports whether any line differs.
func (d diffView) Changed() bool { return d.Added+d.Removed > 0 }

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
		Yours: e.Yours, Diff: newDiffView(e.Current.Body, e.Yours), Mine: e.Current.UpdatedBy == currentUser(c).ID})
}

// addSection adds a section at the end and opens it for editing:
// POST /bids/:id/sections.
func (h *Handlers) addSection(c *gin.Context) {
	b, err := h.loadBid(c)
	if err == nil {
		err = b.EditRefusal()
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	heading := c.PostForm("heading")
	s, err := h.DB.AddSection(c.Request.Context(), *currentUser(c), b.ID, heading)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		h.render(c, http.StatusUnprocessableEntity, "bid_section_edit", sectionEditPage{Page: h.pageWithErrors(c, verr), Bid: b, Heading: heading})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "section-added")
	seeOther(c, sectionPath(b.ID, s.ID)+"/edit")
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

// sectionVersionsPage lists a section's versions and compares two.
type sectionVersionsPage struct {
	Page
	Bid      models.Bid
	Section  models.BidSection
	Versions []models.SectionVersion
	From, To models.SectionVersion
	Diff     diffView
}

// versionSelect is one of the two version choices.
type versionSelect struct {
	Name, Label, Error string
	Selected           int
	Versions           []models.SectionVersion
}

// Select is the "from" or "to" version choice.
func (p sectionVersionsPage) Select(name, label string) versionSelect {
	v := p.To
	if name == "from" {
		v = p.From
	}
	return versionSelect{Name: name, Label: label, Error: p.Errors.Message(name), Selected: v.Version, Versions: p.Versions}
}

// ChangesHref compares version v with the one before it.
func (p sectionVersionsPage) ChangesHref(v int) string {
	return fmt.Sprintf("%s/versions?from=%d&to=%d", sectionPath(p.Bid.ID, p.Section.ID), v-1, v)
}

// listSectionVersions lists every version, newest first, and compares the
// two chosen (?from=&to=; by default the one before the latest with the
// latest): GET /bids/:id/sections/:section_id/versions.
func (h *Handlers) listSectionVersions(c *gin.Context) {
	b, s, err := h.loadSection(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	vs, err := h.DB.SectionVersions(c.Request.Context(), *currentUser(c), b.ID, s.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(vs) == 0 {
		h.fail(c, fmt.Errorf("section %d has no versions", s.ID))
		return
	}
	data := sectionVersionsPage{Page: h.page(c), Bid: b, Section: s, Versions: vs, To: vs[0], From: vs[min(1, len(vs)-1)]}
	verr := &models.ValidationError{}
	pick := func(field string, v *models.SectionVersion) {
		typed := c.Query(field)
		if typed == "" {
			return
		}
		n, err := strconv.Atoi(typed)
		for _, sv := range vs {
			if err == nil && sv.Version == n {
				*v = sv
				return
			}
		}
		verr.Add(field, fmt.Sprintf("Choose a version from the list: this section has versions 1 to %d", vs[0].Version))
	}
	pick("from", &data.From)
	pick("to", &data.To)
	status := http.StatusOK
	if verr.Err() != nil {
		data.Errors, status = verr, http.StatusUnprocessableEntity
	} else {
		data.Diff = newDiffView(data.From.Body, data.To.Body)
	}
	h.render(c, status, "bid_section_versions", data)
}

// createComment adds a comment to a section:
// POST /bids/:id/sections/:section_id/comments.
func (h *Handlers) createComment(c *gin.Context) {
	b, s, err := h.loadSection(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	comment := c.PostForm("comment")
	_, err = h.DB.AddComment(c.Request.Context(), *currentUser(c), b.ID, s.ID, comment)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		h.renderSection(c, b, s, comment, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "comment-added")
	seeOther(c, sectionPath(b.ID, s.ID)+"#comments")
}

// resolveComment marks a comment as dealt with:
// POST /bids/:id/comments/:comment_id/resolve.
func (h *Handlers) resolveComment(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	cid, err := idParam(c, "comment_id")
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.ResolveComment(ctx, *u, b.ID, cid); err != nil {
		h.fail(c, err)
		return
	}
	sid, err := h.DB.CommentSection(ctx, *u, b.ID, cid)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "comment-resolved")
	seeOther(c, sectionPath(b.ID, sid)+"#comments")
}
