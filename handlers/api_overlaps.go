package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type apiOverlapSubject struct {
	Kind string `json:"kind"`
	// ID is the product's or supplier's id, or the category's slug: what
	// the request named.
	ID   any    `json:"id"`
	Name string `json:"name"`
}

type apiOverlapCouncil struct {
	GSSCode          string `json:"gss_code"`
	Name             string `json:"name"`
	Region           string `json:"region"`
	Type             string `json:"type"`
	Contracts        int    `json:"contracts"`
	AnnualSpendPence int64  `json:"annual_spend_pence"`
}

type apiOverlapTotals struct {
	Councils         int   `json:"councils"`
	Contracts        int   `json:"contracts"`
	AnnualSpendPence int64 `json:"annual_spend_pence"`
	NoAnnualValue    int   `json:"contracts_without_annual_value"`
	NoDecisionWindow int   `json:"contracts_without_decision_window"`
}

type apiOverlapQuarter struct {
	Quarter          string `json:"quarter"`
	Label            string `json:"label"`
	Contracts        int    `json:"contracts"`
	AnnualSpendPence int64  `json:"annual_spend_pence"`
}

type apiOverlap struct {
	Subject  apiOverlapSubject   `json:"subject"`
	AsOf     models.Date         `json:"as_of"`
	Councils []apiOverlapCouncil `json:"councils"`
	Totals   apiOverlapTotals    `json:"totals"`
	Timeline []apiOverlapQuarter `json:"timeline"`
}

func apiOverlapOf(o models.Overlap) apiOverlap {
	out := apiOverlap{
		Subject:  apiOverlapSubject{Kind: o.Subject.Kind, ID: o.Subject.ID, Name: o.Subject.Name},
		AsOf:     o.Query.Today,
		Councils: make([]apiOverlapCouncil, len(o.Councils)),
		Totals: apiOverlapTotals{Councils: o.Totals.Councils, Contracts: o.Totals.Contracts, AnnualSpendPence: o.Totals.AnnualSpendPence,
			NoAnnualValue: o.Totals.NoAnnualValue, NoDecisionWindow: o.Totals.NoDecisionWindow},
		Timeline: make([]apiOverlapQuarter, len(o.Timeline)),
	}
	if o.Subject.Kind == models.OverlapCategory {
		out.Subject.ID = o.Subject.Slug
	}
	for i, c := range o.Councils {
		out.Councils[i] = apiOverlapCouncil{GSSCode: c.GSSCode, Name: c.Name, Region: c.RegionName, Type: c.TypeCode,
			Contracts: c.Contracts, AnnualSpendPence: c.AnnualSpendPence}
	}
	for i, b := range o.Timeline {
		out.Timeline[i] = apiOverlapQuarter{Quarter: b.Key, Label: b.Label, Contracts: b.Contracts, AnnualSpendPence: b.AnnualSpendPence}
	}
	return out
}

// apiShowOverlap: GET /api/v1/overlaps?product=ID|supplier=ID|category=SLUG
// [&region=SLUG][&type=CODE]. Unlike the pages, the API has no default
// region: without region it answers for every UK council.
func (h *Handlers) apiShowOverlap(c *gin.Context) {
	q := models.OverlapQuery{CategorySlug: c.Query("category"), RegionSlug: c.Query("region"), CouncilType: c.Query("type")}
	verr := &models.ValidationError{}
	given := 0
	for _, p := range []struct {
		name string
		id   *int64
	}{{"product", &q.ProductID}, {"supplier", &q.SupplierID}} {
		s := c.Query(p.name)
		if s == "" {
			continue
		}
		given++
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			verr.Add(p.name, p.name+" must be a "+p.name+"'s id, a whole number")
		}
		*p.id = id
	}
	if q.CategorySlug != "" {
		given++
	}
	if given != 1 {
		msg := "Give exactly one of product, supplier or category"
		verr = &models.ValidationError{}
		for _, f := range []string{"product", "supplier", "category"} {
			verr.Add(f, msg)
		}
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	o, err := h.DB.Overlap(c.Request.Context(), *currentUser(c), q)
	if errors.As(err, &verr) {
		h.validationProblem(c, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.json(c, http.StatusOK, apiOverlapOf(o))
}
