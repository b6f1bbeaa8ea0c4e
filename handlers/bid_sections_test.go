package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"jointly/models"
	"jointly/testutil"
)

// Co-authoring a bid's sections through the pages: two officers editing
// the same section at once, sign-offs cleared by an edit, comments, who
// may reach a section, and Markdown that must not become script.

const (
	sectionLeeds2Email    = "second.officer@leeds.gov.uk"
	sectionWakefieldEmail = "ict@wakefield.gov.uk"
	sectionLeedsGSS       = "E08000035"
	sectionBradfordGSS    = "E08000032"
	sectionWakefieldGSS   = "E08000036"
)

// sectionWorld is a Leeds-led bid made through the model, with a second
// Leeds officer and a Wakefield officer (a council not taking part) who
// can sign in.
type sectionWorld struct {
	*env
	bidID                              int64
	leeds, leeds2, bradford, wakefield models.User
}

// newSectionWorld starts the bid; with accept, Bradford has accepted its
// invitation, otherwise it is still invited.
func newSectionWorld(t *testing.T, accept bool) sectionWorld {
	t.Helper()
	ctx := context.Background()
	e := newEnv(t)
	db := e.app.DB
	w := sectionWorld{env: e, leeds: sectionUser(t, db, testutil.OfficerEmail), bradford: sectionUser(t, db, testutil.Officer2Email)}
	var err error
	if w.leeds2, err = db.CreateUser(ctx, 0, models.NewUser{Email: sectionLeeds2Email, Name: "Robin Second",
		Role: models.RoleOfficer, CouncilGSS: sectionLeedsGSS, Password: testutil.Password}); err != nil {
		t.Fatal(err)
	}
	if w.wakefield, err = db.CreateUser(ctx, 0, models.NewUser{Email: sectionWakefieldEmail, Name: "Wren Wakefield",
		Role: models.RoleOfficer, CouncilGSS: sectionWakefieldGSS, Password: testutil.Password}); err != nil {
		t.Fatal(err)
	}
	w.bidID, err = db.CreateBid(ctx, w.leeds, models.NewBid{Title: "Joint revenues and benefits system",
		CategorySlug: "revenues-benefits", PartnerGSS: []string{sectionBradfordGSS}})
	if err != nil {
		t.Fatal(err)
	}
	if accept {
		if err := db.AnswerInvitation(ctx, w.bradford, w.bidID, sectionBradfordGSS, true); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func sectionUser(t *testing.T, db *models.DB, email string) models.User {
	t.Helper()
	u, err := db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// bid is the bid as the lead officer sees it in the model.
func (w sectionWorld) bid(t *testing.T) models.Bid {
	t.Helper()
	b, err := w.app.DB.BidByID(context.Background(), w.leeds, w.bidID)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// section is the bid's nth section (from 0), as the model has it now.
func (w sectionWorld) section(t *testing.T, n int) models.BidSection {
	t.Helper()
	return w.bid(t).Sections[n]
}

func (w sectionWorld) path(sectionID int64, rest string) string {
	return fmt.Sprintf("/bids/%d/sections/%d%s", w.bidID, sectionID, rest)
}

var sectionBaseVersionField = regexp.MustCompile(`name="base_version" value="(\d+)"`)

// formBaseVersion is the base_version a page's form would send.
func formBaseVersion(t *testing.T, r testutil.Response) string {
	t.Helper()
	m := sectionBaseVersionField.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no base_version in the page (status %d)\n%s", r.Status, excerpt(r.Body))
	}
	return m[1]
}

// sectionMain is the page's <main> element, where user content goes.
func sectionMain(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if j := strings.Index(body, "</main>"); j >= 0 {
		body = body[:j]
	}
	return body
}

func wantSectionStatus(t *testing.T, what string, r testutil.Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d (Location %q)\n%s", what, r.Status, status, r.Location, excerpt(r.Body))
	}
}

func wantSectionText(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Errorf("%s: page lacks %q\n%s", what, s, excerpt(body))
		}
	}
}

