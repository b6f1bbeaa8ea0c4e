package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"

	"jointly/models"
)

// cmdExport writes registers to standard output: `export csv` one
// council's as Transparency Code CSV, `export ocds` one council's or all
// as an OCDS release package. It reads as models.System.
func cmdExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("export: say what to export: jointly export csv --council GSS, or jointly export ocds [--council GSS]")
	}
	switch args[0] {
	case "csv":
		return cmdExportCSV(ctx, args[1:], getenv, stdout, stderr)
	case "ocds":
		return cmdExportOCDS(ctx, args[1:], getenv, stdout, stderr)
	}
	return usagef("export: %q is not csv or ocds", args[0])
}

func cmdExportCSV(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("export csv", stderr)
	dbFlag(fs, &cfg, getenv)
	council := fs.String("council", "", "GSS code of the council whose register to export, like E08000035")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("export csv takes no arguments, got %q", fs.Args())
	}
	if *council == "" {
		return usagef("export csv: --council GSS required")
	}
	if !models.ValidGSSCode(*council) {
		return usagef("export csv: --council %q is not a GSS code, like E08000035", *council)
	}
	db, err := openExistingDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	w := bufio.NewWriterSize(stdout, 64<<10)
	if err := db.ExportCSV(ctx, models.System, w, *council); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return w.Flush()
}

func cmdExportOCDS(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("export ocds", stderr)
	dbFlag(fs, &cfg, getenv)
	ocidPrefixFlag(fs, &cfg, getenv)
	council := fs.String("council", "", "GSS code of one council to export (default: every council)")
	defaultBase := envOr(getenv, "JOINTLY_BASE_URL", "http://"+envOr(getenv, "JOINTLY_ADDR", "127.0.0.1:8080"))
	fs.StringVar(&cfg.BaseURL, "base-url", defaultBase, "Jointly's public URL, from which the package's uri is made (JOINTLY_BASE_URL)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("export ocds takes no arguments, got %q", fs.Args())
	}
	if *council != "" && !models.ValidGSSCode(*council) {
		return usagef("export ocds: --council %q is not a GSS code, like E08000035", *council)
	}
	if !models.ValidOCIDPrefix(cfg.OCIDPrefix) {
		return usagef("export ocds: --ocid-prefix %q must be letters, digits and hyphens, like ocds-213czf", cfg.OCIDPrefix)
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("export ocds: --base-url %q is not an http(s) URL", cfg.BaseURL)
	}
	db, err := openExistingDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	opts := models.OCDSOptions{CouncilGSS: *council, OCIDPrefix: cfg.OCIDPrefix, BaseURL: cfg.BaseURL}
	if err := db.ExportOCDS(ctx, models.System, stdout, opts); err != nil {
		return fmt.Errorf("export ocds: %w", err)
	}
	return nil
}

// openExistingDB opens and migrates a database that must already exist:
// exporting from a mistyped path must not create an empty database.
func openExistingDB(ctx context.Context, path string) (*models.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no database at %s (set --db or JOINTLY_DB)", path)
	}
	return openDB(ctx, path)
}
