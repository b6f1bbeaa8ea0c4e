package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

const (
	newSupplierEmail    = "asha@airevalley.example"
	newSupplierPassword = "a long enough password"
)

// registrationForm is a good registration of Aire Valley Software; pairs
// replace its fields ("categories" may repeat; a value "" removes the field).
func registrationForm(pairs ...string) url.Values {
	f := formOf("company_name", "Aire Valley Software Ltd", "company_number", "SC123456", "sme", "yes", "vcse", "no",
		"categories", "gis", "categories", "revenues-benefits", "contact_name", "Asha Patel", "email", newSupplierEmail,
		"phone", "0113 496 0000", "password", newSupplierPassword)
	replaced := map[string]bool{}
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], pairs[i+1]
		if !replaced[k] {
			f.Del(k)
			replaced[k] = true
		}
		if v != "" {
			f.Add(k, v)
		}
	}
	return f
}

// tableCounts counts rows in each table.
func tableCounts(e *env, tables ...string) map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := e.app.DB.W.QueryRow(`SELECT count(*) FROM ` + tb).Scan(&n); err != nil {
			e.t.Fatalf("count %s: %v", tb, err)
		}
		out[tb] = n
	}
	return out
}

var registrationTables = []string{"suppliers", "users", "supplier_categories", "email_verifications", "audit_events"}

// userSupplier returns the supplier id of the user with email.
func userSupplier(e *env, email string) int64 {
	e.t.Helper()
	u, err := e.app.DB.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatalf("user %s: %v", email, err)
	}
	return u.SupplierID
}

// registerAndConfirm registers Aire Valley Software through the pages and
// confirms the address in the "asha" browser, capturing {verify} and
// {registered} (its supplier id).
func registerAndConfirm() []step {
	return []step{
		{name: "register", user: "#asha", method: "POST", url: "/suppliers/register", form: registrationForm(), status: 303,
			location: "/suppliers/register?sent=1", check: captureLink("verify", newSupplierEmail, "/suppliers/verify/")},
		{name: "confirm", user: "#asha", method: "GET", url: "{verify}", status: 303, location: "/supplier/profile",
			check: func(e *env, r testutil.Response) {
				wantSessionCookie(e, r)
				e.vars["registered"] = fmt.Sprint(userSupplier(e, newSupplierEmail))
			}},
		{name: "profile", user: "#asha", method: "GET", url: "/supplier/profile", status: 200},
	}
}

