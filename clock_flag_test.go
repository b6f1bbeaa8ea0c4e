package main

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestServeRefusesABadNow: a simulated clock that is not an RFC 3339 time
// is bad usage, from the flag or the environment, and is refused before
// the database is opened.
func TestServeRefusesABadNow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		getenv func(string) string
		args   []string
	}{
		{"--now", noEnv, []string{"--now", "not-a-time"}},
		{"JOINTLY_NOW", env(map[string]string{"JOINTLY_NOW": "not-a-time"}), nil},
		{"a date without a time", noEnv, []string{"--now", "2027-03-01"}},
		{"a time without a zone", noEnv, []string{"--now", "2027-03-01T09:00:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := tempDB(t)
			r := cli(t, tt.getenv, "", append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tt.args...)...)
			wantCode(t, r, 2)
			if l := lines(r.stderr); len(l) != 1 {
				t.Errorf("stderr has %d lines, want one:\n%s", len(l), r.stderr)
			}
			if !strings.Contains(r.stderr, "--now") || !strings.Contains(r.stderr, "RFC 3339") {
				t.Errorf("stderr %q does not name --now and the format it wants", r.stderr)
			}
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused clock opened the database: %v", err)
			}
		})
	}
}

// TestServeReportsEveryProblemWithTheClock: a bad --now is reported with
// the other problems, all at once.
func TestServeReportsEveryProblemWithTheClock(t *testing.T) {
	t.Parallel()
	r := cli(t, noEnv, "", "serve", "--db", tempDB(t), "--addr", "nonsense", "--now", "tomorrow")
	wantCode(t, r, 2)
	for _, want := range []string{`--addr "nonsense"`, `--now "tomorrow"`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q does not report %s", r.stderr, want)
		}
	}
}
