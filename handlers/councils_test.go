package handlers_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"jointly/testutil"
)

// seededCouncils are data/seed/councils.csv: Yorkshire and The Humber.
var seededCouncils = map[string]string{
	"E08000016": "Barnsley", "E08000032": "Bradford", "E08000033": "Calderdale", "E08000017": "Doncaster",
	"E06000011": "East Riding of Yorkshire", "E06000010": "Kingston upon Hull", "E08000034": "Kirklees",
	"E08000035": "Leeds", "E06000012": "North East Lincolnshire", "E06000013": "North Lincolnshire",
	"E06000065": "North Yorkshire", "E08000018": "Rotherham", "E08000019": "Sheffield", "E08000036": "Wakefield",
	"E06000014": "York",
}

var seededUAs = []string{"E06000011", "E06000010", "E06000012", "E06000013", "E06000065", "E06000014"}

func councilLink(gss string) string { return `href="/councils/` + gss + `"` }

// everySeededCouncil is the link to each seeded council.
func everySeededCouncil() []string {
	var out []string
	for gss, name := range seededCouncils {
		out = append(out, councilLink(gss)+`>`+name+`</a>`)
	}
	return out
}

// importWestminster adds a council from another region.
func importWestminster(e *env) {
	e.t.Helper()
	csv := "gss_code,name,type,region\nE09000033,Westminster,LBO,London\n"
	if _, err := e.app.DB.ImportCouncils(context.Background(), 0, strings.NewReader(csv)); err != nil {
		e.t.Fatal(err)
	}
}

func TestCouncilDirectory(t *testing.T) {
	westminster := councilLink("E09000033")
	var notUA []string
	for gss := range seededCouncils {
		if !strings.HasPrefix(gss, "E06") {
			notUA = append(notUA, councilLink(gss))
		}
	}
	var uas []string
	for _, gss := range seededUAs {
		uas = append(uas, councilLink(gss))
	}
	runScenarios(t, []scenario{
		{name: "the seeded councils", steps: []step{
			{name: "all", method: "GET", url: "/councils", status: 200,
				contains: append([]string{"Council directory", "15 councils."}, everySeededCouncil()...)},
			{name: "region and type", method: "GET", url: "/councils?region=yorkshire-and-the-humber&type=UA", status: 200,
				contains: append([]string{"6 councils in Yorkshire and The Humber.", `<option value="UA" selected>`}, uas...), excludes: notUA},
			{name: "type", method: "GET", url: "/councils?type=UA", status: 200, contains: []string{"6 councils."}, excludes: notUA},
			{name: "an unknown type is ignored", method: "GET", url: "/councils?type=XYZ", status: 200, contains: []string{"15 councils."}},
			{name: "an unknown region is ignored", method: "GET", url: "/councils?region=atlantis", status: 200, contains: []string{"15 councils."}},
		}},
		{name: "own region by default", steps: []step{
			{name: "import London", do: importWestminster},
			{name: "anonymous: national", method: "GET", url: "/councils", status: 200, contains: []string{"16 councils.", westminster}},
			{name: "Leeds officer: Yorkshire", user: testutil.OfficerEmail, method: "GET", url: "/councils", status: 200,
				contains: []string{"15 councils in Yorkshire and The Humber.", councilLink("E08000035")}, excludes: []string{westminster}},
			{name: "Leeds councillor: Yorkshire", user: testutil.CouncillorEmail, method: "GET", url: "/councils", status: 200,
				contains: []string{"15 councils in Yorkshire and The Humber."}, excludes: []string{westminster}},
			{name: "Leeds officer asks for national", user: testutil.OfficerEmail, method: "GET", url: "/councils?region=", status: 200,
				contains: []string{"16 councils.", westminster}},
			{name: "Leeds officer asks for London", user: testutil.OfficerEmail, method: "GET", url: "/councils?region=london", status: 200,
				contains: []string{"1 council in London.", westminster}, excludes: []string{councilLink("E08000035")}},
			{name: "supplier: national", user: testutil.SupplierEmail, method: "GET", url: "/councils", status: 200,
				contains: []string{"16 councils.", westminster}},
			{name: "admin: national", user: testutil.AdminEmail, method: "GET", url: "/councils", status: 200,
				contains: []string{"16 councils.", westminster}},
		}},
		{name: "one council", steps: []step{
			{name: "Leeds", method: "GET", url: "/councils/E08000035", status: 200,
				contains: []string{"Leeds City Council", "Yorkshire and The Humber", "Metropolitan district", "E08000035", "leeds.gov.uk"},
				excludes: []string{"Save email domains"}},
			{name: "unknown", method: "GET", url: "/councils/E99999999", status: 404,
				contains: []string{"Page not found", "govuk-template", "Council directory"}, excludes: []string{"E99999999"}},
			{name: "not a GSS code", method: "GET", url: "/councils/leeds", status: 404, contains: []string{"Page not found"}},
		}},
	})
}

