package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"jointly/models"
)

// cmdBackup is `jointly backup [--db PATH] FILE`: a consistent copy of
// the database, which may be in use by a running server, written to FILE
// (never over an existing file), checked and described.
func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("backup", stderr)
	dbFlag(fs, &cfg, getenv)
	fs.Usage = commandUsage(fs, "backup [--db PATH] FILE",
		"Writes a consistent copy of the database to FILE, which must not exist yet. The server may be running:\n"+
			"the copy is one snapshot, and the server carries on meanwhile.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("backup: give exactly one FILE to write: jointly backup [--db PATH] FILE")
	}
	file := fs.Arg(0)
	if _, err := os.Stat(cfg.DB); err != nil {
		return fmt.Errorf("no database at %s (set --db or JOINTLY_DB)", cfg.DB)
	}
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s already exists: a backup never overwrites a file, so name a new one", file)
	}
	db, err := models.Open(cfg.DB, models.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.BackupTo(ctx, file, false); err != nil {
		return err
	}
	// The copy is read back and checked as a restore would check it; a
	// database newer than this binary is still a good copy.
	info, err := models.CheckBackup(ctx, file)
	if err != nil && !errors.Is(err, models.ErrNewerSchema) {
		return fmt.Errorf("the backup written to %s does not check out: %w", file, err)
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %s, schema version %d, integrity check ok\n",
		cfg.DB, file, byteSize(info.Size), info.SchemaVersion)
	return nil
}

// restoreTables are the tables whose rows restore reports.
var restoreTables = []string{"councils", "users", "suppliers", "products", "contracts", "bids", "bid_responses",
	"library_items", "audit_events"}

// cmdRestore is `jointly restore [--db PATH] FILE`: it checks FILE is a
// sound Jointly database no newer than this binary, replaces the database
// at --db with it through SQLite's online backup API, migrates it and
// reports its rows.
func cmdRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("restore", stderr)
	dbFlag(fs, &cfg, getenv)
	fs.Usage = commandUsage(fs, "restore [--db PATH] FILE",
		"Replaces the database with the backup FILE, after checking FILE is a sound Jointly database (PRAGMA\n"+
			"integrity_check) no newer than this binary, then migrates it. Everything in the database now is replaced:\n"+
			"take a backup of it first if you may want it back. Stop the server before restoring, and start it after:\n"+
			"the restore is one transaction, but a running server would carry on from what it had in memory.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("restore: give exactly one FILE to restore from: jointly restore [--db PATH] FILE")
	}
	file := fs.Arg(0)
	if same, err := sameFile(file, cfg.DB); err == nil && same {
		return fmt.Errorf("will not restore %s onto itself: name a backup file", file)
	}
	info, err := models.CheckBackup(ctx, file)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no file %s to restore from", file)
	}
	if err != nil {
		return fmt.Errorf("will not restore: %w", err)
	}
	db, err := models.Open(cfg.DB, models.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RestoreFrom(ctx, file); err != nil {
		return err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("restored, but migrating it failed: %w", err)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	counts, err := db.RowCounts(ctx, restoreTables...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s (%s, schema version %d", cfg.DB, file, byteSize(info.Size), info.SchemaVersion)
	if len(applied) > 0 {
		fmt.Fprintf(stdout, ", migrated to %d", v)
	}
	fmt.Fprintln(stdout, "); rows:")
	for _, c := range counts {
		fmt.Fprintf(stdout, "  %-14s %d\n", c.Table, c.Rows)
	}
	return nil
}

// commandUsage is a flag set's help: its synopsis, what it does, its flags.
func commandUsage(fs *flag.FlagSet, synopsis, about string) func() {
	return func() {
		fmt.Fprintf(fs.Output(), "usage: jointly %s\n\n%s\n\nflags:\n", synopsis, about)
		fs.PrintDefaults()
	}
}

// sameFile reports whether a and b are one file (false if either is missing).
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// byteSize is n bytes in words: 12.3 MB.
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	v, suffix := float64(n), "kB"
	for _, s := range []string{"kB", "MB", "GB", "TB"} {
		v /= unit
		suffix = s
		if v < unit {
			break
		}
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}
