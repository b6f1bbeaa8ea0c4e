package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const (
	loginButton   = `form[action="/login"] button[type="submit"]`
	signOutButton = `[data-testid="sign-out"]`
)

var (
	// Every signed-in user has these, and not "Sign in".
	signedInNav = []string{"Home", "Councils", "Your account"}
	// An anonymous visitor has "Councils" and "Sign in", and none of these.
	anonymousNotNav = []string{"Home", "Your account", "Users", "Invite a colleague", "Register", "Suppliers", "Partners", "Discovery", "Joint bids"}
)

// TestRoleJourneys signs in as each demo role, checks the service
// navigation shows that role's sections and not the others', walks the
// public and account pages, and signs out.
func TestRoleJourneys(t *testing.T) {
	roles := []struct {
		role, email, name string
		nav, notNav       []string
	}{
		{"admin", "admin@jointly.example", "Amira Patel", []string{"Users", "Suppliers", "Discovery", "Joint bids"}, []string{"Invite a colleague", "Register", "Partners", "Opportunities"}},
		{"officer", "cio@leeds.gov.uk", "Sam Okafor", []string{"Invite a colleague", "Register", "Partners", "Discovery", "Joint bids"}, []string{"Users", "Suppliers", "Opportunities"}},
		{"councillor", "cllr.hughes@leeds.gov.uk", "Cllr Jane Hughes", []string{"Register", "Partners", "Discovery", "Joint bids"}, []string{"Users", "Invite a colleague", "Suppliers", "Opportunities"}},
		{"supplier", "bids@penninedigital.example", "Tom Whitaker", []string{"Opportunities", "Invite a colleague"}, []string{"Users", "Register", "Suppliers", "Partners", "Discovery", "Joint bids"}},
	}
	for _, r := range roles {
		t.Run(r.role, func(t *testing.T) {
			t.Parallel()
			s := newSession(t, "role-"+r.role)

			s.open("login", "/login", http.StatusOK)
			s.expectText("login", "h1", "Sign in to Jointly")
			s.typeInto("email", r.email)
			s.typeInto("password", demoPassword)
			s.click("signed-in", loginButton, http.StatusOK)
			s.expectPath("signed-in", "/")
			s.expectText("signed-in", "h1", "Welcome, "+r.name)
			s.expectTextContains("signed-in", ".app-account-bar", "Signed in as "+r.name)
			s.expectNav("signed-in", append(append([]string{}, signedInNav...), r.nav...), append([]string{"Sign in"}, r.notNav...))
			s.expectCurrentNav("signed-in", "Home")

			s.open("councils", "/councils", http.StatusOK)
			s.expectText("councils", "h1", "Council directory")
			if n := s.count("table.govuk-table tbody tr"); n == 0 {
				t.Errorf("councils: the directory lists no councils")
			}
			s.expectCurrentNav("councils", "Councils")

			s.open("council", "/councils/E08000035", http.StatusOK)
			s.expectText("council", "h1", "Leeds City Council")
			s.expectCurrentNav("council", "Councils")

			s.open("account", "/account", http.StatusOK)
			s.expectText("account", "h1", "Your account")
			s.expectTextContains("account", ".govuk-summary-list", r.email)
			if n := s.count("strong.govuk-tag--green"); n != 1 {
				t.Errorf("account: %d sessions are marked ‘This browser’, want 1", n)
			}
			s.expectCurrentNav("account", "Your account")

			s.click("signed-out", signOutButton, http.StatusOK)
			s.expectPath("signed-out", "/")
			s.expectText("signed-out", "h1", "Buy technology together")
			s.expectTextContains("signed-out", ".govuk-notification-banner", "You have signed out.")
			s.expectNav("signed-out", []string{"Councils", "Opportunities", "Sign in"}, anonymousNotNav)
			if n := s.count(signOutButton); n != 0 {
				t.Errorf("signed-out: the page still has a Sign out button")
			}

			// The session is really over: the account page asks to sign in.
			s.open("account-after-sign-out", "/account", http.StatusOK)
			s.expectPath("account-after-sign-out", "/login?next="+url.QueryEscape("/account"))
		})
	}
}

