package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// Partner matching's pages, API and expressions of interest, over
// hand-built registers (the test clock stands on 21 November 2026).

func init() {
	// The partner API's cases for the OpenAPI conformance test, over the
	// demo registers.
	moreConformanceCases = append(moreConformanceCases, func(t *testing.T, e *env) []conformanceCase {
		const p = "/api/v1/councils/E08000035/partners"
		return []conformanceCase{
			{user: testutil.OfficerEmail, method: "GET", path: p, status: 200, checkRequest: true},
			{user: testutil.CouncillorEmail, method: "GET", path: p + "?window_months=24&limit=5", status: 200, checkRequest: true},
			{user: testutil.AdminEmail, method: "GET", path: "/api/v1/councils/E08000032/partners?window_months=1", status: 200, checkRequest: true},
			{user: testutil.OfficerEmail, method: "GET", path: p + "?window_months=61", status: 422},
			{user: testutil.OfficerEmail, method: "GET", path: p + "?limit=0", status: 422},
			{user: testutil.OfficerEmail, method: "GET", path: "/api/v1/councils/E99999999/partners", status: 404},
			{user: testutil.SupplierEmail, method: "GET", path: p, status: 403},
			{user: "", method: "GET", path: p, status: 401},
		}
	})
}

// partnerFixtures replaces every register with a few contracts whose
// windows (notice 0: nine months before the end) are known: Leeds's
// revenues system (10 June 2027), Bradford's on the same product (15
// September 2027) and Sheffield's in the same category (1 March 2027, no
// annual value), and a Leeds payroll contract nobody matches.
func partnerFixtures(e *env) {
	e.t.Helper()
	e.app.ClearRegisters(e.t)
	zero := 0
	add := func(name, gss, supplier, product, category, window string, annual *int64) {
		k := addContract(e, testutil.AdminEmail, gss, models.ContractInput{Title: name, SupplierName: supplier, ProductName: product,
			CategorySlug: category, EndDate: regDate(window).AddMonths(9), NoticePeriodMonths: &zero, AnnualValuePence: annual})
		e.vars[name] = fmt.Sprint(k.ID)
	}
	add("Leeds revenues", leedsCouncil, "Civica UK Ltd", "Civica OpenRevenues", "revenues-benefits", "2027-06-10", regPounds(200_000))
	add("Bradford revenues", bradfordCouncil, "Civica UK Ltd", "Civica OpenRevenues", "revenues-benefits", "2027-09-15", regPounds(150_000))
	add("Sheffield revenues", "E08000019", "NEC Software Solutions UK Ltd", "", "revenues-benefits", "2027-03-01", nil)
	add("Leeds payroll", leedsCouncil, "MHR International UK Ltd", "iTrent", "hr-payroll", "2030-01-10", nil)
}

