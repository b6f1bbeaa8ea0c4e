package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"jointly/models"
)

// cmdAudit is `jointly audit verify [--db PATH]`: it walks the audit
// trail's hash chain and exits 0 when every entry checks out, or 1 naming
// the first entry that was altered, or that follows one that was removed.
// It only reads: it does not migrate the database it is checking, so
// evidence is never changed by looking at it.
func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("audit: the only command is: jointly audit verify [--db PATH]")
	}
	var cfg Config
	fs := newFlagSet("audit verify", stderr)
	dbFlag(fs, &cfg, getenv)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("audit verify takes no arguments, got %q", fs.Args())
	}
	if _, err := os.Stat(cfg.DB); err != nil {
		return fmt.Errorf("no database at %s (set --db or JOINTLY_DB)", cfg.DB)
	}
	db, err := models.Open(cfg.DB, models.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := schemaCurrent(ctx, db, cfg.DB); err != nil {
		return err
	}
	n, err := db.VerifyAuditChain(ctx)
	var broken *models.ChainBreak
	if errors.As(err, &broken) {
		return fmt.Errorf("audit trail broken at entry %d: %s", broken.ID, broken.Reason)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit trail intact: %d entries checked\n", n)
	return nil
}

// schemaCurrent refuses a database this binary has not migrated: the
// chain's columns may not be there yet, and verify does not migrate.
func schemaCurrent(ctx context.Context, db *models.DB, path string) error {
	ms, err := models.Migrations()
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version of %s: %w", path, err)
	}
	switch {
	case v < len(ms):
		return fmt.Errorf("database %s is at schema version %d, not %d: run jointly migrate first", path, v, len(ms))
	case v > len(ms):
		return fmt.Errorf("database schema version %d is newer than this binary's %d: upgrade jointly", v, len(ms))
	}
	return nil
}
