package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"jointly/handlers"
	"jointly/models"
	"jointly/testutil"
)

// These tests sign in end to end against a real OpenID Connect provider
// (mockoidc) running in the test: discovery, the authorisation redirect,
// the code exchange, the ID token and the userinfo endpoint are all real
// HTTP between Jointly and the provider. Each hop of the browser's redirect
// chain is followed by hand so that it can be checked.

const leedsGSS = "E08000035"

// oidcUser is a mockoidc user whose userinfo response carries "sub", as
// OpenID Connect Core 5.3.2 requires and goth checks: mockoidc's own
// MockUser leaves it out, which no real provider does. It also gives the
// person a display name ("name", profile scope).
type oidcUser struct {
	*mockoidc.MockUser
	Name string
}

func (u oidcUser) Userinfo(scope []string) ([]byte, error) {
	b, err := u.MockUser.Userinfo(scope)
	if err != nil {
		return nil, err
	}
	claims := map[string]any{}
	if err := json.Unmarshal(b, &claims); err != nil {
		return nil, err
	}
	claims["sub"] = u.Subject
	if u.Name != "" && slices.Contains(scope, "profile") {
		claims["name"] = u.Name
	}
	return json.Marshal(claims)
}

// oidcEnv is Jointly served on a real port, configured with one OpenID
// Connect provider: a mockoidc server on another port.
type oidcEnv struct {
	app  *testutil.App
	oidc *mockoidc.MockOIDC
	srv  *httptest.Server
	base string // Jointly's BaseURL
	// provider is the identity provider's side of the browser: a plain
	// client without Jointly's cookies that does not follow redirects.
	provider *http.Client
}

func newOIDCEnv(t *testing.T) *oidcEnv {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	cfg := m.Config()

	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	app := testutil.NewApp(t, func(c *handlers.Config) {
		c.BaseURL = base
		c.SSO = []handlers.SSOProvider{handlers.OIDCProvider(base, m.Issuer(), cfg.ClientID, cfg.ClientSecret, "Test council SSO")}
	})
	srv.Config.Handler = app.Handlers.Router()
	srv.Start()
	t.Cleanup(srv.Close)
	return &oidcEnv{app: app, oidc: m, srv: srv, base: base, provider: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (e *oidcEnv) browser(t *testing.T) *testutil.Client {
	return testutil.NewClientFor(t, e.srv)
}

// queue sets who signs in at the provider next.
func (e *oidcEnv) queue(subject, email string, verified bool, name string) {
	e.oidc.QueueUser(oidcUser{MockUser: &mockoidc.MockUser{Subject: subject, Email: email, EmailVerified: verified}, Name: name})
}

// begin starts a sign-on in browser c: Jointly must send it to the
// provider's authorisation endpoint with a fresh state that matches the
// state cookie it sets. It returns the authorisation URL.
func (e *oidcEnv) begin(t *testing.T, c *testutil.Client, next string) string {
	t.Helper()
	path := "/auth/oidc"
	if next != "" {
		path += "?next=" + url.QueryEscape(next)
	}
	r := c.Get(path)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("GET %s: status %d, want 303\n%s", path, r.Status, r.Body)
	}
	if !strings.HasPrefix(r.Location, e.oidc.AuthorizationEndpoint()+"?") {
		t.Fatalf("GET %s: redirected to %q, want the provider's authorisation endpoint %s", path, r.Location, e.oidc.AuthorizationEndpoint())
	}
	u, err := url.Parse(r.Location)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	state := q.Get("state")
	if len(state) != 43 {
		t.Errorf("state %q: want 43 random characters", state)
	}
	if got := c.Cookie("jointly_sso_state"); got != state {
		t.Errorf("state cookie %q, want the state sent to the provider %q", got, state)
	}
	for k, want := range map[string]string{
		"client_id":     e.oidc.ClientID,
		"redirect_uri":  e.base + "/auth/oidc/callback",
		"response_type": "code",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("authorisation URL %s = %q, want %q", k, got, want)
		}
	}
	scopes := strings.Fields(q.Get("scope"))
	for _, s := range []string{"openid", "email", "profile"} {
		if !slices.Contains(scopes, s) {
			t.Errorf("authorisation URL scope %q lacks %q", q.Get("scope"), s)
		}
	}
	return r.Location
}

