package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// The search page and its JSON twin (search.go), through the real router
// over the seeded database. Search obeys the same rules as pages: for each
// kind of person, nothing they may not open appears, through the page or
// the API, and every result they are shown opens for them.

// searchHit is one result as a page or the API showed it.
type searchHit struct{ Type, Title, URL string }

var searchResultLink = regexp.MustCompile(`(?s)data-testid="search-result" data-type="([a-z]+)">.*?<h3[^>]*><a class="govuk-link" href="([^"]+)">([^<]*)</a></h3>`)

// searchPageHits reads the results off a search page.
func searchPageHits(t testing.TB, body string) []searchHit {
	t.Helper()
	var out []searchHit
	for _, m := range searchResultLink.FindAllStringSubmatch(body, -1) {
		out = append(out, searchHit{Type: m[1], URL: m[2], Title: m[3]})
	}
	return out
}

// searchAPIHits reads the results of GET /api/v1/search.
func searchAPIHits(t testing.TB, r testutil.Response) []searchHit {
	t.Helper()
	var body struct {
		Results []struct{ Type, Title, URL, Snippet string }
	}
	if r.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", r.Status, excerpt(r.Body))
	}
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatalf("%v\n%s", err, r.Body)
	}
	var out []searchHit
	for _, x := range body.Results {
		out = append(out, searchHit{Type: x.Type, Title: x.Title, URL: x.URL})
	}
	return out
}

// searchMain is a page's main content, whole.
func searchMain(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}

func searchTitles(hits []searchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Title)
	}
	return out
}

// searchWorld is what the visibility test searches, every title holding
// the word "orchard".
type searchWorld struct {
	leedsDraft, bradfordDraft, inReview, officersOnly, everyone string // library items
	contract                                                    string
	bradfordDraftBid, leedsDraftBid, publishedBid               string
}

