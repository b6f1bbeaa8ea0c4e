package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type apiSupplier struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	CompanyNumber *string `json:"company_number"`
	ContractCount int     `json:"contract_count"`
}

// apiSearchSuppliers: GET /api/v1/suppliers?q=name-or-number[&limit=],
// finding a supplier by any spelling of its name, best first. It tells
// a client which supplier id to send or filter by.
func (h *Handlers) apiSearchSuppliers(c *gin.Context) {
	verr := &models.ValidationError{}
	q := strings.TrimSpace(c.Query("q"))
	if models.NormaliseSupplierName(q) == "" {
		verr.Add("q", "q must be a supplier's name, or part of it, or its Companies House number")
	}
	limit := apiLimit(c, verr)
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	found, err := h.DB.SearchSuppliers(c.Request.Context(), q, limit)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiSupplier, len(found))
	for i, s := range found {
		out[i] = apiSupplier{ID: s.ID, Name: s.Name, CompanyNumber: nullable(s.CompaniesHouseNumber), ContractCount: s.ContractCount}
	}
	h.json(c, http.StatusOK, gin.H{"suppliers": out})
}

type apiCategory struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	CPVPrefixes []string `json:"cpv_prefixes"`
}

// apiListCategories: GET /api/v1/categories, the taxonomy a contract's
// category is a slug of. It is public reference data.
func (h *Handlers) apiListCategories(c *gin.Context) {
	cats, err := h.DB.Categories(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiCategory, len(cats))
	for i, k := range cats {
		out[i] = apiCategory{Slug: k.Slug, Name: k.Name, Description: k.Description, CPVPrefixes: k.CPVPrefixes}
		if out[i].CPVPrefixes == nil {
			out[i].CPVPrefixes = []string{}
		}
	}
	h.json(c, http.StatusOK, gin.H{"categories": out})
}
