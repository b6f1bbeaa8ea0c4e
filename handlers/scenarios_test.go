package handlers_test

import (
	"bufio"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jointly/handlers"
	"jointly/testutil"
)

// This file holds the scenario machinery the area tests share: a fresh
// app per scenario, browsers keyed by who signed them in, and steps given
// as table rows (method, URL, form, user, want status, want text, text
// that must not appear).

// env is one scenario's world: a fresh app on its own test server, the
// browsers that use it, and values captured along the way (links from
// emails, tokens) for later steps' URLs.
type env struct {
	t        *testing.T
	app      *testutil.App
	srv      *httptest.Server
	browsers map[string]*testutil.Client
	vars     map[string]string
}

func newEnv(t *testing.T, opts ...func(*handlers.Config)) *env {
	t.Helper()
	app := testutil.NewApp(t, opts...)
	srv := httptest.NewServer(app.Handlers.Router())
	t.Cleanup(srv.Close)
	return &env{t: t, app: app, srv: srv, browsers: map[string]*testutil.Client{}, vars: map[string]string{}}
}

// browser returns the browser for user, making it on first use. user is
// "" for a browser that starts anonymous, or a demo email, signed in with
// the demo password when the browser is made. A suffix such as "#2" names
// another browser: OfficerEmail+"#2" is the officer's second browser, "#2"
// a second anonymous one.
func (e *env) browser(user string) *testutil.Client {
	e.t.Helper()
	if c, ok := e.browsers[user]; ok {
		return c
	}
	c := testutil.NewClientFor(e.t, e.srv)
	if email, _, _ := strings.Cut(user, "#"); email != "" {
		c.SignIn(email)
	}
	e.browsers[user] = c
	return c
}

// expand replaces {name} with a captured value.
func (e *env) expand(s string) string {
	for k, v := range e.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

func (e *env) expandAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = e.expand(s)
	}
	return out
}

// step is one row of a scenario: a request and what must come back, or
// (with do) something done to the world between requests.
type step struct {
	name     string
	user     string // which browser: see env.browser
	method   string // GET or POST
	url      string // may hold {var}s captured earlier
	form     url.Values
	status   int
	location string   // exact Location wanted, when set
	contains []string // text the body must contain
	excludes []string // text the body must not contain
	check    func(e *env, r testutil.Response)
	do       func(e *env) // instead of a request
}

type scenario struct {
	name  string
	opts  []func(*handlers.Config)
	steps []step
}

// runScenarios runs each scenario as a subtest over its own app.
func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			e := newEnv(t, sc.opts...)
			for i, s := range sc.steps {
				e.run(i, s)
				if t.Failed() {
					return // later steps depend on this one
				}
			}
		})
	}
}

func (e *env) run(i int, s step) {
	e.t.Helper()
	if s.do != nil {
		s.do(e)
		return
	}
	c := e.browser(s.user)
	u := e.expand(s.url)
	var r testutil.Response
	switch s.method {
	case http.MethodGet:
		r = c.Get(u)
	case http.MethodPost:
		form := url.Values{}
		for k, v := range s.form {
			form[k] = append([]string(nil), v...)
			for j := range form[k] {
				form[k][j] = e.expand(form[k][j])
			}
		}
		r = c.Post(u, form)
	default:
		e.t.Fatalf("step %d (%s): method %q", i, s.name, s.method)
	}
	where := fmt.Sprintf("step %d (%s): %s %s", i, s.name, s.method, u)
	checkResponse(e.t, where, r, s.status, e.expand(s.location), e.expandAll(s.contains), e.expandAll(s.excludes))
	if s.check != nil && !e.t.Failed() {
		s.check(e, r)
	}
}

// checkResponse asserts a response's status, Location and text.
func checkResponse(t *testing.T, where string, r testutil.Response, status int, location string, contains, excludes []string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d (Location %q)\n%s", where, r.Status, status, r.Location, excerpt(r.Body))
		return
	}
	if location != "" && r.Location != location {
		t.Errorf("%s: Location %q, want %q", where, r.Location, location)
	}
	for _, s := range contains {
		if !strings.Contains(r.Body, s) {
			t.Errorf("%s: body lacks %q\n%s", where, s, excerpt(r.Body))
		}
	}
	for _, s := range excludes {
		if strings.Contains(r.Body, s) {
			t.Errorf("%s: body has %q but must not\n%s", where, s, excerpt(r.Body))
		}
	}
}

// excerpt is the main content of a page, or the start of any other body,
// for failure messages.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
		if j := strings.Index(body, `</main>`); j >= 0 {
			body = body[:j]
		}
	}
	if len(body) > 3000 {
		body = body[:3000] + "…"
	}
	return body
}

// emailBody decodes an .eml file's quoted-printable text and returns its
// headers too.
func emailBody(t testing.TB, raw string) (textproto.MIMEHeader, string) {
	t.Helper()
	tp := textproto.NewReader(bufio.NewReader(strings.NewReader(raw)))
	hdr, err := tp.ReadMIMEHeader()
	if err != nil {
		t.Fatalf("email headers: %v\n%s", err, raw)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(tp.R))
	if err != nil {
		t.Fatalf("email body: %v\n%s", err, raw)
	}
	return hdr, strings.ReplaceAll(string(body), "\r\n", "\n")
}

// emailLink finds the one link to path prefix (like "/password/reset/") in
// the email sent to, returning it as a path on the test server. It fails
// the test unless exactly one email went to that address.
func emailLink(t testing.TB, app *testutil.App, to, prefix string) string {
	t.Helper()
	var found []string
	for _, raw := range app.Outbox(t) {
		hdr, body := emailBody(t, raw)
		if !strings.Contains(hdr.Get("To"), to) {
			continue
		}
		m := regexp.MustCompile(`http://jointly\.test(` + regexp.QuoteMeta(prefix) + `[A-Za-z0-9_-]+)`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("email to %s has no %s link:\n%s", to, prefix, body)
		}
		found = append(found, m[1])
	}
	if len(found) != 1 {
		t.Fatalf("%d emails to %s with a %s link, want 1", len(found), to, prefix)
	}
	return found[0]
}

// setCookies parses a response's Set-Cookie headers.
func setCookies(r testutil.Response) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		out[c.Name] = c
	}
	return out
}

// signedInAs is the account bar's text for someone signed in.
func signedInAs(name string) string { return "Signed in as " + name }

// newRequest builds a request by hand against the server, for headers the
// browser-like client would never send.
func newRequest(t testing.TB, method, target string, body io.Reader, header map[string]string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

// rawDo sends a request with no cookie jar, not following redirects.
func rawDo(t testing.TB, req *http.Request) testutil.Response {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return testutil.Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b), Location: resp.Header.Get("Location")}
}

// formOf is a shorthand for url.Values from pairs.
func formOf(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Add(pairs[i], pairs[i+1])
	}
	return v
}
