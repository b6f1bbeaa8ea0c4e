package handlers

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// The library's pages: the list and an item's page, with adopting and
// adapting. Writing and the review workflow are library_edit.go's,
// versions library_versions.go's, attachments library_attachments.go's.
// Who may see and do what is the model's rule (models.LibraryAccess):
// these pages only decide which controls to offer.

func init() {
	flashes["library-created"] = "Draft saved. Send it for review when it is ready: someone else must approve it before it is published."
	flashes["library-saved"] = "Saved as a new version. Send it for review to publish your changes: until then readers see the version last approved."
	flashes["library-submitted"] = "Sent for review. An officer of any council, or an administrator, can now approve it."
	flashes["library-approved"] = "Approved and published. Readers now see this version."
	flashes["library-returned"] = "Sent back to its authors as a draft."
	flashes["library-withdrawn"] = "Taken out of review. It is a draft again."
	flashes["library-adopted"] = "Your council now shows as using this item."
	flashes["library-unadopted"] = "Your council no longer shows as using this item."
	flashes["library-adapted"] = "This is your council's own draft, adapted from the original. Change it as you need, then send it for review."
	flashes["library-restored"] = "The old version was saved as the newest version. Send it for review to publish it."
	flashes["library-attached"] = "File attached. Readers will see it once the item is approved again."
	flashes["library-detached"] = "Attachment removed. Readers keep it until the item is approved again."
}

// libraryPerPage is how many items the list shows at once.
const libraryPerPage = 50

// libraryPath is an item's page.
func libraryPath(id int64) string { return fmt.Sprintf("/library/%d", id) }

// audienceLabel is an audience in words, as the list and forms show it.
func audienceLabel(a string) string {
	switch a {
	case models.AudienceOfficers:
		return "Council officers"
	case models.AudienceCouncillors:
		return "Councillors"
	case models.AudienceSuppliers:
		return "Suppliers"
	case models.AudienceEveryone:
		return "Everyone"
	}
	return a
}

// libraryStatusLabel is a status in words.
func libraryStatusLabel(s string) string {
	switch s {
	case models.LibraryDraft:
		return "Draft"
	case models.LibraryInReview:
		return "In review"
	case models.LibraryPublished:
		return "Published"
	}
	return s
}

// libraryChoice is one radio, checkbox or select option.
type libraryChoice struct {
	Value, Label string
	Selected     bool
}

func kindChoices(selected string) []libraryChoice {
	out := make([]libraryChoice, len(models.LibraryKinds))
	for i, k := range models.LibraryKinds {
		out[i] = libraryChoice{Value: k, Label: models.KindLabel(k), Selected: k == selected}
	}
	return out
}

func audienceChoices(selected string) []libraryChoice {
	out := make([]libraryChoice, len(models.Audiences))
	for i, a := range models.Audiences {
		out[i] = libraryChoice{Value: a, Label: audienceLabel(a), Selected: a == selected}
	}
	return out
}

func (h *Handlers) libraryCategoryChoices(ctx context.Context, selected ...string) ([]libraryChoice, error) {
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]libraryChoice, len(cats))
	for i, c := range cats {
		out[i] = libraryChoice{Value: c.Slug, Label: c.Name, Selected: slices.Contains(selected, c.Slug)}
	}
	return out, nil
}

// libraryReviewer reports whether u reviews library items: officers and
// administrators.
func libraryReviewer(u models.User) bool {
	return u.Role == models.RoleOfficer || u.Role == models.RoleAdmin
}

// libraryRow is one line of the list, ready to show.
type libraryRow struct {
	models.LibrarySummary
	KindLabel    string
	DueForReview bool
	// StatusLabel and StatusMod are the status tag: "Published" for
	// anything published, as readers read the published version;
	// InReview adds "Changes in review" for reviewers.
	StatusLabel, StatusMod string
	InReview               bool
}

type libraryListPage struct {
	Page
	Items      []libraryRow
	Total      int
	Filter     models.LibraryFilter
	Kinds      []libraryChoice
	Audiences  []libraryChoice
	Categories []libraryChoice
	Filtered   bool
	CanMine    bool // an officer: "only my council's" means something
	CanReview  bool // officers and administrators review items
	CanWrite   bool
	Pagination *pagination
}

