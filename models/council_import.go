package models

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// RowError is one problem in one row of an imported file.
type RowError struct {
	Line    int // line in the file, counting the header as line 1
	Field   string
	Message string
	Value   string // the value that was read, when there is one
}

// ImportError reports every bad row of a file that was therefore not
// imported at all: imports are all-or-nothing.
type ImportError struct {
	Rows []RowError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "nothing imported: %d problem(s)", len(e.Rows))
	for i, r := range e.Rows {
		if i == 20 {
			fmt.Fprintf(&b, "; and %d more", len(e.Rows)-i)
			break
		}
		if r.Value != "" {
			fmt.Fprintf(&b, "; line %d, %s %q: %s", r.Line, r.Field, r.Value, r.Message)
			continue
		}
		fmt.Fprintf(&b, "; line %d, %s: %s", r.Line, r.Field, r.Message)
	}
	return b.String()
}

// CouncilImportSummary counts what an import did.
type CouncilImportSummary struct {
	Rows           int
	Added          int
	Updated        int
	Unchanged      int
	MarkedInactive int
	SkippedFormer  int // former councils the database never held
	SkippedOther   int // combined authorities, the GLA and other non-principal bodies
	Active         int // active councils in the database afterwards
}

func (s CouncilImportSummary) String() string {
	return fmt.Sprintf("councils: %d rows read; %d added, %d updated, %d unchanged, %d marked inactive; skipped %d former councils not held and %d bodies that are not principal councils; %d active councils in all",
		s.Rows, s.Added, s.Updated, s.Unchanged, s.MarkedInactive, s.SkippedFormer, s.SkippedOther, s.Active)
}

// councilRow is one council as read from either file layout.
type councilRow struct {
	line                          int
	gss, name, official, typeCode string
	region, nation, endDate       string
	population                    int64
	active                        bool
}

