package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// Briefings for councillors: the list of the library's briefings and each
// council's generated briefing, over the demo seed and starter library.

// briefingVars records, for the viewer email, each published briefing the
// library shows them as {brief-N} (its link) and {brief-N-time} (its
// reading time), and their count as {briefings}.
func briefingVars(email string) step {
	return step{name: "the briefings " + email + " may read", do: func(e *env) {
		e.t.Helper()
		ctx := context.Background()
		var viewer models.User
		if email != "" {
			u, err := e.app.DB.UserByEmail(ctx, email)
			if err != nil {
				e.t.Fatal(err)
			}
			viewer = u
		}
		items, _, err := e.app.DB.LibraryItems(ctx, viewer, models.LibraryFilter{Kind: models.KindBriefing, Limit: 200})
		if err != nil {
			e.t.Fatal(err)
		}
		n := 0
		for _, s := range items {
			if !s.Published {
				continue
			}
			it, err := e.app.DB.LibraryItemByID(ctx, viewer, s.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			e.vars[fmt.Sprintf("brief-%d", n)] = fmt.Sprintf(`<a class="govuk-link" href="/library/%d">%s</a>`, s.ID, html.EscapeString(s.Title))
			e.vars[fmt.Sprintf("brief-%d-time", n)] = fmt.Sprintf("Reading time: %d minute", it.ReadingMinutes())
			n++
		}
		e.vars["briefings"] = fmt.Sprint(n)
	}}
}

func TestBriefingsList(t *testing.T) {
	ownLink := `href="/councils/E08000035/briefing"`
	councillorOnly := "Cloud explained for councillors" // a starter briefing for councillors
	runScenarios(t, []scenario{
		{name: "a councillor reads the briefings and is led to their council's", steps: []step{
			briefingVars(testutil.CouncillorEmail),
			{name: "the list", user: testutil.CouncillorEmail, method: "GET", url: "/briefings", status: http.StatusOK,
				contains: []string{"<h1 class=\"govuk-heading-xl\">Briefings for councillors</h1>", `data-testid="own-council-briefing"`, ownLink,
					"Read Leeds City Council's briefing", `href="/glossary"`, councillorOnly,
					"{brief-0}", "{brief-0-time}", "{brief-1}", "{brief-1-time}"},
				check: func(e *env, r testutil.Response) {
					if e.vars["briefings"] == "0" || e.vars["briefings"] == "1" {
						e.t.Errorf("the starter library should give councillors several briefings, not %s", e.vars["briefings"])
					}
					if got := strings.Count(r.Body, `class="app-briefing__item"`); fmt.Sprint(got) != e.vars["briefings"] {
						e.t.Errorf("%d briefings listed, want %s", got, e.vars["briefings"])
					}
				}},
		}},
		{name: "an officer is led to their council's too", steps: []step{
			{name: "the list", user: testutil.OfficerEmail, method: "GET", url: "/briefings", status: http.StatusOK,
				contains: []string{ownLink, councillorOnly}},
			{name: "Bradford's officer to Bradford's", user: testutil.Officer2Email, method: "GET", url: "/briefings", status: http.StatusOK,
				contains: []string{`href="/councils/E08000032/briefing"`}, excludes: []string{ownLink}},
		}},
		{name: "an administrator belongs to no council", steps: []step{
			{name: "the list", user: testutil.AdminEmail, method: "GET", url: "/briefings", status: http.StatusOK,
				contains: []string{councillorOnly}, excludes: []string{`data-testid="own-council-briefing"`}},
		}},
		{name: "others see only what is written for them", steps: []step{
			briefingVars(""),
			{name: "anonymous", method: "GET", url: "/briefings", status: http.StatusOK,
				contains: []string{"Briefings for councillors", `href="/login?next=%2Fbriefings"`, "{brief-0}", "{brief-0-time}"},
				excludes: []string{councillorOnly, `data-testid="own-council-briefing"`},
				check: func(e *env, r testutil.Response) {
					if got := strings.Count(r.Body, `class="app-briefing__item"`); fmt.Sprint(got) != e.vars["briefings"] {
						e.t.Errorf("%d briefings listed, want %s", got, e.vars["briefings"])
					}
				}},
			{name: "a supplier", user: testutil.SupplierEmail, method: "GET", url: "/briefings", status: http.StatusOK,
				excludes: []string{councillorOnly, `data-testid="own-council-briefing"`}},
		}},
	})
}

func TestCouncilBriefingPage(t *testing.T) {
	leedsPage := "/councils/" + leedsCouncil + "/briefing"
	runScenarios(t, []scenario{
		{name: "a councillor reads their council's briefing", steps: []step{
			{name: "what the page will say", do: func(e *env) {
				w, err := e.app.DB.CouncilBriefingWindows(context.Background(), leedsCouncil, models.DateOf(testutil.Now))
				if err != nil || len(w.Coming) < 3 {
					e.t.Fatalf("Leeds's windows: %v, %v", w, err)
				}
				e.vars["top"] = html.EscapeString(w.Coming[0].Title)
				e.vars["window"] = w.Coming[0].DecisionWindow.Long()
			}},
			{name: "the briefing", user: testutil.CouncillorEmail, method: "GET", url: leedsPage, status: http.StatusOK,
				contains: []string{
					"Briefing for councillors", "Leeds City Council: technology contracts",
					`data-testid="generated-at">21 November 2026 at 10:00am (UK time)`,
					`data-testid="reading-time">`, " minutes</dd>",
					`<h2 class="govuk-heading-l">What the registers show</h2>`,
					`<h3 id="h-contracts-coming-up-for-decision" class="govuk-heading-m">Contracts coming up for decision</h3>`,
					`<h3 id="h-councils-to-buy-with" class="govuk-heading-m">Councils to buy with</h3>`,
					"<strong>{top}</strong>", "decision window {window}", "<strong>Bradford</strong>",
					// Glossary terms, linked on first use with their meaning.
					`<dfn><a href="/glossary#term-decision-window" class="govuk-link" rel="nofollow noreferrer">decision window</a></dfn><span> (meaning: The date by which`,
					`<dfn><a href="/glossary#term-legacy-system"`,
					"Words used in this briefing", `<a class="govuk-link" href="/glossary#term-decision-window">decision window</a>`,
					// Printable without a script.
					"Print this briefing", "data-app-print", "use your browser's print command", `class="app-no-print"`,
				},
				check: func(e *env, r testutil.Response) {
					if n := strings.Count(r.Body, `href="/glossary#term-decision-window" class="govuk-link" rel`); n != 1 {
						e.t.Errorf("decision window linked %d times in the text, want only its first use", n)
					}
				}},
			{name: "hours later it has not been written again on reading", do: func(e *env) { e.app.Clock.Advance(5 * time.Hour) }},
			{name: "the same briefing", user: testutil.CouncillorEmail, method: "GET", url: leedsPage, status: http.StatusOK,
				contains: []string{`data-testid="generated-at">21 November 2026 at 10:00am (UK time)`}},
		}},
		{name: "who may read a council's briefing", steps: []step{
			{name: "another council's officer", user: testutil.Officer2Email, method: "GET", url: leedsPage, status: http.StatusOK,
				contains: []string{"Leeds City Council: technology contracts"}},
			{name: "an administrator", user: testutil.AdminEmail, method: "GET", url: "/councils/E08000032/briefing", status: http.StatusOK,
				contains: []string{"City of Bradford Metropolitan District Council: technology contracts"}},
			{name: "not a supplier", user: testutil.SupplierEmail, method: "GET", url: leedsPage, status: http.StatusForbidden},
			{name: "not anonymously", method: "GET", url: leedsPage, status: http.StatusSeeOther, location: "/login?next=%2Fcouncils%2FE08000035%2Fbriefing"},
			{name: "no such council", user: testutil.CouncillorEmail, method: "GET", url: "/councils/E99999999/briefing", status: http.StatusNotFound},
		}},
		{name: "text from the register is text", steps: []step{
			{name: "a contract whose title is markup", do: func(e *env) {
				addContract(e, testutil.AdminEmail, leedsCouncil, models.ContractInput{
					Title:        `<script>alert(1)</script> *Payroll* [x](javascript:alert(2)) <img src=x onerror=alert(3)>`,
					SupplierName: "Acme <b>Ltd</b>", EndDate: regDate("2027-10-01"), NoticePeriodMonths: regMonths(0), AnnualValuePence: regPounds(90_000_000)})
				if _, err := e.app.DB.GenerateCouncilBriefing(context.Background(), leedsCouncil); err != nil {
					e.t.Fatal(err)
				}
			}},
			{name: "the briefing", user: testutil.CouncillorEmail, method: "GET", url: leedsPage, status: http.StatusOK,
				contains: []string{"<strong>&lt;script&gt;alert(1)&lt;/script&gt; *Payroll* [x](javascript:alert(2)) &lt;img src=x onerror=alert(3)&gt;</strong> with Acme &lt;b&gt;Ltd&lt;/b&gt;"},
				excludes: []string{"<script>alert", "<img src", `href="javascript`, "<em>Payroll</em>", "<b>Ltd"}},
		}},
	})
}
