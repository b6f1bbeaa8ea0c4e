package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// The award: the panel's chair chooses a submitted response, with the
// contract's value and dates, once the bid has closed. Who may award, and
// when, is the award model's rule (models.AwardRefusal, AwardBid); the
// award creates the contract in every participating council's register.
// Every respondent is then emailed the outcome at once. The bid's OCDS
// release package is here too: public once the bid is published.

func init() {
	flashes["bid-awarded"] = "Contract awarded. Every respondent has been emailed the outcome, and the contract is in each participating council's register."
}

// awardForm is the award form as typed.
type awardForm struct {
	ResponseID string
	Value      string
	Start, End dateParts
}

func awardFormFrom(c *gin.Context) awardForm {
	return awardForm{ResponseID: c.PostForm("response_id"), Value: c.PostForm("value"),
		Start: datePartsFromForm(c, "start_date"), End: datePartsFromForm(c, "end_date")}
}

// Validate reads what was typed into the award model's input, with the
// GOV.UK message for anything that cannot be read.
func (f awardForm) Validate() (models.AwardInput, *models.ValidationError) {
	var in models.AwardInput
	verr := &models.ValidationError{}
	if id, err := strconv.ParseInt(f.ResponseID, 10, 64); err == nil && id > 0 {
		in.ResponseID = id
	} else {
		verr.Add("response_id", "Choose the response to award")
	}
	switch v, err := poundsFromForm(f.Value); {
	case err != nil:
		verr.Add("value", "Contract value "+err.Error())
	case v == nil:
		verr.Add("value", "Enter the contract's total value across every council")
	default:
		in.ValuePence = *v
	}
	for _, d := range []struct {
		name, label string
		parts       dateParts
		into        *models.Date
	}{{"start_date", "Start date", f.Start, &in.StartDate}, {"end_date", "End date", f.End, &in.EndDate}} {
		date, msg := dateFromForm(d.label, d.parts)
		switch {
		case msg != "":
			verr.Add(d.name, msg)
		case date.IsZero():
			verr.Add(d.name, "Enter the contract's "+strings.ToLower(d.label))
		}
		*d.into = date
	}
	return in, verr
}

// awardChoice is one submitted response the chair may award.
type awardChoice struct {
	ID       string // the radio's id: the first is "response_id", for the error summary's link
	Value    string
	Supplier string
	Price    string
	Total    string // the moderated weighted total, "" until moderated
	Rank     int
	Checked  bool
}

type awardPage struct {
	Page
	Bid     models.Bid
	Choices []awardChoice
	Form    awardForm
}

// DateInput is one of the form's GOV.UK date inputs with its message.
func (p awardPage) DateInput(name, legend, hint string) dateInput {
	parts := p.Form.Start
	if name == "end_date" {
		parts = p.Form.End
	}
	return dateInput{Name: name, Legend: legend, Hint: hint, Parts: parts, Error: p.Errors.Message(name)}
}

// awardBid loads the bid of the URL and refuses, with the model's reason,
// anyone who may not award it now.
func (h *Handlers) awardBid(c *gin.Context) (models.Bid, error) {
	b, err := h.loadBid(c)
	if err != nil {
		return b, err
	}
	return b, h.DB.AwardRefusal(c.Request.Context(), *currentUser(c), b.ID)
}

