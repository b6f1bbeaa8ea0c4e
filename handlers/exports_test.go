package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"jointly/handlers"
	"jointly/models"
	"jointly/testutil"
)

const (
	leedsCSV  = "/councils/E08000035/contracts.csv"
	leedsOCDS = "/councils/E08000035/contracts.ocds.json"
)

// addLeedsContracts puts two contracts in Leeds's register, one of them
// with a formula for a title.
func addLeedsContracts(e *env) {
	e.t.Helper()
	ctx := context.Background()
	officer, err := e.app.DB.UserByEmail(ctx, testutil.OfficerEmail)
	if err != nil {
		e.t.Fatal(err)
	}
	end, _ := models.ParseISODate("2028-03-31")
	value := int64(45_000_000)
	for _, in := range []models.ContractInput{
		{Reference: "LCC-EXP-1", Title: "Revenues and benefits system", SupplierName: "Civica UK Ltd", SupplierCompanyNumber: "01628868",
			ProductName: "Civica OpenRevenues", CategorySlug: "revenues-benefits", TotalValuePence: &value, EndDate: end},
		{Reference: "LCC-EXP-2", Title: "=HYPERLINK(\"http://evil.example\")", SupplierName: "Pennine Digital Ltd"},
	} {
		if _, err := e.app.DB.CreateContract(ctx, officer, "E08000035", in); err != nil {
			e.t.Fatal(err)
		}
	}
}

// wantDownload checks an export's headers.
func wantDownload(contentType, filename string) func(e *env, r testutil.Response) {
	return func(e *env, r testutil.Response) {
		e.t.Helper()
		if got := r.Header.Get("Content-Type"); got != contentType {
			e.t.Errorf("Content-Type %q, want %q", got, contentType)
		}
		if got, want := r.Header.Get("Content-Disposition"), "attachment; filename="+filename; got != want {
			e.t.Errorf("Content-Disposition %q, want %q", got, want)
		}
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			e.t.Errorf("Cache-Control %q, want no-store", got)
		}
	}
}

// wantCSVHeaderFirst checks that the body starts with the header row.
func wantCSVHeaderFirst(e *env, r testutil.Response) {
	e.t.Helper()
	if header := strings.Join(models.RegisterCSVColumns, ",") + "\r\n"; !strings.HasPrefix(r.Body, header) {
		e.t.Errorf("body does not start with the header row:\n%s", excerpt(r.Body))
	}
}

func TestRegisterExports(t *testing.T) {
	csvDownload := wantDownload("text/csv; charset=utf-8", "leeds-contracts-2026-11-21.csv")
	ocdsDownload := wantDownload("application/json; charset=utf-8", "leeds-contracts-2026-11-21.ocds.json")
	csvOf := func(e *env, r testutil.Response) { csvDownload(e, r); wantCSVHeaderFirst(e, r) }
	header := strings.Join(models.RegisterCSVColumns, ",")
	runScenarios(t, []scenario{
		{name: "who may download the CSV", steps: []step{
			{do: addLeedsContracts},
			{name: "anonymous is sent to sign in", method: "GET", url: leedsCSV, status: http.StatusSeeOther,
				location: "/login?next=" + url.QueryEscape(leedsCSV)},
			{name: "a supplier may not", user: testutil.SupplierEmail, method: "GET", url: leedsCSV, status: http.StatusForbidden,
				contains: []string{"You cannot do that"}, excludes: []string{"LCC-EXP-1"}},
			{name: "the council's officer", user: testutil.OfficerEmail, method: "GET", url: leedsCSV, status: http.StatusOK,
				contains: []string{"LCC-EXP-1,Revenues and benefits system,", ",450000.00,", `"'=HYPERLINK(""http://evil.example"")"`}, check: csvOf},
			{name: "its councillor", user: testutil.CouncillorEmail, method: "GET", url: leedsCSV, status: http.StatusOK,
				contains: []string{"LCC-EXP-1"}, check: csvOf},
			{name: "another council's officer", user: testutil.Officer2Email, method: "GET", url: leedsCSV, status: http.StatusOK,
				contains: []string{"LCC-EXP-1"}, check: csvOf},
			{name: "an administrator", user: testutil.AdminEmail, method: "GET", url: leedsCSV, status: http.StatusOK,
				contains: []string{"LCC-EXP-1"}, check: csvOf},
			{name: "an unknown council", user: testutil.AdminEmail, method: "GET", url: "/councils/E09999999/contracts.csv",
				status: http.StatusNotFound, contains: []string{"Page not found"}},
			{do: importWestminster},
			{name: "an empty register is its header", user: testutil.AdminEmail, method: "GET", url: "/councils/E09000033/contracts.csv",
				status: http.StatusOK, check: func(e *env, r testutil.Response) {
					wantDownload("text/csv; charset=utf-8", "westminster-contracts-2026-11-21.csv")(e, r)
					if r.Body != header+"\r\n" {
						e.t.Errorf("body %q, want just the header", r.Body)
					}
				}},
		}},
		{name: "who may download the OCDS package", steps: []step{
			{do: addLeedsContracts},
			{name: "anonymous is sent to sign in", method: "GET", url: leedsOCDS, status: http.StatusSeeOther,
				location: "/login?next=" + url.QueryEscape(leedsOCDS)},
			{name: "a supplier may not", user: testutil.SupplierEmail, method: "GET", url: leedsOCDS, status: http.StatusForbidden,
				contains: []string{"You cannot do that"}, excludes: []string{"ocds-"}},
			{name: "the council's officer", user: testutil.OfficerEmail, method: "GET", url: leedsOCDS, status: http.StatusOK,
				contains: []string{`"uri":"http://jointly.test/councils/E08000035/contracts.ocds.json"`, `"ocid":"ocds-jointly-E08000035-`,
					`"name":"Leeds City Council"`, `"amount":450000.00`}, check: ocdsDownload},
			{name: "its councillor", user: testutil.CouncillorEmail, method: "GET", url: leedsOCDS, status: http.StatusOK, check: ocdsDownload},
			{name: "an administrator", user: testutil.AdminEmail, method: "GET", url: leedsOCDS, status: http.StatusOK, check: ocdsDownload},
			{name: "an unknown council", user: testutil.AdminEmail, method: "GET", url: "/councils/E09999999/contracts.ocds.json",
				status: http.StatusNotFound, contains: []string{"Page not found"}},
			{do: importWestminster},
			{name: "an empty register has no package to give", user: testutil.AdminEmail, method: "GET", url: "/councils/E09000033/contracts.ocds.json",
				status: http.StatusNotFound, contains: []string{"Westminster has no contracts to export yet"},
				check: func(e *env, r testutil.Response) {
					if cd := r.Header.Get("Content-Disposition"); cd != "" {
						e.t.Errorf("an error page sent as a download: Content-Disposition %q", cd)
					}
				}},
		}},
		{name: "the configured ocid prefix", opts: []func(*handlers.Config){func(c *handlers.Config) { c.OCIDPrefix = "ocds-213czf" }}, steps: []step{
			{do: addLeedsContracts},
			{user: testutil.OfficerEmail, method: "GET", url: leedsOCDS, status: http.StatusOK,
				contains: []string{`"ocid":"ocds-213czf-E08000035-`}, excludes: []string{"ocds-jointly"}},
		}},
	})
}

