package handlers_test

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jointly/handlers"
	"jointly/models"
	"jointly/testutil"
)

// wantSafeCookies fails unless every cookie r sets is HttpOnly and
// SameSite=Lax, and Secure exactly when secure.
func wantSafeCookies(t *testing.T, what string, r testutil.Response, secure bool) {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure {
			t.Errorf("%s: cookie %q: want HttpOnly, SameSite=Lax, Path=/, Secure=%v", what, c.Raw, secure)
		}
	}
}

// TestSecurityHeadersOnEveryPage walks every GET route of the route table
// (routes_test.go) as each role, anonymous and signed in, and checks each
// answer, whatever its status, for the security headers, safe cookies and
// pages the Content-Security-Policy does not break.
func TestSecurityHeadersOnEveryPage(t *testing.T) {
	for _, role := range walkRoles {
		name := string(role.role)
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c := e.browser(role.email)
			stylesheet := stylesheetURL.FindString(c.Get("/").Body)
			walked := 0
			for _, w := range routeWalk {
				if !strings.HasPrefix(w.route, "GET ") {
					continue
				}
				target := strings.ReplaceAll(w.url, "{stylesheet}", stylesheet)
				r := c.Get(target)
				walked++
				what := w.route + " (" + target + ")"
				if r.Status >= 500 {
					t.Errorf("%s: status %d\n%s", what, r.Status, excerpt(r.Body))
					continue
				}
				t.Run(strings.TrimPrefix(w.route, "GET "), func(t *testing.T) { wantSecurityHeaders(t, r) })
				if h := r.Header.Get("Strict-Transport-Security"); h != "" {
					t.Errorf("%s: HSTS over plain HTTP: %q", what, h)
				}
				if r.Header.Get("X-Request-ID") == "" {
					t.Errorf("%s: no X-Request-ID", what)
				}
				wantSafeCookies(t, what, r, false)
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || r.Status == http.StatusSeeOther {
					continue
				}
				for _, tag := range scriptTag.FindAllString(r.Body, -1) {
					if !strings.Contains(tag, ` src="/assets/`) {
						t.Errorf("%s: inline or foreign script %s", what, tag)
					}
				}
				if m := inlineCSS.FindString(r.Body); m != "" {
					t.Errorf("%s: inline style %q, which the Content-Security-Policy blocks", what, m)
				}
				if m := inlineJS.FindString(r.Body); m != "" {
					t.Errorf("%s: inline script %q, which the Content-Security-Policy blocks", what, m)
				}
			}
			if walked < 50 {
				t.Errorf("walked %d GET routes: is the route table there?", walked)
			}
		})
	}
}

// TestSecurityHeadersOnEveryAnswer covers the answers no GET route gives
// in the walk: refusals, errors, redirects and downloads.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	e := newEnv(t)
	anon := e.browser("")
	officer := e.browser(testutil.OfficerEmail)
	big := strings.Repeat("x", 2<<20)
	token := apiToken(t, e.app, testutil.OfficerEmail)
	cases := []struct {
		name   string
		do     func() testutil.Response
		status int
	}{
		{"404 page", func() testutil.Response { return anon.Get("/no/such/page") }, 404},
		{"404 problem", func() testutil.Response { return anon.Get("/api/v1/no/such") }, 404},
		{"405", func() testutil.Response { return anon.Get("/logout") }, 405},
		{"303 to sign in", func() testutil.Response { return anon.Get("/account") }, 303},
		{"303 after a form", func() testutil.Response { return e.browser(testutil.OfficerEmail+"#2").Post("/logout", nil) }, 303},
		{"403 refused form", func() testutil.Response { return anon.Post("/login", formOf("csrf_token", "forged")) }, 403},
		{"413 form", func() testutil.Response {
			return officer.Post("/councils/E08000035/contracts", formOf("title", big))
		}, 413},
		{"413 problem", func() testutil.Response {
			return anon.Do(newRequest(t, http.MethodPost, e.srv.URL+"/api/v1/councils/E08000035/contracts", strings.NewReader(`{"title":"`+big+`"}`),
				map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"}))
		}, 413},
		{"401 problem", func() testutil.Response {
			return anon.Do(newRequest(t, http.MethodGet, e.srv.URL+"/api/v1/me", nil, map[string]string{"Authorization": "Bearer jly_nope"}))
		}, 401},
		{"healthz", func() testutil.Response { return anon.Get("/healthz") }, 200},
		{"301 trailing slash", func() testutil.Response { return anon.Get("/councils/") }, 301},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.do()
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.Status, tc.status, excerpt(r.Body))
			}
			wantSecurityHeaders(t, r)
			wantSafeCookies(t, tc.name, r, false)
		})
	}

	// A library attachment is served with a policy of its own, stricter
	// still: nothing in it runs, and no page may frame it.
	uploads := t.TempDir()
	e = newEnv(t, func(c *handlers.Config) { c.UploadsDir = uploads })
	_, path := draftLibraryItem(e, "Headers on downloads", models.AudienceCouncillors)
	e.browser(testutil.OfficerEmail).Get(path)
	if r := upload(e, testutil.OfficerEmail, path+"/attachments", "plan.pdf", []byte(tinyPDF)); r.Status != http.StatusSeeOther {
		t.Fatalf("upload: status %d\n%s", r.Status, excerpt(r.Body))
	}
	pdf := regexp.MustCompile(`/library/[0-9]+/attachments/[0-9]+`).FindString(e.browser(testutil.OfficerEmail).Get(path).Body)
	d := e.browser(testutil.OfficerEmail).Get(pdf)
	if d.Status != http.StatusOK {
		t.Fatalf("download: status %d", d.Status)
	}
	csp := d.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "sandbox", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("attachment Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin"} {
		if got := d.Header.Get(h); got != want {
			t.Errorf("attachment %s %q, want %q", h, got, want)
		}
	}
	if !strings.HasPrefix(d.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("attachment Content-Disposition %q", d.Header.Get("Content-Disposition"))
	}
}

