package handlers

import (
	"errors"
	"fmt"
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

// Joint bid pages: the list and search, starting a bid (from scratch, a
// partner match or an expression of interest), the overview, the details
// form, invitations and cancelling. Sections are bid_sections.go's;
// criteria, each council's needs, sign-off and publishing bid_signoff.go's.
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
		Pagination: paginate(page, pageCount(total, bidsPerPage), href)})
}

// bidStartForm is the "Start a joint bid" form as typed. Partners and the
// contracts the bid would replace are checkboxes; the form also says which
// ones it offered, so when it is shown again with problems it offers the
// same ones, checked or not.
type bidStartForm struct {
	Title            string   `form:"title"`
	Summary          string   `form:"summary"`
	Category         string   `form:"category"`
	PartnerGSS       []string `form:"partner_gss"`
	Replaces         []string `form:"replaces_contract_ids"`
	InterestID       string   `form:"interest_id"`
	OfferedPartners  []string `form:"offered_partner_gss"`
	OfferedContracts []string `form:"offered_contract_ids"`
}

// bidStartFormFrom fills the form with a draft from a partner match or an
// expression of interest (or nothing, from scratch).
func bidStartFormFrom(d models.NewBid) bidStartForm {
	f := bidStartForm{Title: d.Title, Summary: d.Summary, Category: d.CategorySlug,
		PartnerGSS: d.PartnerGSS, OfferedPartners: d.PartnerGSS}
	for _, id := range d.ReplacesContractIDs {
		f.Replaces = append(f.Replaces, strconv.FormatInt(id, 10))
	}
	f.OfferedContracts = f.Replaces
	if d.FromInterestID != 0 {
		f.InterestID = strconv.FormatInt(d.FromInterestID, 10)
	}
	return f
}

// input reads the form into a models.NewBid. Contract numbers that are
// not numbers are a problem with the field; an interest that is not a
// number is not found.
func (f bidStartForm) input() (models.NewBid, *models.ValidationError, error) {
	verr := &models.ValidationError{}
	in := models.NewBid{Title: f.Title, Summary: f.Summary, CategorySlug: f.Category, PartnerGSS: f.PartnerGSS}
	for _, s := range f.Replaces {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || id <= 0 {
			if !verr.Has("replaces_contract_ids") {
				verr.Add("replaces_contract_ids", "Choose the contracts the bid would replace from the list")
			}
			continue
		}
		in.ReplacesContractIDs = append(in.ReplacesContractIDs, id)
	}
	if s := strings.TrimSpace(f.InterestID); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return in, verr, fmt.Errorf("expression of interest %q: %w", s, models.ErrNotFound)
		}
		in.FromInterestID = id
	}
	return in, verr, nil
}

// bidChoice is one checkbox of the start form.
type bidChoice struct {
	ID, Value, Label, Hint string
	Checked                bool
}

type bidStartPage struct {
	Page
	Form       bidStartForm
	Categories []models.Category
	Partners   []bidChoice      // partner councils offered as checkboxes
	Contracts  []bidChoice      // contracts the bid would replace
	Others     []models.Council // the "Invite a partner council" select
	Other      string           // the council chosen in it
}

// renderBidStart shows the start form, with problems if there are any (422).
func (h *Handlers) renderBidStart(c *gin.Context, f bidStartForm, verr *models.ValidationError) {
	ctx := c.Request.Context()
	u := currentUser(c)
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	councils, err := h.DB.Councils(ctx, models.CouncilFilter{})
	if err != nil {
		h.fail(c, err)
		return
	}
	names := map[string]string{}
	for _, k := range councils {
		names[k.GSSCode] = k.Name
	}
	data := bidStartPage{Page: h.page(c), Form: f, Categories: cats}
	var offered []string
	for _, gss := range f.OfferedPartners {
		gss = strings.TrimSpace(gss)
		if gss == "" || gss == u.CouncilGSS || slices.Contains(offered, gss) {
			continue
		}
		offered = append(offered, gss)
		data.Partners = append(data.Partners, bidChoice{ID: "partner_gss-" + gss, Value: gss,
			Label: firstNonEmpty(names[gss], gss), Checked: slices.Contains(f.PartnerGSS, gss)})
	}
	for _, gss := range f.PartnerGSS {
		if gss != "" && !slices.Contains(offered, gss) {
			data.Other = gss
			break
		}
	}
	for _, k := range councils {
		if k.GSSCode != u.CouncilGSS && !slices.Contains(offered, k.GSSCode) {
			data.Others = append(data.Others, k)
		}
	}
	var seen []string
	for _, s := range f.OfferedContracts {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || id <= 0 || slices.Contains(seen, s) {
			continue
		}
		seen = append(seen, s)
		ch := bidChoice{ID: "replaces_contract_ids", Value: s, Label: fmt.Sprintf("Contract %d", id), Checked: slices.Contains(f.Replaces, s)}
		if len(data.Contracts) > 0 {
			ch.ID += "-" + s
		}
		k, err := h.DB.ContractByID(ctx, *u, id)
		switch {
		case err == nil:
			ch.Label, ch.Hint = k.Title, k.CouncilName+"'s register"
			if k.SupplierName != "" {
				ch.Hint += ", with " + k.SupplierName
			}
		case !errors.Is(err, models.ErrNotFound) && !errors.Is(err, models.ErrForbidden):
			h.fail(c, err)
			return
		}
		data.Contracts = append(data.Contracts, ch)
	}
	status := http.StatusOK
	if verr.Err() != nil {
		data.Errors, status = verr, http.StatusUnprocessableEntity
	}
	h.render(c, status, "bid_new", data)
}

