package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReconcile(t *testing.T) {
	sent := map[string]outcome{
		"a": acked, "b": acked, "c": conflict, "d": refused, "e": unknown, "f": unknown,
	}
	tests := []struct {
		name                 string
		present              []string
		lost, phantom        []string
		unknownIn, unknownNo int
	}{
		{"every acknowledged write stored", []string{"a", "b"}, nil, nil, 0, 2},
		{"an unanswered write may be stored", []string{"a", "b", "e"}, nil, nil, 1, 1},
		{"an acknowledged write missing is lost", []string{"a"}, []string{"b"}, nil, 0, 2},
		{"a conflict stored is a phantom", []string{"a", "b", "c"}, nil, []string{"c"}, 0, 2},
		{"a refused write stored is a phantom", []string{"a", "b", "d"}, nil, []string{"d"}, 0, 2},
		{"a write never sent is a phantom", []string{"a", "b", "z"}, nil, []string{"z"}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reconcile(sent, setOf(tt.present))
			if !slices.Equal(r.lost, tt.lost) || !slices.Equal(r.phantom, tt.phantom) ||
				r.unknownStored != tt.unknownIn || r.unknownAbsent != tt.unknownNo || r.acked != 2 {
				t.Errorf("reconcile = %+v", r)
			}
			if r.ok() != (tt.lost == nil && tt.phantom == nil) {
				t.Errorf("ok() = %v for %s", r.ok(), r)
			}
		})
	}
}

