package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// outcome is what one role gets from one route: through the policy, or
// refused by it.
type outcome bool

const (
	allow outcome = true  // allowed: not 401/403, not sent to sign in, not 5xx
	deny  outcome = false // refused: anonymous → sign in (303) or 401 for the API; signed in → 403
)

// routeWalk has one line per bound route. A route added without a line
// here fails TestRouteTableCoversEveryRoute, so nobody can add a route
// without saying who may use it. {stylesheet} is the page's content-hashed
// stylesheet URL.
var routeWalk = []struct {
	route                                     string // as in Handlers.RouteActions: "METHOD /gin/pattern"
	url                                       string // a concrete URL for it
	anonymous, admin, officer, cllr, supplier outcome
}{
	// Public.
	{"GET /healthz", "/healthz", allow, allow, allow, allow, allow},
	{"GET /assets/*file", "{stylesheet}", allow, allow, allow, allow, allow},
	{"GET /", "/", allow, allow, allow, allow, allow},
	{"GET /councils", "/councils", allow, allow, allow, allow, allow},
	{"GET /councils/:gss", "/councils/E08000035", allow, allow, allow, allow, allow},
	{"GET /api/v1/councils", "/api/v1/councils", allow, allow, allow, allow, allow},
	{"GET /accessibility", "/accessibility", allow, allow, allow, allow, allow},

	// Signing in.
	{"GET /login", "/login", allow, allow, allow, allow, allow},
	{"POST /login", "/login", allow, allow, allow, allow, allow},
	{"GET /access", "/access", allow, allow, allow, allow, allow},
	{"GET /auth/:provider", "/auth/entra", allow, allow, allow, allow, allow},
	{"GET /auth/:provider/callback", "/auth/entra/callback", allow, allow, allow, allow, allow},
	{"GET /password/forgot", "/password/forgot", allow, allow, allow, allow, allow},
	{"POST /password/forgot", "/password/forgot", allow, allow, allow, allow, allow},
	{"GET /password/reset/:secret", "/password/reset/no-such-link", allow, allow, allow, allow, allow},
	{"POST /password/reset/:secret", "/password/reset/no-such-link", allow, allow, allow, allow, allow},
	{"GET /invitations/:secret", "/invitations/no-such-link", allow, allow, allow, allow, allow},
	{"POST /invitations/:secret", "/invitations/no-such-link", allow, allow, allow, allow, allow},

	// One's own account.
	{"POST /logout", "/logout", deny, allow, allow, allow, allow},
	{"GET /account", "/account", deny, allow, allow, allow, allow},
	{"POST /account/sessions/delete", "/account/sessions/delete", deny, allow, allow, allow, allow},
	{"POST /account/tokens", "/account/tokens", deny, allow, allow, allow, allow},
	{"POST /account/tokens/:id/delete", "/account/tokens/999/delete", deny, allow, allow, allow, allow},
	{"GET /api/v1/me", "/api/v1/me", deny, allow, allow, allow, allow},

	// Inviting colleagues.
	{"GET /invitations/new", "/invitations/new", deny, allow, allow, deny, allow},
	{"POST /invitations", "/invitations", deny, allow, allow, deny, allow},

	// Register pages.
	// -- register pages --
	{"GET /councils/:gss/contracts", "/councils/E08000035/contracts", deny, allow, allow, allow, deny},
	{"GET /councils/:gss/contracts/new", "/councils/E08000035/contracts/new", deny, allow, allow, deny, deny},
	{"POST /councils/:gss/contracts", "/councils/E08000035/contracts", deny, allow, allow, deny, deny},
	{"POST /councils/:gss/register/confirm", "/councils/E08000035/register/confirm", deny, allow, allow, deny, deny},
	{"GET /contracts/:id", "/contracts/999999", deny, allow, allow, allow, deny},
	{"GET /contracts/:id/edit", "/contracts/999999/edit", deny, allow, allow, deny, deny},
	{"POST /contracts/:id", "/contracts/999999", deny, allow, allow, deny, deny},
	{"GET /contracts/:id/delete", "/contracts/999999/delete", deny, allow, allow, deny, deny},
	{"POST /contracts/:id/delete", "/contracts/999999/delete", deny, allow, allow, deny, deny},

	// Register imports.
	// -- register imports --
	{"GET /councils/:gss/contracts/import", "/councils/E08000035/contracts/import", deny, allow, allow, deny, deny},
	{"POST /councils/:gss/contracts/import", "/councils/E08000035/contracts/import", deny, allow, allow, deny, deny},
	{"POST /councils/:gss/contracts/import/confirm", "/councils/E08000035/contracts/import/confirm", deny, allow, allow, deny, deny},

	// Register exports.
	// -- register exports --
	{"GET /councils/:gss/contracts.csv", "/councils/E08000035/contracts.csv", deny, allow, allow, allow, deny},
	{"GET /councils/:gss/contracts.ocds.json", "/councils/E08000035/contracts.ocds.json", deny, allow, allow, allow, deny},

	// Register API.
	// -- register api --
	{"GET /api/v1/openapi.json", "/api/v1/openapi.json", allow, allow, allow, allow, allow},
	{"GET /api/v1/categories", "/api/v1/categories", allow, allow, allow, allow, allow},
	{"GET /api/v1/suppliers", "/api/v1/suppliers?q=capita", deny, allow, allow, allow, deny},
	{"GET /api/v1/councils/:gss/contracts", "/api/v1/councils/E08000035/contracts", deny, allow, allow, allow, deny},
	{"POST /api/v1/councils/:gss/contracts", "/api/v1/councils/E08000035/contracts", deny, allow, allow, deny, deny},
	{"GET /api/v1/contracts/:id", "/api/v1/contracts/999999", deny, allow, allow, allow, deny},
	{"PUT /api/v1/contracts/:id", "/api/v1/contracts/999999", deny, allow, allow, deny, deny},
	{"DELETE /api/v1/contracts/:id", "/api/v1/contracts/999999", deny, allow, allow, deny, deny},

	// Discovery: partner matching and expressions of interest (partners.go).
	// -- discovery partners --
	{"GET /contracts/:id/partners", "/contracts/999999/partners", deny, allow, allow, allow, deny},
	{"POST /contracts/:id/partners/:partner_contract_id/interest", "/contracts/999999/partners/999998/interest", deny, allow, allow, deny, deny},
	{"GET /councils/:gss/partners", "/councils/E08000035/partners", deny, allow, allow, allow, deny},
	{"GET /api/v1/councils/:gss/partners", "/api/v1/councils/E08000035/partners", deny, allow, allow, allow, deny},

	// Discovery: overlaps (overlaps.go).
	// -- discovery overlaps --
	{"GET /overlaps", "/overlaps", deny, allow, allow, allow, deny},
	{"GET /overlaps/products/:id", "/overlaps/products/999999", deny, allow, allow, allow, deny},
	{"GET /overlaps/suppliers/:id", "/overlaps/suppliers/999999", deny, allow, allow, allow, deny},
	{"GET /overlaps/categories/:slug", "/overlaps/categories/revenues-benefits", deny, allow, allow, allow, deny},
	{"GET /api/v1/overlaps", "/api/v1/overlaps?category=revenues-benefits", deny, allow, allow, allow, deny},

	// Discovery: legacy radar and market concentration (legacy.go, concentration.go).
	// -- discovery legacy and concentration --
	{"GET /legacy", "/legacy", deny, allow, allow, allow, deny},
	{"GET /concentration", "/concentration", deny, allow, allow, allow, deny},
	{"GET /concentration/:slug", "/concentration/revenues-benefits", deny, allow, allow, allow, deny},
	{"GET /api/v1/concentration", "/api/v1/concentration?category=revenues-benefits", deny, allow, allow, allow, deny},

	// Joint bids: pages (bids.go).
	// -- bid pages --
	{"GET /bids", "/bids", deny, allow, allow, allow, deny},
	{"GET /bids/new", "/bids/new", deny, deny, allow, deny, deny},
	{"POST /bids", "/bids", deny, deny, allow, deny, deny},
	{"GET /bids/:id", "/bids/999999", deny, allow, allow, allow, deny},
	{"GET /bids/:id/activity", "/bids/999999/activity", deny, allow, allow, allow, deny},
	{"GET /bids/:id/edit", "/bids/999999/edit", deny, deny, allow, deny, deny},
	{"POST /bids/:id", "/bids/999999", deny, deny, allow, deny, deny},
	{"POST /bids/:id/invitations", "/bids/999999/invitations", deny, deny, allow, deny, deny},
	{"POST /bids/:id/invitations/:gss/accept", "/bids/999999/invitations/E08000035/accept", deny, deny, allow, deny, deny},
	{"POST /bids/:id/invitations/:gss/decline", "/bids/999999/invitations/E08000035/decline", deny, deny, allow, deny, deny},
	{"GET /bids/:id/cancel", "/bids/999999/cancel", deny, deny, allow, deny, deny},
	{"POST /bids/:id/cancel", "/bids/999999/cancel", deny, deny, allow, deny, deny},

	// Joint bids: sections (bid_sections.go).
	// -- bid sections --
	{"POST /bids/:id/sections", "/bids/999999/sections", deny, deny, allow, deny, deny},
	{"GET /bids/:id/sections/:section_id", "/bids/999999/sections/1", deny, allow, allow, allow, deny},
	{"GET /bids/:id/sections/:section_id/edit", "/bids/999999/sections/1/edit", deny, deny, allow, deny, deny},
	{"POST /bids/:id/sections/:section_id", "/bids/999999/sections/1", deny, deny, allow, deny, deny},
	{"POST /bids/:id/sections/:section_id/move", "/bids/999999/sections/1/move", deny, deny, allow, deny, deny},
	{"GET /bids/:id/sections/:section_id/versions", "/bids/999999/sections/1/versions", deny, allow, allow, allow, deny},
	{"POST /bids/:id/sections/:section_id/comments", "/bids/999999/sections/1/comments", deny, deny, allow, deny, deny},
	{"POST /bids/:id/comments/:comment_id/resolve", "/bids/999999/comments/1/resolve", deny, deny, allow, deny, deny},

	// Joint bids: criteria, participants, sign-off and publishing (bid_signoff.go).
	// -- bid sign-off --
	{"GET /bids/:id/criteria", "/bids/999999/criteria", deny, deny, allow, deny, deny},
	{"POST /bids/:id/criteria", "/bids/999999/criteria", deny, deny, allow, deny, deny},
	{"GET /bids/:id/participants/:gss", "/bids/999999/participants/E08000035", deny, deny, allow, deny, deny},
	{"POST /bids/:id/participants/:gss", "/bids/999999/participants/E08000035", deny, deny, allow, deny, deny},
	{"POST /bids/:id/signoff/request", "/bids/999999/signoff/request", deny, deny, allow, deny, deny},
	{"POST /bids/:id/signoff", "/bids/999999/signoff", deny, deny, allow, deny, deny},
	{"GET /bids/:id/publish", "/bids/999999/publish", deny, deny, allow, deny, deny},
	{"POST /bids/:id/publish", "/bids/999999/publish", deny, deny, allow, deny, deny},

	// Joint bids: JSON API (api_bids.go).
	// -- bid api --
	{"GET /api/v1/bids", "/api/v1/bids", deny, allow, allow, allow, deny},
	{"POST /api/v1/bids", "/api/v1/bids", deny, deny, allow, deny, deny},
	{"GET /api/v1/bids/:id", "/api/v1/bids/999999", deny, allow, allow, allow, deny},
	{"GET /api/v1/bids/:id/sections/:section_id", "/api/v1/bids/999999/sections/1", deny, allow, allow, allow, deny},
	{"PUT /api/v1/bids/:id/sections/:section_id", "/api/v1/bids/999999/sections/1", deny, deny, allow, deny, deny},
	{"PUT /api/v1/bids/:id/criteria", "/api/v1/bids/999999/criteria", deny, deny, allow, deny, deny},
	{"POST /api/v1/bids/:id/invitations/:gss/accept", "/api/v1/bids/999999/invitations/E08000035/accept", deny, deny, allow, deny, deny},
	{"POST /api/v1/bids/:id/invitations/:gss/decline", "/api/v1/bids/999999/invitations/E08000035/decline", deny, deny, allow, deny, deny},
	{"POST /api/v1/bids/:id/signoff", "/api/v1/bids/999999/signoff", deny, deny, allow, deny, deny},
	{"POST /api/v1/bids/:id/publish", "/api/v1/bids/999999/publish", deny, deny, allow, deny, deny},

	// Opportunities: published bids for suppliers, readable without signing in (opportunities.go).
	// -- opportunities --
	{"GET /opportunities", "/opportunities", allow, allow, allow, allow, allow},
	{"GET /opportunities/:id", "/opportunities/999999", allow, allow, allow, allow, allow},
	{"POST /opportunities/:id/follow", "/opportunities/999999/follow", deny, deny, deny, deny, allow},
	{"GET /api/v1/opportunities", "/api/v1/opportunities", allow, allow, allow, allow, allow},
	{"GET /api/v1/opportunities/:id", "/api/v1/opportunities/999999", allow, allow, allow, allow, allow},

	// Clarification questions and answers (questions.go).
	// -- clarifications --
	{"POST /opportunities/:id/questions", "/opportunities/999999/questions", deny, deny, deny, deny, allow},
	{"GET /bids/:id/questions", "/bids/999999/questions", deny, allow, allow, allow, deny},
	{"POST /bids/:id/questions/:qid/answer", "/bids/999999/questions/1/answer", deny, deny, allow, deny, deny},
	{"POST /api/v1/opportunities/:id/questions", "/api/v1/opportunities/999999/questions", deny, deny, deny, deny, allow},
	{"POST /api/v1/bids/:id/questions/:qid/answer", "/api/v1/bids/999999/questions/1/answer", deny, deny, allow, deny, deny},

	// Sealed responses: the supplier's side (responses.go).
	// -- responses --
	{"GET /opportunities/:id/response", "/opportunities/999999/response", deny, deny, deny, deny, allow},
	{"POST /opportunities/:id/response", "/opportunities/999999/response", deny, deny, deny, deny, allow},
	{"POST /opportunities/:id/response/withdraw", "/opportunities/999999/response/withdraw", deny, deny, deny, deny, allow},
	{"GET /api/v1/opportunities/:id/response", "/api/v1/opportunities/999999/response", deny, deny, deny, deny, allow},
	{"PUT /api/v1/opportunities/:id/response", "/api/v1/opportunities/999999/response", deny, deny, deny, deny, allow},
	{"POST /api/v1/opportunities/:id/response/withdraw", "/api/v1/opportunities/999999/response/withdraw", deny, deny, deny, deny, allow},

	// Evaluation: panel, declarations, reading and scoring responses (evaluation.go).
	// -- evaluation --
	{"GET /bids/:id/panel", "/bids/999999/panel", deny, allow, allow, allow, deny},
	{"POST /bids/:id/panel", "/bids/999999/panel", deny, deny, allow, deny, deny},
	{"POST /bids/:id/panel/:user_id/delete", "/bids/999999/panel/1/delete", deny, deny, allow, deny, deny},
	{"POST /bids/:id/panel/declaration", "/bids/999999/panel/declaration", deny, deny, allow, deny, deny},
	{"GET /bids/:id/responses", "/bids/999999/responses", deny, deny, allow, deny, deny},
	{"GET /bids/:id/responses/:rid", "/bids/999999/responses/1", deny, deny, allow, deny, deny},
	{"POST /bids/:id/responses/:rid/scores", "/bids/999999/responses/1/scores", deny, deny, allow, deny, deny},
	{"POST /bids/:id/scores/submit", "/bids/999999/scores/submit", deny, deny, allow, deny, deny},
	{"POST /bids/:id/responses/:rid/moderation", "/bids/999999/responses/1/moderation", deny, deny, allow, deny, deny},
	{"GET /bids/:id/evaluation.csv", "/bids/999999/evaluation.csv", deny, deny, allow, deny, deny},
	{"GET /api/v1/bids/:id/responses", "/api/v1/bids/999999/responses", deny, deny, allow, deny, deny},
	{"PUT /api/v1/bids/:id/responses/:rid/scores", "/api/v1/bids/999999/responses/1/scores", deny, deny, allow, deny, deny},

	// Award and the bid's OCDS release package (award.go).
	// -- award --
	{"GET /bids/:id/award", "/bids/999999/award", deny, deny, allow, deny, deny},
	{"POST /bids/:id/award", "/bids/999999/award", deny, deny, allow, deny, deny},
	{"POST /api/v1/bids/:id/award", "/api/v1/bids/999999/award", deny, deny, allow, deny, deny},
	{"GET /api/v1/bids/:id/ocds.json", "/api/v1/bids/999999/ocds.json", allow, allow, allow, allow, allow},

	// Suppliers registering themselves, and their profile (supplier_registration.go).
	// -- supplier registration --
	{"GET /suppliers/register", "/suppliers/register", allow, allow, allow, allow, allow},
	{"POST /suppliers/register", "/suppliers/register", allow, allow, allow, allow, allow},
	{"GET /suppliers/verify/:secret", "/suppliers/verify/no-such-link", allow, allow, allow, allow, allow},
	{"GET /supplier/profile", "/supplier/profile", deny, deny, deny, deny, allow},
	{"POST /supplier/profile", "/supplier/profile", deny, deny, deny, deny, allow},
	{"POST /admin/suppliers/:id/link", "/admin/suppliers/999999/link", deny, allow, deny, deny, deny},

	// The library: playbooks, briefings, templates and case studies (library.go, library_edit.go, library_versions.go, library_attachments.go).
	// -- library --
	{"GET /library", "/library", allow, allow, allow, allow, allow},
	{"GET /library/:id", "/library/999999", allow, allow, allow, allow, allow},
	{"POST /library/:id/adopt", "/library/999999/adopt", deny, allow, allow, deny, deny},
	{"POST /library/:id/adapt", "/library/999999/adapt", deny, allow, allow, deny, deny},
	{"GET /library/new", "/library/new", deny, allow, allow, deny, deny},
	{"POST /library", "/library", deny, allow, allow, deny, deny},
	{"GET /library/:id/edit", "/library/999999/edit", deny, allow, allow, deny, deny},
	{"POST /library/:id", "/library/999999", deny, allow, allow, deny, deny},
	{"POST /library/:id/submit", "/library/999999/submit", deny, allow, allow, deny, deny},
	{"POST /library/:id/approve", "/library/999999/approve", deny, allow, allow, deny, deny},
	{"POST /library/:id/return", "/library/999999/return", deny, allow, allow, deny, deny},
	{"GET /library/:id/versions", "/library/999999/versions", allow, allow, allow, allow, allow},
	{"POST /library/:id/versions/:version/restore", "/library/999999/versions/1/restore", deny, allow, allow, deny, deny},
	{"POST /library/:id/attachments", "/library/999999/attachments", deny, allow, allow, deny, deny},
	{"GET /library/:id/attachments/:attachment_id", "/library/999999/attachments/1", allow, allow, allow, allow, allow},
	{"POST /library/:id/attachments/:attachment_id/delete", "/library/999999/attachments/1/delete", deny, allow, allow, deny, deny},

	// Search across the library, registers, suppliers and bids (search.go).
	// -- search --
	{"GET /search", "/search", allow, allow, allow, allow, allow},
	{"GET /api/v1/search", "/api/v1/search", allow, allow, allow, allow, allow},

	// Councillor briefings and the glossary (briefings.go, glossary.go).
	// -- briefings --
	{"GET /briefings", "/briefings", allow, allow, allow, allow, allow},
	{"GET /councils/:gss/briefing", "/councils/E08000035/briefing", deny, allow, allow, allow, deny},
	{"GET /glossary", "/glossary", allow, allow, allow, allow, allow},
	{"GET /admin/glossary", "/admin/glossary", deny, allow, deny, deny, deny},
	{"POST /admin/glossary", "/admin/glossary", deny, allow, deny, deny, deny},
	{"POST /admin/glossary/:id", "/admin/glossary/999999", deny, allow, deny, deny, deny},
	{"POST /admin/glossary/:id/delete", "/admin/glossary/999999/delete", deny, allow, deny, deny, deny},

	// Scheduled jobs, the mail log, digest preferences and unsubscribing (jobs_admin.go, mail_log.go, digest_prefs.go).
	// -- jobs and mail --
	{"GET /admin/jobs", "/admin/jobs", deny, allow, deny, deny, deny},
	{"GET /admin/jobs/:name", "/admin/jobs/close-bids", deny, allow, deny, deny, deny},
	{"POST /admin/jobs/:name/run", "/admin/jobs/no-such-job/run", deny, allow, deny, deny, deny},
	{"GET /admin/mail", "/admin/mail", deny, allow, deny, deny, deny},
	{"GET /account/digest", "/account/digest", deny, allow, allow, allow, allow},
	{"POST /account/digest", "/account/digest", deny, allow, allow, allow, allow},
	{"GET /unsubscribe/:id/:token", "/unsubscribe/999999/no-such-token", allow, allow, allow, allow, allow},
	{"POST /unsubscribe/:id/:token", "/unsubscribe/999999/no-such-token", allow, allow, allow, allow, allow},

	// Administration.
	{"GET /admin/users", "/admin/users", deny, allow, deny, deny, deny},
	{"POST /councils/:gss/domains", "/councils/E08000035/domains", deny, allow, deny, deny, deny},
	{"GET /metrics", "/metrics", deny, allow, deny, deny, deny},
	{"GET /admin/suppliers", "/admin/suppliers?q=capita", deny, allow, deny, deny, deny},
	{"POST /admin/suppliers/merge", "/admin/suppliers/merge", deny, allow, deny, deny, deny},
}

