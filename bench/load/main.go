// Command load drives a fixed mix of Jointly's URLs from C concurrent
// clients for D seconds (or N requests) and prints, as a Markdown table,
// each URL's request count, errors, 50th/95th/99th percentile latency and
// throughput. It is an HTTP client only, so it needs neither cgo nor the
// database; it refuses any target that is not on the loopback interface.
//
//	go run ./bench/load -base http://127.0.0.1:8080 -c 32 -d 20s \
//	    -login cio@leeds.gov.uk:PASSWORD -token TOKEN \
//	    'register=/councils/E08000035/contracts' 'healthz=/healthz'
//
// -c takes a list (-c 32,128): the whole run is repeated at each client
// count, one table each. -baseline NAME adds each URL's throughput as a
// share of URL NAME's at the same count (a trivial route shows how close a
// page comes to what the server and client can do at all), and -p95 LIMIT
// marks every 95th percentile above LIMIT and lists them under the table.
// With -each, -pid PID (the server's process, on this machine) adds the
// server's CPU time per request, which other load on the machine changes
// far less than latency or throughput.
//
// Pages are fetched with the session -login makes (signing in through the
// form, as a browser does); /api/ URLs with the bearer -token. Redirects
// are not followed: a 3xx counts as an answer. A URL that answers its
// first request with 404 is reported as not built and left out of the mix.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// target is one URL of the mix.
type target struct {
	name, path string
	api        bool
}

type config struct {
	base        *url.URL
	clients     int   // for the round being loaded
	counts      []int // -c: the client counts, one round each
	duration    time.Duration
	maxRequests int64
	login       string // email:password
	token       string
	targets     []target
	title       string
	each        bool
	wait        time.Duration
	print       string
	baseline    string        // name of the URL throughputs are compared with
	p95Limit    time.Duration // mark 95th percentiles above this (0: none)
	pid         int           // the server's process, to measure its CPU time (0: not measured)
}

// maxDuration bounds a run, whatever the flags say.
const maxDuration = 10 * time.Minute

func parseConfig(args []string) (config, error) {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	base := fs.String("base", "", "server to load, on loopback only: http://127.0.0.1:PORT")
	c := config{}
	c.counts = []int{32}
	fs.Func("c", "concurrent clients, or a comma-separated list of counts to run one after another (default 32)", func(v string) error {
		counts, err := parseCounts(v)
		c.counts = counts
		return err
	})
	fs.StringVar(&c.baseline, "baseline", "", "NAME of a URL given: show each URL's throughput as a share of its throughput")
	fs.DurationVar(&c.p95Limit, "p95", 0, "mark 95th percentiles above this latency (e.g. 100ms) and list them")
	fs.DurationVar(&c.duration, "d", 20*time.Second, "how long to run (at most 10m)")
	fs.Int64Var(&c.maxRequests, "n", 0, "stop after this many requests in all (0: run for -d)")
	fs.StringVar(&c.login, "login", "", "EMAIL:PASSWORD to sign in with, for pages")
	fs.StringVar(&c.token, "token", "", "API token (jointly token create), for /api/ URLs")
	fs.StringVar(&c.title, "title", "", "heading printed above the table")
	fs.DurationVar(&c.wait, "wait", 0, "first wait this long at most for /healthz to answer 200")
	fs.StringVar(&c.print, "print", "", "fetch this one PATH (signed in as for the load) and print its body, instead of loading")
	fs.BoolVar(&c.each, "each", false, "load each URL on its own, one after another, rather than all as one mix")
	fs.IntVar(&c.pid, "pid", 0, "the server's process ID, on this machine: with -each, show the server's CPU time per request")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	u, err := loopbackURL(*base)
	if err != nil {
		return c, err
	}
	c.base = u
	c.clients = c.counts[0]
	switch {
	case c.duration <= 0 || c.duration > maxDuration:
		return c, fmt.Errorf("-d must be more than 0 and at most %v, not %v", maxDuration, c.duration)
	case c.maxRequests < 0:
		return c, errors.New("-n must not be negative")
	case c.wait < 0 || c.wait > maxDuration:
		return c, fmt.Errorf("-wait must be between 0 and %v", maxDuration)
	case c.p95Limit < 0:
		return c, errors.New("-p95 must not be negative")
	case c.pid < 0:
		return c, errors.New("-pid must not be negative")
	case c.pid > 0 && !c.each && c.print == "":
		return c, errors.New("-pid needs -each: the server's CPU time is measured for each URL loaded on its own")
	case c.print != "" && !strings.HasPrefix(c.print, "/"):
		return c, errors.New("-print: give a /path")
	case c.print != "":
		return c, nil
	case fs.NArg() == 0:
		return c, errors.New("give the URLs to load as NAME=PATH arguments")
	}
	for _, arg := range fs.Args() {
		name, path, ok := strings.Cut(arg, "=")
		if !ok || name == "" || !strings.HasPrefix(path, "/") {
			return c, fmt.Errorf("%q: give a URL as NAME=/path", arg)
		}
		c.targets = append(c.targets, target{name: name, path: path, api: strings.HasPrefix(path, "/api/")})
	}
	if c.baseline != "" && !slices.ContainsFunc(c.targets, func(t target) bool { return t.name == c.baseline }) {
		return c, fmt.Errorf("-baseline %q is not the NAME of a URL given", c.baseline)
	}
	return c, nil
}

