package main

import (
	"strings"
	"testing"
)

func TestSeedScaleUsage(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"neither --demo nor --scale", []string{"seed", "--db", db}, "exactly one"},
		{"both --demo and --scale", []string{"seed", "--demo", "--scale", "national", "--db", db}, "exactly one"},
		{"unknown scale", []string{"seed", "--scale", "county", "--db", db}, "the only scale is national"},
		{"--contracts without --scale", []string{"seed", "--demo", "--contracts", "5", "--db", db}, "--contracts goes with --scale national"},
		{"--seed without --scale", []string{"seed", "--demo", "--seed", "5", "--db", db}, "--seed goes with --scale national"},
		{"no contracts", []string{"seed", "--scale", "national", "--contracts", "0", "--db", db}, "--contracts must be between"},
		{"negative users", []string{"seed", "--scale", "national", "--users", "-1", "--db", db}, "--users must be between"},
		{"not a number", []string{"seed", "--scale", "national", "--seed", "x", "--db", db}, "invalid value"},
		{"an argument", []string{"seed", "--scale", "national", "--db", db, "extra"}, "no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cli(t, noEnv, "", tc.args...)
			wantCode(t, r, 2)
			if !strings.Contains(lastLine(r.stderr), tc.want) {
				t.Errorf("stderr %q, want %q", lastLine(r.stderr), tc.want)
			}
		})
	}
}

// TestSeedScale seeds a small national-scale dataset into an empty
// database (all 418 councils synthetic), then again: the same flags change
// nothing, other flags fail.
func TestSeedScale(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	args := []string{"seed", "--scale", "national", "--contracts", "300", "--users", "12", "--seed", "3", "--db", db}
	r := cli(t, noEnv, "", args...)
	wantCode(t, r, 0)
	if l := lines(r.stdout); len(l) != 1 || !strings.Contains(l[0], "418 councils (418 synthetic") || !strings.Contains(l[0], "300 contracts") ||
		!strings.Contains(l[0], "12 users") {
		t.Errorf("stdout %q, want one summary line", r.stdout)
	}
	if n := countRows(t, db, `SELECT count(*) FROM contracts`); n != 300 {
		t.Errorf("%d contracts, want 300", n)
	}

	r = cli(t, noEnv, "", args...)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "nothing changed") {
		t.Errorf("seeding again printed %q", r.stdout)
	}

	r = cli(t, noEnv, "", "seed", "--scale", "national", "--contracts", "300", "--users", "12", "--seed", "4", "--db", db)
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "already holds a national-scale seed (seed=3 contracts=300 users=12)") {
		t.Errorf("stderr %q", r.stderr)
	}
	if n := countRows(t, db, `SELECT count(*) FROM contracts`); n != 300 {
		t.Errorf("%d contracts after a refused seed, want 300", n)
	}
}
