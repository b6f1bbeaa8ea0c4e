package models_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// mySocietyHeader is the header of mySociety's uk_local_authorities.csv.
var mySocietyHeader = strings.Split("local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,local-authority-type-name,county-la,combined-authority,alt-names,former-gss-codes,notes,current-authority,BS-6879,ecode,even-older-register-and-code,gov-uk-slug,area,pop-2020,x,y,lat,long,powers,lower-or-unitary,mapit-area-code,ofcom,old-ons-la-code,old-register-and-code,open-council-data-id,os-file,os,snac,wdtk-id", ",")

// writeMySociety writes a file in mySociety's layout, each row given as
// column → value, and returns its path.
func writeMySociety(t *testing.T, rows ...map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(mySocietyHeader); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		rec := make([]string, len(mySocietyHeader))
		for i, h := range mySocietyHeader {
			rec[i] = r[h]
			delete(r, h)
		}
		if len(r) != 0 {
			t.Fatalf("columns not in the mySociety header: %v", r)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	p := filepath.Join(t.TempDir(), "uk_local_authorities.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func importFile(t *testing.T, db *models.DB, path string) (models.CouncilImportSummary, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return db.ImportCouncils(context.Background(), 0, f)
}

// readCSV reads a CSV file into maps keyed by header.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[strings.TrimPrefix(h, "\ufeff")] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func TestImportNationalMySocietyFile(t *testing.T) {
	national := testutil.SharedData(t, "local-authorities", "mysociety", "uk_local_authorities.csv")
	simplified := testutil.SharedData(t, "local-authorities", "principal-councils-current-simplified.csv")
	db, _ := testutil.NewDB(t)
	ctx := context.Background()

	sum, err := importFile(t, db, national)
	if err != nil {
		t.Fatal(err)
	}
	want := models.CouncilImportSummary{Rows: 470, Added: 382, SkippedFormer: 73, SkippedOther: 15, Active: 382}
	if sum != want {
		t.Errorf("summary\n got %+v\nwant %+v", sum, want)
	}

	expected := map[string]map[string]string{}
	for _, r := range readCSV(t, simplified) {
		expected[r["gss_code"]] = r
	}
	if len(expected) != 382 {
		t.Fatalf("%s has %d councils, want 382", simplified, len(expected))
	}
	councils, err := db.Councils(ctx, models.CouncilFilter{IncludeInactive: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.Council{}
	for _, c := range councils {
		got[c.GSSCode] = c
		if !c.Active {
			t.Errorf("%s %s imported inactive", c.GSSCode, c.Name)
		}
		if c.TypeCode == "COMB" || c.TypeCode == "SRA" {
			t.Errorf("%s %s is a %s, not a principal council", c.GSSCode, c.Name, c.TypeCode)
		}
		if models.CouncilTypeName(c.TypeCode) == c.TypeCode {
			t.Errorf("%s has unknown type %q", c.GSSCode, c.TypeCode)
		}
		e, ok := expected[c.GSSCode]
		if !ok {
			t.Errorf("%s %s imported but is not a current principal council", c.GSSCode, c.Name)
			continue
		}
		if c.Region.Name != e["region"] {
			t.Errorf("%s %s: region %q, want %q", c.GSSCode, c.Name, c.Region.Name, e["region"])
		}
		if c.Region.Nation != e["nation"] {
			t.Errorf("%s %s: nation %q, want %q", c.GSSCode, c.Name, c.Region.Nation, e["nation"])
		}
		if c.TypeCode != e["type_code"] {
			t.Errorf("%s %s: type %q, want %q", c.GSSCode, c.Name, c.TypeCode, e["type_code"])
		}
		// The import trims fields; the simplified file keeps mySociety's spaces.
		if c.Name != strings.TrimSpace(e["nice_name"]) || c.OfficialName != strings.TrimSpace(e["official_name"]) {
			t.Errorf("%s: names %q / %q, want %q / %q", c.GSSCode, c.Name, c.OfficialName, e["nice_name"], e["official_name"])
		}
	}
	for gss, e := range expected {
		if _, ok := got[gss]; !ok {
			t.Errorf("%s %s missing", gss, e["nice_name"])
		}
	}

	leeds, err := db.CouncilByGSS(ctx, leedsGSS)
	if err != nil {
		t.Fatal(err)
	}
	if leeds.Name != "Leeds" || leeds.OfficialName != "Leeds City Council" || leeds.TypeCode != "MD" ||
		leeds.Region.Name != "Yorkshire and The Humber" || leeds.Region.Slug != "yorkshire-and-the-humber" || leeds.Population == 0 {
		t.Errorf("Leeds imported as %+v", leeds)
	}
	regions, err := db.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(regions) != 12 {
		t.Errorf("%d regions, want 12 (nine English, three nations)", len(regions))
	}

	// Importing again changes nothing.
	again, err := importFile(t, db, national)
	if err != nil {
		t.Fatal(err)
	}
	want = models.CouncilImportSummary{Rows: 470, Unchanged: 382, SkippedFormer: 73, SkippedOther: 15, Active: 382}
	if again != want {
		t.Errorf("second import\n got %+v\nwant %+v", again, want)
	}
	if !strings.Contains(again.String(), "382 active councils") {
		t.Errorf("summary %q does not give the active count", again)
	}
}

func TestImportFormerCouncilIsMarkedInactive(t *testing.T) {
	db, _ := testutil.NewDB(t)
	ctx := context.Background()
	mustImport(t, db, "gss_code,name,type,region\nE07000026,Allerdale,NMD,North West\nE07000004,Aylesbury Vale,NMD,South East\n")

	path := writeMySociety(t,
		// A council we hold, now abolished: kept, marked inactive.
		map[string]string{"local-authority-code": "ALL", "official-name": "Allerdale Borough Council", "nice-name": "Allerdale",
			"gss-code": "E07000026", "end-date": "2023-03-31", "nation": "England", "local-authority-type": "NMD", "current-authority": "False"},
		// A former council we never held: skipped.
		map[string]string{"official-name": "Barrow-in-Furness Borough Council", "nice-name": "Barrow-in-Furness",
			"gss-code": "E07000027", "end-date": "2023-03-31", "nation": "England", "region": "North West", "local-authority-type": "NMD", "current-authority": "False"},
		// A former council from before GSS codes: skipped.
		map[string]string{"official-name": "Old Council", "nice-name": "Old", "local-authority-type": "NID", "current-authority": "False", "nation": "Northern Ireland"},
		// A combined authority: not a principal council.
		map[string]string{"official-name": "West Yorkshire Combined Authority", "nice-name": "West Yorkshire", "gss-code": "E47000003",
			"nation": "England", "region": "Yorkshire and The Humber", "local-authority-type": "COMB", "current-authority": "True"},
	)
	sum, err := importFile(t, db, path)
	if err != nil {
		t.Fatal(err)
	}
	want := models.CouncilImportSummary{Rows: 4, MarkedInactive: 1, SkippedFormer: 2, SkippedOther: 1, Active: 1}
	if sum != want {
		t.Errorf("summary\n got %+v\nwant %+v", sum, want)
	}
	c, err := db.CouncilByGSS(ctx, "E07000026")
	if err != nil {
		t.Fatalf("former council deleted: %v", err)
	}
	if c.Active || c.EndDate != "2023-03-31" || c.Region.Name != "North West" || c.OfficialName != "Allerdale Borough Council" {
		t.Errorf("former council now %+v", c)
	}
	for _, gss := range []string{"E07000027", "E47000003"} {
		if _, err := db.CouncilByGSS(ctx, gss); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s: %v, want not imported", gss, err)
		}
	}
	active, err := db.Councils(ctx, models.CouncilFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 1 || active[0].GSSCode != "E07000004" {
		t.Errorf("active councils %v, want only Aylesbury Vale", active)
	}
	// A user cannot join a former council.
	_, err = db.CreateUser(ctx, 0, models.NewUser{Email: "a@allerdale.gov.uk", Name: "A", Role: models.RoleOfficer, CouncilGSS: "E07000026"})
	wantValidation(t, err, "council")
}

func TestImportPlainLayout(t *testing.T) {
	db, _ := testutil.NewDB(t)
	ctx := context.Background()
	sum := mustImport(t, db, "\ufeffGSS_Code,Name,Type,Region,Official_Name,Active\n"+
		"E08000035,Leeds,MD,Yorkshire and The Humber,Leeds City Council,yes\n"+
		"E06000014,York,unitary authority,Yorkshire and The Humber,,\n"+
		"S12000036,City of Edinburgh,Scottish council,Scotland,,true\n"+
		"W06000015,Cardiff,WPA,Wales,,1\n"+
		"E07000026,Allerdale,NMD,North West,,false\n")
	want := models.CouncilImportSummary{Rows: 5, Added: 4, SkippedFormer: 1, Active: 4}
	if sum != want {
		t.Errorf("summary\n got %+v\nwant %+v", sum, want)
	}
	checks := []struct {
		gss, name, official, typ, region, nation string
	}{
		{"E08000035", "Leeds", "Leeds City Council", "MD", "Yorkshire and The Humber", "England"},
		{"E06000014", "York", "York", "UA", "Yorkshire and The Humber", "England"},
		{"S12000036", "City of Edinburgh", "City of Edinburgh", "SCO", "Scotland", "Scotland"},
		{"W06000015", "Cardiff", "Cardiff", "WPA", "Wales", "Wales"},
	}
	for _, w := range checks {
		c, err := db.CouncilByGSS(ctx, w.gss)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != w.name || c.OfficialName != w.official || c.TypeCode != w.typ || c.Region.Name != w.region || c.Region.Nation != w.nation || !c.Active {
			t.Errorf("%s imported as %+v, want %+v", w.gss, c, w)
		}
	}

	// The active column can retire a council; a changed name is an update.
	sum = mustImport(t, db, "gss_code,name,type,region,active\n"+
		"E08000035,Leeds,MD,Yorkshire and The Humber,no\n"+
		"E06000014,City of York,UA,Yorkshire and The Humber,\n"+
		"W06000015,Cardiff,WPA,Wales,\n")
	// Leeds is retired, York renamed, Cardiff as it was.
	want = models.CouncilImportSummary{Rows: 3, Updated: 1, Unchanged: 1, MarkedInactive: 1, Active: 3}
	if sum != want {
		t.Errorf("second summary\n got %+v\nwant %+v", sum, want)
	}
	if c, _ := db.CouncilByGSS(ctx, "E08000035"); c.Active {
		t.Error("Leeds still active after active=no")
	}
	if c, _ := db.CouncilByGSS(ctx, "E06000014"); c.Name != "City of York" {
		t.Errorf("York's name is %q", c.Name)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	db, _ := testutil.NewDB(t)
	ctx := context.Background()
	mustImport(t, db, "gss_code,name,type,region\nE08000035,Leeds,MD,Yorkshire and The Humber\n")
	before := councilFingerprint(t, db)
	audits := count(t, db, "audit_events")

	_, err := importCSV(t, db, "gss_code,name,type,region\n"+
		"E08000035,Leeds Renamed,MD,Yorkshire and The Humber\n"+ // line 2: fine
		"E0800003,Bradford,MD,Yorkshire and The Humber\n"+ // line 3: bad GSS code
		"E08000036,Wakefield,MD,Yorkshire and The Humber\n"+ // line 4: fine
		"E08000034,Kirklees,MD,\n") // line 5: no region
	var ierr *models.ImportError
	if !errors.As(err, &ierr) {
		t.Fatalf("got %v (%T), want *models.ImportError", err, err)
	}
	got := rowProblems(ierr)
	if want := []string{"3 gss_code", "5 region"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	for _, s := range []string{"nothing imported", "line 3", "line 5"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	if after := councilFingerprint(t, db); after != before {
		t.Errorf("councils changed by a refused import:\n%s\n%s", before, after)
	}
	if n := count(t, db, "audit_events"); n != audits {
		t.Errorf("audit events %d → %d after a refused import", audits, n)
	}
	if _, err := db.CouncilByGSS(ctx, "E08000036"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Wakefield imported from a refused file: %v", err)
	}
}

func rowProblems(ierr *models.ImportError) []string {
	var out []string
	for _, r := range ierr.Rows {
		out = append(out, fmt.Sprintf("%d %s", r.Line, r.Field))
	}
	return out
}

func TestImportRowProblems(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []string
	}{
		{"duplicate GSS code", "gss_code,name,type,region\nE08000035,Leeds,MD,Y\nE08000036,Wakefield,MD,Y\nE08000035,Leeds again,MD,Y\n", []string{"4 gss_code"}},
		{"unknown header", "code,title,kind\nE08000035,Leeds,MD\n", []string{"1 header"}},
		{"empty file", "", []string{"1 header"}},
		{"unknown type", "gss_code,name,type,region\nE08000035,Leeds,Parish,Y\n", []string{"2 type"}},
		{"bad active", "gss_code,name,type,region,active\nE08000035,Leeds,MD,Y,maybe\n", []string{"2 active"}},
		{"missing name", "gss_code,name,type,region\nE08000035,,MD,Y\n", []string{"2 name"}},
		{"short row", "gss_code,name,type,region\nE08000035,Leeds\n", []string{"2 type", "2 region"}},
		{"broken quoting", "gss_code,name,type,region\nE08000035,\"Leeds,MD,Y\n", []string{"2 row"}},
		{"mySociety bad GSS", strings.Join(mySocietyHeader, ",") + "\n" + mySocietyLine("X1", "True", "MD", "Yorkshire and The Humber"), []string{"2 gss_code"}},
		{"mySociety current without region", strings.Join(mySocietyHeader, ",") + "\n" + mySocietyLine("E08000035", "True", "MD", ""), []string{"2 region"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := testutil.NewDB(t)
			_, err := importCSV(t, db, tt.csv)
			var ierr *models.ImportError
			if !errors.As(err, &ierr) {
				t.Fatalf("got %v (%T), want *models.ImportError", err, err)
			}
			if got := rowProblems(ierr); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems %v, want %v (%v)", got, tt.want, err)
			}
			if n := count(t, db, "councils"); n != 0 {
				t.Errorf("%d councils imported from a refused file", n)
			}
		})
	}
}

// mySocietyLine is one mySociety row with only the columns the import reads.
func mySocietyLine(gss, current, typ, region string) string {
	rec := make([]string, len(mySocietyHeader))
	for i, h := range mySocietyHeader {
		switch h {
		case "gss-code":
			rec[i] = gss
		case "current-authority":
			rec[i] = current
		case "local-authority-type":
			rec[i] = typ
		case "region":
			rec[i] = region
		case "nice-name", "official-name":
			rec[i] = "Somewhere"
		}
	}
	return strings.Join(rec, ",") + "\n"
}

func TestImportErrorMessageIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("gss_code,name,type,region\n")
	for range 30 {
		b.WriteString("bad,Leeds,MD,Y\n")
	}
	db, _ := testutil.NewDB(t)
	_, err := importCSV(t, db, b.String())
	var ierr *models.ImportError
	if !errors.As(err, &ierr) || len(ierr.Rows) != 30 {
		t.Fatalf("got %v, want 30 row problems", err)
	}
	if !strings.Contains(err.Error(), "and 10 more") {
		t.Errorf("error does not summarise beyond 20 problems: %s", err)
	}
}

// councilFingerprint is every council and region, as text.
func councilFingerprint(t testing.TB, db *models.DB) string {
	t.Helper()
	var s string
	err := db.W.QueryRow(`SELECT coalesce((SELECT group_concat(x, ';') FROM (
		SELECT gss_code || '|' || name || '|' || official_name || '|' || type_code || '|' || region_id || '|' || active || '|' ||
		       coalesce(end_date, '') || '|' || coalesce(population, '') || '|' || updated_at AS x FROM councils ORDER BY gss_code)), '')
		|| '#' || coalesce((SELECT group_concat(x, ';') FROM (SELECT id || name || slug || nation AS x FROM regions ORDER BY id)), '')`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func FuzzImportCouncils(f *testing.F) {
	seeds := []string{
		"gss_code,name,type,region\nE08000035,Leeds,MD,Yorkshire and The Humber\n",
		"gss_code,name,type,region,official_name,active\nE06000014,York,Unitary authority,Yorkshire and The Humber,City of York Council,true\nE08000035,Leeds,MD,Yorkshire and The Humber,,no\n",
		"gss_code,name,type,region\nE0800003,Bradford,MD,Yorkshire and The Humber\nE08000034,Kirklees,MD,\n",
		"gss_code,name,type,region\nE08000035,Leeds,MD,Y\nE08000035,Leeds,MD,Y\n",
		"gss_code,name,type,region\nE08000035,Leeds,MD,North West\nE08000036,Wakefield,MD,North-West\n",
		"code,title\nE08000035,Leeds\n",
		"",
		"gss_code,name,type,region\nE08000035,\"Leeds,MD,Y\n",
		strings.Join(mySocietyHeader, ",") + "\n" + mySocietyLine("E08000035", "True", "MD", "Yorkshire and The Humber") +
			mySocietyLine("E08000035", "False", "MD", "") + mySocietyLine("E47000003", "True", "COMB", "Yorkshire and The Humber"),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	db, _ := testutil.NewDB(f)
	f.Fuzz(func(t *testing.T, text string) {
		before := councilFingerprint(t, db)
		councils := count(t, db, "councils")
		sum, err := importCSV(t, db, text)
		if err != nil {
			if n := count(t, db, "councils"); n != councils {
				t.Fatalf("council count %d → %d after a failed import: %v", councils, n, err)
			}
			if after := councilFingerprint(t, db); after != before {
				t.Fatalf("councils changed after a failed import: %v", err)
			}
			return
		}
		var active int
		if err := db.W.QueryRow(`SELECT count(*) FROM councils WHERE active = 1`).Scan(&active); err != nil {
			t.Fatal(err)
		}
		if sum.Active != active {
			t.Fatalf("summary says %d active, database holds %d", sum.Active, active)
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

func TestImportReportsDuplicatesAlongsideOtherProblems(t *testing.T) {
	db, _ := testutil.NewDB(t)
	_, err := db.ImportCouncils(context.Background(), 0, strings.NewReader(
		"gss_code,name,type,region\nE08000035,Leeds,MD,Y\nbad,Nowhere,MD,Y\nE08000035,Leeds again,MD,Y\n"))
	var ierr *models.ImportError
	if !errors.As(err, &ierr) {
		t.Fatalf("err = %v, want *ImportError", err)
	}
	var lines []string
	for _, r := range ierr.Rows {
		lines = append(lines, fmt.Sprintf("%d %s", r.Line, r.Field))
	}
	if want := []string{"3 gss_code", "4 gss_code"}; !reflect.DeepEqual(lines, want) {
		t.Errorf("problems on %v, want %v", lines, want)
	}
	if n := count(t, db, "councils"); n != 0 {
		t.Errorf("%d councils imported, want none", n)
	}
}

func TestImportMatchesRegionsBySlug(t *testing.T) {
	db, _ := testutil.NewDB(t)
	mustImport(t, db, "gss_code,name,type,region\nE08000035,Leeds,MD,North West\nE08000036,Wakefield,MD,North-West\n")
	if n := count(t, db, "regions"); n != 1 {
		t.Errorf("%d regions, want 1: \"North West\" and \"North-West\" are one region", n)
	}
}
