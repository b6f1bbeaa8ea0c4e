package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

const importPath = "/councils/E08000035/contracts/import"

// upload posts a file to the import page as a browser's form would: a
// multipart body with the CSRF token (unless fields sets csrf_token).
func upload(e *env, user, path, fileName string, data []byte, fields ...string) testutil.Response {
	e.t.Helper()
	c := e.browser(user)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	form := map[string]string{"csrf_token": c.CSRF()}
	for i := 0; i+1 < len(fields); i += 2 {
		form[fields[i]] = fields[i+1]
	}
	for k, v := range form {
		if err := w.WriteField(k, v); err != nil {
			e.t.Fatal(err)
		}
	}
	if fileName != "" {
		part, err := w.CreateFormFile("file", fileName)
		if err != nil {
			e.t.Fatal(err)
		}
		part.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", e.srv.URL)
	return c.Do(req)
}

var uploadTokenField = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)

// previewToken is the kept file's token on a preview page.
func previewToken(e *env, r testutil.Response) string {
	e.t.Helper()
	m := uploadTokenField.FindStringSubmatch(r.Body)
	if m == nil {
		e.t.Fatalf("no upload token on the page\n%s", excerpt(r.Body))
	}
	return m[1]
}

// selectFor finds the index N of the select (field_N) for a column.
func selectFor(e *env, r testutil.Response, header string) string {
	e.t.Helper()
	m := regexp.MustCompile(`name="column_(\d+)" value="` + regexp.QuoteMeta(header) + `"`).FindStringSubmatch(r.Body)
	if m == nil {
		e.t.Fatalf("no select for the column %q\n%s", header, excerpt(r.Body))
	}
	return m[1]
}

func want(e *env, where string, r testutil.Response, status int, contains ...string) {
	e.t.Helper()
	checkResponse(e.t, where, r, status, "", contains, nil)
}

