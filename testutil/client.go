package testutil

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Client is a browser-like HTTP client against the real router: it keeps
// cookies, does not follow redirects, sends Sec-Fetch-Site: same-origin as
// a browser would for its own forms, and carries the CSRF token of the last
// page it fetched into its next form.
type Client struct {
	t      testing.TB
	Server *httptest.Server
	http   *http.Client
	csrf   string
}

// Response is a finished request.
type Response struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// NewClient starts the app's router on a test server.
func (a *App) NewClient(t testing.TB) *Client {
	t.Helper()
	srv := httptest.NewServer(a.Handlers.Router())
	t.Cleanup(srv.Close)
	return NewClientFor(t, srv)
}

// NewClientFor is a client for an existing test server.
func NewClientFor(t testing.TB, srv *httptest.Server) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, Server: srv, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Do sends a request; path is relative to the server.
func (c *Client) Do(req *http.Request) Response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b), Location: resp.Header.Get("Location")}
	if m := csrfField.FindStringSubmatch(r.Body); m != nil {
		c.csrf = m[1]
	}
	return r
}

// Get fetches a page.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.Server.URL+path, nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// Post submits a form with the CSRF token of the last page fetched (unless
// the form sets csrf_token itself), as a same-origin browser would.
func (c *Client) Post(path string, form url.Values) Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		if c.csrf == "" {
			c.Get("/login")
		}
		form.Set("csrf_token", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.Server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.Server.URL)
	return c.Do(req)
}

// SignIn signs in with email and the demo password, failing the test if it
// does not work.
func (c *Client) SignIn(email string) {
	c.t.Helper()
	c.Get("/login")
	r := c.Post("/login", url.Values{"email": {email}, "password": {Password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: status %d, want 303\n%s", email, r.Status, r.Body)
	}
	c.Get("/") // pick up the signed-in CSRF token
}

// CSRF is the token the client would send next.
func (c *Client) CSRF() string { return c.csrf }

// Cookie returns a cookie's value for the server, or "".
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.Server.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}