// authorize is the person signing in at the provider: it must redirect
// back to Jointly's callback with a code and the same state. It returns
// the callback's path and query, for the browser to follow.
func (e *oidcEnv) authorize(t *testing.T, authURL string) string {
	t.Helper()
	resp, err := e.provider.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("provider authorise: status %d, want 302", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	prefix := e.base + "/auth/oidc/callback?"
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("provider redirected to %q, want %s…", loc, prefix)
	}
	back, _ := url.Parse(loc)
	sent, _ := url.Parse(authURL)
	if back.Query().Get("code") == "" {
		t.Errorf("callback %q has no code", loc)
	}
	if got, want := back.Query().Get("state"), sent.Query().Get("state"); got != want {
		t.Errorf("callback state %q, want %q", got, want)
	}
	return strings.TrimPrefix(loc, e.base)
}

// callback follows the provider's redirect back to Jointly in browser c.
// The state cookie is single-use: it is cleared whatever the outcome.
func (e *oidcEnv) callback(t *testing.T, c *testutil.Client, path string) testutil.Response {
	t.Helper()
	r := c.Get(path)
	if got := c.Cookie("jointly_sso_state"); got != "" {
		t.Errorf("state cookie still set after the callback: %q", got)
	}
	return r
}

// signOn runs the whole chain in browser c and returns the callback's
// response.
func (e *oidcEnv) signOn(t *testing.T, c *testutil.Client, next string) testutil.Response {
	t.Helper()
	return e.callback(t, c, e.authorize(t, e.begin(t, c, next)))
}

// wantSignedIn checks the callback signed c in and sent it to next, and
// that the page there says who is signed in.
func wantSignedIn(t *testing.T, c *testutil.Client, r testutil.Response, next, banner string) {
	t.Helper()
	if r.Status != http.StatusSeeOther || r.Location != next {
		t.Fatalf("callback: status %d to %q, want 303 to %q\n%s", r.Status, r.Location, next, r.Body)
	}
	if c.Cookie("jointly_session") == "" {
		t.Fatal("callback set no jointly_session cookie")
	}
	page := c.Get(next)
	if page.Status != http.StatusOK {
		t.Fatalf("GET %s after sign-on: status %d\n%s", next, page.Status, page.Body)
	}
	if !strings.Contains(page.Body, "Signed in as "+banner) {
		t.Errorf("GET %s after sign-on does not say %q", next, "Signed in as "+banner)
	}
}

// wantSignedOut checks browser c has no session.
func wantSignedOut(t *testing.T, c *testutil.Client) {
	t.Helper()
	if got := c.Cookie("jointly_session"); got != "" {
		t.Errorf("jointly_session cookie set: %q", got)
	}
	if page := c.Get("/"); strings.Contains(page.Body, "Signed in as") {
		t.Error("GET / says someone is signed in")
	}
}

func wantNoUser(t *testing.T, app *testutil.App, email string) {
	t.Helper()
	if u, err := app.DB.UserByEmail(context.Background(), email); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("UserByEmail(%s) = %+v, %v; want no such user", email, u, err)
	}
}