// TestSignInErrors checks the GOV.UK error pattern on the sign-in form: a
// wrong password and an empty form each show the error summary, linked to
// the fields, with "Error:" in the title.
func TestSignInErrors(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		t.Parallel()
		s := newSession(t, "error-wrong-password")
		s.open("login", "/login", http.StatusOK)
		s.typeInto("email", "cio@leeds.gov.uk")
		s.typeInto("password", "not-the-password")
		s.click("wrong-password", loginButton, http.StatusUnprocessableEntity)
		s.expectPath("wrong-password", "/login")
		s.expectErrorPage("wrong-password", map[string]string{
			"email":    "The email address or password is not right",
			"password": "Enter your password again",
		})
		// The email is kept; the password is not.
		if v := eval[string](s, `document.getElementById('email').value`); v != "cio@leeds.gov.uk" {
			t.Errorf("wrong-password: email field holds %q, want it kept", v)
		}
		if v := eval[string](s, `document.getElementById('password').value`); v != "" {
			t.Errorf("wrong-password: password field was filled in again")
		}
		// The summary's link takes the user to the field (GOV.UK Frontend
		// moves focus to the input).
		if err := chromedp.Do(s.ctx, chromedp.Click(chromedp.CSS(`.govuk-error-summary__list a[href="#password"]`))); err != nil {
			t.Fatalf("wrong-password: click the summary link: %v", err)
		}
		if id := eval[string](s, `document.activeElement ? document.activeElement.id : ''`); id != "password" {
			t.Errorf("wrong-password: after clicking the summary link, focus is on %q, want the password field", id)
		}

		// The right password still works afterwards.
		s.typeInto("password", demoPassword)
		s.click("signed-in", loginButton, http.StatusOK)
		s.expectPath("signed-in", "/")
		s.expectText("signed-in", "h1", "Welcome, Sam Okafor")
	})

	t.Run("empty form", func(t *testing.T) {
		t.Parallel()
		s := newSession(t, "error-empty-form")
		s.open("login", "/login", http.StatusOK)
		s.click("empty-form", loginButton, http.StatusUnprocessableEntity)
		s.expectErrorPage("empty-form", map[string]string{
			"email":    "Enter your email address",
			"password": "Enter your password",
		})
	})
}

// expectErrorPage checks the error summary and the field errors: each
// field named in want has its message in the summary, linked to the field,
// and beside the field, tied to the input by aria-describedby.
func (s *session) expectErrorPage(step string, want map[string]string) {
	s.t.Helper()
	title := eval[string](s, `document.title`)
	if !strings.HasPrefix(title, "Error: ") {
		s.t.Errorf("%s: title %q does not start with \"Error: \"", step, title)
	}
	if n := s.count(".govuk-error-summary"); n != 1 {
		s.t.Fatalf("%s: %d error summaries, want 1", step, n)
	}
	s.expectText(step, ".govuk-error-summary__title", "There is a problem")
	if n := s.count(".govuk-error-summary__list a"); n != len(want) {
		s.t.Errorf("%s: the error summary lists %d problems, want %d", step, n, len(want))
	}
	for field, msg := range want {
		link := `.govuk-error-summary__list a[href="#` + field + `"]`
		s.expectText(step, link, msg)
		if n := s.count("input#" + field); n != 1 {
			s.t.Errorf("%s: the summary links to #%s, but there is no such field", step, field)
		}
		s.expectText(step, "#"+field+"-error", "Error: "+msg)
		describedBy := eval[string](s, `document.getElementById('`+field+`').getAttribute('aria-describedby') || ''`)
		if !strings.Contains(" "+describedBy+" ", " "+field+"-error ") {
			s.t.Errorf("%s: #%s aria-describedby=%q does not name %s-error", step, field, describedBy, field)
		}
		if n := s.count(".govuk-form-group--error #" + field + ".govuk-input--error"); n != 1 {
			s.t.Errorf("%s: #%s is not styled as a field in error", step, field)
		}
	}
}

