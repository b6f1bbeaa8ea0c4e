package models_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// exportCSV exports gss's register as System and parses it.
func exportRegisterCSV(t testing.TB, db *models.DB, gss string) (string, [][]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := db.ExportCSV(t.Context(), models.System, &buf, gss); err != nil {
		t.Fatalf("export CSV of %s: %v", gss, err)
	}
	recs, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil {
		t.Fatalf("exported CSV does not parse: %v\n%s", err, buf.String())
	}
	return buf.String(), recs
}

// column is the value of the named column in rec.
func csvColumn(t testing.TB, rec []string, name string) string {
	t.Helper()
	for i, c := range models.RegisterCSVColumns {
		if c == name {
			return rec[i]
		}
	}
	t.Fatalf("no column %q", name)
	return ""
}

func TestRegisterCSVColumnsAreTheTransparencyCodeThenJointlys(t *testing.T) {
	want := "Reference Number|Title of Agreement|Department|Description|Supplier Name|Supplier Company Number|" +
		"Total Value (£)|Annual Value (£)|Irrecoverable VAT (£)|Start Date|End Date|Review Date|Procurement Route|SME|VCSE|" +
		"Product|Category|Hosting|Notice Period (months)|Maximum Extension Date|Extension Intended|Times Extended|End of Support Date|Decision Window|Notes"
	if got := strings.Join(models.RegisterCSVColumns, "|"); got != want {
		t.Errorf("columns\n got %s\nwant %s", got, want)
	}
}

func TestExportCSVOfAnEmptyRegisterIsItsHeader(t *testing.T) {
	db, _ := exportDB(t)
	text, _ := exportRegisterCSV(t, db, allerdaleGSS)
	if want := strings.Join(models.RegisterCSVColumns, ",") + "\r\n"; text != want {
		t.Errorf("got %q, want just the header %q", text, want)
	}
}

func TestExportCSVRows(t *testing.T) {
	db, _ := exportDB(t)
	exportContract(t, db, allerdaleGSS, everyFieldContract(t))
	exportContract(t, db, allerdaleGSS, bareExportContract("ALL-0002"))
	exportContract(t, db, westminsterGSS, bareExportContract("WSM-0001")) // another register: not exported
	_, recs := exportRegisterCSV(t, db, allerdaleGSS)
	if len(recs) != 3 {
		t.Fatalf("got %d records, want the header and 2 rows: %q", len(recs), recs)
	}
	full := []string{
		"ALL-0001", "Revenues and benefits system", "Resources", "Council tax, business rates and housing benefit, with \"e-billing\"\nand a portal",
		"Solway Revenues Software Limited", "SC654321", "1234567.89", "246913.58", "0.05",
		"2022-04-01", "2027-03-31", "2026-09-30", "Call-off from a framework", "No", "No",
		"Solway Revenues", "Revenues and benefits", "Software as a service", "6",
		"2029-03-31", "Yes", "1", "2030-12-31",
		"2027-12-31", // 2029-03-31, as the council will extend, less 6 months' notice and 9 months' lead time
		"Extension to 2029 agreed in principle; see cabinet report 12/2025.",
	}
	bare := make([]string, len(models.RegisterCSVColumns))
	bare[0], bare[1], bare[4], bare[20], bare[21] = "ALL-0002", "Printing", "Jo Bloggs Printing", "No", "0"
	for i, want := range [][]string{full, bare} {
		got := recs[i+1]
		for j, name := range models.RegisterCSVColumns {
			if got[j] != want[j] {
				t.Errorf("row %d, %s: got %q, want %q", i+1, name, got[j], want[j])
			}
		}
	}
}

func TestExportCSVWritesPoundsWithTwoDecimals(t *testing.T) {
	db, _ := exportDB(t)
	tests := []struct {
		pence int64
		want  string
	}{
		{0, "0.00"}, {1, "0.01"}, {10, "0.10"}, {99, "0.99"}, {100, "1.00"}, {5_000_00, "5000.00"},
		{123_456_789, "1234567.89"}, {99_999_999_999_999, "999999999999.99"},
	}
	for i, tt := range tests {
		in := bareExportContract(fmt.Sprintf("P-%d", i))
		in.TotalValuePence, in.AnnualValuePence, in.IrrecoverableVATPence = pence(tt.pence), pence(tt.pence), pence(tt.pence)
		exportContract(t, db, allerdaleGSS, in)
	}
	_, recs := exportRegisterCSV(t, db, allerdaleGSS)
	for i, tt := range tests {
		for _, col := range []string{"Total Value (£)", "Annual Value (£)", "Irrecoverable VAT (£)"} {
			if got := csvColumn(t, recs[i+1], col); got != tt.want {
				t.Errorf("%d pence in %s: got %q, want %q", tt.pence, col, got, tt.want)
			}
		}
	}
}

