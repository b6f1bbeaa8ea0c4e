package handlers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jointly/handlers"
	"jointly/models"
	"jointly/testutil"
)

func TestNotFound(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "pages", steps: []step{
			{name: "anonymous", method: "GET", url: "/no/such/page", status: 404,
				contains: []string{"<title>Page not found – Jointly</title>", "govuk-template", "govuk-template__header", "govuk-footer", "/assets/dist/app."}},
			{name: "signed in", user: testutil.OfficerEmail, method: "GET", url: "/no/such/page", status: 404,
				contains: []string{"Page not found", signedInAs("Sam Okafor")}},
			{name: "wrong method", method: "GET", url: "/logout", status: 405, contains: []string{"That method is not allowed here.", "govuk-template"}},
		}},
		{name: "API", steps: []step{
			{name: "unknown API path", method: "GET", url: "/api/v1/nothing", status: 404, check: func(e *env, r testutil.Response) {
				wantProblem(e.t, r, http.StatusNotFound)
			}},
		}},
	})
}

var (
	scriptTag = regexp.MustCompile(`<script[^>]*>`)
	inlineCSS = regexp.MustCompile(`(?i)<style|\sstyle=`)
	inlineJS  = regexp.MustCompile(`(?i)\son[a-z]+=|javascript:`)
)

// TestSecurityHeaders: every response, whatever its status, carries the
// security headers; HTML pages are never cached and use no inline script
// or style, which the policy would block.
func TestSecurityHeaders(t *testing.T) {
	cases := []struct {
		name, user, method, url string
		form                    url.Values
		status                  int
	}{
		{"landing page", "", "GET", "/", nil, 200},
		{"directory", "", "GET", "/councils", nil, 200},
		{"council", testutil.AdminEmail, "GET", "/councils/E08000035", nil, 200},
		{"sign-in form", "", "GET", "/login", nil, 200},
		{"sign-in error", "", "POST", "/login", formOf("email", "x@y.example", "password", "z"), 422},
		{"sign-in redirect", "", "POST", "/login", formOf("email", testutil.OfficerEmail, "password", testutil.Password), 303},
		{"sent to sign in", "", "GET", "/account", nil, 303},
		{"account", testutil.OfficerEmail, "GET", "/account", nil, 200},
		{"invite form", testutil.AdminEmail, "GET", "/invitations/new", nil, 200},
		{"users", testutil.AdminEmail, "GET", "/admin/users", nil, 200},
		{"home", testutil.SupplierEmail, "GET", "/", nil, 200},
		{"forbidden", testutil.OfficerEmail, "GET", "/admin/users", nil, 403},
		{"not found", "", "GET", "/nowhere", nil, 404},
		{"csrf refusal", "", "POST", "/login", formOf("csrf_token", "forged"), 403},
		{"API", "", "GET", "/api/v1/councils", nil, 200},
		{"API refusal", "", "GET", "/api/v1/me", nil, 401},
		{"health", "", "GET", "/healthz", nil, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.browser(tc.user)
			var r testutil.Response
			if tc.method == "POST" {
				r = c.Post(tc.url, tc.form)
			} else {
				r = c.Get(tc.url)
			}
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.Status, tc.status, excerpt(r.Body))
			}
			wantSecurityHeaders(t, r)
			if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(r.Header.Get("X-Request-ID")) {
				t.Errorf("X-Request-ID %q", r.Header.Get("X-Request-ID"))
			}
			if r.Header.Get("Strict-Transport-Security") != "" {
				t.Errorf("HSTS sent over plain HTTP: %q", r.Header.Get("Strict-Transport-Security"))
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				return
			}
			if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if r.Status != http.StatusSeeOther && r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("HTML page Cache-Control %q, want no-store", r.Header.Get("Cache-Control"))
			}
			for _, tag := range scriptTag.FindAllString(r.Body, -1) {
				if !strings.Contains(tag, ` src="/assets/`) {
					t.Errorf("inline or foreign script %s", tag)
				}
			}
			if m := inlineCSS.FindString(r.Body); m != "" {
				t.Errorf("inline style %q, which the Content-Security-Policy blocks", m)
			}
			if m := inlineJS.FindString(r.Body); m != "" {
				t.Errorf("inline script %q, which the Content-Security-Policy blocks", m)
			}
		})
	}
}

