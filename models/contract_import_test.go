package models_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"jointly/models"
	"jointly/testutil"
)

// ciImport imports data into gss's register as actor.
func ciImport(t testing.TB, db *models.DB, actor models.User, gss string, data []byte, opts ...func(*models.ContractImport)) (models.ContractImportResult, error) {
	t.Helper()
	req := models.ContractImport{CouncilGSS: gss, FileName: "register.csv", Data: data}
	for _, o := range opts {
		o(&req)
	}
	return db.ImportContracts(context.Background(), actor, req)
}

// ciMustImport imports or fails the test, listing the problems.
func ciMustImport(t testing.TB, db *models.DB, gss string, data []byte, opts ...func(*models.ContractImport)) models.ContractImportResult {
	t.Helper()
	res, err := ciImport(t, db, models.System, gss, data, opts...)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, describeImportError(err))
	}
	return res
}

func dryRun(r *models.ContractImport) { r.DryRun = true }
func withMappings(m map[string]string) func(*models.ContractImport) {
	return func(r *models.ContractImport) { r.Mappings = m }
}

// ciContract finds a council's contract by reference (or title, for rows
// without one).
func ciContract(t testing.TB, db *models.DB, gss, key string) models.Contract {
	t.Helper()
	page, err := db.Contracts(context.Background(), models.System, models.ContractFilter{CouncilGSS: gss, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Contracts {
		if c.Reference == key || c.Reference == "" && c.Title == key {
			return c
		}
	}
	t.Fatalf("%s has no contract %q", gss, key)
	return models.Contract{}
}

// ciFingerprint counts every table an import may write, to show a failed
// or dry-run import wrote nothing.
func ciFingerprint(t testing.TB, db *models.DB) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"contracts", "contract_changes", "suppliers", "supplier_aliases", "products", "import_mappings", "audit_events"} {
		parts = append(parts, fmt.Sprintf("%s=%d", table, count(t, db, table)))
	}
	return strings.Join(parts, " ")
}

func ciProblems(t testing.TB, err error) []models.RowError {
	t.Helper()
	var ierr *models.ImportError
	if !errors.As(err, &ierr) {
		t.Fatalf("got %v (%T), want *models.ImportError", err, err)
	}
	return ierr.Rows
}

