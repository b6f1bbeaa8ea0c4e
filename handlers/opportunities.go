package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// Opportunities: published joint bids as suppliers read them, without
// signing in. What may be listed and shown is the model's rule
// (models.DB.Opportunities and OpportunityByID read only published bids,
// and only their public content, whoever asks). A signed-in supplier also
// follows an opportunity here, asks questions (questions.go) and goes on
// to its response (responses.go).

func init() {
	flashes["opportunity-followed"] = "You are following this opportunity. We will email you each answer to a clarification question as it is published."
	flashes["opportunity-unfollowed"] = "You have stopped following this opportunity."
}

// opportunitiesPerPage is how many opportunities the list shows at once.
const opportunitiesPerPage = 50

// opportunityPath is an opportunity's page.
func opportunityPath(id int64) string { return "/opportunities/" + strconv.FormatInt(id, 10) }

// opportunityFilterForm is the list's filters as typed: values in pounds,
// the date as the date input sends it (YYYY-MM-DD).
type opportunityFilterForm struct {
	Q             string
	Category      string
	MinValue      string
	MaxValue      string
	ClosingBefore string
	IncludeClosed bool
}

type opportunityRow struct {
	models.Opportunity
	Estimate      string // "£1,200,000", or "" when none was given
	OtherCouncils int    // taking part besides the lead
}

type opportunityListPage struct {
	Page
	Form          opportunityFilterForm
	Categories    []models.Category
	Opportunities []opportunityRow
	Total         int
	Searching     bool
	Filtered      bool
	Pagination    *pagination
}