// parseCounts reads -c: "32" or "32,128", each from 1 to 1024.
func parseCounts(v string) ([]int, error) {
	var counts []int
	for f := range strings.SplitSeq(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			return nil, fmt.Errorf("give each client count as a whole number from 1 to 1024, not %q", f)
		}
		counts = append(counts, n)
	}
	return counts, nil
}

// loopbackURL parses the server's base URL and refuses anything but the
// loopback interface: a load test must never be pointed at someone else's
// server. Names other than localhost are refused rather than resolved.
func loopbackURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("-base %q: give the server as http://127.0.0.1:PORT", s)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && host != "localhost" {
		return nil, fmt.Errorf("-base %q: refusing a target that is not on loopback (127.0.0.0/8, ::1 or localhost)", s)
	}
	u.Path, u.RawQuery, u.Fragment = strings.TrimSuffix(u.Path, "/"), "", ""
	return u, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseConfig(args)
	if err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		// A redirect is an answer; following it would measure two requests.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: slices.Max(cfg.counts), MaxConnsPerHost: slices.Max(cfg.counts)},
	}
	if cfg.pid > 0 {
		if _, err := processCPU(cfg.pid); err != nil {
			return err
		}
	}
	if cfg.wait > 0 {
		if err := waitHealthy(ctx, client, cfg.base, cfg.wait); err != nil {
			return err
		}
	}
	if cfg.login != "" {
		if err := signIn(ctx, client, cfg.base, cfg.login); err != nil {
			return err
		}
	}
	l := &loader{cfg: cfg, client: client}
	if cfg.print != "" {
		return l.printBody(ctx, stdout)
	}
	results := l.probe(ctx)
	for _, n := range cfg.counts {
		if ctx.Err() != nil {
			break
		}
		l.cfg.clients = n
		round := l.run(ctx, results)
		if l.cpuErr != nil {
			return l.cpuErr // the server has gone
		}
		cfg.clients = n
		writeTable(stdout, cfg, round)
	}
	return ctx.Err()
}

// waitHealthy polls /healthz until it answers 200.
func waitHealthy(ctx context.Context, client *http.Client, base *url.URL, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+"/healthz", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s/healthz did not answer 200 within %v (last error: %v)", base, wait, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// printBody fetches cfg.print once and copies its body to w.
func (l *loader) printBody(ctx context.Context, w io.Writer) error {
	t := target{path: l.cfg.print, api: strings.HasPrefix(l.cfg.print, "/api/")}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.cfg.base.String()+t.path, nil)
	if err != nil {
		return err
	}
	if t.api && l.cfg.token != "" {
		req.Header.Set("Authorization", "Bearer "+l.cfg.token)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", t.path, resp.StatusCode)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn signs in through the sign-in form, keeping the session cookie in
// the client's jar.
func signIn(ctx context.Context, client *http.Client, base *url.URL, login string) error {
	email, password, ok := strings.Cut(login, ":")
	if !ok {
		return errors.New("-login: give EMAIL:PASSWORD")
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+"/login", nil)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return fmt.Errorf("sign in: no form token on /login (status %d)", resp.StatusCode)
	}
	form := url.Values{"email": {email}, "password": {password}, "csrf_token": {string(m[1])}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base.String()+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base.Scheme+"://"+base.Host)
	resp, err = client.Do(req)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in as %s: status %d, want 303", email, resp.StatusCode)
	}
	return nil
}