func TestBidSectionConcurrentEdits(t *testing.T) {
	w := newSectionWorld(t, true)
	s := w.section(t, 0)
	first, second := w.browser(testutil.OfficerEmail), w.browser(sectionLeeds2Email)

	// Both open the form on the same version.
	r1 := first.Get(w.path(s.ID, "/edit"))
	wantSectionStatus(t, "first opens the form", r1, http.StatusOK)
	r2 := second.Get(w.path(s.ID, "/edit"))
	wantSectionStatus(t, "second opens the form", r2, http.StatusOK)
	base := formBaseVersion(t, r2)
	if base != "1" || formBaseVersion(t, r1) != base {
		t.Fatalf("base versions %s and %s, want both 1", formBaseVersion(t, r1), base)
	}

	theirs := "Leeds and Bradford run revenues and benefits.\nBoth contracts end in 2028.\nWe buy together to save money."
	yours := "Leeds and Bradford run revenues and benefits.\nBoth contracts end in March 2028.\nWe buy together to save money."
	r := first.Post(w.path(s.ID, ""), url.Values{"body": {theirs}, "base_version": {base}})
	wantSectionStatus(t, "first saves", r, http.StatusSeeOther)
	if want := fmt.Sprintf("/bids/%d#section-%d", w.bidID, s.ID); r.Location != want {
		t.Errorf("first save goes to %q, want %q", r.Location, want)
	}
	if got := first.Cookie("jointly_flash"); got != "section-saved" {
		t.Errorf("flash after saving %q, want section-saved", got)
	}

	// The second, still on version 1, is refused with both texts.
	r = second.Post(w.path(s.ID, ""), url.Values{"body": {yours}, "base_version": {base}})
	wantSectionStatus(t, "second saves against version 1", r, http.StatusConflict)
	wantSectionText(t, "conflict page", r.Body, "Someone else saved", w.leeds.Name, "version 2",
		"Both contracts end in 2028.", "Both contracts end in March 2028.",
		"<ins>", "Added: </span>Both contracts end in March 2028.", "<del>", "Removed: </span>Both contracts end in 2028.",
		"1 line added and 1 line removed.")
	if got := formBaseVersion(t, r); got != "2" {
		t.Errorf("merge form's base_version %s, want 2 (the latest)", got)
	}
	if !strings.Contains(r.Body, ">\n"+yours+"</textarea>") {
		t.Errorf("merge form is not filled with the refused text\n%s", excerpt(r.Body))
	}
	if got := w.section(t, 0); got.Version != 2 || got.Body != theirs {
		t.Fatalf("after the refused save: version %d %q, want version 2 with the first text", got.Version, got.Body)
	}

	// Saving the merge from the conflict page succeeds.
	merged := "Leeds and Bradford run revenues and benefits.\nBoth contracts end in March 2028.\nWe buy together to save money and share skills."
	r = second.Post(w.path(s.ID, ""), url.Values{"body": {merged}, "base_version": {formBaseVersion(t, r)}})
	wantSectionStatus(t, "second saves the merge", r, http.StatusSeeOther)
	if got := w.section(t, 0); got.Version != 3 || got.Body != merged || got.UpdatedBy != w.leeds2.ID {
		t.Fatalf("after the merge: version %d by %d %q, want version 3 by %d with the merge", got.Version, got.UpdatedBy, got.Body, w.leeds2.ID)
	}

	// Saving the same text again adds no version.
	r = second.Post(w.path(s.ID, ""), url.Values{"body": {merged}, "base_version": {"3"}})
	wantSectionStatus(t, "save without change", r, http.StatusSeeOther)
	if got := second.Cookie("jointly_flash"); got != "section-unchanged" {
		t.Errorf("flash after an unchanged save %q, want section-unchanged", got)
	}

	// A stale save against one's own newer version (another tab) says so.
	r = second.Post(w.path(s.ID, ""), url.Values{"body": {"From an old tab"}, "base_version": {"2"}})
	wantSectionStatus(t, "stale save against one's own version", r, http.StatusConflict)
	wantSectionText(t, "stale save against one's own version", r.Body, "A newer version of ‘Background’ was saved", "you have since saved version 3", "From an old tab")

	// Every version is kept, newest first; by default the last change is shown.
	r = second.Get(w.path(s.ID, "/versions"))
	wantSectionStatus(t, "versions", r, http.StatusOK)
	if n := strings.Count(r.Body, `data-testid="version-row"`); n != 3 {
		t.Errorf("versions page lists %d versions, want 3", n)
	}
	wantSectionText(t, "versions page", r.Body, "Changes from version 2 to version 3", "Robin Second", w.leeds.Name,
		"Removed: </span>Both contracts end in 2028.", "Added: </span>Both contracts end in March 2028.",
		"Removed: </span>We buy together to save money.", "Added: </span>We buy together to save money and share skills.")
	if i, j := strings.Index(r.Body, ">Version 3</th>"), strings.Index(r.Body, ">Version 1</th>"); i < 0 || j < 0 || i > j {
		t.Errorf("versions are not newest first")
	}

	// Any two versions compare; the first was the template's prompt.
	r = second.Get(w.path(s.ID, "/versions?from=1&to=3"))
	wantSectionStatus(t, "versions 1 to 3", r, http.StatusOK)
	wantSectionText(t, "versions 1 to 3", r.Body, "Changes from version 1 to version 3", "Removed: </span>Describe the councils taking part",
		"Added: </span>We buy together to save money and share skills.")
	r = second.Get(w.path(s.ID, "/versions?from=3&to=3"))
	wantSectionStatus(t, "version 3 with itself", r, http.StatusOK)
	wantSectionText(t, "version 3 with itself", r.Body, "The two versions are the same.")

	// A version that does not exist is a problem beside the field.
	r = second.Get(w.path(s.ID, "/versions?from=9&to=3"))
	wantSectionStatus(t, "unknown version", r, http.StatusUnprocessableEntity)
	wantSectionText(t, "unknown version", r.Body, `id="from-error"`, "this section has versions 1 to 3", `href="#from"`)
	r = second.Get(w.path(s.ID, "/versions?to=three"))
	wantSectionStatus(t, "version that is not a number", r, http.StatusUnprocessableEntity)
	wantSectionText(t, "version that is not a number", r.Body, `id="to-error"`)
}