// listOpportunities is GET /opportunities[?q=&category=&min_value=&max_value=
// &closing_before=&include_closed=1&page=]: open opportunities by default,
// closing soonest first. A filter that cannot be read is named beside its
// field (422) and left out of the search.
func (h *Handlers) listOpportunities(c *gin.Context) {
	ctx := c.Request.Context()
	f := opportunityFilterForm{Q: strings.TrimSpace(c.Query("q")), Category: c.Query("category"),
		MinValue: strings.TrimSpace(c.Query("min_value")), MaxValue: strings.TrimSpace(c.Query("max_value")),
		ClosingBefore: strings.TrimSpace(c.Query("closing_before")), IncludeClosed: c.Query("include_closed") == "1"}
	cats, err := h.DB.Categories(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	filter := models.OpportunityFilter{Q: f.Q, Open: !f.IncludeClosed}
	for _, k := range cats {
		if k.Slug == f.Category {
			filter.Category = k.Slug
		}
	}
	f.Category = filter.Category
	verr := &models.ValidationError{}
	if filter.MinValuePence, err = poundsFromForm(f.MinValue); err != nil || (filter.MinValuePence != nil && *filter.MinValuePence < 0) {
		verr.Add("min_value", "Lowest value must be an amount in pounds, like 50,000")
		filter.MinValuePence = nil
	}
	if filter.MaxValuePence, err = poundsFromForm(f.MaxValue); err != nil || (filter.MaxValuePence != nil && *filter.MaxValuePence < 0) {
		verr.Add("max_value", "Highest value must be an amount in pounds, like 1,000,000")
		filter.MaxValuePence = nil
	}
	if filter.ClosingBefore, err = models.ParseISODate(f.ClosingBefore); err != nil {
		verr.Add("closing_before", "Closing date must be a real date, like 2027-03-31")
		filter.ClosingBefore = models.Date{}
	}
	page := min(pageParam(c.Query("page")), 100_000)
	filter.Limit, filter.Offset = opportunitiesPerPage, (page-1)*opportunitiesPerPage
	list, total, err := h.DB.Opportunities(ctx, userOrAnonymous(c), filter)
	if err != nil {
		h.fail(c, err)
		return
	}
	rows := make([]opportunityRow, len(list))
	for i, o := range list {
		rows[i] = opportunityRow{Opportunity: o, OtherCouncils: max(o.Councils-1, 0)}
		if o.EstimatedValuePence != nil {
			rows[i].Estimate = templates.FormatPence(*o.EstimatedValuePence)
		}
	}
	href := func(n int) string {
		v := url.Values{}
		for k, s := range map[string]string{"q": f.Q, "category": f.Category, "min_value": f.MinValue,
			"max_value": f.MaxValue, "closing_before": f.ClosingBefore} {
			if s != "" {
				v.Set(k, s)
			}
		}
		if f.IncludeClosed {
			v.Set("include_closed", "1")
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/opportunities"
		}
		return "/opportunities?" + v.Encode()
	}
	p, status := h.formPage(c, verr)
	h.render(c, status, "opportunities", opportunityListPage{Page: p, Form: f, Categories: cats, Opportunities: rows,
		Total: total, Searching: models.FTSQuery(f.Q) != "",
		Filtered:   f.Q != "" || f.Category != "" || f.MinValue != "" || f.MaxValue != "" || f.ClosingBefore != "" || f.IncludeClosed,
		Pagination: paginate("Pages of opportunities", page, pageCount(total, opportunitiesPerPage), href)})
}

// userOrAnonymous is the current user, or the anonymous visitor.
func userOrAnonymous(c *gin.Context) models.User {
	if u := currentUser(c); u != nil {
		return *u
	}
	return models.User{}
}

// qaView is one published question and answer, ready to show.
type qaView struct {
	models.PublishedAnswer
	QuestionParagraphs, AnswerParagraphs []string
}

type opportunityPage struct {
	Page
	Opp          models.OpportunityDetail
	Bid          models.Bid
	Summary      []string
	Estimate     string
	Participants []bidParticipantView
	Sections     []bidSectionView
	Deadlines    []string // in plain words, UK time
	QA           []qaView
	CancelNote   string // why it was cancelled, when it was
	// Who is looking: a supplier gets the controls, a visitor the way in.
	Supplier, Anonymous bool
	// QuestionsDeadline is when questions close, in words; QuestionsClosed
	// says when they closed, once they have.
	QuestionsDeadline, QuestionsClosed string
	Question                           string // the question as typed, when it is shown again
}

// showOpportunity is an opportunity's page: GET /opportunities/:id.
func (h *Handlers) showOpportunity(c *gin.Context) {
	h.renderOpportunity(c, nil, "")
}

// renderOpportunity shows the opportunity named by :id, with the ask form's
// problems (422) and the question as typed when there are any.
func (h *Handlers) renderOpportunity(c *gin.Context, verr *models.ValidationError, question string) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	viewer := userOrAnonymous(c)
	d, err := h.DB.OpportunityByID(c.Request.Context(), viewer, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	b := d.Bid
	p, status := h.formPage(c, verr)
	data := opportunityPage{Page: p, Opp: d, Bid: b, Summary: bidParagraphs(b.Summary), Question: question,
		Supplier: viewer.Role == models.RoleSupplier, Anonymous: viewer.Role == models.RoleAnonymous}
	if d.EstimatedValuePence != nil {
		data.Estimate = templates.FormatPence(*d.EstimatedValuePence)
	}
	for _, pt := range b.Participants {
		v := bidParticipantView{BidParticipant: pt, RoleLabel: "Partner",
			RequirementsHTML: templates.RenderMarkdown(pt.Requirements), VolumesHTML: templates.RenderMarkdown(pt.Volumes)}
		if pt.Role == models.ParticipantLead {
			v.RoleLabel = "Lead"
		}
		data.Participants = append(data.Participants, v)
	}
	for _, s := range b.Sections {
		data.Sections = append(data.Sections, bidSectionView{BidSection: s, BodyHTML: templates.RenderMarkdown(s.Body)})
	}
	now := h.DB.Clock.Now()
	data.Deadlines = []string{
		"Published " + models.FormatUKTime(b.PublishedAt),
		deadlineWords(now, b.ClarificationDeadline, "Questions close ", "Questions closed "),
		deadlineWords(now, b.ResponseDeadline, "Responses are due by ", "Responses closed "),
	}
	data.QuestionsDeadline = models.FormatUKTime(b.ClarificationDeadline)
	if !d.QuestionsOpen && b.Status != models.BidCancelled {
		data.QuestionsClosed = "Questions closed " + models.FormatUKTime(b.ClarificationDeadline) + "."
	}
	for _, qa := range d.QA {
		data.QA = append(data.QA, qaView{PublishedAnswer: qa, QuestionParagraphs: bidParagraphs(qa.Question),
			AnswerParagraphs: bidParagraphs(qa.Answer)})
	}
	if b.Status == models.BidCancelled {
		for _, ch := range b.History {
			if ch.Status == models.BidCancelled {
				data.CancelNote = ch.Note
			}
		}
	}
	h.render(c, status, "opportunity", data)
}

// deadlineWords is a deadline in a sentence, in the future or past tense.
func deadlineWords(now, deadline time.Time, future, past string) string {
	if now.Before(deadline) {
		return future + models.FormatUKTime(deadline)
	}
	return past + models.FormatUKTime(deadline)
}

// followOpportunity follows an opportunity (follow=1) or stops (follow=0):
// POST /opportunities/:id/follow, then back to the opportunity.
func (h *Handlers) followOpportunity(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	follow := c.PostForm("follow")
	if follow != "1" && follow != "0" {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "Choose whether to follow the opportunity."})
		return
	}
	if err := h.DB.FollowOpportunity(c.Request.Context(), *currentUser(c), id, follow == "1"); err != nil {
		h.fail(c, err)
		return
	}
	if follow == "1" {
		h.flash(c, "opportunity-followed")
	} else {
		h.flash(c, "opportunity-unfollowed")
	}
	seeOther(c, opportunityPath(id))
}

// The opportunities' JSON API.

// apiOpportunityPath is an opportunity's URL in the API.
func apiOpportunityPath(id int64) string { return "/api/v1/opportunities/" + strconv.FormatInt(id, 10) }

