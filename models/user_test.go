package models_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

func TestValidEmail(t *testing.T) {
	tests := map[string]bool{
		"cio@leeds.gov.uk":              true,
		"first.last@example.co.uk":      true,
		"a+tag@example.com":             true,
		"Upper@Example.COM":             true,
		"":                              false,
		"no-at-sign.example.com":        false,
		"nodot@localhost":               false,
		"two@@example.com":              false,
		"Sam Okafor <sam@leeds.gov.uk>": false,
		" sam@leeds.gov.uk":             false,
		"sam@leeds.gov.uk ":             false,
		"sam @leeds.gov.uk":             false,
		"sam@leeds..gov.uk":             false,
		"sam@.gov.uk":                   false,
		"@leeds.gov.uk":                 false,
		"sam@":                          false,
	}
	for in, want := range tests {
		if got := models.ValidEmail(in); got != want {
			t.Errorf("ValidEmail(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestCreateUserValidation(t *testing.T) {
	db, _, ctx := seeded(t)
	if _, err := db.W.Exec(`UPDATE councils SET active = 0 WHERE gss_code = 'E08000036'`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		in    models.NewUser
		field string
	}{
		{"missing email", models.NewUser{Name: "A", Role: models.RoleAdmin}, "email"},
		{"bad email", models.NewUser{Email: "not-an-email", Name: "A", Role: models.RoleAdmin}, "email"},
		{"email with a display name", models.NewUser{Email: "A <a@example.com>", Name: "A", Role: models.RoleAdmin}, "email"},
		{"missing name", models.NewUser{Email: "a@example.com", Name: "  ", Role: models.RoleAdmin}, "name"},
		{"name too long", models.NewUser{Email: "a@example.com", Name: strings.Repeat("a", 201), Role: models.RoleAdmin}, "name"},
		{"no role", models.NewUser{Email: "a@example.com", Name: "A"}, "role"},
		{"unknown role", models.NewUser{Email: "a@example.com", Name: "A", Role: "superuser"}, "role"},
		{"officer without council", models.NewUser{Email: "a@leeds.gov.uk", Name: "A", Role: models.RoleOfficer}, "council"},
		{"councillor without council", models.NewUser{Email: "a@leeds.gov.uk", Name: "A", Role: models.RoleCouncillor}, "council"},
		{"councillor of an unknown council", models.NewUser{Email: "a@leeds.gov.uk", Name: "A", Role: models.RoleCouncillor, CouncilGSS: "E99999999"}, "council"},
		{"councillor of an inactive council", models.NewUser{Email: "a@wakefield.gov.uk", Name: "A", Role: models.RoleCouncillor, CouncilGSS: "E08000036"}, "council"},
		{"officer of an inactive council", models.NewUser{Email: "a@wakefield.gov.uk", Name: "A", Role: models.RoleOfficer, CouncilGSS: "E08000036"}, "council"},
		{"supplier without company", models.NewUser{Email: "a@acme.example", Name: "A", Role: models.RoleSupplier}, "supplier"},
		{"supplier with blank company", models.NewUser{Email: "a@acme.example", Name: "A", Role: models.RoleSupplier, SupplierName: "   "}, "supplier"},
		{"admin with a council", models.NewUser{Email: "a@example.com", Name: "A", Role: models.RoleAdmin, CouncilGSS: leedsGSS}, "council"},
		{"supplier with a council", models.NewUser{Email: "a@acme.example", Name: "A", Role: models.RoleSupplier, SupplierName: "Acme", CouncilGSS: leedsGSS}, "council"},
		{"officer with a supplier", models.NewUser{Email: "a@leeds.gov.uk", Name: "A", Role: models.RoleOfficer, CouncilGSS: leedsGSS, SupplierName: "Acme"}, "supplier"},
		{"short password", models.NewUser{Email: "a@example.com", Name: "A", Role: models.RoleAdmin, Password: "short"}, "password"},
	}
	users := count(t, db, "users")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.CreateUser(ctx, 0, tt.in)
			wantValidation(t, err, tt.field)
		})
	}
	if n := count(t, db, "users"); n != users {
		t.Errorf("users %d → %d after refused creations", users, n)
	}
}

func TestCreateUserReportsEveryProblem(t *testing.T) {
	db, _ := testutil.NewDB(t)
	_, err := db.CreateUser(context.Background(), 0, models.NewUser{Email: "bad", Role: models.RoleOfficer, Password: "x"})
	got := validationFields(t, err)
	if want := []string{"email", "name", "council", "password"}; !reflect.DeepEqual(got, want) {
		t.Errorf("fields %v, want %v in form order", got, want)
	}
}