func TestTallyCountsOutcomes(t *testing.T) {
	var w, r tally
	for _, a := range []answer{
		{status: 201, outcome: acked}, {status: 409, outcome: conflict}, {status: 500, outcome: refused, body: []byte("database is locked")},
		{err: os.ErrDeadlineExceeded, outcome: unknown},
	} {
		w.add(a, false)
	}
	if w.sent != 4 || w.acked != 1 || w.conflicts != 1 || w.refused != 1 || w.unknown != 1 || w.locked != 1 || w.fiveXX() != 1 {
		t.Errorf("write tally %+v", w)
	}
	for _, a := range []answer{{status: 200, outcome: acked}, {status: 303, outcome: refused}, {status: 409, outcome: conflict}} {
		r.add(a, true)
	}
	if r.acked != 2 || r.refused != 1 || r.conflicts != 0 {
		t.Errorf("read tally %+v: a 3xx read is an answer, a 409 read an error", r)
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 95: 95 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond} {
		if got := percentile(ds, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("no latencies: want 0")
	}
}

func TestScheduleKeepsTheMix(t *testing.T) {
	slots := schedule()
	if len(slots) != 100 {
		t.Fatalf("%d slots, want 100", len(slots))
	}
	for _, m := range mix {
		n := 0
		for _, s := range slots {
			if s == m.kind {
				n++
			}
		}
		if n != m.weight {
			t.Errorf("%s: %d slots, want %d", m.kind, n, m.weight)
		}
	}
	// Spread out: no kind of write twice in a row.
	for i := 1; i < len(slots); i++ {
		if slots[i] != kindRead && slots[i] == slots[i-1] {
			t.Errorf("slots %d and %d are both %s", i-1, i, slots[i])
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:8080", "127.1.2.3:1"} {
		if _, err := loopbackBase(addr); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
	for _, addr := range []string{"10.0.0.1:8080", "example.com:80", "localhost.example.com:80", "0.0.0.0:8080", ""} {
		if _, err := loopbackBase(addr); err == nil {
			t.Errorf("%s accepted", addr)
		}
	}
}

func TestRepeats(t *testing.T) {
	msgs := []sunk{
		{to: []string{"a@x"}, messageID: "1"}, {to: []string{"b@x"}, messageID: "2"},
		{to: []string{"a@x"}, messageID: "1"},                                        // the same message again
		{to: []string{"b@x"}, messageID: "3"},                                        // a second digest for b
		{to: []string{"c@x"}, messageID: "4"}, {to: []string{"c@x"}, messageID: "5"}, // c: one digest, one other mail
	}
	digests := map[string]bool{"1": true, "2": true, "3": true, "4": true}
	same, two := repeats(msgs, func(id string) bool { return digests[id] })
	if !slices.Equal(same, []string{"1 ×2"}) {
		t.Errorf("same message: %q", same)
	}
	if !slices.Equal(two, []string{"a@x (2 messages, 1 Message-ID)", "b@x (2 messages, 2 Message-IDs)"}) {
		t.Errorf("two digests: %q", two)
	}
}

// The sink's hooks fire where fault 2 relies on them: hold with the
// message read and unanswered (refusing it uncounted), after once the
// sender has had the 250 and sends RSET.
func TestSinkHooks(t *testing.T) {
	s, err := startSink()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	var held, after []int
	s.setHooks(func(n int) bool {
		held = append(held, n)
		return len(held) == 2 // the second message, once
	}, func(n int) { after = append(after, n) })
	c, err := smtp.Dial(s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	send := func(id, to string) error {
		if err := c.Mail("from@jointly.invalid"); err != nil {
			return err
		}
		if err := c.Rcpt(to); err != nil {
			return err
		}
		w, err := c.Data()
		if err != nil {
			return err
		}
		_, _ = io.WriteString(w, "Message-ID: <"+id+">\r\nSubject: hi\r\n\r\nbody\r\n")
		if err := w.Close(); err != nil {
			return err
		}
		return c.Reset()
	}
	if err := send("one@jointly", "A@Example.com"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(after, []int{1}) {
		t.Errorf("after RSET: %v, want [1]", after)
	}
	if err := send("two@jointly", "b@example.com"); err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("held message: %v, want a 451 refusal", err)
	}
	_ = c.Reset()
	if err := send("three@jointly", "c@example.com"); err != nil {
		t.Fatal(err)
	}
	got := s.messages()
	if len(got) != 2 || got[0].messageID != "one@jointly" || got[1].messageID != "three@jointly" || got[0].to[0] != "a@example.com" {
		t.Errorf("accepted %+v, want one and three", got)
	}
	if !slices.Equal(held, []int{1, 2, 2}) || !slices.Equal(after, []int{1, 2}) {
		t.Errorf("hold asked for %v (want [1 2 2]), after called for %v (want [1 2])", held, after)
	}
}

func TestReadLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serve.log")
	lines := []string{
		`{"time":"x","level":"INFO","msg":"request","status":200}`,
		`{"time":"x","level":"ERROR","msg":"request","status":500}`,
		`{"time":"2026-11-21T16:35:43.640393052Z","level":"WARN","msg":"delivering mail","err":"database is locked"}`,
		`goroutine 1 [running]: panic: boom`,
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := readLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.lines != 4 || r.requests != 2 || r.status5xx != 1 || len(r.errors) != 1 || len(r.locked) != 1 || len(r.panics) != 1 || r.clean() ||
		!slices.Equal(r.events, []string{"16:35:43 delivering mail"}) {
		t.Errorf("readLog = %+v", r)
	}
	if err := os.WriteFile(path, []byte(lines[0]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, _ := readLog(path); !r.clean() {
		t.Errorf("a clean log: %+v", r)
	}
}

func TestShortMode(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "jointly")
	if err := os.WriteFile(bin, nil, 0o700); err != nil {
		t.Fatal(err)
	}
	c, err := parseConfig([]string{"-bin", bin, "-short"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.duration != 45*time.Second || c.importRows != 5000 {
		t.Errorf("-short: %v, %d rows", c.duration, c.importRows)
	}
	c, err = parseConfig([]string{"-bin", bin, "-short", "-duration", "2m"}, io.Discard)
	if err != nil || c.duration != 2*time.Minute {
		t.Errorf("-short -duration 2m: %v, %v", c.duration, err)
	}
	for _, args := range [][]string{{"-bin", bin, "-duration", "31m"}, {"-bin", bin, "-rate", "0"}, {"-bin", filepath.Join(t.TempDir(), "none")}} {
		if _, err := parseConfig(args, io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// A request to a port nobody listens on never reached a server: refused,
// so a write it carried must not be in the database.
func TestNothingListeningIsRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base, err := loopbackBase(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	a := newPerson(base, "x@example.com", "token", time.Second).do(context.Background(), "PUT", "/api/v1/x", map[string]int{"a": 1})
	if a.outcome != refused || a.String() != "connection refused" {
		t.Errorf("outcome %v (%s), want refused (connection refused)", a.outcome, a)
	}
}

// An answer whose body breaks off after a 2xx status line told the
// client nothing it can rely on (no receipt): no answer, not acknowledged.
func TestAnswerCutOffIsUnknown(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"receipt":{"sha256":"ab`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection closes mid-body
	}))
	defer srv.Close()
	base, err := loopbackBase(strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	a := newPerson(base, "x@example.com", "", time.Second).do(context.Background(), "PUT", "/api/v1/x", map[string]int{})
	if a.outcome != unknown || a.String() != "answer cut off" || a.status != 200 {
		t.Errorf("outcome %v (%s, status %d), want unknown (answer cut off)", a.outcome, a, a.status)
	}
}

func TestCPUSeconds(t *testing.T) {
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) {
	}
	if s, ok := cpuSeconds(os.Getpid()); !ok || s <= 0 {
		t.Errorf("cpuSeconds of this process: %v, %v", s, ok)
	}
	if _, ok := cpuSeconds(-1); ok {
		t.Error("cpuSeconds of no process: ok")
	}
}
