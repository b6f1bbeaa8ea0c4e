package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
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

// apiBidPath is a bid's URL in the API.
func apiBidPath(id int64) string { return "/api/v1/bids/" + strconv.FormatInt(id, 10) }

// apiTime is a time as the API writes it: UTC, or null when unset.
func apiTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// councilsOnly is a value only the councils' side of a bid sees
// (BidAccess.Internal). For anyone else the key is left out, so that
// null keeps meaning "not stated".
type councilsOnly[T any] struct {
	shown bool
	v     *T
}

func (o councilsOnly[T]) IsZero() bool                 { return !o.shown }
func (o councilsOnly[T]) MarshalJSON() ([]byte, error) { return json.Marshal(o.v) }

func shownIf[T any](internal bool, v *T) councilsOnly[T] {
	return councilsOnly[T]{shown: internal, v: v}
}

// apiBidSummary is one bid in a list (schema BidSummary).
type apiBidSummary struct {
	ID               int64            `json:"id"`
	Title            string           `json:"title"`
	Category         string           `json:"category"`
	CategoryName     string           `json:"category_name"`
	LeadGSS          string           `json:"lead_gss"`
	LeadName         string           `json:"lead_name"`
	Status           models.BidStatus `json:"status"`
	Councils         int              `json:"councils"`
	ResponseDeadline *time.Time       `json:"response_deadline"`
	UpdatedAt        time.Time        `json:"updated_at"`
	URL              string           `json:"url"`
}

// apiBid is one bid with its parts (schema Bid).
type apiBid struct {
	ID                    int64                 `json:"id"`
	Title                 string                `json:"title"`
	Summary               string                `json:"summary"`
	Category              string                `json:"category"`
	CategoryName          string                `json:"category_name"`
	LeadGSS               string                `json:"lead_gss"`
	LeadName              string                `json:"lead_name"`
	Status                models.BidStatus      `json:"status"`
	Revision              int                   `json:"revision"`
	Participants          []apiBidParticipant   `json:"participants"`
	Replaces              []apiReplacedContract `json:"replaces"`
	Sections              []apiBidSection       `json:"sections"`
	Criteria              []apiCriterion        `json:"criteria"`
	ResponseDeadline      *time.Time            `json:"response_deadline"`
	ClarificationDeadline *time.Time            `json:"clarification_deadline"`
	PublishedAt           *time.Time            `json:"published_at"`
	UpdatedAt             time.Time             `json:"updated_at"`
	History               []apiBidStatusChange  `json:"history"`
	Access                apiBidAccess          `json:"access"`
}

type apiBidParticipant struct {
	GSS          string               `json:"gss"`
	Name         string               `json:"name"`
	Role         string               `json:"role"`
	State        string               `json:"state"`
	Nominee      councilsOnly[string] `json:"nominee,omitzero"`
	SignedOffAt  *time.Time           `json:"signed_off_at"`
	Requirements string               `json:"requirements"`
	Volumes      string               `json:"volumes"`
	BudgetPence  councilsOnly[int64]  `json:"budget_pence,omitzero"`
}

type apiReplacedContract struct {
	ContractID int64   `json:"contract_id"`
	CouncilGSS string  `json:"council_gss"`
	Title      *string `json:"title"`
}