func TestCreateUserEveryRole(t *testing.T) {
	db, _, ctx := seeded(t)
	admin := mustCreateUser(t, db, models.NewUser{Email: "  New.Admin@Example.COM ", Name: " Ada Admin ", Role: models.RoleAdmin})
	if admin.Email != "new.admin@example.com" || admin.Name != "Ada Admin" || admin.Role != models.RoleAdmin || admin.CouncilGSS != "" || admin.HasPassword {
		t.Errorf("admin created as %+v", admin)
	}
	if !admin.CreatedAt.Equal(testutil.Now) {
		t.Errorf("created at %v, want the clock's %v", admin.CreatedAt, testutil.Now)
	}
	officer := mustCreateUser(t, db, models.NewUser{Email: "o@leeds.gov.uk", Name: "O", Role: models.RoleOfficer, CouncilGSS: leedsGSS, Password: "a-long-enough-password"})
	if officer.CouncilGSS != leedsGSS || officer.CouncilName != "Leeds" || !officer.HasPassword {
		t.Errorf("officer created as %+v", officer)
	}
	cllr := mustCreateUser(t, db, models.NewUser{Email: "c@bradford.gov.uk", Name: "C", Role: models.RoleCouncillor, CouncilGSS: bradfordGSS})
	if cllr.CouncilName != "Bradford" || cllr.SupplierID != 0 {
		t.Errorf("councillor created as %+v", cllr)
	}
	got, err := db.UserByID(ctx, officer.ID)
	if err != nil || got != officer {
		t.Errorf("UserByID = %+v, %v; want %+v", got, err, officer)
	}
	if _, err := db.UserByID(ctx, 99999); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("UserByID(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := db.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("UserByEmail(unknown) = %v, want ErrNotFound", err)
	}
	if u, err := db.UserByEmail(ctx, " O@LEEDS.gov.uk"); err != nil || u.ID != officer.ID {
		t.Errorf("UserByEmail in another case = %+v, %v", u, err)
	}
}

func TestCreateUserDuplicateEmail(t *testing.T) {
	db, _, ctx := seeded(t)
	for _, email := range []string{testutil.OfficerEmail, strings.ToUpper(testutil.OfficerEmail), " Cio@Leeds.Gov.UK "} {
		_, err := db.CreateUser(ctx, 0, models.NewUser{Email: email, Name: "Again", Role: models.RoleAdmin})
		wantValidation(t, err, "email")
	}
}

func TestCreateUserSupplierIsCreatedThenReused(t *testing.T) {
	db, _, ctx := seeded(t)
	suppliers := count(t, db, "suppliers")
	a := mustCreateUser(t, db, models.NewUser{Email: "a@acme.example", Name: "A", Role: models.RoleSupplier, SupplierName: "Acme Widgets Ltd"})
	if a.SupplierID == 0 || a.SupplierName != "Acme Widgets Ltd" {
		t.Fatalf("supplier user created as %+v", a)
	}
	if n := count(t, db, "suppliers"); n != suppliers+1 {
		t.Fatalf("suppliers %d → %d, want one new", suppliers, n)
	}
	b := mustCreateUser(t, db, models.NewUser{Email: "b@acme.example", Name: "B", Role: models.RoleSupplier, SupplierName: "ACME WIDGETS LIMITED"})
	if b.SupplierID != a.SupplierID {
		t.Errorf("differently spelled name made supplier %d, want %d", b.SupplierID, a.SupplierID)
	}
	c := mustCreateUser(t, db, models.NewUser{Email: "c@acme.example", Name: "C", Role: models.RoleSupplier, SupplierID: a.SupplierID})
	if c.SupplierID != a.SupplierID || c.SupplierName != "Acme Widgets Ltd" {
		t.Errorf("supplier by id: %+v", c)
	}
	// The demo seed's supplier, spelled differently.
	pennine := mustUserByEmail(t, db, testutil.SupplierEmail)
	d := mustCreateUser(t, db, models.NewUser{Email: "d@pennine.example", Name: "D", Role: models.RoleSupplier, SupplierName: "The Pennine Digital Limited"})
	if d.SupplierID != pennine.SupplierID {
		t.Errorf("Pennine Digital spelled differently made supplier %d, want %d", d.SupplierID, pennine.SupplierID)
	}
	if n := count(t, db, "suppliers"); n != suppliers+1 {
		t.Errorf("suppliers %d → %d, want exactly one new", suppliers, n)
	}
	users, err := db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 9 {
		t.Errorf("%d users, want 9", len(users))
	}
}

func TestRoles(t *testing.T) {
	for _, r := range models.Roles {
		got, ok := models.ParseRole(string(r))
		if !ok || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, ok)
		}
		if r.Label() == "Visitor" {
			t.Errorf("%q has no label", r)
		}
	}
	if _, ok := models.ParseRole("Admin"); ok {
		t.Error("ParseRole accepts a capitalised role")
	}
	if _, ok := models.ParseRole(""); ok {
		t.Error("ParseRole accepts the anonymous role")
	}
	if models.RoleAnonymous.Label() != "Visitor" {
		t.Error("anonymous is not a visitor")
	}
	for r, want := range map[models.Role]bool{models.RoleOfficer: true, models.RoleCouncillor: true, models.RoleAdmin: false, models.RoleSupplier: false, models.RoleAnonymous: false} {
		if r.BelongsToCouncil() != want {
			t.Errorf("%q.BelongsToCouncil() = %v", r, !want)
		}
	}
}