// listLibrary is the library: GET /library[?kind=&audience=&tag=&category=&mine=1&review=1&page=].
// It lists only what the viewer may read (models.DB.LibraryItems applies
// LibraryItemByID's rule); anyone, signed in or not, sees the published
// items for their audience.
func (h *Handlers) listLibrary(c *gin.Context) {
	ctx := c.Request.Context()
	u := userOrAnonymous(c)
	f := models.LibraryFilter{Kind: c.Query("kind"), Audience: c.Query("audience"), Tag: strings.ToLower(strings.TrimSpace(c.Query("tag"))),
		Category: c.Query("category")}
	if !slices.Contains(models.LibraryKinds, f.Kind) {
		f.Kind = ""
	}
	if !slices.Contains(models.Audiences, f.Audience) {
		f.Audience = ""
	}
	canMine := u.Role == models.RoleOfficer && u.CouncilGSS != ""
	f.Mine = canMine && c.Query("mine") == "1"
	f.Review = libraryReviewer(u) && c.Query("review") == "1"
	cats, err := h.libraryCategoryChoices(ctx, f.Category)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !slices.ContainsFunc(cats, func(ch libraryChoice) bool { return ch.Value == f.Category }) {
		f.Category = ""
	}
	page := min(pageParam(c.Query("page")), 100_000)
	f.Limit, f.Offset = libraryPerPage, (page-1)*libraryPerPage
	items, total, err := h.DB.LibraryItems(ctx, u, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	today := models.DateOf(h.DB.Clock.Now())
	rows := make([]libraryRow, len(items))
	for i, s := range items {
		r := libraryRow{LibrarySummary: s, KindLabel: models.KindLabel(s.Kind),
			DueForReview: s.Published && models.LibraryItem{PublishedVersion: 1, ReviewDate: s.ReviewDate}.DueForReview(today)}
		switch {
		case s.Published:
			r.StatusLabel, r.StatusMod = "Published", "green"
			// Reviewers may read a change in review; nobody else learns of it.
			r.InReview = s.Status == models.LibraryInReview && libraryReviewer(u)
		case s.Status == models.LibraryInReview:
			r.StatusLabel = "In review" // the default tag colour, blue
		default:
			r.StatusLabel, r.StatusMod = "Draft", "grey"
		}
		rows[i] = r
	}
	href := func(n int) string {
		v := url.Values{}
		for k, val := range map[string]string{"kind": f.Kind, "audience": f.Audience, "tag": f.Tag, "category": f.Category} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if f.Mine {
			v.Set("mine", "1")
		}
		if f.Review {
			v.Set("review", "1")
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/library"
		}
		return "/library?" + v.Encode()
	}
	h.render(c, http.StatusOK, "library", libraryListPage{Page: h.page(c), Items: rows, Total: total, Filter: f,
		Kinds: kindChoices(f.Kind), Audiences: audienceChoices(f.Audience), Categories: cats,
		Filtered: f.Kind != "" || f.Audience != "" || f.Tag != "" || f.Category != "" || f.Mine || f.Review,
		CanMine:  canMine, CanReview: libraryReviewer(u), CanWrite: models.Allowed(u.Role, models.ActionWriteLibrary),
		Pagination: paginate("Pages of the library", page, pageCount(total, libraryPerPage), href)})
}

// loadLibraryItem is the item named by :id as the current user may see
// it: not found when they may not know it exists.
func (h *Handlers) loadLibraryItem(c *gin.Context) (models.LibraryItem, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return models.LibraryItem{}, err
	}
	return h.DB.LibraryItemByID(c.Request.Context(), userOrAnonymous(c), id)
}

type libraryItemPage struct {
	Page
	Item         models.LibraryItem
	BodyHTML     template.HTML
	Terms        []templates.LinkedTerm // a briefing's glossary terms, in order of first use
	KindLabel    string
	Audience     string
	StatusLabel  string
	DueForReview bool
	Categories   []string // names
	Lineage      models.LibraryLineage
	AdaptedFrom  *models.LibraryRef // the original, when the viewer may read it
	Attachments  []models.LibraryAttachment
	// Adopted: the viewer's council uses the item.
	Adopted bool
	// Pending: the viewer is an author, and the latest version (or a change
	// of attachments) is not yet what readers see.
	Pending bool
	// ReturnNote is the reviewer's note when the item was last sent back.
	ReturnNote, ReturnedBy string
	// TypedNote is the send-back note as typed, when it was refused.
	TypedNote string
	// What the viewer may do now.
	CanSubmit, CanApprove, CanReturn, CanWithdraw, CanAdopt bool
	MaxUploadMB                                             int
}

// showLibraryItem is an item's page: GET /library/:id.
func (h *Handlers) showLibraryItem(c *gin.Context) {
	it, err := h.loadLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderLibraryItem(c, it, nil)
}