// result is one URL's measurements.
type result struct {
	target
	notBuilt  bool
	latencies []time.Duration
	errors    map[string]int // status (or error) → count
	elapsed   time.Duration  // how long it was loaded for
	// unfinished counts requests still in flight at the deadline.
	unfinished int
	serverCPU  time.Duration // the server's CPU time while it was loaded (-pid)
}

type loader struct {
	cfg    config
	client *http.Client
	cpuErr error // reading the server's CPU time (-pid) failed
}

// probe fetches every URL once, marking those that answer 404 as not
// built.
func (l *loader) probe(ctx context.Context) []*result {
	results := make([]*result, len(l.cfg.targets))
	for i, t := range l.cfg.targets {
		results[i] = &result{target: t}
		if status, _, _ := l.get(ctx, t); status == http.StatusNotFound {
			results[i].notBuilt = true
		}
	}
	return results
}

// run loads, with cfg.clients clients, the URLs probe found until the time
// or the request budget runs out: all together as one mix, or with -each
// one after another, each for the whole time and budget. It returns fresh
// results, in the order of probed.
func (l *loader) run(ctx context.Context, probed []*result) []*result {
	results := make([]*result, len(probed))
	var live []*result
	for i, p := range probed {
		r := &result{target: p.target, notBuilt: p.notBuilt, errors: map[string]int{}}
		results[i] = r
		if !r.notBuilt {
			live = append(live, r)
		}
	}
	if !l.cfg.each {
		l.load(ctx, live)
		return results
	}
	for _, r := range live {
		l.load(ctx, []*result{r})
	}
	return results
}

// load drives the mix from cfg.clients clients, each taking the next URL
// in turn, until the deadline or the request budget.
func (l *loader) load(ctx context.Context, mix []*result) {
	if len(mix) == 0 || ctx.Err() != nil {
		return
	}
	var cpuBefore time.Duration
	if l.cfg.pid > 0 {
		cpuBefore, l.cpuErr = processCPU(l.cfg.pid)
	}
	ctx, cancel := context.WithTimeout(ctx, l.cfg.duration)
	defer cancel()
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range l.cfg.clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				n := next.Add(1)
				if l.cfg.maxRequests > 0 && n > l.cfg.maxRequests {
					return
				}
				r := mix[int(n-1)%len(mix)]
				status, took, err := l.get(ctx, r.target)
				mu.Lock()
				if ctx.Err() != nil {
					// Cut short by the deadline: not a measurement, but a
					// route slower than the whole run must not look idle.
					r.unfinished++
					mu.Unlock()
					return
				}
				r.latencies = append(r.latencies, took)
				switch {
				case err != nil:
					r.errors[errorKind(err)]++
				case status < 200 || status >= 400:
					r.errors[fmt.Sprint(status)]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, r := range mix {
		r.elapsed = time.Since(start)
	}
	if l.cfg.pid > 0 && l.cpuErr == nil {
		var cpuAfter time.Duration
		if cpuAfter, l.cpuErr = processCPU(l.cfg.pid); l.cpuErr == nil {
			for _, r := range mix {
				r.serverCPU = cpuAfter - cpuBefore
			}
		}
	}
}

// get fetches one URL, reading the whole body, and times it.
func (l *loader) get(ctx context.Context, t target) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.cfg.base.String()+t.path, nil)
	if err != nil {
		return 0, 0, err
	}
	if t.api && l.cfg.token != "" {
		req.Header.Set("Authorization", "Bearer "+l.cfg.token)
	}
	start := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(start), err
}

func errorKind(err error) string {
	var nerr net.Error
	if errors.As(err, &nerr) && nerr.Timeout() {
		return "timeout"
	}
	return "connection error"
}
