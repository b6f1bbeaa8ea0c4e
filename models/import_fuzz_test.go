package models_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"jointly/models"
	"jointly/testutil"
)

// The fuzz targets of every importer not fuzzed in contract_import_fuzz_test.go
// (CSV, OCDS) or council_import_test.go (councils): Contracts Finder's
// award-notice CSV, Excel workbooks, column mappings, the date and money
// readers, and the council files as published. `make fuzz` runs each for a
// few seconds; `go test` runs their seeds.

// sharedSeed returns the first maxLines lines (0: all) of a file in
// ../shared/data, or nil, saying so, when it is absent: a missing seed
// never fails the test.
func sharedSeed(f *testing.F, maxLines int, rel ...string) []byte {
	f.Helper()
	p := filepath.Join(append([]string{testutil.RepoRoot(), "..", "shared", "data"}, rel...)...)
	b, err := os.ReadFile(p)
	if err != nil {
		f.Logf("fuzz seed skipped: %s is absent", p)
		return nil
	}
	if maxLines <= 0 {
		return b
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for i := 0; i < maxLines && sc.Scan(); i++ {
		out.Write(sc.Bytes())
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// FuzzReadContractsFinderCSV: Contracts Finder's award-notice CSV, as the
// councils' own exports (silvereye) have it, imported into Leeds's
// register all or nothing.
func FuzzReadContractsFinderCSV(f *testing.F) {
	f.Add([]byte("Notice ID,Published Date,Title,Description,Awarded Date,Awarded Value,Supplier Name,Supplier Address,Supplier Reference Number,Supplier Is SME,Contract Start Date,Contract End Date,CPV Codes\n" +
		"0a1b,2020-06-01,Case management system,Hosted CRM,2020-05-28,\"£120,000.00\",Civica UK Limited,Vic Street,01628868,No,2020-07-01,2023-06-30,48000000\n"))
	f.Add([]byte("Notice ID,Title,Awarded Value,Supplier Name,Contract Start Date,Contract End Date\nx,,-1,,31/02/2020,2019-01-01\n"))
	for _, name := range []string{
		"leeds-city-council-awards-2020-06-to-09.csv",
		"devon-county-council-awards-2020-06-to-09.csv",
		"nottingham-city-council-awards-2020-06-to-09.csv",
	} {
		if b := sharedSeed(f, 12, "council-notice-csv", "silvereye-council-csv", name); b != nil {
			f.Add(b)
		}
	}
	if b := sharedSeed(f, 12, "council-notice-csv", "silvereye-misc", "contracts-finder-flattened-ocds-export-2020-08-05.csv"); b != nil {
		f.Add(b)
	}
	db, _ := testutil.SeededDB(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAllOrNothing(t, db, models.ContractImport{CouncilGSS: leedsGSS, Data: data, Format: models.FormatCSV})
	})
}

// workbook builds an .xlsx file from CSV text, with each cell that reads
// as a number stored as a number (as Excel keeps dates and amounts).
func workbook(t testing.TB, text string) []byte {
	t.Helper()
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	recs, err := r.ReadAll()
	if err != nil {
		recs = nil
		for _, line := range strings.Split(text, "\n") {
			recs = append(recs, strings.Split(line, ","))
		}
	}
	x := excelize.NewFile()
	defer x.Close()
	for i, rec := range recs {
		if i >= 200 {
			break
		}
		for j, v := range rec {
			if j >= 50 {
				break
			}
			ref, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				t.Fatal(err)
			}
			var val any = v
			if n, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "xXnN") {
				val = n
			}
			// Excel's own limit on a cell is 32,767 characters; excelize
			// refuses longer ones, as Excel would never write them.
			if s, ok := val.(string); ok && len([]rune(s)) > 32767 {
				val = string([]rune(s)[:32767])
			}
			if err := x.SetCellValue("Sheet1", ref, val); err != nil {
				t.Skipf("excelize will not write %q: %v", v, err)
			}
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzReadContractsXLSX: Excel workbooks, both as cells (a workbook built
// from the text, so the fuzzer works on what the reader makes of cells)
// and as raw bytes (so it works on the container too), all or nothing.
func FuzzReadContractsXLSX(f *testing.F) {
	for _, s := range []string{
		"Reference Number,Title of Agreement,Supplier Name,Value,Start Date,End Date\nA-1,Payments,Civica UK Ltd,1234.56,46113,47208\n",
		"Title,Supplier,Annual Value,Start Date\nWaste,Bartec,£1.2m,3 March 2027\nLibraries,,-5,99999999\n",
		"Title,Supplier\n,\n",
		"",
	} {
		f.Add(s, false)
		f.Add(string(workbook(f, s)), true)
	}
	f.Add("PK\x03\x04 not really a zip", true)
	if b := sharedSeed(f, 8, "council-notice-csv", "silvereye-council-csv", "leeds-city-council-awards-2020-06-to-09.csv"); b != nil {
		f.Add(string(b), false)
	}
	db, _ := testutil.SeededDB(f)
	f.Fuzz(func(t *testing.T, text string, raw bool) {
		data := []byte(text)
		if !raw {
			data = workbook(t, text)
		}
		checkAllOrNothing(t, db, models.ContractImport{CouncilGSS: leedsGSS, FileName: "register.xlsx", Data: data, Format: models.FormatXLSX})
	})
}

// FuzzImportMappings: any header → field choices, valid or not. An import
// is still all or nothing (a refused one remembers no mapping), and what
// a council has remembered is always a field Jointly knows, or "ignore".
func FuzzImportMappings(f *testing.F) {
	csvText := "Ref,Agreement,Firm,Cost (£),From,To,Extra\nM-1,Payroll,Zellis,\"1,000\",01/04/2026,31/03/2028,x\n"
	f.Add(csvText, "Firm", "supplier_name", "Extra", "")
	f.Add(csvText, "Agreement", "Title", "Cost (£)", "annual_value")
	f.Add(csvText, "Firm", "no such field", "Extra", "ignore")
	f.Add(csvText, "", "supplier_name", "   ", "title")
	f.Add("Title,Supplier\nOne,Acme\n", "Title", "supplier_name", "Supplier", "title")
	db, _ := testutil.SeededDB(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, text, h1, f1, h2, f2 string) {
		before, err := db.RememberedImportMappings(ctx, leedsGSS)
		if err != nil {
			t.Fatal(err)
		}
		checkAllOrNothing(t, db, models.ContractImport{CouncilGSS: leedsGSS, Data: []byte(text), Format: models.FormatCSV,
			Mappings: map[string]string{h1: f1, h2: f2}})
		after, err := db.RememberedImportMappings(ctx, leedsGSS)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) < len(before) {
			t.Fatalf("remembered mappings shrank: %v → %v", before, after)
		}
		known := map[string]bool{models.ImportIgnore: true}
		for _, field := range models.ImportFields() {
			known[field.Key] = true
		}
		var n int
		if err := db.W.QueryRow(`SELECT count(*) FROM import_mappings WHERE council_gss = ?`, leedsGSS).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(after) {
			t.Fatalf("%d mappings stored for Leeds, %d of them for fields Jointly knows", n, len(after))
		}
		for h, field := range after {
			if !known[field] || h == "" || h != models.NormaliseImportHeader(h) {
				t.Fatalf("remembered %q → %q", h, field)
			}
		}
	})
}

// FuzzParseImportValues: the date and money readers never panic, and what
// they read reads back the same when written plainly.
func FuzzParseImportValues(f *testing.F) {
	for _, s := range []string{"3/3/2027", "03/03/27", "3 March 2027", "3 Mar 2027", "2027-03-03", "2027-03-03T23:30:00+01:00",
		"46449", "0", "-1", "£1,234.56", "1234.5", "1,234", "GBP 1234", "1.5E+7", "1e400", "£1.2m", "", " ", "0.005", "29/02/2023", "١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := models.ParseImportDate(s); err == nil && !d.IsZero() {
			again, err := models.ParseImportDate(d.String())
			if err != nil || again != d {
				t.Fatalf("%q read as %s, which reads back as %s (%v)", s, d, again, err)
			}
		}
		p, err := models.ParseImportMoney(s)
		if err != nil || p == nil {
			return
		}
		if *p < 0 {
			t.Fatalf("%q read as negative %d pence", s, *p)
		}
		plain := fmt.Sprintf("%d.%02d", *p/100, *p%100)
		again, err := models.ParseImportMoney(plain)
		if err != nil || again == nil || *again != *p {
			t.Fatalf("%q read as %d pence; %q reads back as %v (%v)", s, *p, plain, again, err)
		}
	})
}

