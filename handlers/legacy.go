package handlers

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Discovery: the legacy radar (GET /legacy). A council's own people see
// their council's legacy systems; everyone sees the ageing platforms that
// two or more councils share, in the user's own region by default, with
// the nation one click away. Administrators, who belong to no council,
// see the whole country's radar by default.

// legacyRadarLimit and legacyPlatformLimit bound the page; a platform
// lists at most legacyPlatformCouncils councils, the rest in a count.
const (
	legacyRadarLimit       = 200
	legacyPlatformLimit    = 20
	legacyPlatformCouncils = 30
)

type legacyPlatform struct {
	models.AgeingPlatform
	Shown  []models.PlatformCouncil
	Hidden int
}

type legacyPage struct {
	Page
	Council    *models.Council // the user's own council, if they have one
	Regions    []models.Region
	Categories []models.Category
	Region     string // slug; "" for national
	RegionName string
	Category   string
	// Contracts is the radar: the user's council's legacy contracts, or
	// (for administrators) those of the region or nation, highest score first.
	Contracts  []models.LegacyContract
	RadarLimit int
	Platforms  []legacyPlatform
	Threshold  int
	Points     []legacyPoint
	NationHref string
}

type legacyPoint struct {
	Reason string
	Points string
}

var legacyPoints = []legacyPoint{
	{"The product is past its end of support", "40"},
	{"It runs on-premises, on the council's own servers", "15"},
	{"The contract has been extended more than once", "15"},
	{"The contract has run for more than ten years", "20"},
	{"Age: a point for each full year since the contract started", "up to 10"},
}

// discoveryRegion reads ?region= as the council directory does: a council
// user's own region when it is not asked, "" (national) when asked empty
// or not a region.
func (h *Handlers) discoveryRegion(c *gin.Context, regions []models.Region, home *models.Council) (slug, name string) {
	region, asked := c.GetQuery("region")
	if !asked && home != nil {
		region = home.Region.Slug
	}
	for _, r := range regions {
		if r.Slug == region {
			return r.Slug, r.Name
		}
	}
	return "", ""
}

// homeCouncil is the signed-in user's council, or nil.
func (h *Handlers) homeCouncil(c *gin.Context) (*models.Council, error) {
	u := currentUser(c)
	if u == nil || !u.Role.BelongsToCouncil() || u.CouncilGSS == "" {
		return nil, nil
	}
	home, err := h.DB.CouncilByGSS(c.Request.Context(), u.CouncilGSS)
	if err != nil {
		return nil, err
	}
	return &home, nil
}

// showLegacy is the legacy radar: GET /legacy[?region=&category=].
func (h *Handlers) showLegacy(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
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
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	data := legacyPage{Page: h.page(c), Council: home, Regions: regions, Categories: cats, RadarLimit: legacyRadarLimit,
		Threshold: models.LegacyThreshold, Points: legacyPoints}
	data.Region, data.RegionName = h.discoveryRegion(c, regions, home)
	if cat := c.Query("category"); slices.ContainsFunc(cats, func(k models.Category) bool { return k.Slug == cat }) {
		data.Category = cat
	}
	radar := models.LegacyFilter{CategorySlug: data.Category, Limit: legacyRadarLimit}
	if home != nil {
		radar.CouncilGSS = home.GSSCode
	} else {
		radar.RegionSlug = data.Region
	}
	// The radar and the platforms are independent reads: run them side by
	// side on two read connections.
	var platforms []models.AgeingPlatform
	var platformsErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		platforms, platformsErr = h.DB.AgeingPlatforms(ctx, *u, models.LegacyFilter{RegionSlug: data.Region, CategorySlug: data.Category, Limit: legacyPlatformLimit})
	}()
	data.Contracts, err = h.DB.LegacyContracts(ctx, *u, radar)
	<-done
	if err == nil {
		err = platformsErr
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, p := range platforms {
		lp := legacyPlatform{AgeingPlatform: p, Shown: p.Councils}
		if len(lp.Shown) > legacyPlatformCouncils {
			lp.Shown, lp.Hidden = lp.Shown[:legacyPlatformCouncils], len(lp.Shown)-legacyPlatformCouncils
		}
		data.Platforms = append(data.Platforms, lp)
	}
	q := url.Values{"region": {""}}
	if data.Category != "" {
		q.Set("category", data.Category)
	}
	data.NationHref = "/legacy?" + q.Encode()
	h.render(c, http.StatusOK, "legacy", data)
}
