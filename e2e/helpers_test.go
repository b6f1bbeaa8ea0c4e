// Package e2e drives the real jointly binary with a real Chromium: every
// journey signs in, clicks and reads pages as a person would, and every
// page it visits must pass axe-core's WCAG 2.2 AA rules.
//
// Environment:
//
//	JOINTLY_BIN              the binary to test (default: built into a temp dir)
//	JOINTLY_CHROMIUM         the browser (default: /usr/bin/chromium, or chromium on PATH)
//	JOINTLY_REQUIRE_BROWSER  1 to fail, not skip, when there is no browser (CI)
//	JOINTLY_SCREENSHOTS      a folder for a full-page PNG of every page visited
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	// demoPassword is models.DemoPassword, the password of every demo user.
	demoPassword = "jointly-demo-password"

	// Bounded waits. None of them is an assertion about speed: they only
	// stop a broken run from hanging.
	healthWait     = 30 * time.Second
	browserWait    = 60 * time.Second
	journeyTimeout = 180 * time.Second
	shutdownWait   = 30 * time.Second
)

// Set up once by TestMain.
var (
	skipReason string          // why the browser tests are skipped (no Chromium)
	baseURL    string          // http://127.0.0.1:PORT of the running binary
	binPath    string          // the binary TestMain started, for journeys that start their own
	serverDB   string          // the database of the server at baseURL, for journeys that run CLI commands on it
	browserCtx context.Context // the one Chromium; each journey opens its own browser context in it
	axeSource  string          // node_modules/axe-core/axe.min.js
	screenDir  string          // JOINTLY_SCREENSHOTS, or "" for no screenshots
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...)
		return 1
	}

	chromium, missing, err := findChromium()
	if err != nil {
		return fail("%v", err)
	}
	if chromium == "" {
		msg := "Chromium is missing: " + missing
		if os.Getenv("JOINTLY_REQUIRE_BROWSER") == "1" {
			return fail("%s; JOINTLY_REQUIRE_BROWSER=1, so the browser tests fail instead of skipping. Install chromium or set JOINTLY_CHROMIUM to its path.", msg)
		}
		skipReason = msg + "; skipping the browser tests (set JOINTLY_CHROMIUM, or JOINTLY_REQUIRE_BROWSER=1 to make this a failure)"
		fmt.Fprintln(os.Stderr, "e2e: "+skipReason)
		return m.Run()
	}

	root, err := repoRoot()
	if err != nil {
		return fail("%v", err)
	}
	axePath := filepath.Join(root, "node_modules", "axe-core", "axe.min.js")
	src, err := os.ReadFile(axePath)
	if err != nil {
		return fail("axe-core is missing (%v): run `npm ci` in %s", err, root)
	}
	axeSource = string(src)

	if dir := os.Getenv("JOINTLY_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fail("screenshot folder: %v", err)
		}
		screenDir = dir
	}

	tmp, err := os.MkdirTemp("", "jointly-e2e-")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(tmp)

	bin := os.Getenv("JOINTLY_BIN")
	if bin == "" {
		bin = filepath.Join(tmp, "jointly")
		fmt.Fprintln(os.Stderr, "e2e: JOINTLY_BIN is not set; building", bin)
		build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".")
		build.Dir = root
		build.Env = append(os.Environ(), "CGO_ENABLED=1")
		if out, err := build.CombinedOutput(); err != nil {
			return fail("go build: %v\n%s", err, out)
		}
	} else if abs, err := filepath.Abs(bin); err == nil {
		bin = abs
	}

	binPath = bin
	serverDB = filepath.Join(tmp, "jointly.db")
	srv, err := startServer(bin, tmp)
	if err != nil {
		return fail("start jointly: %v", err)
	}
	baseURL = srv.url

	ctx, stopBrowser, err := startBrowser(chromium, filepath.Join(tmp, "chromium-profile"))
	if err != nil {
		srv.stop()
		return fail("start Chromium (%s): %v", chromium, err)
	}
	browserCtx = ctx

	code := m.Run()

	stopBrowser()
	if err := srv.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: jointly serve did not stop cleanly: %v\n", err)
		code = 1
	}
	if errs := srv.loggedErrors(); len(errs) > 0 {
		fmt.Fprintf(os.Stderr, "e2e: jointly serve logged %d error(s) during the journeys:\n  %s\n", len(errs), strings.Join(errs, "\n  "))
		code = 1
	}
	if code != 0 {
		fmt.Fprintf(os.Stderr, "e2e: server log (%s):\n%s\n", srv.logPath, srv.logTail(60))
	}
	return code
}