// ImportCouncils reads a councils CSV and upserts councils by GSS code,
// all or nothing. Two layouts are read:
//   - mySociety's uk_local_authorities.csv (gss-code, nice-name,
//     official-name, local-authority-type, region, nation,
//     current-authority, end-date, pop-2020): bodies that are not
//     principal councils are skipped; former councils already held are
//     marked inactive, others are skipped;
//   - a plain gss_code,name,type,region CSV (type as a code or a name;
//     optional official_name and active columns).
//
// Councils not in the file are left as they are: a partial file is normal.
func (db *DB) ImportCouncils(ctx context.Context, actorID int64, r io.Reader) (CouncilImportSummary, error) {
	var sum CouncilImportSummary
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return sum, &ImportError{Rows: []RowError{{Line: 1, Field: "header", Message: "the file is empty or not CSV"}}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	parse, err := councilRowParser(col)
	if err != nil {
		return sum, err
	}
	var rows []councilRow
	seen := map[string]int{} // GSS code → first line
	ierr := &ImportError{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ierr.Rows = append(ierr.Rows, RowError{Line: line, Field: "row", Message: "not valid CSV: " + err.Error()})
			break
		}
		sum.Rows++
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row, skip, errs := parse(line, get)
		if first, dup := seen[row.gss]; dup && skip == skipNone {
			errs = append(errs, RowError{Line: line, Field: "gss_code", Message: fmt.Sprintf("%s appears again (first on line %d)", row.gss, first)})
		} else if ValidGSSCode(row.gss) && skip == skipNone {
			seen[row.gss] = line
		}
		ierr.Rows = append(ierr.Rows, errs...)
		switch skip {
		case skipNotPrincipal:
			sum.SkippedOther++
		case skipNone:
			if len(errs) == 0 {
				rows = append(rows, row)
			}
		}
	}
	if len(ierr.Rows) > 0 {
		return CouncilImportSummary{}, ierr
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		for _, row := range rows {
			if row.gss == "" {
				sum.SkippedFormer++
				continue
			}
			if err := db.upsertCouncil(ctx, tx, row, &sum); err != nil {
				return fmt.Errorf("line %d: %w", row.line, err)
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM councils WHERE active = 1`).Scan(&sum.Active); err != nil {
			return err
		}
		return db.audit(ctx, tx, actorID, "councils.import", "councils", "*", map[string]any{
			"rows": sum.Rows, "added": sum.Added, "updated": sum.Updated, "marked_inactive": sum.MarkedInactive,
		})
	})
	if err != nil {
		return CouncilImportSummary{}, err
	}
	return sum, nil
}

type skipReason int

const (
	skipNone skipReason = iota
	skipNotPrincipal
)

type rowParser func(line int, get func(string) string) (councilRow, skipReason, []RowError)

func councilRowParser(col map[string]int) (rowParser, error) {
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := col[n]; !ok {
				return false
			}
		}
		return true
	}
	switch {
	case has("gss-code", "local-authority-type", "region", "current-authority"):
		return parseMySocietyRow, nil
	case has("gss_code", "name", "type", "region"):
		return parsePlainRow, nil
	}
	return nil, &ImportError{Rows: []RowError{{Line: 1, Field: "header",
		Message: "expected mySociety's uk_local_authorities.csv columns (gss-code, nice-name, local-authority-type, region, current-authority) or gss_code,name,type,region"}}}
}

func parseMySocietyRow(line int, get func(string) string) (councilRow, skipReason, []RowError) {
	row := councilRow{
		line: line, gss: get("gss-code"), name: get("nice-name"), official: get("official-name"),
		typeCode: get("local-authority-type"), region: get("region"), nation: get("nation"),
		endDate: get("end-date"), active: strings.EqualFold(get("current-authority"), "true"),
	}
	if CouncilTypeName(row.typeCode) == row.typeCode {
		return row, skipNotPrincipal, nil
	}
	if row.name == "" {
		row.name = row.official
	}
	if p := get("pop-2020"); p != "" {
		if f, err := strconv.ParseFloat(p, 64); err == nil && f >= 0 {
			row.population = int64(f)
		}
	}
	if !row.active && row.gss == "" {
		// A former council from before GSS codes: nothing can refer to it.
		return row, skipNone, nil
	}
	return row, skipNone, validateCouncilRow(row)
}

func parsePlainRow(line int, get func(string) string) (councilRow, skipReason, []RowError) {
	row := councilRow{line: line, gss: get("gss_code"), name: get("name"), official: get("official_name"), region: get("region"), active: true}
	var errs []RowError
	typ := get("type")
	row.typeCode = councilTypeCode(typ)
	if row.typeCode == "" {
		errs = append(errs, RowError{Line: line, Field: "type", Message: fmt.Sprintf("%q is not a council type: use a code (MD, UA, NMD, CTY, LBO, CC, SCO, WPA, NID) or its name", typ)})
	}
	switch a := strings.ToLower(get("active")); a {
	case "", "true", "yes", "1":
	case "false", "no", "0":
		row.active = false
	default:
		errs = append(errs, RowError{Line: line, Field: "active", Message: fmt.Sprintf("%q is not true or false", a)})
	}
	if row.official == "" {
		row.official = row.name
	}
	row.nation = NationOfGSS(row.gss)
	return row, skipNone, append(errs, validateCouncilRow(row)...)
}

func validateCouncilRow(row councilRow) []RowError {
	var errs []RowError
	if !ValidGSSCode(row.gss) {
		errs = append(errs, RowError{Line: row.line, Field: "gss_code", Message: fmt.Sprintf("%q is not a GSS code, like E08000035", row.gss)})
	}
	if row.name == "" {
		errs = append(errs, RowError{Line: row.line, Field: "name", Message: "the council's name is missing"})
	}
	if row.region == "" && row.active {
		errs = append(errs, RowError{Line: row.line, Field: "region", Message: "the region is missing"})
	}
	return errs
}

func councilTypeCode(s string) string {
	for _, t := range CouncilTypes {
		if strings.EqualFold(s, t.Code) || strings.EqualFold(s, t.Name) {
			return t.Code
		}
	}
	return ""
}

func (db *DB) upsertCouncil(ctx context.Context, tx *sql.Tx, row councilRow, sum *CouncilImportSummary) error {
	var (
		old       Council
		oldRegion string
	)
	err := tx.QueryRowContext(ctx,
		`SELECT c.name, c.official_name, c.type_code, c.active, coalesce(c.end_date, ''), coalesce(c.population, 0), r.name
		   FROM councils c JOIN regions r ON r.id = c.region_id WHERE c.gss_code = ?`, row.gss).
		Scan(&old.Name, &old.OfficialName, &old.TypeCode, &old.Active, &old.EndDate, &old.Population, &oldRegion)
	held := err == nil
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if !row.active && !held {
		sum.SkippedFormer++
		return nil
	}
	if row.region == "" {
		row.region = oldRegion // a former council whose region the file no longer gives
	}
	if row.nation == "" {
		row.nation = NationOfGSS(row.gss)
	}
	if row.population == 0 {
		row.population = old.Population
	}
	regionID, err := ensureRegion(ctx, tx, row.region, row.nation)
	if err != nil {
		return err
	}
	now := dbTime(db.now())
	if !held {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO councils (gss_code, name, official_name, type_code, region_id, active, end_date, population, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, nullif(?, ''), nullif(?, 0), ?, ?)`,
			row.gss, row.name, row.official, row.typeCode, regionID, row.active, row.endDate, row.population, now, now)
		if err != nil {
			return conflict(err, "council "+row.gss)
		}
		sum.Added++
		return nil
	}
	if old.Name == row.name && old.OfficialName == row.official && old.TypeCode == row.typeCode &&
		old.Active == row.active && old.EndDate == row.endDate && oldRegion == row.region && old.Population == row.population {
		sum.Unchanged++
		return nil
	}
	_, err = tx.ExecContext(ctx,
		`UPDATE councils SET name = ?, official_name = ?, type_code = ?, region_id = ?, active = ?, end_date = nullif(?, ''),
		        population = nullif(?, 0), updated_at = ? WHERE gss_code = ?`,
		row.name, row.official, row.typeCode, regionID, row.active, row.endDate, row.population, now, row.gss)
	if err != nil {
		return err
	}
	if old.Active && !row.active {
		sum.MarkedInactive++
	} else {
		sum.Updated++
	}
	return nil
}
