package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jointly/testutil"
)

// writeImportFile writes a file for the command line to read.
func writeImportFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const importLeedsRegister = "Reference Number,Title of Agreement,Supplier Name,Value,Start Date,End Date\n" +
	"CLI-1,Revenues and benefits,Civica UK Ltd,\"£1,250,000\",01/04/2022,31/03/2027\n" +
	"CLI-2,Waste rounds,Bartec Auto ID Ltd,96000,1 April 2023,31 March 2026\n"

func TestImportContractsCSV(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	file := writeImportFile(t, "leeds.csv", importLeedsRegister)
	contracts := countRows(t, db, `SELECT count(*) FROM contracts`)

	r := cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035", "--dry-run", file)
	wantCode(t, r, 0)
	if r.stdout != "dry run, nothing written: would have created 2, updated 0, unchanged 0\n" {
		t.Errorf("dry run printed %q", r.stdout)
	}
	if n := countRows(t, db, `SELECT count(*) FROM contracts`); n != contracts {
		t.Errorf("a dry run wrote %d contracts", n-contracts)
	}

	r = cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035", file)
	wantCode(t, r, 0)
	if r.stdout != "created 2, updated 0, unchanged 0\n" || r.stderr != "" {
		t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
	}
	if n := countRows(t, db, `SELECT count(*) FROM contracts WHERE council_gss = 'E08000035' AND reference LIKE 'CLI-%' AND source = 'csv'`); n != 2 {
		t.Errorf("%d contracts imported, want 2", n)
	}

	r = cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035", file)
	wantCode(t, r, 0)
	if r.stdout != "created 0, updated 0, unchanged 2\n" {
		t.Errorf("second import printed %q", r.stdout)
	}

	changed := writeImportFile(t, "leeds.csv", strings.Replace(importLeedsRegister, "96000", "97000", 1))
	r = cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035", changed)
	wantCode(t, r, 0)
	if r.stdout != "created 0, updated 1, unchanged 1\n" {
		t.Errorf("changed import printed %q", r.stdout)
	}
	if n := countRows(t, db, `SELECT count(*) FROM contract_changes h JOIN contracts c ON c.id = h.contract_id
		WHERE c.reference = 'CLI-2' AND h.action = 'update' AND h.source = 'csv' AND h.actor_id IS NULL`); n != 1 {
		t.Errorf("%d recorded updates of CLI-2, want 1", n)
	}
}

func TestImportContractsBadFile(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	file := writeImportFile(t, "bad.csv", "Reference,Title,Supplier,Value,Start Date\n"+
		"B-1,Fine,Acme Ltd,100,01/01/2026\n"+
		"B-2,Money,Acme Ltd,£1.2m,31/02/2026\n"+
		"B-3,,Acme Ltd,5,\n")
	before := countRows(t, db, `SELECT count(*) FROM contracts`)
	r := cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035", file)
	wantCode(t, r, 1)
	want := []string{
		file + `:3: Value "£1.2m": abbreviated: write the whole amount, like 1200000`,
		file + `:3: Start Date "31/02/2026": not a date: February has no day 31`,
		file + `:4: Title: Enter the contract's title`,
	}
	l := lines(r.stderr)
	if len(l) != 4 || strings.Join(l[:3], "\n") != strings.Join(want, "\n") ||
		!strings.HasPrefix(l[3], "jointly: ") || !strings.Contains(l[3], "nothing imported: 3 problem(s)") {
		t.Errorf("stderr:\n%s\nwant:\n%s\nthen the reason", r.stderr, strings.Join(want, "\n"))
	}
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
	if n := countRows(t, db, `SELECT count(*) FROM contracts`); n != before {
		t.Errorf("a bad file wrote %d contracts", n-before)
	}
}

