package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Backups are consistent copies of the live database, made while the
// portal runs: VACUUM INTO reads one snapshot (WAL lets writers carry on)
// and writes a compact copy. Restores go the other way through SQLite's
// online backup API, so a database file someone has open changes in one
// step rather than under their feet.

// BackupTo writes a consistent copy of the database to path. The copy is
// written under a temporary name in the same folder, flushed to disk, then
// renamed, so a half-written backup never looks like a finished one. An
// existing file at path is refused, or replaced when replace is set.
func (db *DB) BackupTo(ctx context.Context, path string, replace bool) error {
	path, err := filepath.Abs(path) // absolute: VACUUM INTO never reads it as a file: URI
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("backup folder: %w", err)
	}
	if !replace {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists: %w", path, os.ErrExist)
		}
	}
	// An empty file is a valid VACUUM INTO target, and CreateTemp makes it
	// readable by its owner only, as a copy of password hashes should be.
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+partialSuffix+"*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmpPath := tmp.Name()
	_ = tmp.Close()
	done := false
	defer func() {
		if !done {
			_ = os.Remove(tmpPath)
		}
	}()
	// A read connection: the copy reads one snapshot and never holds up
	// the writer.
	if _, err := db.R.ExecContext(ctx, `VACUUM INTO ?`, tmpPath); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := syncFile(tmpPath); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if replace {
		err = os.Rename(tmpPath, path)
	} else {
		// A hard link fails if path has appeared meanwhile: never overwrite.
		if err = os.Link(tmpPath, path); err == nil {
			_ = os.Remove(tmpPath)
		}
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	done = true
	return syncFile(dir)
}

// partialSuffix marks a backup being written.
const partialSuffix = ".partial-"

// syncFile flushes a file, or a folder's entries, to disk.
func syncFile(path string) error {
	f, err := os.Open(path) // #nosec G304 -- a backup path the operator or the backup job chose
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// backupName matches the nightly backups' names, jointly-20261121-0300.db;
// only these are ever deleted by PruneBackups.
var backupName = regexp.MustCompile(`^jointly-\d{8}-\d{4}\.db$`)

// BackupName is the nightly backup's file name for scheduled time at, in
// UK time: jointly-20261121-0300.db.
func BackupName(at time.Time) string {
	return "jointly-" + at.In(London()).Format("20060102-1504") + ".db"
}

// PruneBackups keeps the newest keep nightly backups in dir (by name,
// which sorts by time) and deletes the rest, with any of their temporary
// files left more than a day ago by a backup that crashed. Other files
// are never touched. It returns the names deleted.
func PruneBackups(dir string, keep int, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var backups, removed []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		if backupName.MatchString(name) {
			backups = append(backups, name)
			continue
		}
		if base, _, ok := strings.Cut(name, partialSuffix); ok && backupName.MatchString(base) {
			if info, err := e.Info(); err == nil && info.ModTime().Before(now.Add(-24*time.Hour)) {
				if err := os.Remove(filepath.Join(dir, name)); err != nil {
					return removed, err
				}
				removed = append(removed, name)
			}
		}
	}
	slices.Sort(backups)
	for len(backups) > max(keep, 1) {
		if err := os.Remove(filepath.Join(dir, backups[0])); err != nil {
			return removed, err
		}
		removed = append(removed, backups[0])
		backups = backups[1:]
	}
	return removed, nil
}

// BackupInfo describes a database file.
type BackupInfo struct {
	Path          string
	Size          int64
	SchemaVersion int
}

// Why a file cannot be restored.
var (
	ErrNotDatabase = errors.New("not a SQLite database")
	ErrNotJointly  = errors.New("not a Jointly database")
	ErrDamaged     = errors.New("damaged")
	ErrNewerSchema = errors.New("made by a newer Jointly")
	ErrRestoreOnto = errors.New("it is the database being restored")
)

// jointlyCoreTables are tables every Jointly database has, from its first
// migration or nearly: a database without them is someone else's.
var jointlyCoreTables = []string{"councils", "users", "contracts", "audit_events"}

