package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London, to work out the default deadlines in UK time
)

const (
	leedsGSS    = "E08000035"
	bradfordGSS = "E08000032"
	leedsName   = "Sam Okafor" // cio@leeds.gov.uk
	priyaName   = "Priya Shah" // digital@bradford.gov.uk

	bidFlash   = ".govuk-notification-banner--success"
	bidStatus  = `[data-testid="bid-status"]`
	bidSignOff = `[data-testid="bid-signoff"]`
)

var bidPathRE = regexp.MustCompile(`^/bids/\d+$`)

// TestJointBidJourney: Leeds's officer takes a partner match with
// Bradford to a published joint bid. Bradford's officer accepts the
// invitation; both edit the same section at once and Leeds merges the two
// texts without losing either; Bradford states its own needs; Leeds fixes
// the criteria's weights; both sign off, an edit clears both sign-offs and
// both sign off again; Leeds publishes with the default deadlines, in UK
// time. Leeds's councillor then reads the published bid, and the
// administrator, who could not find the draft, finds it by searching.
//
// The bid's title carries a word of its own, so the journey never touches
// the demo's bids nor they it.
func TestJointBidJourney(t *testing.T) {
	t.Parallel()
	word := fmt.Sprintf("Kingfisher%d", time.Now().UnixNano()%1_000_000)
	title := word + " shared revenues platform for Leeds and Bradford"

	// 1. Leeds starts the bid from a match with Bradford.
	leeds := newSession(t, "bid-leeds")
	leeds.signInAs("cio@leeds.gov.uk")
	leeds.open("our-partners", "/councils/"+leedsGSS+"/partners", http.StatusOK)
	leeds.expectText("our-partners", "h1", "Our partners")
	start := eval[string](leeds, `(() => {
  for (const card of document.querySelectorAll('[data-testid="partner-match"]')) {
    const a = card.querySelector('a[data-testid="start-bid-from-match"]');
    if (a && card.querySelector('h3').textContent.trim().startsWith('Bradford ·')) return a.getAttribute('href');
  }
  return '';
})()`)
	if start == "" {
		t.Fatal("our-partners: no match with Bradford offers “Start a joint bid with Bradford”")
	}
	startLink := `a[data-testid="start-bid-from-match"][href="` + start + `"]`
	leeds.expectTextContains("our-partners", startLink, "Start a joint bid with Bradford")

	leeds.click("new-bid", startLink, http.StatusOK)
	leeds.expectText("new-bid", "h1", "Start a joint bid")
	if !leeds.checked("partner_gss-" + bradfordGSS) {
		t.Error("new-bid: Bradford is not ticked as a partner")
	}
	replaces := `[data-testid="bid-replaces"] input[type="checkbox"]`
	if n, ticked := leeds.count(replaces), leeds.count(replaces+":checked"); n != 2 || ticked != 2 {
		t.Errorf("new-bid: %d of %d contracts to replace are ticked, want both of 2 (Leeds's and Bradford's)", ticked, n)
	}
	if got := leeds.value("title"); !strings.HasPrefix(got, "Joint procurement: ") {
		t.Errorf("new-bid: the title starts as %q, want it filled in from Leeds's contract", got)
	}
	if got := leeds.value("category"); got == "" {
		t.Error("new-bid: no category is chosen")
	}
	leeds.replaceInto("title", title)
	leeds.click("bid-created", `[data-testid="create-bid"]`, http.StatusOK)
	bid := leeds.location()
	if !bidPathRE.MatchString(bid) {
		t.Fatalf("bid-created: after starting the bid the browser is at %s, want a bid's page", bid)
	}
	leeds.expectText("bid-created", "h1", title)
	leeds.expectTextContains("bid-created", bidFlash, "Joint bid started.")
	leeds.expectText("bid-created", bidStatus, "Draft")
	leeds.expectParticipant("bid-created", "Leeds", "Lead", "Taking part")
	leeds.expectParticipant("bid-created", "Bradford", "Partner", "Invited")
	if n := leeds.count(`[data-testid="bid-replaces"] li`); n != 2 {
		t.Errorf("bid-created: the bid replaces %d contracts, want 2", n)
	}
	leeds.expectTextContains("bid-created", `[data-testid="bid-problems"]`, "Bradford has not yet accepted or declined the invitation.")

	// 2. Bradford sees the invitation on its home page and accepts it.
	bradford := newSession(t, "bid-bradford")
	bradford.signInAs("digital@bradford.gov.uk")
	bradford.open("bradford-home", "/", http.StatusOK)
	invitation := `[data-testid="home-bid-invitations"] a[href="` + bid + `"]`
	bradford.expectText("bradford-home", invitation, title)
	bradford.click("invited", invitation, http.StatusOK)
	bradford.expectPath("invited", bid)
	bradford.expectTextContains("invited", `[data-testid="bid-invitation"]`, "Your council is invited to take part in this joint bid")
	bradford.click("accepted", `[data-testid="accept-invitation"]`, http.StatusOK)
	bradford.expectPath("accepted", bid)
	bradford.expectTextContains("accepted", bidFlash, "Invitation accepted.")
	if n := bradford.count(`[data-testid="bid-invitation"]`); n != 0 {
		t.Error("accepted: the invitation banner is still shown")
	}
	bradford.expectParticipant("accepted", "Bradford", "Partner", "Taking part", priyaName)

	// 3. Both edit Scope at once: Bradford saves first, Leeds is shown
	// both texts and merges them.
	leeds.open("overview", bid, http.StatusOK)
	scope := leeds.sectionPath("overview", bid, "Scope")
	editScope := `[data-testid="bid-section"] a[data-testid="edit-section"][href="` + scope + `/edit"]`
	leeds.click("leeds-edits-scope", editScope, http.StatusOK)
	leeds.expectText("leeds-edits-scope", "h1", "Edit ‘Scope’")
	leeds.expectTextContains("leeds-edits-scope", `[data-testid="editing-version"]`, "You are editing version 1")
	const leedsLine = "Leeds brings council tax for 360,000 homes."
	leeds.appendTyped("body", "\n\n"+leedsLine)

	bradford.click("bradford-edits-scope", editScope, http.StatusOK)
	bradford.expectTextContains("bradford-edits-scope", `[data-testid="editing-version"]`, "You are editing version 1")
	const bradfordLine = "Bradford brings housing benefit and business rates."
	bradford.replaceInto("body", bradfordLine)
	bradford.click("bradford-saved-scope", `[data-testid="save-section"]`, http.StatusOK)
	bradford.expectTextContains("bradford-saved-scope", bidFlash, "Section saved.")

	leeds.click("conflict", `[data-testid="save-section"]`, http.StatusConflict)
	leeds.expectText("conflict", `[data-testid="conflict-heading"]`, "Someone else saved ‘Scope’ while you were editing")
	leeds.expectTextContains("conflict", `[data-testid="their-version"]`, "by "+priyaName)
	leeds.expectTextContains("conflict", `[data-testid="their-text"]`, bradfordLine)
	leeds.expectTextContains("conflict", `[data-testid="your-text"]`, leedsLine)
	leeds.expectTextContains("conflict", `[data-testid="diff-summary"]`, "added")
	if got := leeds.value("body"); !strings.Contains(got, leedsLine) {
		t.Errorf("conflict: the merge box holds %q, want Leeds's unsaved text in it", got)
	}
	leeds.replaceInto("body", bradfordLine+"\n\n"+leedsLine)
	leeds.click("merged", `[data-testid="save-merge"]`, http.StatusOK)
	leeds.expectTextContains("merged", bidFlash, "Section saved.")

	leeds.click("scope", `[data-testid="bid-section"] a[href="`+scope+`"]`, http.StatusOK)
	leeds.expectText("scope", `[data-testid="section-heading"]`, "Scope")
	leeds.expectTextContains("scope", `[data-testid="section-text"]`, bradfordLine)
	leeds.expectTextContains("scope", `[data-testid="section-text"]`, leedsLine)
	leeds.expectTextContains("scope", `[data-testid="section-version"]`, "Version 3, last saved by "+leedsName)

	leeds.click("versions", `[data-testid="compare-versions"]`, http.StatusOK)
	leeds.expectText("versions", `[data-testid="diff-heading"]`, "Changes from version 2 to version 3")
	if n := leeds.count(`[data-testid="version-row"]`); n != 3 {
		t.Errorf("versions: %d versions listed, want 3 (the outline, Bradford's, the merge)", n)
	}
	leeds.expectTextContains("versions", `[data-testid="diff-summary"]`, "removed")
	// Each added line reads "+Added: …": a marker, and words for screen readers.
	added := leeds.texts(`[data-testid="diff"] .app-diff__line--added ins`)
	if !slices.Contains(added, "+Added: "+leedsLine) {
		t.Errorf("versions: the added lines are %q, want Leeds's line among them", added)
	}
	if kept := leeds.texts(`[data-testid="diff"] .app-diff__line:not(.app-diff__line--added):not(.app-diff__line--removed)`); !slices.Contains(kept, bradfordLine) {
		t.Errorf("versions: the unchanged lines are %q, want Bradford's line among them", kept)
	}

	// 4. Bradford states its own needs.
	bradford.open("bradford-overview", bid, http.StatusOK)
	bradford.click("bradford-needs", `a[data-testid="change-participant"][href="`+bid+`/participants/`+bradfordGSS+`"]`, http.StatusOK)
	bradford.expectText("bradford-needs", "h1", "What Bradford needs")
	if got := bradford.text(`#nominee option:checked`); !strings.HasPrefix(got, priyaName) {
		t.Errorf("bradford-needs: the nominee chosen is %q, want %s, who accepted", got, priyaName)
	}
	const bradfordNeeds = "Bradford needs the citizen portal in English and Urdu."
	bradford.typeInto("requirements", bradfordNeeds)
	bradford.typeInto("volumes", "215,000 households; 18,000 businesses.")
	bradford.replaceInto("budget", "250,000")
	bradford.click("bradford-needs-saved", `[data-testid="save-participant"]`, http.StatusOK)
	bradford.expectTextContains("bradford-needs-saved", bidFlash, "Your council's details saved.")
	bradford.expectParticipant("bradford-needs-saved", "Bradford", "£250,000")
	if needs := bradford.texts(`[data-testid="bid-needs"]`); !slices.ContainsFunc(needs, func(s string) bool {
		return strings.HasPrefix(s, "Bradford") && strings.Contains(s, bradfordNeeds) && strings.Contains(s, "215,000 households")
	}) {
		t.Errorf("bradford-needs-saved: the needs read %q, want Bradford's requirements and volumes", needs)
	}

	// 5. Leeds changes the criteria: first weights adding up to 105.
	leeds.open("overview-criteria", bid, http.StatusOK)
	if n := leeds.count(`a[href="` + bid + `/participants/` + bradfordGSS + `"]`); n != 0 {
		t.Error("overview-criteria: Leeds is offered a link to change Bradford's details")
	}
	leeds.click("criteria", `[data-testid="change-criteria"]`, http.StatusOK)
	leeds.expectText("criteria", "h1", "Evaluation criteria and weights")
	for id, want := range map[string]string{"name-1": "Meets our requirements", "weight-1": "40", "name-4": "Price", "weight-4": "30"} {
		if got := leeds.value(id); got != want {
			t.Errorf("criteria: #%s holds %q, want %q", id, got, want)
		}
	}
	leeds.replaceInto("weight-4", "35")
	leeds.click("criteria-105", `[data-testid="save-criteria"]`, http.StatusUnprocessableEntity)
	const sumMessage = "Weights must add up to 100; they add up to 105"
	if title := eval[string](leeds, `document.title`); !strings.HasPrefix(title, "Error: ") {
		t.Errorf("criteria-105: title %q does not start with \"Error: \"", title)
	}
	leeds.expectText("criteria-105", ".govuk-error-summary__title", "There is a problem")
	leeds.expectText("criteria-105", ".govuk-error-summary__list", sumMessage)
	leeds.expectText("criteria-105", `.govuk-error-summary__list a[href="#weights"]`, sumMessage)
	leeds.expectText("criteria-105", `[data-testid="weights-error"]`, "Error: "+sumMessage)
	if got := leeds.value("weight-4"); got != "35" {
		t.Errorf("criteria-105: #weight-4 holds %q, want 35 kept", got)
	}
	leeds.replaceInto("weight-1", "35")
	leeds.click("criteria-saved", `[data-testid="save-criteria"]`, http.StatusOK)
	leeds.expectPath("criteria-saved", bid+"#criteria")
	leeds.expectTextContains("criteria-saved", bidFlash, "Evaluation criteria saved.")
	criteria := leeds.texts(`[data-testid="bid-criteria"] tbody tr`)
	for _, want := range []string{"Meets our requirements How well the solution meets the essential and desirable requirements. 35%", "Total 100%"} {
		if !slices.Contains(criteria, want) {
			t.Errorf("criteria-saved: the criteria rows read %q, want %q", criteria, want)
		}
	}
	if !slices.ContainsFunc(criteria, func(s string) bool { return strings.HasPrefix(s, "Price ") && strings.HasSuffix(s, " 35%") }) {
		t.Errorf("criteria-saved: the criteria rows read %q, want Price at 35%%", criteria)
	}

	// 6. Sign-off: asked for, given by both, cleared by an edit, given again.
	if n := leeds.count(`[data-testid="bid-problems"]`); n != 0 {
		t.Errorf("criteria-saved: problems remain before sign-off: %q", leeds.text(`[data-testid="bid-problems"]`))
	}
	leeds.expectAwaiting("criteria-saved", "Leeds", "Bradford")
	leeds.click("signoff-requested", `[data-testid="request-signoff"]`, http.StatusOK)
	leeds.expectTextContains("signoff-requested", bidFlash, "Sign-off requested.")
	leeds.expectText("signoff-requested", bidStatus, "Signing off")
	if n := leeds.count(`[data-testid="request-signoff"]`); n != 0 {
		t.Error("signoff-requested: Leeds is still offered “Ask councils to sign off”")
	}
	leeds.click("leeds-signed", `[data-testid="sign-off"]`, http.StatusOK)
	leeds.expectTextContains("leeds-signed", bidFlash, "Signed off for your council.")
	leeds.expectText("leeds-signed", bidStatus, "Signing off")
	leeds.expectAwaiting("leeds-signed", "Bradford")
	leeds.expectParticipant("leeds-signed", "Leeds", "Yes, by "+leedsName)

	bradford.open("bradford-signs", bid, http.StatusOK)
	bradford.click("bradford-signed", `[data-testid="sign-off"]`, http.StatusOK)
	bradford.expectTextContains("bradford-signed", bidFlash, "Signed off for your council.")
	bradford.expectTextContains("bradford-signed", `[data-testid="bid-all-signed"]`, "Every council has signed off")

	background := bradford.sectionPath("bradford-signed", bid, "Background")
	bradford.click("bradford-edits-background", `[data-testid="bid-section"] a[data-testid="edit-section"][href="`+background+`/edit"]`, http.StatusOK)
	bradford.appendTyped("body", "\n\nBradford's current contract ends in March 2028.")
	bradford.click("background-saved", `[data-testid="save-section"]`, http.StatusOK)
	bradford.expectTextContains("background-saved", bidFlash, "Section saved.")
	bradford.expectAwaiting("background-saved", "Leeds", "Bradford")
	if n := bradford.count(`[data-testid="bid-all-signed"]`); n != 0 {
		t.Error("background-saved: the bid still says every council has signed off")
	}
	bradford.expectTextContains("background-saved", `[data-testid="bid-activity"]`, "2 sign-offs were cleared")

	leeds.open("signoffs-cleared", bid, http.StatusOK)
	leeds.expectAwaiting("signoffs-cleared", "Leeds", "Bradford")
	leeds.expectParticipant("signoffs-cleared", "Leeds", "Not yet")
	leeds.expectParticipant("signoffs-cleared", "Bradford", "Not yet")
	if n := leeds.count(`a[data-testid="publish-bid"]`); n != 0 {
		t.Error("signoffs-cleared: Leeds is offered Publish before anyone has signed off again")
	}
	leeds.click("leeds-signed-again", `[data-testid="sign-off"]`, http.StatusOK)
	leeds.expectAwaiting("leeds-signed-again", "Bradford")
	bradford.click("bradford-signed-again", `[data-testid="sign-off"]`, http.StatusOK)
	bradford.expectTextContains("bradford-signed-again", `[data-testid="bid-all-signed"]`, "Every council has signed off")

	// Until it is published, nobody outside Leeds and Bradford can find it.
	admin := newSession(t, "bid-admin")
	admin.signInAs("admin@jointly.example")
	admin.searchBids("draft-search", word)
	admin.expectText("draft-search", `[data-testid="bid-count"]`, "0 bids matching ‘"+word+"’. Show every bid")
	admin.open("draft-refused", bid, http.StatusNotFound)

	// 7. Leeds publishes with the default deadlines: noon UK time, 14 days
	// on for responses and 5 days before that for questions.
	leeds.open("ready", bid, http.StatusOK)
	leeds.expectTextContains("ready", `[data-testid="bid-all-signed"]`, "Every council has signed off")
	response, clarification := defaultDeadlines(time.Now())
	leeds.click("publish", `a[data-testid="publish-bid"]`, http.StatusOK)
	leeds.expectText("publish", "h1", "Publish the bid to suppliers")
	leeds.expectTextContains("publish", `[data-testid="publish-ready"]`, "ready to publish")
	leeds.expectTextContains("publish", "main", "Times are UK time")
	if r2, c2 := defaultDeadlines(time.Now()); !r2.Equal(response) { // the page was drawn across midnight
		response, clarification = r2, c2
	}
	leeds.expectDeadlineBoxes("publish", "response_deadline", response)
	leeds.expectDeadlineBoxes("publish", "clarification_deadline", clarification)
	leeds.click("published", `button[data-testid="publish-bid"]`, http.StatusOK)
	leeds.expectPath("published", bid)
	leeds.expectTextContains("published", bidFlash, "Bid published to suppliers.")
	leeds.expectText("published", bidStatus, "Published")
	deadlines := leeds.summaryList(`[data-testid="bid-deadlines"]`)
	for key, want := range map[string]string{
		"Clarification questions close": ukDateTime(clarification) + " (UK time)",
		"Responses due":                 ukDateTime(response) + " (UK time)",
	} {
		if got := deadlines[key]; got != want {
			t.Errorf("published: %s reads %q, want %q", key, got, want)
		}
	}
	if n := leeds.count(bidSignOff); n != 0 {
		t.Error("published: the sign-off section is still shown")
	}

	// 8. Leeds's councillor reads the published bid; the administrator
	// finds it by its word.
	cllr := newSession(t, "bid-councillor")
	cllr.signInAs("cllr.hughes@leeds.gov.uk")
	cllr.open("councillor-reads", bid, http.StatusOK)
	cllr.expectText("councillor-reads", "h1", title)
	cllr.expectText("councillor-reads", bidStatus, "Published")
	cllr.expectTextContains("councillor-reads", `[data-testid="bid-sections"]`, leedsLine)
	if got := cllr.summaryList(`[data-testid="bid-deadlines"]`)["Responses due"]; got != ukDateTime(response)+" (UK time)" {
		t.Errorf("councillor-reads: responses due %q, want %s (UK time)", got, ukDateTime(response))
	}
	for _, sel := range []string{`[data-testid="edit-section"]`, `[data-testid="change-criteria"]`, `[data-testid="change-participant"]`, `[data-testid="edit-bid"]`} {
		if n := cllr.count(sel); n != 0 {
			t.Errorf("councillor-reads: a councillor is offered %s", sel)
		}
	}

	admin.searchBids("published-search", word)
	admin.expectText("published-search", `[data-testid="bid-count"]`, "1 bid matching ‘"+word+"’. Show every bid")
	found := `[data-testid="bid-row"] a[href="` + bid + `"]`
	admin.expectText("published-search", found, title)
	admin.click("admin-reads", found, http.StatusOK)
	admin.expectText("admin-reads", "h1", title)
	admin.expectText("admin-reads", bidStatus, "Published")
}

