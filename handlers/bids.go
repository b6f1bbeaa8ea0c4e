package handlers

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Joint bid pages: the list and search, a bid's overview and its activity
// feed. Starting a bid is bid_new.go's; the details form and cancelling
// bid_edit.go's; invitations bid_invitations.go's; sections
// bid_sections.go's, with their versions (bid_versions.go) and comments
// (bid_comments.go); criteria bid_criteria.go's; each council's needs and
// sign-off bid_signoff.go's; publishing bid_publish.go's.
// Who may see and do what is the model's rule (models.BidAccess): these
// pages only decide which controls to offer.

// bidsPerPage is how many bids the list shows at once.
const bidsPerPage = 50

type bidListPage struct {
	Page
	Bids       []models.BidSummary
	Total      int
	Q          string
	Searching  bool // Q holds something searchable: show snippets, best match first
	Status     models.BidStatus
	Statuses   []models.BidStatus
	Mine       bool
	CanMine    bool // the viewer belongs to a council, so "only my council's" means something
	CanStart   bool
	Pagination *pagination
}

// listBids is "Joint bids": GET /bids[?q=&status=&mine=1&page=]. It lists
// only the bids the viewer may see (models.DB.Bids applies BidByID's rule).
func (h *Handlers) listBids(c *gin.Context) {
	u := currentUser(c)
	q := strings.TrimSpace(c.Query("q"))
	status := models.BidStatus(c.Query("status"))
	if !slices.Contains(models.BidStatuses, status) {
		status = ""
	}
	canMine := u.Role.BelongsToCouncil() && u.CouncilGSS != ""
	mine := canMine && c.Query("mine") == "1"
	page := min(pageParam(c.Query("page")), 100_000)
	bids, total, err := h.DB.Bids(c.Request.Context(), *u, models.BidFilter{Q: q, Status: status, Mine: mine,
		Limit: bidsPerPage, Offset: (page - 1) * bidsPerPage})
	if err != nil {
		h.fail(c, err)
		return
	}
	href := func(n int) string {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		if status != "" {
			v.Set("status", string(status))
		}
		if mine {
			v.Set("mine", "1")
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/bids"
		}
		return "/bids?" + v.Encode()
	}
	h.render(c, http.StatusOK, "bids", bidListPage{Page: h.page(c), Bids: bids, Total: total, Q: q,
		Searching: models.FTSQuery(q) != "", Status: status, Statuses: models.BidStatuses, Mine: mine, CanMine: canMine,
		CanStart:   models.Allowed(u.Role, models.ActionEditBids),
		Pagination: paginate("Pages of joint bids", page, pageCount(total, bidsPerPage), href)})
}

// bidParticipantView is a participant ready to show.
type bidParticipantView struct {
	models.BidParticipant
	Budget                   string // "£120,000" or "Not given"; internal only
	RequirementsHTML         template.HTML
	VolumesHTML              template.HTML
	CanChange                bool // the viewer may change this council's details
	StateLabel, StateTagMod  string
	RoleLabel, SignedOffText string
}

// bidSectionView is a section with its rendered Markdown.
type bidSectionView struct {
	models.BidSection
	BodyHTML    template.HTML
	First, Last bool
}

// bidActivityView is one line of the activity feed.
type bidActivityView struct {
	models.BidActivity
	Council string // the actor's council's name, "" when none
}

type bidOverviewPage struct {
	Page
	Bid          models.Bid
	Summary      []string // paragraphs
	Participants []bidParticipantView
	Sections     []bidSectionView
	Problems     []string
	Awaiting     []models.BidParticipant
	MyCouncil    string // the viewer's council's name when it takes part
	// What the viewer may do now.
	CanEditDetails, CanSignOff, CanRequestSignOff, CanPublish, CanInvite, CanCancel bool
	InviteChoices                                                                   []models.Council
	// Values kept when a form on the page is shown again with a problem.
	InviteChoice, Heading string
	Activity              []bidActivityView // the latest few; the rest on the activity page
	Award                 bidAwardSection   // award.go
}

// showBid is a bid's overview: GET /bids/:id.
func (h *Handlers) showBid(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderBidOverview(c, b, nil)
}