func TestBidSectionSaveProblems(t *testing.T) {
	w := newSectionWorld(t, true)
	s := w.section(t, 1)
	b := w.browser(testutil.Officer2Email)

	// Too long: the form comes back with the text and the base it had.
	long := strings.Repeat("a", models.MaxSectionBody+1)
	r := b.Post(w.path(s.ID, ""), url.Values{"body": {long}, "base_version": {"1"}})
	wantSectionStatus(t, "too long", r, http.StatusUnprocessableEntity)
	wantSectionText(t, "too long", r.Body, "There is a problem", `id="body-error"`, "50000 characters or fewer", long+"</textarea>")
	if got := formBaseVersion(t, r); got != "1" {
		t.Errorf("re-shown form's base_version %s, want 1", got)
	}

	// A form that does not say which version it started from cannot
	// overwrite anything: it is shown as a conflict, text kept.
	r = b.Post(w.path(s.ID, ""), url.Values{"body": {"Only our scope"}})
	wantSectionStatus(t, "no base version", r, http.StatusConflict)
	wantSectionText(t, "no base version", r.Body, "Only our scope", "did not say which version")
	if got := w.section(t, 1); got.Version != 1 {
		t.Errorf("section saved without a base version: version %d", got.Version)
	}
}

func TestBidSectionEditClearsSignOffs(t *testing.T) {
	ctx := context.Background()
	w := newSectionWorld(t, true)
	db := w.app.DB
	signOffBoth := func() {
		t.Helper()
		for _, u := range []models.User{w.leeds, w.bradford} {
			if _, err := db.SignOffBid(ctx, u, w.bidID); err != nil {
				t.Fatalf("sign off as %s: %v", u.Email, err)
			}
		}
		if n := len(w.bid(t).AwaitingSignOff()); n != 0 {
			t.Fatalf("%d councils awaiting sign-off after both signed off", n)
		}
	}
	signOffBoth()
	s := w.section(t, 2)
	b := w.browser(testutil.Officer2Email)
	r := b.Post(w.path(s.ID, ""), url.Values{"body": {"1. Council Tax billing\n2. Housing Benefit"}, "base_version": {"1"}})
	wantSectionStatus(t, "save after sign-off", r, http.StatusSeeOther)
	bid := w.bid(t)
	if n := len(bid.AwaitingSignOff()); n != 2 {
		t.Errorf("after an edit %d councils await sign-off, want 2", n)
	}
	if bid.Status != models.BidSigningOff {
		t.Errorf("status %s, want still signing off", bid.Status)
	}

	// Saving the same text changes nothing, so the sign-offs stand.
	signOffBoth()
	r = b.Post(w.path(s.ID, ""), url.Values{"body": {"1. Council Tax billing\r\n2. Housing Benefit"}, "base_version": {"2"}})
	wantSectionStatus(t, "unchanged save after sign-off", r, http.StatusSeeOther)
	if n := len(w.bid(t).AwaitingSignOff()); n != 0 {
		t.Errorf("an unchanged save cleared sign-offs: %d awaiting", n)
	}

	// Moving a section changes the text signed off, so it clears them too.
	r = b.Post(w.path(s.ID, "/move"), url.Values{"direction": {"up"}})
	wantSectionStatus(t, "move after sign-off", r, http.StatusSeeOther)
	if n := len(w.bid(t).AwaitingSignOff()); n != 2 {
		t.Errorf("after a move %d councils await sign-off, want 2", n)
	}
}