func TestSupplierRegistration(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "register, confirm, sign in", steps: []step{
			{name: "form", method: "GET", url: "/suppliers/register", status: 200,
				contains: []string{"Register your company", "Companies House number", "We are not a registered company",
					`name="sme"`, `name="vcse"`, `id="categories"`, "Geographic", `autocomplete="new-password"`},
				check: func(e *env, r testutil.Response) {
					if n := strings.Count(r.Body, `name="categories"`); n != 28 {
						e.t.Errorf("%d category checkboxes, want 28", n)
					}
				}},
			{name: "register", method: "POST", url: "/suppliers/register", form: registrationForm("email", " Asha@AireValley.example "), status: 303,
				location: "/suppliers/register?sent=1",
				check: func(e *env, r testutil.Response) {
					captureLink("verify", newSupplierEmail, "/suppliers/verify/")(e, r)
					hdr, body := emailBody(e.t, e.app.Outbox(e.t)[0])
					if hdr.Get("Subject") != "Confirm your email address for Jointly" || !strings.Contains(body, "Aire Valley Software Ltd") ||
						!strings.Contains(body, "within 24 hours") {
						e.t.Errorf("email: Subject %q\n%s", hdr.Get("Subject"), body)
					}
					wantUser(newSupplierEmail, models.RoleSupplier, "", "Aire Valley Software Ltd")(e, r)
				}},
			{name: "check your email", method: "GET", url: "/suppliers/register?sent=1", status: 200,
				contains: []string{"Check your email", newSupplierEmail, "within 24 hours"}},
			{name: "no signing in yet", user: "#2", method: "POST", url: "/login", status: 403,
				form:     formOf("email", newSupplierEmail, "password", newSupplierPassword),
				contains: []string{"Confirm your email address first: we sent a link to " + newSupplierEmail},
				check: func(e *env, r testutil.Response) {
					if c := setCookies(r)["jointly_session"]; c != nil && c.Value != "" {
						e.t.Errorf("a session cookie was set before confirming")
					}
				}},
			{name: "confirm", method: "GET", url: "{verify}", status: 303, location: "/supplier/profile", check: wantSessionCookie},
			{name: "signed in, on the profile", method: "GET", url: "/supplier/profile", status: 200,
				contains: []string{signedInAs("Asha Patel"), "Your email address is confirmed", "Aire Valley Software Ltd",
					"SC123456, as you gave it", "Not linked yet", "Geographic", `value="0113 496 0000"`}},
			{name: "signed in, registering again goes home", method: "GET", url: "/suppliers/register", status: 303, location: "/"},
			{name: "the password works now", user: "#2", method: "POST", url: "/login", status: 303,
				form: formOf("email", newSupplierEmail, "password", newSupplierPassword)},
			{name: "the link is used up", user: "#3", method: "GET", url: "{verify}", status: 410,
				contains: []string{"This link has already been used or has expired", `href="/login"`, `href="/suppliers/register"`},
				check: func(e *env, r testutil.Response) {
					if c := setCookies(r)["jointly_session"]; c != nil && c.Value != "" {
						e.t.Errorf("a used link signed someone in")
					}
				}},
			{name: "an unknown link", user: "#3", method: "GET", url: "/suppliers/verify/not-a-real-link", status: 404,
				contains: []string{"This link is not valid"}},
			{name: "a second registration with the address", user: "#3", method: "POST", url: "/suppliers/register",
				form: registrationForm("company_name", "Another Ltd", "company_number", "01628868"), status: 422,
				contains: []string{"An account already uses this email address", `value="Another Ltd"`}},
			{name: "one email only", do: wantOutbox(1)},
		}},
		{name: "an expired link", steps: []step{
			{name: "register", method: "POST", url: "/suppliers/register", form: registrationForm(), status: 303,
				check: captureLink("verify", newSupplierEmail, "/suppliers/verify/")},
			{name: "a day passes", do: func(e *env) { e.app.Clock.Advance(models.EmailVerificationTTL) }},
			{name: "the link has expired", method: "GET", url: "{verify}", status: 410,
				contains: []string{"This link has already been used or has expired", `href="/password/forgot"`}},
		}},
		{name: "not a registered company", steps: []step{
			{name: "register", method: "POST", url: "/suppliers/register", status: 303,
				form: registrationForm("company_number", "", "not_a_company", "yes", "vcse", "yes")},
			{name: "nothing claimed", do: func(e *env) {
				var claimed *string
				if err := e.app.DB.W.QueryRow(`SELECT claimed_company_number FROM suppliers WHERE name = 'Aire Valley Software Ltd'`).Scan(&claimed); err != nil || claimed != nil {
					e.t.Errorf("claimed %v, %v", claimed, err)
				}
			}},
		}},
	})
}

func TestSupplierRegistrationRefused(t *testing.T) {
	tests := []struct {
		name string
		form url.Values
		want []string
	}{
		{"company number too short", registrationForm("company_number", "12345"),
			[]string{"Enter a Companies House number in the correct format: 8 characters"}},
		{"no company number", registrationForm("company_number", ""),
			[]string{"Enter the Companies House number, or tick"}},
		{"no categories", registrationForm("categories", ""),
			[]string{"Select at least one category of technology you supply"}},
		{"duplicate email", registrationForm("email", testutil.SupplierEmail),
			[]string{"An account already uses this email address"}},
		{"short password", registrationForm("password", "short"),
			[]string{"Password must be 12 characters or more"}},
		{"SME and VCSE unanswered", registrationForm("sme", "", "vcse", ""),
			[]string{"Select yes if the company is a small or medium-sized enterprise", "Select yes if the company is a voluntary"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			before := tableCounts(e, registrationTables...)
			e.run(0, step{name: "register", method: "POST", url: "/suppliers/register", form: tt.form, status: 422,
				contains: append([]string{"There is a problem", `value="Aire Valley Software Ltd"`}, tt.want...),
				excludes: []string{newSupplierPassword}})
			after := tableCounts(e, registrationTables...)
			for _, tb := range registrationTables {
				if after[tb] != before[tb] {
					e.t.Errorf("%s: %d rows → %d after a refused registration", tb, before[tb], after[tb])
				}
			}
			wantOutbox(0)(e)
		})
	}
}

