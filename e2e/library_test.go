package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	wakefieldGSS = "E08000036"

	libFlash  = ".govuk-notification-banner--success"
	libStatus = `h1 ~ p [data-testid="library-status"]`
	libBody   = `[data-testid="library-body"]`
)

var (
	libraryItemRE = regexp.MustCompile(`^/library/(\d+)$`)
	libraryEditRE = regexp.MustCompile(`^/library/(\d+)/edit$`)
	readingTimeRE = regexp.MustCompile(`^\d+ minutes?$`)
)

// TestLibraryJourney: Leeds's officer writes a playbook and sends it for
// review; Leeds cannot approve its own work, Bradford's officer does, and
// it is published. An officer of a third council, Wakefield, adapts it
// into a draft of its own, and both items show the lineage. Leeds's
// councillor reads the briefing Jointly wrote for Leeds, with its words
// explained from the glossary, and prints it: the menus, search box and
// buttons are left out of the printed page. Search then finds each of
// them for the people who may read them.
//
// The playbook's title carries a word of its own, so the journey never
// touches the demo's items nor they it.
func TestLibraryJourney(t *testing.T) {
	t.Parallel()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	started := time.Now()
	n := time.Now().UnixNano() % 1_000_000
	word := fmt.Sprintf("Lapwing%d", n)
	title := word + " playbook for leaving a hosted finance system"
	summary := "How Leeds plans the exit from a hosted finance system, step by step."
	body := "## Before you start\n\n" +
		"- Check when the contract ends and how much notice it needs\n" +
		"- Ask two other councils what they paid to leave\n\n" +
		"## Who does what\n\n" +
		"| Step | Owner |\n" +
		"| --- | --- |\n" +
		"| Exit plan | Chief information officer |\n" +
		"| Data export | Finance systems team |\n"

	// 1. Leeds writes the playbook as a draft.
	leeds := newSession(t, "library-leeds")
	leeds.signInAs("cio@leeds.gov.uk")
	leeds.open("library", "/library", http.StatusOK)
	leeds.expectText("library", "h1", "Library")
	leeds.click("write", `[data-testid="write-library-item"]`, http.StatusOK)
	leeds.expectPath("write", "/library/new")
	leeds.expectText("write", "h1", "Write an item")
	leeds.tickValue("kind", "playbook")
	leeds.typeInto("title", title)
	leeds.typeInto("summary", summary)
	leeds.replaceInto("body", body)
	leeds.tickValue("audience", "officers")
	leeds.typeInto("tags", "exit planning, finance")
	leeds.click("draft", `[data-testid="library-save"]`, http.StatusOK)
	orig := leeds.location()
	if !libraryItemRE.MatchString(orig) {
		t.Fatalf("draft: after saving, the browser is at %s, want an item's page", orig)
	}
	leeds.expectTextContains("draft", libFlash, "Draft saved.")
	leeds.expectText("draft", "h1", title)
	leeds.expectText("draft", libStatus, "Draft")
	leeds.expectText("draft", `[data-testid="library-summary"]`, summary)
	if got := leeds.texts(libBody + " h2:not(.govuk-visually-hidden)[id], " + libBody + " h3[id]"); strings.Join(got, "|") != "Before you start|Who does what" {
		t.Errorf("draft: the text's headings (with link anchors) read %q, want Before you start and Who does what", got)
	}
	if got := leeds.texts(libBody + " ul li"); len(got) != 2 || !strings.HasPrefix(got[0], "Check when the contract ends") {
		t.Errorf("draft: the list reads %q, want the two points", got)
	}
	if got := leeds.texts(libBody + " table th"); strings.Join(got, "|") != "Step|Owner" {
		t.Errorf("draft: the table's headers read %q, want Step and Owner", got)
	}
	if got := leeds.texts(libBody + " table td"); len(got) != 4 || got[1] != "Chief information officer" {
		t.Errorf("draft: the table's cells read %q", got)
	}
	if got := leeds.texts(`[data-testid="library-tags"] li`); strings.Join(got, ",") != "exit planning,finance" {
		t.Errorf("draft: the tags read %q, want exit planning and finance", got)
	}
	leeds.expectTextContains("draft", `[data-testid="library-facts"]`, "Council officers")
	if got := leeds.text(`[data-testid="library-reading-time"]`); !readingTimeRE.MatchString(got) {
		t.Errorf("draft: the reading time reads %q", got)
	}

	leeds.click("submitted", `[data-testid="library-submit"]`, http.StatusOK)
	leeds.expectPath("submitted", orig)
	leeds.expectTextContains("submitted", libFlash, "Sent for review.")
	leeds.expectText("submitted", libStatus, "In review")
	leeds.expectTextContains("submitted", `[data-testid="library-review-state"]`, "Someone else must approve it")
	if n := leeds.count(`[data-testid="library-approve"]`); n != 0 {
		t.Error("submitted: Leeds, who wrote it, is offered “Approve and publish”")
	}
	// Nor does the server take Leeds's approval if Leeds posts it anyway.
	if got := leeds.postForm(orig+"/approve", `form[action="/logout"]`); got != http.StatusForbidden {
		t.Errorf("submitted: Leeds's own approval answered %d, want 403", got)
	}
	leeds.open("still-in-review", orig, http.StatusOK)
	leeds.expectText("still-in-review", libStatus, "In review")

	// Bradford finds it awaiting review and approves it.
	bradford := newSession(t, "library-bradford")
	bradford.signInAs("digital@bradford.gov.uk")
	bradford.open("library", "/library", http.StatusOK)
	bradford.tick("review")
	bradford.click("awaiting-review", `form.app-filter-form button[type="submit"]`, http.StatusOK)
	if loc := bradford.location(); !strings.HasPrefix(loc, "/library?") || !strings.Contains(loc, "review=1") {
		t.Errorf("awaiting-review: the browser is at %s, want the library filtered to items awaiting review", loc)
	}
	link := `[data-testid="library-items"] a[href="` + orig + `"]`
	bradford.expectText("awaiting-review", link, title)
	bradford.click("review-item", link, http.StatusOK)
	bradford.expectPath("review-item", orig)
	bradford.expectText("review-item", libStatus, "In review")
	bradford.expectTextContains("review-item", `[data-testid="library-review-state"]`, "Read it, then approve it")
	bradford.click("approved", `[data-testid="library-approve"]`, http.StatusOK)
	bradford.expectPath("approved", orig)
	bradford.expectTextContains("approved", libFlash, "Approved and published.")
	bradford.expectText("approved", libStatus, "Published")
	bradford.expectTextContains("approved", `[data-testid="library-version"]`, "approved")
	bradford.expectTextContains("approved", `[data-testid="library-version"]`, "by "+priyaName)

	// 2. Wakefield, which has no officer in the demo, adapts it.
	wakefieldEmail := fmt.Sprintf("ict%d@wakefield.gov.uk", n)
	addUser(t, "user", "add", "--db", serverDB, "--email", wakefieldEmail, "--name", "Wren Wakefield",
		"--role", "officer", "--council", wakefieldGSS, "--password-stdin")
	wakefield := newSession(t, "library-wakefield")
	wakefield.signInAs(wakefieldEmail)
	wakefield.open("published", orig, http.StatusOK)
	wakefield.expectText("published", "h1", title)
	wakefield.expectText("published", libStatus, "Published")
	if n := wakefield.count(`[data-testid="library-edit"]`); n != 0 {
		t.Error("published: Wakefield is offered to edit Leeds's item")
	}
	wakefield.click("adapted", `[data-testid="library-adapt"]`, http.StatusOK)
	editPath := wakefield.location()
	m := libraryEditRE.FindStringSubmatch(editPath)
	if m == nil {
		t.Fatalf("adapted: the browser is at %s, want the new draft's edit page", editPath)
	}
	copyPath := "/library/" + m[1]
	if copyPath == orig {
		t.Fatalf("adapted: the edit page is the original's (%s), not a copy's", orig)
	}
	wakefield.expectTextContains("adapted", libFlash, "This is your council's own draft")
	wakefield.expectText("adapted", "h1", "Edit ‘"+title+"’")
	if got := wakefield.value("title"); got != title {
		t.Errorf("adapted: the title box holds %q, want the original's", got)
	}
	if got := wakefield.value("body"); !strings.Contains(got, "| Exit plan | Chief information officer |") {
		t.Errorf("adapted: the text box holds %q, want the original's text", got)
	}
	copyTitle := title + " in Wakefield"
	wakefield.replaceInto("title", copyTitle)
	wakefield.typeInto("note", "Our own teams")
	wakefield.click("copy-saved", `[data-testid="library-save"]`, http.StatusOK)
	wakefield.expectPath("copy-saved", copyPath)
	wakefield.expectTextContains("copy-saved", libFlash, "Saved as a new version.")
	wakefield.expectText("copy-saved", "h1", copyTitle)
	wakefield.expectText("copy-saved", libStatus, "Draft")
	wakefield.expectTextContains("copy-saved", `[data-testid="library-adapted-from"]`, "Adapted from: "+title)
	wakefield.expectText("copy-saved", `[data-testid="library-adapted-from"] a[href="`+orig+`"]`, title)

	wakefield.open("lineage", orig, http.StatusOK)
	wakefield.expectText("lineage", `[data-testid="library-adapted-into"] a[href="`+copyPath+`"]`, copyTitle)
	wakefield.expectTextContains("lineage", `[data-testid="library-adapted-into"]`, "Wakefield")
	// Wakefield's draft is its own: Bradford does not see it in the lineage.
	bradford.open("lineage", orig, http.StatusOK)
	if n := bradford.count(`[data-testid="library-adapted-into"] a[href="` + copyPath + `"]`); n != 0 {
		t.Error("lineage: Bradford sees Wakefield's private draft among the adaptations")
	}
	bradford.open("copy-hidden", copyPath, http.StatusNotFound)

	// 3. Leeds's councillor reads the briefing written for Leeds.
	cllr := newSession(t, "library-councillor")
	cllr.signInAs("cllr.hughes@leeds.gov.uk")
	cllr.open("briefings", "/briefings", http.StatusOK)
	cllr.expectText("briefings", "h1", "Briefings for councillors")
	briefing := "/councils/" + leedsGSS + "/briefing"
	cllr.click("briefing", `[data-testid="own-council-briefing"] a[href="`+briefing+`"]`, http.StatusOK)
	cllr.expectPath("briefing", briefing)
	cllr.expectTextContains("briefing", "h1", "technology contracts")
	if got := cllr.text(`[data-testid="reading-time"]`); !readingTimeRE.MatchString(got) {
		t.Errorf("briefing: the reading time reads %q", got)
	}
	if got := cllr.text(`[data-testid="generated-at"]`); !strings.Contains(got, "(UK time)") {
		t.Errorf("briefing: when it was written reads %q", got)
	}
	sections := cllr.texts(`[data-testid="briefing-body"] h2, [data-testid="briefing-body"] h3`)
	if len(sections) < 2 {
		t.Errorf("briefing: the briefing has sections %q, want at least two", sections)
	}
	if text := cllr.text(`[data-testid="briefing-body"]`); len(text) < 200 {
		t.Errorf("briefing: the briefing's text is only %q", text)
	}
	terms := cllr.attrs(`[data-testid="briefing-body"] a[href^="/glossary#term-"]`, "href")
	if len(terms) == 0 {
		t.Error("briefing: no word in the briefing links to the glossary")
	}
	if n := cllr.count(`[data-testid="briefing-terms"] a[href^="/glossary#term-"]`); n == 0 {
		t.Error("briefing: no “Words used in this briefing” list linking to the glossary")
	}

	// It prints without the menus, the search box or the buttons.
	cllr.emulateMedia("print")
	for sel, want := range map[string]bool{
		".govuk-service-navigation":         false,
		`[data-testid="site-search"]`:       false,
		".govuk-template__header":           false,
		".app-account-bar":                  false,
		`[data-testid="print-briefing"]`:    false,
		".app-print-hint":                   false,
		`[data-testid="sign-out"]`:          false,
		`[data-testid="briefing-body"]`:     true,
		`[data-testid="briefing-terms"]`:    true,
		"main h1":                           true,
		`[data-testid="reading-time"]`:      true,
		".govuk-footer":                     false,
		"main .govuk-button, header button": false,
	} {
		if got := cllr.displayed(sel); got != want {
			t.Errorf("print: %s is displayed=%v when printed, want %v", sel, got, want)
		}
	}
	res, err := chromedp.Call(cllr.ctx, page.PrintToPDF, page.PrintToPDFParams{})
	data := res.Data
	if err != nil {
		t.Errorf("print: print to PDF: %v", err)
	} else if !bytes.HasPrefix(data, []byte("%PDF")) || len(data) < 1000 {
		t.Errorf("print: printing gave %d bytes starting %q, want a PDF", len(data), data[:min(len(data), 8)])
	}
	cllr.emulateMedia("")
	if !cllr.displayed(".govuk-service-navigation") {
		t.Error("screen: after printing, the service navigation is still hidden on screen")
	}

	// A word's link leads to its entry in the glossary.
	term := terms[0]
	cllr.click("glossary", `[data-testid="briefing-body"] a[href="`+term+`"]`, http.StatusOK)
	cllr.expectPath("glossary", term)
	cllr.expectText("glossary", "h1", "Glossary")
	anchor := strings.TrimPrefix(term, "/glossary#")
	if n := cllr.count("#" + anchor); n != 1 {
		t.Errorf("glossary: %d elements have the id %s, want 1", n, anchor)
	}

	// 4. Search finds each of them, for those who may read them.
	bradford.search("search-playbook", word)
	bradford.expectResult("search-playbook", orig, title)
	if bradford.hasResult(copyPath) {
		t.Error("search-playbook: Bradford's search finds Wakefield's private draft")
	}
	bradford.click("found-playbook", `[data-testid="search-result"] a[href="`+orig+`"]`, http.StatusOK)
	bradford.expectPath("found-playbook", orig)
	bradford.expectText("found-playbook", "h1", title)

	wakefield.search("search-adaptation", word)
	wakefield.expectResult("search-adaptation", copyPath, copyTitle)
	wakefield.expectResult("search-adaptation", orig, title)
	wakefield.click("found-adaptation", `[data-testid="search-result"] a[href="`+copyPath+`"]`, http.StatusOK)
	wakefield.expectPath("found-adaptation", copyPath)
	wakefield.expectText("found-adaptation", "h1", copyTitle)

	// The playbook is for officers: Leeds's councillor does not find it.
	cllr.search("search-councillor", word)
	if cllr.hasResult(orig) || cllr.hasResult(copyPath) {
		t.Error("search-councillor: the councillor finds a playbook written for officers")
	}
	cllr.search("search-briefing", "cloud")
	cllr.tickValue("type", "library")
	cllr.click("search-briefing-library", `[data-testid="search-submit"]`, http.StatusOK)
	if got := cllr.attrs(`[data-testid="search-result"]`, "data-type"); len(got) == 0 || slices.ContainsFunc(got, func(t string) bool { return t != "library" }) {
		t.Errorf("search-briefing-library: the results' types are %q, want only library items", got)
	}
	found := eval[string](cllr, `(() => {
  for (const r of document.querySelectorAll('[data-testid="search-result"][data-type="library"]')) {
    if (r.querySelector('p').textContent.startsWith('Councillor briefing')) return r.querySelector('h3 a').getAttribute('href');
  }
  return '';
})()`)
	if found == "" {
		t.Fatalf("search-briefing: no councillor briefing among the councillor's results for “cloud”: %q", cllr.texts(`[data-testid="search-result"]`))
	}
	cllr.click("found-briefing", `[data-testid="search-result"] a[href="`+found+`"]`, http.StatusOK)
	cllr.expectPath("found-briefing", found)
	cllr.expectTextContains("found-briefing", ".govuk-caption-l", "Councillor briefing")
	if got := cllr.text(`[data-testid="library-reading-time"]`); !readingTimeRE.MatchString(got) {
		t.Errorf("found-briefing: the reading time reads %q", got)
	}
	if n := cllr.count(`[data-testid="library-edit"], [data-testid="library-adapt"]`); n != 0 {
		t.Error("found-briefing: the councillor is offered to edit or adapt the briefing")
	}

	t.Logf("library journey took %s", time.Since(started).Round(time.Millisecond))
}

