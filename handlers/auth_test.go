package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

const newPassword = "correct horse battery staple"

// wantSessionCookie checks a response started a session with a cookie
// scripts cannot read and other sites' forms cannot send.
func wantSessionCookie(e *env, r testutil.Response) {
	e.t.Helper()
	c := setCookies(r)["jointly_session"]
	if c == nil || c.Value == "" {
		e.t.Fatalf("no jointly_session cookie set; Set-Cookie: %q", r.Header.Values("Set-Cookie"))
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		e.t.Errorf("session cookie %q: want HttpOnly, SameSite=Lax, Path=/", c.Raw)
	}
}

func wantNoSessionCookie(e *env, r testutil.Response) {
	e.t.Helper()
	if c := setCookies(r)["jointly_session"]; c != nil && c.Value != "" {
		e.t.Errorf("a session cookie was set: %q", c.Raw)
	}
}

func TestLogin(t *testing.T) {
	officer := formOf("email", testutil.OfficerEmail, "password", testutil.Password)
	withNext := func(next string) url.Values {
		f := formOf("email", testutil.OfficerEmail, "password", testutil.Password)
		f.Set("next", next)
		return f
	}
	scenarios := []scenario{
		{name: "success", steps: []step{
			{name: "form", method: "GET", url: "/login", status: 200,
				contains: []string{"Sign in to Jointly", `name="csrf_token"`}, excludes: []string{"There is a problem"}},
			{name: "sign in", method: "POST", url: "/login", form: officer, status: 303, location: "/", check: wantSessionCookie},
			{name: "home", method: "GET", url: "/", status: 200, contains: []string{signedInAs("Sam Okafor"), "Welcome, Sam Okafor"}},
			{name: "login page when signed in", method: "GET", url: "/login?next=/account", status: 303, location: "/account"},
		}},
		{name: "email in another case", steps: []step{
			{name: "sign in", method: "POST", url: "/login", status: 303, location: "/",
				form: formOf("email", "  CIO@Leeds.gov.uk ", "password", testutil.Password)},
		}},
		{name: "next page", steps: []step{
			{name: "sent to sign in", method: "GET", url: "/account", status: 303, location: "/login?next=%2Faccount"},
			{name: "form keeps next", method: "GET", url: "/login?next=%2Faccount", status: 200, contains: []string{`name="next" value="/account"`}},
			{name: "sign in", method: "POST", url: "/login", form: withNext("/account"), status: 303, location: "/account"},
			{name: "there", method: "GET", url: "/account", status: 200, contains: []string{"Your account", testutil.OfficerEmail}},
		}},
		{name: "wrong password", steps: []step{
			{name: "sign in", method: "POST", url: "/login", status: 422,
				form: formOf("email", testutil.OfficerEmail, "password", "not-the-password"),
				contains: []string{"Error: Sign in", "There is a problem", `href="#email"`, "The email address or password is not right",
					`id="email-error"`, `id="password-error"`, "Enter your password again", `value="` + testutil.OfficerEmail + `"`},
				excludes: []string{"not-the-password"}, check: wantNoSessionCookie},
			{name: "still anonymous", method: "GET", url: "/account", status: 303, location: "/login?next=%2Faccount"},
		}},
		{name: "unknown account", steps: []step{
			{name: "sign in", method: "POST", url: "/login", status: 422,
				form:     formOf("email", "nobody@leeds.gov.uk", "password", testutil.Password),
				contains: []string{"There is a problem", "The email address or password is not right", `value="nobody@leeds.gov.uk"`}},
		}},
		{name: "empty form", steps: []step{
			{name: "sign in", method: "POST", url: "/login", status: 422,
				contains: []string{"There is a problem", "Enter your email address", "Enter your password", `id="email-error"`, `id="password-error"`},
				check:    wantNoSessionCookie},
		}},
		{name: "malformed email", steps: []step{
			{name: "sign in", method: "POST", url: "/login", status: 422,
				form:     formOf("email", "cio at leeds", "password", testutil.Password),
				contains: []string{"Enter an email address in the correct format", `value="cio at leeds"`}},
		}},
	}
	// Sign-in never sends anyone to another site.
	for _, next := range []struct{ next, want string }{
		{"/account", "/account"},
		{"/councils?region=london", "/councils?region=london"},
		{"//evil.example", "/"},
		{"//evil.example/account", "/"},
		{"https://evil.example/", "/"},
		{`/\evil.example`, "/"},
		{"javascript:alert(1)", "/"},
		{"", "/"},
	} {
		scenarios = append(scenarios, scenario{name: "next=" + next.next, steps: []step{
			{name: "sign in", method: "POST", url: "/login", form: withNext(next.next), status: 303, location: next.want},
		}})
	}
	runScenarios(t, scenarios)
}

