package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// A supplier's sealed response through the API: the same rules as the
// page (models/response.go), the same receipts, emailed the same way.

// apiSealedResponse is a supplier's own response (schema SupplierResponse).
type apiSealedResponse struct {
	BidID            int64              `json:"bid_id"`
	ResponseDeadline *time.Time         `json:"response_deadline"`
	Status           string             `json:"status"`
	PricePence       *int64             `json:"price_pence"`
	Answers          []apiSealedAnswer  `json:"answers"`
	SubmittedAt      *time.Time         `json:"submitted_at"`
	SHA256           *string            `json:"sha256"`
	Receipts         []apiSealedReceipt `json:"receipts"`
	Outcome          *apiSealedOutcome  `json:"outcome"`
}

type apiSealedAnswer struct {
	CriterionID int64  `json:"criterion_id"`
	Criterion   string `json:"criterion"`
	Text        string `json:"text"`
}

type apiSealedReceipt struct {
	Kind   string    `json:"kind"`
	SHA256 string    `json:"sha256"`
	At     time.Time `json:"at"`
}

// apiSealedOutcome is the bid's outcome for the supplier, once awarded.
type apiSealedOutcome struct {
	Awarded    bool        `json:"awarded"`
	Won        bool        `json:"won"`
	Winner     string      `json:"winner"`
	ValuePence int64       `json:"value_pence"`
	StartDate  models.Date `json:"start_date"`
	EndDate    models.Date `json:"end_date"`
}

// apiSealedResponseBody is what PUT .../response takes. answers is required
// (the save replaces every answer); price_pence may be null in a draft.
type apiSealedResponseBody struct {
	Answers    []json.RawMessage `json:"answers"`
	PricePence *int64            `json:"price_pence"`
	Submit     bool              `json:"submit"`
}

type apiSealedAnswerBody struct {
	CriterionID int64  `json:"criterion_id"`
	Text        string `json:"text"`
}

// apiSealedResponseOf writes a supplier's response with its receipts and outcome.
func apiSealedResponseOf(b models.Bid, r models.Response, receipts []models.Receipt, o models.Outcome) apiSealedResponse {
	out := apiSealedResponse{BidID: b.ID, ResponseDeadline: apiTime(b.ResponseDeadline), Status: r.Status, PricePence: r.PricePence,
		Answers: []apiSealedAnswer{}, SubmittedAt: apiTime(r.SubmittedAt), SHA256: nullable(r.SHA256), Receipts: []apiSealedReceipt{}}
	for _, a := range r.Answers {
		out.Answers = append(out.Answers, apiSealedAnswer{CriterionID: a.CriterionID, Criterion: a.CriterionName, Text: a.Text})
	}
	for _, rc := range receipts {
		out.Receipts = append(out.Receipts, apiSealedReceipt{Kind: rc.Kind, SHA256: rc.SHA256, At: rc.At.UTC()})
	}
	if o.Awarded {
		out.Outcome = &apiSealedOutcome{Awarded: true, Won: o.Won, Winner: o.WinnerName, ValuePence: o.ValuePence, StartDate: o.StartDate, EndDate: o.EndDate}
	}
	return out
}

// mySealedResponse is the caller's response to bid b as the API writes it.
func (h *Handlers) mySealedResponse(c *gin.Context, b models.Bid) (apiSealedResponse, error) {
	ctx, u := c.Request.Context(), *currentUser(c)
	r, receipts, err := h.DB.MyResponse(ctx, u, b.ID)
	if err != nil {
		return apiSealedResponse{}, err
	}
	o, err := h.DB.ResponseOutcome(ctx, u, b.ID)
	if err != nil {
		return apiSealedResponse{}, err
	}
	return apiSealedResponseOf(b, r, receipts, o), nil
}

