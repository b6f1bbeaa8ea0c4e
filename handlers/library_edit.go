package handlers

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Writing library items and the review workflow: the form (new and
// edit), saving (every save a version, a stale save refused with both
// texts shown), sending for review, approving and sending back.

// Limits on what the form takes besides the model's own.
const (
	maxLibraryNote       = 200  // "What changed"
	maxLibraryReturnNote = 1000 // a reviewer's note
)

// libraryFields is the form's fields in page order, for the error summary.
var libraryFields = []string{"kind", "title", "summary", "body", "audience", "tags", "categories", "review_date", "note"}

// libraryForm is the item form as typed.
type libraryForm struct {
	Kind, Title, Summary, Body, Audience, Tags, Note string
	Categories                                       []string
	Review                                           dateParts
	BaseVersion                                      int
}

func libraryFormFrom(c *gin.Context) libraryForm {
	base, _ := strconv.Atoi(c.PostForm("base_version"))
	return libraryForm{Kind: c.PostForm("kind"), Title: c.PostForm("title"), Summary: c.PostForm("summary"),
		Body: c.PostForm("body"), Audience: c.PostForm("audience"), Tags: c.PostForm("tags"), Note: c.PostForm("note"),
		Categories: c.PostFormArray("categories"), Review: datePartsFromForm(c, "review_date"), BaseVersion: base}
}

// libraryFormOf is item it in the form, to edit its latest version. A
// review date already past is left empty: approving sets a new one.
func libraryFormOf(it models.LibraryItem, today models.Date) libraryForm {
	f := libraryForm{Kind: it.Kind, Title: it.Title, Summary: it.Summary, Body: it.Body, Audience: it.Audience,
		Tags: strings.Join(it.Tags, ", "), Categories: it.Categories, BaseVersion: it.LatestVersion}
	if !it.ReviewDate.IsZero() && it.ReviewDate.After(today) {
		f.Review = datePartsOf(it.ReviewDate.Time())
	}
	return f
}

// Validate turns the form into the model's input, with every problem the
// form can see; the model checks the rest again.
func (f libraryForm) Validate(today models.Date) (models.LibraryInput, *models.ValidationError) {
	in := models.LibraryInput{Kind: f.Kind, Title: f.Title, Summary: f.Summary, Body: f.Body, Audience: f.Audience,
		Tags: models.ParseTags(f.Tags), Categories: f.Categories, Note: strings.TrimSpace(f.Note)}
	verr := in.Validate()
	review, msg := dateFromForm("Review date", f.Review)
	switch {
	case msg != "":
		verr.Add("review_date", msg)
	case !review.IsZero() && !review.After(today):
		verr.Add("review_date", "Review date must be in the future")
	}
	in.ReviewDate = review
	if utf8.RuneCountInString(in.Note) > maxLibraryNote {
		verr.Add("note", fmt.Sprintf("What changed must be %d characters or fewer", maxLibraryNote))
	}
	return in, problemsInOrder(verr, libraryFields...)
}

// libraryConflict is a save refused because someone saved a newer
// version meanwhile: theirs, and how the typed text differs from it.
type libraryConflict struct {
	Message  string
	Current  models.LibraryItem
	BodyHTML template.HTML
	Diff     diffView
}

type libraryFormPage struct {
	Page
	Item       *models.LibraryItem // nil for a new item
	Form       libraryForm
	Kinds      []libraryChoice
	Audiences  []libraryChoice
	Categories []libraryChoice
	Conflict   *libraryConflict
}

// ReviewInput is the review date's GOV.UK date input.
func (p libraryFormPage) ReviewInput() dateInput {
	return dateInput{Name: "review_date", Legend: "Review date (optional)", Parts: p.Form.Review, Error: p.Errors.Message("review_date"),
		Hint: fmt.Sprintf("When the item should be checked again. Leave empty for %d months after it is approved. For example, 27 3 2028",
			models.DefaultReviewMonths)}
}

// Action is where the form posts.
func (p libraryFormPage) Action() string {
	if p.Item == nil {
		return "/library"
	}
	return libraryPath(p.Item.ID)
}

// renderLibraryForm shows the form with f's values, answering status
// (422 when verr has problems).
func (h *Handlers) renderLibraryForm(c *gin.Context, status int, it *models.LibraryItem, f libraryForm, verr *models.ValidationError, conflict *libraryConflict) {
	cats, err := h.libraryCategoryChoices(c.Request.Context(), f.Categories...)
	if err != nil {
		h.fail(c, err)
		return
	}
	page, formStatus := h.formPage(c, verr)
	if status == 0 {
		status = formStatus
	}
	h.render(c, status, "library_form", libraryFormPage{Page: page, Item: it, Form: f, Kinds: kindChoices(f.Kind),
		Audiences: audienceChoices(f.Audience), Categories: cats, Conflict: conflict})
}

func (h *Handlers) libraryToday() models.Date { return models.DateOf(h.DB.Clock.Now()) }

// newLibraryItem is the form for a new item: GET /library/new.
// ?kind=briefing starts a councillor briefing, for councillors.
func (h *Handlers) newLibraryItem(c *gin.Context) {
	f := libraryForm{Kind: models.KindPlaybook, Audience: models.AudienceOfficers}
	if k := c.Query("kind"); slices.Contains(models.LibraryKinds, k) {
		f.Kind = k
	}
	if f.Kind == models.KindBriefing {
		f.Audience = models.AudienceCouncillors
	}
	h.renderLibraryForm(c, 0, nil, f, nil, nil)
}

// createLibraryItem starts a draft: POST /library, then 303 to the item.
func (h *Handlers) createLibraryItem(c *gin.Context) {
	f := libraryFormFrom(c)
	in, verr := f.Validate(h.libraryToday())
	if verr.Err() != nil {
		h.renderLibraryForm(c, 0, nil, f, verr, nil)
		return
	}
	id, err := h.DB.CreateLibraryItem(c.Request.Context(), *currentUser(c), in)
	h.finishForm(c, err, func(verr *models.ValidationError) {
		h.renderLibraryForm(c, 0, nil, f, problemsInOrder(verr, libraryFields...), nil)
	}, "library-created", libraryPath(id))
}

// editableLibraryItem is the item of the URL for its authors; others get
// the model's explanation.
func (h *Handlers) editableLibraryItem(c *gin.Context) (models.LibraryItem, error) {
	it, err := h.loadLibraryItem(c)
	if err == nil && !it.Access.Edit {
		err = &models.PublicError{Status: http.StatusForbidden,
			Message: "Only the officers of the council that wrote this item can change it. Adapt it to make your own version."}
	}
	return it, err
}

// editLibraryItem is the form for an item's next version: GET /library/:id/edit.
func (h *Handlers) editLibraryItem(c *gin.Context) {
	it, err := h.editableLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderLibraryForm(c, 0, &it, libraryFormOf(it, h.libraryToday()), nil, nil)
}

// updateLibraryItem saves a new version, written against the form's
// base_version: POST /library/:id, then 303 to the item. A save against
// an outdated version shows the form again (409) with what was typed, the
// newer version and the difference, to merge and save again.
func (h *Handlers) updateLibraryItem(c *gin.Context) {
	ctx := c.Request.Context()
	it, err := h.editableLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	f := libraryFormFrom(c)
	in, verr := f.Validate(h.libraryToday())
	if verr.Err() != nil {
		h.renderLibraryForm(c, 0, &it, f, verr, nil)
		return
	}
	_, err = h.DB.SaveLibraryItem(ctx, *currentUser(c), it.ID, in, f.BaseVersion)
	var pub *models.PublicError
	if errors.As(err, &pub) && pub.Status == http.StatusConflict {
		cur, lerr := h.DB.LibraryItemByID(ctx, *currentUser(c), it.ID)
		if lerr != nil {
			h.fail(c, lerr)
			return
		}
		msg := fmt.Sprintf("Someone saved version %d of this item while you were editing version %d. Nothing you typed is lost: it is in the form below. "+
			"Bring across what you want to keep from version %d, then save again.", cur.LatestVersion, f.BaseVersion, cur.LatestVersion)
		f.BaseVersion = cur.LatestVersion
		h.renderLibraryForm(c, http.StatusConflict, &cur, f, nil, &libraryConflict{Message: msg, Current: cur,
			BodyHTML: templates.RenderMarkdown(cur.Body), Diff: newDiffView(cur.Body, in.Body, "texts")})
		return
	}
	h.finishForm(c, err, func(verr *models.ValidationError) {
		h.renderLibraryForm(c, 0, &it, f, problemsInOrder(verr, libraryFields...), nil)
	}, "library-saved", libraryPath(it.ID))
}

// libraryStep runs one workflow step on the item of the URL, then flashes
// and returns to the item.
func (h *Handlers) libraryStep(c *gin.Context, flash string, step func(models.User, models.LibraryItem) error) {
	it, err := h.loadLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := step(*currentUser(c), it); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, flash)
	seeOther(c, libraryPath(it.ID))
}

