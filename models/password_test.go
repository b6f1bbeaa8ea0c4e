package models_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

func TestPasswordProblem(t *testing.T) {
	tests := []struct {
		name     string
		password string
		ok       bool
	}{
		{"empty", "", false},
		{"11 characters", strings.Repeat("a", 11), false},
		{"12 characters", strings.Repeat("a", 12), true},
		{"12 characters with spaces", "correct horse", true},
		{"72 bytes", strings.Repeat("a", 72), true},
		{"73 bytes", strings.Repeat("a", 73), false},
		{"11 two-byte characters", strings.Repeat("é", 11), false},
		{"12 two-byte characters", strings.Repeat("é", 12), true},
		{"18 four-byte characters (72 bytes)", strings.Repeat("😀", 18), true},
		{"19 four-byte characters (76 bytes)", strings.Repeat("😀", 19), false},
	}
	for _, tt := range tests {
		msg := models.PasswordProblem(tt.password)
		if (msg == "") != tt.ok {
			t.Errorf("%s: PasswordProblem = %q, want ok=%v", tt.name, msg, tt.ok)
		}
	}
	if msg := models.PasswordProblem("short"); !strings.Contains(msg, "12") {
		t.Errorf("message %q does not give the minimum", msg)
	}
	if msg := models.PasswordProblem(strings.Repeat("a", 73)); !strings.Contains(msg, "72") {
		t.Errorf("message %q does not give the maximum", msg)
	}
}

