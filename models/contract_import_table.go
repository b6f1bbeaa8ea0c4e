package models

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// A table is a CSV file or an Excel sheet: a header row naming the
// columns, then one contract a row. Councils' headers vary, so each is
// read through the synonyms in contract_import_fields.go, the council's
// remembered choices and the choices made for this import.

// tableRecord is one row of a table with its row number (the header is
// row 1 when it is the first row, as a spreadsheet numbers it).
type tableRecord struct {
	line  int
	cells []string
}

// headerSearchRows is how far down a table its header row may be, below
// a title line or two.
const headerSearchRows = 10

func parseCSVImport(data []byte, lk importLookups) parsedImport {
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return parsedImport{errs: []RowError{{Line: 1, Field: "file",
			Message: "an Excel 97–2003 workbook (.xls), which Jointly cannot read: save it as .xlsx or CSV"}}}
	}
	recs, rerr := readCSVRecords(data)
	if rerr != nil {
		return parsedImport{errs: []RowError{*rerr}}
	}
	return parseTable(recs, "csv", false, lk)
}

func parseXLSXImport(data []byte, sheet string, lk importLookups) parsedImport {
	recs, name, sheets, date1904, rerr := readXLSXRecords(data, sheet)
	var p parsedImport
	if rerr != nil {
		p.errs = []RowError{*rerr}
	} else {
		p = parseTable(recs, "xlsx", date1904, lk)
	}
	p.res.Sheet, p.res.Sheets = name, sheets
	return p
}

// readCSVRecords decodes the text (UTF-8 with or without a byte-order
// mark, UTF-16, or Windows-1252), finds the delimiter, and reads every
// record. Stray quotes inside cells, common in hand-edited files, are
// kept as text.
func readCSVRecords(data []byte) ([]tableRecord, *RowError) {
	text := decodeImportText(data)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffDelimiter(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var recs []tableRecord
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &RowError{Line: n, Field: "file", Message: "not valid CSV: " + err.Error()}
		}
		recs = append(recs, tableRecord{line: n, cells: rec})
	}
	if len(recs) == 0 {
		return nil, &RowError{Line: 1, Field: "file", Message: "the file is empty"}
	}
	return recs, nil
}

// sniffDelimiter picks comma, semicolon or tab by which the first line
// holds most of (a comma when none).
func sniffDelimiter(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(line, ",")
	for _, d := range []rune{';', '\t'} {
		if c := strings.Count(line, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

// xlsx limits: a workbook is refused rather than unpacked without bound.
const (
	xlsxUnzipLimit    = 256 << 20
	xlsxUnzipXMLLimit = 64 << 20
)

// readXLSXRecords reads one sheet of a workbook (the first, or the one
// named) with raw cell values, so dates come as Excel serial numbers
// rather than in whatever display format the cell has.
func readXLSXRecords(data []byte, sheet string) (recs []tableRecord, name string, sheets []string, date1904 bool, rerr *RowError) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipXMLLimit})
	if err != nil {
		return nil, "", nil, false, &RowError{Line: 1, Field: "file", Message: "not an Excel workbook Jointly can read: save it as .xlsx or CSV (" + err.Error() + ")"}
	}
	defer f.Close()
	sheets = f.GetSheetList()
	if len(sheets) == 0 {
		return nil, "", nil, false, &RowError{Line: 1, Field: "file", Message: "the workbook has no sheets"}
	}
	name = sheets[0]
	if sheet != "" {
		name = ""
		for _, s := range sheets {
			if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(sheet)) {
				name = s
			}
		}
		if name == "" {
			return nil, "", sheets, false, &RowError{Line: 1, Field: "sheet", Value: sheet,
				Message: "the workbook has no sheet of that name: its sheets are " + strings.Join(sheets, ", ")}
		}
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, name, sheets, date1904, &RowError{Line: 1, Field: "sheet", Value: name, Message: "the sheet cannot be read: " + err.Error()}
	}
	for i, row := range rows {
		recs = append(recs, tableRecord{line: i + 1, cells: row})
	}
	if len(recs) == 0 {
		return nil, name, sheets, date1904, &RowError{Line: 1, Field: "sheet", Value: name, Message: "the sheet is empty"}
	}
	return recs, name, sheets, date1904, nil
}

