package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// The joint bids' JSON API. Who may see and change a bid is the bid
// model's rule (bidAccess): a bid the caller may not know about is 404,
// never 403, so its existence does not leak. Writes load the bid before
// reading the body, so a refusal never depends on the body either.

// apiIntQuery reads a whole-number query parameter from min to max.
func apiIntQuery(c *gin.Context, name string, def, min, max int, verr *models.ValidationError) int {
	s, ok := c.GetQuery(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		verr.Add(name, fmt.Sprintf("%s must be a whole number from %d to %d", name, min, max))
	}
	return n
}

// apiListBids: GET /api/v1/bids[?q=&status=&mine=true&limit=&offset=]:
// the bids the caller may see (the model's rule), newest activity first,
// or best match first when searching.
func (h *Handlers) apiListBids(c *gin.Context) {
	f := models.BidFilter{Q: c.Query("q")}
	verr := &models.ValidationError{}
	if s := c.Query("status"); s != "" {
		f.Status = models.BidStatus(s)
		if !slices.Contains(models.BidStatuses, f.Status) {
			names := make([]string, len(models.BidStatuses))
			for i, st := range models.BidStatuses {
				names[i] = string(st)
			}
			verr.Add("status", "status must be one of "+strings.Join(names, ", "))
		}
	}
	if s, ok := c.GetQuery("mine"); ok {
		mine, err := strconv.ParseBool(s)
		if err != nil {
			verr.Add("mine", "mine must be true or false")
		}
		f.Mine = mine
	}
	f.Limit = apiIntQuery(c, "limit", 50, 1, 200, verr)
	f.Offset = apiIntQuery(c, "offset", 0, 0, 1_000_000, verr)
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	bids, total, err := h.DB.Bids(c.Request.Context(), *currentUser(c), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiBidSummary, len(bids))
	for i, b := range bids {
		out[i] = apiBidSummaryOf(b)
	}
	h.json(c, http.StatusOK, gin.H{"bids": out, "total": total})
}

