package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// A supplier's sealed response to an opportunity: the page to draft,
// submit, revise and withdraw it, the receipts, and after the deadline
// the outcome. Who may read a response, and when, is models/response.go's
// rule; these pages only ever read the supplier's own.

// sealedResponseBodyBytes caps a response's body: every criterion answered in
// full with four-byte characters, percent-encoded, and room for the rest.
const sealedResponseBodyBytes = models.MaxCriteria*models.MaxResponseAnswer*4*3 + 64<<10

func init() {
	flashes["response-saved"] = "Draft saved. It is not submitted yet: submit it before the deadline."
	flashes["response-withdrawn"] = "Response withdrawn. The receipt has been emailed to you. You can submit it again before the deadline."
}

// sealedResponsePath is the supplier's response page for bid id.
func sealedResponsePath(id int64) string { return fmt.Sprintf("/opportunities/%d/response", id) }

// sealedResponseForm is the response as typed: an answer per criterion, in
// criteria order, and the price as text.
type sealedResponseForm struct {
	Answers []string
	Price   string
}

// sealedAnswerField is one criterion's answer box.
type sealedAnswerField struct {
	Name, Error string
	N           int
	Criterion   models.Criterion
	Value       string
}

// sealedShownAnswer is one answer as submitted, rendered from Markdown.
type sealedShownAnswer struct {
	Criterion models.Criterion
	HTML      template.HTML
}

type sealedResponsePage struct {
	Page
	Bid      models.Bid
	Response *models.Response // nil until the first save
	Receipts []models.Receipt
	Form     sealedResponseForm
	Open     bool            // the bid takes responses now
	Panel    *models.Receipt // the submission just made, when arriving from it
	Outcome  models.Outcome
	// SupplierID is the supplier_id a receipt's hash covers.
	SupplierID int64
}

// Fields are the answer boxes, in criteria order.
func (p sealedResponsePage) Fields() []sealedAnswerField {
	out := make([]sealedAnswerField, len(p.Bid.Criteria))
	for i, k := range p.Bid.Criteria {
		f := sealedAnswerField{Name: fmt.Sprintf("answer-%d", i+1), N: i + 1, Criterion: k}
		if i < len(p.Form.Answers) {
			f.Value = p.Form.Answers[i]
		}
		f.Error = p.Errors.Message(f.Name)
		out[i] = f
	}
	return out
}

// Status is the response's status, "" before the first save.
func (p sealedResponsePage) Status() string {
	if p.Response == nil {
		return ""
	}
	return p.Response.Status
}

// Submitted reports whether a submission stands.
func (p sealedResponsePage) Submitted() bool { return p.Status() == models.ResponseSubmitted }

// SubmittedAnswers are the standing submission's answers, rendered.
func (p sealedResponsePage) SubmittedAnswers() []sealedShownAnswer {
	if !p.Submitted() {
		return nil
	}
	var out []sealedShownAnswer
	for _, a := range p.Response.Answers {
		out = append(out, sealedShownAnswer{Criterion: models.Criterion{ID: a.CriterionID, Name: a.CriterionName, Weight: a.Weight},
			HTML: templates.RenderMarkdown(a.Text)})
	}
	return out
}

