package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"jointly/models"
)

// mappingFlags collects repeated --map 'Header=field' flags.
type mappingFlags map[string]string

func (m mappingFlags) String() string { return fmt.Sprint(map[string]string(m)) }

func (m mappingFlags) Set(v string) error {
	h, f, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(h) == "" {
		return fmt.Errorf("%q: write it as 'Column header=field'", v)
	}
	m[strings.TrimSpace(h)] = strings.TrimSpace(f)
	return nil
}

// tableExtensions are file names that are CSV or Excel whatever they hold,
// so a missing --council is a usage error before the file is opened.
var tableExtensions = map[string]bool{".csv": true, ".tsv": true, ".txt": true, ".xlsx": true, ".xls": true}

// cmdImportContracts: jointly import contracts [--council GSS] [--db PATH]
// [--dry-run] [--map 'Header=field']… [--sheet NAME] FILE. All or
// nothing: on any bad row it writes nothing, lists every problem on
// stderr (file:row: column "value": reason) and exits 1.
func cmdImportContracts(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("import contracts", stderr)
	dbFlag(fs, &cfg, getenv)
	council := fs.String("council", "", "GSS code of the council whose register a CSV or Excel file is (OCDS: only that council's notices)")
	dryRun := fs.Bool("dry-run", false, "check the file and report what would change, writing nothing")
	sheet := fs.String("sheet", "", "Excel: the sheet to read (default: the first)")
	maps := mappingFlags{}
	fs.Var(maps, "map", "read a column as a field: 'Header=field' (repeatable; field \"ignore\" skips a column)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("import contracts: give exactly one FILE")
	}
	file := fs.Arg(0)
	if *council == "" && tableExtensions[strings.ToLower(filepath.Ext(file))] {
		return usagef("import contracts: a CSV or Excel file needs --council GSS (the council whose register it is)")
	}
	data, err := os.ReadFile(file) // #nosec G304 -- the file the operator named on the command line
	if err != nil {
		return err
	}
	format := models.DetectImportFormat(data)
	if *council == "" && format != models.FormatOCDS {
		return usagef("import contracts: %s is %s, which needs --council GSS (the council whose register it is)", file, strings.ToUpper(string(format)))
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.ImportContracts(ctx, models.System, models.ContractImport{
		CouncilGSS: *council, FileName: filepath.Base(file), Data: data, Format: format, Sheet: *sheet, Mappings: maps, DryRun: *dryRun,
	})
	var ierr *models.ImportError
	if errors.As(err, &ierr) {
		for _, r := range ierr.Rows {
			if r.Value != "" {
				fmt.Fprintf(stderr, "%s:%d: %s %q: %s\n", file, r.Line, r.Field, r.Value, r.Message)
			} else {
				fmt.Fprintf(stderr, "%s:%d: %s: %s\n", file, r.Line, r.Field, r.Message)
			}
		}
		return fmt.Errorf("import contracts: nothing imported: %d problem(s) in %s", len(ierr.Rows), file)
	}
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("import contracts: %s", verr.Fields[0].Message)
	}
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("import contracts: there is no council %s", *council)
	}
	if err != nil {
		return err
	}
	printImportResult(stdout, res)
	return nil
}

// printImportResult writes the counts: one line for the whole import,
// then (OCDS) one a council and what was skipped.
func printImportResult(w io.Writer, res models.ContractImportResult) {
	line := fmt.Sprintf("created %d, updated %d, unchanged %d", res.Created, res.Updated, res.Unchanged)
	if res.DryRun {
		line = "dry run, nothing written: would have " + line
	}
	fmt.Fprintln(w, line)
	if res.Format != models.FormatOCDS {
		return
	}
	for _, c := range res.Councils {
		fmt.Fprintf(w, "  %s (%s): created %d, updated %d, unchanged %d\n", c.Name, c.GSS, c.Created, c.Updated, c.Unchanged)
	}
	fmt.Fprintf(w, "skipped: %d notices whose buyer is not a council, %d for other councils, %d not yet awarded; %d older releases superseded\n",
		res.SkippedNotCouncil, res.SkippedOtherCouncil, res.SkippedNoAward, res.Superseded)
}