// CheckBackup reads the database file at path, without changing it, and
// checks it is one this binary can restore: a SQLite database that passes
// PRAGMA integrity_check, holding Jointly's tables, at a schema version no
// newer than this binary's.
func CheckBackup(ctx context.Context, path string) (BackupInfo, error) {
	info := BackupInfo{Path: path}
	st, err := os.Stat(path)
	if err != nil {
		return info, err
	}
	if !st.Mode().IsRegular() {
		return info, fmt.Errorf("%s: %w", path, ErrNotDatabase)
	}
	info.Size = st.Size()
	src, err := openReadOnly(path)
	if err != nil {
		return info, err
	}
	defer src.Close()
	var result string
	if err := src.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&result); err != nil {
		if isNotADatabase(err) {
			return info, fmt.Errorf("%s: %w", path, ErrNotDatabase)
		}
		return info, fmt.Errorf("%s: %w: %v", path, ErrDamaged, err)
	}
	if result != "ok" {
		return info, fmt.Errorf("%s: %w: integrity check says %s", path, ErrDamaged, result)
	}
	for _, t := range jointlyCoreTables {
		var n int
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, t).Scan(&n); err != nil {
			return info, err
		}
		if n == 0 {
			return info, fmt.Errorf("%s: %w (it has no %s table)", path, ErrNotJointly, t)
		}
	}
	if err := src.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&info.SchemaVersion); err != nil {
		return info, err
	}
	ms, err := Migrations()
	if err != nil {
		return info, err
	}
	if info.SchemaVersion > len(ms) {
		return info, fmt.Errorf("%s: %w: its schema version is %d, this binary's %d: upgrade jointly first",
			path, ErrNewerSchema, info.SchemaVersion, len(ms))
	}
	return info, nil
}

// openReadOnly opens a database file that must not change.
func openReadOnly(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_busy_timeout", "5000")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func isNotADatabase(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrNotADB
}

// RestoreFrom replaces the whole database with the one at src (checked
// with CheckBackup first), through SQLite's online backup API on the
// write connection: the copy is one write transaction, so anyone with the
// file open sees the old database or the new, never a mixture. It does not
// migrate: call Migrate after. Restoring a file onto itself is refused.
func (db *DB) RestoreFrom(ctx context.Context, src string) error {
	if same, err := sameFile(src, db.path); err != nil {
		return err
	} else if same {
		return fmt.Errorf("restore %s: %w", src, ErrRestoreOnto)
	}
	from, err := openReadOnly(src)
	if err != nil {
		return err
	}
	defer from.Close()
	sconn, err := from.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer sconn.Close()
	dconn, err := db.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	err = dconn.Raw(func(d any) error {
		return sconn.Raw(func(s any) error {
			bk, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			giveUp := time.Now().Add(restoreBusyWait)
			for {
				// Every page in one step: one transaction on each side. A
				// busy database is tried again for a while.
				done, err := bk.Step(-1)
				if err != nil || done {
					return errors.Join(err, bk.Finish())
				}
				if time.Now().After(giveUp) {
					return errors.Join(errors.New("the database stayed busy: stop the server and try again"), bk.Finish())
				}
				select {
				case <-ctx.Done():
					return errors.Join(ctx.Err(), bk.Finish())
				case <-time.After(100 * time.Millisecond):
				}
			}
		})
	})
	if err != nil {
		return fmt.Errorf("restore from %s: %w", src, err)
	}
	return nil
}

// restoreBusyWait is how long a restore waits for a database in use.
const restoreBusyWait = time.Minute

// sameFile reports whether a and b are the same file (b need not exist).
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// TableRows is how many rows one table holds.
type TableRows struct {
	Table string
	Rows  int
}

// RowCounts counts the rows of each named table that exists, in the order
// given; with no names, of every table (FTS shadow tables included), by
// name.
func (db *DB) RowCounts(ctx context.Context, tables ...string) ([]TableRows, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var all []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			_ = rows.Close()
			return nil, err
		}
		all = append(all, n)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(tables) == 0 {
		tables = all
	}
	var out []TableRows
	for _, t := range tables {
		if !slices.Contains(all, t) {
			continue
		}
		var n int
		// t is a table's name from sqlite_schema, quoted as an identifier.
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(t, `"`, `""`)+`"`).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out = append(out, TableRows{Table: t, Rows: n})
	}
	return out, nil
}