// addUser runs `jointly user add …` on the shared server's database, with
// the demo password on standard input.
func addUser(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = childEnv()
	cmd.Stdin = strings.NewReader(demoPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("jointly %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// tickValue ticks the radio or checkbox called name with this value.
func (s *session) tickValue(name, value string) {
	s.t.Helper()
	sel, _ := json.Marshal(`input[name="` + name + `"][value="` + value + `"]`)
	id := eval[string](s, `(() => { const e = document.querySelector(`+string(sel)+`); return e ? e.id : '' })()`)
	if id == "" {
		s.t.Fatalf("no %s choice %q", name, value)
	}
	s.tick(id)
}

// attrs is the attribute of each element sel finds.
func (s *session) attrs(sel, attr string) []string {
	s.t.Helper()
	q, _ := json.Marshal(sel)
	a, _ := json.Marshal(attr)
	return eval[[]string](s, `Array.from(document.querySelectorAll(`+string(q)+`)).map(e => e.getAttribute(`+string(a)+`))`)
}

// postForm posts the CSRF token of the form from finds to path, as a
// person who edited the page could, and returns the status.
func (s *session) postForm(path, from string) int {
	s.t.Helper()
	p, _ := json.Marshal(path)
	f, _ := json.Marshal(from + ` input[name="csrf_token"]`)
	return eval[int](s, `(async () => {
  const body = new URLSearchParams({csrf_token: document.querySelector(`+string(f)+`).value});
  const r = await fetch(`+string(p)+`, {method: 'POST', body, redirect: 'manual'});
  return r.status;
})()`, func(p *runtime.EvaluateParams) {
		await := true
		p.AwaitPromise = &await
	})
}

// emulateMedia makes the page use the CSS for media ("print"), or for the
// screen again ("").
func (s *session) emulateMedia(media string) {
	s.t.Helper()
	if _, err := chromedp.Call(s.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media}); err != nil {
		s.t.Fatalf("emulate media %q: %v", media, err)
	}
}

// displayed says whether every element sel finds (at least one) is shown:
// neither it nor an ancestor has display:none.
func (s *session) displayed(sel string) bool {
	s.t.Helper()
	q, _ := json.Marshal(sel)
	got := eval[string](s, `(() => {
  const els = document.querySelectorAll(`+string(q)+`);
  if (els.length === 0) return 'none found';
  let shown = 0;
  for (const e of els) {
    let hidden = false;
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      if (getComputedStyle(n).display === 'none') { hidden = true; break; }
    }
    if (!hidden) shown++;
  }
  return shown === els.length ? 'all' : shown === 0 ? 'hidden' : 'some';
})()`)
	switch got {
	case "all":
		return true
	case "hidden":
		return false
	default:
		s.t.Errorf("%s: %s (%s)", s.location(), sel, got)
		return got == "some"
	}
}

// search searches from the header's search box.
func (s *session) search(step, q string) {
	s.t.Helper()
	s.open(step+"-from", "/library", http.StatusOK)
	s.typeInto("site-search-q", q)
	s.click(step, `[data-testid="site-search"] button[type="submit"]`, http.StatusOK)
	s.expectText(step, "h1", "Search")
	if got := s.value("q"); got != q {
		s.t.Errorf("%s: the search box holds %q, want %q", step, got, q)
	}
}

func (s *session) hasResult(href string) bool {
	s.t.Helper()
	return s.count(`[data-testid="search-result"] h3 a[href="`+href+`"]`) > 0
}

func (s *session) expectResult(step, href, title string) {
	s.t.Helper()
	if !s.hasResult(href) {
		s.t.Errorf("%s: no search result links to %s; the results are %q", step, href, s.texts(`[data-testid="search-result"] h3`))
		return
	}
	s.expectText(step, `[data-testid="search-result"] h3 a[href="`+href+`"]`, title)
}