// checked reports whether the checkbox or radio with this id is ticked.
func (s *session) checked(id string) bool {
	s.t.Helper()
	q, _ := json.Marshal(id)
	return eval[bool](s, `(() => { const e = document.getElementById(`+string(q)+`); return !!(e && e.checked) })()`)
}

// texts are the trimmed texts of every element sel finds.
func (s *session) texts(sel string) []string {
	s.t.Helper()
	q, _ := json.Marshal(sel)
	return eval[[]string](s, `Array.from(document.querySelectorAll(`+string(q)+`)).map(e => e.textContent.replace(/\s+/g, ' ').trim())`)
}

// appendTyped types text at the end of a text box, as a person who
// clicked after the last word would.
func (s *session) appendTyped(id, text string) {
	s.t.Helper()
	before := s.value(id)
	q, _ := json.Marshal(id)
	eval[bool](s, `(() => { const e = document.getElementById(`+string(q)+`); e.focus(); e.setSelectionRange(e.value.length, e.value.length); return true })()`)
	s.typeInto(id, text)
	if got := s.value(id); got != before+text {
		s.t.Fatalf("typing at the end of #%s left %q, want %q", id, got, before+text)
	}
}

// sectionPath is the path of the bid's section with this heading, from
// the bid's overview.
func (s *session) sectionPath(step, bid, heading string) string {
	s.t.Helper()
	h, _ := json.Marshal(heading)
	id := eval[string](s, `(() => {
  for (const sec of document.querySelectorAll('[data-testid="bid-section"]')) {
    const h2 = sec.querySelector('h2');
    if (h2 && h2.textContent.trim() === `+string(h)+`) return h2.id.replace(/^section-/, '');
  }
  return '';
})()`)
	if id == "" {
		s.t.Fatalf("%s: the bid has no section ‘%s’", step, heading)
	}
	return bid + "/sections/" + id
}

