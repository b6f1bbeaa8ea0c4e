package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The simulated clock (`jointly serve --now`, or JOINTLY_NOW) against the
// real binary, over plain HTTP: these tests need no browser, so they run
// whether or not Chromium is installed.

const (
	clockSimulatedNow    = "2027-03-01T09:00:00Z" // a Monday in GMT, four weeks before the clocks go forward
	clockBanner          = `data-testid="simulated-clock"`
	clockLeedsOfficer    = "cio@leeds.gov.uk"
	clockBradfordOfficer = "digital@bradford.gov.uk"
	clockBradfordGSS     = "E08000032"
)

var clockBannerPattern = regexp.MustCompile(`(?s)data-testid="simulated-clock".*?</div>`)

// clockBinary is JOINTLY_BIN, or the binary built into a temporary
// folder for this test (TestMain builds one only when it found a browser).
func clockBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("JOINTLY_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "jointly")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// jointly runs a command of the binary and returns its standard output.
func clockCLI(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = childEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("jointly %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// clockServe starts `jointly serve` on db with extra flags and environment
// and waits until /healthz answers 200. It stops the server at the end of
// the test unless the test stopped it, checking it stopped cleanly.
func clockServe(t *testing.T, bin, db string, env []string, args ...string) *server {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s := &server{url: "http://" + addr, logPath: filepath.Join(t.TempDir(), "server.log"), exited: make(chan struct{})}
	if s.logFile, err = os.Create(s.logPath); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, append([]string{"serve", "--db", db, "--addr", addr, "--base-url", s.url,
		"--outbox", filepath.Join(t.TempDir(), "outbox")}, args...)...)
	s.cmd.Env = append(childEnv(), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.logFile, s.logFile
	if err := s.cmd.Start(); err != nil {
		s.logFile.Close()
		t.Fatal(err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited: // stopped by the test, or never started
		default:
			if err := s.stop(); err != nil {
				t.Errorf("jointly serve did not stop cleanly: %v\n%s", err, s.logTail(30))
			}
		}
	})

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(healthWait)
	for {
		resp, err := client.Get(s.url + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if !strings.Contains(string(body), `"status":"ok"`) {
					t.Errorf("/healthz said %s", body)
				}
				return s
			}
		}
		select {
		case <-s.exited:
			s.logFile.Close()
			t.Fatalf("jointly serve exited before it was healthy (%v):\n%s", s.waitErr, s.logTail(30))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz did not answer 200 within %s (last error: %v):\n%s", s.url, healthWait, err, s.logTail(30))
		}
	}
}

// clockStop stops s with SIGTERM, and fails the test unless it stopped
// cleanly without logging an error on the way.
func clockStop(t *testing.T, s *server) {
	t.Helper()
	if errs := s.loggedErrors(); len(errs) > 0 {
		t.Errorf("jointly serve logged %d error(s):\n  %s", len(errs), strings.Join(errs, "\n  "))
	}
	if err := s.stop(); err != nil {
		t.Errorf("jointly serve did not stop cleanly: %v\n%s", err, s.logTail(30))
	}
}

// clockClient is a browser's side of plain HTTP: cookies, no redirects
// followed, same-origin form posts carrying the page's CSRF token.
type clockClient struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

var clockCSRFField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func newClockClient(t *testing.T, base string) *clockClient {
	jar, _ := cookiejar.New(nil)
	return &clockClient{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *clockClient) do(req *http.Request) (int, http.Header, string) {
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
	if m := clockCSRFField.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, resp.Header, string(b)
}

func (c *clockClient) get(path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	status, _, body := c.do(req)
	return status, body
}

func (c *clockClient) post(path string, form url.Values) (int, http.Header, string) {
	c.t.Helper()
	form.Set("csrf_token", c.csrf)
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.base)
	return c.do(req)
}

// clockBannerText is the simulated-clock banner's text, or "" when the page
// has none.
func clockBannerText(page string) string {
	m := clockBannerPattern.FindString(page)
	if m == "" {
		return ""
	}
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m, " ")
	return strings.Join(strings.Fields(text), " ")
}

