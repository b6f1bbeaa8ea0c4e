package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// The HTTP side: a client for one person (a signed-in session for pages,
// an API token for /api/), on loopback only, that reads every body whole
// so a body saying "database is locked" is caught however it is served.

// loopbackBase parses the server's address and refuses anything that is
// not on the loopback interface: this program must never load or kill
// anything but the server it started itself.
func loopbackBase(addr string) (*url.URL, error) {
	u, err := url.Parse("http://" + addr)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("server address %q: want HOST:PORT", addr)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("server address %q is not on loopback (127.0.0.0/8 or ::1): refusing it", addr)
	}
	return u, nil
}

// outcome is what became of one request, as far as the client can know.
type outcome int

const (
	acked    outcome = iota // 2xx: the server says it is done
	conflict                // 409: refused as expected (a stale base version)
	refused                 // any other status, or no server to connect to: it must not be written
	unknown                 // no answer (timeout, connection reset): it may or may not be written
)

// answer is one request's result.
type answer struct {
	status  int
	body    []byte
	took    time.Duration
	err     error
	outcome outcome
}

func (a answer) String() string {
	if a.err != nil {
		return errorKind(a.err)
	}
	return fmt.Sprint(a.status)
}

// locked reports whether the body mentions SQLite's "database is locked".
func (a answer) locked() bool {
	return bytes.Contains(bytes.ToLower(a.body), []byte("database is locked"))
}

// errCutOff is an answer whose body broke off after its status line.
var errCutOff = errors.New("answer cut off")

func errorKind(err error) string {
	var nerr net.Error
	switch {
	case errors.Is(err, errCutOff):
		return "answer cut off"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &nerr) && nerr.Timeout():
		return "timeout"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	default:
		return "connection error"
	}
}

// person is a client acting as one user: a cookie jar for pages, a token
// for the API.
type person struct {
	email string
	token string
	base  *url.URL
	http  *http.Client
}

func newPerson(base *url.URL, email, token string, timeout time.Duration) *person {
	jar, _ := cookiejar.New(nil)
	return &person{email: email, token: token, base: base, http: &http.Client{
		Jar:     jar,
		Timeout: timeout,
		// A redirect is an answer: following it would time two requests.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
	}}
}

// do sends one request: a JSON body when body is not nil, the bearer token
// for /api/ paths, and the Origin a browser would send with a form.
func (p *person) do(ctx context.Context, method, path string, body any) answer {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{err: err, outcome: refused}
		}
		rd = bytes.NewReader(b)
	}
	return p.send(ctx, method, path, "application/json", rd)
}

func (p *person) send(ctx context.Context, method, path, contentType string, body io.Reader) answer {
	req, err := http.NewRequestWithContext(ctx, method, p.base.String()+path, body)
	if err != nil {
		return answer{err: err, outcome: refused}
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if strings.HasPrefix(path, "/api/") && p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	if method != http.MethodGet {
		req.Header.Set("Origin", p.base.Scheme+"://"+p.base.Host)
	}
	start := time.Now()
	resp, err := p.http.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) {
		// Nothing listening: the request never reached a server.
		return answer{took: time.Since(start), err: err, outcome: refused}
	}
	if err != nil {
		return answer{took: time.Since(start), err: err, outcome: unknown}
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	a := answer{status: resp.StatusCode, body: b, took: time.Since(start)}
	if err != nil {
		// The status came but not the whole answer (the server died
		// writing it): the client was not told what happened.
		a.err, a.outcome = fmt.Errorf("%w: %v", errCutOff, err), unknown
		return a
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		a.outcome = acked
	case resp.StatusCode == http.StatusConflict:
		a.outcome = conflict
	default:
		a.outcome = refused
	}
	return a
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn signs in through the sign-in form, as a browser does: the form
// token from GET /login, then POST /login, which answers 303.
func (p *person) signIn(ctx context.Context, password string) error {
	a := p.send(ctx, http.MethodGet, "/login", "", nil)
	if a.err != nil || a.status != http.StatusOK {
		return fmt.Errorf("sign in as %s: GET /login: %v", p.email, a)
	}
	m := csrfField.FindSubmatch(a.body)
	if m == nil {
		return fmt.Errorf("sign in as %s: no form token on /login", p.email)
	}
	form := url.Values{"email": {p.email}, "password": {password}, "csrf_token": {string(m[1])}}
	a = p.send(ctx, http.MethodPost, "/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if a.err != nil || a.status != http.StatusSeeOther {
		return fmt.Errorf("sign in as %s: POST /login: %v, want 303", p.email, a)
	}
	return nil
}

// getJSON fetches path and decodes it into v, wanting 200.
func (p *person) getJSON(ctx context.Context, path string, v any) error {
	a := p.do(ctx, http.MethodGet, path, nil)
	if a.err != nil || a.status != http.StatusOK {
		return fmt.Errorf("GET %s as %s: %v %s", path, p.email, a, snippet(a.body))
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// snippet is the start of a body, for messages.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// waitHealthy polls /healthz until it answers 200.
func waitHealthy(ctx context.Context, base *url.URL, wait time.Duration) error {
	p := newPerson(base, "", "", 2*time.Second)
	deadline := time.Now().Add(wait)
	for {
		a := p.send(ctx, http.MethodGet, "/healthz", "", nil)
		if a.err == nil && a.status == http.StatusOK {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/healthz did not answer 200 within %v (last: %v)", base, wait, a)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