func TestPartnerAPIExactJSON(t *testing.T) {
	e := newEnv(t)
	partnerFixtures(e)
	r := e.api(testutil.OfficerEmail).do("GET", "/api/v1/councils/"+leedsCouncil+"/partners", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", r.Status, r.Body)
	}
	var got any
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
		t.Fatal(err)
	}
	// Bradford: 50 + 18 (97 days) + 10 + 11 (£150,000 against £200,000: 11.25).
	// Sheffield: 20 + 18 (101 days) + 10 + 0.
	want := e.expand(`{"window_months": 12, "matches": [
		{"contract_id": {Leeds revenues}, "partner": {"gss_code": "E08000032", "name": "Bradford"}, "partner_contract_id": {Bradford revenues},
		 "strength": "product", "score": 89,
		 "score_parts": [{"label": "Same product", "points": 50}, {"label": "Decision windows close together", "points": 18},
			{"label": "Same region", "points": 10}, {"label": "Similar annual value", "points": 11}],
		 "explanation": "Bradford also runs Civica OpenRevenues; their decision window opens in September 2027, three months after yours.",
		 "combined_annual_value_pence": 35000000, "combined_value_incomplete": false,
		 "decision_windows": {"contract": "2027-06-10", "partner": "2027-09-15"}},
		{"contract_id": {Leeds revenues}, "partner": {"gss_code": "E08000019", "name": "Sheffield"}, "partner_contract_id": {Sheffield revenues},
		 "strength": "category", "score": 48,
		 "score_parts": [{"label": "Same category", "points": 20}, {"label": "Decision windows close together", "points": 18},
			{"label": "Same region", "points": 10}, {"label": "Similar annual value", "points": 0}],
		 "explanation": "Sheffield also has a contract for revenues and benefits, with another supplier; their decision window opens in March 2027, three months before yours.",
		 "combined_annual_value_pence": 20000000, "combined_value_incomplete": true,
		 "decision_windows": {"contract": "2027-06-10", "partner": "2027-03-01"}}
	]}`)
	var wantV any
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatal(err)
	}
	if gotJ, _ := json.Marshal(got); string(gotJ) != mustJSON(t, wantV) {
		t.Errorf("partner API:\n got %s\nwant %s", gotJ, mustJSON(t, wantV))
	}
	// Three months: nobody is close enough.
	r = e.api(testutil.OfficerEmail).do("GET", "/api/v1/councils/"+leedsCouncil+"/partners?window_months=3", nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `"matches":[]`) {
		t.Errorf("three months: %d %s", r.Status, r.Body)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPartnerPages(t *testing.T) {
	fixtures := step{name: "hand-built registers", do: partnerFixtures}
	bradfordSentence := "Bradford also runs Civica OpenRevenues; their decision window opens in September 2027, three months after yours."
	runScenarios(t, []scenario{
		{name: "an officer finds partners for a contract", steps: []step{
			fixtures,
			{name: "the contract links to its partners", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{Leeds revenues}", status: 200,
				contains: []string{`href="/contracts/{Leeds revenues}/partners"`, "Who could we buy this with?"}},
			{name: "the partners page", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{Leeds revenues}/partners", status: 200,
				contains: []string{"Who could we buy this with?", bradfordSentence, "Same product", "Same category", "89 out of 100",
					"Similar annual value", "£350,000 a year", "£200,000 a year (an annual value is not recorded and is counted as £0)",
					"2 possible partners", "worth <strong>£350,000 a year (an annual value is not recorded", `href="/contracts/{Bradford revenues}"`,
					`action="/contracts/{Leeds revenues}/partners/{Bradford revenues}/interest"`, "Express interest", `<option value="12" selected>`},
				check: textsInOrder("Bradford", "Sheffield")},
			{name: "a contract with no partners", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{Leeds payroll}/partners", status: 200,
				contains: []string{"No other council has a comparable contract"}},
			{name: "a narrower window", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{Leeds revenues}/partners?window_months=6", status: 200,
				contains: []string{`<option value="6" selected>`, bradfordSentence, "Sheffield"}},
			{name: "a window out of range", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{Leeds revenues}/partners?window_months=99", status: 200,
				contains: []string{"There is a problem", "window_months must be a whole number from 1 to 60", bradfordSentence}},
			{name: "our partners", user: testutil.OfficerEmail, method: "GET", url: "/councils/" + leedsCouncil + "/partners?window_months=18", status: 200,
				contains: []string{"Our partners", bradfordSentence, "for Leeds revenues", `<option value="18" selected>`, "rolling contracts"},
				check:    textsInOrder("Bradford", "Sheffield")},
			{name: "Bradford's view of Leeds", user: testutil.Officer2Email, method: "GET", url: "/councils/" + bradfordCouncil + "/partners", status: 200,
				contains: []string{"Leeds also runs Civica OpenRevenues; their decision window opens in June 2027, three months before yours."}},
			{name: "the home page's top matches", user: testutil.OfficerEmail, method: "GET", url: "/", status: 200,
				contains: []string{"Top partner matches", bradfordSentence, "Decisions coming up", "Your register has not been confirmed", "Expressions of interest"}},
		}},
		{name: "a councillor reads but cannot express interest", steps: []step{
			fixtures,
			{name: "the partners page", user: testutil.CouncillorEmail, method: "GET", url: "/contracts/{Leeds revenues}/partners", status: 200,
				contains: []string{bradfordSentence}, excludes: []string{"Express interest"}},
			{name: "home", user: testutil.CouncillorEmail, method: "GET", url: "/", status: 200, contains: []string{"Top partner matches", bradfordSentence}},
			{name: "posting anyway", user: testutil.CouncillorEmail, method: "POST", url: "/contracts/{Leeds revenues}/partners/{Bradford revenues}/interest", status: 403},
		}},
		{name: "a supplier cannot read partners", steps: []step{
			fixtures,
			{name: "contract partners", user: testutil.SupplierEmail, method: "GET", url: "/contracts/{Leeds revenues}/partners", status: 403},
			{name: "our partners", user: testutil.SupplierEmail, method: "GET", url: "/councils/" + leedsCouncil + "/partners", status: 403},
		}},
	})
}

func TestExpressInterestJourney(t *testing.T) {
	const interestURL = "/contracts/{Leeds revenues}/partners/{Bradford revenues}/interest"
	runScenarios(t, []scenario{{name: "Leeds tells Bradford", steps: []step{
		{name: "hand-built registers", do: partnerFixtures},
		{name: "Bradford's officer cannot speak for Leeds", user: testutil.Officer2Email, method: "POST", url: interestURL, status: 403},
		{name: "nor for another council's contract with its own", user: testutil.Officer2Email, method: "POST",
			url: "/contracts/{Bradford revenues}/partners/{Bradford revenues}/interest", status: 422},
		{name: "Leeds's officer expresses interest", user: testutil.OfficerEmail, method: "POST", url: interestURL, status: 303,
			location: "/contracts/{Leeds revenues}/partners"},
		{name: "the flash and the sent tag", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{Leeds revenues}/partners", status: 200,
			contains: []string{"Interest expressed.", "Interest expressed</strong>"}, excludes: []string{`action="/contracts/{Leeds revenues}/partners/{Bradford revenues}/interest"`}},
		{name: "Bradford's officer is emailed", do: func(e *env) {
			mails := e.app.Outbox(e.t)
			if len(mails) != 1 {
				e.t.Fatalf("%d emails, want 1", len(mails))
			}
			hdr, body := emailBody(e.t, mails[0])
			if !strings.Contains(hdr.Get("To"), testutil.Officer2Email) || !strings.Contains(hdr.Get("Subject"), "Leeds would like to procure Bradford revenues together") ||
				!strings.Contains(body, "http://jointly.test/contracts/"+e.vars["Bradford revenues"]+"/partners") || !strings.Contains(body, "Sam Okafor of Leeds") {
				e.t.Errorf("email to %s, subject %q:\n%s", hdr.Get("To"), hdr.Get("Subject"), body)
			}
		}},
		{name: "expressing it again adds nothing", user: testutil.OfficerEmail, method: "POST", url: interestURL, status: 303},
		{name: "still one email", do: func(e *env) {
			if n := len(e.app.Outbox(e.t)); n != 1 {
				e.t.Errorf("%d emails, want 1", n)
			}
		}},
		{name: "Bradford's home page shows it", user: testutil.Officer2Email, method: "GET", url: "/", status: 200,
			contains: []string{"<strong>Leeds</strong> would like to procure", "your Bradford revenues", "Sam Okafor"}},
		{name: "Leeds's home page lists it as sent", user: testutil.OfficerEmail, method: "GET", url: "/", status: 200,
			contains: []string{"Sent by your council", "To <strong>Bradford</strong>"}},
		{name: "no such partner contract", user: testutil.OfficerEmail, method: "POST", url: "/contracts/{Leeds revenues}/partners/999999/interest", status: 404},
		{name: "a supplier", user: testutil.SupplierEmail, method: "POST", url: interestURL, status: 403},
	}}})
}
