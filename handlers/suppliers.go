package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// supplierSearchLimit is how many suppliers a search shows.
const supplierSearchLimit = 25

type suppliersPage struct {
	Page
	Query     string
	Searched  bool
	Suppliers []models.Supplier // the search results, with their spellings
	Into      string            // the supplier to keep, as chosen
	From      string            // the supplier to merge into it
	Keep      *models.Supplier  // both chosen and different: confirm
	Gone      *models.Supplier
	// Self-registered companies awaiting a link to the register, and the
	// one being linked, whose search results offer to link it
	// (supplier_registration.go).
	Pending []models.PendingRegistration
	Linking *models.PendingRegistration
}

// mergeForm is the choice of two suppliers: the one to keep (into) and
// the one folded into it (from), as models.MergeSuppliers names them.
type mergeForm struct {
	Query string `form:"q"`
	Into  string `form:"into"`
	From  string `form:"from"`
}

// Validate reads the two ids; both are needed and must differ.
func (f *mergeForm) Validate() (into, from int64, verr *models.ValidationError) {
	verr = &models.ValidationError{}
	into, errInto := strconv.ParseInt(f.Into, 10, 64)
	from, errFrom := strconv.ParseInt(f.From, 10, 64)
	if errInto != nil || into <= 0 {
		verr.Add("into", "Choose the supplier to keep")
	}
	if errFrom != nil || from <= 0 {
		verr.Add("from", "Choose the supplier to merge into it")
	}
	if verr.Err() == nil && into == from {
		verr.Add("from", "Choose two different suppliers")
	}
	return into, from, verr
}

// suppliersPage searches suppliers by any spelling of their name (or
// company number), with each one's spellings, plus the chosen ones.
func (h *Handlers) suppliersPage(c *gin.Context, f mergeForm) (suppliersPage, error) {
	ctx := c.Request.Context()
	data := suppliersPage{Page: h.page(c), Query: strings.TrimSpace(f.Query), Into: f.Into, From: f.From}
	var ids []int64
	if data.Query != "" {
		data.Searched = true
		found, err := h.DB.SearchSuppliers(ctx, data.Query, supplierSearchLimit)
		if err != nil {
			return data, err
		}
		for _, s := range found {
			ids = append(ids, s.ID)
		}
	}
	// The chosen suppliers stay choices even if the search no longer finds them.
	for _, v := range []string{f.Into, f.From} {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && !containsID(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		s, err := h.DB.SupplierByID(ctx, id)
		if errors.Is(err, models.ErrNotFound) {
			continue // merged away meanwhile
		}
		if err != nil {
			return data, err
		}
		data.Suppliers = append(data.Suppliers, s)
	}
	return data, nil
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func (d *suppliersPage) find(id int64) *models.Supplier {
	for i := range d.Suppliers {
		if d.Suppliers[i].ID == id {
			return &d.Suppliers[i]
		}
	}
	return nil
}

// listSuppliers is the supplier search and, once two suppliers are
// chosen, the merge's confirmation: GET /admin/suppliers?q=&into=&from=.
func (h *Handlers) listSuppliers(c *gin.Context) {
	f := mergeForm{Query: c.Query("q"), Into: c.Query("into"), From: c.Query("from")}
	data, err := h.suppliersPage(c, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	// ?link=ID: searching the register for the supplier to link a
	// self-registered company to.
	var linking *models.PendingRegistration
	if v := c.Query("link"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			h.fail(c, models.ErrNotFound)
			return
		}
		reg, err := h.DB.PendingRegistration(c.Request.Context(), id)
		if err != nil {
			h.fail(c, err)
			return
		}
		linking = &reg
	}
	if err := h.addRegistrations(c, &data, linking); err != nil {
		h.fail(c, err)
		return
	}
	if f.Into == "" && f.From == "" {
		h.render(c, http.StatusOK, "admin_suppliers", data)
		return
	}
	into, from, verr := f.Validate()
	if verr.Err() == nil {
		data.Keep, data.Gone = data.find(into), data.find(from)
		if data.Keep == nil || data.Gone == nil {
			h.fail(c, models.ErrNotFound)
			return
		}
		h.render(c, http.StatusOK, "admin_suppliers", data)
		return
	}
	data.Errors = verr
	h.render(c, http.StatusUnprocessableEntity, "admin_suppliers", data)
}

// mergeSuppliers folds one supplier into another (models.MergeSuppliers):
// POST /admin/suppliers/merge from the confirmation, then 303 back to the
// search with a message.
func (h *Handlers) mergeSuppliers(c *gin.Context) {
	var f mergeForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The merge form could not be read."})
		return
	}
	into, from, verr := f.Validate()
	if verr.Err() == nil {
		err := h.DB.MergeSuppliers(c.Request.Context(), *currentUser(c), into, from)
		if err != nil && !errors.As(err, &verr) {
			h.fail(c, err)
			return
		}
	}
	if verr.Err() != nil {
		data, err := h.suppliersPage(c, f)
		if err != nil {
			h.fail(c, err)
			return
		}
		data.Errors = verr
		h.render(c, http.StatusUnprocessableEntity, "admin_suppliers", data)
		return
	}
	h.flash(c, "suppliers-merged")
	to := "/admin/suppliers"
	if q := strings.TrimSpace(f.Query); q != "" {
		to += "?q=" + url.QueryEscape(q)
	}
	seeOther(c, to)
}
