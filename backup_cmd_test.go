package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"jointly/models"
)

// tableRows is every table's row count in the database file at path.
func tableRows(t *testing.T, path string) map[string]int {
	t.Helper()
	db := openTestDB(t, path)
	rows, err := db.RowCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Table] = r.Rows
	}
	return out
}

func integrityOK(t *testing.T, path string) {
	t.Helper()
	db := openTestDB(t, path)
	var ok string
	if err := db.R.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity check of %s: %q, %v", path, ok, err)
	}
}

func TestBackupAndRestoreALiveDatabase(t *testing.T) {
	t.Parallel()
	live, _ := demoDB(t)
	before := tableRows(t, live)

	// A server writes while the backup is taken: pairs of rows, one
	// transaction each, so a consistent copy holds as many of each.
	server := openTestDB(t, live)
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := server.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.Exec(`INSERT INTO login_failures (email, ip, at) VALUES ('w@example.com', '192.0.2.9', 'x')`); err != nil {
					return err
				}
				_, err := tx.Exec(`INSERT INTO sso_states (state_hash, provider, session, created_at) VALUES (randomblob(16), 'p', '', 'x')`)
				return err
			}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	time.Sleep(20 * time.Millisecond)
	backup := filepath.Join(t.TempDir(), "nightly", "jointly-copy.db")
	r := cli(t, noEnv, "", "backup", "--db", live, backup)
	close(stop)
	wg.Wait()
	wantCode(t, r, 0)
	ms, _ := models.Migrations()
	if want := fmt.Sprintf("backed up %s to %s: ", live, backup); !strings.HasPrefix(r.stdout, want) ||
		!strings.Contains(r.stdout, fmt.Sprintf("schema version %d, integrity check ok", len(ms))) {
		t.Errorf("backup said %q", r.stdout)
	}
	if entries, _ := os.ReadDir(filepath.Dir(backup)); len(entries) != 1 {
		t.Errorf("the backup's folder holds %d files, want the backup alone", len(entries))
	}
	integrityOK(t, backup)
	copied := tableRows(t, backup)
	if copied["login_failures"] != copied["sso_states"] {
		t.Errorf("backup holds %d login failures and %d sign-on states: not one snapshot", copied["login_failures"], copied["sso_states"])
	}
	for table, n := range before {
		if table != "login_failures" && table != "sso_states" && copied[table] != n {
			t.Errorf("%s: %d rows in the backup, %d live", table, copied[table], n)
		}
	}

	// Restore onto a database a server holds open: afterwards it reads
	// the restored rows.
	target := tempDB(t)
	wantCode(t, cli(t, noEnv, "", "migrate", "--db", target), 0)
	holder := openTestDB(t, target)
	var contracts int
	if err := holder.R.QueryRow(`SELECT count(*) FROM contracts`).Scan(&contracts); err != nil || contracts != 0 {
		t.Fatalf("target holds %d contracts before the restore (%v)", contracts, err)
	}
	r = cli(t, noEnv, "", "restore", "--db", target, backup)
	wantCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, fmt.Sprintf("restored %s from %s (", target, backup)) ||
		!strings.Contains(r.stdout, fmt.Sprintf("\n  contracts      %d\n", copied["contracts"])) ||
		!strings.Contains(r.stdout, fmt.Sprintf("\n  audit_events   %d\n", copied["audit_events"])) {
		t.Errorf("restore said %q", r.stdout)
	}
	integrityOK(t, target)
	restored := tableRows(t, target)
	if len(restored) != len(copied) {
		t.Errorf("%d tables restored, %d in the backup", len(restored), len(copied))
	}
	for table, n := range copied {
		if restored[table] != n {
			t.Errorf("%s: %d rows restored, %d in the backup", table, restored[table], n)
		}
	}
	if err := holder.R.QueryRow(`SELECT count(*) FROM contracts`).Scan(&contracts); err != nil || contracts != copied["contracts"] {
		t.Errorf("the open database reads %d contracts after the restore, want %d (%v)", contracts, copied["contracts"], err)
	}
	// The restored audit trail still verifies.
	wantCode(t, cli(t, noEnv, "", "audit", "verify", "--db", target), 0)
}

func TestBackupRefusals(t *testing.T) {
	t.Parallel()
	live := seededDB(t)
	existing := filepath.Join(t.TempDir(), "precious.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nowhere.db")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"backup"}, 2, "give exactly one FILE"},
		{[]string{"backup", "--db", live, "a.db", "b.db"}, 2, "give exactly one FILE"},
		{[]string{"backup", "--db", live, existing}, 1, existing + " already exists"},
		{[]string{"backup", "--db", missing, filepath.Join(t.TempDir(), "x.db")}, 1, "no database at " + missing},
	} {
		r := cli(t, noEnv, "", c.args...)
		wantCode(t, r, c.code)
		if !strings.Contains(lastLine(r.stderr), c.want) {
			t.Errorf("%v: stderr %q, want %q", c.args, r.stderr, c.want)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("the existing file was overwritten")
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("backup created %s", missing)
	}
	// The help says what it does.
	r := cli(t, noEnv, "", "backup", "-h")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, "usage: jointly backup [--db PATH] FILE") {
		t.Errorf("help %q", r.stderr)
	}
}

func TestRestoreRefusals(t *testing.T) {
	t.Parallel()
	target := seededDB(t)
	want := tableRows(t, target)
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(text, []byte("not a database at all, just some notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Someone else's SQLite database.
	other := filepath.Join(dir, "other.db")
	odb, err := sql.Open("sqlite3", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec(`CREATE TABLE things (x); INSERT INTO things VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	// A backup from a newer Jointly.
	newer := filepath.Join(dir, "newer.db")
	wantCode(t, cli(t, noEnv, "", "backup", "--db", seededDB(t), newer), 0)
	ndb, err := sql.Open("sqlite3", "file:"+newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ndb.Exec(`PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	ndb.Close()

	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", []string{"restore", "--db", target}, 2, "give exactly one FILE"},
		{"a text file", []string{"restore", "--db", target, text}, 1, "will not restore: " + text + ": not a SQLite database"},
		{"another database", []string{"restore", "--db", target, other}, 1, "not a Jointly database (it has no councils table)"},
		{"a newer schema", []string{"restore", "--db", target, newer}, 1, "made by a newer Jointly: its schema version is 999"},
		{"itself", []string{"restore", "--db", target, target}, 1, "will not restore " + target + " onto itself"},
		{"a missing file", []string{"restore", "--db", target, filepath.Join(dir, "gone.db")}, 1, "no file "},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := cli(t, noEnv, "", c.args...)
			wantCode(t, r, c.code)
			if !strings.Contains(lastLine(r.stderr), c.want) {
				t.Errorf("stderr %q, want %q", r.stderr, c.want)
			}
		})
	}
	// The database refused a restore is untouched.
	got := tableRows(t, target)
	for table, n := range want {
		if got[table] != n {
			t.Errorf("%s: %d rows after the refusals, %d before", table, got[table], n)
		}
	}
	// The help tells the administrator to stop the server.
	r := cli(t, noEnv, "", "restore", "-h")
	if !strings.Contains(r.stderr, "Stop the server before restoring") {
		t.Errorf("help %q", r.stderr)
	}
}