func cp1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func penceOf(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func flag(p *bool) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// Three councils' registers, each in its own Transparency Code layout
// and encoding, as their finance systems export them.
func TestImportTransparencyCodeLayouts(t *testing.T) {
	const kirklees = "E08000034"
	tests := []struct {
		name   string
		gss    string
		data   func(t testing.TB) []byte
		layout string
		check  func(t *testing.T, db *models.DB)
	}{
		{
			name: "Leeds: UTF-8 with a byte-order mark, Transparency Code names",
			gss:  leedsGSS,
			data: func(t testing.TB) []byte {
				return append([]byte{0xEF, 0xBB, 0xBF}, []byte(strings.Join([]string{
					"Reference Number,Title of Agreement,Department,Description,Supplier Name,Supplier Company Number,Value,Annual Value,Irrecoverable VAT,Start Date,End Date,Review Date,ITT or Quote,SME,VCSE",
					`LCC-IMP-001,Revenues and benefits system,Resources,"Council tax, business rates and benefits",CIVICA UK LTD,1628868,"£1,250,000.00","£250,000",0,01/04/2022,31/03/2027,01/10/2026,ITT,No,No`,
					`LCC-IMP-002,Waste rounds software,Communities,Bin rounds,Bartec Auto ID Ltd,03284215,"96,000",,,1 April 2023,31 Mar 2026,,Quote,Yes,N`,
				}, "\r\n"))...)
			},
			layout: "Contract register (Transparency Code)",
			check: func(t *testing.T, db *models.DB) {
				c := ciContract(t, db, leedsGSS, "LCC-IMP-001")
				got := fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", c.Title, c.Department, c.Description, c.SupplierCompanyNumber,
					penceOf(c.TotalValuePence), penceOf(c.AnnualValuePence), penceOf(c.IrrecoverableVATPence), c.StartDate, c.EndDate, c.ReviewDate,
					c.ProcurementRoute, flag(c.SME), c.Source)
				want := "Revenues and benefits system|Resources|Council tax, business rates and benefits|01628868|125000000|25000000|0|2022-04-01|2027-03-31|2026-10-01|tender|false|csv"
				if got != want {
					t.Errorf("LCC-IMP-001\n got %s\nwant %s", got, want)
				}
				c = ciContract(t, db, leedsGSS, "LCC-IMP-002")
				if penceOf(c.TotalValuePence) != "9600000" || c.StartDate.String() != "2023-04-01" || c.EndDate.String() != "2026-03-31" ||
					c.ProcurementRoute != "quote" || flag(c.SME) != "true" || flag(c.VCSE) != "false" {
					t.Errorf("LCC-IMP-002: %+v", c)
				}
			},
		},
		{
			name: "Bradford: Windows-1252 from Excel, other names, a title line above the header",
			gss:  bradfordGSS,
			data: func(t testing.TB) []byte {
				return cp1252(t, strings.Join([]string{
					"City of Bradford MDC – contracts over £5,000,,,,,,,",
					",,,,,,,,",
					"Contract Reference,Contract Title,Service Area,Name of Supplier,Company Registration Number,Total Contract Value,Contract Start,Expiry Date,Procurement Route,SME Status,Voluntary Sector",
					"BMDC/0042,Housing management system – O’Neill review,Place,Northgate Public Services (UK) Ltd,00968498,£480000,1/4/21,31/3/26,Framework,Non-SME,No",
					"BMDC/0043,Café supplies,Place,Jones & Sons,,\"£5,000.50\",03-Mar-25,3 March 2026,Direct Award,SME,Voluntary sector",
				}, "\r\n"))
			},
			layout: "Contract register (Transparency Code)",
			check: func(t *testing.T, db *models.DB) {
				c := ciContract(t, db, bradfordGSS, "BMDC/0042")
				if c.Title != "Housing management system – O’Neill review" || c.Department != "Place" || c.SupplierCompanyNumber != "00968498" ||
					penceOf(c.TotalValuePence) != "48000000" || c.StartDate.String() != "2021-04-01" || c.EndDate.String() != "2026-03-31" ||
					c.ProcurementRoute != "framework" || flag(c.SME) != "false" {
					t.Errorf("BMDC/0042: %+v", c)
				}
				c = ciContract(t, db, bradfordGSS, "BMDC/0043")
				if c.Title != "Café supplies" || c.SupplierName != "Jones & Sons" || penceOf(c.TotalValuePence) != "500050" ||
					c.StartDate.String() != "2025-03-03" || c.EndDate.String() != "2026-03-03" || c.ProcurementRoute != "direct" ||
					flag(c.SME) != "true" || flag(c.VCSE) != "true" {
					t.Errorf("BMDC/0043: %+v", c)
				}
			},
		},
		{
			name: "Kirklees: semicolons, ISO dates, Jointly's own columns, no references",
			gss:  kirklees,
			data: func(t testing.TB) []byte {
				return []byte(strings.Join([]string{
					"Title;Supplier;Companies House Number;Whole Life Value;Start Date;End Date;Product;Category;Hosting;Notice Period;Maximum Extension Date;Extension Intended;End of Support Date;Notes",
					"Social care case management;The Access Group;02343644;2 500 000;2024-07-01;2029-06-30;Mosaic;Adults' social care;SaaS;6 months;2031-06-30;Yes;2032-12-31;Two 1-year extensions",
					"Library management;Civica UK Ltd;01628868;;2022-01-01T00:00:00Z;2026-12-31;Spydus;libraries;Hosted;3;;no;;",
				}, "\n"))
			},
			layout: "Contract register (Transparency Code)",
			check: func(t *testing.T, db *models.DB) {
				c := ciContract(t, db, kirklees, "Social care case management")
				if c.ProductName != "Mosaic" || c.CategorySlug != "adult-social-care" || c.Hosting != models.HostingSaaS ||
					c.NoticePeriodMonths == nil || *c.NoticePeriodMonths != 6 || c.MaxExtensionDate.String() != "2031-06-30" ||
					!c.ExtensionIntended || c.EndOfSupportDate.String() != "2032-12-31" || c.Notes != "Two 1-year extensions" ||
					c.DecisionWindow.String() != "2030-03-30" {
					t.Errorf("Mosaic: %+v", c)
				}
				c = ciContract(t, db, kirklees, "Library management")
				if c.CategorySlug != "libraries" || c.Hosting != models.HostingHosted || c.TotalValuePence != nil || c.StartDate.String() != "2022-01-01" {
					t.Errorf("Spydus: %+v", c)
				}
			},
		},
	}
	db, _ := testutil.SeededDB(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			res := ciMustImport(t, db, tt.gss, data)
			if res.Created != 2 || res.Updated != 0 || res.Unchanged != 0 || res.Layout != tt.layout || res.Format != models.FormatCSV {
				t.Errorf("result %+v", res)
			}
			tt.check(t, db)
			again := ciMustImport(t, db, tt.gss, data)
			if again.Created != 0 || again.Updated != 0 || again.Unchanged != 2 {
				t.Errorf("second import: created %d, updated %d, unchanged %d; want all unchanged", again.Created, again.Updated, again.Unchanged)
			}
		})
	}
}

