package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"jointly/testutil"
)

// BenchmarkPages measures the foundation's pages through the real router on
// a database holding every UK principal council. Run with:
//
//	go test -tags sqlite_fts5 -run '^$' -bench Pages -benchmem ./handlers/
func BenchmarkPages(b *testing.B) {
	app := testutil.NewApp(b)
	f, err := os.Open(testutil.SharedData(b, "local-authorities", "mysociety", "uk_local_authorities.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := app.DB.ImportCouncils(context.Background(), 0, f); err != nil {
		b.Fatal(err)
	}
	officer, err := app.DB.UserByEmail(context.Background(), testutil.OfficerEmail)
	if err != nil {
		b.Fatal(err)
	}
	session, err := app.DB.CreateSession(context.Background(), officer.ID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	router := app.Handlers.Router()
	cases := []struct {
		name, path string
		signedIn   bool
	}{
		{"healthz", "/healthz", false},
		{"landing", "/", false},
		{"officer_home", "/", true},
		{"councils_national", "/councils?region=", false},
		{"councils_region", "/councils", true},
		{"council", "/councils/E08000035", false},
		{"api_councils", "/api/v1/councils", false},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, tc.path, nil)
				if tc.signedIn {
					req.AddCookie(&http.Cookie{Name: "jointly_session", Value: session})
				}
				w := httptest.NewRecorder()
				router.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: status %d", tc.path, w.Code)
				}
			}
		})
	}
}
