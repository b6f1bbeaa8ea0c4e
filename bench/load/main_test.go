package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	l := &loader{cfg: config{base: mustURL(t, srv.URL), clients: 2, duration: 200 * time.Millisecond}, client: srv.Client()}
	r := &result{target: target{name: "slow", path: "/slow"}, errors: map[string]int{}}
	l.load(context.Background(), []*result{r})
	var out bytes.Buffer
	writeTable(&out, l.cfg, []*result{r})
	if want := "| slow | `/slow` | 0 | 0; 2 unfinished at the end | – | – | – | 0 |"; !strings.Contains(out.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, out.String())
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