func TestSupplierProfile(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "edit the profile", steps: []step{
			{name: "profile", user: testutil.SupplierEmail, method: "GET", url: "/supplier/profile", status: 200,
				contains: []string{"Pennine Digital Ltd", "Linked", "None chosen yet"}},
			{name: "incomplete", user: testutil.SupplierEmail, method: "POST", url: "/supplier/profile", status: 422,
				form: formOf("sme", "no", "contact_name", "Tom Whitaker", "contact_email", "not an email"),
				contains: []string{"There is a problem", "Select yes if the company is a voluntary", "Select at least one category",
					"Enter an email address in the correct format", `value="Tom Whitaker"`}},
			{name: "save", user: testutil.SupplierEmail, method: "POST", url: "/supplier/profile", status: 303, location: "/supplier/profile",
				form: formOf("sme", "yes", "vcse", "no", "categories", "crm", "categories", "website-cms",
					"contact_name", "Tom Whitaker", "contact_email", "bids@penninedigital.example", "phone", "+44 113 496 0001")},
			{name: "saved", user: testutil.SupplierEmail, method: "GET", url: "/supplier/profile", status: 200,
				contains: []string{"Your company&#39;s details have been saved.", `44 113 496 0001"`},
				check: func(e *env, _ testutil.Response) {
					cats, err := e.app.DB.SupplierCategories(context.Background(), userSupplier(e, testutil.SupplierEmail))
					if err != nil || !slices.Equal(cats, []string{"crm", "website-cms"}) {
						e.t.Errorf("categories %v, %v", cats, err)
					}
				}},
			{name: "officers have no profile", user: testutil.OfficerEmail, method: "GET", url: "/supplier/profile", status: 403},
			{name: "officers cannot post one", user: testutil.OfficerEmail, method: "POST", url: "/supplier/profile", status: 403,
				form: formOf("sme", "yes")},
			{name: "anonymous is sent to sign in", method: "GET", url: "/supplier/profile", status: 303,
				location: "/login?next=%2Fsupplier%2Fprofile"},
		}},
	})
}