// submitLibraryItem sends the latest version for review: POST /library/:id/submit.
func (h *Handlers) submitLibraryItem(c *gin.Context) {
	h.libraryStep(c, "library-submitted", func(u models.User, it models.LibraryItem) error {
		return h.DB.SubmitLibraryItem(c.Request.Context(), u, it.ID)
	})
}

// approveLibraryItem publishes an item in review; the model refuses the
// one who sent it for review and the author of the version:
// POST /library/:id/approve.
func (h *Handlers) approveLibraryItem(c *gin.Context) {
	h.libraryStep(c, "library-approved", func(u models.User, it models.LibraryItem) error {
		return h.DB.ApproveLibraryItem(c.Request.Context(), u, it.ID)
	})
}

// returnLibraryItem sends an item in review back to its authors with a
// note (a reviewer), or takes it out of review (an author):
// POST /library/:id/return.
func (h *Handlers) returnLibraryItem(c *gin.Context) {
	it, err := h.loadLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	note := strings.TrimSpace(c.PostForm("note"))
	if utf8.RuneCountInString(note) > maxLibraryReturnNote {
		verr := &models.ValidationError{}
		verr.Add("note", fmt.Sprintf("The note must be %d characters or fewer", maxLibraryReturnNote))
		h.renderLibraryItem(c, it, verr)
		return
	}
	if err := h.DB.ReturnLibraryItem(c.Request.Context(), *currentUser(c), it.ID, note); err != nil {
		h.fail(c, err)
		return
	}
	flash := "library-returned"
	if it.Access.Edit && !it.Access.Approve {
		flash = "library-withdrawn"
	}
	h.flash(c, flash)
	seeOther(c, libraryPath(it.ID))
}

// libraryRadios is a set of radios for the "libraryRadios" partial.
type libraryRadios struct {
	Name, Legend, Hint, Error string
	Choices                   []libraryChoice
}

// Radios is the kind or audience choice with its message.
func (p libraryFormPage) Radios(name, legend, hint string) libraryRadios {
	choices := p.Kinds
	if name == "audience" {
		choices = p.Audiences
	}
	return libraryRadios{Name: name, Legend: legend, Hint: hint, Error: p.Errors.Message(name), Choices: choices}
}