func wantSecurityHeaders(t *testing.T, r testutil.Response) {
	t.Helper()
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("Content-Security-Policy %q has %s", csp, bad)
		}
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s %q, want %q", h, got, want)
		}
	}
}

func TestCookies(t *testing.T) {
	e := newEnv(t)
	c := e.browser("")
	form := c.Get("/login")
	csrf := setCookies(form)["jointly_csrf"]
	if csrf == nil || !csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode || csrf.Path != "/" || csrf.Secure {
		t.Errorf("CSRF cookie %v: want HttpOnly, SameSite=Lax, Path=/, not Secure over HTTP", csrf)
	}
	r := c.Post("/login", formOf("email", testutil.OfficerEmail, "password", testutil.Password))
	session := setCookies(r)["jointly_session"]
	switch {
	case session == nil:
		t.Fatalf("no session cookie: %q", r.Header.Values("Set-Cookie"))
	case !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Domain != "":
		t.Errorf("session cookie %q: want HttpOnly, SameSite=Lax, Path=/, no Domain", session.Raw)
	case session.Secure:
		t.Errorf("session cookie %q is Secure over plain HTTP: browsers would drop it", session.Raw)
	case session.MaxAge != 7*24*60*60:
		t.Errorf("session cookie Max-Age %d, want a week", session.MaxAge)
	case len(session.Value) < 43:
		t.Errorf("session secret %q is short", session.Value)
	}
}

// TestSecureDeployment: served over HTTPS, cookies are Secure and
// __Host- prefixed, and browsers are told to use HTTPS only. Cookies are
// carried by hand, so the test says exactly which one it sends.
func TestSecureDeployment(t *testing.T) {
	e := newEnv(t, func(cfg *handlers.Config) { cfg.BaseURL = "https://jointly.test" })
	get := func(path, cookie string) testutil.Response {
		t.Helper()
		return rawDo(t, newRequest(t, http.MethodGet, e.srv.URL+path, nil, map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}))
	}
	wantSecure := func(r testutil.Response, name string) *http.Cookie {
		t.Helper()
		ck := setCookies(r)["__Host-"+name]
		if ck == nil {
			t.Fatalf("no __Host-%s cookie: %q", name, r.Header.Values("Set-Cookie"))
		}
		if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" {
			t.Errorf("cookie %q: want Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", ck.Raw)
		}
		if setCookies(r)[name] != nil {
			t.Errorf("an unprefixed %s cookie was set too", name)
		}
		return ck
	}
	wantHSTS := func(r testutil.Response) {
		t.Helper()
		if h := r.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(h, "max-age=63072000") {
			t.Errorf("Strict-Transport-Security %q, want max-age of two years", h)
		}
	}

	form := get("/login", "")
	wantHSTS(form)
	csrf := wantSecure(form, "jointly_csrf")
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(form.Body)
	if m == nil {
		t.Fatal("no form token on the sign-in page")
	}
	login := formOf("email", testutil.OfficerEmail, "password", testutil.Password, "csrf_token", m[1])
	r := rawDo(t, newRequest(t, http.MethodPost, e.srv.URL+"/login", strings.NewReader(login.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "Cookie": "__Host-jointly_csrf=" + csrf.Value,
	}))
	if r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("sign in: status %d, Location %q\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	wantHSTS(r)
	session := wantSecure(r, "jointly_session")

	if r := get("/account", "__Host-jointly_session="+session.Value); r.Status != http.StatusOK {
		t.Errorf("account with the __Host- cookie: status %d, want 200", r.Status)
	} else {
		wantHSTS(r)
	}
	if r := get("/account", "jointly_session="+session.Value); r.Status != http.StatusSeeOther {
		t.Errorf("account with an unprefixed cookie: status %d, want 303 to sign in", r.Status)
	}
	if r := get("/api/v1/councils", ""); r.Status != http.StatusOK {
		t.Errorf("API: status %d", r.Status)
	} else {
		wantHSTS(r)
	}
}