type apiBidSection struct {
	ID        int64     `json:"id"`
	Heading   string    `json:"heading"`
	Position  int       `json:"position"`
	Version   int       `json:"version"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
	// UpdatedBy is left out for anyone outside the councils' side (the
	// model blanks it for them).
	UpdatedBy *string `json:"updated_by,omitempty"`
}

type apiCriterion struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Weight      int    `json:"weight"`
}

type apiBidStatusChange struct {
	Status models.BidStatus `json:"status"`
	Actor  string           `json:"actor"`
	At     time.Time        `json:"at"`
	Note   string           `json:"note"`
}

type apiBidAccess struct {
	Edit     bool `json:"edit"`
	Lead     bool `json:"lead"`
	Nominee  bool `json:"nominee"`
	Invited  bool `json:"invited"`
	Internal bool `json:"internal"`
}

func apiBidSummaryOf(s models.BidSummary) apiBidSummary {
	return apiBidSummary{ID: s.ID, Title: s.Title, Category: s.CategorySlug, CategoryName: s.CategoryName,
		LeadGSS: s.LeadGSS, LeadName: s.LeadName, Status: s.Status, Councils: s.Councils,
		ResponseDeadline: apiTime(s.ResponseDeadline), UpdatedAt: s.UpdatedAt.UTC(), URL: apiBidPath(s.ID)}
}

func apiBidSectionOf(s models.BidSection) apiBidSection {
	out := apiBidSection{ID: s.ID, Heading: s.Heading, Position: s.Position, Version: s.Version, Body: s.Body, UpdatedAt: s.UpdatedAt.UTC()}
	if s.UpdatedBy != 0 {
		out.UpdatedBy = nullable(s.UpdatedByName)
	}
	return out
}

func apiCriteriaOf(cs []models.Criterion) []apiCriterion {
	out := make([]apiCriterion, len(cs))
	for i, k := range cs {
		out[i] = apiCriterion{ID: k.ID, Name: k.Name, Description: k.Description, Weight: k.Weight}
	}
	return out
}

func apiBidOf(b models.Bid) apiBid {
	internal := b.Access.Internal
	out := apiBid{ID: b.ID, Title: b.Title, Summary: b.Summary, Category: b.CategorySlug, CategoryName: b.CategoryName,
		LeadGSS: b.LeadGSS, LeadName: b.LeadName, Status: b.Status, Revision: b.Revision,
		Participants: make([]apiBidParticipant, len(b.Participants)), Replaces: make([]apiReplacedContract, len(b.Replaces)),
		Sections: make([]apiBidSection, len(b.Sections)), Criteria: apiCriteriaOf(b.Criteria),
		ResponseDeadline: apiTime(b.ResponseDeadline), ClarificationDeadline: apiTime(b.ClarificationDeadline),
		PublishedAt: apiTime(b.PublishedAt), UpdatedAt: b.UpdatedAt.UTC(), History: make([]apiBidStatusChange, len(b.History)),
		Access: apiBidAccess{Edit: b.Access.Edit, Lead: b.Access.Lead, Nominee: b.Access.Nominee, Invited: b.Access.Invited, Internal: internal},
	}
	for i, p := range b.Participants {
		out.Participants[i] = apiBidParticipant{GSS: p.CouncilGSS, Name: p.CouncilName, Role: p.Role, State: p.State,
			Nominee: shownIf(internal, nullable(p.NomineeName)), SignedOffAt: apiTime(p.SignedOffAt),
			Requirements: p.Requirements, Volumes: p.Volumes, BudgetPence: shownIf(internal, p.BudgetPence)}
	}
	for i, r := range b.Replaces {
		out.Replaces[i] = apiReplacedContract{ContractID: r.ContractID, CouncilGSS: r.CouncilGSS, Title: nullable(r.Title)}
	}
	for i, s := range b.Sections {
		out.Sections[i] = apiBidSectionOf(s)
	}
	for i, s := range b.History {
		out.History[i] = apiBidStatusChange{Status: s.Status, Actor: s.ActorName, At: s.At.UTC(), Note: s.Note}
	}
	return out
}

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

// apiBidBody is what POST /api/v1/bids takes (schema BidInput).
type apiBidBody struct {
	Title               string   `json:"title"`
	Summary             string   `json:"summary"`
	Category            string   `json:"category"`
	PartnerGSS          []string `json:"partner_gss"`
	ReplacesContractIDs []int64  `json:"replaces_contract_ids"`
	InterestID          int64    `json:"interest_id"`
}

// apiCreateBid: POST /api/v1/bids, led by the caller's council. Invited
// councils' officers are emailed at once.
func (h *Handlers) apiCreateBid(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	data, ok := h.readAPIBody(c, "the bid", false)
	if !ok {
		return
	}
	var in apiBidBody
	if err := decodeStrict(data, &in, ""); err != nil {
		h.bodyProblem(c, err, "The body must be one JSON object: the bid.", map[string]string{
			"partner_gss":           `partner_gss must be a list of councils' GSS codes, such as ["E08000032"]`,
			"replaces_contract_ids": "replaces_contract_ids must be a list of contract ids, such as [101, 202]",
		})
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
	for _, p := range b.Participants {
		if p.State == models.InvitationInvited {
			h.emailBidInvitation(ctx, b, p.CouncilGSS, *u)
		}
	}
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

