package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"no values", nil, 50, 0},
		{"one value", ms(7), 99, 7 * time.Millisecond},
		{"median of an odd count", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{"median of an even count is the lower middle", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p95 of 1..100", hundred, 95, 95 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the maximum", hundred, 100, 100 * time.Millisecond},
		{"a tiny p is the minimum", hundred, 0.1, 1 * time.Millisecond},
		{"p95 of 10 values is the largest", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 95, 10 * time.Millisecond},
		{"p50 of 10 values", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 50, 5 * time.Millisecond},
	} {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: percentile(%v) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "http://127.0.0.2:1", "http://localhost:8080/", "http://[::1]:8080", "https://127.0.0.1"} {
		if _, err := loopbackURL(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "127.0.0.1:8080", "ftp://127.0.0.1", "http://10.0.0.1:8080", "http://192.168.1.5",
		"http://example.com", "http://localhost.example.com", "http://0.0.0.0:8080", "http://[::]:80", "http://127.0.0.1.nip.io"} {
		if _, err := loopbackURL(bad); err == nil {
			t.Errorf("%q accepted, want refused", bad)
		}
	}
	if err := run(context.Background(), []string{"-base", "http://93.184.216.34", "-d", "1s", "x=/"}, &bytes.Buffer{}); err == nil ||
		!strings.Contains(err.Error(), "not on loopback") {
		t.Errorf("run against a public address: %v", err)
	}
}

