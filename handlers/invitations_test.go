package handlers_test

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

const acceptPassword = "a long enough password"

func invite(name, email, role string, extra ...string) url.Values {
	f := formOf("name", name, "email", email, "role", role)
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

// wantUser checks the user with email exists with the role, council and
// supplier given.
func wantUser(email string, role models.Role, council, supplier string) func(e *env, r testutil.Response) {
	return func(e *env, _ testutil.Response) {
		e.t.Helper()
		u, err := e.app.DB.UserByEmail(context.Background(), email)
		if err != nil {
			e.t.Fatalf("user %s: %v", email, err)
		}
		if u.Role != role || u.CouncilGSS != council || u.SupplierName != supplier {
			e.t.Errorf("user %s: role %q, council %q, supplier %q; want %q, %q, %q", email, u.Role, u.CouncilGSS, u.SupplierName, role, council, supplier)
		}
	}
}

func wantNoAccount(email string) func(e *env) {
	return func(e *env) {
		e.t.Helper()
		if _, err := e.app.DB.UserByEmail(context.Background(), email); err == nil {
			e.t.Errorf("an account for %s exists", email)
		}
	}
}

// wantMe checks GET /api/v1/me's JSON, exactly.
func wantMe(want map[string]any) func(e *env, r testutil.Response) {
	return func(e *env, r testutil.Response) {
		e.t.Helper()
		var got map[string]any
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
			e.t.Fatalf("/api/v1/me: %v\n%s", err, r.Body)
		}
		if !reflect.DeepEqual(got, want) {
			e.t.Errorf("/api/v1/me = %v, want %v", got, want)
		}
	}
}