// walkRoles are the roles of the walk, with the demo user of each.
var walkRoles = []struct {
	role  models.Role
	email string
}{
	{models.RoleAnonymous, ""},
	{models.RoleAdmin, testutil.AdminEmail},
	{models.RoleOfficer, testutil.OfficerEmail},
	{models.RoleCouncillor, testutil.CouncillorEmail},
	{models.RoleSupplier, testutil.SupplierEmail},
}

var stylesheetURL = regexp.MustCompile(`/assets/dist/app\.[0-9a-f]+\.css`)

// TestRouteTableCoversEveryRoute fails when a route is bound without a
// line in routeWalk, or routeWalk names a route that is not bound.
func TestRouteTableCoversEveryRoute(t *testing.T) {
	app := testutil.NewApp(t)
	app.Handlers.Router() // binds the routes
	bound := app.Handlers.RouteActions()
	if len(bound) == 0 {
		t.Fatal("RouteActions is empty: are routes bound through h.handle?")
	}
	inTable := map[string]bool{}
	for _, w := range routeWalk {
		if inTable[w.route] {
			t.Errorf("routeWalk has %q twice", w.route)
		}
		inTable[w.route] = true
		if _, ok := bound[w.route]; !ok {
			t.Errorf("routeWalk has a line for %q, which is not a route", w.route)
		}
	}
	var missing []string
	for r := range bound {
		if !inTable[r] {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	for _, r := range missing {
		t.Errorf("route %q (action %q) has no line in routeWalk: add one saying which roles may use it", r, bound[r])
	}
}

// TestRouteRoleWalk calls every route as every role and checks the answer
// against both the table and the policy (models.Allowed).
func TestRouteRoleWalk(t *testing.T) {
	for _, w := range routeWalk {
		t.Run(w.route, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			action, bound := e.app.Handlers.RouteActions()[w.route]
			if !bound {
				t.Skipf("%s is not bound (TestRouteTableCoversEveryRoute reports it)", w.route)
			}
			want := []outcome{w.anonymous, w.admin, w.officer, w.cllr, w.supplier}
			for i, r := range walkRoles {
				if got := outcome(models.Allowed(r.role, action)); got != want[i] {
					t.Errorf("%s as %q: table says allowed=%v but models.Allowed(%q, %q)=%v", w.route, r.role, want[i], r.role, action, got)
				}
			}
			if t.Failed() {
				return
			}
			target := w.url
			if strings.Contains(target, "{stylesheet}") {
				m := stylesheetURL.FindString(e.browser("").Get("/").Body)
				if m == "" {
					t.Fatal("no stylesheet link on the home page")
				}
				target = strings.ReplaceAll(target, "{stylesheet}", m)
			}
			method, _, _ := strings.Cut(w.route, " ")
			for i, r := range walkRoles {
				name := string(r.role)
				if name == "" {
					name = "anonymous"
				}
				t.Run(name, func(t *testing.T) {
					// A browser of its own: some routes sign it out.
					c := testutil.NewClientFor(t, e.srv)
					if r.email != "" {
						c.SignIn(r.email)
					}
					var resp testutil.Response
					switch method {
					case http.MethodGet:
						resp = c.Get(target)
					case http.MethodPost:
						resp = c.Post(target, url.Values{}) // with a valid CSRF token
					default: // PUT, DELETE: the token in X-CSRF-Token, as a script sends it
						resp = sendWithCSRF(t, c, method, target, "", "")
					}
					checkOutcome(t, method, target, r.role, want[i], resp)
				})
			}
		})
	}
}

func checkOutcome(t *testing.T, method, target string, role models.Role, want outcome, r testutil.Response) {
	t.Helper()
	api := strings.HasPrefix(target, "/api/")
	toLogin := r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location, "/login?next=")
	if want == allow {
		if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden || toLogin || r.Status >= 500 {
			t.Errorf("%s %s as %q: status %d (Location %q), want it allowed\n%s", method, target, role, r.Status, r.Location, excerpt(r.Body))
		}
		return
	}
	switch {
	case role != models.RoleAnonymous:
		// The policy's refusal, not the CSRF check's: both are 403.
		if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "You cannot do that") {
			t.Errorf("%s %s as %q: status %d (Location %q), want 403 from the policy\n%s", method, target, role, r.Status, r.Location, excerpt(r.Body))
		}
		if api && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s %s as %q: Content-Type %q, want application/problem+json", method, target, role, r.Header.Get("Content-Type"))
		}
	case api:
		if r.Status != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s %s anonymously: status %d, Content-Type %q, want 401 application/problem+json",
				method, target, r.Status, r.Header.Get("Content-Type"))
		}
	default:
		next := "/"
		if method == http.MethodGet {
			next = target
		}
		if r.Status != http.StatusSeeOther || r.Location != "/login?next="+url.QueryEscape(next) {
			t.Errorf("%s %s anonymously: status %d, Location %q, want 303 to /login?next=%s",
				method, target, r.Status, r.Location, url.QueryEscape(next))
		}
	}
}