// TestInternalError: a failure shows the request ID to quote, never the
// internal error.
func TestInternalError(t *testing.T) {
	cases := []struct {
		name, user, path string
		requestID        string // sent by a proxy; kept if it looks like one
		wantID           string // "" for a generated one
	}{
		{name: "page", path: "/councils"},
		{name: "page, proxy's request ID", path: "/councils", requestID: "proxy-req-0123456789", wantID: "proxy-req-0123456789"},
		{name: "page, bad request ID replaced", path: "/councils", requestID: "<script>alert(1)</script>"},
		{name: "signed in", user: testutil.OfficerEmail, path: "/"},
		{name: "API", path: "/api/v1/councils"},
		{name: "API, proxy's request ID", path: "/api/v1/councils", requestID: "proxy-req-0123456789", wantID: "proxy-req-0123456789"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.browser(tc.user)
			if err := e.app.DB.Close(); err != nil {
				t.Fatal(err)
			}
			h := map[string]string{"Sec-Fetch-Site": "same-origin"}
			if tc.requestID != "" {
				h["X-Request-ID"] = tc.requestID
			}
			r := c.Do(newRequest(t, http.MethodGet, e.srv.URL+tc.path, nil, h))
			if r.Status != http.StatusInternalServerError {
				t.Fatalf("status %d, want 500\n%s", r.Status, excerpt(r.Body))
			}
			id := r.Header.Get("X-Request-ID")
			if tc.wantID != "" && id != tc.wantID {
				t.Errorf("X-Request-ID %q, want the proxy's %q", id, tc.wantID)
			}
			if tc.wantID == "" && !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
				t.Errorf("X-Request-ID %q, want 16 hex digits", id)
			}
			if id == "" || !strings.Contains(r.Body, id) {
				t.Errorf("body lacks the request ID %q\n%s", id, excerpt(r.Body))
			}
			for _, leak := range []string{"sql", "database is closed", "sqlite", "<script>alert"} {
				if strings.Contains(strings.ToLower(r.Body), leak) {
					t.Errorf("body has %q\n%s", leak, excerpt(r.Body))
				}
			}
			if strings.HasPrefix(tc.path, "/api/") {
				wantProblem(t, r, http.StatusInternalServerError)
				return
			}
			for _, want := range []string{"Sorry, there is a problem with Jointly", "govuk-template", "quote reference <strong>" + id + "</strong>"} {
				if !strings.Contains(r.Body, want) {
					t.Errorf("body lacks %q\n%s", want, excerpt(r.Body))
				}
			}
			wantSecurityHeaders(t, r)
		})
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	c := e.browser("")
	health := func(status int, want map[string]any) {
		t.Helper()
		r := c.Get("/healthz")
		if r.Status != status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("status %d, Content-Type %q; want %d JSON\n%s", r.Status, r.Header.Get("Content-Type"), status, r.Body)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("healthz %v, want %v", got, want)
		}
		if strings.Contains(strings.ToLower(r.Body), "sql") {
			t.Errorf("healthz shows the internal error: %s", r.Body)
		}
	}
	health(http.StatusOK, map[string]any{"status": "ok", "version": "test", "checks": map[string]any{"database": "ok"}})
	if err := e.app.DB.Close(); err != nil {
		t.Fatal(err)
	}
	health(http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "version": "test", "checks": map[string]any{"database": "unavailable"}})
}

