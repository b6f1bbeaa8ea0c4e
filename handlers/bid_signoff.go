package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Each council's own needs, sign-off and publishing. The rules (only a
// council's own officers state its needs, any edit clears every sign-off,
// only the nominated officer signs off, only the lead publishes and only
// when everyone has signed off) are the bid model's; these pages ask it.

// maxReplaceChoices is how many of a council's contracts the participant
// form offers to tick as replaced.
const maxReplaceChoices = 200

// participantForm is a council's needs as typed: the budget stays text.
type participantForm struct {
	Requirements string   `form:"requirements"`
	Volumes      string   `form:"volumes"`
	Budget       string   `form:"budget"`
	Nominee      string   `form:"nominee"`
	Replaces     []string `form:"replaces_contract_ids"`
}

// replaceChoice is one of the council's contracts, offered as replaced.
type replaceChoice struct {
	models.Contract
	Checked bool
}

// participantPage is the form for one council's needs.
type participantPage struct {
	Page
	Bid         models.Bid
	Participant models.BidParticipant
	Form        participantForm
	Officers    []models.User
	Contracts   []replaceChoice
	// MoreContracts is how many of the council's contracts in the bid's
	// category the form leaves out (past maxReplaceChoices).
	MoreContracts int
}

// loadOwnParticipant is the bid named by :id and the participant :gss,
// if the current user is one of that council's officers and may change
// the bid now.
func (h *Handlers) loadOwnParticipant(c *gin.Context) (models.Bid, models.BidParticipant, error) {
	b, err := h.loadBidFor(c, models.Bid.EditRefusal)
	if err != nil {
		return b, models.BidParticipant{}, err
	}
	p, ok := b.Participant(c.Param("gss"))
	if !ok || b.Access.Council != p.CouncilGSS {
		return b, p, &models.PublicError{Status: http.StatusForbidden, Message: "Only a council's own officers can change what it needs from the bid."}
	}
	return b, p, nil
}

// replacedIDs are the contracts council gss has said the bid replaces,
// leaving out any since deleted from its register.
func replacedIDs(b models.Bid, gss string) []int64 {
	var ids []int64
	for _, r := range b.Replaces {
		if r.CouncilGSS == gss && r.Title != "" {
			ids = append(ids, r.ContractID)
		}
	}
	return ids
}

func (h *Handlers) renderParticipant(c *gin.Context, b models.Bid, p models.BidParticipant, f participantForm, verr *models.ValidationError) {
	ctx := c.Request.Context()
	officers, err := h.DB.CouncilOfficers(ctx, p.CouncilGSS)
	if err != nil {
		h.fail(c, err)
		return
	}
	// The council's contracts in the bid's category, ending soonest first,
	// then any it ticked before from another category.
	found, err := h.DB.Contracts(ctx, *currentUser(c), models.ContractFilter{CouncilGSS: p.CouncilGSS,
		CategorySlug: b.CategorySlug, Sort: models.SortEndDate, Limit: maxReplaceChoices})
	if err != nil {
		h.fail(c, err)
		return
	}
	page, status := h.formPage(c, problemsInOrder(verr, "requirements", "volumes", "budget", "nominee", "replaces_contract_ids"))
	data := participantPage{Page: page, Bid: b, Participant: p, Form: f, Officers: officers,
		MoreContracts: found.Total - len(found.Contracts)}
	listed := map[int64]bool{}
	for _, k := range found.Contracts {
		listed[k.ID] = true
		data.Contracts = append(data.Contracts, replaceChoice{Contract: k, Checked: slices.Contains(f.Replaces, strconv.FormatInt(k.ID, 10))})
	}
	for _, r := range b.Replaces {
		if r.CouncilGSS == p.CouncilGSS && r.Title != "" && !listed[r.ContractID] {
			data.Contracts = append(data.Contracts, replaceChoice{
				Contract: models.Contract{ID: r.ContractID, Title: r.Title, SupplierName: r.SupplierName, EndDate: r.EndDate},
				Checked:  slices.Contains(f.Replaces, strconv.FormatInt(r.ContractID, 10))})
		}
	}
	h.render(c, status, "bid_participant", data)
}

