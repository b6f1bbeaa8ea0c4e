package handlers

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// The contract register's JSON API. Reads need ActionReadRegister and
// writes ActionEditRegister (routes.go); which council's register an
// officer may write is the models' rule (CanEditRegister), asked before
// the body is read so a refusal never depends on the body.

// Limits of a page of results.
const (
	apiDefaultLimit = 50
	apiMaxLimit     = 500
)

// apiLimit reads ?limit=, 1 to 500, default 50.
func apiLimit(c *gin.Context, verr *models.ValidationError) int {
	s, ok := c.GetQuery("limit")
	if !ok {
		return apiDefaultLimit
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > apiMaxLimit {
		verr.Add("limit", "limit must be a whole number from 1 to 500")
	}
	return n
}

// The cursor is opaque to clients so its form can change: today it is the
// last id of the previous page, in base64.
const cursorPrefix = "after:"

func encodeCursor(afterID int64) *string {
	if afterID == 0 {
		return nil
	}
	s := base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(afterID, 10)))
	return &s
}

func decodeCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// apiListContracts: GET /api/v1/councils/:gss/contracts
// [?limit=&cursor=&category=slug&supplier=id], in id order.
func (h *Handlers) apiListContracts(c *gin.Context) {
	ctx := c.Request.Context()
	council, err := h.DB.CouncilByGSS(ctx, c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return
	}
	f := models.ContractFilter{CouncilGSS: council.GSSCode, Sort: models.SortID}
	verr := &models.ValidationError{}
	f.Limit = apiLimit(c, verr)
	if s := c.Query("cursor"); s != "" {
		id, ok := decodeCursor(s)
		if !ok {
			verr.Add("cursor", "cursor must be a next_cursor this API gave: start again without one")
		}
		f.AfterID = id
	}
	if slug := c.Query("category"); slug != "" {
		_, err := h.DB.CategoryBySlug(ctx, slug)
		switch {
		case errors.Is(err, models.ErrNotFound):
			verr.Add("category", "category must be a slug from /api/v1/categories")
		case err != nil:
			h.fail(c, err)
			return
		}
		f.CategorySlug = slug
	}
	if s := c.Query("supplier"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			verr.Add("supplier", "supplier must be a supplier's id, from /api/v1/suppliers")
		}
		f.SupplierID = id
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	page, err := h.DB.Contracts(ctx, *currentUser(c), f)
	if err != nil {
		h.apiFail(c, err)
		return
	}
	out := make([]apiContract, len(page.Contracts))
	for i, k := range page.Contracts {
		out[i] = apiContractOf(k)
	}
	h.json(c, http.StatusOK, gin.H{"contracts": out, "next_cursor": encodeCursor(page.NextAfter)})
}

// apiCreateContract: POST /api/v1/councils/:gss/contracts.
func (h *Handlers) apiCreateContract(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	council, err := h.DB.CouncilByGSS(ctx, c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if !models.CanEditRegister(*u, council.GSSCode) {
		h.fail(c, models.ErrForbidden)
		return
	}
	in, ok := h.readContractInput(c)
	if !ok {
		return
	}
	k, err := h.DB.CreateContract(ctx, *u, council.GSSCode, in)
	if err != nil {
		h.apiFail(c, err)
		return
	}
	c.Header("Location", "/api/v1/contracts/"+strconv.FormatInt(k.ID, 10))
	h.json(c, http.StatusCreated, apiContractOf(k))
}

// apiContractParam reads :id and the contract it names; false if it
// answered instead.
func (h *Handlers) apiContractParam(c *gin.Context) (models.Contract, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.fail(c, models.ErrNotFound)
		return models.Contract{}, false
	}
	k, err := h.DB.ContractByID(c.Request.Context(), *currentUser(c), id)
	if err != nil {
		h.fail(c, err)
		return models.Contract{}, false
	}
	return k, true
}

// apiShowContract: GET /api/v1/contracts/:id.
func (h *Handlers) apiShowContract(c *gin.Context) {
	if k, ok := h.apiContractParam(c); ok {
		h.json(c, http.StatusOK, apiContractOf(k))
	}
}

// apiUpdateContract: PUT /api/v1/contracts/:id replaces the whole
// contract: a field left out is cleared, as the model's UpdateContract
// expects. Each changed field is recorded in the contract's history.
func (h *Handlers) apiUpdateContract(c *gin.Context) {
	u := currentUser(c)
	k, ok := h.apiContractParam(c)
	if !ok {
		return
	}
	if !models.CanEditRegister(*u, k.CouncilGSS) {
		h.fail(c, models.ErrForbidden)
		return
	}
	in, ok := h.readContractInput(c)
	if !ok {
		return
	}
	k, err := h.DB.UpdateContract(c.Request.Context(), *u, k.ID, in)
	if err != nil {
		h.apiFail(c, err)
		return
	}
	h.json(c, http.StatusOK, apiContractOf(k))
}

// apiDeleteContract: DELETE /api/v1/contracts/:id. Its history stays.
func (h *Handlers) apiDeleteContract(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.fail(c, models.ErrNotFound)
		return
	}
	if err := h.DB.DeleteContract(c.Request.Context(), *currentUser(c), id); err != nil {
		h.apiFail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusNoContent)
}
