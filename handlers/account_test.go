package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"jointly/testutil"
)

var (
	apiTokenPattern = regexp.MustCompile(`jly_[A-Za-z0-9_-]{43}`)
	revokeAction    = regexp.MustCompile(`action="/account/tokens/([0-9]+)/delete"`)
)

// bearer calls the API with Authorization: authz (none if ""), from a
// client with no cookies.
func bearer(e *env, path, authz string) testutil.Response {
	e.t.Helper()
	h := map[string]string{}
	if authz != "" {
		h["Authorization"] = authz
	}
	return testutil.NewClientFor(e.t, e.srv).Do(newRequest(e.t, http.MethodGet, e.srv.URL+path, nil, h))
}

// wantProblem checks a problem+json answer with the status.
func wantProblem(t testing.TB, r testutil.Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Errorf("status %d, want %d\n%s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	var p struct {
		Status    int    `json:"status"`
		Title     string `json:"title"`
		Detail    string `json:"detail"`
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatalf("problem document: %v\n%s", err, r.Body)
	}
	if p.Status != status || p.Title == "" || p.Detail == "" || p.RequestID != r.Header.Get("X-Request-ID") {
		t.Errorf("problem document %+v (X-Request-ID %q)", p, r.Header.Get("X-Request-ID"))
	}
}

var officerMe = map[string]any{
	"email": testutil.OfficerEmail, "name": "Sam Okafor", "role": "officer",
	"council": map[string]any{"gss_code": "E08000035", "name": "Leeds"},
}

func TestAPITokens(t *testing.T) {
	officer := testutil.OfficerEmail
	runScenarios(t, []scenario{
		{name: "create, use and revoke", steps: []step{
			{name: "none yet", user: officer, method: "GET", url: "/account", status: 200,
				contains: []string{"Your account", "Sam Okafor", "Leeds", "This browser", "You have no API tokens."}},
			{name: "create", user: officer, method: "POST", url: "/account/tokens", form: formOf("name", "Register sync"), status: 201,
				contains: []string{"Your new API token", "Register sync", "jly_"},
				check: func(e *env, r testutil.Response) {
					e.vars["token"] = apiTokenPattern.FindString(r.Body)
					if e.vars["token"] == "" {
						e.t.Fatal("no token on the page")
					}
					if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
						e.t.Errorf("token page Cache-Control %q, want no-store", r.Header.Get("Cache-Control"))
					}
				}},
			{name: "shown once", user: officer, method: "GET", url: "/account", status: 200,
				contains: []string{"Register sync", "Never"}, excludes: []string{"{token}", "You have no API tokens."},
				check: func(e *env, r testutil.Response) {
					m := revokeAction.FindStringSubmatch(r.Body)
					if m == nil {
						e.t.Fatal("no revoke form on the account page")
					}
					e.vars["token_id"] = m[1]
				}},
			{name: "use it", do: func(e *env) {
				r := bearer(e, "/api/v1/me", "Bearer "+e.vars["token"])
				if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
					e.t.Fatalf("/api/v1/me with the token: status %d, Content-Type %q\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
				}
				wantMe(officerMe)(e, r)
			}},
			{name: "last used", user: officer, method: "GET", url: "/account", status: 200, excludes: []string{"Never"}},
			{name: "revoke", user: officer, method: "POST", url: "/account/tokens/{token_id}/delete", status: 303, location: "/account"},
			{name: "revoked", user: officer, method: "GET", url: "/account", status: 200,
				contains: []string{"API token revoked.", "You have no API tokens."}},
			{name: "the token no longer works", do: func(e *env) {
				wantProblem(e.t, bearer(e, "/api/v1/me", "Bearer "+e.vars["token"]), http.StatusUnauthorized)
			}},
			{name: "revoke again", user: officer, method: "POST", url: "/account/tokens/{token_id}/delete", status: 404},
		}},
		{name: "a name too long", steps: []step{
			{name: "create", user: officer, method: "POST", url: "/account/tokens", form: formOf("name", strings.Repeat("x", 101)), status: 422,
				contains: []string{"There is a problem", "Token name must be 100 characters or fewer"}, excludes: []string{"jly_"}},
		}},
		{name: "no name", steps: []step{
			{name: "create", user: officer, method: "POST", url: "/account/tokens", status: 201, contains: []string{"Personal token", "jly_"}},
		}},
		{name: "nobody revokes another person's token", steps: []step{
			{name: "councillor's token", user: testutil.CouncillorEmail, method: "POST", url: "/account/tokens", status: 201,
				check: func(e *env, r testutil.Response) { e.vars["token"] = apiTokenPattern.FindString(r.Body) }},
			{name: "councillor's account", user: testutil.CouncillorEmail, method: "GET", url: "/account", status: 200,
				check: func(e *env, r testutil.Response) { e.vars["token_id"] = revokeAction.FindStringSubmatch(r.Body)[1] }},
			{name: "officer tries", user: officer, method: "POST", url: "/account/tokens/{token_id}/delete", status: 404},
			{name: "not a number", user: officer, method: "POST", url: "/account/tokens/abc/delete", status: 404},
			{name: "still works", do: func(e *env) {
				if r := bearer(e, "/api/v1/me", "Bearer "+e.vars["token"]); r.Status != http.StatusOK {
					e.t.Errorf("councillor's token: status %d, want 200", r.Status)
				}
			}},
		}},
	})
}

// TestAPIAuthentication: every way of not being signed in gets 401
// problem+json from the API; a session cookie also works.
func TestAPIAuthentication(t *testing.T) {
	cases := []struct {
		name  string
		authz string // {token} is a live token of the officer
		want  int
	}{
		{"valid token", "Bearer {token}", 200},
		{"valid token, extra space", "Bearer  {token} ", 200},
		{"no authentication", "", 401},
		{"garbage", "Bearer garbage", 401},
		{"made-up token of the right shape", "Bearer jly_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 401},
		{"not a bearer token", "Basic b2ZmaWNlcjpwYXNzd29yZA==", 401},
		{"empty bearer", "Bearer ", 401},
		{"session secret as a token", "Bearer {session}", 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			u, err := e.app.DB.UserByEmail(ctx, testutil.OfficerEmail)
			if err != nil {
				t.Fatal(err)
			}
			secret, _, err := e.app.DB.CreateAPIToken(ctx, u.ID, u.ID, "test")
			if err != nil {
				t.Fatal(err)
			}
			session := e.browser(testutil.OfficerEmail).Cookie("jointly_session")
			authz := strings.NewReplacer("{token}", secret, "{session}", session).Replace(tc.authz)
			r := bearer(e, "/api/v1/me", authz)
			if tc.want != http.StatusOK {
				wantProblem(t, r, tc.want)
				return
			}
			if r.Status != http.StatusOK {
				t.Fatalf("status %d, want 200\n%s", r.Status, r.Body)
			}
			wantMe(officerMe)(e, r)
		})
	}
	t.Run("session cookie", func(t *testing.T) {
		e := newEnv(t)
		r := e.browser(testutil.OfficerEmail).Get("/api/v1/me")
		if r.Status != http.StatusOK {
			t.Fatalf("status %d, want 200\n%s", r.Status, r.Body)
		}
		wantMe(officerMe)(e, r)
	})
}
