package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// What POST and PUT take: refusals naming each field, and suppliers and
// products found as an import finds them.

func TestAPIContractInvalidBodies(t *testing.T) {
	e := newEnv(t)
	e.app.ClearRegisters(t)
	officer := e.api(testutil.OfficerEmail)
	k := createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{Title: "Housing system", SupplierName: "Northgate"})
	with := func(changes map[string]any) map[string]any {
		b := fullContract()
		for f, v := range changes {
			if v == nil {
				delete(b, f)
			} else {
				b[f] = v
			}
		}
		return b
	}
	cases := []struct {
		name   string
		body   any
		fields []string
	}{
		{"missing title", with(map[string]any{"title": nil}), []string{"title"}},
		{"blank title", with(map[string]any{"title": "   "}), []string{"title"}},
		{"missing supplier", with(map[string]any{"supplier": nil, "product": nil}), []string{"supplier"}},
		{"bad date", with(map[string]any{"end_date": "31/02/2027"}), []string{"end_date"}},
		{"no such day", with(map[string]any{"start_date": "2027-02-31"}), []string{"start_date"}},
		{"negative value", with(map[string]any{"annual_value_pence": -1}), []string{"annual_value_pence"}},
		{"unknown hosting", with(map[string]any{"hosting": "cloud"}), []string{"hosting"}},
		{"unknown procurement route", with(map[string]any{"procurement_route": "handshake"}), []string{"procurement_route"}},
		{"unknown category", with(map[string]any{"category": "astrology"}), []string{"category"}},
		{"unknown field", with(map[string]any{"colour": "red"}), []string{"colour"}},
		{"a field's name in another case", with(map[string]any{"Title": "Shadow title"}), []string{"Title"}},
		{"two unknown fields", with(map[string]any{"colour": "red", "size": "large"}), []string{"colour", "size"}},
		{"unknown field in supplier", with(map[string]any{"supplier": map[string]any{"nmae": "Civica"}}), []string{"supplier.nmae"}},
		{"a read-only field", with(map[string]any{"decision_window_date": "2027-01-01"}), []string{"decision_window_date"}},
		{"wrong type: text for a number", with(map[string]any{"annual_value_pence": "450000"}), []string{"annual_value_pence"}},
		{"wrong type: pounds and pence", with(map[string]any{"total_value_pence": 4500.5}), []string{"total_value_pence"}},
		{"wrong type: number for text", with(map[string]any{"title": 42}), []string{"title"}},
		{"wrong type: number for a date", with(map[string]any{"end_date": 20270331}), []string{"end_date"}},
		{"wrong type: text for a flag", with(map[string]any{"sme": "yes"}), []string{"sme"}},
		{"wrong type: supplier as text", with(map[string]any{"supplier": "Civica"}), []string{"supplier"}},
		{"wrong type: category as an object", with(map[string]any{"category": map[string]any{"slug": "crm"}}), []string{"category"}},
		{"wrong type in supplier", with(map[string]any{"supplier": map[string]any{"id": "7"}}), []string{"supplier.id"}},
		{"bad company number", with(map[string]any{"supplier": map[string]any{"name": "Civica", "company_number": "12-34"}}), []string{"supplier.company_number"}},
		{"supplier by id and name", with(map[string]any{"supplier": map[string]any{"id": 1, "name": "Civica"}}), []string{"supplier"}},
		{"no such supplier", with(map[string]any{"supplier": map[string]any{"id": 999999}, "product": nil}), []string{"supplier"}},
		{"no such product", with(map[string]any{"supplier": map[string]any{"id": k.SupplierID}, "product": map[string]any{"id": 999999}}), []string{"product"}},
		{"notice period too long", with(map[string]any{"notice_period_months": 121}), []string{"notice_period_months"}},
		{"ends before it starts", with(map[string]any{"start_date": "2029-01-01", "max_extension_date": nil, "extension_intended": false}), []string{"end_date"}},
		{"extension intended with no date", with(map[string]any{"max_extension_date": nil}), []string{"max_extension_date"}},
		{"every problem at once", with(map[string]any{"title": "", "end_date": "soon", "annual_value_pence": -5, "hosting": "cloud"}),
			[]string{"title", "end_date", "annual_value_pence", "hosting"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantFields(t, officer.do("POST", "/api/v1/councils/"+leeds+"/contracts", tc.body), tc.fields...)
			wantFields(t, officer.do("PUT", fmt.Sprintf("/api/v1/contracts/%d", k.ID), tc.body), tc.fields...)
		})
	}

	// Bodies that are not one JSON object, or not JSON at all.
	notJSON := []struct {
		name, contentType, body string
		status                  int
	}{
		{"form", "application/x-www-form-urlencoded", "title=x", 415},
		{"no content type", "", `{"title": "x"}`, 415},
		{"malformed", "application/json", `{"title": "x"`, 400},
		{"empty", "application/json", ``, 400},
		{"an array", "application/json", `[{"title": "x"}]`, 400},
		{"null", "application/json", `null`, 400},
		{"two objects", "application/json", `{"title": "x"} {"title": "y"}`, 400},
		{"too large", "application/json", `{"notes": "` + strings.Repeat("x", 1<<20) + `"}`, 413},
	}
	for _, tc := range notJSON {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{"Authorization": "Bearer " + officer.token}
			if tc.contentType != "" {
				h["Content-Type"] = tc.contentType
			}
			for _, req := range []*http.Request{
				newRequest(t, "POST", e.srv.URL+"/api/v1/councils/"+leeds+"/contracts", strings.NewReader(tc.body), h),
				newRequest(t, "PUT", fmt.Sprintf("%s/api/v1/contracts/%d", e.srv.URL, k.ID), strings.NewReader(tc.body), h),
			} {
				wantProblem(t, rawDo(t, req), tc.status)
			}
		})
	}

	ctx := context.Background()
	admin, _ := e.app.DB.UserByEmail(ctx, testutil.AdminEmail)
	if page, _ := e.app.DB.Contracts(ctx, admin, models.ContractFilter{}); page.Total != 1 {
		t.Errorf("%d contracts after only invalid requests, want 1", page.Total)
	}
	if h, _ := e.app.DB.ContractHistory(ctx, admin, k.ID); len(h) != 1 {
		t.Errorf("%d history entries after only invalid requests, want 1", len(h))
	}
}

