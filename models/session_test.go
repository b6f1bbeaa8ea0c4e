package models_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

func TestSessionSignsIn(t *testing.T) {
	db, _, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.OfficerEmail)
	secret, err := db.CreateSession(ctx, u.ID, "192.0.2.1", strings.Repeat("x", 400))
	if err != nil {
		t.Fatal(err)
	}
	got, handle, err := db.SessionUser(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID || handle == "" || strings.Contains(secret, handle) {
		t.Errorf("SessionUser = %d, handle %q", got.ID, handle)
	}
	sessions, err := db.Sessions(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 || sessions[0].ID != handle || sessions[0].IP != "192.0.2.1" || len(sessions[0].UserAgent) != 300 ||
		!sessions[0].ExpiresAt.Equal(testutil.Now.Add(models.SessionLifetime)) {
		t.Errorf("sessions %+v", sessions)
	}
	var stored int
	if err := db.W.QueryRow(`SELECT count(*) FROM sessions WHERE instr(token_hash, ?) > 0`, secret).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != 0 {
		t.Error("the session secret is stored in clear")
	}
	for _, bad := range []string{"", "not-a-session", secret + "x"} {
		_, _, err := db.SessionUser(ctx, bad)
		wantNotFound(t, err)
	}
	if err := db.DeleteSession(ctx, secret); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.SessionUser(ctx, secret)
	wantNotFound(t, err)
}

func TestSessionExpiresAfterLifetime(t *testing.T) {
	db, clock, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.OfficerEmail)
	secret, err := db.CreateSession(ctx, u.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	// Used every 23 hours, the session never idles out, until its lifetime ends.
	end := testutil.Now.Add(models.SessionLifetime)
	for clock.T.Add(23 * time.Hour).Before(end) {
		clock.Advance(23 * time.Hour)
		if _, _, err := db.SessionUser(ctx, secret); err != nil {
			t.Fatalf("session ended at %v, before its lifetime: %v", clock.T, err)
		}
	}
	clock.T = end.Add(-time.Second)
	if _, _, err := db.SessionUser(ctx, secret); err != nil {
		t.Fatalf("session ended a second before its lifetime: %v", err)
	}
	clock.T = end
	_, _, err = db.SessionUser(ctx, secret)
	wantNotFound(t, err)
}

func TestSessionIdlesOut(t *testing.T) {
	db, clock, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.OfficerEmail)
	secret, err := db.CreateSession(ctx, u.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(models.SessionIdleTimeout - time.Second)
	if _, _, err := db.SessionUser(ctx, secret); err != nil {
		t.Fatalf("session idled out early: %v", err)
	}
	// That use was the last: a full idle period later the session is gone.
	clock.Advance(models.SessionIdleTimeout)
	_, _, err = db.SessionUser(ctx, secret)
	wantNotFound(t, err)
	sessions, err := db.Sessions(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 0 {
		t.Errorf("idle session still listed: %+v", sessions)
	}
}

func TestDeleteAllSessions(t *testing.T) {
	db, _, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.OfficerEmail)
	other := mustUserByEmail(t, db, testutil.AdminEmail)
	var secrets []string
	for i := range 3 {
		s, err := db.CreateSession(ctx, u.ID, fmt.Sprintf("192.0.2.%d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, s)
	}
	keep, err := db.CreateSession(ctx, other.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.DeleteAllSessions(ctx, other.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("ended %d sessions, want 3", n)
	}
	for _, s := range secrets {
		_, _, err := db.SessionUser(ctx, s)
		wantNotFound(t, err)
	}
	if _, _, err := db.SessionUser(ctx, keep); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	db, clock, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.OfficerEmail)
	idle, err := db.CreateSession(ctx, u.ID, "", "idle")
	if err != nil {
		t.Fatal(err)
	}
	old, err := db.CreateSession(ctx, u.ID, "", "old")
	if err != nil {
		t.Fatal(err)
	}
	// Keep "old" in use until its lifetime ends.
	for range 7 {
		clock.Advance(23 * time.Hour)
		_, _, _ = db.SessionUser(ctx, old)
	}
	clock.Advance(12 * time.Hour) // 173h: past the 168h lifetime
	live, err := db.CreateSession(ctx, u.ID, "", "live")
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.DeleteExpiredSessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("deleted %d sessions, want 2 (one idle, one past its lifetime)", n)
	}
	if _, _, err := db.SessionUser(ctx, live); err != nil {
		t.Errorf("live session deleted: %v", err)
	}
	var agents string
	if err := db.W.QueryRow(`SELECT group_concat(user_agent) FROM sessions`).Scan(&agents); err != nil {
		t.Fatal(err)
	}
	if agents != "live" {
		t.Errorf("sessions left: %q, want only live", agents)
	}
	_, _, err = db.SessionUser(ctx, idle)
	wantNotFound(t, err)
}

func TestDisabledUsersSessionEnds(t *testing.T) {
	db, _, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.OfficerEmail)
	secret, err := db.CreateSession(ctx, u.ID, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`UPDATE users SET disabled_at = ? WHERE id = ?`, "2026-11-21T10:00:00.000000Z", u.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.SessionUser(ctx, secret)
	wantNotFound(t, err)
	if got := mustUserByEmail(t, db, u.Email); !got.Disabled {
		t.Error("user not shown as disabled")
	}
}

func TestLoginLimitPerAccount(t *testing.T) {
	db, clock, ctx := seeded(t)
	const email, ip = testutil.OfficerEmail, "192.0.2.10"
	first := clock.T
	for i := range models.LoginLimitPerAccount {
		ok, _, err := db.LoginAllowed(ctx, email, ip)
		if err != nil || !ok {
			t.Fatalf("attempt %d refused: %v", i+1, err)
		}
		// Failures from different addresses and spellings all count.
		if err := db.RecordLoginFailure(ctx, strings.ToUpper(email), fmt.Sprintf("192.0.2.%d", 20+i)); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	ok, until, err := db.LoginAllowed(ctx, email, ip)
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Fatal("sign-in allowed after 5 failures")
	}
	if want := first.Add(models.LoginWindow); !until.Equal(want) {
		t.Errorf("retry at %v, want %v", until, want)
	}
	// Another account from the same address is not held back.
	if ok, _, _ := db.LoginAllowed(ctx, testutil.AdminEmail, ip); !ok {
		t.Error("another account refused")
	}
	clock.T = until.Add(-time.Second)
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); ok {
		t.Error("allowed before the retry time")
	}
	clock.T = until
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); !ok {
		t.Error("still refused at the retry time")
	}
}