func TestLoginRateLimit(t *testing.T) {
	wrong := formOf("email", testutil.OfficerEmail, "password", "not-the-password")
	right := formOf("email", testutil.OfficerEmail, "password", testutil.Password)
	var steps []step
	for i := 1; i <= models.LoginLimitPerAccount; i++ {
		steps = append(steps, step{name: "failure", method: "POST", url: "/login", form: wrong, status: 422,
			contains: []string{"The email address or password is not right"}})
	}
	steps = append(steps,
		step{name: "locked, even with the right password", method: "POST", url: "/login", form: right, status: 429,
			contains: []string{"There is a problem", "Too many failed attempts to sign in", "Wait until 21 November 2026 at 10:15am",
				`value="` + testutil.OfficerEmail + `"`},
			check: func(e *env, r testutil.Response) {
				wantNoSessionCookie(e, r)
				if r.Header.Get("Retry-After") == "" {
					e.t.Error("429 without Retry-After")
				}
			}},
		step{name: "another browser is locked out too", user: "#2", method: "POST", url: "/login", form: right, status: 429},
		step{name: "another account is not", user: "#3", method: "POST", url: "/login", status: 303, location: "/",
			form: formOf("email", testutil.Officer2Email, "password", testutil.Password)},
		step{name: "fourteen minutes on", do: func(e *env) { e.app.Clock.Advance(14 * time.Minute) }},
		step{name: "still locked", method: "POST", url: "/login", form: right, status: 429},
		step{name: "sixteen minutes on", do: func(e *env) { e.app.Clock.Advance(2 * time.Minute) }},
		step{name: "the limit has lifted", method: "POST", url: "/login", form: right, status: 303, location: "/", check: wantSessionCookie},
	)
	runScenarios(t, []scenario{{name: "five failures", steps: steps}})
}