func TestBidSectionAddAndMove(t *testing.T) {
	w := newSectionWorld(t, true)
	b := w.browser(testutil.OfficerEmail)
	sectionsPath := fmt.Sprintf("/bids/%d/sections", w.bidID)

	// A refused heading comes back on the bid's overview, beside the
	// field it was typed in, and nothing is added.
	r := b.Post(sectionsPath, url.Values{"heading": {"  "}})
	wantSectionStatus(t, "add without heading", r, http.StatusUnprocessableEntity)
	wantSectionText(t, "add without heading", r.Body, "There is a problem", `id="heading-error"`, "Enter a heading for the section", `href="#heading"`,
		`<h1 class="govuk-heading-l">Joint revenues and benefits system</h1>`, `data-testid="add-section"`, `aria-describedby="heading-hint heading-error"`)
	long := strings.Repeat("h", models.MaxSectionHeading+1)
	r = b.Post(sectionsPath, url.Values{"heading": {long}})
	wantSectionStatus(t, "add with a long heading", r, http.StatusUnprocessableEntity)
	wantSectionText(t, "add with a long heading", r.Body, `id="heading-error"`, fmt.Sprintf("Heading must be %d characters or fewer", models.MaxSectionHeading),
		`name="heading" type="text" value="`+long+`"`, `data-testid="add-section"`)
	if n := len(w.bid(t).Sections); n != len(models.BidSectionTemplate) {
		t.Fatalf("refused headings added sections: %d, want %d", n, len(models.BidSectionTemplate))
	}

	r = b.Post(sectionsPath, url.Values{"heading": {"Data migration"}})
	wantSectionStatus(t, "add", r, http.StatusSeeOther)
	bid := w.bid(t)
	last := bid.Sections[len(bid.Sections)-1]
	if last.Heading != "Data migration" || len(bid.Sections) != len(models.BidSectionTemplate)+1 {
		t.Fatalf("after adding: %d sections, last %q", len(bid.Sections), last.Heading)
	}
	if want := w.path(last.ID, "/edit"); r.Location != want {
		t.Errorf("add goes to %q, want %q", r.Location, want)
	}
	r = b.Get(r.Location)
	wantSectionStatus(t, "new section's form", r, http.StatusOK)
	wantSectionText(t, "new section's form", r.Body, "Section added.", "Edit ‘Data migration’")

	r = b.Post(w.path(last.ID, "/move"), url.Values{"direction": {"up"}})
	wantSectionStatus(t, "move up", r, http.StatusSeeOther)
	if want := fmt.Sprintf("/bids/%d#sections", w.bidID); r.Location != want {
		t.Errorf("move goes to %q, want %q", r.Location, want)
	}
	bid = w.bid(t)
	if got := bid.Sections[len(bid.Sections)-2].Heading; got != "Data migration" {
		t.Errorf("after moving up, second to last is %q", got)
	}
	r = b.Post(w.path(last.ID, "/move"), url.Values{"direction": {"sideways"}})
	wantSectionStatus(t, "move sideways", r, http.StatusUnprocessableEntity)
}