func TestLoginLimitPerAddress(t *testing.T) {
	db, clock, ctx := seeded(t)
	const ip = "198.51.100.7"
	first := clock.T
	for i := range models.LoginLimitPerAddress {
		email := fmt.Sprintf("guess%d@leeds.gov.uk", i%10) // two tries each: under the account limit
		ok, _, err := db.LoginAllowed(ctx, email, ip)
		if err != nil || !ok {
			t.Fatalf("attempt %d refused: %v", i+1, err)
		}
		if err := db.RecordLoginFailure(ctx, email, ip); err != nil {
			t.Fatal(err)
		}
		clock.Advance(10 * time.Second)
	}
	ok, until, err := db.LoginAllowed(ctx, "fresh@leeds.gov.uk", ip)
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Fatal("address allowed after 20 failures")
	}
	if want := first.Add(models.LoginWindow); !until.Equal(want) {
		t.Errorf("retry at %v, want %v", until, want)
	}
	if ok, _, _ := db.LoginAllowed(ctx, "fresh@leeds.gov.uk", "198.51.100.8"); !ok {
		t.Error("the same account from another address refused")
	}
	clock.T = until
	if ok, _, _ := db.LoginAllowed(ctx, "fresh@leeds.gov.uk", ip); !ok {
		t.Error("address still refused once its oldest failure left the window")
	}
}