// expectParticipant checks the row of the councils-taking-part table for
// council has a cell containing each of want.
func (s *session) expectParticipant(step, council string, want ...string) {
	s.t.Helper()
	c, _ := json.Marshal(council)
	cells := eval[[]string](s, `(() => {
  for (const tr of document.querySelectorAll('[data-testid="bid-participants"] tbody tr')) {
    if (tr.querySelector('th').textContent.trim() === `+string(c)+`) {
      return Array.from(tr.querySelectorAll('td')).map(td => td.textContent.replace(/\s+/g, ' ').trim());
    }
  }
  return [];
})()`)
	if len(cells) == 0 {
		s.t.Errorf("%s: %s is not in the table of councils taking part", step, council)
		return
	}
	for _, w := range want {
		if !slices.ContainsFunc(cells, func(cell string) bool { return strings.Contains(cell, w) }) {
			s.t.Errorf("%s: %s's row reads %q, want a cell with %q", step, council, cells, w)
		}
	}
}

// expectAwaiting checks the overview's list of councils whose sign-off is
// missing: exactly these, in this order.
func (s *session) expectAwaiting(step string, councils ...string) {
	s.t.Helper()
	var got []string
	for _, item := range s.texts(`[data-testid="bid-awaiting"] li`) {
		name, _, _ := strings.Cut(item, " (")
		got = append(got, name)
	}
	if !slices.Equal(got, councils) {
		s.t.Errorf("%s: awaiting sign-off from %q, want %q", step, got, councils)
	}
}

