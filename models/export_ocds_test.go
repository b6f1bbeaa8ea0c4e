package models_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"jointly/models"
	"jointly/testutil"
)

const exportBaseURL = "https://jointly.example"

// exportOCDS exports as System and returns the package's text.
func exportOCDS(t testing.TB, db *models.DB, opts models.OCDSOptions) []byte {
	t.Helper()
	if opts.BaseURL == "" {
		opts.BaseURL = exportBaseURL
	}
	var buf bytes.Buffer
	if err := db.ExportOCDS(t.Context(), models.System, &buf, opts); err != nil {
		t.Fatalf("export OCDS %+v: %v", opts, err)
	}
	return buf.Bytes()
}

// exportedPackage is the part of a release package the tests read.
type exportedPackage struct {
	URI           string `json:"uri"`
	Version       string `json:"version"`
	PublishedDate string `json:"publishedDate"`
	License       string `json:"license"`
	Publisher     struct {
		Name string `json:"name"`
		URI  string `json:"uri"`
	} `json:"publisher"`
	Releases []exportedRelease `json:"releases"`
}

type exportedRelease struct {
	OCID, ID, Date, InitiationType string
	Tag                            []string
	Buyer                          struct{ ID, Name string }
	Parties                        []struct {
		ID, Name   string
		Roles      []string
		Identifier *struct{ Scheme, ID, LegalName, URI string }
		Additional []struct{ Scheme, ID string } `json:"additionalIdentifiers"`
	}
	Awards []struct {
		ID, Status string
		Suppliers  []struct{ ID, Name string }
		Value      *struct {
			Amount   json.Number
			Currency string
		}
	}
	Contracts []struct {
		ID, AwardID, Title, Description, Status string
		Period                                  *struct{ StartDate, EndDate, MaxExtentDate string }
		Value                                   *struct {
			Amount   json.Number
			Currency string
		}
		Items []struct {
			ID, Description string
			Classification  *struct{ Scheme, ID, Description string }
		}
	}
}

func decodeOCDS(t testing.TB, b []byte) exportedPackage {
	t.Helper()
	var p exportedPackage
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("package does not decode: %v\n%s", err, b)
	}
	return p
}

func mustValidateOCDS(t testing.TB, sch *jsonschema.Schema, b []byte) {
	t.Helper()
	if err := testutil.ValidateOCDS(sch, b); err != nil {
		t.Fatalf("package fails the OCDS 1.1.5 schema:\n%v\n%s", err, ocdsExcerpt(b))
	}
}

func ocdsExcerpt(b []byte) string {
	if len(b) > 4000 {
		return string(b[:4000]) + "…"
	}
	return string(b)
}