func blankRecord(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// requiredImportFields are the fields a table must have a column for.
var requiredImportFields = []string{"title", "supplier"}

// parseTable finds the header row, maps its columns, and reads each row
// below it into a contract, collecting every problem.
func parseTable(recs []tableRecord, source string, date1904 bool, lk importLookups) parsedImport {
	var p parsedImport
	hi := -1
	for i := 0; i < len(recs) && i < headerSearchRows; i++ {
		if blankRecord(recs[i].cells) {
			continue
		}
		if hi < 0 {
			hi = i // the first row with anything in it, unless a later one reads better
		}
		if recognisedCount(recs[i].cells, lk.chosen, lk.remembered) >= 2 {
			hi = i
			break
		}
	}
	if hi < 0 {
		p.errs = []RowError{{Line: 1, Field: "file", Message: "the file has no rows"}}
		return p
	}
	header := recs[hi]
	p.res.Headers = mapHeaders(header.cells, lk.chosen, lk.remembered)
	p.res.Layout = tableLayout(header.cells)
	col := map[string]int{}
	for _, h := range p.res.Headers {
		if h.Field != "" {
			col[h.Field] = h.Column
		}
	}
	var missing []string
	for _, f := range requiredImportFields {
		if _, ok := col[f]; !ok {
			field, _ := importFieldByKey(f)
			missing = append(missing, fmt.Sprintf("%s (like %q)", field.Label, field.Example))
		}
	}
	if len(missing) > 0 {
		found := make([]string, 0, len(header.cells))
		for _, h := range p.res.Headers {
			if h.Header != "" {
				found = append(found, h.Header)
			}
		}
		p.errs = []RowError{{Line: header.line, Field: "header", Value: strings.Join(found, ", "), Message: fmt.Sprintf(
			"no column for %s. The columns found are: %s. Map a column to each field Jointly needs",
			strings.Join(missing, " or "), strings.Join(found, ", "))}}
		return p
	}
	for _, rec := range recs[hi+1:] {
		if blankRecord(rec.cells) {
			continue
		}
		p.res.Rows++
		row, errs := tableRow(rec, p.res.Headers, col, date1904, lk)
		p.errs = append(p.errs, errs...)
		if len(errs) == 0 {
			p.rows = append(p.rows, row)
		}
	}
	if p.res.Rows == 0 && len(p.errs) == 0 {
		p.errs = []RowError{{Line: header.line, Field: "file", Message: "there are no contracts below the header row"}}
	}
	return p
}

// tableLayout names the layout a header row is in.
func tableLayout(headers []string) string {
	has := map[string]bool{}
	for _, h := range headers {
		has[NormaliseImportHeader(h)] = true
	}
	if has["notice id"] && (has["award title"] || has["award value"]) {
		return "Contracts Finder award notices"
	}
	return "Contract register (Transparency Code)"
}

var cpvInText = regexp.MustCompile(`\b\d{8}(-\d)?\b`)

// tableRow reads one row into a contract.
func tableRow(rec tableRecord, headers []HeaderMapping, col map[string]int, date1904 bool, lk importLookups) (importRow, []RowError) {
	row := importRow{line: rec.line, where: map[string]cell{}}
	var errs []RowError
	get := func(field string) string {
		i, ok := col[field]
		if !ok || i >= len(rec.cells) {
			return ""
		}
		v := cleanImportText(rec.cells[i])
		row.where[field] = cell{column: headers[i].Header, value: v}
		return v
	}
	fail := func(field string, err error) {
		c := row.where[field]
		errs = append(errs, RowError{Line: rec.line, Field: c.column, Value: c.value, Message: err.Error()})
	}
	in := &row.in
	in.Reference, in.Title, in.Department, in.Description = get("reference"), get("title"), get("department"), get("description")
	in.SupplierName, in.SupplierCompanyNumber = get("supplier"), get("supplier_company_number")
	if id := get("supplier_id"); in.SupplierCompanyNumber == "" && id != "" && strings.EqualFold(get("supplier_id_scheme"), "GB-COH") {
		in.SupplierCompanyNumber = id
	}
	in.ProductName, in.Notes, in.OCID = get("product"), get("notes"), get("ocid")
	for _, m := range []struct {
		field string
		to    **int64
	}{{"total_value", &in.TotalValuePence}, {"annual_value", &in.AnnualValuePence}, {"irrecoverable_vat", &in.IrrecoverableVATPence}} {
		v, err := ParseImportMoney(get(m.field))
		if err != nil {
			fail(m.field, err)
		}
		*m.to = v
	}
	if cur := strings.ToUpper(get("currency")); !blankCell(cur) && cur != "GBP" && cur != "£" && cur != "POUNDS" && cur != "STERLING" {
		fail("currency", fmt.Errorf("not pounds sterling: Jointly holds amounts in GBP"))
	}
	for _, d := range []struct {
		field string
		to    *Date
	}{{"start_date", &in.StartDate}, {"end_date", &in.EndDate}, {"review_date", &in.ReviewDate},
		{"max_extension_date", &in.MaxExtensionDate}, {"end_of_support_date", &in.EndOfSupportDate}} {
		v := get(d.field)
		var err error
		if date1904 && serialValue.MatchString(v) {
			*d.to, err = excelSerialDate(v, true)
		} else {
			*d.to, err = ParseImportDate(v)
		}
		if err != nil {
			fail(d.field, err)
		}
	}
	var err error
	if in.ProcurementRoute, err = parseProcurementRoute(get("procurement_route")); err != nil {
		fail("procurement_route", err)
	}
	if in.SME, err = parseImportBool(get("sme"), "sme"); err != nil {
		fail("sme", err)
	}
	if in.VCSE, err = parseImportBool(get("vcse"), "vcse", "vcs", "voluntary", "voluntary sector", "charity"); err != nil {
		fail("vcse", err)
	}
	if ext, err := parseImportBool(get("extension_intended"), "extend", "extension"); err != nil {
		fail("extension_intended", err)
	} else {
		in.ExtensionIntended = ext != nil && *ext
	}
	if in.Hosting, err = parseHosting(get("hosting")); err != nil {
		fail("hosting", err)
	}
	if in.NoticePeriodMonths, err = parseImportMonths(get("notice_period_months")); err != nil {
		fail("notice_period_months", err)
	}
	if in.TimesExtended, err = parseImportCount(get("times_extended")); err != nil {
		fail("times_extended", err)
	}
	if v := get("category"); !blankCell(v) {
		if in.CategorySlug = categoryOf(lk.categories, v); in.CategorySlug == "" {
			fail("category", fmt.Errorf("not one of Jointly's categories: use a name such as %q or its slug, such as %q",
				lk.firstCategory().Name, lk.firstCategory().Slug))
		}
	}
	if in.CategorySlug == "" {
		scheme := strings.ToUpper(get("cpv_scheme"))
		if scheme == "" || strings.HasPrefix(scheme, "CPV") {
			for _, code := range cpvInText.FindAllString(get("cpv"), -1) {
				if in.CategorySlug = CategoryForCPV(lk.categories, code); in.CategorySlug != "" {
					break
				}
			}
		}
	}
	return row, errs
}

func (lk importLookups) firstCategory() Category {
	if len(lk.categories) == 0 {
		return Category{Name: "Revenues and benefits", Slug: "revenues-benefits"}
	}
	return lk.categories[0]
}

// categoryOf reads a category given by slug, by name (in any case and
// punctuation), or by a CPV code.
func categoryOf(cats []Category, v string) string {
	norm := func(s string) string {
		s = strings.ReplaceAll(strings.ToLower(s), "&", " and ")
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
	}
	n := norm(v)
	for _, c := range cats {
		if strings.EqualFold(c.Slug, strings.TrimSpace(v)) || norm(c.Name) == n || norm(c.Slug) == n {
			return c.Slug
		}
	}
	if code := cpvInText.FindString(v); code != "" {
		return CategoryForCPV(cats, code)
	}
	return ""
}
