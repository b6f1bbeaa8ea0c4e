package handlers

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// A section's versions: every saved version listed, and any two compared
// line by line. The comparison (diffView) also shows a refused save
// beside the version that beat it (bid_sections.go's conflict page).

// diffView is a line-by-line comparison ready to show (the bidDiff
// partial).
type diffView struct {
	Lines          []models.DiffLine
	Added, Removed int
	// Compared names the two things compared, for "The two … are the
	// same.": "texts" or "versions".
	Compared string
}

func newDiffView(from, to, compared string) diffView {
	d := diffView{Lines: models.DiffText(from, to), Compared: compared}
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

// sectionVersionsPage lists a section's versions and compares two.
type sectionVersionsPage struct {
	Page
	Bid      models.Bid
	Section  models.BidSection
	Versions []models.SectionVersion
	From, To models.SectionVersion
	Diff     diffView
}

// Select is the "from" or "to" version choice.
func (p sectionVersionsPage) Select(name, label string) versionChoice {
	v := p.To
	if name == "from" {
		v = p.From
	}
	ch := versionChoice{Name: name, Label: label, Error: p.Errors.Message(name), Selected: v.Version}
	for _, sv := range p.Versions {
		ch.Options = append(ch.Options, newVersionOption(sv.Version, sv.AuthorName, sv.CreatedAt))
	}
	return ch
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
	numbers := make([]int, len(vs))
	for i, v := range vs {
		numbers[i] = v.Version
	}
	verr := &models.ValidationError{}
	from, to := chooseVersions(c, numbers, verr, fmt.Sprintf("Choose a version from the list: this section has versions 1 to %d", vs[0].Version))
	data := sectionVersionsPage{Bid: b, Section: s, Versions: vs, From: vs[from], To: vs[to]}
	var status int
	data.Page, status = h.formPage(c, verr)
	if verr.Err() == nil {
		data.Diff = newDiffView(data.From.Body, data.To.Body, "versions")
	}
	h.render(c, status, "bid_section_versions", data)
}
