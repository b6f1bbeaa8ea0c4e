package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// exportRegisterDB is a seeded database file with contracts in Leeds's and
// Bradford's registers, and a council (Westminster) with none.
func exportRegisterDB(t *testing.T) string {
	t.Helper()
	path := seededDB(t)
	db := openTestDB(t, path)
	ctx := context.Background()
	if _, err := db.ImportCouncils(ctx, 0, strings.NewReader("gss_code,name,type,region\nE09000033,Westminster,LBO,London\n")); err != nil {
		t.Fatal(err)
	}
	value := int64(45_000_000)
	for _, c := range []struct {
		gss string
		in  models.ContractInput
	}{
		{"E08000035", models.ContractInput{Reference: "LCC-CLI-1", Title: "Revenues and benefits system", SupplierName: "Civica UK Ltd",
			SupplierCompanyNumber: "01628868", CategorySlug: "revenues-benefits", TotalValuePence: &value}},
		{"E08000035", models.ContractInput{Reference: "LCC-CLI-2", Title: "@Printing", SupplierName: "Pennine Digital Ltd"}},
		{"E08000032", models.ContractInput{Reference: "BMDC-CLI-1", Title: "Housing management", SupplierName: "NEC Software Solutions UK Ltd"}},
	} {
		if _, err := db.CreateContract(ctx, models.System, c.gss, c.in); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestExportCSVCommand(t *testing.T) {
	t.Parallel()
	path := exportRegisterDB(t)
	r := cli(t, env(map[string]string{"JOINTLY_DB": path}), "", "export", "csv", "--council", "E08000035")
	wantCode(t, r, 0)
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatalf("stdout is not CSV: %v\n%s", err, r.stdout)
	}
	if strings.Join(recs[0], "|") != strings.Join(models.RegisterCSVColumns, "|") {
		t.Errorf("header %q", recs[0])
	}
	var refs []string
	for _, rec := range recs[1:] {
		refs = append(refs, rec[0]+" "+rec[1]+" "+rec[6])
	}
	// Leeds's only: not Bradford's. The demo seed may add its own.
	got := strings.Join(refs, "\n")
	for _, want := range []string{"LCC-CLI-1 Revenues and benefits system 450000.00", "LCC-CLI-2 '@Printing "} {
		if !strings.Contains(got, want) {
			t.Errorf("rows lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "BMDC-CLI-1") {
		t.Errorf("Bradford's contract in Leeds's export:\n%s", got)
	}

	r = cli(t, noEnv, "", "export", "csv", "--db", path, "--council", "E09000033")
	wantCode(t, r, 0)
	if r.stdout != strings.Join(models.RegisterCSVColumns, ",")+"\r\n" {
		t.Errorf("empty register: %q, want just the header", r.stdout)
	}
}

func TestExportOCDSCommand(t *testing.T) {
	t.Parallel()
	path := exportRegisterDB(t)
	getenv := env(map[string]string{"JOINTLY_DB": path, "JOINTLY_OCID_PREFIX": "ocds-213czf", "JOINTLY_BASE_URL": "https://jointly.example"})
	var p struct {
		URI      string
		Releases []struct{ OCID string }
	}
	read := func(r result) {
		t.Helper()
		wantCode(t, r, 0)
		p.Releases = nil
		if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
		}
	}

	read(cli(t, getenv, "", "export", "ocds"))
	if p.URI != "https://jointly.example/contracts.ocds.json" || len(p.Releases) < 3 {
		t.Errorf("every council: uri %q, %d releases", p.URI, len(p.Releases))
	}
	for _, rel := range p.Releases {
		if !strings.HasPrefix(rel.OCID, "ocds-213czf-") {
			t.Errorf("ocid %q does not start with JOINTLY_OCID_PREFIX", rel.OCID)
		}
	}

	// Flags win over the environment.
	read(cli(t, getenv, "", "export", "ocds", "--council", "E08000032", "--ocid-prefix", "ocds-b5fd17", "--base-url", "https://cio.example/"))
	if p.URI != "https://cio.example/councils/E08000032/contracts.ocds.json" || len(p.Releases) == 0 ||
		!strings.HasPrefix(p.Releases[0].OCID, "ocds-b5fd17-E08000032-") {
		t.Errorf("one council: uri %q, releases %+v", p.URI, p.Releases)
	}

	// With no base URL configured, the one serve would use.
	read(cli(t, env(map[string]string{"JOINTLY_DB": path}), "", "export", "ocds", "--council", "E08000035"))
	if p.URI != "http://127.0.0.1:8080/councils/E08000035/contracts.ocds.json" || !strings.HasPrefix(p.Releases[0].OCID, "ocds-jointly-E08000035-") {
		t.Errorf("defaults: uri %q, releases %+v", p.URI, p.Releases)
	}
}

func TestExportOCDSCommandPassesTheSchema(t *testing.T) {
	t.Parallel()
	sch := testutil.OCDSReleasePackageSchema(t)
	path := exportRegisterDB(t)
	for _, args := range [][]string{{"--council", "E08000035"}, nil} {
		r := cli(t, env(map[string]string{"JOINTLY_DB": path}), "", append([]string{"export", "ocds"}, args...)...)
		wantCode(t, r, 0)
		if err := testutil.ValidateOCDS(sch, []byte(r.stdout)); err != nil {
			t.Errorf("export ocds %v fails the OCDS 1.1.5 schema: %v", args, err)
		}
	}
}

func TestExportCommandFailures(t *testing.T) {
	t.Parallel()
	path := exportRegisterDB(t)
	missing := tempDB(t)
	usage := []struct {
		name string
		args []string
	}{
		{"nothing to export", []string{"export"}},
		{"an unknown format", []string{"export", "xml", "--db", path}},
		{"csv without --council", []string{"export", "csv", "--db", path}},
		{"csv with a name for a council", []string{"export", "csv", "--db", path, "--council", "Leeds"}},
		{"csv with an argument", []string{"export", "csv", "--db", path, "--council", "E08000035", "leeds.csv"}},
		{"ocds with a bad council", []string{"export", "ocds", "--db", path, "--council", "leeds"}},
		{"ocds with a bad prefix", []string{"export", "ocds", "--db", path, "--ocid-prefix", "ocds 12/3"}},
		{"ocds with a relative base URL", []string{"export", "ocds", "--db", path, "--base-url", "/jointly"}},
		{"ocds with an argument", []string{"export", "ocds", "--db", path, "everything"}},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, noEnv, "", tt.args...)
			wantCode(t, r, 2)
			if r.stdout != "" || !strings.HasPrefix(lastLine(r.stderr), "jointly: ") {
				t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
			}
		})
	}
	failures := []struct {
		name string
		args []string
		want string
	}{
		{"csv of an unknown council", []string{"export", "csv", "--db", path, "--council", "E09999999"}, "council E09999999: not found"},
		{"ocds of an unknown council", []string{"export", "ocds", "--db", path, "--council", "E09999999"}, "council E09999999: not found"},
		{"ocds of an empty register", []string{"export", "ocds", "--db", path, "--council", "E09000033"}, "Westminster has no contracts to export yet"},
		{"no database", []string{"export", "csv", "--db", missing, "--council", "E08000035"}, "no database at " + missing},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, noEnv, "", tt.args...)
			wantCode(t, r, 1)
			if r.stdout != "" || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stdout %q, stderr %q, want it to say %q", r.stdout, r.stderr, tt.want)
			}
		})
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("exporting from a missing database created it: %v", err)
	}
	if r := cli(t, noEnv, "", "help"); !strings.Contains(r.stdout, "export   csv --council GSS") {
		t.Errorf("usage does not list export:\n%s", r.stdout)
	}
}

func TestServeRefusesABadOCIDPrefix(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	r := cli(t, env(map[string]string{"JOINTLY_OCID_PREFIX": "ocds 12/3"}), "", "serve", "--db", db, "--addr", "127.0.0.1:0")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, `--ocid-prefix "ocds 12/3"`) {
		t.Errorf("stderr %q does not report the prefix", r.stderr)
	}
}