func TestImportContractsMappingsAndSheet(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	file := writeImportFile(t, "odd.csv", "Ref,Agreement Name,Vendor Org,Amount\nODD-1,Payments,Civica UK Ltd,1000\n")
	r := cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035", file)
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "no column for Title") || !strings.Contains(r.stderr, "Ref, Agreement Name, Vendor Org, Amount") {
		t.Errorf("stderr %q: want the headers found and the fields needed", r.stderr)
	}
	r = cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035",
		"--map", "Agreement Name=title", "--map", "Vendor Org=supplier", "--map", "Amount=annual_value", file)
	wantCode(t, r, 0)
	if r.stdout != "created 1, updated 0, unchanged 0\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	// Remembered for Leeds: the next file needs no --map.
	next := writeImportFile(t, "odd.csv", "Ref,Agreement Name,Vendor Org,Amount\nODD-2,Telephony,BT plc,500\n")
	r = cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035", next)
	wantCode(t, r, 0)
	if n := countRows(t, db, `SELECT count(*) FROM contracts WHERE reference = 'ODD-2' AND annual_value_pence = 50000`); n != 1 {
		t.Errorf("ODD-2 not imported with the remembered mappings")
	}
	r = cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000035", "--map", "Amount=price", next)
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, `Amount "price": not a field Jointly imports`) {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestImportContractsOCDS(t *testing.T) {
	t.Parallel()
	file := testutil.SharedData(t, "uk-ocds-releases", "contracts-finder", "cf-council-buyers-subset-repackaged.json")
	db := tempDB(t)
	councils := writeImportFile(t, "councils.csv", "gss_code,name,official_name,type,region\n"+
		"E08000032,Bradford,City of Bradford Metropolitan District Council,MD,Yorkshire and The Humber\n"+
		"E08000017,Doncaster,City of Doncaster Council,MD,Yorkshire and The Humber\n"+
		"E06000065,North Yorkshire,North Yorkshire Council,UA,Yorkshire and The Humber\n"+
		"E08000035,Leeds,Leeds City Council,MD,Yorkshire and The Humber\n")
	wantCode(t, cli(t, noEnv, "", "import", "councils", "--db", db, councils), 0)
	r := cli(t, noEnv, "", "import", "contracts", "--db", db, file)
	wantCode(t, r, 0)
	l := lines(r.stdout)
	// Of these councils, Bradford, Doncaster and North Yorkshire have
	// awards in this file; the other buyers are not councils held here.
	want := []string{
		"created 13, updated 0, unchanged 0",
		"  Bradford (E08000032): created 2, updated 0, unchanged 0",
		"  Doncaster (E08000017): created 6, updated 0, unchanged 0",
		"  North Yorkshire (E06000065): created 5, updated 0, unchanged 0",
	}
	if len(l) != 5 || strings.Join(l[:4], "\n") != strings.Join(want, "\n") || !strings.HasPrefix(l[4], "skipped: 63 notices whose buyer is not a council") {
		t.Errorf("stdout:\n%s\nwant:\n%s\nskipped: …", r.stdout, strings.Join(want, "\n"))
	}
	r = cli(t, noEnv, "", "import", "contracts", "--db", db, file)
	wantCode(t, r, 0)
	if lines(r.stdout)[0] != "created 0, updated 0, unchanged 13" {
		t.Errorf("second import printed %q", r.stdout)
	}
	// With --council, only that council's notices.
	r = cli(t, noEnv, "", "import", "contracts", "--db", db, "--council", "E08000032", "--dry-run", file)
	wantCode(t, r, 0)
	if lines(r.stdout)[0] != "dry run, nothing written: would have created 0, updated 0, unchanged 2" {
		t.Errorf("Bradford only printed %q", r.stdout)
	}
}

func TestImportContractsUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "jointly.db")
	csv := writeImportFile(t, "register.csv", importLeedsRegister)
	noExt := writeImportFile(t, "register", importLeedsRegister)
	tests := []struct {
		name string
		args []string
		code int
		say  string
	}{
		{"no file", []string{"--db", db, "--council", "E08000035"}, 2, "exactly one FILE"},
		{"two files", []string{"--db", db, "--council", "E08000035", csv, csv}, 2, "exactly one FILE"},
		{"CSV without --council", []string{"--db", db, csv}, 2, "needs --council"},
		{"CSV named oddly without --council", []string{"--db", db, noExt}, 2, "needs --council"},
		{"bad --map", []string{"--db", db, "--council", "E08000035", "--map", "no equals sign", csv}, 2, "Column header=field"},
		{"missing file", []string{"--db", db, "--council", "E08000035", filepath.Join(dir, "missing.csv")}, 1, "missing.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, noEnv, "", append([]string{"import", "contracts"}, tt.args...)...)
			wantCode(t, r, tt.code)
			if !strings.Contains(lastLine(r.stderr), tt.say) {
				t.Errorf("stderr %q, want it to say %q", r.stderr, tt.say)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q", r.stdout)
			}
		})
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused import created the database: %v", err)
	}
	r := cli(t, noEnv, "", "import", "contracts", "--db", seededDB(t), "--council", "E99999999", csv)
	wantCode(t, r, 1)
	if !strings.Contains(r.stderr, "no council E99999999") {
		t.Errorf("unknown council: %q", r.stderr)
	}
}
