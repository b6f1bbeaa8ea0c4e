package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Discovery: market concentration, per category and region. Pages: GET
// /concentration (every category's index) and GET /concentration/:slug
// (its suppliers' shares); API: GET /api/v1/concentration.

type concentrationIndexPage struct {
	Page
	Regions    []models.Region
	Region     string
	RegionName string
	Lines      []concentrationLine
	NationHref string
}

// concentrationLine is one category of the index, ready to show.
type concentrationLine struct {
	models.CategoryConcentration
	Href, HHIText, TagClass, TopShareText string
}

// hhiText writes an index as "4,600", or "–" when there is none.
func hhiText(hhi int, ok bool) string {
	if !ok {
		return "–"
	}
	return templates.FormatCount(int64(hhi))
}

// regionQuery is "?region=slug", or "?region=" for national.
func regionQuery(slug string) string { return "?" + url.Values{"region": {slug}}.Encode() }

// listConcentration: GET /concentration[?region=].
func (h *Handlers) listConcentration(c *gin.Context) {
	ctx := c.Request.Context()
	home, err := h.homeCouncil(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	regions, err := h.DB.Regions(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	data := concentrationIndexPage{Page: h.page(c), Regions: regions, NationHref: "/concentration" + regionQuery("")}
	data.Region, data.RegionName = h.discoveryRegion(c, regions, home)
	lines, err := h.DB.ConcentrationOverview(ctx, *currentUser(c), data.Region)
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, l := range lines {
		data.Lines = append(data.Lines, concentrationLine{CategoryConcentration: l,
			Href:    "/concentration/" + url.PathEscape(l.Category.Slug) + regionQuery(data.Region),
			HHIText: hhiText(l.HHI, l.HasHHI), TagClass: readingTag(l.Reading), TopShareText: percent(l.TopShare)})
	}
	h.render(c, http.StatusOK, "concentration", data)
}

type concentrationPage struct {
	Page
	Regions    []models.Region
	Region     string
	RegionName string
	Market     models.Concentration
	Shares     []shareLine
	HHIText    string
	TagClass   string
	NationHref string
	IndexHref  string
}

// shareLine is one supplier's row, ready to show.
type shareLine struct {
	models.SupplierShare
	CouncilShareText, SpendShareText string
}

// showConcentration: GET /concentration/:slug[?region=].
func (h *Handlers) showConcentration(c *gin.Context) {
	ctx := c.Request.Context()
	home, err := h.homeCouncil(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	regions, err := h.DB.Regions(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	data := concentrationPage{Page: h.page(c), Regions: regions}
	data.Region, data.RegionName = h.discoveryRegion(c, regions, home)
	if data.Market, err = h.DB.Concentration(ctx, *currentUser(c), c.Param("slug"), data.Region); err != nil {
		h.fail(c, err)
		return
	}
	for _, sh := range data.Market.Shares {
		data.Shares = append(data.Shares, shareLine{SupplierShare: sh, CouncilShareText: percent(sh.CouncilShare), SpendShareText: percent(sh.SpendShare)})
	}
	data.HHIText, data.TagClass = hhiText(data.Market.HHI, data.Market.HasHHI), readingTag(data.Market.Reading)
	data.NationHref = "/concentration/" + url.PathEscape(data.Market.Category.Slug) + regionQuery("")
	data.IndexHref = "/concentration" + regionQuery(data.Region)
	h.render(c, http.StatusOK, "concentration_category", data)
}

// percent writes a share (0–1) as "60%" or "66.7%".
func percent(f float64) string {
	p := math.Round(f*1000) / 10
	if p == math.Trunc(p) {
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}

// readingTag is the GOV.UK tag colour for an HHI reading.
func readingTag(reading string) string {
	switch reading {
	case models.ReadingHighly:
		return "govuk-tag--red"
	case models.ReadingModerately:
		return "govuk-tag--yellow"
	case models.ReadingNotConcentrated:
		return "govuk-tag--green"
	}
	return "govuk-tag--grey"
}

// The API's answer. share is the supplier's share of the category's
// annual spend, a fraction from 0 to 1 (4 decimal places); council_share
// its share of the councils buying in the category, likewise.
type apiConcentration struct {
	Category   apiCategoryRef     `json:"category"`
	Region     *apiRegionRef      `json:"region"`
	Councils   int                `json:"councils"`
	Contracts  int                `json:"contracts"`
	SpendPence int64              `json:"spend_pence"`
	HHI        *int               `json:"hhi"`
	HHIBasis   string             `json:"hhi_basis"`
	Reading    string             `json:"reading"`
	Shares     []apiSupplierShare `json:"shares"`
}

type apiRegionRef struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type apiSupplierShare struct {
	Supplier     string  `json:"supplier"`
	SupplierID   int64   `json:"supplier_id"`
	Councils     int     `json:"councils"`
	Contracts    int     `json:"contracts"`
	SpendPence   int64   `json:"spend_pence"`
	Share        float64 `json:"share"`
	CouncilShare float64 `json:"council_share"`
}

func round4(f float64) float64 { return math.Round(f*10000) / 10000 }

// apiShowConcentration: GET /api/v1/concentration?category=slug[&region=slug].
func (h *Handlers) apiShowConcentration(c *gin.Context) {
	ctx := c.Request.Context()
	verr := &models.ValidationError{}
	cat := c.Query("category")
	if cat == "" {
		verr.Add("category", "category is required: a slug from /api/v1/categories")
	}
	region := c.Query("region")
	if region != "" {
		regions, err := h.DB.Regions(ctx)
		if err != nil {
			h.apiFail(c, err)
			return
		}
		found := false
		for _, r := range regions {
			found = found || r.Slug == region
		}
		if !found {
			verr.Add("region", "region must be a region's slug, such as yorkshire-and-the-humber")
		}
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	m, err := h.DB.Concentration(ctx, *currentUser(c), cat, region)
	if errors.Is(err, models.ErrNotFound) {
		h.problem(c, http.StatusNotFound, "Not Found", fmt.Sprintf("There is no category %q: see /api/v1/categories", cat))
		return
	}
	if err != nil {
		h.apiFail(c, err)
		return
	}
	out := apiConcentration{Category: apiCategoryRef{m.Category.Slug, m.Category.Name}, Councils: m.Councils, Contracts: m.Contracts,
		SpendPence: m.SpendPence, HHIBasis: "spend", Reading: m.Reading, Shares: []apiSupplierShare{}}
	if m.Region.Slug != "" {
		out.Region = &apiRegionRef{m.Region.Slug, m.Region.Name}
	}
	if m.HasHHI {
		hhi := m.HHI
		out.HHI = &hhi
	}
	for _, s := range m.Shares {
		out.Shares = append(out.Shares, apiSupplierShare{Supplier: s.SupplierName, SupplierID: s.SupplierID, Councils: s.Councils,
			Contracts: s.Contracts, SpendPence: s.SpendPence, Share: round4(s.SpendShare), CouncilShare: round4(s.CouncilShare)})
	}
	h.json(c, http.StatusOK, out)
}
