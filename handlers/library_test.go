package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// The library's pages through the real router: writing, review by a
// second person, adoption and adaptation, versions, and who may see what.

var libraryItemPath = regexp.MustCompile(`^/library/(\d+)(/edit)?$`)

// captureItem remembers the item a 303 points at as {name}.
func captureItem(name string) func(e *env, r testutil.Response) {
	return func(e *env, r testutil.Response) {
		e.t.Helper()
		m := libraryItemPath.FindStringSubmatch(r.Location)
		if m == nil {
			e.t.Fatalf("Location %q is not an item", r.Location)
		}
		e.vars[name] = m[1]
	}
}

// libraryForm is the item form filled in, with overrides as key, value pairs.
func libraryForm(kv ...string) url.Values {
	f := url.Values{"kind": {"playbook"}, "title": {"Running a joint procurement in Yorkshire"},
		"summary": {"How two councils buy together."}, "body": {"## Before you start\n\nAgree the scope with your partner.\n\nKeep a shared risk log."},
		"audience": {"everyone"}, "tags": {"Procurement, joint working"}, "categories": {"revenues-benefits"}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

func TestLibraryWorkflow(t *testing.T) {
	leeds, bradford := testutil.OfficerEmail, testutil.Officer2Email
	runScenarios(t, []scenario{{name: "write, review, adopt, adapt", steps: []step{
		{name: "a briefing's form", user: leeds, method: "GET", url: "/library/new?kind=briefing", status: 200,
			contains: []string{`value="briefing" checked`, `value="councillors" checked`}},
		{name: "the form", user: leeds, method: "GET", url: "/library/new", status: 200,
			contains: []string{"Write an item", `name="kind"`, `name="audience"`, `name="categories"`, `name="review_date-day"`, "footnotes", "task lists", "tables"}},
		{name: "problems keep what was typed", user: leeds, method: "POST", url: "/library",
			form: libraryForm("title", "", "summary", "Kept summary", "review_date-day", "31", "review_date-month", "2", "review_date-year", "2030"), status: 422,
			contains: []string{"There is a problem", "Enter a title", "Review date must be a real date", "Kept summary", `value="everyone" checked`}},
		{name: "a past review date", user: leeds, method: "POST", url: "/library",
			form: libraryForm("review_date-day", "1", "review_date-month", "1", "review_date-year", "2020"), status: 422,
			contains: []string{"Review date must be in the future"}},
		{name: "saved as a draft", user: leeds, method: "POST", url: "/library", form: libraryForm(), status: 303, check: captureItem("item")},
		{name: "the author reads the draft", user: leeds, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Running a joint procurement in Yorkshire", "Draft", "Send for review", "Agree the scope", "procurement", "joint working"}},
		// A draft is its council's only.
		{name: "Bradford cannot see the draft", user: bradford, method: "GET", url: "/library/{item}", status: 404},
		{name: "nor the councillor", user: testutil.CouncillorEmail, method: "GET", url: "/library/{item}", status: 404},
		{name: "nor a supplier", user: testutil.SupplierEmail, method: "GET", url: "/library/{item}", status: 404},
		{name: "nor anyone signed out", user: "", method: "GET", url: "/library/{item}", status: 404},
		{name: "nor its versions", user: bradford, method: "GET", url: "/library/{item}/versions", status: 404},
		{name: "nor in Bradford's list", user: bradford, method: "GET", url: "/library", status: 200, excludes: []string{"Running a joint procurement in Yorkshire"}},
		{name: "Bradford cannot edit it", user: bradford, method: "POST", url: "/library/{item}", form: libraryForm("base_version", "1"), status: 404},
		{name: "in Leeds's list", user: leeds, method: "GET", url: "/library?mine=1", status: 200, contains: []string{"Running a joint procurement in Yorkshire"}},

		// Review by a second person.
		{name: "sent for review", user: leeds, method: "POST", url: "/library/{item}/submit", status: 303, location: "/library/{item}"},
		{name: "the submitter is told someone else approves", user: leeds, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"In review", "Someone else must approve it"}, excludes: []string{"Approve and publish"}},
		{name: "the submitter cannot approve", user: leeds, method: "POST", url: "/library/{item}/approve", status: 403},
		{name: "a reviewer from another council sees it", user: bradford, method: "GET", url: "/library?review=1", status: 200,
			contains: []string{"Running a joint procurement in Yorkshire"}},
		{name: "and may approve it", user: bradford, method: "GET", url: "/library/{item}", status: 200, contains: []string{"Approve and publish", "Send back"}},
		{name: "a note too long", user: bradford, method: "POST", url: "/library/{item}/return", form: url.Values{"note": {strings.Repeat("x", 1001)}}, status: 422,
			contains: []string{"The note must be 1000 characters or fewer", `id="note-error"`, strings.Repeat("x", 1001)}},
		{name: "Bradford sends it back", user: bradford, method: "POST", url: "/library/{item}/return", form: url.Values{"note": {"Add a section on risks, please."}}, status: 303},
		{name: "Leeds reads why", user: leeds, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Sent back by Priya Shah", "Add a section on risks, please.", "Send for review"}},
		{name: "and sends it again", user: leeds, method: "POST", url: "/library/{item}/submit", status: 303},
		{name: "the note is gone once it is in review", user: leeds, method: "GET", url: "/library/{item}", status: 200,
			excludes: []string{"Add a section on risks, please."}},
		{name: "approved", user: bradford, method: "POST", url: "/library/{item}/approve", status: 303},
		{name: "published, for anyone", user: "", method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Running a joint procurement in Yorkshire", "Published", "Version 1", "Leeds", "1 minute", "Review date"},
			excludes: []string{"Send for review", "Approve and publish", "Adopt"}},
		{name: "in the public list", user: "", method: "GET", url: "/library?kind=playbook&tag=procurement", status: 200,
			contains: []string{"Running a joint procurement in Yorkshire"}},

		// Adopt and adapt.
		{name: "Bradford adopts it", user: bradford, method: "POST", url: "/library/{item}/adopt", form: url.Values{"adopt": {"1"}}, status: 303},
		{name: "shown as adopted", user: "", method: "GET", url: "/library/{item}", status: 200, contains: []string{"Adopted by: Bradford"}},
		{name: "Bradford may stop using it", user: bradford, method: "GET", url: "/library/{item}", status: 200, contains: []string{"Stop using it"}},
		{do: addWakefieldOfficer},
		{name: "Wakefield adapts it", user: wakefieldEmail, method: "POST", url: "/library/{item}/adapt", status: 303, check: func(e *env, r testutil.Response) {
			captureItem("adapted")(e, r)
			if !strings.HasSuffix(r.Location, "/edit") {
				e.t.Errorf("adapting goes to %q, not the new draft's form", r.Location)
			}
		}},
		{name: "its draft says where it came from", user: wakefieldEmail, method: "GET", url: "/library/{adapted}", status: 200,
			contains: []string{"Wakefield", "Adapted from: <a class=\"govuk-link\" href=\"/library/{item}\">Running a joint procurement in Yorkshire</a>", "Draft"}},
		{name: "the original names the adaptation to Wakefield", user: wakefieldEmail, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Adapted into:", `href="/library/{adapted}"`}},
		{name: "but not to readers while it is a draft", user: "", method: "GET", url: "/library/{item}", status: 200,
			excludes: []string{`href="/library/{adapted}"`}},
		{name: "the adaptation is Wakefield's to edit", user: wakefieldEmail, method: "GET", url: "/library/{adapted}/edit", status: 200,
			contains: []string{"Running a joint procurement in Yorkshire", `name="base_version" value="1"`}},
		{name: "Wakefield sends it for review", user: wakefieldEmail, method: "POST", url: "/library/{adapted}/submit", status: 303},
		{name: "Leeds approves the adaptation", user: leeds, method: "POST", url: "/library/{adapted}/approve", status: 303},
		{name: "now readers see the lineage both ways", user: "", method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Adapted into:", `href="/library/{adapted}"`, "by Wakefield"}},
		{name: "and from the adaptation", user: "", method: "GET", url: "/library/{adapted}", status: 200,
			contains: []string{"Adapted from:", `href="/library/{item}"`}},
	}}})
}

func TestLibraryVersionsAndConflicts(t *testing.T) {
	leeds := testutil.OfficerEmail
	runScenarios(t, []scenario{{name: "edit, compare, restore", steps: []step{
		{name: "written", user: leeds, method: "POST", url: "/library", form: libraryForm("body", "First line.\n\nSecond line."), status: 303, check: captureItem("item")},
		{name: "submitted", user: leeds, method: "POST", url: "/library/{item}/submit", status: 303},
		{name: "approved", user: testutil.Officer2Email, method: "POST", url: "/library/{item}/approve", status: 303},
		{name: "edited", user: leeds, method: "POST", url: "/library/{item}",
			form: libraryForm("body", "First line.\n\nA brand new line.", "note", "Rewrote the second line", "base_version", "1"), status: 303},
		{name: "the author sees the new draft, and that readers do not", user: leeds, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Readers still see version 1", "A brand new line", "Version 2"}},
		{name: "readers keep the published version", user: testutil.CouncillorEmail, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Second line.", "Version 1", "Published"}, excludes: []string{"A brand new line", "Readers still see"}},
		{name: "sent for review", user: leeds, method: "POST", url: "/library/{item}/submit", status: 303},
		{name: "readers still read it as published", user: testutil.CouncillorEmail, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Published", "Second line."}, excludes: []string{"In review", "A brand new line"}},
		{name: "reviewers see the change in review", user: testutil.Officer2Email, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"In review", "A brand new line", "Approve and publish"}},
		{name: "the author takes it out of review", user: leeds, method: "POST", url: "/library/{item}/return", status: 303},
		{name: "a draft again", user: leeds, method: "GET", url: "/library/{item}", status: 200,
			contains: []string{"Taken out of review", "Send for review", "are a draft"}},
		{name: "a stale save is refused with both texts", user: leeds, method: "POST", url: "/library/{item}",
			form: libraryForm("body", "First line.\n\nMy lost edit.", "base_version", "1"), status: 409,
			contains: []string{"Your changes have not been saved", "Someone saved version 2", "My lost edit.", "A brand new line.",
				`name="base_version" value="2"`, "Added: </span>My lost edit."}},
		{name: "the diff of two versions", user: leeds, method: "GET", url: "/library/{item}/versions?from=1&to=2", status: 200,
			contains: []string{"Changes from version 1 to version 2", "Added: </span>A brand new line.", "Removed: </span>Second line.", "Rewrote the second line"}},
		{name: "a version not in the list", user: leeds, method: "GET", url: "/library/{item}/versions?from=9&to=2", status: 422,
			contains: []string{"Choose a version from the list"}},
		{name: "readers see the published versions only", user: "", method: "GET", url: "/library/{item}/versions", status: 200,
			contains: []string{"Version 1"}, excludes: []string{"Version 2", "Rewrote the second line", "Restore"}},
		{name: "readers cannot restore", user: testutil.Officer2Email, method: "POST", url: "/library/{item}/versions/1/restore", status: 403},
		{name: "the author restores version 1", user: leeds, method: "POST", url: "/library/{item}/versions/1/restore", status: 303},
		{name: "as version 3", user: leeds, method: "GET", url: "/library/{item}/versions?from=2&to=3", status: 200,
			contains: []string{"Restored version 1", "Added: </span>Second line.", "Removed: </span>A brand new line."}},
		{name: "an unknown version", user: leeds, method: "POST", url: "/library/{item}/versions/42/restore", status: 404},
	}}})
}

func TestLibraryWhoMayWrite(t *testing.T) {
	runScenarios(t, []scenario{{name: "roles", steps: []step{
		{name: "a councillor may not write", user: testutil.CouncillorEmail, method: "GET", url: "/library/new", status: 403},
		{name: "nor a supplier", user: testutil.SupplierEmail, method: "POST", url: "/library", form: libraryForm(), status: 403},
		{name: "the list has no write button for a councillor", user: testutil.CouncillorEmail, method: "GET", url: "/library", status: 200,
			excludes: []string{"Write an item"}},
		{name: "an officer's list has", user: testutil.OfficerEmail, method: "GET", url: "/library", status: 200,
			contains: []string{"Write an item", "Only my council's items", "Only items awaiting review"}},
		{name: "an admin writes for the CIO council", user: testutil.AdminEmail, method: "POST", url: "/library", form: libraryForm("title", "Admin playbook"), status: 303,
			check: captureItem("item")},
		{name: "which officers cannot edit", user: testutil.OfficerEmail, method: "GET", url: "/library/{item}/edit", status: 404},
		{name: "an unknown item", user: "", method: "GET", url: "/library/999999", status: 404},
		{name: "a nonsense id", user: "", method: "GET", url: "/library/abc", status: 404},
	}}})
}

// TestLibraryDueForReview: past its review date an item says so, to its
// authors and its readers.
func TestLibraryDueForReview(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	leeds, bradford := bidPagesUser(e, testutil.OfficerEmail), bidPagesUser(e, testutil.Officer2Email)
	id, err := e.app.DB.CreateLibraryItem(ctx, leeds, models.LibraryInput{Kind: models.KindBriefing, Title: "Cloud for councillors",
		Body: "Cloud explained.", Audience: models.AudienceCouncillors})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.DB.SubmitLibraryItem(ctx, leeds, id); err != nil {
		t.Fatal(err)
	}
	if err := e.app.DB.ApproveLibraryItem(ctx, bradford, id); err != nil {
		t.Fatal(err)
	}
	path := "/library/" + itoa(id)
	for _, u := range []string{testutil.OfficerEmail, testutil.CouncillorEmail} {
		checkResponse(t, "before", e.browser(u).Get(path), 200, "", nil, []string{"Due for review"})
	}
	// A year and a month on (signing in again: sessions do not last that long).
	e.app.Clock.T = e.app.Clock.T.AddDate(1, 1, 0)
	for _, u := range []string{testutil.OfficerEmail + "#2", testutil.CouncillorEmail + "#2"} {
		checkResponse(t, "after "+u, e.browser(u).Get(path), 200, "", []string{"Due for review", "should have been checked again"}, nil)
	}
	checkResponse(t, "the list", e.browser(testutil.CouncillorEmail+"#2").Get("/library?kind=briefing"), 200, "", []string{`data-testid="library-due"`}, nil)
	// Suppliers are not its audience.
	checkResponse(t, "supplier", e.browser(testutil.SupplierEmail).Get(path), 404, "", nil, nil)
}

// TestLibraryBriefingGlossary: a councillor briefing links its jargon to
// the glossary and lists the words it uses; other kinds do not.
func TestLibraryBriefingGlossary(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	leeds := bidPagesUser(e, testutil.OfficerEmail)
	body := "Our supplier offers an API, and the API is documented."
	briefing, err := e.app.DB.CreateLibraryItem(ctx, leeds, models.LibraryInput{Kind: models.KindBriefing, Title: "APIs", Body: body, Audience: models.AudienceCouncillors})
	if err != nil {
		t.Fatal(err)
	}
	playbook, err := e.app.DB.CreateLibraryItem(ctx, leeds, models.LibraryInput{Kind: models.KindPlaybook, Title: "APIs", Body: body, Audience: models.AudienceOfficers})
	if err != nil {
		t.Fatal(err)
	}
	r := e.browser(testutil.OfficerEmail).Get("/library/" + itoa(briefing))
	checkResponse(t, "briefing", r, 200, "", []string{`<dfn><a href="/glossary#term-api" class="govuk-link" rel="nofollow noreferrer">API</a></dfn>`, "Words used in this briefing",
		"application programming interface", "Print this briefing"}, nil)
	if n := strings.Count(libraryBody(t, r.Body), "<dfn>"); n != 1 {
		t.Errorf("%d terms linked, want the first use only", n)
	}
	checkResponse(t, "playbook", e.browser(testutil.OfficerEmail).Get("/library/"+itoa(playbook)), 200, "", nil,
		[]string{"<dfn>", "Words used in this briefing", "Print this briefing"})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// libraryBody is the item's rendered text on its page.
func libraryBody(t *testing.T, page string) string {
	t.Helper()
	// The text ends at the page's next h2 (the text's own headings start
	// at h3).
	i := strings.Index(page, `data-testid="library-body"`)
	j := -1
	if i >= 0 {
		j = strings.Index(page[i:], `<h2 class="govuk-heading-m"`)
	}
	if i < 0 || j < 0 {
		t.Fatalf("no item text on the page\n%s", excerpt(page))
	}
	return page[i : i+j]
}

// TestLibraryItemXSS: whatever an author writes, nothing in the item's
// page runs: no script, no event handler, no javascript: or data: URL, no
// frame, no SVG.
func TestLibraryItemXSS(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	leeds := bidPagesUser(e, testutil.OfficerEmail)
	dangerous := regexp.MustCompile(`(?i)<script|<iframe|<svg|<object|<embed|<form|<style|<math|<base|<meta|` +
		`<[^>]*\son[a-z]+\s*=|(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(javascript|vbscript|data):`)
	cases := map[string]string{
		"script":                 "<script>alert(1)</script>",
		"script in a paragraph":  "Hello <script>alert(1)</script> world",
		"img onerror":            `<img src=x onerror="alert(1)">`,
		"javascript link":        "[click](javascript:alert(1))",
		"mixed-case javascript":  "[click](JaVaScRiPt:alert(1))",
		"encoded javascript":     "[click](&#x6A;avascript:alert(1))",
		"javascript autolink":    "<javascript:alert(1)>",
		"raw javascript anchor":  `<a href="javascript:alert(1)">x</a>`,
		"data URL link":          "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"data URL image":         "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
		"iframe":                 `<iframe src="https://evil.example"></iframe>`,
		"svg onload":             `<svg onload="alert(1)"><circle r="1"/></svg>`,
		"details ontoggle":       `<details open ontoggle="alert(1)">x</details>`,
		"script in a table cell": "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
		"style":                  `<style>body{display:none}</style>`,
		"form":                   `<form action="https://evil.example"><button>Go</button></form>`,
		"object":                 `<object data="https://evil.example/x.swf"></object>`,
		"link title breakout":    `[x](https://example.org "a\" onmouseover=\"alert(1)")`,
		"image onerror via md":   `![x" onerror="alert(1)](https://example.org/x.png)`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			id, err := e.app.DB.CreateLibraryItem(ctx, leeds, models.LibraryInput{Kind: models.KindPlaybook,
				Title: `<script>alert("title")</script>`, Summary: `<img src=x onerror=alert(1)>`, Body: body, Audience: models.AudienceOfficers})
			if err != nil {
				t.Fatal(err)
			}
			r := e.browser(testutil.OfficerEmail).Get("/library/" + itoa(id))
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			if m := dangerous.FindString(libraryBody(t, r.Body)); m != "" {
				t.Errorf("the text has %q live:\n%s", m, libraryBody(t, r.Body))
			}
			if strings.Contains(r.Body, `<script>alert("title")`) || strings.Contains(r.Body, `<img src=x`) {
				t.Errorf("the title or summary is not escaped")
			}
			if !strings.Contains(r.Body, "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;") {
				t.Errorf("the title is not shown as text")
			}
		})
	}
	// What is meant to work still does.
	id, err := e.app.DB.CreateLibraryItem(ctx, leeds, models.LibraryInput{Kind: models.KindPlaybook, Title: "Tables",
		Body: "| Step | Who |\n|---|---|\n| Scope | Both councils |\n\n[NCSC](https://www.ncsc.gov.uk)", Audience: models.AudienceOfficers})
	if err != nil {
		t.Fatal(err)
	}
	body := libraryBody(t, e.browser(testutil.OfficerEmail).Get("/library/"+itoa(id)).Body)
	for _, want := range []string{`<table class="govuk-table">`, `<th class="govuk-table__header">Step</th>`, `href="https://www.ncsc.gov.uk"`, `rel="nofollow noreferrer"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the text lacks %q:\n%s", want, body)
		}
	}
}