// searchBids searches the joint bids list from its form.
func (s *session) searchBids(step, q string) {
	s.t.Helper()
	s.open(step, "/bids", http.StatusOK)
	s.expectText(step, "h1", "Joint bids")
	s.typeInto("q", q)
	s.click(step, `form[action="/bids"] button[type="submit"]`, http.StatusOK)
}

// summaryList reads a GOV.UK summary list: each key's value.
func (s *session) summaryList(sel string) map[string]string {
	s.t.Helper()
	q, _ := json.Marshal(sel)
	return eval[map[string]string](s, `(() => {
  const out = {};
  const list = document.querySelector(`+string(q)+`);
  if (list) for (const row of list.querySelectorAll('.govuk-summary-list__row')) {
    out[row.querySelector('dt').textContent.replace(/\s+/g, ' ').trim()] = row.querySelector('dd').textContent.replace(/\s+/g, ' ').trim();
  }
  return out;
})()`)
}

// ukZone is UK time, from the embedded time zone database.
var ukZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return loc
}()

// expectDeadlineBoxes checks a deadline's date and time boxes hold t in UK time.
func (s *session) expectDeadlineBoxes(step, name string, t time.Time) {
	s.t.Helper()
	l := t.In(ukZone)
	for id, want := range map[string]string{
		name:            fmt.Sprint(l.Day()),
		name + "-month": fmt.Sprint(int(l.Month())),
		name + "-year":  fmt.Sprint(l.Year()),
		name + "-time":  l.Format("15:04"),
	} {
		if got := s.value(id); got != want {
			s.t.Errorf("%s: #%s holds %q, want %q", step, id, got, want)
		}
	}
	s.expectText(step, "#"+name+"-time-hint", "UK time, for example 12:00")
}

// defaultDeadlines are the deadlines Jointly suggests for a bid published
// at now (models.DefaultDeadlines), worked out here independently: noon UK
// time 14 days on, and noon 5 days before that.
func defaultDeadlines(now time.Time) (response, clarification time.Time) {
	l := now.In(ukZone)
	response = time.Date(l.Year(), l.Month(), l.Day()+14, 12, 0, 0, 0, ukZone)
	clarification = time.Date(response.Year(), response.Month(), response.Day()-5, 12, 0, 0, 0, ukZone)
	return response, clarification
}

// ukDateTime is how pages show an instant: "15 March 2027 at 12:00pm", UK time.
func ukDateTime(t time.Time) string {
	l := t.In(ukZone)
	return l.Format("2 January 2006") + " at " + strings.ToLower(l.Format("3:04PM"))
}