func TestInvitations(t *testing.T) {
	const newCllr = "cllr.new@leeds.gov.uk"
	runScenarios(t, []scenario{
		{name: "officer invites a councillor", steps: []step{
			{name: "form", user: testutil.OfficerEmail, method: "GET", url: "/invitations/new", status: 200,
				contains: []string{"Invite someone to Jointly", `value="officer"`, `value="councillor"`},
				excludes: []string{`value="admin"`, `value="supplier"`, `name="council"`}},
			{name: "invite", user: testutil.OfficerEmail, method: "POST", url: "/invitations", status: 303, location: "/invitations/new",
				form: invite("Cllr Nia Evans", newCllr, "councillor"),
				check: func(e *env, r testutil.Response) {
					captureLink("invite", newCllr, "/invitations/")(e, r)
					hdr, body := emailBody(e.t, e.app.Outbox(e.t)[0])
					if hdr.Get("Subject") != "Sam Okafor has invited you to Jointly" || !strings.Contains(body, "as councillor at Leeds") {
						e.t.Errorf("invitation email: Subject %q\n%s", hdr.Get("Subject"), body)
					}
				}},
			{name: "flash", user: testutil.OfficerEmail, method: "GET", url: "/invitations/new", status: 200, contains: []string{"Invitation sent."}},
			{name: "not yet an account", do: wantNoAccount(newCllr)},
			{name: "open the link", method: "GET", url: "{invite}", status: 200,
				contains: []string{"Join Jointly", "Councillor at Leeds", newCllr, `value="Cllr Nia Evans"`}},
			{name: "no name, short password", method: "POST", url: "{invite}", form: formOf("name", "", "password", "short"), status: 422,
				contains: []string{"There is a problem", "Enter the person&#39;s name", "Password must be 12 characters or more"}},
			{name: "accept", method: "POST", url: "{invite}", form: formOf("name", "Cllr Nia Evans", "password", acceptPassword),
				status: 303, location: "/", check: wantSessionCookie},
			{name: "signed in", method: "GET", url: "/", status: 200,
				contains: []string{"Signed in as Cllr Nia Evans (Councillor, Leeds)", "Your account is ready."}},
			{name: "as a Leeds councillor", method: "GET", url: "/api/v1/me", status: 200, check: wantMe(map[string]any{
				"email": newCllr, "name": "Cllr Nia Evans", "role": "councillor",
				"council": map[string]any{"gss_code": "E08000035", "name": "Leeds"},
			})},
			{name: "in the database", do: func(e *env) { wantUser(newCllr, models.RoleCouncillor, "E08000035", "")(e, testutil.Response{}) }},
			{name: "the password works", user: "#2", method: "POST", url: "/login", status: 303,
				form: formOf("email", newCllr, "password", acceptPassword)},
			{name: "the link is used up", user: "#3", method: "GET", url: "{invite}", status: 404,
				contains: []string{"This invitation has expired or has already been accepted"}},
			{name: "and cannot be accepted again", user: "#3", method: "POST", url: "{invite}", status: 404,
				form: formOf("name", "Someone Else", "password", acceptPassword)},
		}},
		{name: "officer cannot choose another council", steps: []step{
			{name: "invite", user: testutil.OfficerEmail, method: "POST", url: "/invitations", status: 303,
				form:  invite("Kai Lee", "kai@bradford.gov.uk", "officer", "council", "E08000032"),
				check: captureLink("invite", "kai@bradford.gov.uk", "/invitations/")},
			{name: "the invitation is to Leeds", method: "GET", url: "{invite}", status: 200,
				contains: []string{"Council officer at Leeds"}, excludes: []string{"Bradford"}},
		}},
		{name: "officer tampers role=admin", steps: []step{
			{name: "invite", user: testutil.OfficerEmail, method: "POST", url: "/invitations", status: 403,
				form: invite("Eve Admin", "eve@leeds.gov.uk", "admin"), contains: []string{"You cannot do that"}},
			{name: "no email", do: wantOutbox(0)},
		}},
		{name: "officer tampers role=supplier", steps: []step{
			{name: "invite", user: testutil.OfficerEmail, method: "POST", url: "/invitations", status: 403,
				form: invite("Eve Seller", "eve@seller.example", "supplier", "supplier", "Eve Ltd")},
			{name: "no email", do: wantOutbox(0)},
		}},
		{name: "supplier tampers role=officer", steps: []step{
			{name: "invite", user: testutil.SupplierEmail, method: "POST", url: "/invitations", status: 403,
				form: invite("Eve Officer", "eve@leeds.gov.uk", "officer", "council", "E08000035")},
			{name: "no email", do: wantOutbox(0)},
		}},
		{name: "invalid input", steps: []step{
			{name: "bad email", user: testutil.OfficerEmail, method: "POST", url: "/invitations", status: 422,
				form: invite("Kai Lee", "kai at leeds", "officer"),
				contains: []string{"There is a problem", "Enter an email address in the correct format", `id="email-error"`,
					`value="Kai Lee"`, `value="kai at leeds"`}},
			{name: "nothing", user: testutil.OfficerEmail, method: "POST", url: "/invitations", status: 422,
				contains: []string{"Enter an email address", "Enter the person&#39;s name", "Choose a role"}},
			{name: "existing account", user: testutil.OfficerEmail, method: "POST", url: "/invitations", status: 422,
				form: invite("Jane Hughes", testutil.CouncillorEmail, "councillor"), contains: []string{"There is already an account with this email address"}},
			{name: "no email", do: wantOutbox(0)},
		}},
		{name: "admin invites a supplier", steps: []step{
			{name: "form", user: testutil.AdminEmail, method: "GET", url: "/invitations/new", status: 200,
				contains: []string{`value="admin"`, `value="supplier"`, `name="council"`, `name="supplier"`, `value="E08000035"`}},
			{name: "no company", user: testutil.AdminEmail, method: "POST", url: "/invitations", status: 422,
				form: invite("Ann Jones", "ann@acme.example", "supplier"), contains: []string{"Enter the supplier&#39;s company name"}},
			{name: "invite", user: testutil.AdminEmail, method: "POST", url: "/invitations", status: 303, location: "/invitations/new",
				form: invite("Ann Jones", "ann@acme.example", "supplier", "supplier", "Acme Widgets Ltd"), check: captureLink("invite", "ann@acme.example", "/invitations/")},
			{name: "open", method: "GET", url: "{invite}", status: 200, contains: []string{"Supplier at Acme Widgets Ltd"}},
			{name: "accept", method: "POST", url: "{invite}", form: formOf("name", "Ann Jones", "password", acceptPassword), status: 303, location: "/",
				check: wantUser("ann@acme.example", models.RoleSupplier, "", "Acme Widgets Ltd")},
			{name: "signed in", method: "GET", url: "/", status: 200, contains: []string{"Signed in as Ann Jones (Supplier, Acme Widgets Ltd)"}},
			{name: "me", method: "GET", url: "/api/v1/me", status: 200, check: wantMe(map[string]any{
				"email": "ann@acme.example", "name": "Ann Jones", "role": "supplier", "council": nil, "supplier": "Acme Widgets Ltd",
			})},
		}},
		{name: "admin invites to an existing supplier by another spelling", steps: []step{
			{name: "invite", user: testutil.AdminEmail, method: "POST", url: "/invitations", status: 303,
				form: invite("Bo Chan", "bo@penninedigital.example", "supplier", "supplier", "PENNINE DIGITAL LIMITED"), check: captureLink("invite", "bo@penninedigital.example", "/invitations/")},
			{name: "accept", method: "POST", url: "{invite}", form: formOf("name", "Bo Chan", "password", acceptPassword), status: 303,
				check: wantUser("bo@penninedigital.example", models.RoleSupplier, "", "Pennine Digital Ltd")},
		}},
		{name: "admin invites an officer of a council", steps: []step{
			{name: "invite", user: testutil.AdminEmail, method: "POST", url: "/invitations", status: 303,
				form: invite("Kai Lee", "kai@york.gov.uk", "officer", "council", "E06000014"), check: captureLink("invite", "kai@york.gov.uk", "/invitations/")},
			{name: "accept", method: "POST", url: "{invite}", form: formOf("name", "Kai Lee", "password", acceptPassword), status: 303,
				check: wantUser("kai@york.gov.uk", models.RoleOfficer, "E06000014", "")},
		}},
		{name: "supplier invites a colleague", steps: []step{
			{name: "form", user: testutil.SupplierEmail, method: "GET", url: "/invitations/new", status: 200,
				contains: []string{`value="supplier"`}, excludes: []string{`value="officer"`, `name="council"`}},
			{name: "invite", user: testutil.SupplierEmail, method: "POST", url: "/invitations", status: 303,
				form: invite("Cy Ward", "cy@penninedigital.example", "supplier", "supplier", "Another Company Ltd"), check: captureLink("invite", "cy@penninedigital.example", "/invitations/")},
			{name: "accept", method: "POST", url: "{invite}", form: formOf("name", "Cy Ward", "password", acceptPassword), status: 303,
				check: wantUser("cy@penninedigital.example", models.RoleSupplier, "", "Pennine Digital Ltd")},
		}},
		{name: "councillors cannot invite", steps: []step{
			{name: "form", user: testutil.CouncillorEmail, method: "GET", url: "/invitations/new", status: 403, contains: []string{"You cannot do that"}},
			{name: "post", user: testutil.CouncillorEmail, method: "POST", url: "/invitations", status: 403,
				form: invite("Cllr Two", "cllr.two@leeds.gov.uk", "councillor")},
			{name: "no email", do: wantOutbox(0)},
		}},
		{name: "made-up link", steps: []step{
			{name: "open", method: "GET", url: "/invitations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", status: 404,
				contains: []string{"This invitation has expired or has already been accepted"}},
		}},
	})
}