func newSearchWorld(e *env) searchWorld {
	e.t.Helper()
	ctx := context.Background()
	db := e.app.DB
	leedsUser, bradfordUser := bidPagesUser(e, testutil.OfficerEmail), bidPagesUser(e, testutil.Officer2Email)
	w := searchWorld{
		leedsDraft: "Orchard draft playbook", bradfordDraft: "Orchard private notes from Bradford",
		inReview: "Orchard guide waiting for review", officersOnly: "Orchard guide for officers",
		everyone: "Orchard guide for everyone", contract: "Orchard grounds maintenance system",
		bradfordDraftBid: "Orchard bid Bradford keeps to itself", leedsDraftBid: "Orchard bid Leeds is drafting",
		publishedBid: "Orchard bid published to suppliers",
	}
	item := func(author models.User, title, audience string) int64 {
		e.t.Helper()
		id, err := db.CreateLibraryItem(ctx, author, models.LibraryInput{Kind: models.KindPlaybook, Title: title,
			Summary: "Looking after an orchard together.", Body: "Every orchard needs a plan for pruning and picking.", Audience: audience})
		if err != nil {
			e.t.Fatalf("library item %q: %v", title, err)
		}
		return id
	}
	publish := func(id int64, author, approver models.User) {
		e.t.Helper()
		if err := db.SubmitLibraryItem(ctx, author, id); err != nil {
			e.t.Fatal(err)
		}
		if approver.ID != 0 {
			if err := db.ApproveLibraryItem(ctx, approver, id); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	item(leedsUser, w.leedsDraft, models.AudienceEveryone)
	item(bradfordUser, w.bradfordDraft, models.AudienceEveryone)
	publish(item(bradfordUser, w.inReview, models.AudienceEveryone), bradfordUser, models.User{})
	publish(item(leedsUser, w.officersOnly, models.AudienceOfficers), leedsUser, bradfordUser)
	publish(item(bradfordUser, w.everyone, models.AudienceEveryone), bradfordUser, leedsUser)

	createContract(e.t, e.app, testutil.OfficerEmail, leedsCouncil, models.ContractInput{Title: w.contract, SupplierName: "Greenfingers Ltd"})

	if _, err := db.CreateBid(ctx, bradfordUser, models.NewBid{Title: w.bradfordDraftBid, Summary: "An orchard of our own.",
		CategorySlug: "revenues-benefits", PartnerGSS: []string{"E08000034"}}); err != nil { // Kirklees, invited
		e.t.Fatal(err)
	}
	startLeedsBid(w.publishedBid)(e)
	publishLeedsBid(e)
	startLeedsBid(w.leedsDraftBid)(e)
	return w
}

func TestSearchObeysThePagesRules(t *testing.T) {
	e := newEnv(t)
	addWakefieldOfficer(e)
	w := newSearchWorld(e)
	all := []string{w.leedsDraft, w.bradfordDraft, w.inReview, w.officersOnly, w.everyone, w.contract,
		w.bradfordDraftBid, w.leedsDraftBid, w.publishedBid}
	cases := []struct {
		who   string
		email string
		finds []string // everything else in all must not appear
	}{
		{"an officer of another council", wakefieldEmail,
			[]string{w.inReview, w.officersOnly, w.everyone, w.contract, w.publishedBid}},
		{"a councillor (of Leeds, whose draft bid it is)", testutil.CouncillorEmail,
			[]string{w.everyone, w.contract, w.leedsDraftBid, w.publishedBid}},
		{"a supplier", testutil.SupplierEmail,
			[]string{w.everyone, w.publishedBid}},
		{"the public", "",
			[]string{w.everyone, w.publishedBid}},
		{"an officer of the authors' council", testutil.OfficerEmail,
			[]string{w.leedsDraft, w.inReview, w.officersOnly, w.everyone, w.contract, w.leedsDraftBid, w.publishedBid}},
	}
	for _, tc := range cases {
		t.Run(tc.who, func(t *testing.T) {
			b := e.browser(tc.email)
			page := b.Get("/search?q=orchard")
			if page.Status != http.StatusOK {
				t.Fatalf("search page: %d\n%s", page.Status, excerpt(page.Body))
			}
			api := b.Get("/api/v1/search?q=orchard")
			for name, hits := range map[string][]searchHit{"page": searchPageHits(t, page.Body), "API": searchAPIHits(t, api)} {
				got := searchTitles(hits)
				for _, title := range all {
					if want := slices.Contains(tc.finds, title); want != slices.Contains(got, title) {
						t.Errorf("%s: %q found %v, want %v (found %q)", name, title, !want, want, got)
					}
				}
				// Nothing appears that they may not open.
				for _, h := range hits {
					if r := b.Get(h.URL); r.Status != http.StatusOK {
						t.Errorf("%s: %s result %q links to %s, which answers %d", name, h.Type, h.Title, h.URL, r.Status)
					}
				}
			}
			// Drafts stay out however they are asked for.
			for _, q := range []string{"orchard draft", "bradford keeps", "private notes"} {
				for _, h := range searchAPIHits(t, b.Get("/api/v1/search?q="+url.QueryEscape(q))) {
					if slices.Contains(all, h.Title) && !slices.Contains(tc.finds, h.Title) {
						t.Errorf("q=%q finds %q", q, h.Title)
					}
				}
			}
		})
	}
}

func TestSearchPage(t *testing.T) {
	long := strings.Repeat("a", models.MaxSearchQuery+1)
	runScenarios(t, []scenario{{
		name: "the box, filters by what each may see, results and no results",
		steps: []step{
			{name: "an empty search is just the form", user: "", method: "GET", url: "/search", status: 200,
				contains: []string{`<h1 class="govuk-heading-xl">Search</h1>`, `<label class="govuk-label" for="q">`, "Search Jointly",
					`id="type-library"`, `id="type-bid"`},
				excludes: []string{`data-testid="search-count"`, `id="type-contract"`, `id="type-supplier"`, `id="site-search-q"`}},
			{name: "officers may filter by every type", user: testutil.OfficerEmail, method: "GET", url: "/search", status: 200,
				contains: []string{`id="type-library"`, `id="type-contract"`, `id="type-supplier"`, `id="type-bid"`}},
			{name: "a supplier's name finds its contracts and itself, highlighted", user: testutil.OfficerEmail, method: "GET",
				url: "/search?q=civica", status: 200,
				contains: []string{`data-type="contract"`, `data-type="supplier"`, "<mark>Civica</mark>", "Civica UK Ltd"}},
			{name: "ticking a type keeps to it", user: testutil.OfficerEmail, method: "GET", url: "/search?q=civica&type=supplier", status: 200,
				contains: []string{`data-type="supplier"`, `id="type-supplier" name="type" type="checkbox" value="supplier" checked`},
				excludes: []string{`data-type="contract"`, `data-type="library"`}},
			{name: "the public finds no registers", user: "", method: "GET", url: "/search?q=civica&type=contract", status: 200,
				contains: []string{"No results for ‘civica’", "searching everything, not only the types you ticked", "Sign in"},
				excludes: []string{`data-type="contract"`, `data-type="supplier"`}},
			{name: "no results, with tips", user: testutil.OfficerEmail, method: "GET", url: "/search?q=zzqxwv", status: 200,
				contains: []string{"No results for ‘zzqxwv’", "checking the spelling", "using fewer words"},
				excludes: []string{`data-testid="search-result"`}},
			{name: "punctuation alone finds nothing", user: testutil.OfficerEmail, method: "GET", url: "/search?q=%22%2A%28%29", status: 200,
				contains: []string{"No results for", "punctuation on its own finds nothing"}},
			{name: "FTS5 syntax is only text", user: testutil.OfficerEmail, method: "GET", url: "/search?q=" + url.QueryEscape(`civica OR NEAR("x" AND) title:^`), status: 200},
			{name: "too long: named beside the box, kept, not run", user: testutil.OfficerEmail, method: "GET", url: "/search?q=" + long, status: 422,
				contains: []string{"There is a problem", "Search for 200 characters or fewer", `value="` + long + `"`},
				excludes: []string{`data-testid="search-count"`}},
			{name: "the starter library is found by the public", user: "", method: "GET", url: "/search?q=interoperability", status: 200,
				contains: []string{`data-type="library"`, "Open standards and interoperability"}},
			{name: "and what is written for officers by officers", user: testutil.Officer2Email, method: "GET", url: "/search?q=joint+procurement", status: 200,
				contains: []string{`data-type="library"`, "Running a joint procurement"}},
			{name: "but not by the public", user: "", method: "GET", url: "/search?q=joint+procurement", status: 200,
				excludes: []string{"Running a joint procurement"}},
		},
	}, {
		name: "the site's search box",
		steps: []step{
			{name: "on every other page", user: "", method: "GET", url: "/councils", status: 200,
				contains: []string{`role="search"`, `<label class="govuk-label govuk-visually-hidden" for="site-search-q">Search Jointly</label>`, `action="/search"`}},
			{name: "signed in too", user: testutil.CouncillorEmail, method: "GET", url: "/", status: 200,
				contains: []string{`id="site-search-q"`}},
		},
	}})
}

// TestSearchSnippetsAreEscaped: what authors write reaches the page as text;
// the only markup a snippet brings is <mark>, in pairs.
func TestSearchSnippetsAreEscaped(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	leedsUser := bidPagesUser(e, testutil.OfficerEmail)
	cases := []struct {
		body     string
		want     string // in the page
		mustNot  string // not in the page
		titleXSS bool
	}{
		{body: "xsscanary <script>alert(1)</script>", want: "&lt;script&gt;alert(1)&lt;/script&gt;", mustNot: "<script>alert(1)"},
		{body: `xsscanary "><img src=x onerror=alert(2)>`, want: "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;", mustNot: "<img src=x"},
		{body: "xsscanary &lt;b&gt; entity", want: "&amp;lt;b&amp;gt;", mustNot: "&lt;b&gt; entity"},
		{body: "xsscanary " + models.SnippetClose + "</mark><b>bold</b>" + models.SnippetOpen + " tail", want: "&lt;b&gt;bold&lt;/b&gt;", mustNot: "<b>bold</b>"},
		{body: "xsscanary javascript:alert(3) [link](javascript:alert(4))", want: "javascript:alert(3)", mustNot: `href="javascript`},
	}
	for i, tc := range cases {
		if _, err := e.app.DB.CreateLibraryItem(ctx, leedsUser, models.LibraryInput{Kind: models.KindTemplate,
			Title: fmt.Sprintf("Canary %d <img src=x onerror=alert(%d)>", i, i), Body: tc.body, Audience: models.AudienceOfficers}); err != nil {
			t.Fatal(err)
		}
	}
	r := e.browser(testutil.OfficerEmail).Get("/search?q=xsscanary")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	main := searchMain(r.Body)
	if n := len(searchPageHits(t, r.Body)); n != len(cases) {
		t.Fatalf("%d results, want %d\n%s", n, len(cases), main)
	}
	for i, tc := range cases {
		if !strings.Contains(main, tc.want) {
			t.Errorf("case %d: page lacks %q", i, tc.want)
		}
		if strings.Contains(main, tc.mustNot) {
			t.Errorf("case %d: page has %q", i, tc.mustNot)
		}
		if !strings.Contains(main, fmt.Sprintf("Canary %d &lt;img src=x onerror=alert(%d)&gt;", i, i)) {
			t.Errorf("case %d: the title is not escaped", i)
		}
	}
	if strings.Contains(main, "<img") || strings.Contains(main, "<script") {
		t.Errorf("markup from a library item reached the page:\n%s", main)
	}
	if open, closed := strings.Count(main, "<mark>"), strings.Count(main, "</mark>"); open != closed || open < len(cases) {
		t.Errorf("%d <mark> and %d </mark>", open, closed)
	}
	if n := strings.Count(main, "<mark>xsscanary</mark>"); n != len(cases) {
		t.Errorf("the search word is marked %d times, want %d", n, len(cases))
	}
}
