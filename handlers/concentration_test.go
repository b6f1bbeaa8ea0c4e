package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"jointly/testutil"
)

// wantPage fetches path as user and checks the status and that the body
// holds every one of wants.
func wantPage(t *testing.T, e *env, user, path string, status int, wants ...string) string {
	t.Helper()
	r := e.browser(user).Get(path)
	if r.Status != status {
		t.Fatalf("%s as %q: status %d, want %d\n%s", path, user, r.Status, status, excerpt(r.Body))
	}
	for _, w := range wants {
		if !strings.Contains(r.Body, w) {
			t.Errorf("%s as %q: no %q in\n%s", path, user, w, excerpt(r.Body))
		}
	}
	return r.Body
}

// wantRefused checks anonymous visitors are sent to sign in and suppliers
// refused.
func wantRefused(t *testing.T, e *env, path string) {
	t.Helper()
	r := e.browser("").Get(path)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("%s anonymous: status %d to %q, want 303 to /login", path, r.Status, r.Location)
	}
	if r := e.browser(testutil.SupplierEmail).Get(path); r.Status != http.StatusForbidden {
		t.Errorf("%s as supplier: status %d, want 403", path, r.Status)
	}
}

func TestConcentrationPages(t *testing.T) {
	e := newEnv(t)
	marketFixture(t, e)

	// An officer sees their own region by default.
	body := wantPage(t, e, testutil.OfficerEmail, "/concentration", http.StatusOK,
		"Market concentration", `<option value="yorkshire-and-the-humber" selected>`, "in Yorkshire and The Humber",
		`href="/concentration/revenues-benefits?region=yorkshire-and-the-humber"`, "4,600", "highly concentrated", "Alpha Ltd (60%)",
		`href="/concentration?region="`)
	if strings.Contains(body, "Delta Ltd") {
		t.Error("Yorkshire's index lists Allerdale's supplier")
	}
	// National one click away.
	wantPage(t, e, testutil.OfficerEmail, "/concentration?region=", http.StatusOK, "across the UK", "3,650", "Delta Ltd (50%)",
		"Adults&#39; social care", "not enough data")

	body = wantPage(t, e, testutil.CouncillorEmail, "/concentration/revenues-benefits", http.StatusOK,
		"Revenues and benefits", "Herfindahl–Hirschman index: <strong>4,600</strong>", `govuk-tag--red">highly concentrated`,
		"3 councils buy in this category in Yorkshire and The Humber", "£10,000 a year",
		"<td class=\"govuk-table__cell\">Alpha Ltd</td>", "66.7%", "60%", "£6,000", "33.3%", "10%")
	if strings.Index(body, "Alpha Ltd") > strings.Index(body, "Beta Ltd") || strings.Index(body, "Beta Ltd") > strings.Index(body, "Gamma Ltd") {
		t.Error("suppliers are not in order of spend")
	}
	// Administrators belong to no region: national by default.
	wantPage(t, e, testutil.AdminEmail, "/concentration/revenues-benefits", http.StatusOK, "across the UK", "3,650", "Delta Ltd")
	wantPage(t, e, testutil.AdminEmail, "/concentration/revenues-benefits?region=north-west", http.StatusOK, "10,000", "in North West")
	wantPage(t, e, testutil.OfficerEmail, "/concentration/adult-social-care?region=", http.StatusOK, "not enough data", "shares of councils are shown instead", "100%")
	wantPage(t, e, testutil.OfficerEmail, "/concentration/waste", http.StatusOK, "No council has a current contract in this category")
	wantPage(t, e, testutil.OfficerEmail, "/concentration/no-such-thing", http.StatusNotFound, "Page not found")

	wantRefused(t, e, "/concentration")
	wantRefused(t, e, "/concentration/revenues-benefits")
}
