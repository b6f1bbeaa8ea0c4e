package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Partner matching pages: "Who could we buy this with?" for one contract,
// "Our partners" for a council, and expressing interest. The rules (who
// matches, how they score) are models.PartnerMatches'.

// partnerWindowChoices are the window filter's options, in months.
var partnerWindowChoices = []int{6, 12, 18, 24}

// partnerView is a match ready to show.
type partnerView struct {
	models.PartnerMatch
	StrengthLabel, StrengthClass string
	Combined                     string // "£400,000", with a note when a value is unknown
	Interested                   bool   // the council has already expressed interest
	// For the partial: whether to name the council's contract (a whole
	// council's list), whether to offer "Express interest", the form token.
	ShowContract, CanExpress bool
	CSRF                     string
}

// partnerFilter is the window filter's form.
type partnerFilter struct {
	Action  string
	Choices []int
	Current int
}

func partnerViews(ms []models.PartnerMatch, interested map[[2]int64]bool, p Page, showContract, canExpress bool) []partnerView {
	out := make([]partnerView, len(ms))
	for i, m := range ms {
		v := partnerView{PartnerMatch: m, StrengthLabel: models.StrengthLabel(m.Strength),
			Combined:     combinedText(m.CombinedAnnualValuePence, m.CombinedValueIncomplete),
			Interested:   interested[[2]int64{m.ContractID, m.PartnerContractID}],
			ShowContract: showContract, CanExpress: canExpress, CSRF: p.CSRF}
		switch m.Strength {
		case models.StrengthProduct:
			v.StrengthClass = "govuk-tag--green"
		case models.StrengthSupplier:
			v.StrengthClass = "govuk-tag--blue"
		default:
			v.StrengthClass = "govuk-tag--grey"
		}
		out[i] = v
	}
	return out
}

func combinedText(pence int64, incomplete bool) string {
	s := templates.FormatPence(pence) + " a year"
	if incomplete {
		s += " (an annual value is not recorded and is counted as £0)"
	}
	return s
}