// The retry time given is when the sign-in is allowed again, even when
// older failures from the same address (for other accounts) are about.
func TestLoginLimitRetryTimeIsWhenAllowed(t *testing.T) {
	db, clock, ctx := seeded(t)
	const email, ip = testutil.OfficerEmail, "192.0.2.10"
	if err := db.RecordLoginFailure(ctx, "someone-else@leeds.gov.uk", ip); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	firstOwn := clock.T
	for range models.LoginLimitPerAccount {
		if err := db.RecordLoginFailure(ctx, email, "192.0.2.99"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	ok, until, err := db.LoginAllowed(ctx, email, ip)
	if err != nil || ok {
		t.Fatalf("LoginAllowed = %v, %v; want refused", ok, err)
	}
	if want := firstOwn.Add(models.LoginWindow); !until.Equal(want) {
		t.Errorf("retry at %v, want %v (when the account's oldest failure leaves the window)", until, want)
	}
	clock.T = until
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); !ok {
		t.Errorf("refused at the retry time it was given (%v)", until)
	}
}

// With more failures than the limit (two sign-ins racing past the check),
// the retry time waits for enough of them to leave the window.
func TestLoginLimitRetryTimeBeyondLimit(t *testing.T) {
	db, clock, ctx := seeded(t)
	const email, ip = testutil.OfficerEmail, "192.0.2.10"
	var at []time.Time
	for range models.LoginLimitPerAccount + 2 {
		at = append(at, clock.T)
		if err := db.RecordLoginFailure(ctx, email, ip); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	ok, until, err := db.LoginAllowed(ctx, email, ip)
	if err != nil || ok {
		t.Fatalf("LoginAllowed = %v, %v; want refused", ok, err)
	}
	if want := at[2].Add(models.LoginWindow); !until.Equal(want) {
		t.Errorf("retry at %v, want %v", until, want)
	}
	clock.T = until.Add(-time.Second)
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); ok {
		t.Error("allowed before the retry time")
	}
	clock.T = until
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); !ok {
		t.Errorf("refused at the retry time it was given (%v)", until)
	}
}

func TestClearLoginFailures(t *testing.T) {
	db, clock, ctx := seeded(t)
	const email, ip = testutil.OfficerEmail, "192.0.2.10"
	for range models.LoginLimitPerAccount {
		if err := db.RecordLoginFailure(ctx, email, ip); err != nil {
			t.Fatal(err)
		}
	}
	// Another account's failure, old enough to have left the window.
	if err := db.RecordLoginFailure(ctx, "other@leeds.gov.uk", "203.0.113.1"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(models.LoginWindow)
	if err := db.RecordLoginFailure(ctx, "recent@leeds.gov.uk", "203.0.113.1"); err != nil {
		t.Fatal(err)
	}
	clock.T = testutil.Now.Add(time.Minute)
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); ok {
		t.Fatal("not limited before clearing")
	}
	clock.T = testutil.Now.Add(models.LoginWindow)
	if err := db.ClearLoginFailures(ctx, strings.ToUpper(email)); err != nil {
		t.Fatal(err)
	}
	clock.T = testutil.Now.Add(time.Minute)
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); !ok {
		t.Error("still limited after ClearLoginFailures")
	}
	var left string
	if err := db.W.QueryRow(`SELECT group_concat(email) FROM login_failures`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != "recent@leeds.gov.uk" {
		t.Errorf("failures left: %q, want only the other account's recent one", left)
	}
}

// When both limits are reached, the later of the two decides.
func TestLoginLimitBothLimits(t *testing.T) {
	db, clock, ctx := seeded(t)
	const email, ip = testutil.OfficerEmail, "192.0.2.10"
	for i := range models.LoginLimitPerAddress {
		if err := db.RecordLoginFailure(ctx, fmt.Sprintf("guess%d@leeds.gov.uk", i), ip); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(5 * time.Minute)
	accountFrom := clock.T
	for range models.LoginLimitPerAccount {
		if err := db.RecordLoginFailure(ctx, email, "203.0.113.5"); err != nil {
			t.Fatal(err)
		}
	}
	ok, until, err := db.LoginAllowed(ctx, email, ip)
	if err != nil || ok {
		t.Fatalf("LoginAllowed = %v, %v; want refused", ok, err)
	}
	if want := accountFrom.Add(models.LoginWindow); !until.Equal(want) {
		t.Errorf("retry at %v, want %v (the account's limit lifts last)", until, want)
	}
	clock.T = testutil.Now.Add(models.LoginWindow)
	if ok, _, _ := db.LoginAllowed(ctx, "fresh@leeds.gov.uk", ip); !ok {
		t.Error("the address is still limited after its window")
	}
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); ok {
		t.Error("the account was let in before its own limit lifted")
	}
	clock.T = until
	if ok, _, _ := db.LoginAllowed(ctx, email, ip); !ok {
		t.Error("refused at the retry time")
	}
}