func TestMetrics(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "who may read them", steps: []step{
			{name: "anonymous", method: "GET", url: "/metrics", status: 303, location: "/login?next=%2Fmetrics"},
			{name: "officer", user: testutil.OfficerEmail, method: "GET", url: "/metrics", status: 403},
			{name: "supplier", user: testutil.SupplierEmail, method: "GET", url: "/metrics", status: 403},
		}},
		{name: "admin", steps: []step{
			{name: "a council page", method: "GET", url: "/councils/E08000035", status: 200},
			{name: "an unknown page", method: "GET", url: "/no/such/page", status: 404},
			{name: "metrics", user: testutil.AdminEmail, method: "GET", url: "/metrics", status: 200,
				contains: []string{
					"# TYPE jointly_http_requests_total counter",
					`jointly_http_requests_total{method="GET",route="/councils/:gss",status="200"} 1`,
					`jointly_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
					`jointly_http_request_duration_seconds_bucket{method="GET",route="/councils/:gss"`,
					`go_sql_open_connections{db_name="writer"}`,
					`go_sql_open_connections{db_name="reader"}`,
					`go_sql_wait_count_total{db_name="writer"}`,
				},
				excludes: []string{`route="/councils/E08000035"`, `route="/no/such/page"`},
				check: func(e *env, r testutil.Response) {
					if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
						e.t.Errorf("Content-Type %q", ct)
					}
				}},
		}},
	})
}

func TestAssets(t *testing.T) {
	e := newEnv(t)
	c := e.browser("")
	page := c.Get("/")
	css := stylesheetURL.FindString(page.Body)
	if css == "" || !regexp.MustCompile(`^/assets/dist/app\.[0-9a-f]{12}\.css$`).MatchString(css) {
		t.Fatalf("stylesheet URL %q is not content-hashed", css)
	}
	urls := []string{css}
	for _, m := range regexp.MustCompile(`<script src="([^"]+)"`).FindAllStringSubmatch(page.Body, -1) {
		urls = append(urls, m[1])
	}
	if len(urls) < 3 {
		t.Fatalf("assets on the page: %q", urls)
	}
	for _, u := range urls {
		r := c.Get(u)
		if r.Status != http.StatusOK || r.Body == "" {
			t.Errorf("%s: status %d, %d bytes", u, r.Status, len(r.Body))
			continue
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q, want a year, immutable", u, cc)
		}
		sum := sha256.Sum256([]byte(r.Body))
		if !strings.Contains(u, "."+hex.EncodeToString(sum[:6])+".") {
			t.Errorf("%s: its name does not carry its content's hash %x", u, sum[:6])
		}
		want := map[bool]string{true: "text/css", false: "text/javascript"}[strings.HasSuffix(u, ".css")]
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
			t.Errorf("%s: Content-Type %q, want %s", u, ct, want)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", u)
		}
	}
	for _, u := range []string{"/assets/dist/app.000000000000.css", "/assets/dist/app.css", "/assets/", "/assets/../go.mod", "/assets/%2e%2e/go.mod"} {
		if r := c.Get(u); r.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", u, r.Status)
		}
	}
}

// countRows counts what a refused request must not have written.
func countRows(t *testing.T, e *env) string {
	t.Helper()
	var contracts, audit int
	if err := e.app.DB.W.QueryRow(`SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM audit_events)`).Scan(&contracts, &audit); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d contracts, %d audit events", contracts, audit)
}

