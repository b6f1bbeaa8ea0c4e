package models

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// What an import needs from the database before it reads a file, and
// the column mappings a council has chosen, remembered for next time.

// importLookups loads the categories, the councils (to match OCDS buyers
// and name councils in results) and the council's remembered mappings.
func (db *DB) importLookups(ctx context.Context, req ContractImport, format ImportFormat) (importLookups, error) {
	var lk importLookups
	var err error
	if lk.categories, err = db.Categories(ctx); err != nil {
		return lk, err
	}
	councils, err := db.Councils(ctx, CouncilFilter{})
	if err != nil {
		return lk, err
	}
	lk.councils = newCouncilIndex(councils)
	if lk.chosen, err = normaliseMappings(req.Mappings); err != nil {
		return lk, err
	}
	if format == FormatOCDS || req.CouncilGSS == "" {
		lk.remembered = map[string]string{}
		return lk, nil
	}
	lk.remembered, err = db.RememberedImportMappings(ctx, req.CouncilGSS)
	return lk, err
}

// RememberedImportMappings lists a council's remembered column mappings,
// normalised header → field.
func (db *DB) RememberedImportMappings(ctx context.Context, gss string) (map[string]string, error) {
	out := map[string]string{}
	rows, err := db.R.QueryContext(ctx, `SELECT header, field FROM import_mappings WHERE council_gss = ?`, gss)
	if err != nil {
		return nil, fmt.Errorf("import mappings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h, f string
		if err := rows.Scan(&h, &f); err != nil {
			return nil, err
		}
		if _, ok := importFieldByKey(f); ok || f == ImportIgnore {
			out[h] = f
		}
	}
	return out, rows.Err()
}

// normaliseMappings reads header → field choices: headers are normalised,
// and a field may be given by key or label; "" means ignore.
func normaliseMappings(in map[string]string) (map[string]string, error) {
	out := map[string]string{}
	var errs []RowError
	for h, f := range in {
		norm := NormaliseImportHeader(h)
		if norm == "" {
			continue
		}
		f = strings.TrimSpace(f)
		if f == "" || strings.EqualFold(f, ImportIgnore) {
			out[norm] = ImportIgnore
			continue
		}
		key := ""
		for _, field := range importFields {
			if strings.EqualFold(f, field.Key) || strings.EqualFold(f, field.Label) {
				key = field.Key
			}
		}
		if key == "" {
			keys := make([]string, len(importFields))
			for i, field := range importFields {
				keys[i] = field.Key
			}
			errs = append(errs, RowError{Line: 1, Field: h, Value: f,
				Message: "not a field Jointly imports: map a column to one of " + strings.Join(keys, ", ") + " or " + ImportIgnore})
			continue
		}
		out[norm] = key
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
		return nil, &ImportError{Rows: errs}
	}
	return out, nil
}

// saveImportMappings remembers the council's choices for the columns of
// this file, so the next file in the same layout reads without asking.
func saveImportMappings(ctx context.Context, tx *sql.Tx, gss string, headers []HeaderMapping, chosen map[string]string) error {
	for _, h := range headers {
		norm := NormaliseImportHeader(h.Header)
		f, ok := chosen[norm]
		if !ok {
			continue
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO import_mappings (council_gss, header, field) VALUES (?, ?, ?)
			 ON CONFLICT (council_gss, header) DO UPDATE SET field = excluded.field`, gss, norm, f); err != nil {
			return fmt.Errorf("remember import mapping: %w", err)
		}
	}
	return nil
}