func TestExportOCDSPassesTheSchema(t *testing.T) {
	sch := testutil.OCDSReleasePackageSchema(t)
	db, _ := exportDB(t)
	full := exportContract(t, db, allerdaleGSS, everyFieldContract(t))
	bare := exportContract(t, db, westminsterGSS, bareExportContract("WSM-0001"))

	t.Run("every field filled", func(t *testing.T) {
		b := exportOCDS(t, db, models.OCDSOptions{CouncilGSS: allerdaleGSS})
		mustValidateOCDS(t, sch, b)
		p := decodeOCDS(t, b)
		if p.URI != exportBaseURL+"/councils/"+allerdaleGSS+"/contracts.ocds.json" || p.Version != "1.1" ||
			p.PublishedDate != "2026-11-21T10:00:00Z" || p.Publisher.Name != "Jointly" ||
			p.License != "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" {
			t.Errorf("package head: %+v", p)
		}
		if len(p.Releases) != 1 {
			t.Fatalf("%d releases, want 1", len(p.Releases))
		}
		r := p.Releases[0]
		ocid := fmt.Sprintf("ocds-jointly-%s-%d", allerdaleGSS, full.ID)
		if r.OCID != ocid || r.ID != ocid+"-20261121T100000Z" || r.Date != "2026-11-21T10:00:00Z" ||
			strings.Join(r.Tag, ",") != "contract" || r.InitiationType != "tender" {
			t.Errorf("release: ocid %q id %q date %q tag %v initiationType %q", r.OCID, r.ID, r.Date, r.Tag, r.InitiationType)
		}
		if r.Buyer.ID != "GB-GSS-"+allerdaleGSS || r.Buyer.Name != "Allerdale Borough Council" {
			t.Errorf("buyer %+v", r.Buyer)
		}
		if len(r.Parties) != 2 || r.Parties[0].ID != r.Buyer.ID || strings.Join(r.Parties[0].Roles, ",") != "buyer" ||
			r.Parties[0].Identifier != nil || len(r.Parties[0].Additional) != 1 || r.Parties[0].Additional[0].Scheme != "GB-GSS" ||
			r.Parties[0].Additional[0].ID != allerdaleGSS {
			t.Fatalf("buyer party: %+v", r.Parties)
		}
		s := r.Parties[1]
		if s.ID != "GB-COH-SC654321" || s.Name != "Solway Revenues Software Limited" || strings.Join(s.Roles, ",") != "supplier" ||
			s.Identifier == nil || s.Identifier.Scheme != "GB-COH" || s.Identifier.ID != "SC654321" ||
			s.Identifier.URI != "https://find-and-update.company-information.service.gov.uk/company/SC654321" {
			t.Errorf("supplier party: %+v", s)
		}
		a, c := r.Awards[0], r.Contracts[0]
		if a.Status != "active" || len(a.Suppliers) != 1 || a.Suppliers[0].ID != s.ID || a.Value == nil || a.Value.Amount != "1234567.89" {
			t.Errorf("award: %+v", a)
		}
		if c.AwardID != a.ID || c.Title != "Revenues and benefits system" || c.Status != "active" ||
			c.Value == nil || c.Value.Amount != "1234567.89" || c.Value.Currency != "GBP" {
			t.Errorf("contract: %+v", c)
		}
		if c.Period == nil || *c.Period != (struct{ StartDate, EndDate, MaxExtentDate string }{
			"2022-04-01T00:00:00Z", "2027-03-31T00:00:00Z", "2029-03-31T00:00:00Z"}) {
			t.Errorf("period: %+v", c.Period)
		}
		if len(c.Items) != 1 || c.Items[0].Description != "Solway Revenues" || c.Items[0].Classification == nil ||
			*c.Items[0].Classification != (struct{ Scheme, ID, Description string }{"CPV", "48442000", "Financial systems software package"}) {
			t.Errorf("items: %+v", c.Items)
		}
	})

	t.Run("most fields empty", func(t *testing.T) {
		b := exportOCDS(t, db, models.OCDSOptions{CouncilGSS: westminsterGSS})
		mustValidateOCDS(t, sch, b)
		r := decodeOCDS(t, b).Releases[0]
		c := r.Contracts[0]
		if c.Value != nil || c.Period != nil || c.Items != nil || c.Description != "" || r.Awards[0].Value != nil {
			t.Errorf("empty fields written: %+v", c)
		}
		if s := r.Parties[1]; s.ID != fmt.Sprintf("jointly-supplier-%d", bare.SupplierID) || s.Identifier != nil {
			t.Errorf("supplier without a company number: %+v", s)
		}
	})

	t.Run("demo-like registers, one council and every council", func(t *testing.T) {
		// With whatever registers the demo seed holds, too.
		demoLikeRegisters(t, db, leedsGSS, bradfordGSS, allerdaleGSS)
		leeds, err := db.Contracts(t.Context(), models.System, models.ContractFilter{CouncilGSS: leedsGSS})
		if err != nil {
			t.Fatal(err)
		}
		b := exportOCDS(t, db, models.OCDSOptions{CouncilGSS: leedsGSS})
		mustValidateOCDS(t, sch, b)
		if got := len(decodeOCDS(t, b).Releases); got != leeds.Total {
			t.Errorf("Leeds: %d releases, want one for each of its %d contracts", got, leeds.Total)
		}
		b = exportOCDS(t, db, models.OCDSOptions{OCIDPrefix: "ocds-213czf"})
		mustValidateOCDS(t, sch, b)
		p := decodeOCDS(t, b)
		ocids := map[string]bool{}
		for _, r := range p.Releases {
			if !strings.HasPrefix(r.OCID, "ocds-213czf-") || ocids[r.OCID] {
				t.Fatalf("ocid %q: not the prefix asked for, or seen twice", r.OCID)
			}
			ocids[r.OCID] = true
		}
		if all := count(t, db, "contracts"); p.URI != exportBaseURL+"/contracts.ocds.json" || len(p.Releases) != all {
			t.Errorf("national package: uri %q, %d releases for %d contracts", p.URI, len(p.Releases), all)
		}
	})
}

