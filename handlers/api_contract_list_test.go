package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// Listing a register: cursor pages and filters.

// listAll pages through a council's register, returning each page's ids.
func listAll(t *testing.T, a apiCaller, query string, between func(page int)) [][]int64 {
	t.Helper()
	var pages [][]int64
	cursor := ""
	for {
		q := query
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		var page struct {
			Contracts  []apiContractJSON `json:"contracts"`
			NextCursor *string           `json:"next_cursor"`
		}
		wantJSON(t, a.do("GET", "/api/v1/councils/"+leeds+"/contracts?"+q, nil), http.StatusOK, &page)
		var ids []int64
		for _, k := range page.Contracts {
			ids = append(ids, k.ID)
		}
		pages = append(pages, ids)
		if page.NextCursor == nil {
			return pages
		}
		if len(pages) > 100 {
			t.Fatal("more than 100 pages: the cursor does not advance")
		}
		cursor = *page.NextCursor
		if between != nil {
			between(len(pages))
		}
	}
}

func TestAPIContractPagination(t *testing.T) {
	e := newEnv(t)
	e.app.ClearRegisters(t)
	var want []int64
	for i := range 120 {
		// End dates run backwards, so id order is not end-date order.
		end := models.NewDate(2035, 1, 1).AddDays(-i)
		k := createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{
			Title: fmt.Sprintf("Contract %03d", i), SupplierName: "Supplier Ltd", EndDate: end})
		want = append(want, k.ID)
		if i%10 == 0 { // Bradford's contracts are not in Leeds's register
			createContract(t, e.app, testutil.Officer2Email, bradford, models.ContractInput{Title: fmt.Sprintf("Bradford %03d", i), SupplierName: "Supplier Ltd"})
		}
	}
	cllr := e.api(testutil.CouncillorEmail)

	t.Run("default limit", func(t *testing.T) {
		pages := listAll(t, cllr, "", nil)
		var sizes []int
		var got []int64
		for _, p := range pages {
			sizes = append(sizes, len(p))
			got = append(got, p...)
		}
		if !reflect.DeepEqual(sizes, []int{50, 50, 20}) {
			t.Errorf("page sizes %v, want [50 50 20]", sizes)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("pages hold %v,\nwant every Leeds contract once, in id order: %v", got, want)
		}
	})
	t.Run("limit", func(t *testing.T) {
		pages := listAll(t, cllr, "limit=7", nil)
		if len(pages) != 18 || len(pages[17]) != 1 {
			t.Errorf("%d pages of 7, last %d", len(pages), len(pages[len(pages)-1]))
		}
		if pages := listAll(t, cllr, "limit=500", nil); len(pages) != 1 || len(pages[0]) != 120 {
			t.Errorf("limit=500: %d pages", len(pages))
		}
		if pages := listAll(t, cllr, "limit=120", nil); len(pages) != 1 {
			t.Errorf("limit=120: %d pages, want 1 (no empty last page)", len(pages))
		}
	})
	t.Run("contracts added while paging", func(t *testing.T) {
		var added []int64
		pages := listAll(t, cllr, "limit=50", func(page int) {
			k := createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{Title: fmt.Sprintf("Added after page %d", page), SupplierName: "Supplier Ltd"})
			added = append(added, k.ID)
		})
		seen := map[int64]int{}
		for _, p := range pages {
			for _, id := range p {
				seen[id]++
			}
		}
		for _, id := range append(append([]int64(nil), want...), added...) {
			if seen[id] != 1 {
				t.Errorf("contract %d seen %d times, want once", id, seen[id])
			}
		}
	})
	t.Run("bad limit or cursor", func(t *testing.T) {
		for q, field := range map[string]string{
			"limit=0": "limit", "limit=501": "limit", "limit=ten": "limit", "limit=": "limit",
			"cursor=garbage": "cursor", "cursor=" + url.QueryEscape("after:12"): "cursor", "cursor=YWZ0ZXI6LTE": "cursor", // "after:-1"
		} {
			t.Run(q, func(t *testing.T) {
				wantFields(t, cllr.do("GET", "/api/v1/councils/"+leeds+"/contracts?"+q, nil), field)
			})
		}
		wantFields(t, cllr.do("GET", "/api/v1/councils/"+leeds+"/contracts?limit=0&cursor=x", nil), "limit", "cursor")
	})
}

func TestAPIContractFilters(t *testing.T) {
	e := newEnv(t)
	e.app.ClearRegisters(t)
	mk := func(title, supplier, category string) models.Contract {
		return createContract(t, e.app, testutil.OfficerEmail, leeds, models.ContractInput{Title: title, SupplierName: supplier, CategorySlug: category})
	}
	a := mk("Council tax", "Civica UK Ltd", "revenues-benefits")
	b := mk("Housing benefit", "Northgate Public Services", "revenues-benefits")
	c := mk("Rents", "Civica UK Limited", "housing-management")
	mk("Payroll", "iTrent Ltd", "")
	cllr := e.api(testutil.CouncillorEmail)
	titles := func(query string) []string {
		t.Helper()
		var page struct {
			Contracts []apiContractJSON `json:"contracts"`
		}
		wantJSON(t, cllr.do("GET", "/api/v1/councils/"+leeds+"/contracts?"+query, nil), http.StatusOK, &page)
		var out []string
		for _, k := range page.Contracts {
			out = append(out, k.Title)
		}
		return out
	}
	if a.SupplierID != c.SupplierID {
		t.Fatalf("Civica UK Ltd and Civica UK Limited are two suppliers: %d, %d", a.SupplierID, c.SupplierID)
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"category=revenues-benefits", []string{"Council tax", "Housing benefit"}},
		{"category=housing-management", []string{"Rents"}},
		{"category=libraries", nil},
		{fmt.Sprintf("supplier=%d", a.SupplierID), []string{"Council tax", "Rents"}},
		{fmt.Sprintf("supplier=%d&category=revenues-benefits", a.SupplierID), []string{"Council tax"}},
		{fmt.Sprintf("supplier=%d", b.SupplierID), []string{"Housing benefit"}},
		{"supplier=999999", nil},
	}
	for _, tc := range cases {
		if got := titles(tc.query); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("?%s: %q, want %q", tc.query, got, tc.want)
		}
	}
	wantFields(t, cllr.do("GET", "/api/v1/councils/"+leeds+"/contracts?category=no-such-thing", nil), "category")
	wantFields(t, cllr.do("GET", "/api/v1/councils/"+leeds+"/contracts?supplier=civica", nil), "supplier")
}