// chunked hides a body's length, so it is sent chunked: the server learns
// it is too large only by reading it.
type chunked struct{ r io.Reader }

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestOversizedBodies: a form or an API body over the limit (1 MB) is
// refused with 413 and a message saying so, and writes nothing, whether
// it says its length up front or is sent chunked.
func TestOversizedBodies(t *testing.T) {
	e := newEnv(t)
	officer := e.browser(testutil.OfficerEmail)
	officer.Get("/councils/E08000035/contracts/new") // the form's token
	token := apiToken(t, e.app, testutil.OfficerEmail)
	before := countRows(t, e)
	big := strings.Repeat("x", 1<<20)
	form := formOf("csrf_token", officer.CSRF(), "title", "Oversized", "supplier_name", "Acme Ltd", "notes", big).Encode()
	doc := `{"title":"Oversized","supplier_name":"Acme Ltd","notes":"` + big + `"}`
	for _, tc := range []struct {
		name       string
		api, chunk bool
		want       string
	}{
		{"form", false, false, "The form is too large: Jointly takes forms of up to 1 MB. Nothing has been saved."},
		{"form, chunked", false, true, "The form is too large: Jointly takes forms of up to 1 MB. Nothing has been saved."},
		{"API", true, false, "The request is too large: send 1048576 bytes or fewer."},
		{"API, chunked", true, true, "A contract must be under 1048576 bytes of JSON."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(form)
			path, h := "/councils/E08000035/contracts", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
			if tc.api {
				body = strings.NewReader(doc)
				path, h = "/api/v1/councils/E08000035/contracts", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token}
			}
			if tc.chunk {
				body = chunked{body}
			}
			req := newRequest(t, http.MethodPost, e.srv.URL+path, body, h)
			if tc.chunk && req.ContentLength != 0 {
				t.Fatalf("the request says its length (%d): it would not be sent chunked", req.ContentLength)
			}
			r := officer.Do(req)
			if r.Status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413\n%s", r.Status, excerpt(r.Body))
			}
			if tc.api {
				wantProblem(t, r, http.StatusRequestEntityTooLarge)
				var p struct{ Detail string }
				if err := json.Unmarshal([]byte(r.Body), &p); err != nil || p.Detail != tc.want {
					t.Errorf("problem detail %q (%v), want %q", p.Detail, err, tc.want)
				}
			} else if !strings.Contains(r.Body, tc.want) || !strings.Contains(r.Body, "govuk-template") {
				t.Errorf("page lacks %q\n%s", tc.want, excerpt(r.Body))
			}
			wantSecurityHeaders(t, r)
			if after := countRows(t, e); after != before {
				t.Errorf("a refused request wrote: %s → %s", before, after)
			}
		})
	}
	// Just under the limit, the same form is read (and refused for what
	// it says, not for its size).
	small := formOf("csrf_token", officer.CSRF(), "title", "Small enough", "supplier_name", "Acme Ltd", "notes", strings.Repeat("x", 1000)).Encode()
	r := officer.Do(newRequest(t, http.MethodPost, e.srv.URL+"/councils/E08000035/contracts", strings.NewReader(small),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}))
	if r.Status == http.StatusRequestEntityTooLarge || r.Status == http.StatusForbidden || r.Status >= 500 {
		t.Errorf("a small form: status %d\n%s", r.Status, excerpt(r.Body))
	}
}

// behindProxy is a test server whose only trusted proxy is the loopback
// address tests connect from, so X-Forwarded-For sets each request's
// client address.
func behindProxy(t *testing.T) *env {
	t.Helper()
	return newEnv(t, func(c *handlers.Config) { c.TrustedProxies = []string{"127.0.0.1"} })
}

// from is a browser at address ip.
func (e *env) from(ip string) *httpsBrowser {
	return newHTTPSBrowser(e.t, e.srv, map[string]string{"X-Forwarded-For": ip})
}

// login signs in (or tries to) with email and password.
func (b *httpsBrowser) login(email, password string) testutil.Response {
	b.t.Helper()
	m := csrfInput.FindStringSubmatch(b.do(http.MethodGet, "/login", nil).Body)
	if m == nil {
		b.t.Fatal("no form token on the sign-in page")
	}
	return b.do(http.MethodPost, "/login", formOf("email", email, "password", password, "csrf_token", m[1]))
}

