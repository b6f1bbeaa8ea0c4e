package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

func ptr[T any](v T) *T { return &v }

const registrationPassword = "a long enough password"

// registration is a valid registration for a new company.
func registration(email string) models.SupplierRegistration {
	return models.SupplierRegistration{
		CompanyName: "Aire Valley Software Ltd", CompanyNumber: "sc 123456", SME: ptr(true), VCSE: ptr(false),
		Categories: []string{"gis", "revenues-benefits", "gis"}, ContactName: " Asha Patel ", Email: email,
		Phone: "0113 496 0000", Password: registrationPassword, IP: "192.0.2.1",
	}
}

func mustRegister(t *testing.T, db *models.DB, r models.SupplierRegistration) (models.User, string) {
	t.Helper()
	u, secret, err := db.RegisterSupplier(context.Background(), r)
	if err != nil {
		t.Fatalf("register %s: %v", r.Email, err)
	}
	return u, secret
}

func TestRegisterSupplierAndVerify(t *testing.T) {
	db, clock, ctx := seeded(t)
	u, secret := mustRegister(t, db, registration(" Asha@AireValley.example "))
	if u.Email != "asha@airevalley.example" || u.Name != "Asha Patel" || u.Role != models.RoleSupplier ||
		u.SupplierName != "Aire Valley Software Ltd" || !u.HasPassword || secret == "" {
		t.Fatalf("registered %+v, secret %q", u, secret)
	}
	p, err := db.SupplierProfile(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	// The claim is kept aside: a claim is not proof.
	if p.ClaimedCompanyNumber != "SC123456" || p.CompaniesHouseNumber != "" || p.InRegister || *p.SME != true || *p.VCSE != false ||
		p.ContactName != "Asha Patel" || p.ContactEmail != "asha@airevalley.example" || p.ContactPhone != "0113 496 0000" ||
		!p.RegisteredAt.Equal(testutil.Now) {
		t.Errorf("profile %+v", p)
	}
	// Categories in the taxonomy's order, once each.
	if cats, err := db.SupplierCategories(ctx, u.SupplierID); err != nil || !slices.Equal(cats, []string{"revenues-benefits", "gis"}) {
		t.Errorf("categories %v, %v", cats, err)
	}

	// No signing in until the address is confirmed, and no single sign-on link.
	_, err = db.Authenticate(ctx, u.Email, registrationPassword)
	wantPublic(t, err, 403, "Confirm your email address first: we sent a link to asha@airevalley.example")
	_, err = db.Authenticate(ctx, u.Email, "the wrong password!")
	if !errors.Is(err, models.ErrBadCredentials) {
		t.Errorf("wrong password before confirming: %v", err)
	}
	_, err = db.SignInExternal(ctx, models.ExternalIdentity{Provider: "google", Subject: "g-1", Email: u.Email, EmailVerified: true})
	wantPublic(t, err, 403, "Confirm your email address first")
	if n := count(t, db, "identities"); n != 0 {
		t.Errorf("%d identities linked to an unconfirmed account", n)
	}

	_, err = db.VerifyEmail(ctx, "not-a-real-link")
	wantNotFound(t, err)
	clock.Advance(models.EmailVerificationTTL - time.Second)
	v, err := db.VerifyEmail(ctx, secret)
	if err != nil || v.ID != u.ID {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	if _, err := db.Authenticate(ctx, u.Email, registrationPassword); err != nil {
		t.Errorf("sign in after confirming: %v", err)
	}
	if _, err := db.VerifyEmail(ctx, secret); !errors.Is(err, models.ErrVerificationSpent) {
		t.Errorf("second use: %v, want ErrVerificationSpent", err)
	}
}

func TestVerificationLinkExpires(t *testing.T) {
	db, clock, ctx := seeded(t)
	u, secret := mustRegister(t, db, registration("late@airevalley.example"))
	clock.Advance(models.EmailVerificationTTL)
	if _, err := db.VerifyEmail(ctx, secret); !errors.Is(err, models.ErrVerificationSpent) {
		t.Fatalf("expired link: %v, want ErrVerificationSpent", err)
	}
	_, err := db.Authenticate(ctx, u.Email, registrationPassword)
	wantPublic(t, err, 403, "Confirm your email address first")

	// A password reset reaches the address too, so it confirms it.
	_, reset, err := db.StartPasswordReset(ctx, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CompletePasswordReset(ctx, reset, "another long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(ctx, u.Email, "another long password"); err != nil {
		t.Errorf("sign in after a reset: %v", err)
	}
}

func TestRegisterSupplierRefusals(t *testing.T) {
	db, _, ctx := seeded(t)
	tables := []string{"suppliers", "users", "supplier_categories", "email_verifications", "audit_events"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = count(t, db, tb)
	}
	tests := []struct {
		name  string
		edit  func(r *models.SupplierRegistration)
		field string
	}{
		{"short company number", func(r *models.SupplierRegistration) { r.CompanyNumber = "12345" }, "company_number"},
		{"letters in a number", func(r *models.SupplierRegistration) { r.CompanyNumber = "ABCDEFGH" }, "company_number"},
		{"no company number", func(r *models.SupplierRegistration) { r.CompanyNumber = "" }, "company_number"},
		{"not a company, with a number", func(r *models.SupplierRegistration) { r.NotACompany = true }, "company_number"},
		{"no company name", func(r *models.SupplierRegistration) { r.CompanyName = "  " }, "company_name"},
		{"no categories", func(r *models.SupplierRegistration) { r.Categories = nil }, "categories"},
		{"unknown category", func(r *models.SupplierRegistration) { r.Categories = []string{"gis", "time-travel"} }, "categories"},
		{"SME not answered", func(r *models.SupplierRegistration) { r.SME = nil }, "sme"},
		{"VCSE not answered", func(r *models.SupplierRegistration) { r.VCSE = nil }, "vcse"},
		{"no name", func(r *models.SupplierRegistration) { r.ContactName = "" }, "contact_name"},
		{"bad email", func(r *models.SupplierRegistration) { r.Email = "asha at airevalley" }, "email"},
		{"duplicate email", func(r *models.SupplierRegistration) { r.Email = " BIDS@penninedigital.example" }, "email"},
		{"bad phone", func(r *models.SupplierRegistration) { r.Phone = "call me" }, "phone"},
		{"short password", func(r *models.SupplierRegistration) { r.Password = "short" }, "password"},
		{"no password", func(r *models.SupplierRegistration) { r.Password = "" }, "password"},
	}
	for _, tt := range tests {
		r := registration("new@airevalley.example")
		tt.edit(&r)
		_, _, err := db.RegisterSupplier(ctx, r)
		if fields := validationFields(t, err); !slices.Equal(fields, []string{tt.field}) {
			t.Errorf("%s: fields %v, want [%s]", tt.name, fields, tt.field)
		}
	}
	// Every problem at once, in the form's order.
	_, _, err := db.RegisterSupplier(ctx, models.SupplierRegistration{Email: testutil.SupplierEmail})
	want := []string{"company_name", "company_number", "sme", "vcse", "categories", "contact_name", "email", "password"}
	if fields := validationFields(t, err); !slices.Equal(fields, want) {
		t.Errorf("empty registration: fields %v, want %v", fields, want)
	}
	for _, tb := range tables {
		if n := count(t, db, tb); n != before[tb] {
			t.Errorf("%s: %d rows → %d after refused registrations", tb, before[tb], n)
		}
	}

	// Not a registered company: no number, nothing claimed.
	r := registration("charity@airevalley.example")
	r.CompanyNumber, r.NotACompany, r.VCSE = "", true, ptr(true)
	u, _ := mustRegister(t, db, r)
	if p, err := db.SupplierProfile(ctx, u); err != nil || p.ClaimedCompanyNumber != "" || !*p.VCSE {
		t.Errorf("charity profile %+v, %v", p, err)
	}
}

func TestRegistrationRateLimit(t *testing.T) {
	db, clock, ctx := seeded(t)
	for i := range models.RegistrationsPerAddress {
		r := registration("")
		r.Email = "person" + string(rune('a'+i)) + "@example.com"
		mustRegister(t, db, r)
	}
	if ok, err := db.RegistrationAllowed(ctx, "192.0.2.1"); err != nil || ok {
		t.Errorf("after %d registrations: allowed %v, %v", models.RegistrationsPerAddress, ok, err)
	}
	if ok, err := db.RegistrationAllowed(ctx, "192.0.2.2"); err != nil || !ok {
		t.Errorf("another address: allowed %v, %v", ok, err)
	}
	clock.Advance(models.RegistrationWindow)
	if ok, err := db.RegistrationAllowed(ctx, "192.0.2.1"); err != nil || !ok {
		t.Errorf("an hour later: allowed %v, %v", ok, err)
	}
}

func TestUpdateSupplierProfile(t *testing.T) {
	db, _, ctx := seeded(t)
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	// A supplier the register already knew, never self-registered.
	p, err := db.SupplierProfile(ctx, supplier)
	if err != nil || p.Name != "Pennine Digital Ltd" || !p.InRegister || !p.RegisteredAt.IsZero() || p.SME != nil || len(p.Categories) != 0 {
		t.Fatalf("profile %+v, %v", p, err)
	}
	in := models.SupplierDetails{SME: ptr(false), VCSE: ptr(true), Categories: []string{"crm", "gis"},
		ContactName: "Tom Whitaker", ContactEmail: "Bids@PennineDigital.example", ContactPhone: "+44 113 496 0001"}
	if err := db.UpdateSupplierProfile(ctx, supplier, in); err != nil {
		t.Fatal(err)
	}
	p, err = db.SupplierProfile(ctx, supplier)
	if err != nil || *p.SME || !*p.VCSE || !slices.Equal(p.Categories, []string{"crm", "gis"}) ||
		p.ContactEmail != "bids@penninedigital.example" || p.ContactPhone != "+44 113 496 0001" {
		t.Errorf("after update %+v, %v", p, err)
	}
	bad := in
	bad.Categories, bad.SME, bad.ContactEmail = nil, nil, "nope"
	err = db.UpdateSupplierProfile(ctx, supplier, bad)
	if fields := validationFields(t, err); !slices.Equal(fields, []string{"sme", "categories", "contact_email"}) {
		t.Errorf("bad update: fields %v", fields)
	}
	if cats, _ := db.SupplierCategories(ctx, supplier.SupplierID); !slices.Equal(cats, []string{"crm", "gis"}) {
		t.Errorf("categories after a refused update: %v", cats)
	}
	officer := mustUserByEmail(t, db, testutil.OfficerEmail)
	if err := db.UpdateSupplierProfile(ctx, officer, in); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("officer updating a profile: %v", err)
	}
	if _, err := db.SupplierProfile(ctx, officer); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("officer reading a profile: %v", err)
	}
}

func TestLinkSupplier(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	db := w.db
	u, secret := mustRegister(t, db, registration("asha@airevalley.example"))
	if _, err := db.VerifyEmail(ctx, secret); err != nil {
		t.Fatal(err)
	}
	u, _ = db.UserByID(ctx, u.ID)
	registered := u.SupplierID

	// The registration answers an opportunity before it is linked.
	bid := w.publishedBid(t)
	b, _ := db.BidByID(ctx, w.leeds, bid)
	if _, _, err := db.SaveResponse(ctx, u, bid, models.ResponseInput{Answers: answersFor(t, b, "Draft")}); err != nil {
		t.Fatal(err)
	}

	pending, err := db.PendingRegistrations(ctx)
	if err != nil || len(pending) != 1 || pending[0].SupplierID != registered || pending[0].Users != 1 || !pending[0].Confirmed ||
		pending[0].ClaimedCompanyNumber != "SC123456" || pending[0].MatchID != 0 {
		t.Fatalf("pending %+v, %v", pending, err)
	}
	// The register's supplier, known by name only.
	keep, err := db.EnsureSupplier(ctx, "AIRE VALLEY SOFTWARE LIMITED", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.EnsureSupplier(ctx, "Aire Valley Other Ltd", "SC654321")
	if err != nil {
		t.Fatal(err)
	}

	if err := db.LinkSupplier(ctx, w.leeds, registered, keep); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("officer linking: %v", err)
	}
	wantValidation(t, db.LinkSupplier(ctx, w.admin, registered, other), "register_supplier_id") // different numbers
	wantValidation(t, db.LinkSupplier(ctx, w.admin, registered, registered), "register_supplier_id")
	wantValidation(t, db.LinkSupplier(ctx, w.admin, registered, 999999), "register_supplier_id")
	wantNotFound(t, db.LinkSupplier(ctx, w.admin, keep, registered)) // not a registration

	if err := db.LinkSupplier(ctx, w.admin, registered, keep); err != nil {
		t.Fatal(err)
	}
	u, err = db.UserByID(ctx, u.ID)
	if err != nil || u.SupplierID != keep || u.SupplierName != "AIRE VALLEY SOFTWARE LIMITED" {
		t.Fatalf("user after link %+v, %v", u, err)
	}
	s, err := db.SupplierByID(ctx, keep)
	if err != nil || s.CompaniesHouseNumber != "SC123456" {
		t.Errorf("register supplier after link %+v, %v", s, err)
	}
	p, err := db.SupplierProfile(ctx, u)
	if err != nil || !p.InRegister || p.ClaimedCompanyNumber != "SC123456" || p.SME == nil || !*p.SME || p.ContactName != "Asha Patel" ||
		!slices.Equal(p.Categories, []string{"revenues-benefits", "gis"}) || p.RegisteredAt.IsZero() {
		t.Errorf("profile after link %+v, %v", p, err)
	}
	if _, err := db.SupplierByID(ctx, registered); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the registration's supplier remains: %v", err)
	}
	// Its response is the register supplier's now.
	if r, _, err := db.MyResponse(ctx, u, bid); err != nil || r.SupplierID != keep {
		t.Errorf("response after link: %+v, %v", r, err)
	}
	if pending, _ := db.PendingRegistrations(ctx); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
	if trail, err := db.AuditTrail(ctx, "supplier", fmt.Sprint(keep), 5); err != nil || len(trail) == 0 || trail[0].Action != "supplier.link" {
		t.Errorf("audit trail %+v, %v", trail, err)
	}
}

