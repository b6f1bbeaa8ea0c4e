package models_test

import (
	"errors"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

func identities(t *testing.T, db *models.DB, userID int64) int {
	t.Helper()
	var n int
	if err := db.W.QueryRow(`SELECT count(*) FROM identities WHERE user_id = ?`, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSignInExternalLinksVerifiedEmailOfExistingUser(t *testing.T) {
	db, _, ctx := seeded(t)
	officer := mustUserByEmail(t, db, testutil.OfficerEmail)
	users := count(t, db, "users")
	u, err := db.SignInExternal(ctx, models.ExternalIdentity{Provider: "entra", Subject: "sub-1", Email: "CIO@Leeds.gov.uk", EmailVerified: true, Name: "Sam"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != officer.ID {
		t.Errorf("signed in as %d, want the existing user %d", u.ID, officer.ID)
	}
	if identities(t, db, officer.ID) != 1 || count(t, db, "users") != users {
		t.Error("want one identity linked and no new user")
	}

	// Rule 1: the known identity is the user, whatever email it now gives.
	u, err = db.SignInExternal(ctx, models.ExternalIdentity{Provider: "entra", Subject: "sub-1", Email: "renamed@elsewhere.example"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != officer.ID {
		t.Errorf("known identity signed in as %d, want %d", u.ID, officer.ID)
	}
	// The same subject at another provider is another identity.
	_, err = db.SignInExternal(ctx, models.ExternalIdentity{Provider: "google", Subject: "sub-1", Email: "renamed@elsewhere.example", EmailVerified: true})
	if !errors.Is(err, models.ErrUnknownDomain) {
		t.Errorf("same subject, other provider: %v, want ErrUnknownDomain", err)
	}

	// A disabled user's identity no longer signs in.
	if _, err := db.W.Exec(`UPDATE users SET disabled_at = '2026-11-21T10:00:00.000000Z' WHERE id = ?`, officer.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignInExternal(ctx, models.ExternalIdentity{Provider: "entra", Subject: "sub-1"}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("disabled user's identity: %v, want ErrForbidden", err)
	}
}

func TestSignInExternalCreatesOfficerForCouncilDomain(t *testing.T) {
	db, _, ctx := seeded(t)
	id := models.ExternalIdentity{Provider: "entra", Subject: "new-1", Email: "New.Person@BRADFORD.gov.uk", EmailVerified: true, Name: " New Person "}
	u, err := db.SignInExternal(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "new.person@bradford.gov.uk" || u.Name != "New Person" || u.Role != models.RoleOfficer || u.CouncilGSS != bradfordGSS || u.HasPassword {
		t.Errorf("created %+v", u)
	}
	again, err := db.SignInExternal(ctx, id)
	if err != nil || again.ID != u.ID {
		t.Errorf("second sign-in: %+v, %v", again, err)
	}
	if identities(t, db, u.ID) != 1 {
		t.Error("want exactly one identity")
	}
	// Without a name, the email's local part serves.
	u2, err := db.SignInExternal(ctx, models.ExternalIdentity{Provider: "google", Subject: "new-2", Email: "jo@york.gov.uk", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	if u2.Name != "jo" || u2.CouncilGSS != "E06000014" {
		t.Errorf("created %+v", u2)
	}
}

func TestSignInExternalRefusesUnknownOrUnverified(t *testing.T) {
	db, _, ctx := seeded(t)
	users := count(t, db, "users")
	tests := []struct {
		name string
		id   models.ExternalIdentity
	}{
		{"unknown domain", models.ExternalIdentity{Provider: "google", Subject: "a", Email: "someone@gmail.com", EmailVerified: true}},
		{"council domain, unverified", models.ExternalIdentity{Provider: "google", Subject: "b", Email: "someone@leeds.gov.uk"}},
		{"existing user's email, unverified", models.ExternalIdentity{Provider: "google", Subject: "c", Email: testutil.AdminEmail}},
		{"no email", models.ExternalIdentity{Provider: "google", Subject: "d", EmailVerified: true}},
		{"bad email", models.ExternalIdentity{Provider: "google", Subject: "e", Email: "not an email", EmailVerified: true}},
		{"subdomain of a council domain", models.ExternalIdentity{Provider: "google", Subject: "f", Email: "x@schools.leeds.gov.uk", EmailVerified: true}},
	}
	for _, tt := range tests {
		if _, err := db.SignInExternal(ctx, tt.id); !errors.Is(err, models.ErrUnknownDomain) || !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s: %v, want ErrUnknownDomain", tt.name, err)
		}
	}
	if _, err := db.SignInExternal(ctx, models.ExternalIdentity{Email: "x@leeds.gov.uk", EmailVerified: true}); err == nil {
		t.Error("identity without provider or subject accepted")
	}
	// A council that is no longer active gives no sign-in.
	if _, err := db.W.Exec(`UPDATE councils SET active = 0 WHERE gss_code = ?`, bradfordGSS); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignInExternal(ctx, models.ExternalIdentity{Provider: "google", Subject: "g", Email: "x@bradford.gov.uk", EmailVerified: true}); !errors.Is(err, models.ErrUnknownDomain) {
		t.Errorf("inactive council's domain: %v, want ErrUnknownDomain", err)
	}
	if n := count(t, db, "users"); n != users {
		t.Errorf("users %d → %d", users, n)
	}
	if n := count(t, db, "identities"); n != 0 {
		t.Errorf("%d identities linked by refused sign-ins", n)
	}
}

func TestSSOState(t *testing.T) {
	db, clock, ctx := seeded(t)
	if err := db.SaveSSOState(ctx, "state-1", "entra", `{"nonce":"n1"}`); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSSOState(ctx, "state-2", "google", "s2"); err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := db.W.QueryRow(`SELECT count(*) FROM sso_states WHERE instr(state_hash, 'state-1') > 0`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 0 {
		t.Error("state stored in clear")
	}

	// The wrong provider is refused (and does not use the state up).
	_, err := db.TakeSSOState(ctx, "state-1", "google")
	wantNotFound(t, err)
	s, err := db.TakeSSOState(ctx, "state-1", "entra")
	if err != nil || s != `{"nonce":"n1"}` {
		t.Fatalf("TakeSSOState = %q, %v", s, err)
	}
	// Single use.
	_, err = db.TakeSSOState(ctx, "state-1", "entra")
	wantNotFound(t, err)
	_, err = db.TakeSSOState(ctx, "never-saved", "entra")
	wantNotFound(t, err)

	// Within the TTL it works; at the TTL it is gone.
	clock.Advance(models.SSOStateTTL - time.Second)
	if s, err := db.TakeSSOState(ctx, "state-2", "google"); err != nil || s != "s2" {
		t.Fatalf("TakeSSOState before the TTL = %q, %v", s, err)
	}
	if err := db.SaveSSOState(ctx, "state-3", "google", "s3"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(models.SSOStateTTL)
	_, err = db.TakeSSOState(ctx, "state-3", "google")
	wantNotFound(t, err)

	// Saving a state clears out expired ones.
	if err := db.SaveSSOState(ctx, "state-4", "google", "s4"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "sso_states"); n != 1 {
		t.Errorf("%d states kept, want only the live one", n)
	}
}
