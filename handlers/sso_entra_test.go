package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// An Entra account's email is believed only when its own tenant has
// verified the email's domain: the administrator of any tenant can give an
// account any address, and with the "organizations" tenant any tenant may
// sign in. The server here stands in for Microsoft Graph's /organization.
func TestTenantOwnsEmail(t *testing.T) {
	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Authorization") {
		case "Bearer leeds-token":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"value":[{"id":"t1","verifiedDomains":[{"name":"leeds.gov.uk","isDefault":true},{"name":"leedsgov.onmicrosoft.com"}]}]}`))
		case "Bearer broken":
			http.Error(w, "server error", http.StatusInternalServerError)
		default:
			http.Error(w, "unauthorised", http.StatusUnauthorized)
		}
	}))
	defer graph.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		name, token, email string
		want, wantErr      bool
	}{
		{"its own domain", "leeds-token", "cio@leeds.gov.uk", true, false},
		{"its own domain in capitals", "leeds-token", "CIO@Leeds.Gov.UK", true, false},
		{"its onmicrosoft domain", "leeds-token", "someone@leedsgov.onmicrosoft.com", true, false},
		{"another council's address", "leeds-token", "admin@bradford.gov.uk", false, false},
		{"a subdomain it has not verified", "leeds-token", "x@evil.leeds.gov.uk.example", false, false},
		{"the platform's administrator", "leeds-token", "admin@jointly.example", false, false},
		{"no address", "leeds-token", "", false, false},
		{"no token", "", "cio@leeds.gov.uk", false, false},
		{"Graph refuses the token", "stolen", "cio@leeds.gov.uk", false, true},
		{"Graph fails", "broken", "cio@leeds.gov.uk", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tenantOwnsEmail(ctx, graph.Client(), graph.URL, tc.token, tc.email)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("owns %q: %v, want %v", tc.email, got, tc.want)
			}
		})
	}
}

// The Entra provider asks its tenant, and no other provider is believed
// without a verified-email claim.
func TestOnlyEntraAsksItsTenant(t *testing.T) {
	if EntraProvider("https://jointly.example", "id", "secret", "").ownsEmail == nil {
		t.Error("the Entra provider believes an account's email without asking its tenant")
	}
	if GoogleProvider("https://jointly.example", "id", "secret").ownsEmail != nil {
		t.Error("Google's provider has an ownership check; it should rely on email_verified")
	}
}