// findChromium returns the browser's path, or "" and what was looked for.
// A JOINTLY_CHROMIUM that names no program is an error, not a skip: someone
// asked for that browser.
func findChromium() (path, missing string, err error) {
	if p := os.Getenv("JOINTLY_CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", "", fmt.Errorf("JOINTLY_CHROMIUM=%s is not an executable: %v", p, err)
		}
		return found, "", nil
	}
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
		return "/usr/bin/chromium", "", nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, "", nil
	}
	return "", "no JOINTLY_CHROMIUM, no /usr/bin/chromium and no chromium on PATH", nil
}

// repoRoot is the folder of jointly's go.mod, above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module jointly\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (go.mod of module jointly)")
		}
		dir = parent
	}
}

// server is the running `jointly serve`.
type server struct {
	cmd     *exec.Cmd
	url     string
	logPath string
	logFile *os.File
	exited  chan struct{}
	waitErr error
}

// childEnv is this process's environment without JOINTLY_* settings, so a
// developer's own configuration (SSO providers, session key, database)
// cannot change what the journeys see. Flags set everything the test needs.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "JOINTLY_") {
			env = append(env, kv)
		}
	}
	return env
}

// startServer migrates and seeds a new database in dir, then starts
// `jointly serve` on a free port and waits until /healthz answers 200.
func startServer(bin, dir string) (*server, error) {
	db := filepath.Join(dir, "jointly.db")
	for _, args := range [][]string{{"migrate", "--db", db}, {"seed", "--demo", "--db", db}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = childEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("jointly %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		if args[0] == "seed" {
			for _, email := range []string{"admin@jointly.example", "cio@leeds.gov.uk", "cllr.hughes@leeds.gov.uk", "bids@penninedigital.example"} {
				if !bytes.Contains(out, []byte(email)) {
					return nil, fmt.Errorf("jointly seed --demo did not list the demo user %s:\n%s", email, out)
				}
			}
		}
	}

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s := &server{url: "http://" + addr, logPath: filepath.Join(dir, "server.log"), exited: make(chan struct{})}
	if s.logFile, err = os.Create(s.logPath); err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, "serve", "--db", db, "--addr", addr, "--base-url", s.url)
	s.cmd.Env = childEnv()
	s.cmd.Stdout, s.cmd.Stderr = s.logFile, s.logFile
	if err := s.cmd.Start(); err != nil {
		s.logFile.Close()
		return nil, err
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(healthWait)
	for {
		resp, err := client.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-s.exited:
			s.logFile.Close()
			return nil, fmt.Errorf("jointly serve exited before it was healthy (%v):\n%s", s.waitErr, s.logTail(30))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s/healthz did not answer 200 within %s (last error: %v):\n%s", s.url, healthWait, err, s.logTail(30))
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// stop sends SIGTERM and checks that the server shuts down gracefully: it
// exits with status 0 within the bound and logs that it stopped.
func (s *server) stop() error {
	defer s.logFile.Close()
	select {
	case <-s.exited:
		return fmt.Errorf("jointly serve had already exited: %v", s.waitErr)
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case <-s.exited:
	case <-time.After(shutdownWait):
		s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("still running %s after SIGTERM; killed", shutdownWait)
	}
	if s.waitErr != nil {
		return fmt.Errorf("exit after SIGTERM: %v", s.waitErr)
	}
	if !strings.Contains(s.readLog(), `"msg":"stopped"`) {
		return errors.New(`exited 0 but never logged "stopped"`)
	}
	return nil
}

func (s *server) readLog() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

func (s *server) logTail(n int) string {
	lines := strings.Split(strings.TrimRight(s.readLog(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// loggedErrors are the server's ERROR log lines: a journey that made the
// server fail (a 500, a failed render) fails the run even if the page
// looked fine.
func (s *server) loggedErrors() []string {
	var errs []string
	sc := bufio.NewScanner(strings.NewReader(s.readLog()))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var rec struct {
			Level string `json:"level"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Level == "ERROR" {
			errs = append(errs, sc.Text())
		}
	}
	return errs
}

// startBrowser starts one headless Chromium for the whole run. The flags
// keep it off the network: without the background-networking ones it calls
// Google services that this machine refuses.
func startBrowser(path, profile string) (context.Context, func(), error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1024),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	stop := func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser process to end
	}
	// The first Do starts the browser and binds its life to ctx, so ctx has
	// no deadline; the wait is bounded here instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			stop()
			return nil, nil, err
		}
	case <-time.After(browserWait):
		stop()
		return nil, nil, fmt.Errorf("not ready within %s", browserWait)
	}
	return ctx, stop, nil
}

// session is one journey: a tab in a browser context of its own, so its
// cookies are its own, and a record of what the page wrote to the console.
type session struct {
	t       *testing.T
	ctx     context.Context
	journey string
	step    int
	// base is the server the journey visits: baseURL, unless the journey
	// started a server of its own (newSessionOn), and changes it when it
	// restarts that server.
	base string

	mu      sync.Mutex
	console []consoleEntry
}

// consoleEntry is a console API call, an uncaught exception or a browser
// log entry (CSP violations, failed loads) from the page.
type consoleEntry struct {
	kind  string // "console.error", "exception", "log:security" …
	level string
	text  string
	url   string
}

func (e consoleEntry) String() string {
	s := e.kind + " [" + e.level + "] " + e.text
	if e.url != "" {
		s += " (" + e.url + ")"
	}
	return s
}

func (e consoleEntry) isCSPViolation() bool {
	return strings.Contains(e.text, "Content Security Policy") || strings.Contains(e.text, "Content-Security-Policy")
}

// newSession opens a fresh, isolated tab for a journey. It skips the test
// only when TestMain found no Chromium.
func newSession(t *testing.T, journey string) *session {
	t.Helper()
	return newSessionOn(t, journey, baseURL, journeyTimeout)
}

// newSessionOn opens a tab, as newSession does, for a journey against the
// server at base, bounded by timeout.
func newSessionOn(t *testing.T, journey, base string, timeout time.Duration) *session {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	tabCtx, closeTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("open a browser tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, timeout)
	t.Cleanup(cancel)
	s := &session{t: t, ctx: ctx, journey: journey, base: base}
	if err := chromedp.Listen(tabCtx, s.record); err != nil {
		t.Fatalf("listen to the console: %v", err)
	}
	return s
}

// record runs in chromedp's event loop: it must be quick and send nothing.
func (s *session) record(ev any) {
	var e consoleEntry
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			parts = append(parts, remoteText(a))
		}
		e = consoleEntry{kind: "console." + string(ev.Type), level: string(ev.Type), text: strings.Join(parts, " ")}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		e = consoleEntry{kind: "exception", level: "error", text: text, url: d.URL}
	case *log.EventEntryAdded:
		e = consoleEntry{kind: "log:" + string(ev.Entry.Source), level: string(ev.Entry.Level), text: ev.Entry.Text, url: ev.Entry.URL}
	default:
		return
	}
	s.mu.Lock()
	s.console = append(s.console, e)
	s.mu.Unlock()
}

func remoteText(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		var str string
		if json.Unmarshal(o.Value, &str) == nil {
			return str
		}
		return string(o.Value)
	}
	if o.Description != "" {
		return o.Description
	}
	return string(o.UnserializableValue)
}

// takeConsole returns and forgets what the page has written so far.
func (s *session) takeConsole() []consoleEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.console
	s.console = nil
	return c
}

// open navigates to path, checks the final status (after redirects) and
// then checks the page.
func (s *session) open(step, path string, wantStatus int) *network.Response {
	s.t.Helper()
	resp, err := chromedp.Run(s.ctx, chromedp.NavigateResponse(s.base+path))
	if err != nil {
		s.t.Fatalf("%s: open %s: %v", step, path, err)
	}
	s.expectResponse(step, resp, wantStatus)
	return resp
}

// click clicks what sel finds, waits for the page that loads and checks it.
func (s *session) click(step, sel string, wantStatus int) *network.Response {
	s.t.Helper()
	resp, err := chromedp.RunResponse(s.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("%s: click %s: %v", step, sel, err)
	}
	s.expectResponse(step, resp, wantStatus)
	return resp
}

func (s *session) expectResponse(step string, resp *network.Response, wantStatus int) {
	s.t.Helper()
	if resp == nil {
		s.t.Fatalf("%s: no response for the page", step)
	}
	if int(resp.Status) != wantStatus {
		s.t.Errorf("%s: %s answered %d, want %d", step, resp.URL, resp.Status, wantStatus)
	}
	s.checkPage(step)
}

// checkPage is run on every page a journey sees: JavaScript started
// (GOV.UK Frontend initialised under the strict CSP), axe-core finds no
// serious or critical WCAG 2.2 A/AA violation, the console has no CSP
// violation or uncaught exception, and a screenshot is saved if asked.
func (s *session) checkPage(step string) {
	s.t.Helper()
	s.step++
	where := s.location()

	supported, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`document.body.classList.contains('govuk-frontend-supported')`))
	if err != nil {
		s.t.Fatalf("%s (%s): read body class: %v", step, where, err)
	}
	if !supported {
		s.t.Errorf("%s (%s): body lacks class govuk-frontend-supported: app.js or GOV.UK Frontend did not run", step, where)
	}

	s.runAxe(step, where)
	s.screenshot(step)

	for _, e := range s.takeConsole() {
		switch {
		case e.isCSPViolation():
			s.t.Errorf("%s (%s): Content Security Policy violation: %s", step, where, e)
		case e.kind == "exception":
			s.t.Errorf("%s (%s): uncaught JavaScript exception: %s", step, where, e)
		default:
			s.t.Logf("%s (%s): console: %s", step, where, e)
		}
	}
}

func (s *session) location() string {
	loc, err := chromedp.Run(s.ctx, chromedp.Location())
	if err != nil {
		s.t.Fatalf("read location: %v", err)
	}
	return strings.TrimPrefix(loc, s.base)
}

// axeTags are the rule sets every page must pass.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axeResult is what axe.run found: the violations, and how many rules it
// ran at all (zero would mean the tags matched nothing and proved nothing).
type axeResult struct {
	Violations []axeViolation `json:"violations"`
	RulesRun   int            `json:"rulesRun"`
}

// axe injects axe-core through DevTools (Runtime.evaluate is not subject
// to the page's CSP; a <script> element would be) and runs it on the page.
func (s *session) axe(step, where string) axeResult {
	s.t.Helper()
	loaded, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object' && typeof window.axe.run === 'function'`))
	if err != nil {
		s.t.Fatalf("%s (%s): %v", step, where, err)
	}
	if !loaded {
		if err := chromedp.Do(s.ctx, chromedp.Evaluate[chromedp.Void](axeSource+"\n;void 0")); err != nil {
			s.t.Fatalf("%s (%s): inject axe-core: %v", step, where, err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	expr := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']})
  .then(r => ({
    rulesRun: r.passes.length + r.violations.length + r.incomplete.length,
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({
        target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : String(t)),
        html: n.html, summary: n.failureSummary || ''
      }))
    }))
  }))`
	res, err := chromedp.Run(s.ctx, chromedp.Evaluate[axeResult](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		s.t.Fatalf("%s (%s): axe.run: %v", step, where, err)
	}
	return res
}

// runAxe fails the test on every serious or critical violation, and logs
// the moderate and minor ones.
func (s *session) runAxe(step, where string) {
	s.t.Helper()
	res := s.axe(step, where)
	if res.RulesRun == 0 {
		s.t.Errorf("%s (%s): axe ran no rules for the tags %v", step, where, axeTags)
	}
	for _, v := range res.Violations {
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, strings.Join(n.Target, " "))
		}
		msg := fmt.Sprintf("%s (%s): axe %s [%s]: %s (%s)\n    targets: %s", step, where, v.ID, v.Impact, v.Help, v.HelpURL, strings.Join(targets, " | "))
		if v.Impact == "serious" || v.Impact == "critical" {
			for _, n := range v.Nodes {
				msg += "\n    " + n.HTML + "\n      " + strings.ReplaceAll(n.Summary, "\n", "\n      ")
			}
			s.t.Error(msg)
		} else {
			s.t.Log(msg)
		}
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// screenshot saves a full-page PNG when JOINTLY_SCREENSHOTS names a folder.
func (s *session) screenshot(step string) {
	s.t.Helper()
	if screenDir == "" {
		return
	}
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Errorf("%s: screenshot: %v", step, err)
		return
	}
	name := fmt.Sprintf("%s-%02d-%s.png", unsafeName.ReplaceAllString(s.journey, "_"), s.step, unsafeName.ReplaceAllString(step, "_"))
	if err := os.WriteFile(filepath.Join(screenDir, name), png, 0o644); err != nil {
		s.t.Errorf("%s: save screenshot: %v", step, err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes it into T.
func eval[T any](s *session, expr string, opts ...chromedp.EvaluateOption) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		s.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// text is the trimmed text of the first element sel finds, or "" if none.
func (s *session) text(sel string) string {
	s.t.Helper()
	q, _ := json.Marshal(sel)
	return eval[string](s, `(() => { const e = document.querySelector(`+string(q)+`); return e ? e.textContent.replace(/\s+/g, ' ').trim() : '' })()`)
}

// count is how many elements sel finds.
func (s *session) count(sel string) int {
	s.t.Helper()
	q, _ := json.Marshal(sel)
	return eval[int](s, `document.querySelectorAll(`+string(q)+`).length`)
}

// typeInto types into a form field, as a person would.
func (s *session) typeInto(id, value string) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, chromedp.SendKeys(chromedp.ID(id), value)); err != nil {
		s.t.Fatalf("type into #%s: %v", id, err)
	}
}

type navItem struct {
	Text    string `json:"text"`
	Href    string `json:"href"`
	Current bool   `json:"current"`
}

// navigation reads the service navigation's links.
func (s *session) navigation() []navItem {
	s.t.Helper()
	return eval[[]navItem](s, `Array.from(document.querySelectorAll('nav[aria-label="Menu"] #navigation a')).map(a => ({
  text: a.textContent.replace(/\s+/g, ' ').trim(), href: a.getAttribute('href'), current: a.getAttribute('aria-current') === 'page'}))`)
}

func navTexts(items []navItem) []string {
	var texts []string
	for _, it := range items {
		texts = append(texts, it.Text)
	}
	return texts
}

// expectNav checks the navigation has every item of want and none of notWant.
func (s *session) expectNav(step string, want, notWant []string) {
	s.t.Helper()
	texts := navTexts(s.navigation())
	for _, w := range want {
		if !slices.Contains(texts, w) {
			s.t.Errorf("%s: navigation %q lacks %q", step, texts, w)
		}
	}
	for _, n := range notWant {
		if slices.Contains(texts, n) {
			s.t.Errorf("%s: navigation %q has %q, which this user must not see", step, texts, n)
		}
	}
}

// expectCurrentNav checks that the navigation marks text as the current page.
func (s *session) expectCurrentNav(step, text string) {
	s.t.Helper()
	var current []string
	for _, it := range s.navigation() {
		if it.Current {
			current = append(current, it.Text)
		}
	}
	if !slices.Equal(current, []string{text}) {
		s.t.Errorf("%s: navigation marks %q as the current page (aria-current), want [%q]", step, current, text)
	}
}

// expectPath checks the browser is at path (with its query, if any).
func (s *session) expectPath(step, path string) {
	s.t.Helper()
	if got := s.location(); got != path {
		s.t.Errorf("%s: browser is at %s, want %s", step, got, path)
	}
}

func (s *session) expectText(step, sel, want string) {
	s.t.Helper()
	if got := s.text(sel); got != want {
		s.t.Errorf("%s: %s reads %q, want %q", step, sel, got, want)
	}
}

func (s *session) expectTextContains(step, sel, want string) {
	s.t.Helper()
	if got := s.text(sel); !strings.Contains(got, want) {
		s.t.Errorf("%s: %s reads %q, want it to contain %q", step, sel, got, want)
	}
}