// apiShowResponse: GET /api/v1/opportunities/:id/response, the caller's
// supplier's own response; 404 before its first save.
func (h *Handlers) apiShowResponse(c *gin.Context) {
	b, err := h.loadOpportunityToRespond(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	out, err := h.mySealedResponse(c, b)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.json(c, http.StatusOK, out)
}

// apiSaveResponse: PUT /api/v1/opportunities/:id/response saves the whole
// response, as a draft or (submit: true) submitted with a receipt. After
// the deadline, or a draft over a submission, it is a 409 problem.
func (h *Handlers) apiSaveResponse(c *gin.Context) {
	ctx, u := c.Request.Context(), *currentUser(c)
	b, err := h.loadOpportunityToRespond(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var body apiSealedResponseBody
	if !h.readAPIObject(c, "the response", &body, `The body must be one JSON object: {"answers": [{"criterion_id": …, "text": …}], "price_pence": …, "submit": …}.`,
		map[string]string{"answers": `answers must be a list of {"criterion_id": …, "text": …}`}) {
		return
	}
	in, verr := sealedResponseInputOf(b, body)
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	_, receipt, err := h.DB.SaveResponse(ctx, u, b.ID, in)
	if errors.As(err, &verr) {
		h.validationProblem(c, apiSealedResponseFields(b, in, verr))
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	out := gin.H{"receipt": nil}
	if receipt != nil {
		h.emailResponseReceipt(ctx, b, u, *receipt)
		out["receipt"] = gin.H{"sha256": receipt.SHA256, "submitted_at": receipt.At.UTC()}
	}
	r, err := h.mySealedResponse(c, b)
	if err != nil {
		h.fail(c, err)
		return
	}
	out["status"], out["response"] = r.Status, r
	h.json(c, http.StatusOK, out)
}

// sealedResponseInputOf reads the body's answers, each one of bid b's criteria
// at most once, naming answers[i] in any problem.
func sealedResponseInputOf(b models.Bid, body apiSealedResponseBody) (models.ResponseInput, *models.ValidationError) {
	in := models.ResponseInput{PricePence: body.PricePence, Submit: body.Submit}
	verr := &models.ValidationError{}
	if body.Answers == nil {
		verr.Add("answers", `Give every answer in answers, as [{"criterion_id": …, "text": …}] ([] for none yet): saving replaces them all`)
	}
	seen := map[int64]bool{}
	for i, raw := range body.Answers {
		var a apiSealedAnswerBody
		prefix := fmt.Sprintf("answers[%d]", i)
		err := decodeStrict(raw, &a, prefix)
		var aerr *models.ValidationError
		switch {
		case errors.As(err, &aerr):
			verr.Fields = append(verr.Fields, aerr.Fields...)
			continue
		case err != nil:
			verr.Add(prefix, prefix+` must be an object: {"criterion_id": …, "text": …}`)
			continue
		}
		known := false
		for _, k := range b.Criteria {
			known = known || k.ID == a.CriterionID
		}
		switch {
		case !known:
			verr.Add(prefix+".criterion_id", fmt.Sprintf("%s.criterion_id must be the id of one of this opportunity's criteria, not %d", prefix, a.CriterionID))
		case seen[a.CriterionID]:
			verr.Add(prefix+".criterion_id", fmt.Sprintf("%s.criterion_id: criterion %d is answered twice", prefix, a.CriterionID))
		}
		seen[a.CriterionID] = true
		in.Answers = append(in.Answers, models.AnswerInput{CriterionID: a.CriterionID, Text: a.Text})
	}
	return in, verr
}

// apiSealedResponseFields renames the model's form fields (answer-N for the
// Nth criterion, price) as the body's: answers[i].text for the answer
// the body gave, answers for one it left out, price_pence.
func apiSealedResponseFields(b models.Bid, in models.ResponseInput, verr *models.ValidationError) *models.ValidationError {
	out := &models.ValidationError{}
	for _, f := range verr.Fields {
		name := f.Field
		if n, ok := strings.CutPrefix(f.Field, "answer-"); ok {
			name = "answers"
			if k, err := strconv.Atoi(n); err == nil && k >= 1 && k <= len(b.Criteria) {
				for i, a := range in.Answers {
					if a.CriterionID == b.Criteria[k-1].ID {
						name = fmt.Sprintf("answers[%d].text", i)
					}
				}
			}
		} else if f.Field == "price" {
			name = "price_pence"
		}
		out.Add(name, f.Message)
	}
	return out
}

// apiWithdrawResponse: POST /api/v1/opportunities/:id/response/withdraw
// takes a submission back before the deadline, with an emailed receipt.
func (h *Handlers) apiWithdrawResponse(c *gin.Context) {
	_, rc, err := h.withdrawOwnResponse(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.json(c, http.StatusOK, gin.H{"status": models.ResponseWithdrawn,
		"receipt": gin.H{"sha256": rc.SHA256, "withdrawn_at": rc.At.UTC()}})
}