// TestTokenAttemptLimit: past models.TokenLimitPerAddress bad API tokens
// in the window, the address gets 429 for any token until the oldest
// failure leaves the window; other addresses, and signing in, are not
// held back.
func TestTokenAttemptLimit(t *testing.T) {
	e := behindProxy(t)
	good := apiToken(t, e.app, testutil.OfficerEmail)
	get := func(ip, token string) testutil.Response {
		t.Helper()
		return rawDo(t, newRequest(t, http.MethodGet, e.srv.URL+"/api/v1/me", nil,
			map[string]string{"Authorization": "Bearer " + token, "X-Forwarded-For": ip}))
	}
	const ip = "203.0.113.7"
	first := e.app.Clock.T
	for i := range models.TokenLimitPerAddress {
		if r := get(ip, fmt.Sprintf("jly_guess%d", i)); r.Status != http.StatusUnauthorized {
			t.Fatalf("bad token %d: status %d, want 401", i+1, r.Status)
		}
		e.app.Clock.Advance(time.Second)
	}
	r := get(ip, good)
	wantProblem(t, r, http.StatusTooManyRequests)
	if !strings.Contains(r.Body, "Too many API tokens that do not work have been tried from your address") {
		t.Errorf("429 detail: %s", r.Body)
	}
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > int(models.LoginWindow.Seconds()) {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	wantProblem(t, get(ip, "jly_guess-more"), http.StatusTooManyRequests)
	if r := get("198.51.100.2", good); r.Status != http.StatusOK {
		t.Errorf("a good token from another address: status %d", r.Status)
	}
	// Bad tokens are not failed sign-ins: the address can still sign in.
	if r := e.from(ip).login(testutil.OfficerEmail, testutil.Password); r.Status != http.StatusSeeOther {
		t.Errorf("sign in from the address: status %d, want 303\n%s", r.Status, excerpt(r.Body))
	}
	// The refusals were not counted: the limit lifts when the first
	// failure leaves the window.
	e.app.Clock.T = first.Add(models.LoginWindow).Add(-time.Millisecond)
	wantProblem(t, get(ip, good), http.StatusTooManyRequests)
	e.app.Clock.T = first.Add(models.LoginWindow)
	if r := get(ip, good); r.Status != http.StatusOK {
		t.Errorf("after the window: status %d\n%s", r.Status, r.Body)
	}
}

// TestLinkAttemptLimit: emailed links are limited the same way, per
// address: guessing reset links soon stops working, and a real link still
// works from anywhere else.
func TestLinkAttemptLimit(t *testing.T) {
	e := behindProxy(t)
	const ip = "203.0.113.8"
	guesser := e.from(ip)
	owner := e.from("198.51.100.3")
	m := csrfInput.FindStringSubmatch(owner.do(http.MethodGet, "/password/forgot", nil).Body)
	if m == nil {
		t.Fatal("no form token on the reset form")
	}
	if r := owner.do(http.MethodPost, "/password/forgot", formOf("email", testutil.OfficerEmail, "csrf_token", m[1])); r.Status != http.StatusOK {
		t.Fatalf("ask for a reset: status %d", r.Status)
	}
	link := emailLink(t, e.app, testutil.OfficerEmail, "/password/reset/")
	paths := []string{"/password/reset/", "/invitations/", "/suppliers/verify/"}
	for i := range models.LinkLimitPerAddress {
		path := paths[i%len(paths)] + fmt.Sprintf("guess%040d", i)
		if r := guesser.do(http.MethodGet, path, nil); r.Status != http.StatusNotFound {
			t.Fatalf("guess %d (%s): status %d, want 404", i+1, path, r.Status)
		}
	}
	r := guesser.do(http.MethodGet, link, nil)
	if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Body, "Too many links that do not work have been tried from your address") {
		t.Fatalf("the real link from the guessing address: status %d, want 429\n%s", r.Status, excerpt(r.Body))
	}
	wantSecurityHeaders(t, r)
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if r := owner.do(http.MethodGet, link, nil); r.Status != http.StatusOK {
		t.Errorf("the real link from the owner's address: status %d, want 200\n%s", r.Status, excerpt(r.Body))
	}
	// A link that works is not a failure: opening it again and again
	// never locks its owner out.
	for range models.LinkLimitPerAddress + 1 {
		if r := owner.do(http.MethodGet, link, nil); r.Status != http.StatusOK {
			t.Fatalf("the real link again: status %d", r.Status)
		}
	}
	e.app.Clock.Advance(models.LoginWindow)
	if r := guesser.do(http.MethodGet, link, nil); r.Status != http.StatusOK {
		t.Errorf("after the window: status %d, want 200", r.Status)
	}
}

