package models

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"jointly/data"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: name must be NNNN_description.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: expected version %d (no gaps or repeats)", m.Version, m.Name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the database's current migration version.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.W.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Migrate applies every migration newer than the database, each in its own
// transaction together with its version bump, then loads reference data.
// It refuses a database whose version is newer than this binary knows.
// It returns the versions applied.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	current, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return nil, fmt.Errorf("database schema version %d is newer than this binary's %d: upgrade jointly", current, len(ms))
	}
	var applied []int
	for _, m := range ms[current:] {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			// PRAGMA takes no bound parameters; m.Version is an int we parsed.
			_, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.Version))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	if err := db.loadReferenceData(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

// loadReferenceData brings the shipped reference data (the category
// taxonomy) up to date; it runs on every migration, idempotently.
func (db *DB) loadReferenceData(ctx context.Context) error {
	f, err := data.Taxonomy.Open("taxonomy/categories.csv")
	if err != nil {
		return err
	}
	defer f.Close()
	return db.SyncCategories(ctx, f)
}