func TestLinkSupplier(t *testing.T) {
	// The register's supplier of the same company, known by name only.
	registerSupplier := func(e *env) {
		id, err := e.app.DB.EnsureSupplier(context.Background(), "Aire Valley Software", "")
		if err != nil {
			e.t.Fatal(err)
		}
		e.vars["register"] = fmt.Sprint(id)
		other, err := e.app.DB.EnsureSupplier(context.Background(), "Aire Valley Holdings", "SC999999")
		if err != nil {
			e.t.Fatal(err)
		}
		e.vars["other"] = fmt.Sprint(other)
	}
	steps := append(registerAndConfirm(),
		step{name: "the register's supplier", do: registerSupplier},
		step{name: "awaiting a link", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers", status: 200,
			contains: []string{"Companies that registered themselves", "Aire Valley Software Ltd", "SC123456", "Asha Patel",
				`href="/admin/suppliers?link={registered}&amp;q=Aire%20Valley%20Software%20Ltd"`}},
		step{name: "find it in the register", user: testutil.AdminEmail, method: "GET",
			url: "/admin/suppliers?link={registered}&q=Aire+Valley", status: 200,
			contains: []string{"Link ‘Aire Valley Software Ltd’ to the register", `action="/admin/suppliers/{registered}/link"`,
				`name="register_supplier_id" value="{register}"`}},
		step{name: "officers cannot link", user: testutil.OfficerEmail, method: "POST", url: "/admin/suppliers/{registered}/link",
			form: formOf("register_supplier_id", "{register}"), status: 403},
		step{name: "a different company number", user: testutil.AdminEmail, method: "POST", url: "/admin/suppliers/{registered}/link",
			form: formOf("q", "Aire Valley", "register_supplier_id", "{other}"), status: 422,
			contains: []string{"There is a problem", "they are different companies", `href="#register_supplier_id"`}},
		step{name: "no choice", user: testutil.AdminEmail, method: "POST", url: "/admin/suppliers/{registered}/link",
			form: formOf("register_supplier_id", ""), status: 422, contains: []string{"Choose the register&#39;s supplier"}},
		step{name: "link", user: testutil.AdminEmail, method: "POST", url: "/admin/suppliers/{registered}/link",
			form: formOf("q", "Aire Valley", "register_supplier_id", "{register}"), status: 303, location: "/admin/suppliers"},
		step{name: "linked", user: testutil.AdminEmail, method: "GET", url: "/admin/suppliers", status: 200,
			contains: []string{"Registered company linked to the register&#39;s supplier."},
			excludes: []string{"Companies that registered themselves"},
			check: func(e *env, _ testutil.Response) {
				if got := fmt.Sprint(userSupplier(e, newSupplierEmail)); got != e.vars["register"] {
					e.t.Errorf("user's supplier %s, want the register's %s", got, e.vars["register"])
				}
				var num string
				if err := e.app.DB.W.QueryRow(`SELECT companies_house_number FROM suppliers WHERE id = ?`, e.vars["register"]).Scan(&num); err != nil || num != "SC123456" {
					e.t.Errorf("register supplier's number %q, %v", num, err)
				}
			}},
		step{name: "the supplier sees it linked", user: "#asha", method: "GET", url: "/supplier/profile", status: 200,
			contains: []string{"Aire Valley Software", "SC123456", "Linked", "Geographic"},
			excludes: []string{"as you gave it", "Not linked yet"}},
		step{name: "the link is gone", user: testutil.AdminEmail, method: "POST", url: "/admin/suppliers/{registered}/link",
			form: formOf("register_supplier_id", "{register}"), status: 404},
	)
	runScenarios(t, []scenario{{name: "admin links a registered company", steps: steps}})
}

func TestRegisteredSupplierInvitesColleague(t *testing.T) {
	const colleague = "ben@airevalley.example"
	steps := append(registerAndConfirm(),
		step{name: "invite form", user: "#asha", method: "GET", url: "/invitations/new", status: 200},
		step{name: "invite", user: "#asha", method: "POST", url: "/invitations", status: 303, location: "/invitations/new",
			form: invite("Ben Ng", colleague, "supplier"), check: captureLink("invite", colleague, "/invitations/")},
		step{name: "open the link", user: "#ben", method: "GET", url: "{invite}", status: 200,
			contains: []string{"Supplier at Aire Valley Software Ltd"}},
		step{name: "accept", user: "#ben", method: "POST", url: "{invite}", status: 303, location: "/",
			form: formOf("name", "Ben Ng", "password", newSupplierPassword), check: wantSessionCookie},
		step{name: "same company", do: func(e *env) {
			if userSupplier(e, colleague) != userSupplier(e, newSupplierEmail) {
				e.t.Errorf("colleague joined another supplier")
			}
		}},
		step{name: "the colleague signs in without confirming", user: "#ben2", method: "POST", url: "/login", status: 303,
			form: formOf("email", colleague, "password", newSupplierPassword)},
		step{name: "and sees the company's profile", user: "#ben", method: "GET", url: "/supplier/profile", status: 200,
			contains: []string{"Aire Valley Software Ltd", "Geographic"}},
	)
	runScenarios(t, []scenario{{name: "a colleague joins by invitation", steps: steps}})
}

func TestSupplierRegistrationRateLimited(t *testing.T) {
	e := newEnv(t)
	for i := range models.RegistrationsPerAddress {
		e.run(i, step{name: "register", method: "POST", url: "/suppliers/register", status: 303,
			form: registrationForm("email", fmt.Sprintf("person%d@airevalley.example", i))})
	}
	e.run(models.RegistrationsPerAddress, step{name: "one too many", method: "POST", url: "/suppliers/register", status: 429,
		form: registrationForm("email", "late@airevalley.example"), contains: []string{"Too many companies have registered from your network"}})
	wantOutbox(models.RegistrationsPerAddress)(e)
}