// apiSectionBody is what PUT .../sections/:section_id takes. Both keys
// are required: a body left out would empty the section.
type apiSectionBody struct {
	Body        *string `json:"body"`
	BaseVersion *int    `json:"base_version"`
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
	data, ok := h.readAPIBody(c, "the section", false)
	if !ok {
		return
	}
	var in apiSectionBody
	if err := decodeStrict(data, &in, ""); err != nil {
		h.bodyProblem(c, err, `The body must be one JSON object: {"body": …, "base_version": …}.`, nil)
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

// editConflict is the 409 problem for a save against an outdated version
// (schema EditConflictProblem).
func (h *Handlers) editConflict(c *gin.Context, e *models.EditConflict) {
	cur := e.Current
	h.writeJSON(c, http.StatusConflict, "application/problem+json", gin.H{
		"type": "about:blank", "title": "Conflict", "status": http.StatusConflict,
		"detail": fmt.Sprintf("“%s” has been saved as version %d since version %d, which your text started from. Your text was not saved: merge it with the current text and save again with base_version %d.",
			cur.Heading, cur.Version, e.BaseVersion, cur.Version),
		"instance": c.Request.URL.Path, "request_id": RequestID(c.Request.Context()),
		"base_version": e.BaseVersion,
		"current":      gin.H{"version": cur.Version, "body": cur.Body, "updated_by": nullable(cur.UpdatedByName), "updated_at": cur.UpdatedAt.UTC()},
		"yours":        e.Yours,
	})
	c.Abort()
}

// apiCriterionBody is one criterion in PUT .../criteria.
type apiCriterionBody struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Weight      int    `json:"weight"`
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

// apiCriteriaFields renames ValidateCriteria's form fields (name-1,
// weight-1, description-1, weights) as paths into the JSON array.
func apiCriteriaFields(verr *models.ValidationError) *models.ValidationError {
	out := &models.ValidationError{}
	for _, f := range verr.Fields {
		name := "criteria"
		if kind, n, ok := strings.Cut(f.Field, "-"); ok {
			if i, err := strconv.Atoi(n); err == nil {
				name = fmt.Sprintf("criteria[%d].%s", i-1, kind)
			}
		}
		out.Add(name, f.Message)
	}
	return out
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
	ctx := c.Request.Context()
	u := currentUser(c)
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	started, err := h.DB.SignOffBid(ctx, *u, b.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if b, err = h.DB.BidByID(ctx, *u, b.ID); err != nil {
		h.fail(c, err)
		return
	}
	if started {
		h.emailSignOffRequests(ctx, b, *u)
	}
	h.json(c, http.StatusOK, apiBidOf(b))
}

// apiPublishBody is what POST .../publish takes; both optional.
type apiPublishBody struct {
	ResponseDeadline      *string `json:"response_deadline"`
	ClarificationDeadline *string `json:"clarification_deadline"`
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

// readAPIBody reads a JSON request body. On a problem it answers (415,
// 413 or a failure) and returns false. An optional body may be empty,
// with any Content-Type or none: then it returns nil, true.
func (h *Handlers) readAPIBody(c *gin.Context, what string, optional bool) ([]byte, bool) {
	data, err := io.ReadAll(c.Request.Body)
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		h.problem(c, http.StatusRequestEntityTooLarge, "Content Too Large", fmt.Sprintf("Send %s in under %d bytes of JSON.", what, maxErr.Limit))
		return nil, false
	}
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	if optional && len(bytes.TrimSpace(data)) == 0 {
		return nil, true
	}
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		h.problem(c, http.StatusUnsupportedMediaType, "Unsupported Media Type", "Send "+what+" as JSON, with Content-Type: application/json.")
		return nil, false
	}
	return data, true
}

// bodyProblem answers decodeStrict's error: 422 naming the fields (with
// clearer messages for some, since "must be a string" misleads for a
// list), or 400 with notObject when the body is not one JSON object.
func (h *Handlers) bodyProblem(c *gin.Context, err error, notObject string, messages map[string]string) {
	var verr *models.ValidationError
	if !errors.As(err, &verr) {
		h.problem(c, http.StatusBadRequest, "Bad Request", notObject)
		return
	}
	for i, f := range verr.Fields {
		if m, ok := messages[f.Field]; ok && !strings.HasSuffix(f.Message, "is not a field of this object") {
			verr.Fields[i].Message = m
		}
	}
	h.validationProblem(c, verr)
}