// apiCreateBid: POST /api/v1/bids, led by the caller's council. Invited
// councils' officers are emailed at once.
func (h *Handlers) apiCreateBid(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	var in apiBidBody
	listMessages := map[string]string{
		"partner_gss":           `partner_gss must be a list of councils' GSS codes, such as ["E08000032"]`,
		"replaces_contract_ids": "replaces_contract_ids must be a list of contract ids, such as [101, 202]",
	}
	if !h.readAPIObject(c, "the bid", &in, "The body must be one JSON object: the bid.", listMessages) {
		return
	}
	id, err := h.DB.CreateBid(ctx, *u, models.NewBid{Title: in.Title, Summary: in.Summary, CategorySlug: in.Category,
		PartnerGSS: in.PartnerGSS, ReplacesContractIDs: in.ReplacesContractIDs, FromInterestID: in.InterestID})
	if errors.Is(err, models.ErrNotFound) && in.InterestID != 0 {
		// The only thing CreateBid can fail to find is the expression of
		// interest: a field of the body, not the URL.
		h.validationProblem(c, &models.ValidationError{Fields: []models.FieldError{{Field: "interest_id",
			Message: "interest_id must be an expression of interest your council sent or received"}}})
		return
	}
	if err != nil {
		h.apiFail(c, err)
		return
	}
	b, err := h.DB.BidByID(ctx, *u, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.emailInvitations(ctx, b, "", *u)
	c.Header("Location", apiBidPath(id))
	h.json(c, http.StatusCreated, apiBidOf(b))
}

// apiShowBid: GET /api/v1/bids/:id.
func (h *Handlers) apiShowBid(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.json(c, http.StatusOK, apiBidOf(b))
}

// apiShowSection: GET /api/v1/bids/:id/sections/:section_id.
func (h *Handlers) apiShowSection(c *gin.Context) {
	bidID, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	sectionID, err := idParam(c, "section_id")
	if err != nil {
		h.fail(c, err)
		return
	}
	s, err := h.DB.BidSection(c.Request.Context(), *currentUser(c), bidID, sectionID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.json(c, http.StatusOK, apiBidSectionOf(s))
}

// apiSaveSection: PUT /api/v1/bids/:id/sections/:section_id saves the
// next version, if base_version is still the latest. Otherwise nothing is
// saved and the 409 carries the current version and the refused text, so
// the client can merge them and save again against the current version.
func (h *Handlers) apiSaveSection(c *gin.Context) {
	u := currentUser(c)
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	sectionID, err := idParam(c, "section_id")
	if err != nil {
		h.fail(c, err)
		return
	}
	var in apiSectionBody
	if !h.readAPIObject(c, "the section", &in, `The body must be one JSON object: {"body": …, "base_version": …}.`, nil) {
		return
	}
	verr := &models.ValidationError{}
	if in.Body == nil {
		verr.Add("body", "Give the section's whole text in body (\"\" to empty it)")
	}
	if in.BaseVersion == nil {
		verr.Add("base_version", "Say which version of the section you started from, in base_version")
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	s, err := h.DB.SaveSection(c.Request.Context(), *u, b.ID, sectionID, *in.Body, *in.BaseVersion)
	var conflict *models.EditConflict
	if errors.As(err, &conflict) {
		h.editConflict(c, conflict)
		return
	}
	if err != nil {
		h.apiFail(c, err)
		return
	}
	h.json(c, http.StatusOK, apiBidSectionOf(s))
}

// apiSetCriteria: PUT /api/v1/bids/:id/criteria replaces the evaluation
// criteria with the body, a JSON array whose weights add up to 100.
// Problems name criteria[i].name, criteria[i].weight or
// criteria[i].description (i from 0, as in the array), or criteria for
// the list as a whole (the weights' sum, too few or too many).
func (h *Handlers) apiSetCriteria(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	data, ok := h.readAPIBody(c, "the criteria", false)
	if !ok {
		return
	}
	const notArray = `The body must be one JSON array of criteria: [{"name": …, "weight": …, "description": …}].`
	var raw []json.RawMessage
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("[")) || json.Unmarshal(data, &raw) != nil {
		h.problem(c, http.StatusBadRequest, "Bad Request", notArray)
		return
	}
	in := make([]models.CriterionInput, len(raw))
	verr := &models.ValidationError{}
	for i, r := range raw {
		var k apiCriterionBody
		err := decodeStrict(r, &k, fmt.Sprintf("criteria[%d]", i))
		var kerr *models.ValidationError
		switch {
		case errors.As(err, &kerr):
			verr.Fields = append(verr.Fields, kerr.Fields...)
		case err != nil:
			h.problem(c, http.StatusBadRequest, "Bad Request", notArray)
			return
		}
		in[i] = models.CriterionInput{Name: k.Name, Description: k.Description, Weight: k.Weight}
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	if err := h.DB.SetCriteria(ctx, *u, b.ID, in); err != nil {
		if errors.As(err, &verr) {
			h.validationProblem(c, apiCriteriaFields(verr))
			return
		}
		h.fail(c, err)
		return
	}
	if b, err = h.DB.BidByID(ctx, *u, b.ID); err != nil {
		h.fail(c, err)
		return
	}
	h.json(c, http.StatusOK, gin.H{"criteria": apiCriteriaOf(b.Criteria)})
}

// apiAcceptInvitation: POST /api/v1/bids/:id/invitations/:gss/accept, by
// an officer of that council, who is then nominated to sign off for it.
func (h *Handlers) apiAcceptInvitation(c *gin.Context) { h.apiAnswerInvitation(c, true) }

// apiDeclineInvitation: POST /api/v1/bids/:id/invitations/:gss/decline.
// The council can no longer read the draft, so the answer is only the
// invitation's new state.
func (h *Handlers) apiDeclineInvitation(c *gin.Context) { h.apiAnswerInvitation(c, false) }

func (h *Handlers) apiAnswerInvitation(c *gin.Context, accept bool) {
	ctx := c.Request.Context()
	u := currentUser(c)
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.AnswerInvitation(ctx, *u, b.ID, c.Param("gss"), accept); err != nil {
		h.fail(c, err)
		return
	}
	if !accept {
		h.json(c, http.StatusOK, gin.H{"status": models.InvitationDeclined})
		return
	}
	h.respondBid(c, b.ID)
}

// apiSignOff: POST /api/v1/bids/:id/signoff, by the caller's council's
// nominated officer. The first sign-off asks the other nominees by email.
func (h *Handlers) apiSignOff(c *gin.Context) {
	b, err := h.loadBid(c)
	if err == nil {
		err = h.signOff(c.Request.Context(), *currentUser(c), b.ID)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.respondBid(c, b.ID)
}

// apiPublishBid: POST /api/v1/bids/:id/publish, by a lead officer once
// every council has signed off. Deadlines are RFC 3339 times; one left
// out (or no body at all) takes the default.
func (h *Handlers) apiPublishBid(c *gin.Context) {
	u := currentUser(c)
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	data, ok := h.readAPIBody(c, "the deadlines", true)
	if !ok {
		return
	}
	var body apiPublishBody
	if data != nil {
		if err := decodeStrict(data, &body, ""); err != nil {
			h.bodyProblem(c, err, "The body must be one JSON object: the deadlines, or no body for the defaults.", nil)
			return
		}
	}
	var in models.PublishInput
	verr := &models.ValidationError{}
	for _, d := range []struct {
		field string
		text  *string
		into  *time.Time
	}{
		{"response_deadline", body.ResponseDeadline, &in.ResponseDeadline},
		{"clarification_deadline", body.ClarificationDeadline, &in.ClarificationDeadline},
	} {
		if d.text == nil {
			continue
		}
		t, err := time.Parse(time.RFC3339, *d.text)
		if err != nil {
			verr.Add(d.field, fmt.Sprintf("%s must be a time written like 2027-03-15T12:00:00Z, not %q", d.field, *d.text))
		}
		*d.into = t
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	if err := h.DB.PublishBid(c.Request.Context(), *u, b.ID, in); err != nil {
		h.apiFail(c, err)
		return
	}
	h.respondBid(c, b.ID)
}

// respondBid answers 200 with bid id as the caller now sees it.
func (h *Handlers) respondBid(c *gin.Context, id int64) {
	b, err := h.DB.BidByID(c.Request.Context(), *currentUser(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.json(c, http.StatusOK, apiBidOf(b))
}
