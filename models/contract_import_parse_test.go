package models

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// Table tests for the readers of imported cells. They are in package
// models because the encodings, flags and council names are read by
// unexported functions; dates and money are exported and tested here
// too, beside them.

func TestParseImportDate(t *testing.T) {
	tests := []struct {
		in, want string // want "" with wantErr means an error
		wantErr  string
	}{
		{"03/03/2027", "2027-03-03", ""},
		{"3/3/2027", "2027-03-03", ""},
		{"3/3/27", "2027-03-03", ""},
		{"31/12/99", "1999-12-31", ""},
		{"01.04.2026", "2026-04-01", ""},
		{"1-4-2026", "2026-04-01", ""},
		{"3 March 2027", "2027-03-03", ""},
		{"3 Mar 2027", "2027-03-03", ""},
		{"3rd March 2027", "2027-03-03", ""},
		{"03-Mar-27", "2027-03-03", ""},
		{"3 Sept 2026", "2026-09-03", ""},
		{"29 February 2028", "2028-02-29", ""},
		{"2027-03-03", "2027-03-03", ""},
		{"2020-06-03T00:00:00Z", "2020-06-03", ""},
		{"2025-04-23T23:59:59+01:00", "2025-04-23", ""},
		{"2025-04-23 10:15", "2025-04-23", ""},
		{"46449", "2027-03-03", ""},
		{"46449.5", "2027-03-03", ""},
		{"", "", ""},
		{"  ", "", ""},
		{"N/A", "", ""},
		{"-", "", ""},
		{"31/02/2026", "", "February has no day 31"},
		{"29 February 2027", "", "February has no day 29"},
		{"12/31/2027", "", "day first"},
		{"13/13/2027", "", "not a date"},
		{"TBC", "", "not a date"},
		{"ongoing", "", "not a date"},
		{"3 Smarch 2027", "", "not a date"},
		{"12345", "", "Excel date serial"},
		{"99999", "", "Excel date serial"},
		{"2027", "", "not a date"},
		{"2027-13-01", "", "not a date"},
		{"2027-03-03T25:00:00Z", "", "not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseImportDate(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseImportDate(%q) = %v, %v; want an error saying %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("ParseImportDate(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestExcelSerialDate1904(t *testing.T) {
	// 1 January 1904 + 44987 days is 3 March 2027 (the 1900 system's 46449).
	got, err := excelSerialDate("44987", true)
	if err != nil || got.String() != "2027-03-03" {
		t.Fatalf("got %v, %v; want 2027-03-03", got, err)
	}
}

func TestParseImportMoney(t *testing.T) {
	tests := []struct {
		in      string
		want    int64 // pence; -1 for no value
		wantErr string
	}{
		{"£1,234.56", 123456, ""},
		{"1234.5", 123450, ""},
		{"1,234", 123400, ""},
		{"1,234,567.89", 123456789, ""},
		{"£ 1,234", 123400, ""},
		{"GBP 1234", 123400, ""},
		{"1234 GBP", 123400, ""},
		{"14950.0", 1495000, ""},
		{"97891.2", 9789120, ""},
		{"0.1", 10, ""},
		{".5", 50, ""},
		{"0", 0, ""},
		{"0.005", 1, ""},   // half a penny rounds up
		{"0.004", 0, ""},   // less rounds down
		{"1.235", 124, ""}, // exactly, not 1.2349999… as a float would have it
		{"1234.5599999999999", 123456, ""},
		{"0.30000000000000004", 30, ""},
		{"1.5E+7", 1500000000, ""},
		{"2.5e3", 250000, ""},
		{"456662296.0", 45666229600, ""},
		{"99999999999999.99", 9999999999999999, ""},
		{"", -1, ""},
		{" ", -1, ""},
		{"n/a", -1, ""},
		{"£1.2m", 0, "abbreviated"},
		{"1.2m", 0, "abbreviated"},
		{"500k", 0, "abbreviated"},
		{"2 million", 0, "abbreviated"},
		{"-100", 0, "negative"},
		{"£-100", 0, "negative"},
		{"-£100", 0, "negative"},
		{"(100)", 0, "negative"},
		{"€100", 0, "not in pounds"},
		{"$100", 0, "not in pounds"},
		{"1,5", 0, "not an amount"},
		{"1,23,456", 0, "not an amount"},
		{"TBC", 0, "not an amount"},
		{"12.34.56", 0, "not an amount"},
		{"1e400", 0, "too large"},
		{"123456789012345678", 0, "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseImportMoney(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseImportMoney(%q) = %v, %v; want an error saying %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseImportMoney(%q): %v", tt.in, err)
			}
			if tt.want == -1 {
				if got != nil {
					t.Fatalf("ParseImportMoney(%q) = %d, want no value", tt.in, *got)
				}
				return
			}
			if got == nil || *got != tt.want {
				t.Fatalf("ParseImportMoney(%q) = %v, want %d pence", tt.in, got, tt.want)
			}
		})
	}
}

func TestDecodeImportText(t *testing.T) {
	cp1252 := func(s string) []byte {
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16le := func(s string) []byte {
		out := []byte{0xFF, 0xFE}
		for _, r := range s {
			out = append(out, byte(r), byte(r>>8))
		}
		return out
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"UTF-8", []byte("Value,£1,234 – Ltd"), "Value,£1,234 – Ltd"},
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, "Reference,£5"...), "Reference,£5"},
		{"Windows-1252", cp1252("Value,£1,234 – O’Brien’s café"), "Value,£1,234 – O’Brien’s café"},
		{"UTF-16 with BOM", utf16le("Title,£5"), "Title,£5"},
		{"plain ASCII", []byte("a,b"), "a,b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeImportText(tt.in); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCleanImportText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Â£120,00", "£120,00"},
		{"â€¢\tChildren", "•\tChildren"},
		{"Ireland â€“ O’Brien", "Ireland – O’Brien"},
		{"REDCAR &amp; CLEVELAND", "REDCAR & CLEVELAND"},
		{"  Château  ", "Château"}, // real accents stay
		{"Ã‰cole", "École"},
		{"100\u00a0000", "100 000"},
		{"AT&T", "AT&T"},
	}
	for _, tt := range tests {
		if got := cleanImportText(tt.in); got != tt.want {
			t.Errorf("cleanImportText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormaliseImportHeaderAndSynonyms(t *testing.T) {
	tests := []struct{ header, field string }{
		{"Reference Number", "reference"},
		{"Contract Reference", "reference"},
		{"Ref", "reference"},
		{"Ref.", "reference"},
		{"Notice ID", "reference"},
		{"Title of Agreement", "title"},
		{"Contract Title", "title"},
		{"Award Title", "title"},
		{"Supplier Name", "supplier"},
		{"Name of Supplier", "supplier"},
		{"Supplier's Name", "supplier"},
		{"SUPPLIER_NAME", "supplier"},
		{"Supplier Company Number", "supplier_company_number"},
		{"Company Registration Number", "supplier_company_number"},
		{"Companies House Number", "supplier_company_number"},
		{"Value", "total_value"},
		{"Total Contract Value", "total_value"},
		{"Whole Life Value", "total_value"},
		{"Value (£)", "total_value"},
		{"Award Value", "total_value"},
		{"Annual Value", "annual_value"},
		{"Irrecoverable VAT", "irrecoverable_vat"},
		{"Start Date", "start_date"},
		{"Contract Start", "start_date"},
		{"End Date", "end_date"},
		{"Expiry Date", "end_date"},
		{"Contract End Date", "end_date"},
		{"Review Date", "review_date"},
		{"Procurement Route", "procurement_route"},
		{"ITT or Quote", "procurement_route"},
		{"ITT / Quote", "procurement_route"},
		{"SME", "sme"},
		{"SME Status", "sme"},
		{"VCSE", "vcse"},
		{"Voluntary Sector", "vcse"},
		{"Department", "department"},
		{"Service Area", "department"},
		{"Directorate", "department"},
		{"Description", "description"},
		{"Award Description", "description"},
		{"Product", "product"},
		{"Category", "category"},
		{"Hosting", "hosting"},
		{"Notice Period (months)", "notice_period_months"},
		{"Maximum Extension Date", "max_extension_date"},
		{"End of Support Date", "end_of_support_date"},
		{"Notes", "notes"},
		{"Extension Intended", "extension_intended"},
		{"Supplier ID-scheme", "supplier_id_scheme"},
		{"Supplier ID", "supplier_id"},
		{"Classification Code", "cpv"},
		{"Award Value - currency", "currency"},
		{"\ufeffReference Number", "reference"},
	}
	for _, tt := range tests {
		if got := importSynonyms[NormaliseImportHeader(tt.header)]; got != tt.field {
			t.Errorf("%q (normalised %q) maps to %q, want %q", tt.header, NormaliseImportHeader(tt.header), got, tt.field)
		}
	}
}

func TestMapHeaders(t *testing.T) {
	headers := []string{"Ref", "Contract Title", "Value", "Agreement Name", "Buyer Name", "Total Contract Value", "Mystery", ""}
	chosen := map[string]string{"mystery": "notes"}
	remembered := map[string]string{"agreement name": ImportIgnore}
	got := mapHeaders(headers, chosen, remembered)
	want := []struct{ field, how string }{
		{"reference", MappedRecognised}, {"title", MappedRecognised}, {"total_value", MappedRecognised},
		{"", MappedIgnored}, {"", MappedInformational}, {"", MappedDuplicate}, {"notes", MappedChosen}, {"", MappedIgnored},
	}
	for i, w := range want {
		if got[i].Field != w.field || got[i].How != w.how {
			t.Errorf("column %d %q: %q (%s), want %q (%s)", i, headers[i], got[i].Field, got[i].How, w.field, w.how)
		}
	}
	// A choice beats a recognised name for the same field, wherever it is.
	got = mapHeaders([]string{"Title", "Agreement"}, map[string]string{"agreement": "title"}, nil)
	if got[0].How != MappedDuplicate || got[1].Field != "title" || got[1].How != MappedChosen {
		t.Errorf("chosen title: %+v", got)
	}
}

func TestParseImportFlags(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		in      string
		names   []string
		want    *bool
		wantErr bool
	}{
		{"Yes", nil, &yes, false}, {"Y", nil, &yes, false}, {"TRUE", nil, &yes, false}, {"1", nil, &yes, false},
		{"No", nil, &no, false}, {"n", nil, &no, false}, {"false", nil, &no, false}, {"0", nil, &no, false},
		{"SME", []string{"sme"}, &yes, false}, {"Non-SME", []string{"sme"}, &no, false}, {"Not SME", []string{"sme"}, &no, false},
		{"VCSE", []string{"vcse"}, &yes, false}, {"", nil, nil, false}, {"Unknown", nil, nil, false}, {"N/A", nil, nil, false},
		{"Maybe", nil, nil, true}, {"SME", nil, nil, true},
	}
	for _, tt := range tests {
		got, err := parseImportBool(tt.in, tt.names...)
		if (err != nil) != tt.wantErr || (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
			t.Errorf("parseImportBool(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseProcurementRoute(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ITT", "tender"}, {"Invitation to Tender", "tender"}, {"tender", "tender"}, {"Open procedure (above threshold)", "tender"},
		{"Quote", "quote"}, {"RFQ", "quote"}, {"Competitive quotation (below threshold)", "quote"}, {"Quotation", "quote"},
		{"Framework", "framework"}, {"Call-off from a framework agreement", "framework"}, {"Mini competition", "framework"},
		{"Direct Award", "direct"}, {"Waiver", "direct"}, {"Single tender action (below threshold)", "direct"},
		{"Negotiated procedure without prior publication", "direct"}, {"Other", "other"}, {"", ""},
	}
	for _, tt := range tests {
		if got, err := parseProcurementRoute(tt.in); err != nil || got != tt.want {
			t.Errorf("parseProcurementRoute(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := parseProcurementRoute("Carrier pigeon"); err == nil {
		t.Error("an unknown route was read")
	}
}

func TestParseHostingAndMonths(t *testing.T) {
	for in, want := range map[string]string{"On-premises": HostingOnPremises, "on prem": HostingOnPremises, "Hosted": HostingHosted,
		"SaaS": HostingSaaS, "Software as a Service": HostingSaaS, "": ""} {
		if got, err := parseHosting(in); err != nil || got != want {
			t.Errorf("parseHosting(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]int{"3": 3, "3 months": 3, "6 mths": 6, "1 year": 12, "2 years": 24} {
		if got, err := parseImportMonths(in); err != nil || got == nil || *got != want {
			t.Errorf("parseImportMonths(%q) = %v, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseImportMonths("three"); err == nil {
		t.Error(`"three" read as months`)
	}
}

func TestCouncilNameKeys(t *testing.T) {
	tests := []struct{ name, core string }{
		{"Leeds City Council", "leeds"},
		{"Leeds", "leeds"},
		{"City of Doncaster Council", "doncaster"},
		{"The North Yorkshire Council", "north yorkshire"},
		{"London Borough of Merton", "merton"},
		{"THE LONDON BOROUGH OF CAMDEN", "camden"},
		{"Royal Borough of Greenwich", "greenwich"},
		{"City & County of Swansea", "swansea"},
		{"Rhondda Cynon Taf CBC", "rhondda cynon taf"},
		{"Cyngor Gwynedd", "gwynedd"},
		{"County Durham", "durham"},
		{"Durham County Council", "durham"},
		{"Warwickshire County Council (WCC)", "warwickshire"},
		{"City of Bradford Metropolitan District Council", "bradford"},
		{"Stockton-on-Tees Borough Council", "stockton on tees"},
		{"Thame Town Council", "thame town"},
		{"Clapham Parish Council", "clapham parish"},
		{"Council", "council"},
	}
	for _, tt := range tests {
		if _, core := councilNameKeys(tt.name); core != tt.core {
			t.Errorf("core of %q = %q, want %q", tt.name, core, tt.core)
		}
	}
}

func TestCouncilIndexMatchesBuyers(t *testing.T) {
	x := newCouncilIndex([]Council{
		{GSSCode: "E08000035", Name: "Leeds", OfficialName: "Leeds City Council", Active: true},
		{GSSCode: "E10000015", Name: "Hertfordshire", OfficialName: "Hertfordshire County Council", Active: true},
		{GSSCode: "E10000029", Name: "Suffolk", OfficialName: "Suffolk County Council", Active: true},
		{GSSCode: "W06000011", Name: "Swansea", OfficialName: "City and County of Swansea Council", Active: true},
		{GSSCode: "E09000003", Name: "Barnet", OfficialName: "London Borough of Barnet", Active: true},
		{GSSCode: "E08000016", Name: "Barnsley", OfficialName: "Barnsley Metropolitan Borough Council", Active: true},
		{GSSCode: "E07000999", Name: "Twin", OfficialName: "Twin District Council", Active: true},
		{GSSCode: "E06000999", Name: "Twin", OfficialName: "Twin Council", Active: true},
		{GSSCode: "E10000021", Name: "Northamptonshire", OfficialName: "Northamptonshire County Council", Active: false},
	})
	tests := []struct{ name, gss string }{
		{"Leeds City Council", "E08000035"},
		{"LEEDS CITY COUNCIL", "E08000035"},
		{"Hertfordshire County Council - Children's Services", "E10000015"},
		{"Suffolk County Council Passenger Transport", "E10000029"},
		{"Legal, Democratic and Business Intelligence, Swansea Council,", "W06000011"},
		{"City & County of Swansea", "W06000011"},
		{"Barnsley, Doncaster, Rotherham and Sheffield Combined Authority", ""},
		{"Leeds Beckett University", ""},
		{"Twin", ""}, // two councils share the name: neither
		{"Twin Council", "E06000999"},
		{"Northamptonshire County Council", ""}, // no longer a council
		{"Thame Town Council", ""},
	}
	for _, tt := range tests {
		if got := x.byNameOf(tt.name); got != tt.gss {
			t.Errorf("%q matched %q, want %q", tt.name, got, tt.gss)
		}
	}
	if got := x.byIdentifier("GB-LAC-E09000003"); got != "E09000003" {
		t.Errorf("GB-LAC-E09000003 matched %q", got)
	}
	if got := x.byIdentifier("GB-LAC-E09999999", "sid4gov.cabinetoffice.gov.uk/E08000035x"); got != "" {
		t.Errorf("unknown or embedded codes matched %q", got)
	}
}

func TestImportReference(t *testing.T) {
	ocid := "ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30"
	tests := []struct{ id, kind, want string }{
		{ocid + "-1", "award", ocid + "-1"},
		{"1", "award", ocid + "-1"},
		{"", "contract", ocid + "-contract-3"},
	}
	for _, tt := range tests {
		if got := importReference(ocid, tt.id, tt.kind, 2); got != tt.want {
			t.Errorf("importReference(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
	long := importReference(strings.Repeat("o", 80), strings.Repeat("x", 40), "award", 0)
	if n := len([]rune(long)); n != 100 {
		t.Errorf("a long reference is %d characters: %q", n, long)
	}
	if importReference(strings.Repeat("o", 80), strings.Repeat("y", 40), "award", 0) == long {
		t.Error("two long references collide")
	}
}