func TestLinkSupplierByNumber(t *testing.T) {
	db, _, ctx := seeded(t)
	admin := mustUserByEmail(t, db, testutil.AdminEmail)
	keep, err := db.EnsureSupplier(ctx, "Aire Valley Software", "SC123456")
	if err != nil {
		t.Fatal(err)
	}
	u, secret := mustRegister(t, db, registration("asha@airevalley.example"))
	if _, err := db.VerifyEmail(ctx, secret); err != nil {
		t.Fatal(err)
	}
	// A company claiming a number some other register supplier holds is pointed to it.
	plain, err := db.EnsureSupplier(ctx, "Aire Valley", "")
	if err != nil {
		t.Fatal(err)
	}
	pending, _ := db.PendingRegistrations(ctx)
	if len(pending) != 1 || pending[0].MatchID != keep {
		t.Fatalf("pending %+v, want a match with %d", pending, keep)
	}
	wantValidation(t, db.LinkSupplier(ctx, admin, u.SupplierID, plain), "register_supplier_id")
	if err := db.LinkSupplier(ctx, admin, u.SupplierID, keep); err != nil {
		t.Fatal(err)
	}
	// A colleague invited afterwards joins the same company.
	u, _ = db.UserByID(ctx, u.ID)
	_, secret, err = db.CreateInvitation(ctx, u, models.Invitation{Email: "ben@airevalley.example", Name: "Ben", Role: models.RoleSupplier, SupplierID: u.SupplierID})
	if err != nil {
		t.Fatal(err)
	}
	ben, err := db.AcceptInvitation(ctx, secret, "Ben Ng", registrationPassword)
	if err != nil || ben.SupplierID != keep {
		t.Fatalf("colleague %+v, %v", ben, err)
	}
	if _, err := db.Authenticate(ctx, ben.Email, registrationPassword); err != nil {
		t.Errorf("invited colleague cannot sign in: %v", err)
	}
}
