package models

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
)

// Contract imports read a council's register from the files councils and
// the national portals publish, and write it all or nothing:
//   - CSV in the Local Government Transparency Code layouts councils
//     publish, whatever their headers say, and Contracts Finder's
//     award-notice CSV (contract_import_table.go);
//   - Excel .xlsx, read with the same header logic;
//   - OCDS release packages, record packages and release arrays, as
//     Contracts Finder, Find a Tender, PCS and Sell2Wales publish them: the
//     buyer decides the council (contract_import_ocds.go).
//
// Every row is read and validated before anything is written; one bad row
// and nothing is, and the error lists every bad row. Rows are written with
// upsertContract, keyed by council and reference, so importing the same
// file again changes nothing and a changed row is recorded in the
// contract's history.

// ImportFormat is the kind of file imported.
type ImportFormat string

// The formats ImportContracts reads. FormatAuto decides by the content:
// JSON is OCDS, a zip (PK) is Excel, anything else CSV.
const (
	FormatAuto ImportFormat = ""
	FormatCSV  ImportFormat = "csv"
	FormatXLSX ImportFormat = "xlsx"
	FormatOCDS ImportFormat = "ocds"
)

// DetectImportFormat decides a file's format by its content.
func DetectImportFormat(data []byte) ImportFormat {
	b := bytes.TrimLeft(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return FormatXLSX
	case len(b) > 0 && b[0] == '{':
		return FormatOCDS
	case len(b) > 0 && b[0] == '[':
		rest := bytes.TrimLeft(b[1:], " \t\r\n")
		if len(rest) == 0 || rest[0] == '{' || rest[0] == ']' {
			return FormatOCDS
		}
	}
	return FormatCSV
}

// ContractImport is one file to import.
type ContractImport struct {
	// CouncilGSS is the council whose register a CSV or Excel file is.
	// For OCDS each notice's buyer decides; when set, only that council's
	// notices are imported and the others are counted as skipped.
	CouncilGSS string
	FileName   string
	Data       []byte
	Format     ImportFormat // FormatAuto to decide by content
	Sheet      string       // Excel: the sheet to read; "" for the first
	// Mappings are header → field choices for this import (field keys
	// from ImportFields, or ImportIgnore); they beat remembered mappings
	// and Jointly's own names, and are remembered for the council when
	// the import succeeds.
	Mappings map[string]string
	// DryRun does everything but commit: the counts say what an import
	// would do.
	DryRun bool
}

// CouncilImportCount is what an import did to one council's register.
type CouncilImportCount struct {
	GSS, Name                   string
	Created, Updated, Unchanged int
}

// ContractImportResult says what an import did, or (for a dry run, or
// alongside an *ImportError) what it found.
type ContractImportResult struct {
	Format ImportFormat
	Layout string   // the layout recognised, in words
	Sheet  string   // Excel: the sheet read
	Sheets []string // Excel: every sheet of the workbook
	Rows   int      // rows (or OCDS contracts) read

	Created, Updated, Unchanged int
	Councils                    []CouncilImportCount // per council, by name

	// Headers are the columns found and how each was read (CSV, Excel).
	Headers []HeaderMapping

	// OCDS notices not imported, and why.
	SkippedNotCouncil   int // the buyer is not a council Jointly knows
	SkippedOtherCouncil int // for another council than the one asked for
	SkippedNoAward      int // no contract or award yet (planning, tender)
	Superseded          int // an older release of a process a later one replaces

	DryRun bool
}

// UnmappedHeaders are the columns Jointly did not recognise.
func (r ContractImportResult) UnmappedHeaders() []HeaderMapping {
	var out []HeaderMapping
	for _, h := range r.Headers {
		if h.How == MappedUnknown {
			out = append(out, h)
		}
	}
	return out
}

// importRow is one contract read from a file, ready to write.
type importRow struct {
	line int
	gss  string
	in   ContractInput
	// where maps a field key to the column (or OCDS path) and raw value
	// it came from, so validation messages point at the cell.
	where map[string]cell
}

type cell struct{ column, value string }

// parsedImport is what reading a file found.
type parsedImport struct {
	rows []importRow
	errs []RowError
	res  ContractImportResult
}

// importLookups are what parsing needs from the database.
type importLookups struct {
	categories []Category
	councils   *councilIndex
	remembered map[string]string
	chosen     map[string]string
}

var errDryRun = errors.New("dry run: rolled back")

