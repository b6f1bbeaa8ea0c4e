package handlers

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// contractParam reads the :id of a contract's address; anything but a
// positive number is a page that does not exist.
func contractParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("contract %q: %w", c.Param("id"), models.ErrNotFound)
	}
	return id, nil
}

// loadContract reads the contract of the request's address, as the
// current user may see it.
func (h *Handlers) loadContract(c *gin.Context) (models.Contract, error) {
	id, err := contractParam(c)
	if err != nil {
		return models.Contract{}, err
	}
	return h.DB.ContractByID(c.Request.Context(), *currentUser(c), id)
}

// editableContract is loadContract for the pages that change a contract:
// an officer of another council (or a councillor) is refused before any
// form is shown.
func (h *Handlers) editableContract(c *gin.Context) (models.Contract, error) {
	k, err := h.loadContract(c)
	if err != nil {
		return k, err
	}
	if !models.CanEditRegister(*currentUser(c), k.CouncilGSS) {
		return k, fmt.Errorf("change contract %d: %w", k.ID, models.ErrForbidden)
	}
	return k, nil
}

// contractPageBase is the layout data for a page about one contract: its
// council's register is the current section of the navigation.
func (h *Handlers) contractPageBase(c *gin.Context, gss string) Page {
	p := h.page(c)
	p.Nav = registerNav(p.User, gss)
	return p
}

type contractPage struct {
	Page
	Contract     models.Contract
	Sections     []summarySection
	Notes        template.HTML
	WindowStatus string
	History      []historyEntry
	CanEdit      bool
	Links        models.ContractLinks // the joint bid it came from, what it replaces and what replaces it
}

// showContract is one contract with every field and its change history:
// GET /contracts/:id.
func (h *Handlers) showContract(c *gin.Context) {
	ctx := c.Request.Context()
	k, err := h.loadContract(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	u := currentUser(c)
	changes, err := h.DB.ContractHistory(ctx, *u, k.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	links, err := h.DB.ContractLinks(ctx, *u, k.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	today := models.DateOf(h.DB.Clock.Now())
	data := contractPage{
		Page: h.contractPageBase(c, k.CouncilGSS), Contract: k, Sections: contractSections(k, today),
		WindowStatus: k.WindowStatus(today), History: historyEntries(changes, categoryNames(cats)),
		CanEdit: models.CanEditRegister(*u, k.CouncilGSS), Links: links,
	}
	if k.Notes != "" {
		data.Notes = templates.RenderMarkdown(k.Notes)
	}
	h.render(c, http.StatusOK, "contract", data)
}

type contractDeletePage struct {
	Page
	Contract models.Contract
}

// confirmDeleteContract asks before deleting: GET /contracts/:id/delete.
func (h *Handlers) confirmDeleteContract(c *gin.Context) {
	k, err := h.editableContract(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "contract_delete", contractDeletePage{Page: h.contractPageBase(c, k.CouncilGSS), Contract: k})
}

// deleteContract removes a contract from its register (its history stays)
// and returns to the register: POST /contracts/:id/delete.
func (h *Handlers) deleteContract(c *gin.Context) {
	k, err := h.editableContract(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.DeleteContract(c.Request.Context(), *currentUser(c), k.ID); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "contract-deleted")
	seeOther(c, registerPath(k.CouncilGSS))
}
