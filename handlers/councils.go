package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type councilsPage struct {
	Page
	Councils   []models.Council
	Regions    []models.Region
	Types      []models.CouncilType
	Region     string
	RegionName string
	Type       string
	Inactive   bool
}

// councilFilter reads the directory's filters. A signed-in council user
// sees their own region by default; ?region= (empty) is national.
func (h *Handlers) councilFilter(c *gin.Context, regions []models.Region) (models.CouncilFilter, string) {
	f := models.CouncilFilter{TypeCode: c.Query("type"), IncludeInactive: c.Query("inactive") == "1"}
	region, asked := c.GetQuery("region")
	if !asked {
		if u := currentUser(c); u != nil && u.CouncilGSS != "" {
			if home, err := h.DB.CouncilByGSS(c.Request.Context(), u.CouncilGSS); err == nil {
				region = home.Region.Slug
			}
		}
	}
	name := ""
	for _, r := range regions {
		if r.Slug == region {
			f.RegionSlug, name = r.Slug, r.Name
		}
	}
	if models.CouncilTypeName(f.TypeCode) == f.TypeCode {
		f.TypeCode = ""
	}
	return f, name
}

func (h *Handlers) listCouncils(c *gin.Context) {
	ctx := c.Request.Context()
	regions, err := h.DB.Regions(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	f, regionName := h.councilFilter(c, regions)
	councils, err := h.DB.Councils(ctx, f)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "councils", councilsPage{
		Page: h.page(c), Councils: councils, Regions: regions, Types: models.CouncilTypes,
		Region: f.RegionSlug, RegionName: regionName, Type: f.TypeCode, Inactive: f.IncludeInactive,
	})
}

type councilPage struct {
	Page
	Council          models.Council
	CanManageDomains bool
	DomainsText      string
	// For people who may read registers: when the register was last
	// confirmed as current (register.go).
	CanReadRegister      bool
	RegisterConfirmation string
}

func (h *Handlers) councilPage(c *gin.Context) (councilPage, error) {
	council, err := h.DB.CouncilByGSS(c.Request.Context(), c.Param("gss"))
	if err != nil {
		return councilPage{}, err
	}
	data := councilPage{
		Page: h.page(c), Council: council,
		CanManageDomains: models.Allowed(currentRole(c), models.ActionAdminister),
		DomainsText:      strings.Join(council.EmailDomains, "\n"),
	}
	if u := currentUser(c); u != nil && models.CanReadRegisters(*u) {
		data.CanReadRegister = true
		if data.RegisterConfirmation, err = h.registerConfirmation(c.Request.Context(), council.GSSCode); err != nil {
			return data, err
		}
	}
	return data, nil
}

func (h *Handlers) showCouncil(c *gin.Context) {
	data, err := h.councilPage(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "council", data)
}

func (h *Handlers) updateCouncilDomains(c *gin.Context) {
	u := currentUser(c)
	text := c.PostForm("domains")
	domains := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' || r == ' ' || r == '\r' || r == '\t' })
	err := h.DB.SetCouncilDomains(c.Request.Context(), u.ID, c.Param("gss"), domains)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		data, perr := h.councilPage(c)
		if perr != nil {
			h.fail(c, perr)
			return
		}
		data.Errors, data.DomainsText = verr, text
		h.render(c, http.StatusUnprocessableEntity, "council", data)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "domains-saved")
	seeOther(c, "/councils/"+c.Param("gss"))
}

type apiCouncil struct {
	GSSCode string `json:"gss_code"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Region  string `json:"region"`
	Active  bool   `json:"active"`
}

// apiListCouncils: GET /api/v1/councils[?region=slug&type=CODE&inactive=1].
func (h *Handlers) apiListCouncils(c *gin.Context) {
	f := models.CouncilFilter{RegionSlug: c.Query("region"), TypeCode: c.Query("type"), IncludeInactive: c.Query("inactive") == "1"}
	councils, err := h.DB.Councils(c.Request.Context(), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiCouncil, len(councils))
	for i, k := range councils {
		out[i] = apiCouncil{GSSCode: k.GSSCode, Name: k.Name, Type: k.TypeCode, Region: k.Region.Name, Active: k.Active}
	}
	h.json(c, http.StatusOK, gin.H{"councils": out})
}