func TestImportChangedRowUpdatesAndRecordsHistory(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	officer := mustUserByEmail(t, db, testutil.OfficerEmail)
	first := "Reference,Title,Supplier,Value,End Date\nLCC-H-1,Payments,Civica UK Ltd,100000,31/03/2027\nLCC-H-2,Telephony,BT plc,50000,31/03/2028\n"
	if _, err := ciImport(t, db, officer, leedsGSS, []byte(first)); err != nil {
		t.Fatal(err)
	}
	second := "Reference,Title,Supplier,Value,End Date\nLCC-H-1,Payments,Civica UK Ltd,120000,31/03/2028\nLCC-H-2,Telephony,BT plc,50000,31/03/2028\n"
	res, err := ciImport(t, db, officer, leedsGSS, []byte(second))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Updated != 1 || res.Unchanged != 1 {
		t.Fatalf("created %d, updated %d, unchanged %d; want 0, 1, 1", res.Created, res.Updated, res.Unchanged)
	}
	c := ciContract(t, db, leedsGSS, "LCC-H-1")
	hist, err := db.ContractHistory(context.Background(), officer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Action != "update" || hist[0].Source != "csv" || hist[0].ActorID != officer.ID {
		t.Fatalf("history %+v", hist)
	}
	got := map[string]string{}
	for _, ch := range hist[0].Changes {
		got[ch.Field] = ch.Old + " → " + ch.New
	}
	want := map[string]string{"total_value_pence": "10000000 → 12000000", "end_date": "2027-03-31 → 2028-03-31"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("changes %v, want %v", got, want)
	}
}

func TestImportBadRowLeavesDatabaseUntouched(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	before := ciFingerprint(t, db)
	data := strings.Join([]string{
		"Reference,Title,Supplier Name,Value,Start Date,End Date,SME,Company Number,Category",
		"OK-1,Fine,Acme Ltd,100,01/01/2026,31/12/2026,yes,,",
		"BAD-1,Money,Acme Ltd,£1.2m,01/01/2026,31/12/2026,yes,,",
		"BAD-2,Dates,Acme Ltd,100,31/02/2026,2026-13-01,maybe,,",
		"BAD-3,,,-5,01/01/2027,01/01/2026,,ABC,Astrology",
		"OK-1,Twice,Acme Ltd,100,,,,,",
	}, "\n")
	_, err := ciImport(t, db, models.System, leedsGSS, []byte(data))
	got := ciProblems(t, err)
	want := []models.RowError{
		{Line: 3, Field: "Value", Value: "£1.2m", Message: "abbreviated: write the whole amount, like 1200000"},
		{Line: 4, Field: "Start Date", Value: "31/02/2026", Message: "not a date: February has no day 31"},
		{Line: 4, Field: "End Date", Value: "2026-13-01", Message: "not a date: write it like 3/3/2027, 3 March 2027 or 2027-03-03"},
		{Line: 4, Field: "SME", Value: "maybe", Message: "not yes or no"},
		{Line: 5, Field: "Value", Value: "-5", Message: "negative: an amount must be zero or more"},
		{Line: 5, Field: "Category", Value: "Astrology"},
		{Line: 6, Field: "Reference", Value: "OK-1", Message: "the same reference is on row 2: each contract needs its own reference"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d problems, want %d:\n%s", len(got), len(want), describeImportError(err))
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.Field != w.Field || g.Value != w.Value || w.Message != "" && g.Message != w.Message {
			t.Errorf("problem %d: %+v\nwant %+v", i, g, w)
		}
	}
	if after := ciFingerprint(t, db); after != before {
		t.Errorf("a failed import wrote:\nbefore %s\n after %s", before, after)
	}

	// Once the cells are readable, the register's own rules report every
	// row that breaks them, all in one go.
	data = strings.Join([]string{
		"Reference,Title,Supplier Name,Start Date,End Date,Company Number",
		"V-1,,Acme Ltd,01/01/2027,01/01/2026,",
		"V-2,Fine,,,,ABC",
		"V-3,Fine,Acme Ltd,,,",
	}, "\n")
	_, err = ciImport(t, db, models.System, leedsGSS, []byte(data))
	got = ciProblems(t, err)
	wantFields := []string{"2 Title ", "2 End Date 01/01/2026", "3 Supplier Name ", "3 Company Number ABC"}
	var gotFields []string
	for _, g := range got {
		gotFields = append(gotFields, fmt.Sprintf("%d %s %s", g.Line, g.Field, g.Value))
	}
	if strings.Join(gotFields, "|") != strings.Join(wantFields, "|") {
		t.Errorf("problems %q, want %q\n%s", gotFields, wantFields, describeImportError(err))
	}
	if after := ciFingerprint(t, db); after != before {
		t.Errorf("a failed import wrote:\nbefore %s\n after %s", before, after)
	}
}

func TestImportMissingRequiredColumnListsHeaders(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	res, err := ciImport(t, db, models.System, leedsGSS, []byte("Ref,Agreement Name,Vendor Org,Amount\nA,B,C,1\n"))
	got := ciProblems(t, err)
	if len(got) != 1 || got[0].Line != 1 || got[0].Field != "header" {
		t.Fatalf("problems %+v", got)
	}
	for _, s := range []string{"Title", "Supplier name", "Ref, Agreement Name, Vendor Org, Amount", "Title of Agreement"} {
		if !strings.Contains(got[0].Message, s) {
			t.Errorf("message %q lacks %q", got[0].Message, s)
		}
	}
	// The result still says how each column was read, so the page can
	// offer to map the unknown ones.
	var unknown []string
	for _, h := range res.UnmappedHeaders() {
		unknown = append(unknown, h.Header)
	}
	if strings.Join(unknown, ",") != "Agreement Name,Vendor Org,Amount" {
		t.Errorf("unmapped %q", unknown)
	}
}

func TestImportRemembersMappings(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	ctx := context.Background()
	officer := mustUserByEmail(t, db, testutil.OfficerEmail)
	file := func(ref string) []byte {
		return []byte("Ref,Agreement Name,Vendor Org,Amount,Internal code\n" + ref + ",Payments,Civica UK Ltd,1000,X1\n")
	}
	m := map[string]string{"Agreement Name": "title", "Vendor Org": "Supplier name", "Amount": "annual_value", "Internal code": "ignore"}

	// A dry run and a failed import remember nothing.
	if _, err := ciImport(t, db, officer, leedsGSS, file("M-1"), withMappings(m), dryRun); err != nil {
		t.Fatal(err)
	}
	bad := withMappings(map[string]string{"Agreement Name": "title", "Vendor Org": "supplier", "Amount": "start_date"})
	if _, err := ciImport(t, db, officer, leedsGSS, file("M-1"), bad); err == nil {
		t.Fatal("an amount read as a date was imported")
	}
	if got, _ := db.RememberedImportMappings(ctx, leedsGSS); len(got) != 0 {
		t.Fatalf("remembered %v before a successful import", got)
	}

	res, err := ciImport(t, db, officer, leedsGSS, file("M-1"), withMappings(m))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 {
		t.Fatalf("created %d", res.Created)
	}
	got, err := db.RememberedImportMappings(ctx, leedsGSS)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"agreement name": "title", "vendor org": "supplier", "amount": "annual_value", "internal code": "ignore"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("remembered %v, want %v", got, want)
	}

	// The next file in the same layout needs no choices.
	res, err = ciImport(t, db, officer, leedsGSS, file("M-2"))
	if err != nil {
		t.Fatalf("second file: %v\n%s", err, describeImportError(err))
	}
	if res.Created != 1 {
		t.Errorf("created %d", res.Created)
	}
	hows := map[string]string{}
	for _, h := range res.Headers {
		hows[h.Header] = h.How
	}
	if hows["Agreement Name"] != models.MappedRemembered || hows["Internal code"] != models.MappedIgnored || hows["Ref"] != models.MappedRecognised {
		t.Errorf("columns read as %v", hows)
	}
	if c := ciContract(t, db, leedsGSS, "M-2"); c.Title != "Payments" || penceOf(c.AnnualValuePence) != "100000" {
		t.Errorf("M-2: %+v", c)
	}
	// Another council remembers nothing of Leeds's choices.
	if _, err := ciImport(t, db, models.System, bradfordGSS, file("M-3")); err == nil {
		t.Error("Bradford used Leeds's mappings")
	}

	// A mapping to a field that does not exist is refused.
	_, err = ciImport(t, db, officer, leedsGSS, file("M-4"), withMappings(map[string]string{"Amount": "price"}))
	if p := ciProblems(t, err); len(p) != 1 || p[0].Field != "Amount" || p[0].Value != "price" {
		t.Errorf("problems %+v", p)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	before := ciFingerprint(t, db)
	data := []byte("Reference,Title,Supplier\nD-1,One,Acme Ltd\nD-2,Two,Brand New Supplier Ltd\n")
	res := ciMustImport(t, db, leedsGSS, data, dryRun, withMappings(map[string]string{"Title": "title"}))
	if !res.DryRun || res.Created != 2 {
		t.Errorf("dry run result %+v", res)
	}
	if after := ciFingerprint(t, db); after != before {
		t.Errorf("a dry run wrote:\nbefore %s\n after %s", before, after)
	}
	// And the real import then does what the dry run said.
	if res := ciMustImport(t, db, leedsGSS, data); res.Created != 2 {
		t.Errorf("created %d", res.Created)
	}
}

func TestImportPermissions(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	leedsOfficer := mustUserByEmail(t, db, testutil.OfficerEmail)
	bradfordOfficer := mustUserByEmail(t, db, testutil.Officer2Email)
	councillor := mustUserByEmail(t, db, testutil.CouncillorEmail)
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	admin := mustUserByEmail(t, db, testutil.AdminEmail)
	csv := []byte("Title,Supplier\nPermissions,Acme Ltd\n")
	ocds := []byte(`{"releases":[{"ocid":"ocds-x-1","date":"2026-01-01T00:00:00Z","buyer":{"name":"Leeds City Council"},
		"awards":[{"id":"ocds-x-1-a","status":"active","suppliers":[{"name":"Acme Ltd"}]}]},
		{"ocid":"ocds-x-2","date":"2026-01-01T00:00:00Z","buyer":{"name":"City of Bradford Metropolitan District Council"},
		"awards":[{"id":"ocds-x-2-a","status":"active","suppliers":[{"name":"Acme Ltd"}]}]}]}`)
	tests := []struct {
		name   string
		actor  models.User
		gss    string
		data   []byte
		wantOK bool
	}{
		{"officer, own council", leedsOfficer, leedsGSS, csv, true},
		{"officer, another council", bradfordOfficer, leedsGSS, csv, false},
		{"councillor", councillor, leedsGSS, csv, false},
		{"supplier", supplier, leedsGSS, csv, false},
		{"admin, any council", admin, bradfordGSS, csv, true},
		{"officer, OCDS naming another council too", leedsOfficer, "", ocds, false},
		{"officer, OCDS for their own council only", leedsOfficer, leedsGSS, ocds, true},
		{"admin, OCDS for every council", admin, "", ocds, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ciFingerprint(t, db)
			_, err := ciImport(t, db, tt.actor, tt.gss, tt.data, dryRun)
			if tt.wantOK && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tt.wantOK && !errors.Is(err, models.ErrForbidden) {
				t.Fatalf("got %v, want ErrForbidden", err)
			}
			if after := ciFingerprint(t, db); after != before {
				t.Errorf("wrote %s → %s", before, after)
			}
		})
	}
	if _, err := ciImport(t, db, models.System, "", csv); err == nil {
		t.Error("a CSV without a council was imported")
	}
	if _, err := ciImport(t, db, models.System, "E99999999", csv); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown council: %v", err)
	}
}