func contractsOf(e *env, gss, refPrefix string) int {
	e.t.Helper()
	var n int
	if err := e.app.DB.R.QueryRow(`SELECT count(*) FROM contracts WHERE council_gss = ? AND reference LIKE ? || '%'`, gss, refPrefix).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

const oddRegister = "Ref,Agreement Name,Supplier Name,Value,End Date\n" +
	"WEB-1,Revenues and benefits,Civica UK Ltd,\"£1,250,000\",31/03/2027\n" +
	"WEB-2,Waste rounds,Bartec Auto ID Ltd,96000,31 March 2026\n"

func TestImportPageJourney(t *testing.T) {
	e := newEnv(t)
	officer := testutil.OfficerEmail

	r := e.browser(officer).Get(importPath)
	want(e, "the form", r, http.StatusOK, "Import contracts", `enctype="multipart/form-data"`, `type="file"`, `name="csrf_token"`)

	// No file: the form again, with the error.
	r = upload(e, officer, importPath, "", nil)
	want(e, "no file", r, http.StatusUnprocessableEntity, "There is a problem", "Select a file to import")

	// The title column has a name Jointly does not know: the preview says
	// so, lists the columns and offers a select for it.
	r = upload(e, officer, importPath, "register.csv", []byte(oddRegister))
	want(e, "preview", r, http.StatusUnprocessableEntity, "Check your import", "There is a problem",
		"no column for Title", "Agreement Name", "Not recognised: choose a field", "Nothing has been imported")
	token := previewToken(e, r)
	n := selectFor(e, r, "Agreement Name")
	if contractsOf(e, "E08000035", "WEB-") != 0 {
		t.Fatal("a preview wrote contracts")
	}

	// Map it and check again, without uploading again.
	mapped := url.Values{"token": {token}, "column_" + n: {"Agreement Name"}, "field_" + n: {"title"}}
	r = e.browser(officer).Post(importPath, mapped)
	want(e, "mapped", r, http.StatusOK, "Importing will add 2 contracts", `data-testid="created">2<`, "Import 2 contracts",
		`<option value="title" selected>Title</option>`)
	if contractsOf(e, "E08000035", "WEB-") != 0 {
		t.Fatal("a preview wrote contracts")
	}

	// Confirm: imported, remembered, and on to the register.
	r = e.browser(officer).Post(importPath+"/confirm", mapped)
	checkResponse(t, "confirm", r, http.StatusSeeOther, "/councils/E08000035/contracts", nil, nil)
	if got := contractsOf(e, "E08000035", "WEB-"); got != 2 {
		t.Fatalf("%d contracts imported, want 2", got)
	}
	if m, _ := e.app.DB.RememberedImportMappings(context.Background(), "E08000035"); m["agreement name"] != "title" {
		t.Errorf("mapping not remembered: %v", m)
	}
	// The kept file is gone once imported.
	r = e.browser(officer).Post(importPath+"/confirm", mapped)
	want(e, "confirm twice", r, http.StatusUnprocessableEntity, "The file you uploaded has expired")

	// The same file again: the remembered mapping reads it, and nothing
	// would change.
	r = upload(e, officer, importPath, "register.csv", []byte(oddRegister))
	want(e, "again", r, http.StatusOK, "nothing to import", `data-testid="unchanged">2<`, "As you chose on an earlier import")
	if strings.Contains(r.Body, "Import 0 contracts") {
		t.Error("offers to import nothing")
	}
}

func TestImportPageProblems(t *testing.T) {
	e := newEnv(t)
	officer := testutil.OfficerEmail
	bad := "Reference,Title,Supplier,Value,End Date\nP-1,Fine,Acme Ltd,100,31/03/2027\nP-2,Bad,Acme Ltd,£1.2m,31/02/2027\n"
	r := upload(e, officer, importPath, "bad.csv", []byte(bad))
	want(e, "problems", r, http.StatusUnprocessableEntity,
		`<a href="#problem-0">Row 3, Value: abbreviated: write the whole amount, like 1200000</a>`,
		`<a href="#problem-1">Row 3, End Date: not a date: February has no day 31</a>`,
		`<tr class="govuk-table__row" id="problem-0">`, "£1.2m", "31/02/2027", "Error: Check your import")
	if strings.Contains(r.Body, "/import/confirm\" novalidate>") && strings.Contains(r.Body, ">Import ") {
		t.Error("offers to import a file with problems")
	}
	if contractsOf(e, "E08000035", "P-") != 0 {
		t.Error("a file with problems wrote contracts")
	}

	// A confirmation of a file with problems (a hand-made request) is
	// refused the same way.
	r = e.browser(officer).Post(importPath+"/confirm", url.Values{"token": {previewToken(e, r)}})
	want(e, "confirm problems", r, http.StatusUnprocessableEntity, "abbreviated")
	if contractsOf(e, "E08000035", "P-") != 0 {
		t.Error("a confirmed file with problems wrote contracts")
	}
}

func TestImportPageKeepsTheFileForItsOwner(t *testing.T) {
	e := newEnv(t)
	officer := testutil.OfficerEmail
	file := []byte("Reference,Title,Supplier\nK-1,Kept,Acme Ltd\n")
	r := upload(e, officer, importPath, "kept.csv", file)
	want(e, "preview", r, http.StatusOK, "Importing will add 1 contract")
	token := previewToken(e, r)

	// Another browser of the same officer may use it; the admin may not.
	r = e.browser(testutil.AdminEmail).Post(importPath+"/confirm", url.Values{"token": {token}})
	want(e, "admin", r, http.StatusUnprocessableEntity, "expired")
	r = e.browser(officer+"#2").Post(importPath+"/confirm", url.Values{"token": {"../../jointly.db"}})
	want(e, "path as token", r, http.StatusUnprocessableEntity, "expired")

	// An hour later it has gone.
	e.app.Clock.T = e.app.Clock.T.Add(models.ImportUploadLifetime + time.Minute)
	r = e.browser(officer).Post(importPath+"/confirm", url.Values{"token": {token}})
	want(e, "an hour later", r, http.StatusUnprocessableEntity, "The file you uploaded has expired")
	if contractsOf(e, "E08000035", "K-") != 0 {
		t.Error("an expired upload was imported")
	}
}

func TestImportPageOCDSAndExcel(t *testing.T) {
	e := newEnv(t)
	ocds := `{"releases":[
	 {"ocid":"ocds-w-1","date":"2026-01-01T00:00:00Z","buyer":{"name":"Leeds City Council"},
	  "awards":[{"id":"ocds-w-1-1","status":"active","title":"Leeds award","suppliers":[{"name":"Acme Ltd"}]}]},
	 {"ocid":"ocds-w-2","date":"2026-01-01T00:00:00Z","buyer":{"name":"Sheffield City Council"},
	  "awards":[{"id":"ocds-w-2-1","status":"active","title":"Sheffield award","suppliers":[{"name":"Acme Ltd"}]}]}]}`
	r := upload(e, testutil.OfficerEmail, importPath, "notices.json", []byte(ocds))
	want(e, "OCDS preview", r, http.StatusOK, "OCDS release package", "Importing will add 1 contract", "1 for other councils")
	r = e.browser(testutil.OfficerEmail).Post(importPath+"/confirm", url.Values{"token": {previewToken(e, r)}})
	checkResponse(t, "OCDS confirm", r, http.StatusSeeOther, "/councils/E08000035/contracts", nil, nil)
	if contractsOf(e, "E08000035", "ocds-w-") != 1 || contractsOf(e, "E08000019", "ocds-w-") != 0 {
		t.Error("the officer's OCDS import reached beyond Leeds")
	}
	r = upload(e, testutil.OfficerEmail, importPath, "old.xls", []byte("\xd0\xcf\x11\xe0 an Excel 97 file"))
	want(e, "not a workbook", r, http.StatusUnprocessableEntity, "There is a problem")
}

func TestImportPageWhoMay(t *testing.T) {
	file := []byte("Reference,Title,Supplier\nW-1,Who may,Acme Ltd\n")
	e := newEnv(t)
	// The policy lets officers in; the model keeps them to their own
	// council's register.
	r := e.browser(testutil.Officer2Email).Get(importPath)
	want(e, "Bradford officer, Leeds form", r, http.StatusForbidden, "You cannot do that")
	r = upload(e, testutil.Officer2Email, importPath, "w.csv", file)
	want(e, "Bradford officer, Leeds upload", r, http.StatusForbidden, "You cannot do that")
	r = e.browser(testutil.Officer2Email).Post(importPath+"/confirm", url.Values{"token": {"0123456789abcdef0123456789abcdef"}})
	want(e, "Bradford officer, Leeds confirm", r, http.StatusForbidden, "You cannot do that")
	r = upload(e, testutil.Officer2Email, "/councils/E08000032/contracts/import", "w.csv", file)
	want(e, "Bradford officer, own council", r, http.StatusOK, "Importing will add 1 contract")
	r = upload(e, testutil.CouncillorEmail, importPath, "w.csv", file)
	want(e, "councillor", r, http.StatusForbidden, "You cannot do that")
	r = upload(e, testutil.SupplierEmail, importPath, "w.csv", file)
	want(e, "supplier", r, http.StatusForbidden, "You cannot do that")
	r = upload(e, testutil.AdminEmail, "/councils/E99999999/contracts/import", "w.csv", file)
	want(e, "unknown council", r, http.StatusNotFound, "Page not found")

	// Anonymous, with a good form token: to sign in.
	e.browser("").Get("/login")
	r = upload(e, "", importPath, "w.csv", file)
	checkResponse(t, "anonymous", r, http.StatusSeeOther, "/login?next=%2F", nil, nil)
	// No CSRF token: refused before anything is read.
	r = upload(e, testutil.OfficerEmail, importPath, "w.csv", file, "csrf_token", "forged")
	want(e, "forged token", r, http.StatusForbidden, "This form has expired")
	if contractsOf(e, "E08000035", "W-") != 0 || contractsOf(e, "E08000032", "W-") != 0 {
		t.Error("a preview wrote contracts")
	}
}

func TestImportPageUploadLimit(t *testing.T) {
	e := newEnv(t)
	big := bytes.Repeat([]byte("x"), 11<<20)
	r := upload(e, testutil.OfficerEmail, importPath, "big.csv", big)
	want(e, "11 MB", r, http.StatusRequestEntityTooLarge, "The file is too large")
	// Up to 10 MB is read: a 2 MB register passes the 1 MB cap of other forms.
	var b strings.Builder
	b.WriteString("Reference,Title,Supplier,Notes\n")
	for i := 0; b.Len() < 2<<20; i++ {
		fmt.Fprintf(&b, "BIG-%d,Contract %d,Supplier %d Ltd,%s\n", i, i, i%50, strings.Repeat("n", 200))
	}
	r = upload(e, testutil.OfficerEmail, importPath, "big.csv", []byte(b.String()))
	want(e, "2 MB", r, http.StatusOK, "Importing will add")
	// Other forms keep the 1 MB cap.
	r = e.browser(testutil.OfficerEmail).Post("/invitations", url.Values{"name": {strings.Repeat("x", 2<<20)}})
	if r.Status == http.StatusOK || r.Status == http.StatusSeeOther {
		t.Errorf("a 2 MB invitation form was read: %d", r.Status)
	}
}
