package handlers

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// An item's versions: every version the viewer may see (authors and
// reviewers all, readers the published ones), any two compared line by
// line, and an old one restored as the newest (authors).

type libraryVersionsPage struct {
	Page
	Item     models.LibraryItem
	Versions []models.LibraryVersion
	From, To models.LibraryVersion
	Diff     diffView
	// TitleChanged: the two versions' titles differ.
	TitleChanged bool
}

// Select is the "from" or "to" version choice.
func (p libraryVersionsPage) Select(name, label string) versionChoice {
	v := p.To
	if name == "from" {
		v = p.From
	}
	ch := versionChoice{Name: name, Label: label, Error: p.Errors.Message(name), Selected: v.Version}
	for _, lv := range p.Versions {
		ch.Options = append(ch.Options, newVersionOption(lv.Version, "", lv.CreatedAt))
	}
	return ch
}

// ChangesHref compares version v with the one before it.
func (p libraryVersionsPage) ChangesHref(v int) string {
	return fmt.Sprintf("%s/versions?from=%d&to=%d", libraryPath(p.Item.ID), v-1, v)
}

// Published reports whether version v is the one readers see.
func (p libraryVersionsPage) Published(v int) bool { return v == p.Item.PublishedVersion }

// listLibraryVersions lists the versions newest first and compares the
// two chosen (?from=&to=; by default the one before the newest with the
// newest): GET /library/:id/versions.
func (h *Handlers) listLibraryVersions(c *gin.Context) {
	it, err := h.loadLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	vs, err := h.DB.LibraryVersions(c.Request.Context(), userOrAnonymous(c), it.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(vs) == 0 {
		h.fail(c, fmt.Errorf("library item %d has no versions", it.ID))
		return
	}
	numbers := make([]int, len(vs))
	for i, v := range vs {
		numbers[i] = v.Version
	}
	verr := &models.ValidationError{}
	from, to := chooseVersions(c, numbers, verr, "Choose a version from the list")
	data := libraryVersionsPage{Item: it, Versions: vs, From: vs[from], To: vs[to]}
	var status int
	data.Page, status = h.formPage(c, verr)
	if verr.Err() == nil {
		data.Diff = newDiffView(data.From.Body, data.To.Body, "versions")
		data.TitleChanged = data.From.Title != data.To.Title
	}
	h.render(c, status, "library_versions", data)
}

// restoreLibraryVersion saves an old version's text as the newest
// version (a draft, to be approved like any other save):
// POST /library/:id/versions/:version/restore.
func (h *Handlers) restoreLibraryVersion(c *gin.Context) {
	it, err := h.editableLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	v, err := strconv.Atoi(c.Param("version"))
	if err != nil || v <= 0 {
		h.fail(c, fmt.Errorf("version %q: %w", c.Param("version"), models.ErrNotFound))
		return
	}
	if _, err := h.DB.RestoreLibraryVersion(c.Request.Context(), *currentUser(c), it.ID, v); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "library-restored")
	seeOther(c, libraryPath(it.ID))
}