// FuzzImportCouncilFiles: the council files as published (mySociety's
// list, and the plain layout), mutated; FuzzImportCouncils's properties.
func FuzzImportCouncilFiles(f *testing.F) {
	if b := sharedSeed(f, 15, "local-authorities", "mysociety", "uk_local_authorities.csv"); b != nil {
		f.Add(string(b))
	}
	if b := sharedSeed(f, 15, "local-authorities", "principal-councils-current-simplified.csv"); b != nil {
		f.Add(string(b))
	}
	f.Add("gss_code,name,type,region\nE08000035,Leeds,MD,Yorkshire and The Humber\n")
	db, _ := testutil.NewDB(f)
	f.Fuzz(func(t *testing.T, text string) {
		before := councilFingerprint(t, db)
		if _, err := importCSV(t, db, text); err != nil {
			if after := councilFingerprint(t, db); after != before {
				t.Fatalf("councils changed after a failed import: %v", err)
			}
			return
		}
		var bad int
		if err := db.W.QueryRow(`SELECT count(*) FROM councils c JOIN regions r ON r.id = c.region_id
			WHERE c.name = '' OR r.name = '' OR c.gss_code NOT GLOB '[ENSW][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'`).Scan(&bad); err != nil {
			t.Fatal(err)
		}
		if bad != 0 {
			t.Fatalf("%d councils without a name, region or valid GSS code after importing %q", bad, text)
		}
	})
}