// editParticipant is the form for the current user's council's needs:
// GET /bids/:id/participants/:gss.
func (h *Handlers) editParticipant(c *gin.Context) {
	b, p, err := h.loadOwnParticipant(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	f := participantForm{Requirements: p.Requirements, Volumes: p.Volumes, Budget: formatPoundsInput(p.BudgetPence)}
	if p.NomineeID != 0 {
		f.Nominee = strconv.FormatInt(p.NomineeID, 10)
	}
	for _, id := range replacedIDs(b, p.CouncilGSS) {
		f.Replaces = append(f.Replaces, strconv.FormatInt(id, 10))
	}
	h.renderParticipant(c, b, p, f, nil)
}

// updateParticipant saves the council's needs: POST
// /bids/:id/participants/:gss, then 303 to the bid's participants.
func (h *Handlers) updateParticipant(c *gin.Context) {
	b, p, err := h.loadOwnParticipant(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var f participantForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The form could not be read."})
		return
	}
	in := models.ParticipantInput{Requirements: f.Requirements, Volumes: f.Volumes}
	verr := &models.ValidationError{}
	if in.BudgetPence, err = poundsFromForm(f.Budget); err != nil {
		verr.Add("budget", "Budget "+err.Error())
	}
	if f.Nominee != "" {
		if in.NomineeID, err = strconv.ParseInt(f.Nominee, 10, 64); err != nil || in.NomineeID <= 0 {
			verr.Add("nominee", "Choose an officer of "+p.CouncilName)
		}
	}
	var ids []int64
	for _, s := range f.Replaces {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			verr.Add("replaces_contract_ids", "Choose contracts from the list")
			break
		}
		ids = append(ids, id)
	}
	if verr.Err() != nil {
		h.renderParticipant(c, b, p, f, verr)
		return
	}
	// Unchanged ticks leave the replaced contracts alone, so one since
	// deleted from the register stays on the bid.
	before := replacedIDs(b, p.CouncilGSS)
	slices.Sort(before)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if !slices.Equal(before, ids) {
		in.Replaces = &ids
	}
	err = h.DB.UpdateParticipant(c.Request.Context(), *currentUser(c), b.ID, p.CouncilGSS, in)
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderParticipant(c, b, p, f, verr) },
		"participant-saved", bidPath(b.ID)+"#participants")
}

// problemsInOrder lists verr's problems in the order of the form's fields, then
// any the form does not name. No problems (nil) stay nil.
func problemsInOrder(verr *models.ValidationError, fields ...string) *models.ValidationError {
	if verr == nil {
		return nil
	}
	out := &models.ValidationError{}
	for _, f := range fields {
		for _, fe := range verr.Fields {
			if fe.Field == f {
				out.Fields = append(out.Fields, fe)
			}
		}
	}
	for _, fe := range verr.Fields {
		if !slices.Contains(fields, fe.Field) {
			out.Fields = append(out.Fields, fe)
		}
	}
	return out
}

// requestSignOff asks every nominated officer to sign off: POST
// /bids/:id/signoff/request, by a lead officer, once the bid is ready.
func (h *Handlers) requestSignOff(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx, actor := c.Request.Context(), *currentUser(c)
	if err := h.DB.RequestSignOff(ctx, actor, id); err != nil {
		h.fail(c, err)
		return
	}
	b, err := h.DB.BidByID(ctx, actor, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.emailSignOffRequests(ctx, b, actor)
	h.flash(c, "signoff-requested")
	seeOther(c, bidPath(id))
}

// signOffBid signs off for the current user's council: POST
// /bids/:id/signoff, by its nominated officer. The first sign-off moves
// the bid to signing off, and the other nominees are asked at once.
func (h *Handlers) signOffBid(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.signOff(c.Request.Context(), *currentUser(c), id); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "signed-off")
	seeOther(c, bidPath(id))
}

// signOff signs off bid id for actor's council. The first sign-off moves
// the bid to signing off, and the other nominees are asked by email at
// once.
func (h *Handlers) signOff(ctx context.Context, actor models.User, id int64) error {
	started, err := h.DB.SignOffBid(ctx, actor, id)
	if err != nil || !started {
		return err
	}
	b, err := h.DB.BidByID(ctx, actor, id)
	if err != nil {
		return err
	}
	h.emailSignOffRequests(ctx, b, actor)
	return nil
}

// NomineeOptions are the officers who may sign off for the council, with
// the current nominee kept even if no longer an active officer.
func (p participantPage) NomineeOptions() []models.User {
	out := p.Officers
	if p.Participant.NomineeID != 0 && !slices.ContainsFunc(out, func(u models.User) bool { return u.ID == p.Participant.NomineeID }) {
		out = append([]models.User{{ID: p.Participant.NomineeID, Name: p.Participant.NomineeName}}, out...)
	}
	return out
}

// NomineeSelected reports whether officer id is the form's choice.
func (p participantPage) NomineeSelected(id int64) bool {
	return strings.TrimSpace(p.Form.Nominee) == strconv.FormatInt(id, 10)
}

// ContractsNote says how many contracts the list leaves out.
func (p participantPage) ContractsNote() string {
	if p.MoreContracts <= 0 {
		return ""
	}
	return fmt.Sprintf("Showing the %d ending soonest; %s in this category are not listed.", maxReplaceChoices,
		models.Plural(p.MoreContracts, "more contract", "more contracts"))
}