// SortedCriteria are the criteria by id, the order a receipt's hash takes them in.
func (p sealedResponsePage) SortedCriteria() []models.Criterion {
	out := slices.Clone(p.Bid.Criteria)
	slices.SortFunc(out, func(a, b models.Criterion) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// loadOpportunityToRespond is the published bid named by :id, as the supplier sees it.
func (h *Handlers) loadOpportunityToRespond(c *gin.Context) (models.Bid, error) {
	b, err := h.loadBid(c)
	if err == nil && b.PublishedAt.IsZero() {
		err = fmt.Errorf("opportunity %d is not published: %w", b.ID, models.ErrNotFound)
	}
	return b, err
}

// takesResponses reports whether bid b takes responses now.
func (h *Handlers) takesResponses(b models.Bid) bool {
	return b.Status == models.BidPublished && h.DB.Clock.Now().Before(b.ResponseDeadline)
}

// renderSealedResponse shows the response page: with f and verr after a refused
// save, else with the saved response.
func (h *Handlers) renderSealedResponse(c *gin.Context, b models.Bid, f *sealedResponseForm, verr *models.ValidationError) {
	ctx, u := c.Request.Context(), *currentUser(c)
	r, receipts, err := h.DB.MyResponse(ctx, u, b.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		h.fail(c, err)
		return
	}
	outcome, err := h.DB.ResponseOutcome(ctx, u, b.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	fields := []string{}
	for i := range b.Criteria {
		fields = append(fields, fmt.Sprintf("answer-%d", i+1))
	}
	page, status := h.formPage(c, problemsInOrder(verr, append(fields, "price")...))
	data := sealedResponsePage{Page: page, Bid: b, Receipts: receipts, Open: h.takesResponses(b), Outcome: outcome, SupplierID: u.SupplierID}
	if r.ID != 0 {
		data.Response = &r
	}
	switch {
	case f != nil:
		data.Form = *f
	case data.Response != nil:
		for _, a := range r.Answers {
			data.Form.Answers = append(data.Form.Answers, a.Text)
		}
		data.Form.Price = formatPoundsInput(r.PricePence)
	}
	if c.Query("submitted") == "1" && data.Submitted() && len(receipts) > 0 && receipts[0].Kind == models.ResponseSubmitted {
		data.Panel = &receipts[0]
	}
	h.render(c, status, "response_edit", data)
}

// editResponse: GET /opportunities/:id/response, the supplier's response.
func (h *Handlers) editResponse(c *gin.Context) {
	b, err := h.loadOpportunityToRespond(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderSealedResponse(c, b, nil, nil)
}

// saveResponse: POST /opportunities/:id/response saves a draft
// (action=draft) or submits (action=submit), then 303 to the page; a
// submission's receipt is emailed and shown in a panel there.
func (h *Handlers) saveResponse(c *gin.Context) {
	ctx, u := c.Request.Context(), *currentUser(c)
	b, err := h.loadOpportunityToRespond(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The form could not be read. Nothing was saved."})
		return
	}
	in := models.ResponseInput{}
	switch c.PostForm("action") {
	case "submit":
		in.Submit = true
	case "draft", "":
	default:
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "Choose “Save draft” or “Submit response”."})
		return
	}
	f := sealedResponseForm{Price: c.PostForm("price")}
	for i, k := range b.Criteria {
		f.Answers = append(f.Answers, c.PostForm(fmt.Sprintf("answer-%d", i+1)))
		in.Answers = append(in.Answers, models.AnswerInput{CriterionID: k.ID, Text: f.Answers[i]})
	}
	if in.PricePence, err = poundsFromForm(f.Price); err != nil {
		h.renderSealedResponse(c, b, &f, &models.ValidationError{Fields: []models.FieldError{{Field: "price", Message: "Price " + err.Error()}}})
		return
	}
	_, receipt, err := h.DB.SaveResponse(ctx, u, b.ID, in)
	var verr *models.ValidationError
	switch {
	case errors.As(err, &verr):
		h.renderSealedResponse(c, b, &f, verr)
	case err != nil:
		h.fail(c, err)
	case receipt == nil:
		h.flash(c, "response-saved")
		seeOther(c, sealedResponsePath(b.ID))
	default:
		h.emailResponseReceipt(ctx, b, u, *receipt)
		seeOther(c, sealedResponsePath(b.ID)+"?submitted=1")
	}
}

// withdrawResponse: POST /opportunities/:id/response/withdraw takes the
// submission back before the deadline, with an emailed receipt.
func (h *Handlers) withdrawResponse(c *gin.Context) {
	b, _, err := h.withdrawOwnResponse(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "response-withdrawn")
	seeOther(c, sealedResponsePath(b.ID))
}

// withdrawOwnResponse takes back the signed-in supplier's submission to
// the opportunity of the URL and emails them the receipt, for the page
// and the API alike.
func (h *Handlers) withdrawOwnResponse(c *gin.Context) (models.Bid, models.Receipt, error) {
	ctx, u := c.Request.Context(), *currentUser(c)
	b, err := h.loadOpportunityToRespond(c)
	if err != nil {
		return b, models.Receipt{}, err
	}
	rc, err := h.DB.WithdrawResponse(ctx, u, b.ID)
	if err != nil {
		return b, rc, err
	}
	h.emailResponseReceipt(ctx, b, u, rc)
	return b, rc, nil
}

// emailResponseReceipt sends a submission's or withdrawal's receipt to the user
// who made it. A failed email is logged, not shown: the receipt stands
// and is on the response page.
func (h *Handlers) emailResponseReceipt(ctx context.Context, b models.Bid, u models.User, rc models.Receipt) {
	base := strings.TrimSuffix(h.Config.BaseURL, "/")
	var t strings.Builder
	subject := "Receipt for your response: " + b.Title
	if rc.Kind == models.ResponseWithdrawn {
		subject = "Receipt for withdrawing your response: " + b.Title
		fmt.Fprintf(&t, "%s withdrew %s's response to %s, led by %s.\n\n", u.Name, u.SupplierName, b.Title, b.LeadName)
		fmt.Fprintf(&t, "Withdrawn: %s\nSHA-256 of the response withdrawn: %s\n\n", models.FormatUKTime(rc.At), rc.SHA256)
		fmt.Fprintf(&t, "The councils will not evaluate it. You can submit a response again until %s.\n\n", models.FormatUKTime(b.ResponseDeadline))
	} else {
		fmt.Fprintf(&t, "%s submitted %s's response to %s, led by %s.\n\n", u.Name, u.SupplierName, b.Title, b.LeadName)
		fmt.Fprintf(&t, "Submitted: %s\nSHA-256: %s\n\n", models.FormatUKTime(rc.At), rc.SHA256)
		t.WriteString("The SHA-256 covers exactly what was submitted: the price and the answer to every criterion, " +
			"with the opportunity's and your company's numbers on Jointly. The response page explains how to recompute it.\n\n")
		fmt.Fprintf(&t, "No council can read the response before the deadline, %s. Until then you can revise it (each revision gets a new receipt) or withdraw it.\n\n",
			models.FormatUKTime(b.ResponseDeadline))
	}
	fmt.Fprintf(&t, "Your response:\n%s%s\n", base, sealedResponsePath(b.ID))
	if _, err := h.Outbox.Send(ctx, models.Email{To: u.Email, Subject: subject, Text: t.String(), Kind: "response-receipt"}); err != nil {
		h.Log.ErrorContext(ctx, "email response receipt", "err", err.Error(), "to", u.Email)
	}
}