// renderAward shows the award form: the submitted responses, best ranked
// first once the chair has moderated, with what was typed and its problems.
func (h *Handlers) renderAward(c *gin.Context, b models.Bid, f awardForm, verr *models.ValidationError) {
	sheet, err := h.DB.ScoreSheet(c.Request.Context(), *currentUser(c), b.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	ranks := map[int64]models.RankedResponse{}
	for _, r := range sheet.Ranking {
		if r.Complete {
			ranks[r.ResponseID] = r
		}
	}
	var choices []awardChoice
	for _, r := range sheet.Responses {
		ch := awardChoice{Value: strconv.FormatInt(r.ID, 10), Supplier: r.SupplierName, Price: "No price given"}
		if r.PricePence != nil {
			ch.Price = templates.FormatPence(*r.PricePence)
		}
		if rr, ok := ranks[r.ID]; ok {
			ch.Total, ch.Rank = strconv.FormatFloat(rr.Total, 'f', -1, 64), rr.Rank
		}
		ch.Checked = ch.Value == f.ResponseID
		choices = append(choices, ch)
	}
	// Ranked responses first, best first; the rest as submitted.
	ranked := make([]awardChoice, 0, len(choices))
	for _, rr := range sheet.Ranking {
		for _, ch := range choices {
			if ch.Value == strconv.FormatInt(rr.ResponseID, 10) && ch.Rank > 0 {
				ranked = append(ranked, ch)
			}
		}
	}
	for _, ch := range choices {
		if ch.Rank == 0 {
			ranked = append(ranked, ch)
		}
	}
	for i := range ranked {
		ranked[i].ID = "response_id"
		if i > 0 {
			ranked[i].ID = "response_id-" + ranked[i].Value
		}
	}
	page, status := h.formPage(c, problemsInOrder(verr, "response_id", "value", "start_date", "end_date"))
	h.render(c, status, "bid_award", awardPage{Page: page, Bid: b, Choices: ranked, Form: f})
}

// newAward is the chair's award form: GET /bids/:id/award.
func (h *Handlers) newAward(c *gin.Context) {
	b, err := h.awardBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderAward(c, b, awardForm{}, nil)
}

// createAward makes the award, emails every respondent the outcome and
// returns to the bid: POST /bids/:id/award, then 303 to the bid.
func (h *Handlers) createAward(c *gin.Context) {
	ctx := c.Request.Context()
	b, err := h.awardBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	f := awardFormFrom(c)
	in, verr := f.Validate()
	if verr.Err() != nil {
		h.renderAward(c, b, f, verr)
		return
	}
	a, err := h.DB.AwardBid(ctx, *currentUser(c), b.ID, in)
	if err == nil {
		h.emailAwardOutcome(ctx, b, a)
	}
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderAward(c, b, f, verr) }, "bid-awarded", bidPath(b.ID))
}

// emailAwardOutcome tells every user of every supplier that submitted a
// response the outcome, all at once: the winner that it won, the rest
// that they did not, and to whom the contract went, for what value and
// dates (the award's public facts). A failed email is logged, not shown:
// the award stands, and each supplier sees the outcome on the opportunity.
func (h *Handlers) emailAwardOutcome(ctx context.Context, b models.Bid, a models.Award) {
	winners, others, err := h.DB.Respondents(ctx, b.ID)
	if err != nil {
		h.Log.ErrorContext(ctx, "award outcome recipients", "err", err.Error())
		return
	}
	base := strings.TrimSuffix(h.Config.BaseURL, "/")
	facts := fmt.Sprintf("Supplier: %s\nContract value: %s (across every council)\nStarts: %s\nEnds: %s\n",
		a.SupplierName, templates.FormatPence(a.ValuePence), a.StartDate.Long(), a.EndDate.Long())
	link := fmt.Sprintf("\nThe opportunity on Jointly:\n%s/opportunities/%d\n", base, b.ID)
	send := func(to []models.User, subject, text string) {
		for _, u := range to {
			if _, err := h.Outbox.Send(ctx, models.Email{To: u.Email, Subject: subject, Text: text, Kind: "award"}); err != nil {
				h.Log.ErrorContext(ctx, "email award outcome", "err", err.Error(), "to", u.Email)
			}
		}
	}
	var won strings.Builder
	fmt.Fprintf(&won, "Your response was successful.\n\n%s, with the other councils taking part, has awarded the contract for the joint bid “%s” to you:\n\n", b.LeadName, b.Title)
	won.WriteString(facts)
	won.WriteString("\nThe councils taking part will be in touch to start the contract.\n" + link)
	send(winners, "Your response was successful: "+b.Title, won.String())

	var lost strings.Builder
	fmt.Fprintf(&lost, "Your response was not successful.\n\nThank you for responding to the joint bid “%s”, led by %s. The contract has been awarded to %s:\n\n", b.Title, b.LeadName, a.SupplierName)
	lost.WriteString(facts)
	lost.WriteString(link)
	send(others, "Your response was not successful: "+b.Title, lost.String())
}

// apiAwardBody is POST /api/v1/bids/:id/award's body.
type apiAwardBody struct {
	ResponseID *int64  `json:"response_id"`
	ValuePence *int64  `json:"value_pence"`
	StartDate  *string `json:"start_date"`
	EndDate    *string `json:"end_date"`
}

// apiAward is an award as the API shows it.
type apiAward struct {
	BidID       int64   `json:"bid_id"`
	ResponseID  int64   `json:"response_id"`
	Supplier    string  `json:"supplier"`
	ValuePence  int64   `json:"value_pence"`
	StartDate   string  `json:"start_date"`
	EndDate     string  `json:"end_date"`
	AwardedAt   string  `json:"awarded_at"`
	ContractIDs []int64 `json:"contract_ids"`
}

