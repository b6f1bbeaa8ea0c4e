// Package models holds Jointly's domain: its structs, queries, rules and
// migrations. It never imports gin or html/template, so every route (page,
// API, export, search, job) obeys the same rules.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver (built with the sqlite_fts5 tag)
)

// DB is Jointly's database: one single-connection pool for writes, so SQLite
// never sees two writers, and a small pool for reads, which WAL lets run
// beside the writer. Clock is the only source of "now" for domain rules.
type DB struct {
	W     *sql.DB
	R     *sql.DB
	Clock Clock
	// PasswordCost is the bcrypt cost for new password hashes.
	PasswordCost   int
	path           string
	partnerCache   versionedCache[[]PartnerMatch]
	platformsCache versionedCache[[]AgeingPlatform]
	legacyCache    versionedCache[[]LegacyContract]
}

// Open opens (creating if need be) the SQLite database at path. It does not
// migrate: call Migrate.
func Open(path string, clock Clock) (*DB, error) {
	if clock == nil {
		clock = SystemClock{}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("database folder: %w", err)
	}
	dsn := func(mode string) string {
		q := url.Values{}
		q.Set("_journal_mode", "WAL")
		q.Set("_busy_timeout", "5000")
		q.Set("_foreign_keys", "on")
		q.Set("_synchronous", "NORMAL")
		q.Set("_txlock", "immediate")
		if mode != "" {
			q.Set("mode", mode)
		}
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite3", dsn("rwc"))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite3", dsn("ro"))
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	readers := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{W: w, R: r, Clock: clock, PasswordCost: DefaultPasswordCost, path: path}
	db.partnerCache.clone = cloneSlice[PartnerMatch]
	db.platformsCache.clone = cloneSlice[AgeingPlatform]
	db.legacyCache.clone = cloneSlice[LegacyContract]
	return db, nil
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.R.Close(), db.W.Close())
}

// Ping checks that both pools answer a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("read pool: %w", err)
	}
	if err := db.W.PingContext(ctx); err != nil {
		return fmt.Errorf("write pool: %w", err)
	}
	return nil
}

// Tx runs fn in one write transaction: committed if fn returns nil (and the
// commit's own error is returned), rolled back otherwise.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// now is the current time from the injected clock, in UTC.
func (db *DB) now() time.Time { return db.Clock.Now().UTC() }
