package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"jointly/testutil"
)

// BenchmarkRegisterPages measures a council's register page and the
// contracts API through the real router, signed in as Leeds's officer, at
// national scale (the demo seed plus 400,000 contracts over every UK
// council). Run with:
//
//	go test -tags sqlite_fts5 -run '^$' -bench RegisterPages -benchmem ./handlers/
func BenchmarkRegisterPages(b *testing.B) {
	app := testutil.NewApp(b)
	testutil.LoadNationalScale(b, app.DB, 400_000)
	ctx := context.Background()
	officer, err := app.DB.UserByEmail(ctx, testutil.OfficerEmail)
	if err != nil {
		b.Fatal(err)
	}
	session, err := app.DB.CreateSession(ctx, officer.ID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := app.DB.CreateAPIToken(ctx, officer.ID, officer.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	router := app.Handlers.Router()
	get := func(path string, api bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if api {
			req.Header.Set("Authorization", "Bearer "+token)
		} else {
			req.AddCookie(&http.Cookie{Name: "jointly_session", Value: session})
		}
		w := httptest.NewRecorder()
		router.ServeHTTP(w, req)
		return w
	}

	const register = "/councils/E08000035/contracts"
	const api = "/api/v1/councils/E08000035/contracts"
	// The API's second page, by the cursor its first page gives.
	var first struct {
		NextCursor string `json:"next_cursor"`
	}
	if w := get(api+"?limit=50", true); w.Code == http.StatusOK {
		if err := json.Unmarshal(w.Body.Bytes(), &first); err != nil || first.NextCursor == "" {
			b.Fatalf("API first page: %v, next_cursor %q", err, first.NextCursor)
		}
	}
	cases := []struct {
		name, path string
		api        bool
	}{
		{"register", register, false},
		{"register/value_desc", register + "?sort=value-desc", false},
		{"register/supplier", register + "?sort=supplier", false},
		{"register/category+window", register + "?category=revenues-benefits&sort=decision_window", false},
		{"register/window_within_365d", register + "?window=365&sort=decision_window", false},
		{"register/page_5", register + "?page=5", false},
		{"api/first_page", api + "?limit=50", true},
		{"api/next_page", api + "?limit=50&cursor=" + url.QueryEscape(first.NextCursor), true},
		{"api/category", api + "?limit=50&category=revenues-benefits", true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			if w := get(tc.path, tc.api); w.Code == http.StatusNotFound {
				b.Skipf("%s: 404 (no such route yet)", tc.path)
			}
			for b.Loop() {
				if w := get(tc.path, tc.api); w.Code != http.StatusOK {
					b.Fatalf("%s: status %d\n%s", tc.path, w.Code, w.Body.String())
				}
			}
		})
	}
}
