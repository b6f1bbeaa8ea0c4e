package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// server is a `jointly serve` process on a free loopback port, its
// standard error (JSON log lines) kept in a file of the workspace.
type server struct {
	name    string
	cmd     *exec.Cmd
	base    *url.URL
	logPath string
	exited  chan struct{}
	waitErr error
}

var listening = regexp.MustCompile(`\(listening on ([^)]+)\)`)

// startServer starts jointly serve on 127.0.0.1:0 and waits until it
// answers /healthz.
func startServer(ctx context.Context, w *workspace, name string) (*server, error) {
	s := &server{name: name, logPath: filepath.Join(w.dir, name+".log"), exited: make(chan struct{})}
	logf, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	// Not CommandContext: the server is stopped (or killed) on purpose,
	// by stop and kill, never as a side effect of a context.
	s.cmd = exec.Command(w.bin, "serve", "--addr", "127.0.0.1:0", "--log-level", "info")
	outPath := filepath.Join(w.dir, name+".out")
	outf, err := os.Create(outPath)
	if err != nil {
		logf.Close()
		return nil, err
	}
	s.cmd.Env, s.cmd.Dir, s.cmd.Stdout, s.cmd.Stderr = w.env(), w.dir, outf, logf
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		outf.Close()
		return nil, err
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		logf.Close()
		outf.Close()
		close(s.exited)
	}()
	// serve prints where it listens (port 0: the kernel picks a free one).
	deadline := time.Now().Add(2 * time.Minute)
	for s.base == nil {
		b, _ := os.ReadFile(outPath)
		if m := listening.FindSubmatch(b); m != nil {
			if s.base, err = loopbackBase(string(m[1])); err != nil {
				s.kill()
				return nil, err
			}
			break
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("%s: the server exited at start (%v): %s", name, s.waitErr, tail(s.logPath))
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.kill()
			return nil, fmt.Errorf("%s: the server did not say where it listens within 2 minutes: %s", name, tail(s.logPath))
		}
	}
	if err := waitHealthy(ctx, s.base, time.Minute); err != nil {
		s.kill()
		return nil, err
	}
	return s, nil
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// stop asks the server to shut down (SIGTERM) and waits; past the grace
// period it is killed, and that is an error.
func (s *server) stop(grace time.Duration) error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		if s.waitErr != nil {
			return fmt.Errorf("%s: the server stopped with %v", s.name, s.waitErr)
		}
		return nil
	case <-time.After(grace):
		s.kill()
		return fmt.Errorf("%s: the server did not stop within %v of SIGTERM; killed", s.name, grace)
	}
}

// logReport is what a server's log shows that should not be there.
type logReport struct {
	lines, requests int
	locked          []string // lines mentioning "database is locked"
	panics          []string
	errors          []string // level ERROR (a 5xx request is logged at ERROR)
	status5xx       int
	events          []string // what the server did besides answering requests
}

// readLog reads the server's JSON log lines (and anything else it wrote).
func readLog(path string) (logReport, error) {
	var r logReport
	f, err := os.Open(path)
	if err != nil {
		return r, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		r.lines++
		lower := strings.ToLower(line)
		if strings.Contains(lower, "database is locked") {
			r.locked = append(r.locked, line)
		}
		if strings.Contains(lower, "panic") {
			r.panics = append(r.panics, line)
		}
		var entry struct {
			Time   string `json:"time"` // RFC 3339
			Level  string `json:"level"`
			Msg    string `json:"msg"`
			Status int    `json:"status"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil {
			continue
		}
		if entry.Msg == "request" {
			r.requests++
			if entry.Status >= 500 {
				r.status5xx++
			}
		} else {
			at := entry.Time
			if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
				at = t.UTC().Format("15:04:05")
			}
			r.events = append(r.events, at+" "+entry.Msg)
		}
		if entry.Level == "ERROR" {
			r.errors = append(r.errors, line)
		}
	}
	return r, sc.Err()
}

func (r logReport) clean() bool {
	return len(r.locked) == 0 && len(r.panics) == 0 && len(r.errors) == 0 && r.status5xx == 0
}

func (r logReport) String() string {
	s := fmt.Sprintf("%d lines, %d requests logged; %d with status 5xx, %d at level ERROR, %d mention \"database is locked\", %d mention a panic",
		r.lines, r.requests, r.status5xx, len(r.errors), len(r.locked), len(r.panics))
	for _, group := range [][]string{r.locked, r.panics, r.errors} {
		if len(group) > 0 {
			s += "; first: `" + strings.ReplaceAll(clip(group[0], 300), "`", "'") + "`"
			break
		}
	}
	return s
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// tail is the end of a file, for messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// isKilled reports whether a process ended by SIGKILL.
func isKilled(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// stopIfRunning kills the server unless it has already exited.
func (s *server) stopIfRunning() {
	select {
	case <-s.exited:
	default:
		s.kill()
	}
}

// serveReady starts a server named name, readies its actors (signing the
// page readers in when signIn) and reads the newest receipt id, so a run
// counts only the receipts it made. On error the server is stopped.
func serveReady(ctx context.Context, w *workspace, name string, ds dataset, signIn bool) (*server, *actors, int, error) {
	srv, err := startServer(ctx, w, name)
	if err != nil {
		return nil, nil, 0, err
	}
	fail := func(err error) (*server, *actors, int, error) {
		srv.stopIfRunning()
		return nil, nil, 0, err
	}
	a, err := ready(ctx, w, srv, ds, signIn)
	if err != nil {
		return fail(err)
	}
	db, err := openDB(w.db)
	if err != nil {
		return fail(err)
	}
	lastReceipt, err := count(db, `SELECT coalesce(max(id), 0) FROM bid_response_receipts`)
	_ = db.Close()
	if err != nil {
		return fail(err)
	}
	return srv, a, lastReceipt, nil
}