func TestSpreadsheetSafe(t *testing.T) {
	tests := []struct{ cell, want string }{
		{"=1+2", "'=1+2"},
		{`=HYPERLINK("http://evil.example","Click")`, `'=HYPERLINK("http://evil.example","Click")`},
		{"+44 113 222 4444", "'+44 113 222 4444"},
		{"-5% discount", "'-5% discount"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+2", "'\t=1+2"},
		{"\r=1+2", "'\r=1+2"},
		{"", ""},
		{"Leeds City Council", "Leeds City Council"},
		{"1-2 Park Row", "1-2 Park Row"},
		{"a=b", "a=b"},
		{"'quoted already", "'quoted already"},
		{"1234.56", "1234.56"},
		{"2027-03-31", "2027-03-31"},
	}
	for _, tt := range tests {
		got := models.SpreadsheetSafe(tt.cell)
		if got != tt.want {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", tt.cell, got, tt.want)
		}
		if back := models.UnneutraliseCell(got); back != tt.cell {
			t.Errorf("UnneutraliseCell(%q) = %q, want %q back", got, back, tt.cell)
		}
	}
}

func TestExportCSVNeutralisesFormulasInEveryTextColumn(t *testing.T) {
	db, _ := exportDB(t)
	in := models.ContractInput{
		Reference: "=1+1", Title: "=HYPERLINK(\"http://evil.example\")", Department: "+Finance", Description: "-dash",
		SupplierName: "@Evil Ltd", ProductName: "=Product", Notes: "\t=cmd|' /C calc'!A0",
	}
	exportContract(t, db, allerdaleGSS, in)
	_, recs := exportRegisterCSV(t, db, allerdaleGSS)
	for col, want := range map[string]string{
		"Reference Number": "'=1+1", "Title of Agreement": "'=HYPERLINK(\"http://evil.example\")", "Department": "'+Finance",
		"Description": "'-dash", "Supplier Name": "'@Evil Ltd", "Product": "'=Product", "Notes": "'\t=cmd|' /C calc'!A0",
	} {
		if got := csvColumn(t, recs[1], col); got != want {
			t.Errorf("%s: got %q, want %q", col, got, want)
		}
	}
}

// TestExportCSVStreamsPageByPage exports a register longer than a page
// (500 contracts), with another council's contracts in between, so every
// page boundary is crossed: each contract comes exactly once, in order.
func TestExportCSVStreamsPageByPage(t *testing.T) {
	db, _ := exportDB(t)
	const n = 1000 // two full pages and an empty third query
	for i := range n {
		exportContract(t, db, allerdaleGSS, bareExportContract(fmt.Sprintf("ALL-%04d", i)))
		if i%250 == 0 {
			exportContract(t, db, westminsterGSS, bareExportContract(fmt.Sprintf("WSM-%04d", i)))
		}
	}
	_, recs := exportRegisterCSV(t, db, allerdaleGSS)
	if len(recs) != n+1 {
		t.Fatalf("got %d rows, want %d and the header", len(recs)-1, n)
	}
	for i, rec := range recs[1:] {
		if want := fmt.Sprintf("ALL-%04d", i); rec[0] != want {
			t.Fatalf("row %d is %q, want %q", i+1, rec[0], want)
		}
	}
	_, recs = exportRegisterCSV(t, db, westminsterGSS)
	if len(recs) != 5 {
		t.Errorf("Westminster: %d rows, want 4", len(recs)-1)
	}
}

func TestExportCSVObeysTheViewerRule(t *testing.T) {
	db, ctx := exportDB(t)
	exportContract(t, db, allerdaleGSS, everyFieldContract(t))
	for _, tt := range []struct {
		email string
		want  error
	}{
		{testutil.AdminEmail, nil},
		{testutil.OfficerEmail, nil}, // registers are readable across councils
		{testutil.CouncillorEmail, nil},
		{testutil.SupplierEmail, models.ErrForbidden},
	} {
		var buf bytes.Buffer
		err := db.ExportCSV(ctx, mustUserByEmail(t, db, tt.email), &buf, allerdaleGSS)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.email, err, tt.want)
		}
		if tt.want != nil && buf.Len() > 0 {
			t.Errorf("%s: refused but wrote %q", tt.email, buf.String())
		}
	}
	var buf bytes.Buffer
	wantNotFound(t, db.ExportCSV(ctx, models.System, &buf, "E09999999"))
	if buf.Len() > 0 {
		t.Errorf("unknown council: wrote %q", buf.String())
	}
}

// A council can take its register out of Jointly and bring it back: the
// importer reads an export as it was written. Importing it over the same
// register changes nothing; into an empty one, it exports the same bytes.
func TestExportedCSVImportsBackUnchanged(t *testing.T) {
	db, ctx := exportDB(t)
	exportContract(t, db, allerdaleGSS, everyFieldContract(t))
	exportContract(t, db, allerdaleGSS, bareExportContract("ALL-0002"))
	in := bareExportContract("ALL-0003")
	in.AnnualValuePence, in.SME, in.Hosting, in.ProcurementRoute = pence(99), exportBool(true), models.HostingOnPremises, "quote"
	exportContract(t, db, allerdaleGSS, in)
	before, _ := exportRegisterCSV(t, db, allerdaleGSS)
	reimport := func(gss string) models.ContractImportResult {
		t.Helper()
		res, err := db.ImportContracts(ctx, models.System, models.ContractImport{
			CouncilGSS: gss, FileName: "export.csv", Data: []byte(before), Format: models.FormatCSV,
		})
		if err != nil {
			t.Fatalf("import the export into %s: %v", gss, err)
		}
		return res
	}
	if res := reimport(allerdaleGSS); res.Created != 0 || res.Updated != 0 || res.Unchanged != 3 {
		t.Errorf("importing a register's export over it: %d created, %d updated, %d unchanged; want 3 unchanged",
			res.Created, res.Updated, res.Unchanged)
	}
	if res := reimport(westminsterGSS); res.Created != 3 {
		t.Errorf("importing into an empty register: %d created, want 3", res.Created)
	}
	if after, _ := exportRegisterCSV(t, db, westminsterGSS); after != before {
		t.Errorf("the register imported exports differently:\n got %q\nwant %q", after, before)
	}
}