// apiOpportunitySummary is one opportunity in the list (schema OpportunitySummary).
type apiOpportunitySummary struct {
	ID                    int64            `json:"id"`
	Title                 string           `json:"title"`
	Summary               string           `json:"summary"`
	Category              string           `json:"category"`
	CategoryName          string           `json:"category_name"`
	LeadGSS               string           `json:"lead_gss"`
	LeadName              string           `json:"lead_name"`
	Councils              int              `json:"councils"`
	Status                models.BidStatus `json:"status"`
	EstimatedValuePence   *int64           `json:"estimated_value_pence"`
	ResponseDeadline      *time.Time       `json:"response_deadline"`
	ClarificationDeadline *time.Time       `json:"clarification_deadline"`
	PublishedAt           *time.Time       `json:"published_at"`
	URL                   string           `json:"url"`
}

// apiPublishedAnswer is one published question and answer (schema PublishedAnswer).
type apiPublishedAnswer struct {
	Number     int       `json:"number"`
	Question   string    `json:"question"`
	Answer     string    `json:"answer"`
	AnsweredAt time.Time `json:"answered_at"`
}

// apiOpportunity is one opportunity: the bid as the public sees it (schema
// Bid) with its estimate, whether questions and responses are open now,
// and the published questions and answers.
type apiOpportunity struct {
	apiBid
	EstimatedValuePence *int64               `json:"estimated_value_pence"`
	QuestionsOpen       bool                 `json:"questions_open"`
	ResponsesOpen       bool                 `json:"responses_open"`
	Questions           []apiPublishedAnswer `json:"questions"`
}

func apiPublishedAnswerOf(a models.PublishedAnswer) apiPublishedAnswer {
	return apiPublishedAnswer{Number: a.Number, Question: a.Question, Answer: a.Answer, AnsweredAt: a.AnsweredAt.UTC()}
}

// apiListOpportunities: GET /api/v1/opportunities[?q=&category=&min_value=
// &max_value=&closing_before=&include_closed=true&limit=&offset=], values
// in pence. Open opportunities only unless include_closed.
func (h *Handlers) apiListOpportunities(c *gin.Context) {
	f := models.OpportunityFilter{Q: c.Query("q"), Category: c.Query("category"), Open: true}
	verr := &models.ValidationError{}
	for _, v := range []struct {
		name string
		into **int64
	}{{"min_value", &f.MinValuePence}, {"max_value", &f.MaxValuePence}} {
		if s, ok := c.GetQuery(v.name); ok {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				verr.Add(v.name, v.name+" must be a whole number of pence, 0 or more")
			}
			*v.into = &n
		}
	}
	if s, ok := c.GetQuery("closing_before"); ok {
		d, err := models.ParseISODate(s)
		if err != nil || d.IsZero() {
			verr.Add("closing_before", "closing_before must be a date written like 2027-03-31")
		}
		f.ClosingBefore = d
	}
	if s, ok := c.GetQuery("include_closed"); ok {
		all, err := strconv.ParseBool(s)
		if err != nil {
			verr.Add("include_closed", "include_closed must be true or false")
		}
		f.Open = !all
	}
	f.Limit = apiIntQuery(c, "limit", 50, 1, 200, verr)
	f.Offset = apiIntQuery(c, "offset", 0, 0, 1_000_000, verr)
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	list, total, err := h.DB.Opportunities(c.Request.Context(), userOrAnonymous(c), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiOpportunitySummary, len(list))
	for i, o := range list {
		out[i] = apiOpportunitySummary{ID: o.ID, Title: o.Title, Summary: o.Summary, Category: o.CategorySlug,
			CategoryName: o.CategoryName, LeadGSS: o.LeadGSS, LeadName: o.LeadName, Councils: o.Councils, Status: o.Status,
			EstimatedValuePence: o.EstimatedValuePence, ResponseDeadline: apiTime(o.ResponseDeadline),
			ClarificationDeadline: apiTime(o.ClarificationDeadline), PublishedAt: apiTime(o.PublishedAt), URL: apiOpportunityPath(o.ID)}
	}
	h.json(c, http.StatusOK, gin.H{"opportunities": out, "total": total})
}

// apiShowOpportunity: GET /api/v1/opportunities/:id, 404 for a bid never
// published.
func (h *Handlers) apiShowOpportunity(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	d, err := h.DB.OpportunityByID(c.Request.Context(), userOrAnonymous(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := apiOpportunity{apiBid: apiBidOf(d.Bid), EstimatedValuePence: d.EstimatedValuePence,
		QuestionsOpen: d.QuestionsOpen, ResponsesOpen: d.ResponsesOpen, Questions: make([]apiPublishedAnswer, len(d.QA))}
	for i, a := range d.QA {
		out.Questions[i] = apiPublishedAnswerOf(a)
	}
	h.json(c, http.StatusOK, out)
}