// renderBidOverview shows bid b's overview, with a form's problems (422)
// if there are any: the invite form (partner_gss) and the add-a-section
// form (heading) keep what was typed. Other bid pages' handlers call it
// when a form on the overview is refused.
func (h *Handlers) renderBidOverview(c *gin.Context, b models.Bid, verr *models.ValidationError) {
	ctx := c.Request.Context()
	a := b.Access
	page, status := h.formPage(c, verr)
	data := bidOverviewPage{Page: page, Bid: b, Summary: bidParagraphs(b.Summary)}
	editable := b.Status.Editable()
	if a.Internal && editable {
		data.Problems, data.Awaiting = b.Problems(), b.AwaitingSignOff()
	}
	mine, isParticipant := b.Participant(a.Council)
	if isParticipant {
		data.MyCouncil = mine.CouncilName
	}
	data.CanEditDetails = a.Lead && a.Edit
	data.CanSignOff = a.Nominee && editable && isParticipant && !mine.SignedOff() && len(data.Problems) == 0
	data.CanRequestSignOff = a.Lead && a.Edit && b.Status == models.BidDraft && len(data.Problems) == 0
	data.CanPublish = a.Lead && a.Edit && len(data.Problems) == 0 && len(data.Awaiting) == 0
	data.CanInvite = a.Lead && a.Edit
	data.CanCancel = a.Lead && b.Status.CanMoveTo(models.BidCancelled)
	for _, p := range b.Participants {
		v := bidParticipantView{BidParticipant: p, Budget: "Not given",
			RequirementsHTML: templates.RenderMarkdown(p.Requirements), VolumesHTML: templates.RenderMarkdown(p.Volumes),
			CanChange: a.Edit && p.CouncilGSS == a.Council && p.Accepted(), RoleLabel: "Partner"}
		if p.BudgetPence != nil {
			v.Budget = templates.FormatPence(*p.BudgetPence)
		}
		if p.Role == models.ParticipantLead {
			v.RoleLabel = "Lead"
		}
		switch p.State {
		case models.InvitationAccepted:
			v.StateLabel, v.StateTagMod = "Taking part", "govuk-tag--green"
		case models.InvitationInvited:
			v.StateLabel, v.StateTagMod = "Invited", "govuk-tag--yellow"
		default:
			v.StateLabel, v.StateTagMod = "Declined", "govuk-tag--grey"
		}
		data.Participants = append(data.Participants, v)
	}
	for i, s := range b.Sections {
		data.Sections = append(data.Sections, bidSectionView{BidSection: s, BodyHTML: templates.RenderMarkdown(s.Body),
			First: i == 0, Last: i == len(b.Sections)-1})
	}
	if data.CanInvite {
		councils, err := h.DB.Councils(ctx, models.CouncilFilter{})
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, k := range councils {
			if p, ok := b.Participant(k.GSSCode); !ok || p.State == models.InvitationDeclined {
				data.InviteChoices = append(data.InviteChoices, k)
			}
		}
	}
	if a.Internal {
		feed, err := h.DB.BidActivityFeed(ctx, *currentUser(c), b.ID, 10)
		if err != nil {
			h.fail(c, err)
			return
		}
		if data.Activity, err = h.activityViews(c, b, feed); err != nil {
			h.fail(c, err)
			return
		}
	}
	award, err := h.awardSection(c, b)
	if err != nil {
		h.fail(c, err)
		return
	}
	data.Award = award
	if verr.Err() != nil {
		data.InviteChoice, data.Heading = c.PostForm("partner_gss"), c.PostForm("heading")
	}
	h.render(c, status, "bid", data)
}

// bidParagraphs splits plain text into its paragraphs, one per line.
func bidParagraphs(s string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// activityViews names each actor's council: a participant's name from the
// bid, or the directory's.
func (h *Handlers) activityViews(c *gin.Context, b models.Bid, feed []models.BidActivity) ([]bidActivityView, error) {
	names := map[string]string{}
	for _, p := range b.Participants {
		names[p.CouncilGSS] = p.CouncilName
	}
	out := make([]bidActivityView, len(feed))
	for i, a := range feed {
		out[i] = bidActivityView{BidActivity: a}
		if a.ActorGSS == "" {
			continue
		}
		if _, ok := names[a.ActorGSS]; !ok {
			k, err := h.DB.CouncilByGSS(c.Request.Context(), a.ActorGSS)
			if err != nil && !errors.Is(err, models.ErrNotFound) {
				return nil, err
			}
			names[a.ActorGSS] = firstNonEmpty(k.Name, a.ActorGSS)
		}
		out[i].Council = names[a.ActorGSS]
	}
	return out, nil
}

type bidActivityPage struct {
	Page
	Bid      models.Bid
	Activity []bidActivityView
}

// showBidActivity is a bid's whole activity feed, for the councils' side:
// GET /bids/:id/activity.
func (h *Handlers) showBidActivity(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	feed, err := h.DB.BidActivityFeed(c.Request.Context(), *currentUser(c), b.ID, 500)
	if err != nil {
		h.fail(c, err)
		return
	}
	views, err := h.activityViews(c, b, feed)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "bid_activity", bidActivityPage{Page: h.page(c), Bid: b, Activity: views})
}
