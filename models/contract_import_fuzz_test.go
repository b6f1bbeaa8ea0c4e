package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// checkAllOrNothing imports data and fails unless the import either wrote
// exactly what it reports or, refused, wrote nothing and said why in an
// *ImportError or a *ValidationError.
func checkAllOrNothing(t *testing.T, db *models.DB, req models.ContractImport) {
	t.Helper()
	before := ciFingerprint(t, db)
	contracts := count(t, db, "contracts")
	res, err := db.ImportContracts(context.Background(), models.System, req)
	if err != nil {
		var ierr *models.ImportError
		var verr *models.ValidationError
		if !errors.As(err, &ierr) && !errors.As(err, &verr) {
			t.Fatalf("refused with %T %v, want an *ImportError or *ValidationError", err, err)
		}
		if ierr != nil && len(ierr.Rows) == 0 {
			t.Fatal("an *ImportError with no problems")
		}
		if after := ciFingerprint(t, db); after != before {
			t.Fatalf("a refused import wrote: %s → %s (%v)", before, after, err)
		}
		return
	}
	if n := count(t, db, "contracts"); n != contracts+res.Created {
		t.Fatalf("reported %d created, the register grew by %d", res.Created, n-contracts)
	}
	if res.Created+res.Updated+res.Unchanged > res.Rows {
		t.Fatalf("wrote %d contracts from %d rows", res.Created+res.Updated+res.Unchanged, res.Rows)
	}
}

func FuzzReadContractsCSV(f *testing.F) {
	seeds := []string{
		"Reference Number,Title of Agreement,Supplier Name,Value,Start Date,End Date\nA-1,Payments,Civica UK Ltd,\"£1,234.56\",01/04/2026,31/03/2029\n",
		"Title,Supplier\nOne,Acme Ltd\nTwo,\n",
		"Ref;Contract Title;Name of Supplier;Whole Life Value;Contract Start;Expiry Date;SME;VCSE\nB/1;Waste;Bartec;1.2m;3 March 2027;46449;Y;maybe\n",
		"Title,Supplier,Title\n\"unterminated,Acme\n",
		"Notice ID,Award Title,Supplier Name,Supplier ID-scheme,Supplier ID,Award Value,Award Value - currency,Classification Code\nn-1,Software,Civica,GB-COH,1628868,14950.0,GBP,48442000\n",
		"\xef\xbb\xbfTitle,Supplier,Value\nCaf\xe9,Jones \xa3,\xa35\n",
		"Reference,Title,Supplier\nD,One,Acme\nD,Two,Acme\n",
		"",
		"\n\n\n,,,\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// Councils' own exports, as published (first lines of each).
	for _, name := range []string{"leeds-city-council-spend-2020-06-to-09.csv", "city-of-london-corporation-tenders-2020-06-to-09.csv"} {
		if b := sharedSeed(f, 10, "council-notice-csv", "silvereye-council-csv", name); b != nil {
			f.Add(b)
		}
	}
	if b := sharedSeed(f, 0, "council-notice-csv", "silvereye-misc", "simple_csv_tender_with_errors.csv"); b != nil {
		f.Add(b)
	}
	db, _ := testutil.SeededDB(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAllOrNothing(t, db, models.ContractImport{CouncilGSS: leedsGSS, Data: data, Format: models.FormatCSV})
	})
}

func FuzzReadOCDS(f *testing.F) {
	seeds := []string{
		`{"releases":[{"ocid":"ocds-f-1","date":"2026-01-01T00:00:00Z","buyer":{"name":"Leeds City Council"},"awards":[{"id":"1","status":"active","suppliers":[{"name":"Acme"}],"value":{"amount":1.5,"currency":"GBP"},"contractPeriod":{"startDate":"2026-01-01","endDate":"2027-01-01"}}]}]}`,
		`[{"ocid":"ocds-f-2","buyer":{"id":"GB-LAC-E08000032"},"parties":[{"id":"GB-LAC-E08000032","roles":["buyer"]}],"contracts":[{"id":"c","awardID":"a","period":{"maxExtentDate":"2030-01-01"}}],"awards":[{"id":"a","suppliers":[{"id":"s"}]}]}]`,
		`{"records":[{"ocid":"ocds-f-3","compiledRelease":{"buyer":{"name":"York"},"awards":[{"suppliers":[{"name":"X"}],"value":{"amount":"1e400"}}]}}]}`,
		`{"releases":[{"ocid":"ocds-f-4","buyer":"Leeds","awards":{"id":1},"parties":[1,2,null]}]}`,
		`{"releases":[{"ocid":"ocds-f-5","buyer":{"name":"Sheffield City Council"},"awards":[{"id":"x","suppliers":[{"name":"A"}],"contractPeriod":{"startDate":"2028-01-01","endDate":"2027-01-01"}}]}]}`,
		`{"releases":[`,
		`[]`,
		`{}`,
		`null`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	for _, rel := range [][]string{
		{"uk-ocds-releases", "find-a-tender", "fts-api-doc-sample-release-package.json"},
		{"ocds-1.1.5", "examples", "record.json"},
		{"ocds-1.1.5", "examples", "award.json"},
		{"ocds-1.1.5", "examples", "contract.json"},
		{"ocds-1.1.5", "examples-fictional-1.1", "ocds-213czf-000-00001-04-award.json"},
	} {
		if b := sharedSeed(f, 0, rel...); b != nil {
			f.Add(b)
		}
	}
	db, _ := testutil.SeededDB(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAllOrNothing(t, db, models.ContractImport{Data: data, Format: models.FormatOCDS})
	})
}

// BenchmarkImport10k imports a generated register of 10,000 rows: "new"
// into a council with no contracts (reading, validating and writing every
// row in one transaction), "unchanged" the same file again.
func BenchmarkImport10k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("Reference Number,Title of Agreement,Department,Supplier Name,Supplier Company Number,Total Contract Value,Annual Value,Start Date,End Date,ITT or Quote,SME,Category\n")
	cats := []string{"Revenues and benefits", "waste", "crm", "Finance and ERP", "libraries"}
	for i := range 10000 {
		fmt.Fprintf(&sb, "BENCH-%05d,Contract %d for services,Directorate %d,Supplier %d Ltd,%08d,\"£%d,%03d.%02d\",%d.50,01/04/%d,31/03/%d,%s,%s,%s\n",
			i, i, i%20, i%700, 1000000+i%700, 1+i%900, i%1000, i%100, 1000+i, 2020+i%5, 2026+i%6,
			[]string{"ITT", "Quote", "Framework"}[i%3], []string{"Yes", "No"}[i%2], cats[i%len(cats)])
	}
	req := models.ContractImport{CouncilGSS: "E08000036", Data: []byte(sb.String())}
	ctx := context.Background()
	b.Run("new", func(b *testing.B) {
		b.SetBytes(int64(len(req.Data)))
		for b.Loop() {
			b.StopTimer()
			db, _ := testutil.SeededDB(b)
			b.StartTimer()
			if res, err := db.ImportContracts(ctx, models.System, req); err != nil || res.Created != 10000 {
				b.Fatalf("created %d: %v", res.Created, err)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		db, _ := testutil.SeededDB(b)
		if _, err := db.ImportContracts(ctx, models.System, req); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(req.Data)))
		for b.Loop() {
			if res, err := db.ImportContracts(ctx, models.System, req); err != nil || res.Unchanged != 10000 {
				b.Fatalf("unchanged %d: %v", res.Unchanged, err)
			}
		}
	})
}