func TestBounds(t *testing.T) {
	for _, args := range [][]string{
		{"-base", "http://127.0.0.1:1", "-d", "11m", "x=/"},
		{"-base", "http://127.0.0.1:1", "-d", "0s", "x=/"},
		{"-base", "http://127.0.0.1:1", "-c", "0", "x=/"},
		{"-base", "http://127.0.0.1:1", "-n", "-1", "x=/"},
		{"-base", "http://127.0.0.1:1"},
		{"-base", "http://127.0.0.1:1", "healthz"},
		{"-base", "http://127.0.0.1:1", "-c", "32,0", "x=/"},
		{"-base", "http://127.0.0.1:1", "-c", "32,", "x=/"},
		{"-base", "http://127.0.0.1:1", "-c", "2000", "x=/"},
		{"-base", "http://127.0.0.1:1", "-c", "many", "x=/"},
		{"-base", "http://127.0.0.1:1", "-baseline", "y", "x=/"},
		{"-base", "http://127.0.0.1:1", "-p95", "-1ms", "x=/"},
		{"-base", "http://127.0.0.1:1", "-pid", "-1", "-each", "x=/"},
		{"-base", "http://127.0.0.1:1", "-pid", "1", "x=/"}, // not -each
	} {
		if _, err := parseConfig(args); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// TestRun loads a real server on loopback: a request budget bounds it,
// errors are counted by status, 3xx is an answer, and a 404 at first is
// reported as not built.
func TestRun(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("fine")) })
	mux.HandleFunc("GET /moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusSeeOther) })
	mux.HandleFunc("GET /broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusInternalServerError) })
	mux.HandleFunc("GET /api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" {
			http.Error(w, "who?", http.StatusUnauthorized)
		}
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	defer srv.Close()

	var out bytes.Buffer
	err := run(context.Background(), []string{"-base", srv.URL, "-c", "4", "-d", "1m", "-n", "400", "-token", "secret", "-title", "Test",
		"ok=/ok", "moved=/moved", "broken=/broken", "api=/api/v1/me", "missing=/missing"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	table := out.String()
	if !strings.Contains(table, "all URLs as one mix") {
		t.Errorf("table does not say how it loaded:\n%s", table)
	}
	for _, want := range []string{
		"### Test",
		"| ok | `/ok` | 100 | 0 |",
		"| moved | `/moved` | 100 | 0 |",
		"| broken | `/broken` | 100 | 100 (500 ×100) |",
		"| api | `/api/v1/me` | 100 | 0 |",
		"| missing | `/missing` | not built (404) |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// TestRunEach loads each URL on its own with the whole budget, after
// waiting for /healthz, and -print fetches one body.
func TestRunEach(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("GET /a", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"id":42}`)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var out bytes.Buffer
	if err := run(context.Background(), []string{"-base", srv.URL, "-wait", "5s", "-each", "-c", "3", "-d", "1m", "-n", "30",
		"a=/a", "health=/healthz"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"each URL on its own", "| a | `/a` | 30 | 0 |", "| health | `/healthz` | 30 | 0 |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(context.Background(), []string{"-base", srv.URL, "-print", "/a"}, &out); err != nil || out.String() != `{"id":42}` {
		t.Errorf("-print: %q, %v", out.String(), err)
	}
}

// TestRunSlowerThanTheRun: a route slower than the whole run shows no
// latencies and says its requests were unfinished, rather than looking idle.
func TestRunSlowerThanTheRun(t *testing.T) {
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer close(release)
	l := &loader{cfg: config{base: mustURL(t, srv.URL), clients: 2, counts: []int{2}, duration: 200 * time.Millisecond}, client: srv.Client()}
	r := &result{target: target{name: "slow", path: "/slow"}, errors: map[string]int{}}
	l.load(context.Background(), []*result{r})
	var out bytes.Buffer
	writeTable(&out, l.cfg, []*result{r})
	if want := "| slow | `/slow` | 0 | 0; 2 unfinished at the end | – | – | – | 0 |"; !strings.Contains(out.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, out.String())
	}
}

// TestRunCountsBaselineAndLimit runs the whole set at each client count,
// one table each, with each URL's throughput as a share of the baseline's
// and the 95th percentiles above the limit marked and listed.
func TestRunCountsBaselineAndLimit(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(30 * time.Millisecond)
		_, _ = w.Write([]byte("done"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var out bytes.Buffer
	if err := run(context.Background(), []string{"-base", srv.URL, "-each", "-c", "2,3", "-d", "1m", "-n", "12",
		"-baseline", "health", "-p95", "20ms", "health=/healthz", "slow=/slow", "gone=/gone"}, &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	two, three, ok := strings.Cut(text, "### 3 clients")
	if !ok || !strings.HasPrefix(two, "### 2 clients\n") {
		t.Fatalf("want a table for 2 clients, then one for 3:\n%s", text)
	}
	for _, table := range []string{two, three} {
		for _, want := range []string{
			"| Route | URL | Requests | Errors | p50 ms | p95 ms | p99 ms | Requests/s | Share of health |",
			"| health | `/healthz` | 12 | 0 |",
			" | 100% |\n",
			"| slow | `/slow` | 12 | 0 |",
			"| gone | `/gone` | not built (404) | | | | | | |",
			"95th percentile above 20ms: slow (",
		} {
			if !strings.Contains(table, want) {
				t.Errorf("table lacks %q:\n%s", want, table)
			}
		}
		// The slow route's p95 (30 ms or more) is marked; its share of
		// the trivial route's throughput is well under all of it.
		slow := table[strings.Index(table, "| slow |"):]
		slow = slow[:strings.Index(slow, "\n")]
		cells := strings.Split(slow, "|")
		if p95 := strings.TrimSpace(cells[6]); !strings.HasPrefix(p95, "**") {
			t.Errorf("slow p95 %q not marked: %s", p95, slow)
		}
		if sh := strings.TrimSpace(cells[9]); sh == "100%" || !strings.HasSuffix(sh, "%") {
			t.Errorf("slow share of health %q: %s", sh, slow)
		}
	}
	if strings.Contains(text, "Every 95th percentile") {
		t.Errorf("says every p95 is within the limit:\n%s", text)
	}
}

// TestRunServerCPU measures the server's CPU time per request from
// /proc/PID/stat: here the server is this test's own process, and a route
// that hashes 4 MiB a request costs it more than nothing.
func TestRunServerCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	block := bytes.Repeat([]byte("jointly"), 600_000)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hash", func(w http.ResponseWriter, r *http.Request) {
		sum := sha256.Sum256(block)
		_, _ = w.Write(sum[:])
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var out bytes.Buffer
	if err := run(context.Background(), []string{"-base", srv.URL, "-each", "-c", "2", "-d", "1m", "-n", "200",
		"-pid", strconv.Itoa(os.Getpid()), "hash=/hash"}, &out); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	if !strings.Contains(table, "| Requests/s | Server CPU ms/request |") {
		t.Fatalf("no CPU column:\n%s", table)
	}
	row := table[strings.Index(table, "| hash |"):]
	cells := strings.Split(row[:strings.Index(row, "\n")], "|")
	if v, err := strconv.ParseFloat(strings.TrimSpace(cells[9]), 64); err != nil || v <= 0 {
		t.Errorf("CPU ms/request %q, want more than 0: %s", cells[9], table)
	}

	err := run(context.Background(), []string{"-base", srv.URL, "-each", "-pid", "999999999", "hash=/hash"}, &out)
	if err == nil || !strings.Contains(err.Error(), "-pid 999999999") {
		t.Errorf("a process that does not exist: %v", err)
	}
}

func TestShare(t *testing.T) {
	for _, tc := range []struct {
		rate, base float64
		want       string
	}{
		{100, 100, "100%"}, {50, 200, "25%"}, {3, 100, "3.0%"}, {45, 20000, "0.23%"}, {1, 0, "–"},
	} {
		if got := share(tc.rate, tc.base); got != tc.want {
			t.Errorf("share(%v, %v) = %q, want %q", tc.rate, tc.base, got, tc.want)
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := loopbackURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
