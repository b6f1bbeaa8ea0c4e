package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// Digest preferences and the one-click unsubscribe link.

func userID(t *testing.T, e *env, email string) int64 {
	t.Helper()
	u, err := e.app.DB.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func digestOf(t *testing.T, e *env, id int64) string {
	t.Helper()
	f, _, err := e.app.DB.DigestPreference(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// digestAudit is the newest user.digest audit event about user id.
func digestAudit(t *testing.T, e *env, id int64) (models.AuditEvent, int) {
	t.Helper()
	events, err := e.app.DB.AuditTrail(context.Background(), "user", strconv.FormatInt(id, 10), 100)
	if err != nil {
		t.Fatal(err)
	}
	var found []models.AuditEvent
	for _, ev := range events {
		if ev.Action == "user.digest" {
			found = append(found, ev)
		}
	}
	if len(found) == 0 {
		return models.AuditEvent{}, 0
	}
	return found[0], len(found)
}

func TestDigestPreferences(t *testing.T) {
	e := newEnv(t)
	officer := e.browser(testutil.OfficerEmail)
	id := userID(t, e, testutil.OfficerEmail)

	r := officer.Get("/account")
	checkResponse(t, "the account page links to it", r, http.StatusOK, "", []string{`href="/account/digest"`}, nil)

	r = officer.Get("/account/digest")
	checkResponse(t, "the choice", r, http.StatusOK, "", []string{
		"How often do you want the digest email?",
		`id="digest" name="digest" type="radio" value="daily" checked`,
		`id="digest-weekly" name="digest" type="radio" value="weekly" aria-describedby`,
		`id="digest-off" name="digest" type="radio" value="off" aria-describedby`,
		">Every morning</label>", ">Every Monday morning</label>", ">Never</label>",
		"It tells you about your council&#39;s contracts reaching a decision window, new partner matches, activity in the joint bids your council takes part in, and new or updated library items.",
		"You have not had a digest yet.",
		`<a class="govuk-service-navigation__link" href="/account" aria-current="page">`,
	}, []string{"There is a problem"})

	// Weekly: saved, audited as the officer's own change, and shown.
	r = officer.Post("/account/digest", formOf("digest", "weekly"))
	checkResponse(t, "weekly", r, http.StatusSeeOther, "/account/digest", nil, nil)
	if got := digestOf(t, e, id); got != models.DigestWeekly {
		t.Fatalf("stored %q, want weekly", got)
	}
	ev, n := digestAudit(t, e, id)
	if n != 1 || ev.ActorID != id || ev.Detail["from"] != "daily" || ev.Detail["to"] != "weekly" || ev.Detail["one_click"] != false {
		t.Errorf("audit: %d events, newest %+v", n, ev)
	}
	r = officer.Get("/account/digest")
	checkResponse(t, "weekly shown", r, http.StatusOK, "", []string{"Your digest email choice has been saved.",
		`value="weekly" checked`}, []string{`value="daily" checked`})

	// Not a choice: 422, the message in the summary and beside the field,
	// nothing stored.
	r = officer.Post("/account/digest", formOf("digest", "hourly"))
	checkResponse(t, "not a choice", r, http.StatusUnprocessableEntity, "", []string{
		"<title>Error: Digest email – Jointly</title>", "There is a problem",
		`<a href="#digest">Choose how often you want the digest email</a>`,
		`<p id="digest-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Choose how often you want the digest email</p>`,
		`aria-describedby="digest-hint digest-error"`, "govuk-form-group--error",
	}, []string{" checked"})
	checkResponse(t, "nothing chosen", officer.Post("/account/digest", nil), http.StatusUnprocessableEntity, "",
		[]string{"Choose how often you want the digest email"}, nil)
	if got := digestOf(t, e, id); got != models.DigestWeekly {
		t.Errorf("after bad choices, stored %q, want weekly still", got)
	}
	if _, n := digestAudit(t, e, id); n != 1 {
		t.Errorf("%d audit events after bad choices, want 1", n)
	}

	// What the digest holds depends on who you are.
	checkResponse(t, "a councillor's", e.browser(testutil.CouncillorEmail).Get("/account/digest"), http.StatusOK, "",
		[]string{"decision window", "joint bids", "library"}, []string{"partner matches", "opportunities"})
	checkResponse(t, "a supplier's", e.browser(testutil.SupplierEmail).Get("/account/digest"), http.StatusOK, "",
		[]string{"It tells you about new opportunities in your company&#39;s categories", "opportunities you follow or responded to", "library"},
		[]string{"decision window", "partner matches"})

	// After a digest, the page says what it covered up to.
	if _, err := e.app.DB.W.Exec(`UPDATE users SET digest_since = ? WHERE id = ?`, "2026-11-20T06:00:00.000000Z", id); err != nil {
		t.Fatal(err)
	}
	checkResponse(t, "covered up to", officer.Get("/account/digest"), http.StatusOK, "",
		[]string{"Your last digest covered everything up to 20 November 2026 at 6:00am."}, nil)

	// Signing in is needed.
	if r := e.browser("").Get("/account/digest"); r.Status != http.StatusSeeOther || r.Location != "/login?next=%2Faccount%2Fdigest" {
		t.Errorf("anonymous: status %d, Location %q", r.Status, r.Location)
	}
}

// oneClick posts as a mail client does for RFC 8058: from its own server,
// with no cookies, no form token and no Origin.
func oneClick(t *testing.T, e *env, path string, header map[string]string) testutil.Response {
	t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range header {
		h[k] = v
	}
	return rawDo(t, newRequest(t, http.MethodPost, e.srv.URL+path, strings.NewReader("List-Unsubscribe=One-Click"), h))
}

func TestUnsubscribe(t *testing.T) {
	e := newEnv(t)
	officer := userID(t, e, testutil.OfficerEmail)
	cllr := userID(t, e, testutil.CouncillorEmail)
	link := func(id int64) string {
		return strings.TrimPrefix(models.UnsubscribeURL(e.app.Deps.BaseURL, testutil.SigningKey, id), "http://jointly.test")
	}
	if !strings.HasPrefix(link(officer), fmt.Sprintf("/unsubscribe/%d/", officer)) {
		t.Fatalf("link %q", link(officer))
	}

	// Opening the link changes nothing: mail scanners open every link.
	for i := 0; i < 2; i++ {
		r := e.browser("").Get(link(officer))
		checkResponse(t, "the confirmation", r, http.StatusOK, "", []string{"<h1 class=\"govuk-heading-l\">Stop the digest emails?</h1>",
			`<form method="post" action="` + link(officer) + `"`, `name="csrf_token"`, "Stop the digest emails</button>"}, nil)
	}
	if got := digestOf(t, e, officer); got != models.DigestDaily {
		t.Fatalf("after opening the link, the digest is %q, want daily still", got)
	}

	// A bad token, another person's token, a token for nobody, and an id
	// that is not one are all not found, and change nothing.
	token := strings.TrimPrefix(link(officer), fmt.Sprintf("/unsubscribe/%d/", officer))
	for _, path := range []string{
		fmt.Sprintf("/unsubscribe/%d/%s", cllr, "not-the-token"),
		fmt.Sprintf("/unsubscribe/%d/%s", cllr, token), // the officer's token on the councillor's id
		fmt.Sprintf("/unsubscribe/%d/%s", cllr, token[:len(token)-1]),
		link(999999),
		"/unsubscribe/abc/" + token,
	} {
		if r := e.browser("").Get(path); r.Status != http.StatusNotFound || !strings.Contains(r.Body, "Page not found") {
			t.Errorf("GET %s: status %d, want 404", path, r.Status)
		}
		if r := oneClick(t, e, path, nil); r.Status != http.StatusNotFound {
			t.Errorf("one-click POST %s: status %d, want 404", path, r.Status)
		}
		if r := e.browser("").Post(path, nil); r.Status != http.StatusNotFound {
			t.Errorf("browser POST %s: status %d, want 404", path, r.Status)
		}
	}
	if got := digestOf(t, e, cllr); got != models.DigestDaily {
		t.Fatalf("after bad links, the councillor's digest is %q, want daily", got)
	}

	// A cross-site form cannot use the link, even with the right token.
	r := oneClick(t, e, link(officer), map[string]string{"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"})
	if r.Status != http.StatusForbidden || digestOf(t, e, officer) != models.DigestDaily {
		t.Fatalf("a cross-site POST: status %d, digest %q; want 403 and daily", r.Status, digestOf(t, e, officer))
	}

	// The mail client's one-click POST turns it off.
	r = oneClick(t, e, link(officer), nil)
	checkResponse(t, "one click", r, http.StatusOK, "", []string{"You will not get the digest any more",
		`href="/login?next=%2Faccount%2Fdigest"`}, nil)
	if got := digestOf(t, e, officer); got != models.DigestOff {
		t.Fatalf("after one click, the digest is %q, want off", got)
	}
	ev, n := digestAudit(t, e, officer)
	if n != 1 || ev.ActorID != officer || ev.Detail["one_click"] != true || ev.Detail["to"] != "off" {
		t.Errorf("audit: %d events, newest %+v", n, ev)
	}
	if r := oneClick(t, e, link(officer), nil); r.Status != http.StatusOK {
		t.Errorf("a second one click: status %d, want 200", r.Status)
	}
	if _, n := digestAudit(t, e, officer); n != 1 {
		t.Errorf("a second one click audited again: %d events", n)
	}
	checkResponse(t, "already off", e.browser("").Get(link(officer)), http.StatusOK, "", []string{"You do not get the digest"}, []string{"<form method=\"post\" action=\"/unsubscribe/"})
	checkResponse(t, "the officer sees it", e.browser(testutil.OfficerEmail).Get("/account/digest"), http.StatusOK, "",
		[]string{`value="off" checked`}, nil)

	// A person confirming in a browser.
	b := e.browser("#confirm")
	b.Get(link(cllr))
	r = b.Post(link(cllr), nil)
	checkResponse(t, "confirmed in a browser", r, http.StatusOK, "", []string{"You will not get the digest any more"}, nil)
	if got := digestOf(t, e, cllr); got != models.DigestOff {
		t.Fatalf("after confirming, the councillor's digest is %q, want off", got)
	}
}