// TestCSRF builds requests by hand: the browser-like client always sends
// what a same-origin form would.
func TestCSRF(t *testing.T) {
	const target = "/account/tokens"
	cases := []struct {
		name    string
		header  map[string]string // on top of Content-Type
		token   string            // valid, none, other-session, pre-sign-in, tampered, or header (X-CSRF-Token)
		bearer  bool              // authenticate with an API token instead of the session cookie
		want    int
		message string
	}{
		{name: "same origin with a valid token", header: map[string]string{"Sec-Fetch-Site": "same-origin"}, token: "valid", want: 201},
		{name: "valid token in the X-CSRF-Token header", header: map[string]string{"Sec-Fetch-Site": "same-origin"}, token: "header", want: 201},
		{name: "old browser: same-origin Origin only", header: map[string]string{"Origin": "{server}"}, token: "valid", want: 201},
		{name: "cross-site with a valid token", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			token: "valid", want: 403, message: "came from another website"},
		{name: "same-site but not same-origin", header: map[string]string{"Sec-Fetch-Site": "same-site"},
			token: "valid", want: 403, message: "came from another website"},
		{name: "old browser: another site's Origin", header: map[string]string{"Origin": "https://evil.example"},
			token: "valid", want: 403, message: "came from another website"},
		{name: "no token", header: map[string]string{"Sec-Fetch-Site": "same-origin"}, token: "none", want: 403, message: "This form has expired"},
		{name: "another session's token", header: map[string]string{"Sec-Fetch-Site": "same-origin"}, token: "other-session", want: 403, message: "This form has expired"},
		{name: "this browser's token from before it signed in", header: map[string]string{"Sec-Fetch-Site": "same-origin"}, token: "pre-sign-in", want: 403, message: "This form has expired"},
		{name: "tampered token", header: map[string]string{"Sec-Fetch-Site": "same-origin"}, token: "tampered", want: 403, message: "This form has expired"},
		{name: "API token, same origin, no form token", header: map[string]string{"Sec-Fetch-Site": "same-origin"}, token: "none", bearer: true, want: 201},
		{name: "API token from another site", header: map[string]string{"Sec-Fetch-Site": "cross-site"}, token: "none", bearer: true, want: 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			officer, err := e.app.DB.UserByEmail(context.Background(), testutil.OfficerEmail)
			if err != nil {
				t.Fatal(err)
			}
			c := testutil.NewClientFor(t, e.srv)
			c.Get("/login")
			preSignIn := c.CSRF()
			c.SignIn(testutil.OfficerEmail)
			if c.CSRF() == preSignIn {
				t.Fatal("the form token did not change on signing in")
			}
			other := e.browser(testutil.OfficerEmail + "#2") // the same person, another browser
			token := map[string]string{
				"valid": c.CSRF(), "header": "", "none": "", "other-session": other.CSRF(), "pre-sign-in": preSignIn,
				"tampered": tamper(c.CSRF()),
			}[tc.token]
			f := url.Values{"name": {"csrf probe"}}
			if token != "" {
				f.Set("csrf_token", token)
			}
			req := newRequest(t, http.MethodPost, e.srv.URL+target, strings.NewReader(f.Encode()),
				map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			for k, v := range tc.header {
				req.Header.Set(k, strings.ReplaceAll(v, "{server}", e.srv.URL))
			}
			if tc.token == "header" {
				req.Header.Set("X-CSRF-Token", c.CSRF())
			}
			sender := c
			if tc.bearer {
				secret, _, err := e.app.DB.CreateAPIToken(context.Background(), officer.ID, officer.ID, "script")
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+secret)
				sender = testutil.NewClientFor(t, e.srv) // no cookies
			}
			r := sender.Do(req)
			if r.Status != tc.want {
				t.Fatalf("status %d, want %d\n%s", r.Status, tc.want, excerpt(r.Body))
			}
			if tc.message != "" && !strings.Contains(r.Body, tc.message) {
				t.Errorf("body lacks %q\n%s", tc.message, excerpt(r.Body))
			}
			tokens, err := e.app.DB.APITokens(context.Background(), officer.ID)
			if err != nil {
				t.Fatal(err)
			}
			made := 0
			for _, tok := range tokens {
				if tok.Name == "csrf probe" {
					made++
				}
			}
			if wantMade := map[bool]int{true: 1, false: 0}[tc.want == 201]; made != wantMade {
				t.Errorf("%d tokens made, want %d", made, wantMade)
			}
		})
	}
}

// tamper changes a token's last character.
func tamper(s string) string {
	last := byte('A')
	if s[len(s)-1] == 'A' {
		last = 'B'
	}
	return s[:len(s)-1] + string(last)
}