// identities returns the users linked to the provider's subject.
func identities(t *testing.T, app *testutil.App, subject string) []int64 {
	t.Helper()
	rows, err := app.DB.R.QueryContext(context.Background(),
		`SELECT user_id FROM identities WHERE provider = 'oidc' AND subject = ? ORDER BY user_id`, subject)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func userCount(t *testing.T, app *testutil.App) int {
	t.Helper()
	users, err := app.DB.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(users)
}

// TestOIDCSignOnCreatesCouncilOfficer: a first sign-on with a verified
// address at a council's domain makes an officer of that council; signing
// on again as the same subject is the same user.
func TestOIDCSignOnCreatesCouncilOfficer(t *testing.T) {
	e := newOIDCEnv(t)
	ctx := context.Background()
	const email, subject = "new.person@leeds.gov.uk", "leeds-sub-1"
	before := userCount(t, e.app)
	wantNoUser(t, e.app, email)

	e.queue(subject, email, true, "New Person")
	c := e.browser(t)
	wantSignedIn(t, c, e.signOn(t, c, ""), "/", "New Person (Council officer, Leeds)")

	u, err := e.app.DB.UserByEmail(ctx, email)
	if err != nil {
		t.Fatalf("no user made by the first sign-on: %v", err)
	}
	if u.Role != models.RoleOfficer || u.CouncilGSS != leedsGSS || u.Name != "New Person" || u.HasPassword || u.Disabled {
		t.Errorf("user = %+v; want an enabled officer of Leeds (%s) named New Person, without a password", u, leedsGSS)
	}
	if got := identities(t, e.app, subject); !slices.Equal(got, []int64{u.ID}) {
		t.Errorf("identities for %s = %v, want [%d]", subject, got, u.ID)
	}
	if got := userCount(t, e.app); got != before+1 {
		t.Errorf("%d users after the first sign-on, want %d", got, before+1)
	}

	// Again, in another browser: the same subject is the same user.
	e.queue(subject, email, true, "New Person")
	c2 := e.browser(t)
	wantSignedIn(t, c2, e.signOn(t, c2, ""), "/", "New Person (Council officer, Leeds)")
	again, err := e.app.DB.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != u.ID {
		t.Errorf("second sign-on is user %d, want %d", again.ID, u.ID)
	}
	if got := identities(t, e.app, subject); !slices.Equal(got, []int64{u.ID}) {
		t.Errorf("identities for %s after the second sign-on = %v, want [%d]", subject, got, u.ID)
	}
	if got := userCount(t, e.app); got != before+1 {
		t.Errorf("%d users after the second sign-on, want %d (no duplicate)", got, before+1)
	}
	sessions, err := e.app.DB.Sessions(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 2 {
		t.Errorf("%d sessions, want 2 (one per browser)", len(sessions))
	}
}

// TestOIDCSignOnLinksExistingUser: a verified address of an existing user
// signs in as that user, whatever the case of the address.
func TestOIDCSignOnLinksExistingUser(t *testing.T) {
	for _, email := range []string{testutil.OfficerEmail, "CIO@Leeds.gov.uk"} {
		t.Run(email, func(t *testing.T) {
			e := newOIDCEnv(t)
			ctx := context.Background()
			existing, err := e.app.DB.UserByEmail(ctx, testutil.OfficerEmail)
			if err != nil {
				t.Fatal(err)
			}
			before := userCount(t, e.app)

			e.queue("sam-okafor", email, true, "Samuel Okafor")
			c := e.browser(t)
			wantSignedIn(t, c, e.signOn(t, c, ""), "/", "Sam Okafor (Council officer, Leeds)")

			u, err := e.app.DB.UserByEmail(ctx, testutil.OfficerEmail)
			if err != nil {
				t.Fatal(err)
			}
			if u.ID != existing.ID || u.Role != models.RoleOfficer || u.CouncilGSS != leedsGSS || u.Name != existing.Name || !u.HasPassword {
				t.Errorf("after linking, user = %+v; want %+v unchanged", u, existing)
			}
			if got := identities(t, e.app, "sam-okafor"); !slices.Equal(got, []int64{existing.ID}) {
				t.Errorf("identities = %v, want [%d]", got, existing.ID)
			}
			if got := userCount(t, e.app); got != before {
				t.Errorf("%d users, want %d: linking must not create a user", got, before)
			}
		})
	}
}

// TestOIDCSignOnRefused: identities Jointly cannot place are not signed in
// and leave no user or link behind; an unverified address never links to
// an existing account.
func TestOIDCSignOnRefused(t *testing.T) {
	tests := []struct {
		name, email string
		verified    bool
		existing    bool // email belongs to a seeded user
	}{
		{name: "unknown domain", email: "someone@example.org", verified: true},
		{name: "unverified council address", email: "unverified.person@leeds.gov.uk", verified: false},
		{name: "unverified address of an existing user", email: testutil.OfficerEmail, verified: false, existing: true},
		{name: "no email", email: "", verified: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newOIDCEnv(t)
			before := userCount(t, e.app)
			e.queue("refused-sub", tt.email, tt.verified, "Someone")
			c := e.browser(t)
			r := e.signOn(t, c, "/account")
			if r.Status != http.StatusSeeOther || r.Location != "/access" {
				t.Fatalf("callback: status %d to %q, want 303 to /access\n%s", r.Status, r.Location, r.Body)
			}
			wantSignedOut(t, c)
			page := c.Get("/access")
			if page.Status != http.StatusOK {
				t.Fatalf("GET /access: status %d", page.Status)
			}
			if !strings.Contains(page.Body, "How to get access") {
				t.Error("/access does not explain how to get access")
			}
			if tt.email != "" && !strings.Contains(page.Body, tt.email) {
				t.Errorf("/access does not mention %s", tt.email)
			}
			if !tt.existing && tt.email != "" {
				wantNoUser(t, e.app, tt.email)
			}
			if got := userCount(t, e.app); got != before {
				t.Errorf("%d users, want %d", got, before)
			}
			if got := identities(t, e.app, "refused-sub"); len(got) != 0 {
				t.Errorf("identities = %v, want none", got)
			}
		})
	}
}

// TestOIDCSignOnDisabledUser: a disabled account cannot sign on, neither
// by a first link through its address nor through an identity already
// linked.
func TestOIDCSignOnDisabledUser(t *testing.T) {
	for _, linked := range []bool{false, true} {
		name := "first sign-on"
		if linked {
			name = "already linked"
		}
		t.Run(name, func(t *testing.T) {
			e := newOIDCEnv(t)
			ctx := context.Background()
			if linked {
				e.queue("sam-okafor", testutil.OfficerEmail, true, "")
				c := e.browser(t)
				wantSignedIn(t, c, e.signOn(t, c, ""), "/", "Sam Okafor")
			}
			if _, err := e.app.DB.W.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE email = ?`,
				e.app.Clock.Now().UTC().Format("2006-01-02T15:04:05.000000Z"), testutil.OfficerEmail); err != nil {
				t.Fatal(err)
			}
			e.queue("sam-okafor", testutil.OfficerEmail, true, "")
			c := e.browser(t)
			if r := e.signOn(t, c, ""); r.Status != http.StatusForbidden {
				t.Errorf("callback: status %d to %q, want 403", r.Status, r.Location)
			}
			wantSignedOut(t, c)
			u, err := e.app.DB.UserByEmail(ctx, testutil.OfficerEmail)
			if err != nil {
				t.Fatal(err)
			}
			want := []int64(nil)
			if linked {
				want = []int64{u.ID}
			}
			if got := identities(t, e.app, "sam-okafor"); !slices.Equal(got, want) {
				t.Errorf("identities = %v, want %v", got, want)
			}
		})
	}
}

// TestOIDCState: the callback must come back to the browser that started
// the sign-on, once, within the state's lifetime.
func TestOIDCState(t *testing.T) {
	const refused = "This sign-in has expired or was not started in this browser"

	t.Run("another browser's state", func(t *testing.T) {
		e := newOIDCEnv(t)
		e.queue("victim", "victim@leeds.gov.uk", true, "Victim")
		victim := e.browser(t)
		callback := e.authorize(t, e.begin(t, victim, ""))

		// A browser that started its own sign-on, and one that started
		// none, both bring the victim's callback.
		other := e.browser(t)
		e.begin(t, other, "")
		for name, c := range map[string]*testutil.Client{"other sign-on": other, "no sign-on": e.browser(t)} {
			r := e.callback(t, c, callback)
			if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, refused) {
				t.Errorf("%s: callback status %d, want 400 saying %q\n%s", name, r.Status, refused, r.Body)
			}
			wantSignedOut(t, c)
		}
		wantNoUser(t, e.app, "victim@leeds.gov.uk")

		// The forged callbacks did not spoil the real one.
		wantSignedIn(t, victim, e.callback(t, victim, callback), "/", "Victim (Council officer, Leeds)")
	})

	t.Run("replayed callback", func(t *testing.T) {
		e := newOIDCEnv(t)
		ctx := context.Background()
		e.queue("replay-sub", testutil.OfficerEmail, true, "")
		c := e.browser(t)
		authURL := e.begin(t, c, "")
		state := c.Cookie("jointly_sso_state")
		callback := e.authorize(t, authURL)
		wantSignedIn(t, c, e.callback(t, c, callback), "/", "Sam Okafor")

		// The browser has dropped its state cookie...
		if r := e.callback(t, c, callback); r.Status != http.StatusBadRequest {
			t.Errorf("replay: status %d, want 400\n%s", r.Status, r.Body)
		}
		// ...and an attacker holding both the cookie and the callback URL
		// is refused too: the state itself works once.
		thief := e.browser(t)
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+callback, nil)
		req.AddCookie(&http.Cookie{Name: "jointly_sso_state", Value: state})
		if r := thief.Do(req); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, refused) {
			t.Errorf("replay with the state cookie: status %d, want 400\n%s", r.Status, r.Body)
		}
		wantSignedOut(t, thief)

		u, err := e.app.DB.UserByEmail(ctx, testutil.OfficerEmail)
		if err != nil {
			t.Fatal(err)
		}
		if s, err := e.app.DB.Sessions(ctx, u.ID); err != nil || len(s) != 1 {
			t.Errorf("%d sessions (%v), want 1", len(s), err)
		}
	})

	t.Run("expired state", func(t *testing.T) {
		e := newOIDCEnv(t)
		e.queue("slow-sub", "slow.person@leeds.gov.uk", true, "Slow Person")
		c := e.browser(t)
		callback := e.authorize(t, e.begin(t, c, ""))
		e.app.Clock.Advance(models.SSOStateTTL + time.Minute)
		r := e.callback(t, c, callback)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, refused) {
			t.Errorf("callback after 11 minutes: status %d, want 400\n%s", r.Status, r.Body)
		}
		wantSignedOut(t, c)
		wantNoUser(t, e.app, "slow.person@leeds.gov.uk")
	})

	t.Run("state within its lifetime", func(t *testing.T) {
		e := newOIDCEnv(t)
		e.queue("patient-sub", "patient.person@leeds.gov.uk", true, "Patient Person")
		c := e.browser(t)
		callback := e.authorize(t, e.begin(t, c, ""))
		e.app.Clock.Advance(models.SSOStateTTL - time.Minute)
		wantSignedIn(t, c, e.callback(t, c, callback), "/", "Patient Person")
	})

	t.Run("no state", func(t *testing.T) {
		e := newOIDCEnv(t)
		c := e.browser(t)
		e.begin(t, c, "")
		if r := e.callback(t, c, "/auth/oidc/callback?code=abc"); r.Status != http.StatusBadRequest {
			t.Errorf("callback without state: status %d, want 400", r.Status)
		}
		wantSignedOut(t, c)
	})

	t.Run("refused at the provider", func(t *testing.T) {
		e := newOIDCEnv(t)
		c := e.browser(t)
		e.begin(t, c, "")
		state := c.Cookie("jointly_sso_state")
		r := e.callback(t, c, "/auth/oidc/callback?error=access_denied&state="+url.QueryEscape(state))
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, "refused by Test council SSO") {
			t.Errorf("callback with error: status %d, want 401\n%s", r.Status, r.Body)
		}
		wantSignedOut(t, c)
	})
}

// TestOIDCNext: a sign-on returns to the page asked for, but only ever on
// this site.
func TestOIDCNext(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/account", "/account"},
		{"", "/"},
		{"//evil.example", "/"},
		{"//evil.example/account", "/"},
		{"https://evil.example/", "/"},
		{`/\evil.example`, "/"},
	}
	e := newOIDCEnv(t)
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			e.queue("next-sub", "next.person@leeds.gov.uk", true, "Next Person")
			c := e.browser(t)
			wantSignedIn(t, c, e.signOn(t, c, tt.next), tt.want, "Next Person")
		})
	}
}

// TestOIDCProviderNames: only configured providers have routes.
func TestOIDCProviderNames(t *testing.T) {
	e := newOIDCEnv(t)
	c := e.browser(t)
	for _, path := range []string{"/auth/nope", "/auth/nope/callback?code=x&state=y"} {
		if r := c.Get(path); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, r.Status)
		}
	}
}

// TestOIDCProviderDown: a provider that cannot be reached does not stop
// Jointly starting; its sign-on says so with 502.
func TestOIDCProviderDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://" + ln.Addr().String() + "/oidc"
	ln.Close() // nothing listens there now
	app := testutil.NewApp(t, func(c *handlers.Config) {
		c.SSO = []handlers.SSOProvider{handlers.OIDCProvider(c.BaseURL, issuer, "id", "secret", "Test council SSO")}
	})
	c := app.NewClient(t)
	if r := c.Get("/login"); r.Status != http.StatusOK {
		t.Fatalf("GET /login: status %d", r.Status)
	}
	if r := c.Get("/auth/oidc"); r.Status != http.StatusBadGateway || !strings.Contains(r.Body, "could not reach your organisation") {
		t.Errorf("GET /auth/oidc: status %d, want 502 saying the sign-in service could not be reached\n%s", r.Status, r.Body)
	}
	if got := c.Cookie("jointly_sso_state"); got != "" {
		t.Errorf("state cookie set although the sign-on never started: %q", got)
	}
}

// TestOIDCLoginButton: the sign-in page offers the provider only when one
// is configured.
func TestOIDCLoginButton(t *testing.T) {
	e := newOIDCEnv(t)
	r := e.browser(t).Get("/login")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /login: status %d", r.Status)
	}
	if !strings.Contains(r.Body, "Sign in with Test council SSO") || !strings.Contains(r.Body, `href="/auth/oidc?next=`) {
		t.Error("/login lacks the Test council SSO button")
	}

	plain := testutil.NewApp(t).NewClient(t).Get("/login")
	if plain.Status != http.StatusOK {
		t.Fatalf("GET /login without SSO: status %d", plain.Status)
	}
	if strings.Contains(plain.Body, "Sign in with") || strings.Contains(plain.Body, "/auth/") {
		t.Error("/login offers single sign-on when none is configured")
	}
}