// windowMonths reads ?window_months=, 1 to 60, default 12.
func windowMonths(c *gin.Context, verr *models.ValidationError) int {
	s := c.Query("window_months")
	if s == "" {
		return models.DefaultPartnerWindowMonths
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > models.MaxPartnerWindowMonths {
		verr.Add("window_months", fmt.Sprintf("window_months must be a whole number from 1 to %d", models.MaxPartnerWindowMonths))
		return models.DefaultPartnerWindowMonths
	}
	return n
}

// interestedPairs are the (contract, partner contract) pairs gss has
// already expressed interest in.
func interestedPairs(sent []models.ExpressionOfInterest) map[[2]int64]bool {
	m := map[[2]int64]bool{}
	for _, e := range sent {
		m[[2]int64{e.ContractID, e.PartnerContractID}] = true
	}
	return m
}

type contractPartnersPage struct {
	Page
	Contract    models.Contract
	Matches     []partnerView
	Total       models.CombinedValue
	TotalText   string
	Filter      partnerFilter
	RollingNote string
	Expired     bool
}

// showContractPartners is "Who could we buy this with?":
// GET /contracts/:id/partners[?window_months=].
func (h *Handlers) showContractPartners(c *gin.Context) {
	k, err := h.loadContract(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	u := currentUser(c)
	verr := &models.ValidationError{}
	n := windowMonths(c, verr)
	ms, sent, err := h.partnersAndInterest(c, k.CouncilGSS, models.PartnerOptions{WindowMonths: n, ContractID: k.ID})
	if err != nil {
		h.fail(c, err)
		return
	}
	total := models.CombinedValues(ms)[k.ID]
	today := models.DateOf(h.DB.Clock.Now())
	p := h.contractPageBase(c, k.CouncilGSS)
	if verr.Err() != nil {
		p.Errors = verr
	}
	canExpress := u.Role == models.RoleOfficer && models.CanEditRegister(*u, k.CouncilGSS)
	data := contractPartnersPage{
		Page: p, Contract: k, Matches: partnerViews(ms, interestedPairs(sent), p, false, canExpress),
		Total: total, TotalText: combinedText(total.Pence, total.Incomplete),
		Filter:      partnerFilter{Action: fmt.Sprintf("/contracts/%d/partners", k.ID), Choices: partnerWindowChoices, Current: n},
		RollingNote: models.RollingContractsNote, Expired: k.Expired(today),
	}
	h.render(c, http.StatusOK, "contract_partners", data)
}

// createInterest tells the partner council's officers that this council
// would like to procure together, by email at once:
// POST /contracts/:id/partners/:partner_contract_id/interest.
func (h *Handlers) createInterest(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := contractParam(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	with, err := strconv.ParseInt(c.Param("partner_contract_id"), 10, 64)
	if err != nil || with <= 0 {
		h.fail(c, fmt.Errorf("partner contract %q: %w", c.Param("partner_contract_id"), models.ErrNotFound))
		return
	}
	u := currentUser(c)
	eoi, created, err := h.DB.ExpressInterest(ctx, *u, id, with, c.PostForm("message"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if created {
		h.emailInterest(c, eoi)
	}
	h.flash(c, "interest-expressed")
	seeOther(c, fmt.Sprintf("/contracts/%d/partners", id))
}

// emailInterest writes to each officer of the partner council. A failed
// email is logged, not shown: the expression is saved and on their home page.
func (h *Handlers) emailInterest(c *gin.Context, eoi models.ExpressionOfInterest) {
	ctx := c.Request.Context()
	officers, err := h.DB.CouncilOfficers(ctx, eoi.ToGSS)
	if err != nil {
		h.Log.ErrorContext(ctx, "interest recipients", "err", err.Error())
		return
	}
	base := strings.TrimSuffix(h.Config.BaseURL, "/")
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s would like to procure together with %s.\n\n", eoi.FromUserName, eoi.FromName, eoi.ToName)
	fmt.Fprintf(&b, "Their contract: %s\n%s/contracts/%d\n\n", eoi.ContractTitle, base, eoi.ContractID)
	fmt.Fprintf(&b, "Your contract: %s\n%s/contracts/%d/partners\n\n", eoi.PartnerContractTitle, base, eoi.PartnerContractID)
	if eoi.Message != "" {
		fmt.Fprintf(&b, "Their message:\n%s\n\n", eoi.Message)
	}
	fmt.Fprintf(&b, "See every expression of interest on your Jointly home page: %s/\n", base)
	for _, o := range officers {
		_, err := h.Outbox.Send(ctx, models.Email{To: o.Email, Subject: eoi.FromName + " would like to procure " + eoi.PartnerContractTitle + " together", Text: b.String(), Kind: "interest"})
		if err != nil {
			h.Log.ErrorContext(ctx, "email expression of interest", "err", err.Error(), "to", o.Email)
		}
	}
}

type councilPartnersPage struct {
	Page
	Council     models.Council
	Matches     []partnerView
	Filter      partnerFilter
	Limit       int
	RollingNote string
}

// listCouncilPartners is "Our partners", ranked:
// GET /councils/:gss/partners[?window_months=].
func (h *Handlers) listCouncilPartners(c *gin.Context) {
	ctx := c.Request.Context()
	council, err := h.DB.CouncilByGSS(ctx, c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return
	}
	u := currentUser(c)
	verr := &models.ValidationError{}
	n := windowMonths(c, verr)
	ms, sent, err := h.partnersAndInterest(c, council.GSSCode, models.PartnerOptions{WindowMonths: n, Limit: models.DefaultPartnerLimit})
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c)
	p.Nav = registerNav(p.User, council.GSSCode)
	if verr.Err() != nil {
		p.Errors = verr
	}
	canExpress := u.Role == models.RoleOfficer && models.CanEditRegister(*u, council.GSSCode)
	h.render(c, http.StatusOK, "council_partners", councilPartnersPage{Page: p, Council: council,
		Matches: partnerViews(ms, interestedPairs(sent), p, true, canExpress),
		Filter:  partnerFilter{Action: "/councils/" + council.GSSCode + "/partners", Choices: partnerWindowChoices, Current: n},
		Limit:   models.DefaultPartnerLimit, RollingNote: models.RollingContractsNote})
}

// apiPartnerMatch is one match in the API.
type apiPartnerMatch struct {
	ContractID        int64              `json:"contract_id"`
	Partner           apiPartnerCouncil  `json:"partner"`
	PartnerContractID int64              `json:"partner_contract_id"`
	Strength          string             `json:"strength"`
	Score             int                `json:"score"`
	ScoreParts        []apiScorePart     `json:"score_parts"`
	Explanation       string             `json:"explanation"`
	Combined          int64              `json:"combined_annual_value_pence"`
	Incomplete        bool               `json:"combined_value_incomplete"`
	DecisionWindows   apiDecisionWindows `json:"decision_windows"`
}

type apiPartnerCouncil struct {
	GSSCode string `json:"gss_code"`
	Name    string `json:"name"`
}

type apiScorePart struct {
	Label  string `json:"label"`
	Points int    `json:"points"`
}

type apiDecisionWindows struct {
	Contract models.Date `json:"contract"`
	Partner  models.Date `json:"partner"`
}

// apiListPartners: GET /api/v1/councils/:gss/partners[?window_months=&limit=&contract=].
func (h *Handlers) apiListPartners(c *gin.Context) {
	ctx := c.Request.Context()
	council, err := h.DB.CouncilByGSS(ctx, c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return
	}
	verr := &models.ValidationError{}
	opts := models.PartnerOptions{WindowMonths: windowMonths(c, verr), Limit: models.DefaultPartnerLimit}
	if s, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > models.MaxPartnerLimit {
			verr.Add("limit", fmt.Sprintf("limit must be a whole number from 1 to %d", models.MaxPartnerLimit))
		}
		opts.Limit = n
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	ms, err := h.DB.PartnerMatches(ctx, *currentUser(c), council.GSSCode, opts)
	if err != nil {
		h.apiFail(c, err)
		return
	}
	out := make([]apiPartnerMatch, len(ms))
	for i, m := range ms {
		parts := make([]apiScorePart, len(m.ScoreParts))
		for j, p := range m.ScoreParts {
			parts[j] = apiScorePart(p)
		}
		out[i] = apiPartnerMatch{ContractID: m.ContractID, Partner: apiPartnerCouncil{m.PartnerGSS, m.PartnerName},
			PartnerContractID: m.PartnerContractID, Strength: m.Strength, Score: m.Score, ScoreParts: parts,
			Explanation: m.Explanation, Combined: m.CombinedAnnualValuePence, Incomplete: m.CombinedValueIncomplete,
			DecisionWindows: apiDecisionWindows{m.ContractWindow, m.PartnerWindow}}
	}
	h.json(c, http.StatusOK, gin.H{"window_months": opts.WindowMonths, "matches": out})
}

// partnersAndInterest reads a council's partner matches and the interest
// it has already expressed, which both partner pages show together.
func (h *Handlers) partnersAndInterest(c *gin.Context, gss string, opts models.PartnerOptions) ([]models.PartnerMatch, []models.ExpressionOfInterest, error) {
	ctx := c.Request.Context()
	u := currentUser(c)
	ms, err := h.DB.PartnerMatches(ctx, *u, gss, opts)
	if err != nil {
		return nil, nil, err
	}
	_, sent, err := h.DB.ExpressionsOfInterest(ctx, *u, gss)
	return ms, sent, err
}