// What the HTTP export serves passes the official schema, and says where
// it came from.
func TestRegisterOCDSDownloadPassesTheSchema(t *testing.T) {
	sch := testutil.OCDSReleasePackageSchema(t)
	e := newEnv(t)
	addLeedsContracts(e)
	r := e.browser(testutil.OfficerEmail).Get(leedsOCDS)
	if r.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", r.Status, excerpt(r.Body))
	}
	if err := testutil.ValidateOCDS(sch, []byte(r.Body)); err != nil {
		t.Fatalf("download fails the OCDS 1.1.5 schema: %v\n%s", err, excerpt(r.Body))
	}
	var p struct {
		URI      string
		Releases []json.RawMessage
	}
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatal(err)
	}
	if p.URI != "http://jointly.test"+leedsOCDS || len(p.Releases) < 2 {
		t.Errorf("uri %q, %d releases", p.URI, len(p.Releases))
	}
}

// The exports' paths share a segment with the register's pages
// (/councils/:gss/contracts, …/contracts/new): gin must send each URL to
// its own handler, whichever routes are bound.
func TestExportRoutesCoexistWithRegisterPages(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	routes := []struct{ method, pattern string }{
		{"GET", "/councils/:gss"},
		{"GET", "/councils/:gss/contracts"},
		{"GET", "/councils/:gss/contracts/new"},
		{"POST", "/councils/:gss/contracts"},
		{"GET", "/councils/:gss/contracts.csv"},
		{"GET", "/councils/:gss/contracts.ocds.json"},
		{"POST", "/councils/:gss/register/confirm"},
		{"POST", "/councils/:gss/domains"},
	}
	for _, rt := range routes {
		r.Handle(rt.method, rt.pattern, func(c *gin.Context) { c.String(http.StatusOK, c.FullPath()+" "+c.Param("gss")) })
	}
	for _, tt := range []struct{ method, url, want string }{
		{"GET", "/councils/E08000035", "/councils/:gss E08000035"},
		{"GET", "/councils/E08000035/contracts", "/councils/:gss/contracts E08000035"},
		{"GET", "/councils/E08000035/contracts/new", "/councils/:gss/contracts/new E08000035"},
		{"POST", "/councils/E08000035/contracts", "/councils/:gss/contracts E08000035"},
		{"GET", "/councils/E08000035/contracts.csv", "/councils/:gss/contracts.csv E08000035"},
		{"GET", "/councils/E08000035/contracts.ocds.json", "/councils/:gss/contracts.ocds.json E08000035"},
		{"POST", "/councils/E08000035/register/confirm", "/councils/:gss/register/confirm E08000035"},
	} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(tt.method, tt.url, nil))
		if w.Code != http.StatusOK || w.Body.String() != tt.want {
			t.Errorf("%s %s: %d %q, want %q", tt.method, tt.url, w.Code, w.Body.String(), tt.want)
		}
	}
	for _, u := range []string{"/councils/E08000035/contracts.xlsx", "/councils/E08000035/contracts.csv/x"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", u, nil))
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d %q, want 404", u, w.Code, w.Body.String())
		}
	}
}

func TestExportFileNames(t *testing.T) {
	e := newEnv(t)
	csv := "gss_code,name,type,region\n" +
		"W06000001,Ynys Môn,WPA,Wales\n" +
		"E06000043,Brighton & Hove,UA,South East\n" +
		"E07000146,King's Lynn and West Norfolk,NMD,East of England\n"
	if _, err := e.app.DB.ImportCouncils(context.Background(), 0, strings.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	admin := e.browser(testutil.AdminEmail)
	for gss, want := range map[string]string{
		"W06000001": "ynys-mon-contracts-2026-11-21.csv",
		"E06000043": "brighton-hove-contracts-2026-11-21.csv",
		"E07000146": "kings-lynn-and-west-norfolk-contracts-2026-11-21.csv",
	} {
		r := admin.Get("/councils/" + gss + "/contracts.csv")
		if got := r.Header.Get("Content-Disposition"); got != "attachment; filename="+want {
			t.Errorf("%s: Content-Disposition %q, want filename %s", gss, got, want)
		}
	}
}
