package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jointly/templates"
	"jointly/testutil"
)

// The glossary page and its administration, over the starter glossary.

func TestGlossaryPage(t *testing.T) {
	e := newEnv(t)
	terms, err := e.app.DB.Glossary(context.Background())
	if err != nil || len(terms) < 30 {
		t.Fatalf("the starter glossary: %d terms, %v", len(terms), err)
	}
	for _, user := range []string{"", testutil.CouncillorEmail, testutil.SupplierEmail} {
		r := e.browser(user).Get("/glossary")
		if r.Status != http.StatusOK {
			t.Fatalf("as %q: status %d", user, r.Status)
		}
		var entries []templates.GlossaryEntry
		for _, g := range terms {
			entries = append(entries, templates.GlossaryEntry{Term: g.Term, Definition: g.Definition})
		}
		letters := map[string]bool{}
		for i, anchor := range templates.GlossaryAnchors(entries) {
			want := fmt.Sprintf(`id="%s"><dfn>%s</dfn></dt>`+"\n"+`        <dd class="govuk-summary-list__value">%s</dd>`,
				anchor, html.EscapeString(terms[i].Term), html.EscapeString(terms[i].Definition))
			if !strings.Contains(r.Body, want) {
				t.Errorf("as %q: the glossary lacks %q", user, want)
			}
			letters[strings.ToUpper(terms[i].Term[:1])] = true
		}
		// A to Z: a letter with terms links to them; one without says so.
		for l := 'A'; l <= 'Z'; l++ {
			id := "letter-" + strings.ToLower(string(l))
			link := fmt.Sprintf(`<a class="govuk-link govuk-link--no-visited-state" href="#%s">%c</a>`, id, l)
			none := fmt.Sprintf(`%c<span class="govuk-visually-hidden"> (no terms)</span>`, l)
			if letters[string(l)] != strings.Contains(r.Body, link) || letters[string(l)] == strings.Contains(r.Body, none) ||
				letters[string(l)] != strings.Contains(r.Body, `id="`+id+`"`) {
				t.Errorf("as %q: letter %c (has terms: %v) is wrong in the A to Z", user, l, letters[string(l)])
			}
		}
	}
}