// ImportContracts reads a file of contracts and writes it to the register,
// all or nothing (see the top of this file). On invalid input it returns
// an *ImportError listing every problem, and the result still says what
// was found (the columns and how they were read), so a page can offer to
// map them.
func (db *DB) ImportContracts(ctx context.Context, actor User, req ContractImport) (ContractImportResult, error) {
	format := req.Format
	if format == FormatAuto {
		format = DetectImportFormat(req.Data)
	}
	res := ContractImportResult{Format: format, DryRun: req.DryRun}
	if format != FormatOCDS || req.CouncilGSS != "" {
		if req.CouncilGSS == "" {
			return res, &ValidationError{Fields: []FieldError{{"council", "Say whose register this file is: a CSV or Excel file needs the council's GSS code"}}}
		}
		if !CanEditRegister(actor, req.CouncilGSS) {
			return res, fmt.Errorf("import contracts into %s: %w", req.CouncilGSS, ErrForbidden)
		}
		c, err := db.CouncilByGSS(ctx, req.CouncilGSS)
		if err != nil {
			return res, err
		}
		if !c.Active {
			return res, &ValidationError{Fields: []FieldError{{"council", c.Name + " is no longer a council: its register cannot be imported"}}}
		}
	}
	lk, err := db.importLookups(ctx, req, format)
	if err != nil {
		return res, err
	}
	var p parsedImport
	switch format {
	case FormatCSV:
		p = parseCSVImport(req.Data, lk)
	case FormatXLSX:
		p = parseXLSXImport(req.Data, req.Sheet, lk)
	case FormatOCDS:
		p = parseOCDSImport(req.Data, req.CouncilGSS, lk)
	default:
		return res, &ValidationError{Fields: []FieldError{{"format", fmt.Sprintf("%q is not a format Jointly imports: use csv, xlsx or ocds", format)}}}
	}
	p.res.Format, p.res.DryRun = format, req.DryRun
	res = p.res
	if format != FormatOCDS {
		for i := range p.rows {
			p.rows[i].gss = req.CouncilGSS
		}
	}
	for _, r := range p.rows {
		if !CanEditRegister(actor, r.gss) {
			return res, fmt.Errorf("import contracts into %s: %w", r.gss, ErrForbidden)
		}
	}
	p.errs = append(p.errs, validateImportRows(p.rows, format)...)
	if len(p.errs) > 0 {
		return res, importErrors(p.errs)
	}
	counts := map[string]*CouncilImportCount{}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		var errs []RowError
		for _, r := range p.rows {
			_, outcome, err := db.upsertContract(ctx, tx, actor.ID, r.gss, r.in)
			var verr *ValidationError
			if errors.As(err, &verr) {
				errs = append(errs, r.fieldErrors(verr)...)
				continue
			}
			if err != nil {
				return fmt.Errorf("row %d: %w", r.line, err)
			}
			k := counts[r.gss]
			if k == nil {
				k = &CouncilImportCount{GSS: r.gss}
				counts[r.gss] = k
			}
			switch outcome {
			case Created:
				k.Created++
			case Updated:
				k.Updated++
			default:
				k.Unchanged++
			}
		}
		if len(errs) > 0 {
			return importErrors(errs)
		}
		if req.DryRun {
			return errDryRun
		}
		if format != FormatOCDS {
			if err := saveImportMappings(ctx, tx, req.CouncilGSS, res.Headers, lk.chosen); err != nil {
				return err
			}
		}
		gssCodes := make([]string, 0, len(counts))
		for gss := range counts {
			gssCodes = append(gssCodes, gss)
		}
		sort.Strings(gssCodes)
		for _, gss := range gssCodes {
			k := counts[gss]
			if err := db.audit(ctx, tx, actor.ID, "contracts.import", "council", gss, map[string]any{
				"file": req.FileName, "format": string(format), "created": k.Created, "updated": k.Updated, "unchanged": k.Unchanged,
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return res, err
	}
	for _, k := range counts {
		if c, ok := lk.councils.byGSS[k.GSS]; ok {
			k.Name = c.Name
		}
		res.Created += k.Created
		res.Updated += k.Updated
		res.Unchanged += k.Unchanged
		res.Councils = append(res.Councils, *k)
	}
	sort.Slice(res.Councils, func(i, j int) bool { return res.Councils[i].Name < res.Councils[j].Name })
	return res, nil
}

// validateImportRows runs each row through the register's own validation
// and finds references used twice for one council.
func validateImportRows(rows []importRow, format ImportFormat) []RowError {
	var errs []RowError
	first := map[string]int{}
	for i := range rows {
		r := &rows[i]
		switch format {
		case FormatXLSX:
			r.in.Source = "xlsx"
		case FormatOCDS:
			r.in.Source = "ocds"
		default:
			r.in.Source = "csv"
		}
		if verr := r.in.Validate(); verr.Err() != nil {
			errs = append(errs, r.fieldErrors(verr)...)
		}
		if r.in.Reference == "" {
			continue
		}
		key := r.gss + "\x00" + r.in.Reference
		if line, dup := first[key]; dup {
			c := r.cell("reference")
			errs = append(errs, RowError{Line: r.line, Field: c.column, Value: r.in.Reference,
				Message: fmt.Sprintf("the same reference is on row %d: each contract needs its own reference", line)})
			continue
		}
		first[key] = r.line
	}
	return errs
}

// cell is where a field's value came from, or the field in words.
func (r importRow) cell(field string) cell {
	if c, ok := r.where[field]; ok {
		return c
	}
	if field == "supplier_company_number" {
		if c, ok := r.where["supplier_id"]; ok {
			return c
		}
	}
	if f, ok := importFieldByKey(field); ok {
		return cell{column: f.Label}
	}
	return cell{column: field}
}

// fieldErrors turns a contract's validation messages into row errors
// pointing at the cells.
func (r importRow) fieldErrors(verr *ValidationError) []RowError {
	out := make([]RowError, len(verr.Fields))
	for i, f := range verr.Fields {
		c := r.cell(f.Field)
		out[i] = RowError{Line: r.line, Field: c.column, Value: c.value, Message: f.Message}
	}
	return out
}

// importErrors sorts problems by row and wraps them.
func importErrors(errs []RowError) *ImportError {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	return &ImportError{Rows: errs}
}