func TestSignOut(t *testing.T) {
	var oldSession string
	runScenarios(t, []scenario{
		{name: "sign out", steps: []step{
			{name: "signed in", user: testutil.OfficerEmail, method: "GET", url: "/account", status: 200,
				check: func(e *env, _ testutil.Response) {
					oldSession = e.browser(testutil.OfficerEmail).Cookie("jointly_session")
				}},
			{name: "sign out", user: testutil.OfficerEmail, method: "POST", url: "/logout", status: 303, location: "/",
				check: func(e *env, r testutil.Response) {
					if c := setCookies(r)["jointly_session"]; c == nil || c.MaxAge >= 0 {
						e.t.Errorf("session cookie not cleared: %q", r.Header.Values("Set-Cookie"))
					}
				}},
			{name: "landing page", user: testutil.OfficerEmail, method: "GET", url: "/", status: 200,
				contains: []string{"You have signed out."}, excludes: []string{"Signed in as"}},
			{name: "account", user: testutil.OfficerEmail, method: "GET", url: "/account", status: 303, location: "/login?next=%2Faccount"},
			{name: "the old cookie is dead on the server too", do: func(e *env) {
				req := newRequest(e.t, http.MethodGet, e.srv.URL+"/account", nil, map[string]string{"Cookie": "jointly_session=" + oldSession})
				r := testutil.NewClientFor(e.t, e.srv).Do(req)
				if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login?next=") {
					e.t.Errorf("replayed session cookie: status %d, Location %q, want 303 to sign in", r.Status, r.Location)
				}
			}},
		}},
		{name: "sign out everywhere", steps: []step{
			{name: "first browser", user: testutil.OfficerEmail, method: "GET", url: "/account", status: 200},
			{name: "second browser", user: testutil.OfficerEmail + "#2", method: "GET", url: "/account", status: 200},
			{name: "someone else", user: testutil.CouncillorEmail, method: "GET", url: "/account", status: 200},
			{name: "sign out everywhere", user: testutil.OfficerEmail, method: "POST", url: "/account/sessions/delete", status: 303, location: "/login"},
			{name: "first browser signed out", user: testutil.OfficerEmail, method: "GET", url: "/login", status: 200,
				contains: []string{"You have been signed out everywhere, including here."}, excludes: []string{"Signed in as"}},
			{name: "first browser", user: testutil.OfficerEmail, method: "GET", url: "/account", status: 303, location: "/login?next=%2Faccount"},
			{name: "second browser signed out", user: testutil.OfficerEmail + "#2", method: "GET", url: "/account", status: 303, location: "/login?next=%2Faccount"},
			{name: "second browser API", user: testutil.OfficerEmail + "#2", method: "GET", url: "/api/v1/me", status: 401},
			{name: "someone else is still signed in", user: testutil.CouncillorEmail, method: "GET", url: "/account", status: 200},
		}},
	})
}

var resetPath = regexp.MustCompile(`^/password/reset/[A-Za-z0-9_-]{43}$`)

// captureLink is a check that reads the emailed link to prefix sent to
// "to" into e.vars[name].
func captureLink(name, to, prefix string) func(e *env, r testutil.Response) {
	return func(e *env, _ testutil.Response) {
		e.t.Helper()
		e.vars[name] = emailLink(e.t, e.app, to, prefix)
	}
}

func wantOutbox(n int) func(e *env) {
	return func(e *env) {
		e.t.Helper()
		if got := len(e.app.Outbox(e.t)); got != n {
			e.t.Errorf("%d emails in the outbox, want %d", got, n)
		}
	}
}