// apiAwardBid: POST /api/v1/bids/:id/award, by the panel's chair once the
// bid has closed: {response_id, value_pence, start_date, end_date} with
// dates as YYYY-MM-DD. 200 with the award and the contracts it created;
// every respondent is emailed the outcome.
func (h *Handlers) apiAwardBid(c *gin.Context) {
	ctx := c.Request.Context()
	b, err := h.awardBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var body apiAwardBody
	if !h.readAPIObject(c, "the award", &body, `The body must be one JSON object: {"response_id": …, "value_pence": …, "start_date": …, "end_date": …}.`, nil) {
		return
	}
	var in models.AwardInput
	verr := &models.ValidationError{}
	if body.ResponseID == nil {
		verr.Add("response_id", "Give the id of the submitted response to award in response_id")
	} else {
		in.ResponseID = *body.ResponseID
	}
	if body.ValuePence == nil {
		verr.Add("value_pence", "Give the contract's total value across every council, in pence, in value_pence")
	} else {
		in.ValuePence = *body.ValuePence
	}
	for _, d := range []struct {
		field string
		text  *string
		into  *models.Date
	}{{"start_date", body.StartDate, &in.StartDate}, {"end_date", body.EndDate, &in.EndDate}} {
		if d.text == nil || *d.text == "" {
			verr.Add(d.field, fmt.Sprintf("Give the contract's %s as a date like 2027-04-01", strings.ReplaceAll(d.field, "_", " ")))
			continue
		}
		date, err := models.ParseISODate(*d.text)
		if err != nil {
			verr.Add(d.field, fmt.Sprintf("%s must be a date like 2027-04-01, not %q", d.field, *d.text))
		}
		*d.into = date
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	a, err := h.DB.AwardBid(ctx, *currentUser(c), b.ID, in)
	if errors.As(err, &verr) {
		for i, f := range verr.Fields {
			if f.Field == "value" {
				verr.Fields[i].Field = "value_pence"
			}
		}
		h.validationProblem(c, verr)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.emailAwardOutcome(ctx, b, a)
	h.json(c, http.StatusOK, apiAwardOf(a))
}

func apiAwardOf(a models.Award) apiAward {
	ids := a.ContractIDs
	if ids == nil {
		ids = []int64{}
	}
	return apiAward{BidID: a.BidID, ResponseID: a.ResponseID, Supplier: a.SupplierName, ValuePence: a.ValuePence,
		StartDate: a.StartDate.String(), EndDate: a.EndDate.String(), AwardedAt: a.AwardedAt.UTC().Format(time.RFC3339),
		ContractIDs: ids}
}

// apiBidOCDS: GET /api/v1/bids/:id/ocds.json, the bid's OCDS 1.1 release
// package. A published bid's package is public; a bid the caller may not
// see, or one not yet published, is 404.
func (h *Handlers) apiBidOCDS(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	var viewer models.User
	if u := currentUser(c); u != nil {
		viewer = *u
	}
	pkg, err := h.DB.BidReleasePackage(c.Request.Context(), viewer, id, h.Config.OCIDPrefix, h.Config.BaseURL)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", pkg)
}

// bidAwardSection is what a bid's overview shows of the award: the award
// once made (its public facts) with, for the councils' side, each
// council's resulting contract; or, for the chair after the close, a link
// to make it.
type bidAwardSection struct {
	Award     *models.Award
	Contracts []models.LinkedContract
	CanAward  bool
}

// awardSection is bid b's award section for the current user.
func (h *Handlers) awardSection(c *gin.Context, b models.Bid) (bidAwardSection, error) {
	ctx := c.Request.Context()
	u := currentUser(c)
	var s bidAwardSection
	switch b.Status {
	case models.BidAwarded:
		a, err := h.DB.BidAward(ctx, *u, b.ID)
		if err != nil {
			return s, err
		}
		s.Award = &a
		if b.Access.Internal {
			if s.Contracts, err = h.DB.BidContracts(ctx, *u, b.ID); err != nil {
				return s, err
			}
		}
	case models.BidClosed, models.BidEvaluating:
		if b.Access.Internal && u.Role == models.RoleOfficer {
			err := h.DB.AwardRefusal(ctx, *u, b.ID)
			var pub *models.PublicError
			if err != nil && !errors.As(err, &pub) {
				return s, err
			}
			s.CanAward = err == nil
		}
	}
	return s, nil
}
