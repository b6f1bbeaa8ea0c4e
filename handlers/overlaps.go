package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Overlaps: who runs the same product, buys from the same supplier or buys
// in the same category, with their spend and an expiry timeline. Every
// page is narrowed by region and council type: a council user's own region
// by default, every UK council one click away (?region= empty).

// overlapsIndexSize is how many products, suppliers and categories the
// overlaps index lists.
const overlapsIndexSize = 15

// overlapScope is the region and council type a page is narrowed to.
type overlapScope struct {
	Region, RegionName, Type string
	// HomeRegion is the signed-in person's own region, if any, so a
	// national page can offer the way back.
	HomeRegion, HomeRegionName string
	Regions                    []models.Region
	Types                      []models.CouncilType
}

func (h *Handlers) readOverlapScope(c *gin.Context) (overlapScope, error) {
	regions, err := h.DB.Regions(c.Request.Context())
	if err != nil {
		return overlapScope{}, err
	}
	f, name := h.councilFilter(c, regions)
	s := overlapScope{Region: f.RegionSlug, RegionName: name, Type: f.TypeCode, Regions: regions, Types: models.CouncilTypes}
	if u := currentUser(c); u != nil && u.CouncilGSS != "" {
		if home, err := h.DB.CouncilByGSS(c.Request.Context(), u.CouncilGSS); err == nil {
			s.HomeRegion, s.HomeRegionName = home.Region.Slug, home.Region.Name
		}
	}
	return s, nil
}

// Query is the scope as a query string: region always (empty is
// national, and differs from leaving it out, which is one's own region),
// type when set.
func (s overlapScope) Query() string { return s.with(s.Region) }

func (s overlapScope) with(region string) string {
	v := url.Values{"region": {region}}
	if s.Type != "" {
		v.Set("type", s.Type)
	}
	return "?" + v.Encode()
}

// NationalQuery is the scope for every UK council, of the same type.
func (s overlapScope) NationalQuery() string { return s.with("") }

// HomeQuery is the scope for one's own region, of the same type.
func (s overlapScope) HomeQuery() string { return s.with(s.HomeRegion) }

// Where is the scope in words: "councils in Yorkshire and The Humber",
// "councils in the UK of type London borough".
func (s overlapScope) Where() string {
	where := "councils in the UK"
	if s.RegionName != "" {
		where = "councils in " + s.RegionName
	}
	if s.Type != "" {
		where += " of type " + models.CouncilTypeName(s.Type)
	}
	return where
}

func (s overlapScope) model(today models.Date) models.OverlapScope {
	return models.OverlapScope{RegionSlug: s.Region, CouncilType: s.Type, Today: today}
}

type overlapsIndexPage struct {
	Page
	Scope      overlapScope
	Path       string
	Categories []models.Category
	Products   []models.SharedSubject
	Suppliers  []models.SharedSubject
	Shared     []models.SharedSubject // categories, most shared first
	Search     string
	Found      []models.Supplier
	Searched   bool
}

