package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// A bid's evaluation criteria and weights, edited as rows of one form.
// The rules (names, whole-number weights summing to 100, who may change
// them, that a change clears every sign-off) are the bid model's.

// criteriaBlankRows is how many empty rows the form offers for new criteria.
const criteriaBlankRows = 3

// maxCriteriaRows bounds the rows read from a form, whatever its `rows`
// says; the model refuses more than models.MaxCriteria criteria.
const maxCriteriaRows = models.MaxCriteria + 30

// criterionRow is one row of the criteria form as typed: the weight stays
// text, so "ten" is shown again as typed with a message.
type criterionRow struct {
	N                         int
	Name, Description, Weight string
}

// criteriaPage is the criteria form.
type criteriaPage struct {
	Page
	Bid  models.Bid
	Rows []criterionRow
}

// criteriaRows are the bid's criteria, then blank rows for new ones.
func criteriaRows(cs []models.Criterion) []criterionRow {
	rows := make([]criterionRow, len(cs))
	for i, c := range cs {
		rows[i] = criterionRow{Name: c.Name, Description: c.Description, Weight: strconv.Itoa(c.Weight)}
	}
	return withBlankCriteria(rows)
}

// withBlankCriteria numbers rows from 1 and adds the blank rows.
func withBlankCriteria(rows []criterionRow) []criterionRow {
	rows = append(rows, make([]criterionRow, criteriaBlankRows)...)
	for i := range rows {
		rows[i].N = i + 1
	}
	return rows
}

// criteriaRowsFromForm reads the posted rows (name-N, description-N,
// weight-N for N up to `rows`), dropping those whose name and weight are
// both blank: that is how a criterion is removed. The rest are numbered
// again from 1, so the model's messages (which count criteria) name the
// rows the page shows again.
func criteriaRowsFromForm(c *gin.Context) []criterionRow {
	n, _ := strconv.Atoi(c.PostForm("rows"))
	n = min(max(n, 0), maxCriteriaRows)
	var rows []criterionRow
	for i := 1; i <= n; i++ {
		r := criterionRow{
			Name:        c.PostForm(fmt.Sprintf("name-%d", i)),
			Description: c.PostForm(fmt.Sprintf("description-%d", i)),
			Weight:      c.PostForm(fmt.Sprintf("weight-%d", i)),
		}
		if strings.TrimSpace(r.Name) == "" && strings.TrimSpace(r.Weight) == "" {
			continue
		}
		r.N = len(rows) + 1
		rows = append(rows, r)
	}
	return rows
}

// criteriaFromRows reads the rows into the model's input. A weight that
// is not a whole number is this form's problem; the rest are the model's
// (models.ValidateCriteria). Problems come back in the page's order.
func criteriaFromRows(rows []criterionRow) ([]models.CriterionInput, *models.ValidationError) {
	mine := &models.ValidationError{}
	in := make([]models.CriterionInput, len(rows))
	for i, r := range rows {
		w, ok := weightFromForm(r.Weight)
		switch {
		case strings.TrimSpace(r.Weight) == "":
			mine.Add(fmt.Sprintf("weight-%d", r.N), fmt.Sprintf("Enter criterion %d's weight, a whole number from 1 to 100", r.N))
		case !ok:
			mine.Add(fmt.Sprintf("weight-%d", r.N), fmt.Sprintf("Criterion %d's weight must be a whole number from 1 to 100, like 25", r.N))
		}
		in[i] = models.CriterionInput{Name: r.Name, Description: r.Description, Weight: w}
	}
	theirs := models.ValidateCriteria(in)
	var fields []string
	for _, r := range rows {
		fields = append(fields, fmt.Sprintf("name-%d", r.N), fmt.Sprintf("description-%d", r.N), fmt.Sprintf("weight-%d", r.N))
	}
	out := &models.ValidationError{}
	for _, f := range append(fields, "weights") {
		switch {
		case mine.Has(f):
			out.Add(f, mine.Message(f))
		case f == "weights" && len(mine.Fields) > 0 && len(rows) <= models.MaxCriteria:
			// The sum of weights that could not all be read says nothing.
		case theirs.Has(f):
			out.Add(f, theirs.Message(f))
		}
	}
	return in, out
}

// weightFromForm reads a weight as people type it: "25" or "25%".
func weightFromForm(s string) (int, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if !onlyDigits(s) || len(s) > 3 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func (h *Handlers) renderCriteria(c *gin.Context, b models.Bid, rows []criterionRow, verr *models.ValidationError) {
	page, status := h.formPage(c, verr)
	h.render(c, status, "bid_criteria", criteriaPage{Page: page, Bid: b, Rows: rows})
}

// editCriteria is the criteria form: GET /bids/:id/criteria.
func (h *Handlers) editCriteria(c *gin.Context) {
	b, err := h.loadBidFor(c, models.Bid.EditRefusal)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderCriteria(c, b, criteriaRows(b.Criteria), nil)
}

// updateCriteria replaces the bid's criteria: POST /bids/:id/criteria,
// then 303 to the bid's criteria.
func (h *Handlers) updateCriteria(c *gin.Context) {
	b, err := h.loadBidFor(c, models.Bid.EditRefusal)
	if err != nil {
		h.fail(c, err)
		return
	}
	rows := criteriaRowsFromForm(c)
	in, verr := criteriaFromRows(rows)
	if verr.Err() != nil {
		h.renderCriteria(c, b, withBlankCriteria(rows), verr)
		return
	}
	err = h.DB.SetCriteria(c.Request.Context(), *currentUser(c), b.ID, in)
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderCriteria(c, b, withBlankCriteria(rows), verr) },
		"criteria-saved", bidPath(b.ID)+"#criteria")
}
