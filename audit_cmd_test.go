package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"jointly/models"
)

// tamper runs sql against the database file the way someone with shell
// access would: with the sqlite3 command-line shell. CI installs it
// (.ci/run) and must use it; elsewhere, without it, the same statements
// go through database/sql, which checks the verifier just as well.
func tamper(t *testing.T, path, script string) {
	t.Helper()
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("JOINTLY_REQUIRE_BROWSER") == "1" {
			t.Fatal("the sqlite3 shell is not installed; CI must tamper with it (.ci/run installs sqlite3)")
		}
		t.Logf("sqlite3 shell not installed: tampering through database/sql instead")
		db, err := sql.Open("sqlite3", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(script); err != nil {
			t.Fatalf("tamper: %v", err)
		}
		return
	}
	cmd := exec.Command(shell, "-bail", path)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sqlite3 %s: %v\n%s", path, err, out)
	}
}

// copyDB copies a closed database file (the command line closes what it
// opens, folding the WAL back in).
func copyDB(t *testing.T, from string) string {
	t.Helper()
	if _, err := os.Stat(from + "-wal"); err == nil {
		t.Fatalf("%s-wal still exists: the database was not closed", from)
	}
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	to := tempDB(t)
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

// entryHash is an audit entry's hash as models/audit_chain.go computes it:
// the SHA-256 of its fields, one per line.
func entryHash(id int64, at string, actor int64, action, entity, entityID, detail, prev string) string {
	var b strings.Builder
	for _, f := range []string{strconv.FormatInt(id, 10), at, strconv.FormatInt(actor, 10), action, entity, entityID, detail, prev} {
		b.WriteString(f + "\n")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// demoDB is a database holding what seed --demo writes, its audit trail
// included, made through the same models calls with the cheapest bcrypt
// cost; it is closed, and entries is the length of its audit trail.
func demoDB(t *testing.T) (path string, entries int) {
	t.Helper()
	path = seededDB(t)
	db, err := models.Open(path, models.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.SeedDemoBids(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM audit_events`).Scan(&entries); err != nil {
		t.Fatal(err)
	}
	return path, entries
}

func TestAuditVerify(t *testing.T) {
	t.Parallel()
	seeded, entries := demoDB(t)
	if entries < 12 {
		t.Fatalf("the demo seed wrote %d audit entries; the test needs a dozen", entries)
	}

	t.Run("intact", func(t *testing.T) {
		path := copyDB(t, seeded)
		r := cli(t, noEnv, "", "audit", "verify", "--db", path)
		wantCode(t, r, 0)
		if want := fmt.Sprintf("audit trail intact: %d entries checked\n", entries); r.stdout != want {
			t.Errorf("stdout %q, want %q", r.stdout, want)
		}
		// JOINTLY_DB names the database as --db does.
		wantCode(t, cli(t, env(map[string]string{"JOINTLY_DB": path}), "", "audit", "verify"), 0)
	})

	t.Run("a row altered with the sqlite3 shell", func(t *testing.T) {
		path := copyDB(t, seeded)
		tamper(t, path, `DROP TRIGGER audit_events_no_update;
UPDATE audit_events SET detail = '{"x":1}' WHERE id = 5;`)
		r := cli(t, noEnv, "", "audit", "verify", "--db", path)
		wantCode(t, r, 1)
		if want := "jointly: audit trail broken at entry 5: its contents do not match its hash: it was altered"; lastLine(r.stderr) != want {
			t.Errorf("stderr %q, want %q", r.stderr, want)
		}
		if r.stdout != "" {
			t.Errorf("stdout %q, want nothing", r.stdout)
		}
	})

	t.Run("a row altered and its hash recomputed", func(t *testing.T) {
		// A better-informed tamperer rewrites entry 5's hash to match; the
		// next entry's link to it no longer does.
		path := copyDB(t, seeded)
		db := openTestDB(t, path)
		var at, action, entity, entityID, prev string
		var actor int64
		if err := db.R.QueryRow(`SELECT at, coalesce(actor_id, 0), action, entity, entity_id, prev_hash FROM audit_events WHERE id = 5`).
			Scan(&at, &actor, &action, &entity, &entityID, &prev); err != nil {
			t.Fatal(err)
		}
		db.Close()
		detail := `{"x":1}`
		tamper(t, path, fmt.Sprintf(`DROP TRIGGER audit_events_no_update;
UPDATE audit_events SET detail = '%s', hash = '%s' WHERE id = 5;`, detail, entryHash(5, at, actor, action, entity, entityID, detail, prev)))
		r := cli(t, noEnv, "", "audit", "verify", "--db", path)
		wantCode(t, r, 1)
		if want := "jointly: audit trail broken at entry 6: its link to entry 5 does not match"; !strings.HasPrefix(lastLine(r.stderr), want) {
			t.Errorf("stderr %q, want it to start %q", r.stderr, want)
		}
	})

	t.Run("a row removed with the sqlite3 shell", func(t *testing.T) {
		path := copyDB(t, seeded)
		tamper(t, path, `DROP TRIGGER audit_events_no_delete;
DELETE FROM audit_events WHERE id = 10;`)
		r := cli(t, noEnv, "", "audit", "verify", "--db", path)
		wantCode(t, r, 1)
		if want := "jointly: audit trail broken at entry 11: "; !strings.HasPrefix(lastLine(r.stderr), want) || !strings.Contains(r.stderr, "missing") {
			t.Errorf("stderr %q, want it to start %q and say entries are missing", r.stderr, want)
		}
	})

	t.Run("the first rows removed", func(t *testing.T) {
		path := copyDB(t, seeded)
		tamper(t, path, `DROP TRIGGER audit_events_no_delete;
DELETE FROM audit_events WHERE id <= 3;`)
		r := cli(t, noEnv, "", "audit", "verify", "--db", path)
		wantCode(t, r, 1)
		if want := "jointly: audit trail broken at entry 4: "; !strings.HasPrefix(lastLine(r.stderr), want) {
			t.Errorf("stderr %q, want it to start %q", r.stderr, want)
		}
	})
}

func TestAuditVerifyRefusals(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nowhere.db")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"audit"}, 2, "jointly audit verify [--db PATH]"},
		{[]string{"audit", "check"}, 2, "jointly audit verify [--db PATH]"},
		{[]string{"audit", "verify", "extra"}, 2, "takes no arguments"},
		{[]string{"audit", "verify", "--db", missing}, 1, "no database at " + missing},
	} {
		r := cli(t, noEnv, "", c.args...)
		wantCode(t, r, c.code)
		if !strings.Contains(lastLine(r.stderr), c.want) {
			t.Errorf("%v: stderr %q, want %q", c.args, r.stderr, c.want)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("verify created %s", missing)
	}

	// An empty database this binary has not migrated is refused, untouched.
	old := tempDB(t)
	db, err := sql.Open("sqlite3", "file:"+old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 1; CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := cli(t, noEnv, "", "audit", "verify", "--db", old)
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "run jointly migrate first") {
		t.Errorf("stderr %q, want it to ask for jointly migrate", r.stderr)
	}
	if v := countRows(t, old, `SELECT user_version FROM pragma_user_version`); v != 1 {
		t.Errorf("schema version %d after verify, want it untouched at 1", v)
	}
}