// newBid is "Start a joint bid": GET /bids/new, filled in from an
// expression of interest (?interest_id=) or a partner match
// (?contract_id=&partner_contract_id=).
func (h *Handlers) newBid(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	var draft models.NewBid
	var err error
	switch {
	case c.Query("interest_id") != "":
		var id int64
		if id, err = positiveQuery(c, "interest_id"); err == nil {
			draft, err = h.DB.BidDraftFromInterest(ctx, *u, id)
		}
	case c.Query("contract_id") != "" || c.Query("partner_contract_id") != "":
		var a, b int64
		if a, err = positiveQuery(c, "contract_id"); err == nil {
			if b, err = positiveQuery(c, "partner_contract_id"); err == nil {
				draft, err = h.DB.BidDraftFor(ctx, *u, a, b)
			}
		}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderBidStart(c, bidStartFormFrom(draft), nil)
}

// positiveQuery reads a positive whole-number query parameter; anything
// else is not found.
func positiveQuery(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Query(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, c.Query(name), models.ErrNotFound)
	}
	return id, nil
}

// createBid starts the bid, then emails each invited council at once:
// POST /bids, then 303 to the bid.
func (h *Handlers) createBid(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	var f bidStartForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The bid form could not be read."})
		return
	}
	in, verr, err := f.input()
	if err != nil {
		h.fail(c, err)
		return
	}
	if verr.Err() != nil {
		h.renderBidStart(c, f, verr)
		return
	}
	id, err := h.DB.CreateBid(ctx, *u, in)
	if errors.As(err, &verr) {
		h.renderBidStart(c, f, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.emailInvited(c, id, "")
	h.flash(c, "bid-created")
	seeOther(c, bidPath(id))
}

// emailInvited emails the invitation of bid id to council gss, or to every
// council still invited when gss is "". The bid is saved by then, so a
// failure here is logged, not shown.
func (h *Handlers) emailInvited(c *gin.Context, id int64, gss string) {
	ctx := c.Request.Context()
	u := currentUser(c)
	b, err := h.DB.BidByID(ctx, *u, id)
	if err != nil {
		h.Log.ErrorContext(ctx, "bid for invitation emails", "err", err.Error(), "bid", id)
		return
	}
	for _, p := range b.Participants {
		if p.State == models.InvitationInvited && (gss == "" || p.CouncilGSS == gss) {
			h.emailBidInvitation(ctx, b, p.CouncilGSS, *u)
		}
	}
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
	data := bidOverviewPage{Page: h.page(c), Bid: b, Summary: bidParagraphs(b.Summary)}
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
	status := http.StatusOK
	if verr.Err() != nil {
		data.Errors, status = verr, http.StatusUnprocessableEntity
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

// bidDetailsForm is the bid's title, summary and category as typed.
type bidDetailsForm struct {
	Title    string `form:"title"`
	Summary  string `form:"summary"`
	Category string `form:"category"`
}

type bidEditPage struct {
	Page
	Bid        models.Bid
	Form       bidDetailsForm
	Categories []models.Category
}

// detailsRefusal says why the viewer may not change b's details, or nil.
func detailsRefusal(b models.Bid) error {
	switch {
	case !b.Status.Editable():
		return &models.PublicError{Status: http.StatusConflict,
			Message: fmt.Sprintf("This bid is %s, so it can no longer be changed.", strings.ToLower(b.Status.Label()))}
	case !b.Access.Lead || !b.Access.Edit:
		return &models.PublicError{Status: http.StatusForbidden,
			Message: "Only the lead council's officers can change the bid's title, summary and category."}
	}
	return nil
}

func (h *Handlers) renderBidEdit(c *gin.Context, b models.Bid, f bidDetailsForm, verr *models.ValidationError) {
	cats, err := h.DB.Categories(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	data := bidEditPage{Page: h.page(c), Bid: b, Form: f, Categories: cats}
	status := http.StatusOK
	if verr.Err() != nil {
		data.Errors, status = verr, http.StatusUnprocessableEntity
	}
	h.render(c, status, "bid_edit", data)
}

// editBid is the title, summary and category form: GET /bids/:id/edit.
func (h *Handlers) editBid(c *gin.Context) {
	b, err := h.loadBid(c)
	if err == nil {
		err = detailsRefusal(b)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderBidEdit(c, b, bidDetailsForm{Title: b.Title, Summary: b.Summary, Category: b.CategorySlug}, nil)
}

// updateBid saves the title, summary and category: POST /bids/:id. The
// model allows the lead's officers only, and clears sign-offs on a change.
func (h *Handlers) updateBid(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := detailsRefusal(b); err != nil {
		h.fail(c, err)
		return
	}
	var f bidDetailsForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The bid form could not be read."})
		return
	}
	err = h.DB.UpdateBidDetails(c.Request.Context(), *currentUser(c), b.ID, f.Title, f.Summary, f.Category)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		h.renderBidEdit(c, b, f, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "bid-saved")
	seeOther(c, bidPath(b.ID))
}

// inviteCouncil invites another council and emails its officers at once:
// POST /bids/:id/invitations (partner_gss). A refused choice shows the
// overview again with the problem beside the select.
func (h *Handlers) inviteCouncil(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	gss := strings.TrimSpace(c.PostForm("partner_gss"))
	err = h.DB.InviteCouncil(c.Request.Context(), *currentUser(c), b.ID, gss)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		h.renderBidOverview(c, b, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.emailInvited(c, b.ID, gss)
	h.flash(c, "bid-invited")
	seeOther(c, bidPath(b.ID))
}

// acceptBidInvitation: POST /bids/:id/invitations/:gss/accept.
func (h *Handlers) acceptBidInvitation(c *gin.Context) { h.answerBidInvitation(c, true) }

// declineBidInvitation: POST /bids/:id/invitations/:gss/decline. The
// council no longer sees the draft, so it goes back to the list.
func (h *Handlers) declineBidInvitation(c *gin.Context) { h.answerBidInvitation(c, false) }

func (h *Handlers) answerBidInvitation(c *gin.Context, accept bool) {
	id, err := idParam(c, "id")
	if err == nil {
		err = h.DB.AnswerInvitation(c.Request.Context(), *currentUser(c), id, c.Param("gss"), accept)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if !accept {
		h.flash(c, "invitation-declined")
		seeOther(c, "/bids")
		return
	}
	h.flash(c, "invitation-accepted")
	seeOther(c, bidPath(id))
}

type bidCancelPage struct {
	Page
	Bid  models.Bid
	Note string
}

// cancelRefusal says why the viewer may not cancel b, or nil.
func cancelRefusal(b models.Bid) error {
	switch {
	case !b.Access.Lead:
		return &models.PublicError{Status: http.StatusForbidden, Message: "Only the lead council's officers can cancel the bid."}
	case !b.Status.CanMoveTo(models.BidCancelled):
		return &models.PublicError{Status: http.StatusConflict,
			Message: fmt.Sprintf("This bid is %s, so it can no longer be cancelled.", strings.ToLower(b.Status.Label()))}
	}
	return nil
}

func (h *Handlers) renderBidCancel(c *gin.Context, b models.Bid, note string, verr *models.ValidationError) {
	data := bidCancelPage{Page: h.page(c), Bid: b, Note: note}
	status := http.StatusOK
	if verr.Err() != nil {
		data.Errors, status = verr, http.StatusUnprocessableEntity
	}
	h.render(c, status, "bid_cancel", data)
}

// confirmCancelBid asks the lead why: GET /bids/:id/cancel.
func (h *Handlers) confirmCancelBid(c *gin.Context) {
	b, err := h.loadBid(c)
	if err == nil {
		err = cancelRefusal(b)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderBidCancel(c, b, "", nil)
}

// cancelBid cancels the bid with the reason given: POST /bids/:id/cancel
// (note).
func (h *Handlers) cancelBid(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := cancelRefusal(b); err != nil {
		h.fail(c, err)
		return
	}
	note := c.PostForm("note")
	err = h.DB.CancelBid(c.Request.Context(), *currentUser(c), b.ID, note)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		h.renderBidCancel(c, b, note, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "bid-cancelled")
	seeOther(c, bidPath(b.ID))
}