// renderLibraryItem shows item it, with the attachment form's problems
// (422) when verr has any.
func (h *Handlers) renderLibraryItem(c *gin.Context, it models.LibraryItem, verr *models.ValidationError) {
	ctx := c.Request.Context()
	u := userOrAnonymous(c)
	data := libraryItemPage{Item: it, KindLabel: models.KindLabel(it.Kind),
		Audience: audienceLabel(it.Audience), StatusLabel: libraryStatusLabel(it.Status),
		DueForReview: it.DueForReview(models.DateOf(h.DB.Clock.Now())), MaxUploadMB: models.MaxAttachmentBytes >> 20}
	// Authors see the state of their latest version; reviewers that it is
	// in review; everyone else reads the published version.
	switch {
	case it.Access.Edit:
	case it.Status == models.LibraryInReview && libraryReviewer(u):
	case it.Published():
		data.StatusLabel = "Published"
	}
	var err error
	if it.Kind != models.KindBriefing {
		data.BodyHTML = templates.RenderMarkdown(it.Body)
	} else {
		// Councillor briefings link their jargon to the glossary.
		if data.BodyHTML, data.Terms, err = h.renderWithGlossary(c, it.Body); err != nil {
			h.fail(c, err)
			return
		}
	}
	if data.Lineage, err = h.DB.LibraryLineageOf(ctx, u, it.ID); err != nil {
		h.fail(c, err)
		return
	}
	if data.Attachments, err = h.DB.LibraryAttachments(ctx, u, it.ID); err != nil {
		h.fail(c, err)
		return
	}
	if it.AdaptedFrom != 0 {
		from, err := h.DB.LibraryItemByID(ctx, u, it.AdaptedFrom)
		switch {
		case err == nil:
			data.AdaptedFrom = &models.LibraryRef{ID: from.ID, Title: from.Title, CouncilName: firstNonEmpty(from.CouncilName, "CIO council")}
		case !errors.Is(err, models.ErrNotFound):
			h.fail(c, err)
			return
		}
	}
	if len(it.Categories) > 0 {
		cats, err := h.DB.Categories(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, cat := range cats {
			if slices.Contains(it.Categories, cat.Slug) {
				data.Categories = append(data.Categories, cat.Name)
			}
		}
	}
	for _, a := range data.Lineage.Adoptions {
		data.Adopted = data.Adopted || (u.CouncilGSS != "" && a.CouncilGSS == u.CouncilGSS)
	}
	data.Pending = it.Access.Edit && it.Published() && it.Status != models.LibraryPublished
	data.CanSubmit = it.Access.Edit && it.Status == models.LibraryDraft
	data.CanApprove = it.Access.Approve && it.Status == models.LibraryInReview
	data.CanReturn = data.CanApprove
	data.CanWithdraw = it.Access.Edit && it.Status == models.LibraryInReview
	data.CanAdopt = it.Access.Adopt && !it.Access.Edit
	if it.Access.Edit && it.Status == models.LibraryDraft {
		data.ReturnNote, data.ReturnedBy = h.libraryReturnNote(ctx, it.ID)
	}
	var status int
	data.Page, status = h.formPage(c, verr)
	data.TypedNote = c.PostForm("note")
	h.render(c, status, "library_item", data)
}

// libraryReturnNote is the note of the latest review step, when that step
// sent the item back to its authors.
func (h *Handlers) libraryReturnNote(ctx context.Context, id int64) (note, by string) {
	events, err := h.DB.AuditTrail(ctx, "library_item", strconv.FormatInt(id, 10), 20)
	if err != nil {
		h.Log.ErrorContext(ctx, "library return note", "err", err.Error())
		return "", ""
	}
	for _, e := range events {
		switch e.Action {
		case "library.return":
			n, _ := e.Detail["note"].(string)
			if e.ActorID != 0 {
				if who, err := h.DB.UserByID(ctx, e.ActorID); err == nil {
					by = who.Name
				}
			}
			return n, by
		case "library.submit", "library.approve":
			return "", ""
		}
	}
	return "", ""
}

// adoptLibraryItem records (adopt=1) or withdraws (adopt=0) the viewer's
// council's use of an item: POST /library/:id/adopt.
func (h *Handlers) adoptLibraryItem(c *gin.Context) {
	it, err := h.loadLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	adopt := c.PostForm("adopt") != "0"
	if err := h.DB.AdoptLibraryItem(c.Request.Context(), *currentUser(c), it.ID, adopt); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, map[bool]string{true: "library-adopted", false: "library-unadopted"}[adopt])
	seeOther(c, libraryPath(it.ID)+"#lineage")
}

// adaptLibraryItem copies a published item into a draft of the viewer's
// council's own, and opens it for editing: POST /library/:id/adapt.
func (h *Handlers) adaptLibraryItem(c *gin.Context) {
	it, err := h.loadLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	id, err := h.DB.AdaptLibraryItem(c.Request.Context(), *currentUser(c), it.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "library-adapted")
	seeOther(c, libraryPath(id)+"/edit")
}
