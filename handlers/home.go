package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type landingPage struct {
	Page
	CouncilCount int
}

type homePage struct {
	Page
	Council *models.Council
	// For people of a council (officers read and act; councillors read).
	Dashboard *councilDashboard
	Bids      *homeBids
}

// homeBids is the home page's "Joint bids" block: invitations waiting for
// the council's answer and the council's bids in progress.
type homeBids struct {
	Invited    []models.BidSummary
	InProgress []models.BidSummary
	More       bool // more in progress than shown
	CanStart   bool
}

// homeBidRows is how many bids in progress the home page lists.
const homeBidRows = 10

// homeBids gathers the "Joint bids" block for someone of a council.
func (h *Handlers) homeBids(c *gin.Context, u models.User) (*homeBids, error) {
	bids, _, err := h.DB.Bids(c.Request.Context(), u, models.BidFilter{Mine: true, Limit: 200})
	if err != nil {
		return nil, err
	}
	out := &homeBids{CanStart: models.Allowed(u.Role, models.ActionEditBids)}
	for _, b := range bids {
		switch {
		case b.MyState == models.InvitationInvited:
			out.Invited = append(out.Invited, b)
		case b.Status == models.BidCancelled || b.Status == models.BidAwarded:
			// finished: no longer in progress
		case len(out.InProgress) == homeBidRows:
			out.More = true
		default:
			out.InProgress = append(out.InProgress, b)
		}
	}
	return out, nil
}

// councilDashboard is what a council's home page shows: decisions coming
// up, partners for them, ageing systems, the register's last confirmation
// and expressions of interest.
type councilDashboard struct {
	WindowsSoon  []models.Contract // decision windows passed (contract current) or within homeWindowDays
	WindowsMore  bool
	WindowDays   int
	Today        models.Date
	TopPartners  []partnerView
	Legacy       []models.LegacyContract
	Confirmed    *models.RegisterConfirmation
	Received     []models.ExpressionOfInterest
	Sent         []models.ExpressionOfInterest
	PartnersPath string
	RegisterPath string
	CanEdit      bool
	CanStartBid  bool // an officer of the council: may start a joint bid from an expression of interest
}

// homeWindowDays is how far ahead the home page looks for decision windows.
const homeWindowDays = 180

// homeWindowRows is how many of them it lists.
const homeWindowRows = 10

// dashboard gathers a council's home page.
func (h *Handlers) dashboard(c *gin.Context, u models.User, gss string) (*councilDashboard, error) {
	ctx := c.Request.Context()
	today := models.DateOf(h.DB.Clock.Now())
	d := &councilDashboard{WindowDays: homeWindowDays, Today: today, PartnersPath: "/councils/" + gss + "/partners",
		RegisterPath: registerPath(gss), CanEdit: models.CanEditRegister(u, gss),
		CanStartBid: u.Role == models.RoleOfficer && u.CouncilGSS == gss}
	page, err := h.DB.Contracts(ctx, u, models.ContractFilter{CouncilGSS: gss, WindowWithinDays: homeWindowDays, Today: today,
		Sort: models.SortWindow, Limit: 200})
	if err != nil {
		return nil, err
	}
	for _, k := range page.Contracts {
		if k.Expired(today) { // ended: no longer a decision to make
			continue
		}
		if len(d.WindowsSoon) == homeWindowRows {
			d.WindowsMore = true
			break
		}
		d.WindowsSoon = append(d.WindowsSoon, k)
	}
	ms, err := h.DB.PartnerMatches(ctx, u, gss, models.PartnerOptions{Limit: 5})
	if err != nil {
		return nil, err
	}
	d.TopPartners = partnerViews(ms, nil, Page{}, true, false)
	if d.Legacy, err = h.DB.LegacyContracts(ctx, u, models.LegacyFilter{CouncilGSS: gss, Limit: 5}); err != nil {
		return nil, err
	}
	rc, err := h.DB.LastRegisterConfirmation(ctx, gss)
	switch {
	case err == nil:
		d.Confirmed = &rc
	case !errors.Is(err, models.ErrNotFound):
		return nil, err
	}
	if d.Received, d.Sent, err = h.DB.ExpressionsOfInterest(ctx, u, gss); err != nil {
		return nil, err
	}
	return d, nil
}

// showHome is the landing page for visitors and the home page for people
// signed in.
func (h *Handlers) showHome(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	if u == nil {
		n, err := h.DB.CountCouncils(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		h.render(c, http.StatusOK, "landing", landingPage{Page: h.page(c), CouncilCount: n})
		return
	}
	data := homePage{Page: h.page(c)}
	if u.CouncilGSS != "" {
		council, err := h.DB.CouncilByGSS(ctx, u.CouncilGSS)
		if err != nil {
			h.fail(c, err)
			return
		}
		data.Council = &council
		if models.CanReadRegisters(*u) {
			if data.Dashboard, err = h.dashboard(c, *u, council.GSSCode); err != nil {
				h.fail(c, err)
				return
			}
		}
		if u.Role.BelongsToCouncil() && models.Allowed(u.Role, models.ActionReadBids) {
			if data.Bids, err = h.homeBids(c, *u); err != nil {
				h.fail(c, err)
				return
			}
		}
	}
	h.render(c, http.StatusOK, "home", data)
}

func (h *Handlers) healthz(c *gin.Context) {
	status, db := http.StatusOK, "ok"
	if err := h.DB.Ping(c.Request.Context()); err != nil {
		h.Log.ErrorContext(c.Request.Context(), "health check", "err", err.Error())
		status, db = http.StatusServiceUnavailable, "unavailable"
	}
	state := "ok"
	if status != http.StatusOK {
		state = "unavailable"
	}
	h.json(c, status, gin.H{"status": state, "version": h.Config.Version, "checks": gin.H{"database": db}})
}