// clockAPI sends a JSON request with a bearer token (no token: anonymous)
// and decodes a JSON answer into out (if not nil).
func clockAPI(t *testing.T, base, token, method, path string, body any, wantStatus int, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: status %d, want %d\n%s", method, path, resp.StatusCode, wantStatus, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
}

// clockBid is what the test reads of the API's bid.
type clockBid struct {
	ID                    int64   `json:"id"`
	Status                string  `json:"status"`
	ResponseDeadline      *string `json:"response_deadline"`
	ClarificationDeadline *string `json:"clarification_deadline"`
	PublishedAt           *string `json:"published_at"`
	Participants          []struct {
		GSS         string  `json:"gss"`
		State       string  `json:"state"`
		SignedOffAt *string `json:"signed_off_at"`
	} `json:"participants"`
	History []struct {
		Status string `json:"status"`
		At     string `json:"at"`
	} `json:"history"`
}

func clockDeref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

// TestSimulatedClock: `jointly serve --now 2027-03-01T09:00:00Z` runs the
// whole server as if it were that morning: every page says so, and a bid
// published through the API with the default deadlines is due at noon UK
// time fourteen days later, in GMT as the clocks have not yet gone
// forward.
func TestSimulatedClock(t *testing.T) {
	t.Parallel()
	bin := clockBinary(t)
	db := filepath.Join(t.TempDir(), "jointly.db")
	clockCLI(t, bin, "migrate", "--db", db)
	if out := clockCLI(t, bin, "seed", "--demo", "--db", db); !strings.Contains(out, clockLeedsOfficer) || !strings.Contains(out, clockBradfordOfficer) {
		t.Fatalf("the demo seed does not list the officers:\n%s", out)
	}
	tokens := map[string]string{}
	for _, email := range []string{clockLeedsOfficer, clockBradfordOfficer} {
		tokens[email] = strings.TrimSpace(clockCLI(t, bin, "token", "create", "--db", db, "--email", email))
		if tokens[email] == "" || strings.ContainsAny(tokens[email], " \n") {
			t.Fatalf("token create for %s printed %q", email, tokens[email])
		}
	}

	s := clockServe(t, bin, db, nil, "--now", clockSimulatedNow)
	web := newClockClient(t, s.url)
	status, page := web.get("/login")
	if status != http.StatusOK {
		t.Fatalf("/login: %d", status)
	}
	banner := clockBannerText(page)
	if !strings.Contains(banner, "1 March 2027 at 9:00am") {
		t.Errorf("the sign-in page's clock banner reads %q, want it to say 1 March 2027 at 9:00am", banner)
	}
	if !strings.Contains(s.readLog(), "running on a simulated clock") {
		t.Error("the server did not log that it runs on a simulated clock")
	}

	// Signing in works on the simulated clock (sessions are dated by it),
	// and signed-in pages carry the banner too.
	status, header, body := web.post("/login", url.Values{"email": {clockLeedsOfficer}, "password": {demoPassword}})
	if status != http.StatusSeeOther {
		t.Fatalf("sign in: status %d, want 303\n%s", status, body)
	}
	if loc := header.Get("Location"); loc != "/" {
		t.Errorf("sign in redirects to %q, want /", loc)
	}
	status, page = web.get("/")
	if status != http.StatusOK || !strings.Contains(page, "Signed in as Sam Okafor") {
		t.Fatalf("home after signing in: %d\n%s", status, page)
	}
	if !strings.Contains(clockBannerText(page), "1 March 2027 at 9:") {
		t.Errorf("the signed-in home page's banner reads %q", clockBannerText(page))
	}

	// Two councils take a bid to publication through the API.
	leeds, bradford := tokens[clockLeedsOfficer], tokens[clockBradfordOfficer]
	var bid clockBid
	clockAPI(t, s.url, leeds, "POST", "/api/v1/bids", map[string]any{
		"title": "Joint revenues and benefits system", "category": "revenues-benefits",
		"partner_gss": []string{clockBradfordGSS}, "replaces_contract_ids": []int64{},
	}, http.StatusCreated, &bid)
	if bid.ID == 0 || bid.Status != "draft" || bid.ResponseDeadline != nil {
		t.Fatalf("created bid: %+v", bid)
	}
	path := fmt.Sprintf("/api/v1/bids/%d", bid.ID)
	clockAPI(t, s.url, bradford, "POST", path+"/invitations/"+clockBradfordGSS+"/accept", nil, http.StatusOK, &bid)
	clockAPI(t, s.url, leeds, "POST", path+"/signoff", nil, http.StatusOK, &bid)
	clockAPI(t, s.url, bradford, "POST", path+"/signoff", nil, http.StatusOK, &bid)
	for _, p := range bid.Participants {
		if p.State != "accepted" || p.SignedOffAt == nil || !strings.HasPrefix(*p.SignedOffAt, "2027-03-01T09:") {
			t.Errorf("participant %s: %s, signed off at %s", p.GSS, p.State, clockDeref(p.SignedOffAt))
		}
	}
	clockAPI(t, s.url, leeds, "POST", path+"/publish", nil, http.StatusOK, &bid)
	if bid.Status != "published" {
		t.Errorf("status %q after publishing", bid.Status)
	}
	if got := clockDeref(bid.ResponseDeadline); got != "2027-03-15T12:00:00Z" {
		t.Errorf("response_deadline %s, want 2027-03-15T12:00:00Z: noon UK time (GMT) 14 days after 1 March 2027", got)
	}
	if got := clockDeref(bid.ClarificationDeadline); got != "2027-03-10T12:00:00Z" {
		t.Errorf("clarification_deadline %s, want 2027-03-10T12:00:00Z", got)
	}
	if got := clockDeref(bid.PublishedAt); !strings.HasPrefix(got, "2027-03-01T09:") {
		t.Errorf("published_at %s, want the simulated morning", got)
	}

	// Read back by the partner, the history is dated by the simulated clock.
	var read clockBid
	clockAPI(t, s.url, bradford, "GET", path, nil, http.StatusOK, &read)
	var history []string
	for _, h := range read.History {
		history = append(history, h.Status)
		if !strings.HasPrefix(h.At, "2027-03-01T09:") {
			t.Errorf("history %s at %s, want the simulated morning", h.Status, h.At)
		}
	}
	if !slices.Equal(history, []string{"draft", "signing_off", "published"}) {
		t.Errorf("history %q", history)
	}
	if clockDeref(read.ResponseDeadline) != "2027-03-15T12:00:00Z" {
		t.Errorf("read back, response_deadline %s", clockDeref(read.ResponseDeadline))
	}
	clockStop(t, s)

	// JOINTLY_NOW does the same as --now; the banner shows UK time, an
	// hour ahead of UTC in summer.
	s = clockServe(t, bin, db, []string{"JOINTLY_NOW=2027-07-01T08:30:00Z"})
	_, page = newClockClient(t, s.url).get("/login")
	if banner := clockBannerText(page); !strings.Contains(banner, "1 July 2027 at 9:30am") {
		t.Errorf("with JOINTLY_NOW the banner reads %q, want 1 July 2027 at 9:30am", banner)
	}
	clockStop(t, s)

	// Without a simulated clock there is no banner.
	s = clockServe(t, bin, db, nil)
	status, page = newClockClient(t, s.url).get("/login")
	if status != http.StatusOK || strings.Contains(page, clockBanner) || strings.Contains(page, "Simulated time") {
		t.Errorf("/login on the real clock: %d, banner %q", status, clockBannerText(page))
	}
	clockStop(t, s)
}