// listOverlaps is the overlaps index: GET /overlaps. Choosing a category
// in its form (?category=) goes to that category's overlap; ?q= finds
// suppliers by name.
func (h *Handlers) listOverlaps(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	if !models.CanReadRegisters(*u) { // the lists are shared by everyone who may read them
		h.fail(c, models.ErrForbidden)
		return
	}
	scope, err := h.readOverlapScope(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	if slug := c.Query("category"); slug != "" && slices.ContainsFunc(cats, func(k models.Category) bool { return k.Slug == slug }) {
		seeOther(c, "/overlaps/categories/"+url.PathEscape(slug)+scope.Query())
		return
	}
	data := overlapsIndexPage{Page: h.page(c), Scope: scope, Path: "/overlaps", Categories: cats, Search: strings.TrimSpace(c.Query("q"))}
	now := h.DB.Clock.Now()
	scoped := scope.model(models.DateOf(now))
	// Computed apart from this request, as others may be waiting for it.
	bg := context.WithoutCancel(ctx)
	lists, err := h.overlapsIndex.get(ctx, now, scoped, func() (overlapsLists, error) {
		var l overlapsLists
		var err error
		if l.Products, err = h.DB.MostSharedProducts(bg, *u, scoped, overlapsIndexSize); err != nil {
			return l, err
		}
		if l.Suppliers, err = h.DB.MostSharedSuppliers(bg, *u, scoped, overlapsIndexSize); err != nil {
			return l, err
		}
		l.Categories, err = h.DB.MostSharedCategories(bg, *u, scoped, overlapsIndexSize)
		return l, err
	})
	if err != nil {
		h.fail(c, err)
		return
	}
	data.Products, data.Suppliers, data.Shared = lists.Products, lists.Suppliers, lists.Categories
	if data.Search != "" {
		data.Searched = true
		if data.Found, err = h.DB.SearchSuppliers(ctx, data.Search, 20); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.render(c, http.StatusOK, "overlaps", data)
}

// overlapRow is a council's line of an overlap page, with a link to the
// matching part of its register.
type overlapRow struct {
	models.OverlapCouncil
	Href string
	Own  bool
}

type overlapPage struct {
	Page
	Scope    overlapScope
	Overlap  models.Overlap
	Path     string
	Caption  string
	Rows     []overlapRow
	Chart    overlapChart
	Category models.Category // a product's category, if it has one
}

func (h *Handlers) showProductOverlap(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		h.fail(c, models.ErrNotFound)
		return
	}
	h.showOverlap(c, models.OverlapQuery{ProductID: id})
}

func (h *Handlers) showSupplierOverlap(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		h.fail(c, models.ErrNotFound)
		return
	}
	h.showOverlap(c, models.OverlapQuery{SupplierID: id})
}

func (h *Handlers) showCategoryOverlap(c *gin.Context) {
	h.showOverlap(c, models.OverlapQuery{CategorySlug: c.Param("slug")})
}

// showOverlap is the page of one overlap: GET /overlaps/products/:id,
// /overlaps/suppliers/:id and /overlaps/categories/:slug.
func (h *Handlers) showOverlap(c *gin.Context, q models.OverlapQuery) {
	ctx := c.Request.Context()
	u := currentUser(c)
	scope, err := h.readOverlapScope(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	q.RegionSlug, q.CouncilType = scope.Region, scope.Type
	o, err := h.DB.Overlap(ctx, *u, q)
	if err != nil {
		h.fail(c, err)
		return
	}
	data := overlapPage{Page: h.page(c), Scope: scope, Overlap: o, Path: c.Request.URL.Path, Chart: newOverlapChart(o.Timeline)}
	filter := ""
	switch o.Subject.Kind {
	case models.OverlapProduct:
		data.Caption = "Councils running this product"
		filter = "?supplier=" + strconv.FormatInt(o.Subject.SupplierID, 10)
		if o.Subject.CategorySlug != "" {
			if data.Category, err = h.DB.CategoryBySlug(ctx, o.Subject.CategorySlug); err != nil {
				h.fail(c, err)
				return
			}
		}
	case models.OverlapSupplier:
		data.Caption = "Councils buying from this supplier"
		filter = "?supplier=" + strconv.FormatInt(o.Subject.ID, 10)
	default:
		data.Caption = "Councils buying in this category"
		filter = "?category=" + url.QueryEscape(o.Subject.Slug)
	}
	for _, k := range o.Councils {
		data.Rows = append(data.Rows, overlapRow{OverlapCouncil: k, Href: registerPath(k.GSSCode) + filter, Own: k.GSSCode == u.CouncilGSS})
	}
	h.render(c, http.StatusOK, "overlaps_show", data)
}

// Count shows a count as pages do: "12,345".
func (overlapPage) Count(n int) string { return templates.FormatCount(int64(n)) }

// Count shows a count as pages do: "12,345".
func (overlapsIndexPage) Count(n int) string { return templates.FormatCount(int64(n)) }