// The schema test is only worth something if the validator can fail: each
// of these breaks a valid package the way a careless export might.
func TestOCDSValidatorRejectsBadPackages(t *testing.T) {
	sch := testutil.OCDSReleasePackageSchema(t)
	db, _ := exportDB(t)
	exportContract(t, db, allerdaleGSS, everyFieldContract(t))
	valid := exportOCDS(t, db, models.OCDSOptions{CouncilGSS: allerdaleGSS})
	mustValidateOCDS(t, sch, valid)
	tests := []struct {
		name   string
		breaks func(p map[string]any)
	}{
		{"relative package uri", func(p map[string]any) { p["uri"] = "/councils/E07000026/contracts.ocds.json" }},
		{"uri with a space", func(p map[string]any) { p["uri"] = "https://jointly.example/councils/E07000026/contracts ocds.json" }},
		{"publishedDate without a time", func(p map[string]any) { p["publishedDate"] = "2026-11-21" }},
		{"release date without a time", func(p map[string]any) { ocdsFirstRelease(p)["date"] = "2026-11-21" }},
		{"release date in UK style", func(p map[string]any) { ocdsFirstRelease(p)["date"] = "21/11/2026 10:00" }},
		{"period date without a time", func(p map[string]any) { ocdsFirstContract(p)["period"].(map[string]any)["startDate"] = "2022-04-01" }},
		{"relative identifier uri", func(p map[string]any) {
			ocdsFirstRelease(p)["parties"].([]any)[1].(map[string]any)["identifier"].(map[string]any)["uri"] = "company/01628868"
		}},
		{"amount as text", func(p map[string]any) { ocdsFirstContract(p)["value"].(map[string]any)["amount"] = "£1,234,567.89" }},
		{"unknown contract status", func(p map[string]any) { ocdsFirstContract(p)["status"] = "expired" }},
		{"no ocid", func(p map[string]any) { delete(ocdsFirstRelease(p), "ocid") }},
		{"no releases", func(p map[string]any) { p["releases"] = []any{} }},
		{"version 1.1.5", func(p map[string]any) { p["version"] = "1.1.5" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p map[string]any
			if err := json.Unmarshal(valid, &p); err != nil {
				t.Fatal(err)
			}
			tt.breaks(p)
			b, _ := json.Marshal(p)
			if err := testutil.ValidateOCDS(sch, b); err == nil {
				t.Errorf("the validator accepted a package with %s", tt.name)
			}
		})
	}
}

func ocdsFirstRelease(p map[string]any) map[string]any {
	return p["releases"].([]any)[0].(map[string]any)
}
func ocdsFirstContract(p map[string]any) map[string]any {
	return ocdsFirstRelease(p)["contracts"].([]any)[0].(map[string]any)
}

// A joint procurement's award is one contract bought by several councils:
// OCDS allows one buyer per release, so the others are parties with the
// role buyer.
func TestJointAwardReleasePassesTheSchema(t *testing.T) {
	sch := testutil.OCDSReleasePackageSchema(t)
	db, ctx := exportDB(t)
	c := exportContract(t, db, allerdaleGSS, everyFieldContract(t))
	rel, err := db.JointReleaseForTest(ctx, c.ID, allerdaleGSS, westminsterGSS, leedsGSS)
	if err != nil {
		t.Fatal(err)
	}
	pkg, _ := json.Marshal(map[string]any{
		"uri": exportBaseURL + "/joint/1.ocds.json", "version": "1.1", "publishedDate": "2026-11-21T10:00:00Z",
		"publisher": map[string]string{"name": "Jointly"}, "releases": []json.RawMessage{rel},
	})
	mustValidateOCDS(t, sch, pkg)
	r := decodeOCDS(t, pkg).Releases[0]
	var buyers []string
	for _, p := range r.Parties {
		if strings.Join(p.Roles, ",") == "buyer" {
			buyers = append(buyers, p.ID)
		}
	}
	if r.Buyer.ID != "GB-GSS-"+allerdaleGSS || strings.Join(buyers, " ") != "GB-GSS-E07000026 GB-GSS-E09000033 GB-GSS-E08000035" ||
		len(r.Parties) != 4 {
		t.Errorf("buyer %v, parties with role buyer %v, %d parties", r.Buyer, buyers, len(r.Parties))
	}
}

