package models_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

func openRaw(t *testing.T) *models.DB {
	t.Helper()
	db, err := models.Open(filepath.Join(t.TempDir(), "sub", "jointly.db"), &models.FixedClock{T: testutil.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrationsAreNumberedWithoutGaps(t *testing.T) {
	ms, err := models.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Errorf("migration %d has version %d, want %d", i, m.Version, i+1)
		}
		if m.Name == "" || strings.TrimSpace(m.SQL) == "" {
			t.Errorf("migration %d: empty name or SQL", m.Version)
		}
	}
}

func TestMigrateAppliesAllThenNone(t *testing.T) {
	ctx := context.Background()
	db := openRaw(t)
	if v, err := db.SchemaVersion(ctx); err != nil || v != 0 {
		t.Fatalf("new database at version %d, %v; want 0", v, err)
	}
	ms, err := models.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for _, m := range ms {
		want = append(want, m.Version)
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(applied, want) {
		t.Fatalf("first Migrate applied %v, want %v", applied, want)
	}
	if v, _ := db.SchemaVersion(ctx); v != len(ms) {
		t.Fatalf("schema version %d, want %d", v, len(ms))
	}
	applied, err = db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, want none", applied)
	}
	if v, _ := db.SchemaVersion(ctx); v != len(ms) {
		t.Fatalf("schema version %d after second Migrate, want %d", v, len(ms))
	}
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	db := openRaw(t)
	if _, err := db.W.Exec(`PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	applied, err := db.Migrate(ctx)
	if err == nil {
		t.Fatalf("Migrate on a version 999 database succeeded (applied %v)", applied)
	}
	if !strings.Contains(err.Error(), "999") || !strings.Contains(err.Error(), "newer") {
		t.Errorf("error %q does not say the database (999) is newer", err)
	}
	if len(applied) != 0 {
		t.Errorf("applied %v", applied)
	}
	if v, _ := db.SchemaVersion(ctx); v != 999 {
		t.Errorf("version changed to %d", v)
	}
	var tables int
	if err := db.W.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d tables created in a database that was refused", tables)
	}
}

func TestWALAndForeignKeys(t *testing.T) {
	db, _ := testutil.NewDB(t)
	for name, pool := range map[string]*sql.DB{"writer": db.W, "reader": db.R} {
		var mode string
		if err := pool.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("%s journal_mode = %q, want wal", name, mode)
		}
		var fk int
		if err := pool.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if fk != 1 {
			t.Errorf("%s foreign_keys = %d, want 1", name, fk)
		}
	}
	// Foreign keys are enforced, not just switched on.
	_, err := db.W.Exec(`INSERT INTO users (email, name, role, council_gss, created_at, updated_at)
		VALUES ('x@leeds.gov.uk', 'X', 'officer', 'E99999999', 'now', 'now')`)
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("insert with an unknown council: %v, want a FOREIGN KEY error", err)
	}
}

func TestReaderPoolIsReadOnly(t *testing.T) {
	db, _ := testutil.NewDB(t)
	if _, err := db.R.Exec(`INSERT INTO settings (name, value) VALUES ('x', 'y')`); err == nil {
		t.Fatal("the read pool accepted a write")
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if db.Path() == "" {
		t.Error("Path is empty")
	}
}

func settingExists(t *testing.T, db *models.DB, name string) bool {
	t.Helper()
	var n int
	if err := db.R.QueryRow(`SELECT count(*) FROM settings WHERE name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func TestTxCommits(t *testing.T) {
	db, _ := testutil.NewDB(t)
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO settings (name, value) VALUES ('committed', '1')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !settingExists(t, db, "committed") {
		t.Fatal("committed row missing")
	}
}

func TestTxRollsBackOnError(t *testing.T) {
	db, _ := testutil.NewDB(t)
	boom := errors.New("boom")
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO settings (name, value) VALUES ('rolled-back', '1')`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx returned %v, want the function's error", err)
	}
	if settingExists(t, db, "rolled-back") {
		t.Fatal("row written by a failed transaction was kept")
	}
	// The single writer connection is free again.
	if err := db.Tx(context.Background(), func(tx *sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestTxRollsBackOnPanic(t *testing.T) {
	db, _ := testutil.NewDB(t)
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the original panic", p)
			}
		}()
		_ = db.Tx(context.Background(), func(tx *sql.Tx) error {
			if _, err := tx.Exec(`INSERT INTO settings (name, value) VALUES ('panicked', '1')`); err != nil {
				return err
			}
			panic("boom")
		})
		t.Error("Tx did not re-panic")
	}()
	if settingExists(t, db, "panicked") {
		t.Fatal("row written before a panic was kept")
	}
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO settings (name, value) VALUES ('after', '1')`)
		return err
	})
	if err != nil {
		t.Fatalf("writer unusable after a panic: %v", err)
	}
}
