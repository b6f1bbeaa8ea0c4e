package models_test

import (
	"fmt"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// A hand-written OCDS file with the shapes real publishers use.
func TestImportOCDSBuyersAndShapes(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	pkg := `{"uri":"https://example.com/a package with spaces.json","version":"1.1","releases":[
	{"ocid":"ocds-t-1","id":"r1","date":"2026-01-01T10:00:00Z","tag":["award"],
	 "buyer":{"id":"GB-LAC-E08000035","name":"Some name that matches nothing"},
	 "parties":[{"id":"GB-LAC-E08000035","name":"Leeds","roles":["buyer"],"identifier":{"scheme":"GB-LAC","id":"E08000035"}},
	            {"id":"s1","name":"Civica UK Ltd","roles":["supplier"],"identifier":{"scheme":"GB-COH","id":"1628868"},"details":{"scale":"large","vcse":false}},
	            {"id":"s2","name":"IP Society","roles":["supplier"],"identifier":{"scheme":"GB-COH","id":"IP19059R"},"details":{"scale":"sme"}},
	            {"name":"City of Bradford Metropolitan District Council","roles":["buyer"]}],
	 "tender":{"title":"Revenues and benefits","procurementMethod":"selective","procurementMethodDetails":"Call-off from a framework agreement",
	           "classification":{"scheme":"CPV","id":"48442000-7"}},
	 "awards":[{"id":"ocds-t-1-award-1","status":"active","value":{"amount":1250000.5,"currency":"GBP"},
	            "suppliers":[{"id":"s1","name":"Civica UK Ltd"},{"id":"s2","name":"IP Society"}],
	            "contractPeriod":{"startDate":"2026-04-01T00:00:00+01:00","endDate":"2031-03-31T23:59:59+01:00"}}],
	 "contracts":[{"id":"c1","awardID":"ocds-t-1-award-1","title":"Revenues and benefits system â€“ Leeds and Bradford","status":"active",
	               "period":{"startDate":"2026-04-01","endDate":"2031-03-31","maxExtentDate":"2035-03-31"}}]},
	{"ocid":"ocds-t-2","date":"2025-01-01T00:00:00Z","buyer":{"name":"Sheffield City Council"},
	 "awards":[{"id":"old","status":"active","title":"Older release","suppliers":[{"name":"Old Supplier"}]}]},
	{"ocid":"ocds-t-2","date":"2025-06-01T00:00:00Z","buyer":{"name":"SHEFFIELD CITY COUNCIL"},
	 "awards":[{"id":"new","status":"active","title":"Newer release","value":{"amount":"1000","currency":"GBP"},"suppliers":[{"name":"New Supplier"}]},
	           {"id":"gone","status":"cancelled","title":"Cancelled","suppliers":[{"name":"X"}]}]},
	{"ocid":"ocds-t-3","date":"2025-06-01T00:00:00Z","buyer":{"name":"Leeds Beckett University"},
	 "awards":[{"id":"u","status":"active","suppliers":[{"name":"Y"}]}]},
	{"ocid":"ocds-t-4","date":"2025-06-01T00:00:00Z","buyer":{"name":"Wakefield Council"},"tender":{"title":"Not awarded yet"}},
	{"ocid":"ocds-t-5","date":"2025-06-01T00:00:00Z","buyer":{"name":"York"},
	 "awards":[{"id":"eur","status":"active","title":"Priced in euros","value":{"amount":500,"currency":"EUR"},"suppliers":[{"name":"Euro Ltd"}]}]},
	"not a release", 42
	]}`
	res := ciMustImport(t, db, "", []byte(pkg))
	if res.Format != models.FormatOCDS || res.Layout != "OCDS release package" {
		t.Errorf("format %q layout %q", res.Format, res.Layout)
	}
	if res.Created != 4 || res.SkippedNotCouncil != 3 || res.SkippedNoAward != 1 || res.Superseded != 1 {
		t.Errorf("created %d, skipped %d not council, %d no award, %d superseded; want 4, 3, 1, 1", res.Created, res.SkippedNotCouncil, res.SkippedNoAward, res.Superseded)
	}
	var councils []string
	for _, c := range res.Councils {
		councils = append(councils, fmt.Sprintf("%s %d", c.Name, c.Created))
	}
	if strings.Join(councils, ", ") != "Bradford 1, Leeds 1, Sheffield 1, York 1" {
		t.Errorf("councils %v", councils)
	}
	// The joint contract is in both buyers' registers.
	for _, gss := range []string{leedsGSS, bradfordGSS} {
		c := ciContract(t, db, gss, "ocds-t-1-c1")
		if c.OCID != "ocds-t-1" || c.Title != "Revenues and benefits system – Leeds and Bradford" || c.SupplierName != "Civica UK Ltd" ||
			c.SupplierCompanyNumber != "01628868" || penceOf(c.TotalValuePence) != "125000050" || c.StartDate.String() != "2026-04-01" ||
			c.EndDate.String() != "2031-03-31" || c.MaxExtensionDate.String() != "2035-03-31" || c.CategorySlug != "revenues-benefits" ||
			c.ProcurementRoute != "framework" || flag(c.SME) != "false" || c.Source != "ocds" || !strings.Contains(c.Notes, "Also awarded to: IP Society") {
			t.Errorf("%s: %+v", gss, c)
		}
	}
	if c := ciContract(t, db, "E08000019", "ocds-t-2-new"); c.Title != "Newer release" || penceOf(c.TotalValuePence) != "100000" {
		t.Errorf("Sheffield: %+v", c)
	}
	if c := ciContract(t, db, "E06000014", "ocds-t-5-eur"); c.TotalValuePence != nil || !strings.Contains(c.Notes, "500 EUR") {
		t.Errorf("York: %+v", c)
	}
	if again := ciMustImport(t, db, "", []byte(pkg)); again.Unchanged != 4 || again.Created+again.Updated != 0 {
		t.Errorf("second import %+v", again)
	}

	// With a council given, only its notices are read.
	res = ciMustImport(t, db, bradfordGSS, []byte(pkg), dryRun)
	if res.Unchanged != 1 || res.Created != 0 || res.SkippedOtherCouncil != 3 {
		t.Errorf("Bradford only: %+v", res)
	}
}

func TestImportOCDSRecordPackageAndArray(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	records := `{"records":[{"ocid":"ocds-r-1","releases":[{"url":"https://example.com/r1.json","date":"2026-01-01T00:00:00Z"}],
	  "compiledRelease":{"ocid":"ocds-r-1","date":"2026-02-01T00:00:00Z","buyer":{"name":"Leeds City Council"},
	    "awards":[{"id":"1","status":"active","title":"From the record","suppliers":[{"name":"Acme Ltd"}],"value":{"amount":10,"currency":"GBP"}}]}}]}`
	res := ciMustImport(t, db, "", []byte(records))
	if res.Layout != "OCDS record package" || res.Created != 1 {
		t.Errorf("records: %+v", res)
	}
	if c := ciContract(t, db, leedsGSS, "ocds-r-1-1"); c.Title != "From the record" {
		t.Errorf("record: %+v", c)
	}
	array := `[{"ocid":"ocds-a-1","date":"2026-01-01","buyer":{"name":"Kirklees Council"},
	  "awards":[{"status":"active","title":"No award id","suppliers":[{"name":"Acme Ltd"}]}]}]`
	res = ciMustImport(t, db, "", []byte(array))
	if res.Layout != "OCDS releases (a JSON array)" || res.Created != 1 {
		t.Errorf("array: %+v", res)
	}
	if c := ciContract(t, db, "E08000034", "ocds-a-1-award-1"); c.Title != "No award id" {
		t.Errorf("array: %+v", c)
	}
}

func TestImportOCDSProblems(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	before := ciFingerprint(t, db)
	bad := `{"releases":[
	{"ocid":"ocds-p-1","buyer":{"name":"Leeds City Council"},
	 "awards":[{"id":"a","status":"active","title":"Fine","suppliers":[{"name":"Acme Ltd"}]}]},
	{"ocid":"ocds-p-2","buyer":{"name":"Leeds City Council"},
	 "awards":[{"id":"b","status":"active","title":"Bad","suppliers":[{"name":"Acme Ltd"}],"value":{"amount":-5,"currency":"GBP"},
	            "contractPeriod":{"startDate":"2027-01-01","endDate":"soon"}}]}]}`
	_, err := ciImport(t, db, models.System, "", []byte(bad))
	got := ciProblems(t, err)
	var lines []string
	for _, p := range got {
		lines = append(lines, fmt.Sprintf("%d %s %s", p.Line, p.Field, p.Value))
	}
	want := "2 awards[0].value.amount -5|2 awards[0].contractPeriod.endDate soon"
	if strings.Join(lines, "|") != want {
		t.Errorf("problems %q, want %q", lines, want)
	}
	if after := ciFingerprint(t, db); after != before {
		t.Errorf("wrote %s → %s", before, after)
	}
	_, err = ciImport(t, db, models.System, "", []byte("{\n\"releases\": [\n{,}]}"))
	if p := ciProblems(t, err); len(p) != 1 || p[0].Line != 3 || !strings.Contains(p[0].Message, "not valid JSON") {
		t.Errorf("broken JSON: %+v", p)
	}
	_, err = ciImport(t, db, models.System, "", []byte(`{"hello":"world"}`))
	if p := ciProblems(t, err); len(p) != 1 || !strings.Contains(p[0].Message, "not OCDS") {
		t.Errorf("not OCDS: %+v", p)
	}
}