func TestAPISupplierAndProductResolution(t *testing.T) {
	e := newEnv(t)
	e.app.ClearRegisters(t)
	create := func(email, gss string, body map[string]any) apiContractJSON {
		t.Helper()
		var k apiContractJSON
		wantJSON(t, e.api(email).do("POST", "/api/v1/councils/"+gss+"/contracts", body), http.StatusCreated, &k)
		return k
	}
	a := create(testutil.OfficerEmail, leeds, map[string]any{"title": "Revenues", "supplier": map[string]any{"name": "CAPITA BUSINESS SERVICES LTD"},
		"product": map[string]any{"name": "Academy Revenues"}})
	b := create(testutil.Officer2Email, bradford, map[string]any{"title": "Revenues and benefits",
		"supplier": map[string]any{"name": "Capita Business Services Limited"}, "product": map[string]any{"name": "academy revenues"}})
	if a.Supplier.ID != b.Supplier.ID || a.Product == nil || b.Product == nil || a.Product.ID != b.Product.ID {
		t.Fatalf("two spellings: Leeds %+v, Bradford %+v; want one supplier and one product", a, b)
	}
	// By id, as a client does after a search.
	c := create(testutil.AdminEmail, bradford, map[string]any{"title": "Benefits",
		"supplier": map[string]any{"id": a.Supplier.ID}, "product": map[string]any{"id": a.Product.ID}})
	if c.Supplier.ID != a.Supplier.ID || c.Product == nil || c.Product.ID != a.Product.ID {
		t.Errorf("by id: %+v", c)
	}
	// A product by id must come with its own supplier, by id.
	for name, supplier := range map[string]map[string]any{
		"by name": {"name": "CAPITA BUSINESS SERVICES LTD"},
		"another": {"id": createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{Title: "Payroll", SupplierName: "iTrent Ltd"}).SupplierID},
	} {
		r := e.api(testutil.OfficerEmail).do("POST", "/api/v1/councils/"+leeds+"/contracts", map[string]any{"title": "Mismatch " + name,
			"supplier": supplier, "product": map[string]any{"id": a.Product.ID}})
		wantFields(t, r, "product")
	}

	t.Run("search by another spelling", func(t *testing.T) {
		var got struct {
			Suppliers []map[string]any `json:"suppliers"`
		}
		wantJSON(t, e.api(testutil.CouncillorEmail).do("GET", "/api/v1/suppliers?q="+url.QueryEscape("capita business services limited"), nil), http.StatusOK, &got)
		want := map[string]any{"id": float64(a.Supplier.ID), "name": "CAPITA BUSINESS SERVICES LTD", "company_number": nil, "contract_count": 3.0}
		if len(got.Suppliers) == 0 || !reflect.DeepEqual(got.Suppliers[0], want) {
			t.Errorf("suppliers %v, want first %v", got.Suppliers, want)
		}
		var none struct {
			Suppliers []any `json:"suppliers"`
		}
		wantJSON(t, e.api(testutil.OfficerEmail).do("GET", "/api/v1/suppliers?q=zzzz", nil), http.StatusOK, &none)
		if none.Suppliers == nil || len(none.Suppliers) != 0 {
			t.Errorf("no match: %v, want []", none.Suppliers)
		}
		wantFields(t, e.api(testutil.OfficerEmail).do("GET", "/api/v1/suppliers", nil), "q")
		wantFields(t, e.api(testutil.OfficerEmail).do("GET", "/api/v1/suppliers?q=capita&limit=0", nil), "limit")
	})
}
