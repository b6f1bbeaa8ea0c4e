package handlers

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// The glossary: every term briefings explain (GET /glossary), and its
// administration (GET and POST /admin/glossary, POST /admin/glossary/:id
// and /admin/glossary/:id/delete).

func init() {
	flashes["glossary-term-added"] = "Term added to the glossary."
	flashes["glossary-term-saved"] = "Glossary term saved."
	flashes["glossary-term-deleted"] = "Term deleted from the glossary."
}

// glossaryEntries is the glossary in the shape templates.RenderWithGlossary
// and templates.GlossaryAnchors take, in the glossary page's order, so the
// anchors both make agree.
func glossaryEntries(terms []models.GlossaryTerm) []templates.GlossaryEntry {
	out := make([]templates.GlossaryEntry, len(terms))
	for i, t := range terms {
		out[i] = templates.GlossaryEntry{Term: t.Term, Definition: t.Definition}
	}
	return out
}

// renderWithGlossary renders Markdown with the first use of each glossary
// term linked to its definition (templates.RenderWithGlossary), and
// returns the terms it used. Library items use it too.
func (h *Handlers) renderWithGlossary(c *gin.Context, src string) (template.HTML, []templates.LinkedTerm, error) {
	terms, err := h.DB.Glossary(c.Request.Context())
	if err != nil {
		return "", nil, err
	}
	body, used := templates.RenderWithGlossary(src, glossaryEntries(terms))
	return body, used, nil
}

type glossaryPage struct {
	Page
	Letters []glossaryLetter
	Count   int
}

// glossaryLetter is one letter of the A to Z: its terms, if any.
type glossaryLetter struct {
	Letter string
	ID     string // "letter-a"
	Terms  []glossaryEntry
}

type glossaryEntry struct {
	models.GlossaryTerm
	Anchor string // "term-saas"
}

// showGlossary lists every term with its definition, A to Z.
func (h *Handlers) showGlossary(c *gin.Context) {
	terms, err := h.DB.Glossary(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	anchors := templates.GlossaryAnchors(glossaryEntries(terms))
	var letters []glossaryLetter
	for l := 'A'; l <= 'Z'; l++ {
		letters = append(letters, glossaryLetter{Letter: string(l), ID: "letter-" + strings.ToLower(string(l))})
	}
	other := glossaryLetter{Letter: "Other", ID: "letter-other"} // terms starting with a digit or symbol
	for i, t := range terms {
		e := glossaryEntry{GlossaryTerm: t, Anchor: anchors[i]}
		first, _ := utf8.DecodeRuneInString(t.Term)
		if first = unicode.ToUpper(first); first >= 'A' && first <= 'Z' {
			letters[first-'A'].Terms = append(letters[first-'A'].Terms, e)
		} else {
			other.Terms = append(other.Terms, e)
		}
	}
	if len(other.Terms) > 0 {
		letters = append(letters, other)
	}
	h.render(c, http.StatusOK, "glossary", glossaryPage{Page: h.page(c), Letters: letters, Count: len(terms)})
}

type adminGlossaryPage struct {
	Page
	Terms []models.GlossaryTerm
	// Form is the term being added, or changed when Editing is set.
	Form     glossaryForm
	Editing  *models.GlossaryTerm
	Deleting *models.GlossaryTerm // asked to delete: confirm
	MaxTerm  int
	MaxDef   int
}

// glossaryForm is a term as an administrator types it. The model checks
// it (models.SaveGlossaryTerm), so the rule lives in one place.
type glossaryForm struct {
	Term       string `form:"term"`
	Definition string `form:"definition"`
}

// adminGlossaryPage lists every term; editID or deleteID (if not 0) is
// the term being changed or deleted, ErrNotFound if there is none.
func (h *Handlers) adminGlossaryPage(c *gin.Context, editID, deleteID int64) (adminGlossaryPage, error) {
	terms, err := h.DB.Glossary(c.Request.Context())
	if err != nil {
		return adminGlossaryPage{}, err
	}
	data := adminGlossaryPage{Page: h.page(c), Terms: terms, MaxTerm: models.MaxGlossaryTerm, MaxDef: models.MaxGlossaryDefinition}
	find := func(id int64) (*models.GlossaryTerm, error) {
		for i := range terms {
			if terms[i].ID == id {
				return &terms[i], nil
			}
		}
		return nil, models.ErrNotFound
	}
	if editID != 0 {
		if data.Editing, err = find(editID); err != nil {
			return data, err
		}
		data.Form = glossaryForm{Term: data.Editing.Term, Definition: data.Editing.Definition}
	}
	if deleteID != 0 {
		if data.Deleting, err = find(deleteID); err != nil {
			return data, err
		}
	}
	return data, nil
}

// queryID reads an optional id from the query string: 0 when absent,
// ErrNotFound when it is not an id.
func queryID(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

// listGlossaryTerms is the administration page: every term, a form to add
// one, or (?edit=ID) to change one, or (?delete=ID) the confirmation of a
// deletion.
func (h *Handlers) listGlossaryTerms(c *gin.Context) {
	editID, err := queryID(c, "edit")
	if err != nil {
		h.fail(c, err)
		return
	}
	deleteID, err := queryID(c, "delete")
	if err != nil {
		h.fail(c, err)
		return
	}
	data, err := h.adminGlossaryPage(c, editID, deleteID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "admin_glossary", data)
}

func (h *Handlers) createGlossaryTerm(c *gin.Context) { h.saveGlossaryTerm(c, 0) }

func (h *Handlers) updateGlossaryTerm(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, models.ErrNotFound)
		return
	}
	h.saveGlossaryTerm(c, id)
}

// saveGlossaryTerm adds a term (id 0) or changes term id.
func (h *Handlers) saveGlossaryTerm(c *gin.Context, id int64) {
	var f glossaryForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The form could not be read."})
		return
	}
	_, err := h.DB.SaveGlossaryTerm(c.Request.Context(), *currentUser(c), id, f.Term, f.Definition)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		data, perr := h.adminGlossaryPage(c, id, 0)
		if perr != nil {
			h.fail(c, perr)
			return
		}
		data.Form, data.Errors = f, verr
		h.render(c, http.StatusUnprocessableEntity, "admin_glossary", data)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if id == 0 {
		h.flash(c, "glossary-term-added")
	} else {
		h.flash(c, "glossary-term-saved")
	}
	seeOther(c, "/admin/glossary")
}

func (h *Handlers) deleteGlossaryTerm(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, models.ErrNotFound)
		return
	}
	if err := h.DB.DeleteGlossaryTerm(c.Request.Context(), *currentUser(c), id); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "glossary-term-deleted")
	seeOther(c, "/admin/glossary")
}