// httpsBrowser is a browser for one test server that sends extra headers
// (a proxy's, say) with every request.
type httpsBrowser struct {
	t      *testing.T
	base   string
	client *http.Client
	header map[string]string
}

func newHTTPSBrowser(t *testing.T, srv *httptest.Server, header map[string]string) *httpsBrowser {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if srv.TLS != nil {
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}}
	}
	return &httpsBrowser{t: t, base: srv.URL, client: client, header: header}
}

func (b *httpsBrowser) do(method, path string, form url.Values) testutil.Response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.header {
		req.Header.Set(k, v)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return testutil.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(out), Location: resp.Header.Get("Location")}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn signs in with the demo password: the sign-in form's answer and
// the answer to signing in.
func (b *httpsBrowser) signIn(email string) (form, signedIn testutil.Response) {
	b.t.Helper()
	form = b.do(http.MethodGet, "/login", nil)
	m := csrfInput.FindStringSubmatch(form.Body)
	if m == nil {
		b.t.Fatalf("no form token on the sign-in page (status %d)", form.Status)
	}
	signedIn = b.do(http.MethodPost, "/login", formOf("email", email, "password", testutil.Password, "csrf_token", m[1]))
	if signedIn.Status != http.StatusSeeOther {
		b.t.Fatalf("sign in: status %d\n%s", signedIn.Status, excerpt(signedIn.Body))
	}
	return form, signedIn
}

// TestHTTPSDetection: HSTS and Secure cookies when the browser reached
// Jointly over HTTPS, which Jointly knows from its base URL (see
// TestSecureDeployment), the TLS connection itself, or a trusted proxy's
// X-Forwarded-Proto: never from that header sent by anyone else.
func TestHTTPSDetection(t *testing.T) {
	cases := []struct {
		name    string
		proxies []string
		tls     bool
		header  map[string]string
		secure  bool
	}{
		{name: "plain HTTP", secure: false},
		{name: "TLS", tls: true, secure: true},
		{name: "trusted proxy says https", proxies: []string{"127.0.0.1"}, header: map[string]string{"X-Forwarded-Proto": "https"}, secure: true},
		{name: "trusted proxy range says HTTPS", proxies: []string{"127.0.0.0/8"}, header: map[string]string{"X-Forwarded-Proto": "HTTPS, http"}, secure: true},
		{name: "trusted proxy says http", proxies: []string{"127.0.0.1"}, header: map[string]string{"X-Forwarded-Proto": "http"}, secure: false},
		{name: "untrusted client says https", header: map[string]string{"X-Forwarded-Proto": "https"}, secure: false},
		{name: "another proxy is trusted", proxies: []string{"192.0.2.1", "198.51.100.0/24"}, header: map[string]string{"X-Forwarded-Proto": "https"}, secure: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := testutil.NewApp(t, func(c *handlers.Config) { c.TrustedProxies = tc.proxies })
			var srv *httptest.Server
			if tc.tls {
				srv = httptest.NewTLSServer(app.Handlers.Router())
			} else {
				srv = httptest.NewServer(app.Handlers.Router())
			}
			t.Cleanup(srv.Close)
			b := newHTTPSBrowser(t, srv, tc.header)
			form, signedIn := b.signIn(testutil.OfficerEmail)
			account := b.do(http.MethodGet, "/account", nil)
			if account.Status != http.StatusOK {
				t.Fatalf("account: status %d, want 200 with the session cookie", account.Status)
			}
			api := b.do(http.MethodGet, "/api/v1/councils", nil)
			for _, r := range []struct {
				what string
				r    testutil.Response
			}{{"sign-in form", form}, {"signed in", signedIn}, {"account", account}, {"API", api}} {
				hsts := r.r.Header.Get("Strict-Transport-Security")
				if tc.secure && !strings.HasPrefix(hsts, "max-age=63072000") {
					t.Errorf("%s: Strict-Transport-Security %q, want two years", r.what, hsts)
				}
				if !tc.secure && hsts != "" {
					t.Errorf("%s: Strict-Transport-Security %q over plain HTTP", r.what, hsts)
				}
				wantSafeCookies(t, r.what, r.r, tc.secure)
			}
			set := setCookies(signedIn)
			for _, name := range []string{"jointly_session", "jointly_known"} {
				if set[name] == nil {
					t.Errorf("signing in set no %s cookie: %q", name, signedIn.Header.Values("Set-Cookie"))
				}
			}
		})
	}
}

// A path with a trailing slash is redirected, by Jointly's own handler,
// to the same path without it, query kept; never to another site.
func TestTrailingSlashRedirect(t *testing.T) {
	e := newEnv(t)
	anon := e.browser("")
	for path, want := range map[string]string{
		"/councils/":        "/councils",
		"/councils/?page=2": "/councils?page=2",
		"/library/":         "/library",
		"//evil.example/":   "/evil.example",
		"/no/such/page/":    "/no/such/page",
	} {
		r := anon.Get(path)
		if r.Status != http.StatusMovedPermanently || r.Location != want {
			t.Errorf("GET %s: %d to %q, want 301 to %q", path, r.Status, r.Location, want)
		}
	}
	if r := anon.Post("/councils/", nil); r.Status == http.StatusMovedPermanently {
		t.Errorf("POST /councils/ redirected: a form's body would be lost")
	}
}