// TestAnonymous checks the pages anyone can see, and that a signed-in page
// sends an anonymous visitor to sign in.
func TestAnonymous(t *testing.T) {
	t.Parallel()
	s := newSession(t, "anonymous")

	s.open("landing", "/", http.StatusOK)
	s.expectText("landing", "h1", "Buy technology together")
	s.expectNav("landing", []string{"Councils", "Opportunities", "Sign in"}, anonymousNotNav)
	if n := s.count(signOutButton); n != 0 {
		t.Errorf("landing: an anonymous visitor sees a Sign out button")
	}

	// The footer's link to the accessibility statement, which axe checks too.
	s.click("accessibility", `footer a[href="/accessibility"]`, http.StatusOK)
	s.expectText("accessibility", "h1", "Accessibility statement for Jointly")

	s.open("councils", "/councils", http.StatusOK)
	s.expectText("councils", "h1", "Council directory")
	s.expectCurrentNav("councils", "Councils")
	if n := s.count("table.govuk-table tbody tr"); n == 0 {
		t.Errorf("councils: the directory lists no councils")
	}

	s.open("council", "/councils/E08000035", http.StatusOK)
	s.expectText("council", "h1", "Leeds City Council")

	s.open("not-found", "/councils/E99999999", http.StatusNotFound)
	s.expectText("not-found", "h1", "Page not found")

	s.open("account-redirect", "/account", http.StatusOK)
	s.expectPath("account-redirect", "/login?next="+url.QueryEscape("/account"))
	s.expectText("account-redirect", "h1", "Sign in to Jointly")

	// Signing in from there returns to the page that was asked for.
	s.typeInto("email", "cllr.hughes@leeds.gov.uk")
	s.typeInto("password", demoPassword)
	s.click("signed-in-to-account", loginButton, http.StatusOK)
	s.expectPath("signed-in-to-account", "/account")
	s.expectText("signed-in-to-account", "h1", "Your account")
}

// TestJavaScriptAndCSP checks that the deferred scripts run under the
// strict CSP (body gets govuk-frontend-supported, which app.js adds only
// once GOV.UK Frontend has loaded), that the CSP header is sent, and that
// the console listener really catches CSP violations: an inline script
// added on purpose must be blocked and reported.
func TestJavaScriptAndCSP(t *testing.T) {
	t.Parallel()
	s := newSession(t, "javascript-csp")

	resp := s.open("landing", "/", http.StatusOK) // checkPage: no CSP message so far
	csp, _ := resp.Headers["Content-Security-Policy"].(string)
	if !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("landing: Content-Security-Policy is %q, want script-src 'self'", csp)
	}
	for _, class := range []string{"js-enabled", "govuk-frontend-supported"} {
		if !eval[bool](s, `document.body.classList.contains('`+class+`')`) {
			t.Errorf("landing: body lacks class %s", class)
		}
	}
	if !eval[bool](s, `typeof window.GOVUKFrontend === 'object'`) {
		t.Errorf("landing: window.GOVUKFrontend is missing: the GOV.UK Frontend bundle did not load")
	}

	// Positive control. An inline <script> must not run, and the browser
	// must report the violation, or the CSP checks on every page prove
	// nothing.
	eval[bool](s, `(() => {
  const el = document.createElement('script');
  el.textContent = 'window.__inlineRan = true';
  document.head.appendChild(el);
  return true })()`)
	if eval[bool](s, `window.__inlineRan === true`) {
		t.Errorf("an inline script ran: the CSP does not block inline scripts")
	}
	var reported bool
	for range 100 { // the report is asynchronous; give it a bounded number of round trips
		for _, e := range s.takeConsole() {
			if e.isCSPViolation() {
				reported = true
				t.Logf("expected CSP report: %s", e)
			} else {
				t.Logf("console: %s", e)
			}
		}
		if reported {
			break
		}
		eval[bool](s, `new Promise(r => setTimeout(() => r(true), 10))`, chromedp.EvalAwaitPromise)
	}
	if !reported {
		t.Errorf("the blocked inline script was not reported as a Content Security Policy violation: the console check cannot see CSP violations")
	}
}

// TestAxeHarness is the positive control for the axe check on every page:
// a page with an unlabelled field and an image without alt text must fail.
// It guards against a harness that silently checks nothing.
func TestAxeHarness(t *testing.T) {
	t.Parallel()
	s := newSession(t, "axe-harness")
	s.open("landing", "/", http.StatusOK)

	eval[bool](s, `(() => {
  const main = document.getElementById('main-content');
  const img = document.createElement('img');
  img.src = '/assets/images/favicon.svg';
  main.appendChild(img);
  const input = document.createElement('input');
  input.type = 'text';
  main.appendChild(input);
  return true })()`)
	res := s.axe("broken-on-purpose", "/")
	found := map[string]string{}
	for _, v := range res.Violations {
		found[v.ID] = v.Impact
	}
	for _, rule := range []string{"image-alt", "label"} {
		if impact := found[rule]; impact != "critical" && impact != "serious" {
			t.Errorf("axe did not report %s as serious or critical on a page broken on purpose (found %v)", rule, found)
		}
	}
}
