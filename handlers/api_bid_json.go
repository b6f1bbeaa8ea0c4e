package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// The joint bid as the API shows it (schemas Bid, BidSummary and their
// parts in openapi.json), what the API's writes take, and reading those
// bodies. Every key is always present, except the councils' side's own
// values (councilsOnly), left out for anyone else.

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

func (o councilsOnly[T]) IsZero() bool { return !o.shown }

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

// apiBidBody is what POST /api/v1/bids takes (schema BidInput).
type apiBidBody struct {
	Title               string   `json:"title"`
	Summary             string   `json:"summary"`
	Category            string   `json:"category"`
	PartnerGSS          []string `json:"partner_gss"`
	ReplacesContractIDs []int64  `json:"replaces_contract_ids"`
	InterestID          int64    `json:"interest_id"`
}

// apiSectionBody is what PUT .../sections/:section_id takes. Both keys
// are required: a body left out would empty the section.
type apiSectionBody struct {
	Body        *string `json:"body"`
	BaseVersion *int    `json:"base_version"`
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

// apiPublishBody is what POST .../publish takes; both optional.
type apiPublishBody struct {
	ResponseDeadline      *string `json:"response_deadline"`
	ClarificationDeadline *string `json:"clarification_deadline"`
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

// readAPIObject reads the request's body, one JSON object, strictly into v
// (see decodeStrict). On a problem it answers (413, 415, 400 with
// notObject, or 422 naming the fields, with messages for some: see
// bodyProblem) and returns false. what names the body in messages.
func (h *Handlers) readAPIObject(c *gin.Context, what string, v any, notObject string, messages map[string]string) bool {
	data, ok := h.readAPIBody(c, what, false)
	if !ok {
		return false
	}
	if err := decodeStrict(data, v, ""); err != nil {
		h.bodyProblem(c, err, notObject, messages)
		return false
	}
	return true
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
