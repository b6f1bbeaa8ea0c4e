package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Starting a joint bid: from scratch, from a partner match or from an
// expression of interest. The model checks the partners and contracts
// chosen; this form keeps every choice it offered when shown again.

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
	page, status := h.formPage(c, verr)
	data := bidStartPage{Page: page, Form: f, Categories: cats}
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
	if err == nil {
		h.emailInvited(c, id, "")
	}
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderBidStart(c, f, verr) }, "bid-created", bidPath(id))
}