func TestPasswordReset(t *testing.T) {
	officerLogin := func(password string) url.Values {
		return formOf("email", testutil.OfficerEmail, "password", password)
	}
	runScenarios(t, []scenario{
		{name: "reset", steps: []step{
			{name: "an existing session", user: testutil.OfficerEmail, method: "GET", url: "/account", status: 200},
			{name: "form", method: "GET", url: "/password/forgot", status: 200, contains: []string{"Reset your password"}},
			{name: "ask", method: "POST", url: "/password/forgot", form: formOf("email", testutil.OfficerEmail), status: 200,
				contains: []string{"Check your email", testutil.OfficerEmail}, check: func(e *env, r testutil.Response) {
					captureLink("reset", testutil.OfficerEmail, "/password/reset/")(e, r)
					if !resetPath.MatchString(e.vars["reset"]) {
						e.t.Errorf("reset link %q", e.vars["reset"])
					}
					hdr, body := emailBody(e.t, e.app.Outbox(e.t)[0])
					if hdr.Get("Subject") != "Reset your Jointly password" || !strings.Contains(body, "Hello Sam Okafor") {
						e.t.Errorf("email: Subject %q\n%s", hdr.Get("Subject"), body)
					}
				}},
			{name: "open the link", method: "GET", url: "{reset}", status: 200,
				contains: []string{"Choose a new password", "For " + testutil.OfficerEmail, `action="{reset}"`}},
			{name: "too short", method: "POST", url: "{reset}", form: formOf("password", "short"), status: 422,
				contains: []string{"There is a problem", "Password must be 12 characters or more", `id="password-error"`}},
			{name: "still the old password", user: "#2", method: "POST", url: "/login", form: officerLogin(testutil.Password), status: 303},
			{name: "good password", method: "POST", url: "{reset}", form: formOf("password", newPassword), status: 303, location: "/", check: wantSessionCookie},
			{name: "signed in", method: "GET", url: "/", status: 200, contains: []string{signedInAs("Sam Okafor"), "Your password has been changed."}},
			{name: "other sessions ended", user: testutil.OfficerEmail, method: "GET", url: "/account", status: 303, location: "/login?next=%2Faccount"},
			{name: "old password refused", user: "#3", method: "POST", url: "/login", form: officerLogin(testutil.Password), status: 422,
				contains: []string{"The email address or password is not right"}},
			{name: "new password works", user: "#3", method: "POST", url: "/login", form: officerLogin(newPassword), status: 303, location: "/"},
			{name: "the link worked once", user: "#4", method: "GET", url: "{reset}", status: 404,
				contains: []string{"This password reset link has expired or has been used"}},
			{name: "nor can it be posted again", user: "#4", method: "POST", url: "{reset}", form: formOf("password", "another long password"), status: 404},
			{name: "the password did not change again", user: "#4", method: "POST", url: "/login", form: officerLogin(newPassword), status: 303},
		}},
		{name: "unknown address", steps: []step{
			{name: "ask", method: "POST", url: "/password/forgot", form: formOf("email", "nobody@leeds.gov.uk"), status: 200,
				contains: []string{"Check your email", "nobody@leeds.gov.uk"}},
			{name: "no email", do: wantOutbox(0)},
		}},
		{name: "invalid address", steps: []step{
			{name: "ask", method: "POST", url: "/password/forgot", form: formOf("email", "not an address"), status: 422,
				contains: []string{"There is a problem", "Enter an email address in the correct format"}},
			{name: "empty", method: "POST", url: "/password/forgot", status: 422, contains: []string{"Enter your email address"}},
			{name: "no email", do: wantOutbox(0)},
		}},
		{name: "expired link", steps: []step{
			{name: "ask", method: "POST", url: "/password/forgot", form: formOf("email", testutil.OfficerEmail), status: 200,
				check: captureLink("reset", testutil.OfficerEmail, "/password/reset/")},
			{name: "59 minutes on", do: func(e *env) { e.app.Clock.Advance(59 * time.Minute) }},
			{name: "still works", method: "GET", url: "{reset}", status: 200},
			{name: "61 minutes on", do: func(e *env) { e.app.Clock.Advance(2 * time.Minute) }},
			{name: "expired", method: "GET", url: "{reset}", status: 404, contains: []string{"This password reset link has expired or has been used"}},
			{name: "cannot be used", method: "POST", url: "{reset}", form: formOf("password", newPassword), status: 404},
			{name: "old password still works", user: "#2", method: "POST", url: "/login", form: officerLogin(testutil.Password), status: 303},
		}},
		{name: "made-up link", steps: []step{
			{name: "open", method: "GET", url: "/password/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", status: 404},
		}},
	})
}

// TestPasswordResetSaysTheSame: the page cannot tell anyone whether an
// address has an account.
func TestPasswordResetSaysTheSame(t *testing.T) {
	e := newEnv(t)
	known := e.browser("").Post("/password/forgot", formOf("email", "cio@leeds.gov.uk"))
	unknown := e.browser("#2").Post("/password/forgot", formOf("email", "cxo@leeds.gov.uk"))
	if known.Status != unknown.Status {
		t.Fatalf("status %d for a known address, %d for an unknown one", known.Status, unknown.Status)
	}
	if a, b := strings.ReplaceAll(known.Body, "cio@", "?@"), strings.ReplaceAll(unknown.Body, "cxo@", "?@"); a != b {
		t.Errorf("pages differ for known and unknown addresses:\n%s\n----\n%s", excerpt(a), excerpt(b))
	}
	if n := len(e.app.Outbox(t)); n != 1 {
		t.Errorf("%d emails, want 1 (to the known address only)", n)
	}
}