func TestAuthenticate(t *testing.T) {
	db, _, ctx := seeded(t)
	u, err := db.Authenticate(ctx, testutil.OfficerEmail, testutil.Password)
	if err != nil {
		t.Fatalf("right password: %v", err)
	}
	if u.Email != testutil.OfficerEmail || u.CouncilGSS != leedsGSS {
		t.Errorf("authenticated as %+v", u)
	}
	if _, err := db.Authenticate(ctx, "  CIO@Leeds.gov.uk ", testutil.Password); err != nil {
		t.Errorf("email in another case: %v", err)
	}

	nopass := mustCreateUser(t, db, models.NewUser{Email: "sso-only@leeds.gov.uk", Name: "S", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	if nopass.HasPassword {
		t.Fatal("user created without a password has one")
	}
	disabled := mustCreateUser(t, db, models.NewUser{Email: "gone@leeds.gov.uk", Name: "G", Role: models.RoleOfficer, CouncilGSS: leedsGSS, Password: testutil.Password})
	if _, err := db.W.Exec(`UPDATE users SET disabled_at = '2026-11-01T00:00:00.000000Z' WHERE id = ?`, disabled.ID); err != nil {
		t.Fatal(err)
	}
	bad := []struct{ name, email, password string }{
		{"wrong password", testutil.OfficerEmail, "not-the-password"},
		{"empty password", testutil.OfficerEmail, ""},
		{"password in another case", testutil.OfficerEmail, strings.ToUpper(testutil.Password)},
		{"unknown email", "nobody@leeds.gov.uk", testutil.Password},
		{"user without password", nopass.Email, ""},
		{"user without password, any password", nopass.Email, testutil.Password},
		{"disabled user", disabled.Email, testutil.Password},
	}
	for _, b := range bad {
		if _, err := db.Authenticate(ctx, b.email, b.password); !errors.Is(err, models.ErrBadCredentials) {
			t.Errorf("%s: %v, want ErrBadCredentials", b.name, err)
		}
	}
}

func TestSetPassword(t *testing.T) {
	db, _, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.AdminEmail)
	wantValidation(t, db.SetPassword(ctx, u.ID, u.ID, "too-short"), "password")
	if err := db.SetPassword(ctx, u.ID, u.ID, "a-brand-new-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(ctx, u.Email, "a-brand-new-password"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := db.Authenticate(ctx, u.Email, testutil.Password); !errors.Is(err, models.ErrBadCredentials) {
		t.Errorf("old password still works: %v", err)
	}
	wantNotFound(t, db.SetPassword(ctx, u.ID, 99999, "a-brand-new-password"))
}

func TestPasswordReset(t *testing.T) {
	db, clock, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.OfficerEmail)
	session, err := db.CreateSession(ctx, u.ID, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	got, secret, err := db.StartPasswordReset(ctx, "CIO@leeds.gov.uk")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID || len(secret) < 40 {
		t.Fatalf("reset for %+v with secret %q", got, secret)
	}
	var stored int
	if err := db.W.QueryRow(`SELECT count(*) FROM password_resets WHERE instr(token_hash, ?) > 0`, secret).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 0 {
		t.Error("the reset secret is stored in clear")
	}
	if ru, err := db.PasswordResetUser(ctx, secret); err != nil || ru.ID != u.ID {
		t.Fatalf("PasswordResetUser = %+v, %v", ru, err)
	}

	// A short password is refused and the link still works.
	_, err = db.CompletePasswordReset(ctx, secret, "short")
	wantValidation(t, err, "password")
	if _, err := db.PasswordResetUser(ctx, secret); err != nil {
		t.Fatalf("link unusable after a refused password: %v", err)
	}
	if _, _, err := db.SessionUser(ctx, session); err != nil {
		t.Fatalf("session ended by a refused password: %v", err)
	}

	clock.Advance(59 * time.Minute)
	done, err := db.CompletePasswordReset(ctx, secret, "my-new-long-password")
	if err != nil {
		t.Fatal(err)
	}
	if done.ID != u.ID {
		t.Errorf("reset user %d, want %d", done.ID, u.ID)
	}
	if _, err := db.Authenticate(ctx, u.Email, "my-new-long-password"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if _, err := db.Authenticate(ctx, u.Email, testutil.Password); !errors.Is(err, models.ErrBadCredentials) {
		t.Errorf("old password: %v", err)
	}
	_, _, err = db.SessionUser(ctx, session)
	wantNotFound(t, err)

	// Single use.
	_, err = db.PasswordResetUser(ctx, secret)
	wantNotFound(t, err)
	_, err = db.CompletePasswordReset(ctx, secret, "another-long-password")
	wantNotFound(t, err)
	if _, err := db.Authenticate(ctx, u.Email, "my-new-long-password"); err != nil {
		t.Errorf("a used link changed the password again: %v", err)
	}
}

func TestPasswordResetUsesUpOtherLinks(t *testing.T) {
	db, _, ctx := seeded(t)
	_, first, err := db.StartPasswordReset(ctx, testutil.OfficerEmail)
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := db.StartPasswordReset(ctx, testutil.OfficerEmail)
	if err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Fatal("two resets share a secret")
	}
	if _, err := db.CompletePasswordReset(ctx, second, "my-new-long-password"); err != nil {
		t.Fatal(err)
	}
	_, err = db.CompletePasswordReset(ctx, first, "an-attackers-password")
	wantNotFound(t, err)
}

func TestPasswordResetExpires(t *testing.T) {
	db, clock, ctx := seeded(t)
	_, secret, err := db.StartPasswordReset(ctx, testutil.OfficerEmail)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(models.PasswordResetTTL)
	_, err = db.PasswordResetUser(ctx, secret)
	wantNotFound(t, err)
	_, err = db.CompletePasswordReset(ctx, secret, "my-new-long-password")
	wantNotFound(t, err)
	if _, err := db.Authenticate(ctx, testutil.OfficerEmail, testutil.Password); err != nil {
		t.Errorf("expired link changed the password: %v", err)
	}
}

func TestPasswordResetUnknownOrDisabled(t *testing.T) {
	db, _, ctx := seeded(t)
	_, _, err := db.StartPasswordReset(ctx, "nobody@leeds.gov.uk")
	wantNotFound(t, err)
	if _, err := db.W.Exec(`UPDATE users SET disabled_at = '2026-11-01T00:00:00.000000Z' WHERE email = ?`, testutil.OfficerEmail); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.StartPasswordReset(ctx, testutil.OfficerEmail)
	wantNotFound(t, err)
	_, err = db.PasswordResetUser(ctx, "made-up-secret")
	wantNotFound(t, err)
}
