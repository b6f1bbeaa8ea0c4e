package models_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// These tests import the real files in ../shared/data: Contracts Finder
// award-notice CSVs of eight councils (silvereye), and OCDS as Contracts
// Finder, Find a Tender, Public Contracts Scotland, Sell2Wales and
// mySociety's bluetail published it.

// nationalDB is a database holding every current UK principal council,
// from mySociety's file.
func nationalDB(t testing.TB) *models.DB {
	t.Helper()
	path := testutil.SharedData(t, "local-authorities", "mysociety", "uk_local_authorities.csv")
	db, _ := testutil.NewDB(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := db.ImportCouncils(context.Background(), 0, f); err != nil {
		t.Fatal(err)
	}
	return db
}

// importSharedFile imports one file of ../shared/data.
func importSharedFile(t testing.TB, db *models.DB, gss string, rel ...string) (models.ContractImportResult, error) {
	t.Helper()
	path := testutil.SharedData(t, rel...)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return db.ImportContracts(context.Background(), models.System, models.ContractImport{CouncilGSS: gss, FileName: filepath.Base(path), Data: b})
}

// describeImportError lists an import error's rows for a failure message.
func describeImportError(err error) string {
	var ierr *models.ImportError
	if !errors.As(err, &ierr) {
		return err.Error()
	}
	var b strings.Builder
	for i, r := range ierr.Rows {
		if i == 30 {
			b.WriteString("…\n")
			break
		}
		fmt.Fprintf(&b, "  row %d, %s %q: %s\n", r.Line, r.Field, r.Value, r.Message)
	}
	return b.String()
}

func TestImportContractsFinderAwardCSVs(t *testing.T) {
	db := nationalDB(t)
	files := []struct {
		file, gss string
		rows      int
	}{
		{"leeds-city-council-awards-2020-06-to-09.csv", "E08000035", 122},
		{"city-of-london-corporation-awards-2020-06-to-09.csv", "E09000001", 13},
		{"devon-county-council-awards-2020-06-to-09.csv", "E10000008", 5},
		{"newcastle-city-council-awards-2020-06-to-09.csv", "E08000021", 2},
		{"north-tyneside-council-awards-2020-06-to-09.csv", "E08000022", 10},
		{"nottingham-city-council-awards-2020-06-to-09.csv", "E06000018", 10},
		{"telford-wrekin-council-awards-2020-06-to-09.csv", "E06000020", 10},
		// The London Fire Commissioner is not a council; its notices are
		// read into a council's register only to show the layout reads.
		{"london-fire-commissioner-awards-2020-06-to-09.csv", "E09000001", 14},
	}
	for _, f := range files {
		t.Run(f.file, func(t *testing.T) {
			res, err := importSharedFile(t, db, f.gss, "council-notice-csv", "silvereye-council-csv", f.file)
			if err != nil {
				t.Fatalf("import: %v\n%s", err, describeImportError(err))
			}
			if res.Rows != f.rows || res.Created != f.rows || res.Layout != "Contracts Finder award notices" {
				t.Errorf("rows %d, created %d, layout %q; want %d rows all created, Contracts Finder award notices", res.Rows, res.Created, res.Layout, f.rows)
			}
			again, err := importSharedFile(t, db, f.gss, "council-notice-csv", "silvereye-council-csv", f.file)
			if err != nil {
				t.Fatal(err)
			}
			if again.Created != 0 || again.Updated != 0 || again.Unchanged != f.rows {
				t.Errorf("second import: created %d, updated %d, unchanged %d; want all %d unchanged", again.Created, again.Updated, again.Unchanged, f.rows)
			}
		})
	}
}

func TestImportContractsFinderAwardCSVValues(t *testing.T) {
	db := nationalDB(t)
	if _, err := importSharedFile(t, db, "E09000001", "council-notice-csv", "silvereye-council-csv", "city-of-london-corporation-awards-2020-06-to-09.csv"); err != nil {
		t.Fatal(err)
	}
	page, err := db.Contracts(context.Background(), models.System, models.ContractFilter{CouncilGSS: "E09000001", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string]models.Contract{}
	for _, c := range page.Contracts {
		if c.Source != "csv" || !strings.Contains(c.Reference, "-") {
			t.Errorf("%q: source %q", c.Reference, c.Source)
		}
		byNumber[c.SupplierCompanyNumber] = c
	}
	// Supplier ID with the scheme GB-COH is the Companies House number,
	// padded as Companies House writes it.
	for _, n := range []string{"00002065", "08789269", "00309255", "02316623"} {
		if _, ok := byNumber[n]; !ok {
			t.Errorf("no supplier with Companies House number %s", n)
		}
	}
	c := byNumber["00002065"]
	if c.SupplierName != "Lloyds Bank Plc" || c.TotalValuePence == nil || c.StartDate.IsZero() || c.EndDate.IsZero() {
		t.Errorf("Lloyds: %+v", c)
	}
	// "Acute Elevators" appears without a number, then with one: one supplier.
	var acute int
	if err := db.R.QueryRow(`SELECT count(*) FROM suppliers WHERE normalised_name = 'acute elevators'`).Scan(&acute); err != nil || acute != 1 {
		t.Errorf("%d suppliers called Acute Elevators (%v), want 1", acute, err)
	}
}

func TestImportRealOCDS(t *testing.T) {
	db := nationalDB(t)
	files := []struct {
		path    []string
		created bool // whether any buyer is a council with an award
	}{
		{[]string{"uk-ocds-releases", "contracts-finder", "cf-council-buyers-subset-repackaged.json"}, true},
		{[]string{"uk-ocds-releases", "contracts-finder", "cf-it-software-subset-repackaged.json"}, true},
		{[]string{"uk-ocds-releases", "contracts-finder", "cf-ocds-search-page-2025-01-23.json"}, true},
		{[]string{"uk-ocds-releases", "contracts-finder", "cf-releases-2025-03-11-repackaged.json"}, true},
		{[]string{"uk-ocds-releases", "bluetail-contracts-finder-2018-2020", "cf-releases-with-gb-coh-supplier-ids.json"}, true},
		{[]string{"uk-ocds-releases", "find-a-tender", "fts-api-doc-sample-release-package.json"}, false},
		// Tender notices only: councils are found as buyers, but nothing
		// has been awarded yet.
		{[]string{"uk-ocds-releases", "public-contracts-scotland", "pcs-tender-releases-2019-array.json"}, false},
		{[]string{"uk-ocds-releases", "sell2wales", "sell2wales-tender-releases-2025-02-array.json"}, false},
		{[]string{"ocds-1.1.5", "examples", "contract.json"}, true},
		{[]string{"ocds-1.1.5", "examples", "record.json"}, true},
		{[]string{"ocds-1.1.5", "examples-fictional-1.1", "ocds-213czf-000-00001.json"}, true},
	}
	for _, f := range files {
		t.Run(f.path[len(f.path)-1], func(t *testing.T) {
			res, err := importSharedFile(t, db, "", f.path...)
			if err != nil {
				t.Fatalf("import: %v\n%s", err, describeImportError(err))
			}
			t.Logf("%s: rows %d created %d updated %d unchanged %d; skipped: not a council %d, no award %d; superseded %d; councils %v",
				res.Layout, res.Rows, res.Created, res.Updated, res.Unchanged, res.SkippedNotCouncil, res.SkippedNoAward, res.Superseded, res.Councils)
			if f.created && res.Created+res.Updated+res.Unchanged == 0 {
				t.Errorf("nothing imported, want the councils' awards")
			}
			if name := f.path[len(f.path)-1]; strings.HasPrefix(name, "pcs-") || strings.HasPrefix(name, "sell2wales-") {
				if res.SkippedNoAward == 0 || res.Rows != 0 {
					t.Errorf("tender notices: %d councils' tenders skipped, %d rows; want tenders found and no rows", res.SkippedNoAward, res.Rows)
				}
			}
			again, err := importSharedFile(t, db, "", f.path...)
			if err != nil {
				t.Fatal(err)
			}
			if again.Created != 0 || again.Updated != 0 || again.Unchanged != res.Created+res.Updated+res.Unchanged {
				t.Errorf("second import: created %d, updated %d, unchanged %d; want all unchanged", again.Created, again.Updated, again.Unchanged)
			}
		})
	}
}

func TestImportBluetailCompanyNumbers(t *testing.T) {
	db := nationalDB(t)
	res, err := importSharedFile(t, db, "", "uk-ocds-releases", "bluetail-contracts-finder-2018-2020", "cf-releases-with-gb-coh-supplier-ids.json")
	if err != nil {
		t.Fatalf("%v\n%s", err, describeImportError(err))
	}
	var withNumber, total int
	if err := db.R.QueryRow(`SELECT count(s.companies_house_number), count(*) FROM contracts c JOIN suppliers s ON s.id = c.supplier_id WHERE c.source = 'ocds'`).
		Scan(&withNumber, &total); err != nil {
		t.Fatal(err)
	}
	// The other ten suppliers are care providers identified by their Care
	// Quality Commission number (GB-CQC), which is not a company number.
	if total != res.Created || total != 18 || withNumber != 8 {
		t.Errorf("%d of %d contracts have a supplier with a Companies House number, want 8 of 18", withNumber, total)
	}
}