// termID is the id of the glossary term named term, as {id}.
func termID(term string) step {
	return step{name: "the id of " + term, do: func(e *env) {
		e.t.Helper()
		terms, err := e.app.DB.Glossary(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		for _, g := range terms {
			if g.Term == term {
				e.vars["id"] = fmt.Sprint(g.ID)
				return
			}
		}
		e.t.Fatalf("no term %q", term)
	}}
}

func TestGlossaryAdmin(t *testing.T) {
	admin := testutil.AdminEmail
	term := "Jointly test term"
	long := strings.Repeat("x", 601)
	runScenarios(t, []scenario{
		{name: "an administrator adds, changes and deletes a term", steps: []step{
			{name: "the list", user: admin, method: "GET", url: "/admin/glossary", status: http.StatusOK,
				contains: []string{"Glossary terms", "Add a term", "<th scope=\"row\" class=\"govuk-table__header\">decision window</th>", `href="/admin/glossary?edit=`}},
			{name: "nothing typed", user: admin, method: "POST", url: "/admin/glossary", form: url.Values{"term": {" "}, "definition": {""}},
				status: http.StatusUnprocessableEntity,
				contains: []string{"There is a problem", `<a href="#term">Enter the term</a>`, `<a href="#definition">Enter the definition</a>`,
					`<p id="term-error" class="govuk-error-message">`, `<p id="definition-error" class="govuk-error-message">`, "govuk-textarea--error"}},
			{name: "too long", user: admin, method: "POST", url: "/admin/glossary",
				form: url.Values{"term": {term}, "definition": {long}}, status: http.StatusUnprocessableEntity,
				contains: []string{"Definition must be 600 characters or fewer", `value="Jointly test term"`, ">" + long + "</textarea>"}},
			{name: "already there", user: admin, method: "POST", url: "/admin/glossary",
				form: url.Values{"term": {"SaaS"}, "definition": {"Again."}}, status: http.StatusUnprocessableEntity,
				contains: []string{"The glossary already has &#34;SaaS&#34;", `value="SaaS"`, ">Again.</textarea>"}},
			{name: "added", user: admin, method: "POST", url: "/admin/glossary",
				form: url.Values{"term": {term}, "definition": {"A <b>term</b> the tests add & remove."}}, status: http.StatusSeeOther, location: "/admin/glossary"},
			{name: "the list says so", user: admin, method: "GET", url: "/admin/glossary", status: http.StatusOK,
				contains: []string{"Term added to the glossary.", term, "A &lt;b&gt;term&lt;/b&gt; the tests add &amp; remove."}},
			{name: "the glossary shows it", method: "GET", url: "/glossary", status: http.StatusOK,
				contains: []string{`id="term-jointly-test-term"><dfn>Jointly test term</dfn>`, "A &lt;b&gt;term&lt;/b&gt; the tests add &amp; remove."}},
			termID(term),
			{name: "change it", user: admin, method: "GET", url: "/admin/glossary?edit={id}", status: http.StatusOK,
				contains: []string{"Change ‘Jointly test term’", `action="/admin/glossary/{id}"`, `value="Jointly test term"`,
					">A &lt;b&gt;term&lt;/b&gt; the tests add &amp; remove.</textarea>", "Save term"}},
			{name: "a change left blank", user: admin, method: "POST", url: "/admin/glossary/{id}",
				form: url.Values{"term": {term + " renamed"}, "definition": {""}}, status: http.StatusUnprocessableEntity,
				contains: []string{"Change ‘Jointly test term’", `value="Jointly test term renamed"`, "Enter the definition"}},
			{name: "changed", user: admin, method: "POST", url: "/admin/glossary/{id}",
				form: url.Values{"term": {term + " renamed"}, "definition": {"Now defined again."}}, status: http.StatusSeeOther, location: "/admin/glossary"},
			{name: "saved", user: admin, method: "GET", url: "/admin/glossary", status: http.StatusOK,
				contains: []string{"Glossary term saved.", term + " renamed", "Now defined again."}},
			{name: "asked to delete", user: admin, method: "GET", url: "/admin/glossary?delete={id}", status: http.StatusOK,
				contains: []string{"Delete ‘Jointly test term renamed’?", `action="/admin/glossary/{id}/delete"`}},
			{name: "deleted", user: admin, method: "POST", url: "/admin/glossary/{id}/delete", status: http.StatusSeeOther, location: "/admin/glossary"},
			{name: "gone", user: admin, method: "GET", url: "/admin/glossary", status: http.StatusOK,
				contains: []string{"Term deleted from the glossary."}, excludes: []string{term}},
			{name: "gone from the glossary", method: "GET", url: "/glossary", status: http.StatusOK, excludes: []string{term}},
			{name: "deleted twice", user: admin, method: "POST", url: "/admin/glossary/{id}/delete", status: http.StatusNotFound},
			{name: "changed after deletion", user: admin, method: "POST", url: "/admin/glossary/{id}",
				form: url.Values{"term": {"x"}, "definition": {"y"}}, status: http.StatusNotFound},
			{name: "no such term to change", user: admin, method: "GET", url: "/admin/glossary?edit={id}", status: http.StatusNotFound},
			{name: "not an id", user: admin, method: "GET", url: "/admin/glossary?delete=abc", status: http.StatusNotFound},
			{name: "not an id either", user: admin, method: "POST", url: "/admin/glossary/abc", form: url.Values{"term": {"x"}, "definition": {"y"}}, status: http.StatusNotFound},
		}},
		{name: "only administrators keep the glossary", steps: []step{
			{name: "an officer cannot add", user: testutil.OfficerEmail, method: "POST", url: "/admin/glossary",
				form: url.Values{"term": {term}, "definition": {"x"}}, status: http.StatusForbidden},
			{name: "a councillor cannot see the page", user: testutil.CouncillorEmail, method: "GET", url: "/admin/glossary", status: http.StatusForbidden},
			{name: "nothing was added", method: "GET", url: "/glossary", status: http.StatusOK, excludes: []string{term}},
		}},
		{name: "a new term is linked in briefings at once", steps: []step{
			{name: "add a term the Leeds briefing uses", user: admin, method: "POST", url: "/admin/glossary",
				form: url.Values{"term": {"registers"}, "definition": {"Lists of a council's <contracts>."}}, status: http.StatusSeeOther},
			{name: "the briefing links it", user: testutil.CouncillorEmail, method: "GET", url: "/councils/E08000035/briefing", status: http.StatusOK,
				contains: []string{`<dfn><a href="/glossary#term-registers" class="govuk-link" rel="nofollow noreferrer">registers</a></dfn><span> (meaning: Lists of a council&#39;s &lt;contracts&gt;.)</span>`}},
		}},
	})
}
