package models_test

import (
	"errors"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

func TestCanInvite(t *testing.T) {
	admin := models.User{ID: 1, Role: models.RoleAdmin}
	officer := models.User{ID: 2, Role: models.RoleOfficer, CouncilGSS: leedsGSS}
	cllr := models.User{ID: 3, Role: models.RoleCouncillor, CouncilGSS: leedsGSS}
	supplier := models.User{ID: 4, Role: models.RoleSupplier, SupplierID: 7}
	anonymous := models.User{}

	asAdmin := models.Invitation{Role: models.RoleAdmin}
	leedsOfficer := models.Invitation{Role: models.RoleOfficer, CouncilGSS: leedsGSS}
	leedsCllr := models.Invitation{Role: models.RoleCouncillor, CouncilGSS: leedsGSS}
	bradfordOfficer := models.Invitation{Role: models.RoleOfficer, CouncilGSS: bradfordGSS}
	bradfordCllr := models.Invitation{Role: models.RoleCouncillor, CouncilGSS: bradfordGSS}
	ownSupplier := models.Invitation{Role: models.RoleSupplier, SupplierID: 7}
	otherSupplier := models.Invitation{Role: models.RoleSupplier, SupplierID: 8}
	newSupplier := models.Invitation{Role: models.RoleSupplier, SupplierName: "New Co"}

	tests := []struct {
		name    string
		inviter models.User
		inv     models.Invitation
		want    bool
	}{
		{"admin invites admin", admin, asAdmin, true},
		{"admin invites any officer", admin, bradfordOfficer, true},
		{"admin invites any councillor", admin, bradfordCllr, true},
		{"admin invites any supplier", admin, otherSupplier, true},
		{"admin invites a new supplier", admin, newSupplier, true},

		{"officer invites own council's officer", officer, leedsOfficer, true},
		{"officer invites own council's councillor", officer, leedsCllr, true},
		{"officer invites another council's officer", officer, bradfordOfficer, false},
		{"officer invites another council's councillor", officer, bradfordCllr, false},
		{"officer invites admin", officer, asAdmin, false},
		{"officer invites supplier", officer, ownSupplier, false},

		{"supplier invites own colleague", supplier, ownSupplier, true},
		{"supplier invites another company", supplier, otherSupplier, false},
		{"supplier invites a new company", supplier, newSupplier, false},
		{"supplier invites officer", supplier, leedsOfficer, false},
		{"supplier invites admin", supplier, asAdmin, false},

		{"councillor invites councillor", cllr, leedsCllr, false},
		{"councillor invites officer", cllr, leedsOfficer, false},
		{"councillor invites admin", cllr, asAdmin, false},
		{"councillor invites supplier", cllr, ownSupplier, false},

		{"visitor invites anyone", anonymous, leedsOfficer, false},
		{"visitor invites admin", anonymous, asAdmin, false},
	}
	for _, tt := range tests {
		if got := models.CanInvite(tt.inviter, tt.inv); got != tt.want {
			t.Errorf("%s: CanInvite = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestInvitationAccepted(t *testing.T) {
	db, clock, ctx := seeded(t)
	officer := mustUserByEmail(t, db, testutil.OfficerEmail)
	inv, secret, err := db.CreateInvitation(ctx, officer, models.Invitation{
		Email: " New.Colleague@Leeds.gov.uk ", Name: " New Colleague ", Role: models.RoleCouncillor, CouncilGSS: leedsGSS,
	})
	if err != nil {
		t.Fatal(err)
	}
	if inv.ID == 0 || inv.Email != "new.colleague@leeds.gov.uk" || inv.Name != "New Colleague" || inv.CouncilName != "Leeds" ||
		inv.InvitedBy != officer.ID || !inv.ExpiresAt.Equal(testutil.Now.Add(models.InvitationTTL)) || secret == "" {
		t.Fatalf("invitation %+v, secret %q", inv, secret)
	}
	open, err := db.InvitationBySecret(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if open.ID != inv.ID || open.Email != inv.Email || open.Role != models.RoleCouncillor || open.CouncilGSS != leedsGSS || open.CouncilName != "Leeds" {
		t.Errorf("InvitationBySecret = %+v", open)
	}

	clock.Advance(models.InvitationTTL - time.Minute)
	// A short password is refused and the invitation stays open.
	_, err = db.AcceptInvitation(ctx, secret, "Cllr New", "short")
	wantValidation(t, err, "password")
	_, err = db.AcceptInvitation(ctx, secret, "Cllr New", "")
	wantValidation(t, err, "password")
	_, err = db.AcceptInvitation(ctx, secret, "", "a-good-long-password")
	wantValidation(t, err, "name")

	u, err := db.AcceptInvitation(ctx, secret, " Cllr New ", "a-good-long-password")
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "new.colleague@leeds.gov.uk" || u.Name != "Cllr New" || u.Role != models.RoleCouncillor || u.CouncilGSS != leedsGSS || !u.HasPassword {
		t.Errorf("accepted as %+v", u)
	}
	if _, err := db.Authenticate(ctx, u.Email, "a-good-long-password"); err != nil {
		t.Errorf("new user cannot sign in: %v", err)
	}
	users := count(t, db, "users")
	_, err = db.AcceptInvitation(ctx, secret, "Someone Else", "another-long-password")
	wantNotFound(t, err)
	_, err = db.InvitationBySecret(ctx, secret)
	wantNotFound(t, err)
	if n := count(t, db, "users"); n != users {
		t.Errorf("users %d → %d after accepting twice", users, n)
	}
}

func TestSupplierInvitation(t *testing.T) {
	db, _, ctx := seeded(t)
	supplier := mustUserByEmail(t, db, testutil.SupplierEmail)
	inv, secret, err := db.CreateInvitation(ctx, supplier, models.Invitation{
		Email: "colleague@penninedigital.example", Name: "Colleague", Role: models.RoleSupplier, SupplierID: supplier.SupplierID,
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.AcceptInvitation(ctx, secret, "Colleague", "a-good-long-password")
	if err != nil {
		t.Fatal(err)
	}
	if u.SupplierID != supplier.SupplierID || u.SupplierName != "Pennine Digital Ltd" || inv.SupplierID != supplier.SupplierID {
		t.Errorf("accepted as %+v", u)
	}
	_, _, err = db.CreateInvitation(ctx, supplier, models.Invitation{Email: "x@other.example", Name: "X", Role: models.RoleSupplier, SupplierName: "Other Ltd"})
	if !errors.Is(err, models.ErrForbidden) {
		t.Errorf("supplier inviting to another company: %v, want ErrForbidden", err)
	}

	// An admin inviting a new company creates it once.
	admin := mustUserByEmail(t, db, testutil.AdminEmail)
	suppliers := count(t, db, "suppliers")
	inv, _, err = db.CreateInvitation(ctx, admin, models.Invitation{Email: "x@brandnew.example", Name: "X", Role: models.RoleSupplier, SupplierName: "Brand New Ltd"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.SupplierID == 0 || count(t, db, "suppliers") != suppliers+1 {
		t.Errorf("invitation %+v: want a new supplier", inv)
	}
}

func TestCreateInvitationRefusals(t *testing.T) {
	db, _, ctx := seeded(t)
	officer := mustUserByEmail(t, db, testutil.OfficerEmail)
	cllr := mustUserByEmail(t, db, testutil.CouncillorEmail)
	admin := mustUserByEmail(t, db, testutil.AdminEmail)

	_, _, err := db.CreateInvitation(ctx, officer, models.Invitation{Email: "DIGITAL@bradford.gov.uk", Name: "X", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	wantValidation(t, err, "email")

	_, _, err = db.CreateInvitation(ctx, officer, models.Invitation{Email: "x@bradford.gov.uk", Name: "X", Role: models.RoleOfficer, CouncilGSS: bradfordGSS})
	if !errors.Is(err, models.ErrForbidden) {
		t.Errorf("officer inviting to another council: %v, want ErrForbidden", err)
	}
	_, _, err = db.CreateInvitation(ctx, cllr, models.Invitation{Email: "x@leeds.gov.uk", Name: "X", Role: models.RoleCouncillor, CouncilGSS: leedsGSS})
	if !errors.Is(err, models.ErrForbidden) {
		t.Errorf("councillor inviting: %v, want ErrForbidden", err)
	}
	_, _, err = db.CreateInvitation(ctx, admin, models.Invitation{Email: "bad", Name: "", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	wantValidation(t, err, "email")
	wantValidation(t, err, "name")
	_, _, err = db.CreateInvitation(ctx, admin, models.Invitation{Email: "x@nowhere.gov.uk", Name: "X", Role: models.RoleOfficer, CouncilGSS: "E99999999"})
	wantValidation(t, err, "council")
	if n := count(t, db, "invitations"); n != 0 {
		t.Errorf("%d invitations recorded by refused requests", n)
	}
}

func TestInvitationExpires(t *testing.T) {
	db, clock, ctx := seeded(t)
	admin := mustUserByEmail(t, db, testutil.AdminEmail)
	_, secret, err := db.CreateInvitation(ctx, admin, models.Invitation{Email: "late@leeds.gov.uk", Name: "Late", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(14 * 24 * time.Hour)
	_, err = db.InvitationBySecret(ctx, secret)
	wantNotFound(t, err)
	_, err = db.AcceptInvitation(ctx, secret, "Late", "a-good-long-password")
	wantNotFound(t, err)
	if _, err := db.UserByEmail(ctx, "late@leeds.gov.uk"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("expired invitation created a user: %v", err)
	}
}

func TestInvitationForEmailRegisteredMeanwhile(t *testing.T) {
	db, _, ctx := seeded(t)
	admin := mustUserByEmail(t, db, testutil.AdminEmail)
	_, secret, err := db.CreateInvitation(ctx, admin, models.Invitation{Email: "twice@leeds.gov.uk", Name: "Twice", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	if err != nil {
		t.Fatal(err)
	}
	mustCreateUser(t, db, models.NewUser{Email: "TWICE@leeds.gov.uk", Name: "Twice", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	_, err = db.AcceptInvitation(ctx, secret, "Twice", "a-good-long-password")
	if _, ok := errors.AsType[*models.ValidationError](err); !ok {
		t.Errorf("accepting for an address registered meanwhile: %v, want a validation error", err)
	}
	if _, err := db.InvitationBySecret(ctx, secret); err != nil {
		t.Errorf("refused acceptance used up the invitation: %v", err)
	}
}
