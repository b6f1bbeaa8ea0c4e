package handlers

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Briefings for councillors: the library's published briefings, in plain
// English with their reading time (GET /briefings), and each council's
// briefing generated from its own data each night (GET
// /councils/:gss/briefing), glossary terms explained on first use.

// briefingsListLimit is the most briefings the list shows; the library's
// own list pages through the rest.
const briefingsListLimit = 200

type briefingsPage struct {
	Page
	Items []briefingItem
	// OwnCouncil is the viewer's council, for a councillor or officer:
	// the page leads with a link to its generated briefing.
	OwnCouncil *models.Council
}

type briefingItem struct {
	models.LibrarySummary
	ReadingMinutes int
}

// listBriefings lists the published briefings the viewer may read.
func (h *Handlers) listBriefings(c *gin.Context) {
	ctx := c.Request.Context()
	var viewer models.User
	if u := currentUser(c); u != nil {
		viewer = *u
	}
	data := briefingsPage{Page: h.page(c)}
	if (viewer.Role == models.RoleCouncillor || viewer.Role == models.RoleOfficer) && viewer.CouncilGSS != "" {
		council, err := h.DB.CouncilByGSS(ctx, viewer.CouncilGSS)
		if err != nil {
			h.fail(c, err)
			return
		}
		data.OwnCouncil = &council
	}
	items, _, err := h.DB.LibraryItems(ctx, viewer, models.LibraryFilter{Kind: models.KindBriefing, Limit: briefingsListLimit})
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, s := range items {
		if !s.Published {
			continue // an author's draft or an item in review: the library lists those
		}
		// The reading time needs the text the viewer reads; a list of
		// briefings is short enough to read each.
		it, err := h.DB.LibraryItemByID(ctx, viewer, s.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		data.Items = append(data.Items, briefingItem{LibrarySummary: s, ReadingMinutes: it.ReadingMinutes()})
	}
	h.render(c, http.StatusOK, "briefings", data)
}

type councilBriefingPage struct {
	Page
	Briefing models.CouncilBriefing
	Body     template.HTML
	Terms    []templates.LinkedTerm // the glossary terms the briefing uses
}

// showCouncilBriefing shows a council's generated briefing, writing it
// first if it has never been written.
func (h *Handlers) showCouncilBriefing(c *gin.Context) {
	ctx := c.Request.Context()
	b, err := h.DB.CouncilBriefing(ctx, *currentUser(c), c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return
	}
	body, terms, err := h.renderWithGlossary(c, b.Body)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "council_briefing", councilBriefingPage{Page: h.page(c), Briefing: b, Body: body, Terms: terms})
}
