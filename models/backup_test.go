package models_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// rowCounts is every table's row count.
func rowCounts(t *testing.T, db *models.DB) map[string]int {
	t.Helper()
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

// openDB opens a database file on the fixed clock, without migrating it.
func openDB(t *testing.T, path string) *models.DB {
	t.Helper()
	db, err := models.Open(path, &models.FixedClock{T: testutil.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBackupIsAConsistentSnapshotOfALiveDatabase(t *testing.T) {
	db, _, ctx := seeded(t)
	if err := db.SeedDemoBids(ctx); err != nil {
		t.Fatal(err)
	}
	// A writer adds a pair of rows in each transaction while the backup
	// runs: a consistent snapshot holds as many of one as of the other.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	writes := 0
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.Exec(`INSERT INTO login_failures (email, ip, at) VALUES ('w@example.com', '192.0.2.9', '2026-11-21T10:00:00.000000Z')`); err != nil {
					return err
				}
				_, err := tx.Exec(`INSERT INTO job_run_log (job, period, trigger, outcome, started_at, at) VALUES ('x', 'p', 'command', 'succeeded', '', '')`)
				return err
			})
			if err != nil {
				t.Error(err)
				return
			}
			writes++
		}
	}()
	time.Sleep(20 * time.Millisecond) // let the writer get going
	path := filepath.Join(t.TempDir(), "copy.db")
	err := db.BackupTo(ctx, path, false)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if writes == 0 {
		t.Fatal("the writer wrote nothing")
	}

	// No temporary file is left beside it.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("backup folder holds %d files, want only the backup", len(entries))
	}

	info, err := models.CheckBackup(ctx, path)
	if err != nil {
		t.Fatalf("check the backup: %v", err)
	}
	ms, _ := models.Migrations()
	if info.SchemaVersion != len(ms) || info.Size == 0 {
		t.Errorf("backup info %+v, want schema version %d and a size", info, len(ms))
	}
	copyDB := openDB(t, path)
	got, live := rowCounts(t, copyDB), rowCounts(t, db)
	if got["login_failures"] != got["job_run_log"] {
		t.Errorf("the backup holds %d login failures but %d log entries: not one snapshot", got["login_failures"], got["job_run_log"])
	}
	for table, n := range live {
		if table == "login_failures" || table == "job_run_log" {
			continue
		}
		if got[table] != n {
			t.Errorf("%s: %d rows in the backup, %d live", table, got[table], n)
		}
	}
	if len(got) != len(live) || got["contracts"] == 0 || got["bids"] == 0 {
		t.Errorf("backup has %d tables (%d contracts, %d bids), live %d", len(got), got["contracts"], got["bids"], len(live))
	}

	// An existing file is refused unless replacing.
	if err := db.BackupTo(ctx, path, false); !errors.Is(err, os.ErrExist) {
		t.Errorf("backup over an existing file: %v, want it refused", err)
	}
	if err := db.BackupTo(ctx, path, true); err != nil {
		t.Errorf("replace a backup: %v", err)
	}
}

func TestRestoreReplacesTheDatabase(t *testing.T) {
	db, _, ctx := seeded(t)
	if err := db.SeedDemoBids(ctx); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := db.BackupTo(ctx, path, false); err != nil {
		t.Fatal(err)
	}
	want := rowCounts(t, db)

	// Onto a database that holds something else: an empty, migrated one
	// with a row the backup does not have.
	target := filepath.Join(t.TempDir(), "target.db")
	dst := openDB(t, target)
	if _, err := dst.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.W.Exec(`INSERT INTO settings (name, value) VALUES ('only-here', 'x')`); err != nil {
		t.Fatal(err)
	}
	if err := dst.RestoreFrom(ctx, path); err != nil {
		t.Fatal(err)
	}
	var ok string
	if err := dst.R.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity check after restore: %q, %v", ok, err)
	}
	got := rowCounts(t, dst)
	for table, n := range want {
		if got[table] != n {
			t.Errorf("%s: %d rows restored, want %d", table, got[table], n)
		}
	}
	var only int
	if err := dst.R.QueryRow(`SELECT count(*) FROM settings WHERE name = 'only-here'`).Scan(&only); err != nil || only != 0 {
		t.Errorf("the target's own row survived the restore (%d, %v)", only, err)
	}
	// The restored database is still in WAL mode, for the server.
	var mode string
	if err := dst.W.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q after restore, want wal (%v)", mode, err)
	}

	// A file onto itself is refused.
	if err := db.RestoreFrom(ctx, db.Path()); !errors.Is(err, models.ErrRestoreOnto) {
		t.Errorf("restore onto itself: %v", err)
	}
}

func TestCheckBackupRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sqliteFile := func(name, script string) string {
		p := filepath.Join(dir, name)
		db, err := sql.Open("sqlite3", "file:"+p)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(script); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newer, _, _ := seeded(t)
	if _, err := newer.W.Exec(`PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	newerPath := filepath.Join(dir, "newer.db")
	if err := newer.BackupTo(ctx, newerPath, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		want       error
	}{
		{"a text file", write("notes.txt", "these are not the droids you are looking for\n"), models.ErrNotDatabase},
		{"a file of zeros", write("zeros.db", string(make([]byte, 8192))), models.ErrNotDatabase},
		{"someone else's database", sqliteFile("other.db", `CREATE TABLE things (x); INSERT INTO things VALUES (1)`), models.ErrNotJointly},
		{"a newer schema", newerPath, models.ErrNewerSchema},
		{"a folder", dir, models.ErrNotDatabase},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := models.CheckBackup(ctx, c.path)
			if !errors.Is(err, c.want) {
				t.Errorf("CheckBackup = %v, want %v", err, c.want)
			}
		})
	}
	if _, err := models.CheckBackup(ctx, filepath.Join(dir, "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestPruneBackupsKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	now := testutil.Now
	touch := func(name string, age time.Duration) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"jointly-20261117-0300.db", "jointly-20261118-0300.db", "jointly-20261119-0300.db",
		"jointly-20261120-0300.db", "jointly-20261121-0300.db"} {
		touch(n, time.Hour)
	}
	touch("jointly-20261116-0300.db.partial-123", 48*time.Hour) // a crash's leftovers
	touch("jointly-20261121-0300.db.partial-456", time.Minute)  // being written
	touch("jointly.db", 48*time.Hour)                           // not ours to delete
	touch("jointly-manual.db", 48*time.Hour)
	touch("notes.txt", 48*time.Hour)

	removed, err := models.PruneBackups(dir, 3, now)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	if want := []string{"jointly-20261116-0300.db.partial-123", "jointly-20261117-0300.db", "jointly-20261118-0300.db"}; !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"jointly-20261119-0300.db", "jointly-20261120-0300.db", "jointly-20261121-0300.db",
		"jointly-20261121-0300.db.partial-456", "jointly-manual.db", "jointly.db", "notes.txt"}
	if !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
	if got := models.BackupName(time.Date(2026, 7, 1, 2, 0, 0, 0, time.UTC)); got != "jointly-20260701-0300.db" {
		t.Errorf("BackupName in summer time = %s, want UK time", got)
	}
}