type apiCouncil struct {
	GSSCode string `json:"gss_code"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Region  string `json:"region"`
	Active  bool   `json:"active"`
}

// wantAPICouncils checks /api/v1/councils's JSON has exactly the fields
// documented and the councils given, in name order.
func wantAPICouncils(gss ...string) func(e *env, r testutil.Response) {
	return func(e *env, r testutil.Response) {
		e.t.Helper()
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			e.t.Errorf("Content-Type %q", ct)
		}
		var raw map[string][]map[string]any
		if err := json.Unmarshal([]byte(r.Body), &raw); err != nil || len(raw) != 1 || raw["councils"] == nil {
			e.t.Fatalf(`want {"councils": [...]}, got %v\n%s`, err, r.Body)
		}
		var got []string
		for _, c := range raw["councils"] {
			keys := make([]string, 0, len(c))
			for k := range c {
				keys = append(keys, k)
			}
			if len(c) != 5 || c["gss_code"] == nil || c["name"] == nil || c["type"] == nil || c["region"] == nil || c["active"] == nil {
				e.t.Errorf("council fields %v, want gss_code, name, type, region, active", keys)
			}
			got = append(got, c["gss_code"].(string))
		}
		if !reflect.DeepEqual(got, gss) {
			e.t.Errorf("councils %v, want %v", got, gss)
		}
		var typed struct{ Councils []apiCouncil }
		_ = json.Unmarshal([]byte(r.Body), &typed)
		for _, c := range typed.Councils {
			if c.GSSCode == "E08000035" {
				want := apiCouncil{"E08000035", "Leeds", "MD", "Yorkshire and The Humber", true}
				if c != want {
					e.t.Errorf("Leeds = %+v, want %+v", c, want)
				}
			}
		}
	}
}

func TestAPICouncils(t *testing.T) {
	// In name order.
	all := []string{"E08000016", "E08000032", "E08000033", "E08000017", "E06000011", "E06000010", "E08000034",
		"E08000035", "E06000012", "E06000013", "E06000065", "E08000018", "E08000019", "E08000036", "E06000014"}
	runScenarios(t, []scenario{
		{name: "open data", steps: []step{
			{name: "all", method: "GET", url: "/api/v1/councils", status: 200, check: wantAPICouncils(all...)},
			{name: "unitary authorities", method: "GET", url: "/api/v1/councils?region=yorkshire-and-the-humber&type=UA", status: 200,
				check: wantAPICouncils("E06000011", "E06000010", "E06000012", "E06000013", "E06000065", "E06000014")},
			{name: "a region with none", method: "GET", url: "/api/v1/councils?region=london", status: 200, contains: []string{`{"councils":[]}`}},
			{name: "signed in: not filtered by home region", do: importWestminster},
			{name: "officer", user: testutil.OfficerEmail, method: "GET", url: "/api/v1/councils?region=london", status: 200,
				check: wantAPICouncils("E09000033")},
		}},
	})
}

func TestCouncilDomains(t *testing.T) {
	const leeds = "/councils/E08000035"
	wantDomains := func(want ...string) func(e *env) {
		return func(e *env) {
			e.t.Helper()
			c, err := e.app.DB.CouncilByGSS(context.Background(), "E08000035")
			if err != nil {
				e.t.Fatal(err)
			}
			if !reflect.DeepEqual(c.EmailDomains, want) {
				e.t.Errorf("Leeds's domains %q, want %q", c.EmailDomains, want)
			}
		}
	}
	admin := testutil.AdminEmail
	runScenarios(t, []scenario{
		{name: "admin", steps: []step{
			{name: "form", user: admin, method: "GET", url: leeds, status: 200,
				contains: []string{"Save email domains", `action="/councils/E08000035/domains"`}},
			{name: "not a domain", user: admin, method: "POST", url: leeds + "/domains", form: formOf("domains", "leeds.gov.uk\nleeds_gov"), status: 422,
				contains: []string{"There is a problem", `href="#domains"`, `id="domains-error"`,
					"&#34;leeds_gov&#34; is not an email domain, like leeds.gov.uk", "govuk-textarea--error", ">leeds.gov.uk\nleeds_gov</textarea>"}},
			{name: "unchanged", do: wantDomains("leeds.gov.uk")},
			{name: "another council's domain", user: admin, method: "POST", url: leeds + "/domains", form: formOf("domains", "leeds.gov.uk, bradford.gov.uk"), status: 422,
				contains: []string{"There is a problem", `id="domains-error"`, "bradford.gov.uk already belongs to council E08000032"}},
			{name: "still unchanged", do: wantDomains("leeds.gov.uk")},
			{name: "valid", user: admin, method: "POST", url: leeds + "/domains", form: formOf("domains", "leeds.gov.uk\r\nLeedsCC.gov.uk\n\nleeds.gov.uk"),
				status: 303, location: leeds},
			{name: "saved", do: wantDomains("leeds.gov.uk", "leedscc.gov.uk")},
			{name: "shown", user: admin, method: "GET", url: leeds, status: 200,
				contains: []string{"Email domains saved.", "leeds.gov.uk, leedscc.gov.uk"}},
			{name: "unknown council", user: admin, method: "POST", url: "/councils/E99999999/domains", form: formOf("domains", "example.gov.uk"), status: 404},
		}},
		{name: "officer", steps: []step{
			{name: "no form", user: testutil.OfficerEmail, method: "GET", url: leeds, status: 200, excludes: []string{"Save email domains"}},
			{name: "refused", user: testutil.OfficerEmail, method: "POST", url: leeds + "/domains", form: formOf("domains", "evil.example"), status: 403,
				contains: []string{"You cannot do that"}},
			{name: "unchanged", do: wantDomains("leeds.gov.uk")},
		}},
	})
}