func TestBidSectionComments(t *testing.T) {
	w := newSectionWorld(t, true)
	s := w.section(t, 0)
	bradford := w.browser(testutil.Officer2Email)
	page := w.path(s.ID, "")

	r := bradford.Get(page)
	wantSectionStatus(t, "section page", r, http.StatusOK)
	wantSectionText(t, "section page", r.Body, "Background", "Version 1", "No comments yet", `name="comment"`,
		`href="`+w.path(s.ID, "/edit")+`"`, `href="`+w.path(s.ID, "/versions")+`"`)

	r = bradford.Post(page+"/comments", url.Values{"comment": {"   "}})
	wantSectionStatus(t, "empty comment", r, http.StatusUnprocessableEntity)
	wantSectionText(t, "empty comment", r.Body, "There is a problem", `id="comment-error"`, "Enter a comment", "Background")

	r = bradford.Post(page+"/comments", url.Values{"comment": {"Say when Bradford's contract ends.\n<b>Not bold</b>"}})
	wantSectionStatus(t, "comment", r, http.StatusSeeOther)
	if r.Location != page+"#comments" {
		t.Errorf("comment goes to %q, want %q", r.Location, page+"#comments")
	}
	r = bradford.Get(page)
	wantSectionText(t, "after commenting", r.Body, "Comment added.", "Say when Bradford&#39;s contract ends.<br>&lt;b&gt;Not bold&lt;/b&gt;",
		"Bradford", `data-testid="comment-open"`, `data-testid="resolve-comment"`)
	cs, err := w.app.DB.SectionComments(context.Background(), w.leeds, w.bidID, s.ID)
	if err != nil || len(cs) != 1 {
		t.Fatalf("comments %v, %v", cs, err)
	}
	resolve := fmt.Sprintf("/bids/%d/comments/%d/resolve", w.bidID, cs[0].ID)

	// A councillor of a participating council reads comments but cannot
	// comment or resolve.
	cllr := w.browser(testutil.CouncillorEmail)
	r = cllr.Get(page)
	wantSectionStatus(t, "councillor reads", r, http.StatusOK)
	wantSectionText(t, "councillor reads", r.Body, "Say when Bradford&#39;s contract ends.")
	for _, no := range []string{`name="comment"`, `data-testid="resolve-comment"`, `data-testid="edit-section"`} {
		if strings.Contains(r.Body, no) {
			t.Errorf("councillor's page has %s", no)
		}
	}
	wantSectionStatus(t, "councillor comments", cllr.Post(page+"/comments", url.Values{"comment": {"Me too"}}), http.StatusForbidden)
	wantSectionStatus(t, "councillor resolves", cllr.Post(resolve, nil), http.StatusForbidden)

	// A Leeds officer resolves it.
	leeds := w.browser(testutil.OfficerEmail)
	leeds.Get(page)
	r = leeds.Post(resolve, nil)
	wantSectionStatus(t, "resolve", r, http.StatusSeeOther)
	if r.Location != page+"#comments" {
		t.Errorf("resolve goes to %q, want %q", r.Location, page+"#comments")
	}
	r = leeds.Get(page)
	wantSectionText(t, "after resolving", r.Body, "Comment resolved.", `data-testid="comment-resolved"`, "Resolved</strong> by "+w.leeds.Name)
	if strings.Contains(r.Body, `data-testid="resolve-comment"`) {
		t.Errorf("a resolved comment still offers Resolve")
	}
	wantSectionStatus(t, "resolve again", leeds.Post(resolve, nil), http.StatusSeeOther)
	wantSectionStatus(t, "resolve a comment that does not exist", leeds.Post(fmt.Sprintf("/bids/%d/comments/999999/resolve", w.bidID), nil), http.StatusNotFound)
}

