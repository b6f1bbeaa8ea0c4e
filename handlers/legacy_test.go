package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// legacyFixture empties the registers and gives Leeds and Barnsley an
// out-of-support Civica OpenRevenues, Bradford an on-premises contract
// extended three times, and Leeds a modern one that is not legacy.
func legacyFixture(t *testing.T, e *env) {
	t.Helper()
	e.app.ClearRegisters(t)
	ctx := context.Background()
	if _, err := e.app.DB.ImportCouncils(ctx, 0, strings.NewReader("gss_code,name,type,region\nE07000026,Allerdale,NMD,North West\n")); err != nil {
		t.Fatal(err)
	}
	d := func(s string) models.Date {
		v, err := models.ParseISODate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, in := range []struct {
		gss string
		models.ContractInput
	}{
		{leeds, models.ContractInput{Title: "Revenues system", SupplierName: "Civica UK Ltd", ProductName: "Civica OpenRevenues", CategorySlug: "revenues-benefits",
			EndOfSupportDate: d("2024-03-03"), StartDate: d("2019-04-01"), EndDate: d("2028-03-31"), Hosting: models.HostingOnPremises}},
		{"E08000016", models.ContractInput{Title: "Council tax system", SupplierName: "Civica UK Ltd", ProductName: "Civica OpenRevenues",
			CategorySlug: "revenues-benefits", StartDate: d("2021-04-01"), EndDate: d("2027-09-30")}},
		{bradford, models.ContractInput{Title: "Housing system", SupplierName: "Northgate Ltd", ProductName: "Northgate Housing", CategorySlug: "housing-management",
			TimesExtended: 3, StartDate: d("2018-04-01"), EndDate: d("2027-03-31"), Hosting: models.HostingOnPremises}},
		{leeds, models.ContractInput{Title: "Modern CRM", SupplierName: "Netcall Systems Ltd", CategorySlug: "crm", StartDate: d("2025-04-01"),
			EndDate: d("2029-03-31"), Hosting: models.HostingSaaS}},
	} {
		if _, err := e.app.DB.CreateContract(ctx, models.System, in.gss, in.ContractInput); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLegacyPage(t *testing.T) {
	e := newEnv(t)
	legacyFixture(t, e)

	// An officer sees their council's radar and their region's platforms.
	body := wantPage(t, e, testutil.OfficerEmail, "/legacy", http.StatusOK,
		"Legacy radar", "Leeds's legacy systems", "1 contract scores 30 or more",
		"Revenues system", "<strong>62</strong>", "Civica OpenRevenues went out of support on 3 March 2024",
		"runs on-premises, on the council&#39;s own servers", "started 7 years ago",
		`<option value="yorkshire-and-the-humber" selected>`, "Ageing platforms shared by councils in Yorkshire and The Humber",
		`data-testid="platform"`, "Out of support since 3 March 2024 at 2 councils.", `href="/councils/E08000016">Barnsley</a>`,
		`href="/legacy?region="`, "How the legacy score works")
	if strings.Contains(body, "Modern CRM") || strings.Contains(body, "Housing system") {
		t.Error("the officer's radar shows a contract that is not legacy or not Leeds's")
	}
	// A councillor sees the same radar.
	wantPage(t, e, testutil.CouncillorEmail, "/legacy", http.StatusOK, "Leeds's legacy systems", "Revenues system")
	// Bradford's officer sees Bradford's.
	wantPage(t, e, testutil.Officer2Email, "/legacy", http.StatusOK, "Bradford's legacy systems", "Housing system", "extended 3 times", "<strong>38</strong>")

	// An administrator sees every council's, nationally, with the council named.
	body = wantPage(t, e, testutil.AdminEmail, "/legacy", http.StatusOK, "Legacy systems across the UK", "3 contracts score 30 or more",
		`<td class="govuk-table__cell"><a class="govuk-link" href="/councils/E08000032">Bradford</a></td>`, "Ageing platforms shared by councils")
	if strings.Contains(body, "See the whole UK") {
		t.Error("the national page links to itself as national")
	}
	// Filters: a region with none; a category.
	wantPage(t, e, testutil.AdminEmail, "/legacy?region=north-west", http.StatusOK, "Legacy systems in North West",
		"No current contracts score 30 or more.", "No product is run out of support or on-premises by two or more councils in North West.")
	body = wantPage(t, e, testutil.AdminEmail, "/legacy?category=housing-management", http.StatusOK, "1 contract scores 30 or more", "Housing system")
	if strings.Contains(body, "Revenues system") {
		t.Error("the category filter did not apply")
	}
	// Nonsense filters are ignored, as the directory does.
	wantPage(t, e, testutil.OfficerEmail, "/legacy?region=atlantis&category=nonsense", http.StatusOK, "Leeds's legacy systems", "Legacy radar")

	wantRefused(t, e, "/legacy")
}