// xlsxFile builds a workbook in the test: a cover sheet, then the
// register with dates as Excel serial numbers in date-formatted cells
// and amounts as numbers.
func xlsxFile(t testing.TB, date1904 bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "About"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("About", "A1", "Leeds City Council contracts register"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Register"); err != nil {
		t.Fatal(err)
	}
	if date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yy: what the cell shows must not matter
	if err != nil {
		t.Fatal(err)
	}
	serial := func(n int) int {
		if date1904 {
			return n - 1462
		}
		return n
	}
	rows := [][]any{
		{"Reference Number", "Title of Agreement", "Supplier Name", "Total Contract Value", "Start Date", "End Date", "SME"},
		{"X-1", "Revenues system", "Civica UK Ltd", 1250000.5, serial(44652), serial(46477), "No"},   // 1/4/2022, 31/3/2027
		{"X-2", "Parking permits", "Taranto Systems Ltd", 96000, serial(45017), serial(46084), true}, // 1/4/2023, 3/3/2026
		{nil, nil, nil, nil, nil, nil, nil},
		{"X-3", "Telephony", "BT plc", "£12,345.67", "3 March 2027", "2028-03-02", "Y"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Register", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellStyle("Register", "E2", "F3", dateStyle); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportXLSX(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		t.Run(fmt.Sprintf("1904 dates %v", date1904), func(t *testing.T) {
			db, _ := testutil.SeededDB(t)
			data := xlsxFile(t, date1904)
			if f := models.DetectImportFormat(data); f != models.FormatXLSX {
				t.Fatalf("detected %q", f)
			}
			// The first sheet is the cover: it has no register.
			_, err := ciImport(t, db, models.System, leedsGSS, data)
			if p := ciProblems(t, err); len(p) != 1 || p[0].Field != "header" {
				t.Fatalf("first sheet: %+v", p)
			}
			_, err = ciImport(t, db, models.System, leedsGSS, data, func(r *models.ContractImport) { r.Sheet = "Nope" })
			if p := ciProblems(t, err); len(p) != 1 || p[0].Field != "sheet" || !strings.Contains(p[0].Message, "About, Register") {
				t.Fatalf("unknown sheet: %+v", p)
			}
			res := ciMustImport(t, db, leedsGSS, data, func(r *models.ContractImport) { r.Sheet = "register" })
			if res.Created != 3 || res.Sheet != "Register" || strings.Join(res.Sheets, ",") != "About,Register" || res.Format != models.FormatXLSX {
				t.Fatalf("result %+v", res)
			}
			c := ciContract(t, db, leedsGSS, "X-1")
			if penceOf(c.TotalValuePence) != "125000050" || c.StartDate.String() != "2022-04-01" || c.EndDate.String() != "2027-03-31" ||
				flag(c.SME) != "false" || c.Source != "xlsx" {
				t.Errorf("X-1: %+v", c)
			}
			c = ciContract(t, db, leedsGSS, "X-2")
			if penceOf(c.TotalValuePence) != "9600000" || c.EndDate.String() != "2026-03-03" || flag(c.SME) != "true" {
				t.Errorf("X-2: %+v", c)
			}
			c = ciContract(t, db, leedsGSS, "X-3")
			if penceOf(c.TotalValuePence) != "1234567" || c.StartDate.String() != "2027-03-03" || c.EndDate.String() != "2028-03-02" {
				t.Errorf("X-3: %+v", c)
			}
			again := ciMustImport(t, db, leedsGSS, data, func(r *models.ContractImport) { r.Sheet = "Register" })
			if again.Unchanged != 3 || again.Created+again.Updated != 0 {
				t.Errorf("second import %+v", again)
			}
		})
	}
	db, _ := testutil.SeededDB(t)
	_, err := ciImport(t, db, models.System, leedsGSS, []byte("PK\x03\x04 not really a zip"))
	if p := ciProblems(t, err); len(p) != 1 || p[0].Field != "file" {
		t.Errorf("broken workbook: %+v", p)
	}
}

func TestDetectImportFormat(t *testing.T) {
	tests := []struct {
		in   string
		want models.ImportFormat
	}{
		{`{"releases":[]}`, models.FormatOCDS},
		{"\ufeff  \n[{\"ocid\":\"x\"}]", models.FormatOCDS},
		{"[]", models.FormatOCDS},
		{"[Ref],Title\n", models.FormatCSV},
		{"PK\x03\x04rest", models.FormatXLSX},
		{"Reference,Title\n", models.FormatCSV},
		{"", models.FormatCSV},
	}
	for _, tt := range tests {
		if got := models.DetectImportFormat([]byte(tt.in)); got != tt.want {
			t.Errorf("DetectImportFormat(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