func TestExportOCDSContractStatus(t *testing.T) {
	db, _ := exportDB(t) // today is 21 November 2026
	tests := []struct{ ref, start, end, want string }{
		{"FUTURE", "2027-01-01", "2030-01-01", "pending"},
		{"ENDS-TODAY", "2025-01-01", "2026-11-21", "active"},
		{"ROLLING", "2020-01-01", "", "active"},
		{"UNDATED", "", "", "active"},
		{"ENDED", "2020-01-01", "2026-11-20", "terminated"},
	}
	for _, tt := range tests {
		in := bareExportContract(tt.ref)
		in.StartDate, in.EndDate = exportDate(t, tt.start), exportDate(t, tt.end)
		exportContract(t, db, allerdaleGSS, in)
	}
	p := decodeOCDS(t, exportOCDS(t, db, models.OCDSOptions{CouncilGSS: allerdaleGSS}))
	if len(p.Releases) != len(tests) {
		t.Fatalf("%d releases, want %d", len(p.Releases), len(tests))
	}
	for i, tt := range tests { // releases come in the order contracts were added
		if got := p.Releases[i].Contracts[0].Status; got != tt.want {
			t.Errorf("%s: status %q, want %q", tt.ref, got, tt.want)
		}
	}
}

func TestExportOCDSRefusals(t *testing.T) {
	db, ctx := exportDB(t)
	exportContract(t, db, allerdaleGSS, everyFieldContract(t))
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	tests := []struct {
		name   string
		viewer models.User
		opts   models.OCDSOptions
		check  func(t *testing.T, err error)
	}{
		{"a supplier, one council", supplier, models.OCDSOptions{CouncilGSS: allerdaleGSS, BaseURL: exportBaseURL}, wantExportErr(models.ErrForbidden)},
		{"a supplier, every council", supplier, models.OCDSOptions{BaseURL: exportBaseURL}, wantExportErr(models.ErrForbidden)},
		{"an unknown council", models.System, models.OCDSOptions{CouncilGSS: "E09999999", BaseURL: exportBaseURL}, wantExportErr(models.ErrNotFound)},
		{"an empty register", models.System, models.OCDSOptions{CouncilGSS: westminsterGSS, BaseURL: exportBaseURL}, func(t *testing.T, err error) {
			var pub *models.PublicError
			if !errors.As(err, &pub) || pub.Status != http.StatusNotFound || !strings.Contains(pub.Message, "Westminster has no contracts") {
				t.Errorf("got %v, want a 404 PublicError saying Westminster has no contracts", err)
			}
		}},
		{"a relative base URL", models.System, models.OCDSOptions{CouncilGSS: allerdaleGSS, BaseURL: "/jointly"}, wantExportErrText("must be absolute")},
		{"no base URL", models.System, models.OCDSOptions{CouncilGSS: allerdaleGSS}, wantExportErrText("must be absolute")},
		{"a bad ocid prefix", models.System, models.OCDSOptions{CouncilGSS: allerdaleGSS, BaseURL: exportBaseURL, OCIDPrefix: "ocds 12/3"}, wantExportErrText("ocid prefix")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := db.ExportOCDS(ctx, tt.viewer, &buf, tt.opts)
			tt.check(t, err)
			if buf.Len() > 0 {
				t.Errorf("refused, but wrote %q", buf.String())
			}
		})
	}
}

func wantExportErr(target error) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Errorf("got %v, want %v", err, target)
		}
	}
}

func wantExportErrText(text string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), text) {
			t.Errorf("got %v, want an error saying %q", err, text)
		}
	}
}

// Each category's CPV code must be a real CPV 2008 code with its real
// label, and must place a contract back in its own category when an
// exported release is imported.
func TestCategoryCPVCodesAreRealAndComeBackToTheirCategory(t *testing.T) {
	f, err := os.Open(testutil.SharedData(t, "cpv", "cpv_2008_en.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{}
	for _, r := range recs[1:] {
		labels[r[0]] = r[3]
	}
	db, ctx := exportDB(t)
	cats, err := db.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	classified := 0
	for _, c := range cats {
		code, label, ok := models.CategoryCPV(c.Slug)
		if !ok {
			continue
		}
		classified++
		if got, real := labels[code]; !real || got != label || code == "99999999" {
			t.Errorf("%s: %s %q is not a CPV 2008 code with that label (the list says %q)", c.Slug, code, label, got)
		}
		if back := models.CategoryForCPV(cats, code); back != c.Slug {
			t.Errorf("%s: CPV %s imports into category %q", c.Slug, code, back)
		}
	}
	if classified < 10 {
		t.Errorf("only %d categories have a CPV code", classified)
	}
}