// TestLockoutCannotShutOwnerOut: someone trying the officer's password
// once a minute, for ever, from their own address keeps the account
// locked to new browsers, but never stops the officer: in a browser the
// account has signed in from before, only the address's own limit
// applies; in a new one, a reset link always works (and makes it a known
// browser).
func TestLockoutCannotShutOwnerOut(t *testing.T) {
	e := behindProxy(t)
	attacker := e.from("203.0.113.66")
	usual := e.from("198.51.100.10") // the officer's usual browser
	if r := usual.login(testutil.OfficerEmail, testutil.Password); r.Status != http.StatusSeeOther {
		t.Fatalf("first sign-in: status %d", r.Status)
	}
	if usual.do(http.MethodGet, "/account", nil).Status != http.StatusOK {
		t.Fatal("not signed in")
	}
	signOut := func(b *httpsBrowser) {
		t.Helper()
		m := csrfInput.FindStringSubmatch(b.do(http.MethodGet, "/account", nil).Body)
		if m == nil {
			t.Fatal("no form token on the account page")
		}
		if r := b.do(http.MethodPost, "/logout", formOf("csrf_token", m[1])); r.Status != http.StatusSeeOther {
			t.Fatalf("sign out: status %d", r.Status)
		}
	}
	signOut(usual)

	locked := 0
	for minute := 1; minute <= 180; minute++ {
		e.app.Clock.Advance(time.Minute)
		switch r := attacker.login(testutil.OfficerEmail, fmt.Sprintf("guess-%d", minute)); r.Status {
		case http.StatusTooManyRequests:
			locked++
			if !strings.Contains(r.Body, "Too many failed attempts to sign in") {
				t.Fatalf("minute %d: 429 without saying why\n%s", minute, excerpt(r.Body))
			}
		case http.StatusUnprocessableEntity:
		default:
			t.Fatalf("minute %d: the attacker got status %d", minute, r.Status)
		}
		if minute%20 == 0 {
			// The officer signs in as usual, every time.
			if r := usual.login(testutil.OfficerEmail, testutil.Password); r.Status != http.StatusSeeOther || r.Location != "/" {
				t.Fatalf("minute %d: the officer's usual browser: status %d\n%s", minute, r.Status, excerpt(r.Body))
			}
			signOut(usual)
		}
	}
	if locked < 90 {
		t.Fatalf("the account was locked to the attacker for %d of 180 minutes: the per-account limit is not working", locked)
	}

	// A new browser (a new laptop) is held back while the attack goes
	// on...
	laptop := e.from("192.0.2.44")
	for i := 0; i < 5; i++ {
		e.app.Clock.Advance(time.Minute)
		attacker.login(testutil.OfficerEmail, "guess-again")
	}
	if r := laptop.login(testutil.OfficerEmail, testutil.Password); r.Status != http.StatusTooManyRequests {
		t.Fatalf("a new browser during the attack: status %d, want 429", r.Status)
	}
	// ...but a reset link gets the officer in, and makes it known.
	m := csrfInput.FindStringSubmatch(laptop.do(http.MethodGet, "/password/forgot", nil).Body)
	if m == nil {
		t.Fatal("no form token on the reset form")
	}
	laptop.do(http.MethodPost, "/password/forgot", formOf("email", testutil.OfficerEmail, "csrf_token", m[1]))
	link := emailLink(t, e.app, testutil.OfficerEmail, "/password/reset/")
	m = csrfInput.FindStringSubmatch(laptop.do(http.MethodGet, link, nil).Body)
	if m == nil {
		t.Fatal("no form token on the reset page")
	}
	const newPassword = "a new and much longer password"
	if r := laptop.do(http.MethodPost, link, formOf("password", newPassword, "csrf_token", m[1])); r.Status != http.StatusSeeOther || r.Location != "/" {
		t.Fatalf("reset: status %d, Location %q\n%s", r.Status, r.Location, excerpt(r.Body))
	}
	if laptop.do(http.MethodGet, "/account", nil).Status != http.StatusOK {
		t.Fatal("not signed in after the reset")
	}
	signOut(laptop)
	for i := 0; i < 5; i++ {
		e.app.Clock.Advance(time.Minute)
		attacker.login(testutil.OfficerEmail, "guess-after-reset")
	}
	if r := e.from("192.0.2.45").login(testutil.OfficerEmail, newPassword); r.Status != http.StatusTooManyRequests {
		t.Errorf("yet another new browser during the attack: status %d, want 429", r.Status)
	}
	if r := laptop.login(testutil.OfficerEmail, newPassword); r.Status != http.StatusSeeOther {
		t.Errorf("the laptop, known since the reset: status %d\n%s", r.Status, excerpt(r.Body))
	}
	signOut(laptop)
	// A known-browser cookie is for one account: it does not lift the
	// limit for another account being attacked.
	for i := 0; i < models.LoginLimitPerAccount; i++ {
		attacker.login(testutil.AdminEmail, "guess")
	}
	if r := laptop.login(testutil.AdminEmail, testutil.Password); r.Status != http.StatusTooManyRequests {
		t.Errorf("another account from the officer's browser: status %d, want 429", r.Status)
	}
}