// TestBidSectionVisibility: nobody outside the participating councils
// learns a draft exists, whatever section URL they try; an invited
// council reads but must accept before editing; once published, anyone
// allowed to read bids sees the text and nothing of the councils' side.
func TestBidSectionVisibility(t *testing.T) {
	ctx := context.Background()
	w := newSectionWorld(t, false)
	s := w.section(t, 0)
	comment, err := w.app.DB.AddComment(ctx, w.leeds, w.bidID, s.ID, "Leeds only")
	if err != nil {
		t.Fatal(err)
	}
	wakefield := w.browser(sectionWakefieldEmail)
	for _, rq := range []struct{ method, path string }{
		{"GET", w.path(s.ID, "")},
		{"GET", w.path(s.ID, "/edit")},
		{"GET", w.path(s.ID, "/versions")},
		{"POST", w.path(s.ID, "")},
		{"POST", w.path(s.ID, "/move")},
		{"POST", w.path(s.ID, "/comments")},
		{"POST", fmt.Sprintf("/bids/%d/comments/%d/resolve", w.bidID, comment.ID)},
		{"POST", fmt.Sprintf("/bids/%d/sections", w.bidID)},
	} {
		var r testutil.Response
		if rq.method == "GET" {
			r = wakefield.Get(rq.path)
		} else {
			r = wakefield.Post(rq.path, url.Values{"body": {"x"}, "base_version": {"1"}, "direction": {"up"}, "comment": {"x"}, "heading": {"x"}})
		}
		if r.Status != http.StatusNotFound || strings.Contains(r.Body, "Background") || strings.Contains(r.Body, "Leeds only") {
			t.Errorf("Wakefield %s %s: status %d, want 404 telling nothing", rq.method, rq.path, r.Status)
		}
	}
	if got := w.section(t, 0); got.Version != 1 {
		t.Fatalf("Wakefield's save changed the section")
	}

	// Invited Bradford reads the draft but must accept before editing.
	bradford := w.browser(testutil.Officer2Email)
	wantSectionStatus(t, "invited reads", bradford.Get(w.path(s.ID, "")), http.StatusOK)
	r := bradford.Get(w.path(s.ID, "/edit"))
	wantSectionStatus(t, "invited edits", r, http.StatusForbidden)
	wantSectionText(t, "invited edits", r.Body, "Accept the invitation to take part before changing this bid.")
	wantSectionStatus(t, "invited saves", bradford.Post(w.path(s.ID, ""), url.Values{"body": {"x"}, "base_version": {"1"}}), http.StatusForbidden)

	// Published: the admin reads heading and text only.
	if err := w.app.DB.AnswerInvitation(ctx, w.bradford, w.bidID, sectionBradfordGSS, true); err != nil {
		t.Fatal(err)
	}
	for _, u := range []models.User{w.leeds, w.bradford} {
		if _, err := w.app.DB.SignOffBid(ctx, u, w.bidID); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.app.DB.PublishBid(ctx, w.leeds, w.bidID, models.PublishInput{}); err != nil {
		t.Fatal(err)
	}
	admin := w.browser(testutil.AdminEmail)
	r = admin.Get(w.path(s.ID, ""))
	wantSectionStatus(t, "admin reads the published section", r, http.StatusOK)
	wantSectionText(t, "admin reads the published section", r.Body, "Background", "Describe the councils taking part")
	for _, no := range []string{"Leeds only", "Comments", "Version 1", "Compare versions"} {
		if strings.Contains(sectionMain(r.Body), no) {
			t.Errorf("admin's page of a published section has %q", no)
		}
	}
	wantSectionStatus(t, "admin compares versions", admin.Get(w.path(s.ID, "/versions")), http.StatusNotFound)
	r = w.browser(testutil.OfficerEmail).Get(w.path(s.ID, "/edit"))
	wantSectionStatus(t, "edit once published", r, http.StatusConflict)
	wantSectionText(t, "edit once published", r.Body, "can no longer be changed")
}

// TestBidSectionMarkdownIsSafe: what an officer types becomes HTML with no
// script, event handler or script URL in it, on the section page, the
// versions page and the conflict page; ordinary Markdown still renders.
func TestBidSectionMarkdownIsSafe(t *testing.T) {
	w := newSectionWorld(t, true)
	s := w.section(t, 3)
	b := w.browser(testutil.OfficerEmail)
	other := w.browser(sectionLeeds2Email)
	cases := []struct{ name, body string }{
		{"script tag", `<script>alert(1)</script>`},
		{"img onerror", `<img src=x onerror=alert(1)>`},
		{"javascript link", `[click](javascript:alert(1))`},
		{"javascript link with entities", `[click](jav&#x61;script:alert(1))`},
		{"javascript link in capitals", `[click](JaVaScRiPt:alert(1))`},
		{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`},
		{"data markdown link", `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`},
		{"iframe", `<iframe src="https://evil.example"></iframe>`},
		{"svg onload", `<svg onload=alert(1)>`},
		{"vbscript link", `[run](vbscript:msgbox(1))`},
		{"autolink", `<javascript:alert(1)>`},
		{"image with script url", `![x](javascript:alert(1))`},
		{"reference link", "[x][1]\n\n[1]: javascript:alert(1)"},
		{"event handler inline", "## Title <span onmouseover=alert(1)>x</span>"},
		{"style tag", `<style>body{display:none}</style>`},
		{"form", `<form action="https://evil.example"><button>Go</button></form>`},
	}
	version := 1
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := b.Post(w.path(s.ID, ""), url.Values{"body": {tc.body}, "base_version": {fmt.Sprint(version)}})
			wantSectionStatus(t, "save", r, http.StatusSeeOther)
			version++
			pages := map[string]string{}
			r = b.Get(w.path(s.ID, ""))
			wantSectionStatus(t, "show", r, http.StatusOK)
			pages["section"] = r.Body
			r = b.Get(w.path(s.ID, fmt.Sprintf("/versions?from=1&to=%d", version)))
			wantSectionStatus(t, "versions", r, http.StatusOK)
			pages["versions"] = r.Body
			r = other.Post(w.path(s.ID, ""), url.Values{"body": {tc.body + "\nmine"}, "base_version": {"1"}})
			wantSectionStatus(t, "stale save", r, http.StatusConflict)
			pages["conflict"] = r.Body
			for name, body := range pages {
				for _, bad := range liveMarkup(t, sectionMain(body)) {
					t.Errorf("%s page: %s", name, bad)
				}
			}
		})
	}

	ordinary := "## Scope\n\n- Council Tax\n- Housing Benefit\n\n| Council | Users |\n|---|---|\n| Leeds | 400 |\n\nSee [Contracts Finder](https://www.contractsfinder.service.gov.uk)."
	r := b.Post(w.path(s.ID, ""), url.Values{"body": {ordinary}, "base_version": {fmt.Sprint(version)}})
	wantSectionStatus(t, "save ordinary Markdown", r, http.StatusSeeOther)
	r = b.Get(w.path(s.ID, ""))
	main := sectionMain(r.Body)
	wantSectionText(t, "ordinary Markdown", main, `<h3 id="h-scope" class="govuk-heading-m">Scope</h3>`, `<ul class="govuk-list govuk-list--bullet">`,
		"<li>Council Tax</li>", `<table class="govuk-table">`, `<td class="govuk-table__cell">400</td>`,
		`href="https://www.contractsfinder.service.gov.uk"`, ">Contracts Finder</a>")
	if bad := liveMarkup(t, main); len(bad) > 0 {
		t.Errorf("ordinary Markdown: %v", bad)
	}
}

// liveMarkup lists what in a fragment of HTML could run script or send
// the reader elsewhere unasked: elements that run or embed content, event
// handler attributes, and script or data URLs. Text that merely mentions
// them, escaped, is not markup and is not listed.
func liveMarkup(t *testing.T, fragment string) []string {
	t.Helper()
	var bad []string
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return bad
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "svg", "math", "object", "embed", "style", "link", "meta", "base":
				bad = append(bad, "element <"+tok.Data+">")
			case "form":
				// The page's own forms post to Jointly; one from a user would not.
				for _, a := range tok.Attr {
					if a.Key == "action" && !strings.HasPrefix(a.Val, "/") {
						bad = append(bad, "a form posting to "+a.Val)
					}
				}
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				switch {
				case strings.HasPrefix(a.Key, "on"):
					bad = append(bad, fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val))
				case a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction" || a.Key == "xlink:href":
					if strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:") {
						bad = append(bad, fmt.Sprintf("<%s %s=%q>", tok.Data, a.Key, a.Val))
					}
				}
			}
		}
	}
}
