package handlers

import (
	"html"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Search: one box across the library, the contract registers, suppliers
// and joint bids, as a page and as JSON. What may appear is the model's
// rule (models.DB.Search): exactly what each result's own page would show
// the same person, so the page and the API need no rules of their own.

// searchResultsShown is how many results a search returns unless the API
// asks for another number.
const searchResultsShown = 20

// searchForm is a search as typed: the words, and the result types ticked
// (none ticked: every type the viewer may see).
type searchForm struct {
	Q     string
	Types []string
}

// readSearch reads q and type (repeatable, or comma-separated) from the
// query string. A type the viewer may not see is kept, and finds nothing
// (the model's rule); a type that does not exist is an error, which the
// page ignores and the API reports.
func readSearch(c *gin.Context) (searchForm, *models.ValidationError) {
	verr := &models.ValidationError{}
	f := searchForm{Q: strings.TrimSpace(c.Query("q"))}
	if utf8.RuneCountInString(f.Q) > models.MaxSearchQuery {
		verr.Add("q", "Search for "+strconv.Itoa(models.MaxSearchQuery)+" characters or fewer")
	}
	for _, v := range c.QueryArray("type") {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			switch {
			case t == "" || slices.Contains(f.Types, t):
			case !slices.Contains(models.SearchTypes, t):
				if !verr.Has("type") {
					verr.Add("type", "Type must be one of "+strings.Join(models.SearchTypes, ", "))
				}
			default:
				f.Types = append(f.Types, t)
			}
		}
	}
	return f, verr
}

// searchType is one result type's checkbox.
type searchType struct {
	ID, Value, Label string
	Checked          bool
}

// searchResultView is one result, ready to show.
type searchResultView struct {
	models.SearchResult
	TypeLabel string
	Tag       string // the GOV.UK tag colour
	Snippet   template.HTML
}

type searchPage struct {
	Page
	Form     searchForm
	Types    []searchType
	Results  []searchResultView
	Shown    int  // the most results a search shows
	Searched bool // there were words to search for
	Filtered bool // some types were ticked
}

// showSearch is GET /search?q=&type=: the box, the filters and, when
// there are words, the best matches first. A query that is too long is
// named beside the box (422) and not run.
func (h *Handlers) showSearch(c *gin.Context) {
	viewer := userOrAnonymous(c)
	f, verr := readSearch(c)
	verr.Fields = slices.DeleteFunc(verr.Fields, func(fe models.FieldError) bool { return fe.Field == "type" })
	data := searchPage{Form: f, Shown: searchResultsShown, Filtered: len(f.Types) > 0}
	for _, t := range models.SearchTypesFor(viewer) {
		data.Types = append(data.Types, searchType{ID: "type-" + t, Value: t, Label: models.SearchTypeLabel(t), Checked: slices.Contains(f.Types, t)})
	}
	if verr.Err() == nil && f.Q != "" {
		data.Searched = models.FTSQuery(f.Q) != ""
		rs, err := h.DB.Search(c.Request.Context(), viewer, models.SearchQuery{Q: f.Q, Types: f.Types, Limit: searchResultsShown})
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, r := range rs {
			data.Results = append(data.Results, searchResultView{SearchResult: r, TypeLabel: searchTypeTag(r.Type),
				Tag: searchTagColour(r.Type), Snippet: highlight(r.Snippet)})
		}
	}
	var status int
	data.Page, status = h.formPage(c, verr)
	h.render(c, status, "search", data)
}

// searchTypeTag names one result's type.
func searchTypeTag(t string) string {
	switch t {
	case models.ResultContract:
		return "Contract"
	case models.ResultSupplier:
		return "Supplier"
	case models.ResultBid:
		return "Joint bid"
	}
	return models.SearchTypeLabel(t)
}

func searchTagColour(t string) string {
	switch t {
	case models.ResultLibrary:
		return "govuk-tag--blue"
	case models.ResultContract:
		return "govuk-tag--grey"
	case models.ResultSupplier:
		return "govuk-tag--purple"
	}
	return "govuk-tag--green"
}

// highlight is a snippet as HTML: its text escaped, and the words the
// search matched (between models.SnippetOpen and SnippetClose) in <mark>.
// The markers are the only thing turned into markup, and only into
// balanced <mark> pairs, whatever the text holds (even the marker
// characters themselves).
func highlight(snippet string) template.HTML {
	s := strings.ToValidUTF8(snippet, "\uFFFD")
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.IndexAny(s, models.SnippetOpen+models.SnippetClose)
		if i < 0 {
			b.WriteString(html.EscapeString(s))
			break
		}
		b.WriteString(html.EscapeString(s[:i]))
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case string(r) == models.SnippetOpen && !open:
			b.WriteString("<mark>")
			open = true
		case string(r) == models.SnippetClose && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+size:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String()) // #nosec G203 -- escaped above: the only markup is <mark>
}

// apiSearchResult is one result (schema SearchResult).
type apiSearchResult struct {
	Type    string `json:"type"`
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Snippet string `json:"snippet"`
	Detail  string `json:"detail"`
}

// apiSearch is GET /api/v1/search?q=&type=&limit=: the page's results as
// JSON, the snippet as plain text. No words: no results. A query over the
// limit, a type that does not exist or a bad limit: 422.
func (h *Handlers) apiSearch(c *gin.Context) {
	viewer := userOrAnonymous(c)
	f, verr := readSearch(c)
	limit := searchResultsShown
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			verr.Add("limit", "Limit must be a whole number from 1 to 100")
		}
		limit = n
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	out := struct {
		Results []apiSearchResult `json:"results"`
	}{Results: []apiSearchResult{}}
	if f.Q != "" {
		rs, err := h.DB.Search(c.Request.Context(), viewer, models.SearchQuery{Q: f.Q, Types: f.Types, Limit: limit})
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, r := range rs {
			out.Results = append(out.Results, apiSearchResult{Type: r.Type, ID: r.ID, Title: r.Title, URL: r.URL,
				Snippet: models.PlainSnippet(r.Snippet), Detail: r.Detail})
		}
	}
	h.json(c, http.StatusOK, out)
}
