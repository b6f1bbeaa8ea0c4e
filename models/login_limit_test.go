package models_test

import (
	"fmt"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// TestKnownBrowserLiftsOnlyTheAccountLimit: in a browser the account has
// signed in from, failures from elsewhere do not lock its owner out, but
// the owner's address is still limited like any other.
func TestKnownBrowserLiftsOnlyTheAccountLimit(t *testing.T) {
	db, _, ctx := seeded(t)
	const email, owner = testutil.OfficerEmail, "198.51.100.10"
	for i := range models.LoginLimitPerAccount {
		if err := db.RecordLoginFailure(ctx, email, fmt.Sprintf("203.0.113.%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if ok, _, err := db.LoginAllowedIn(ctx, email, owner, false); err != nil || ok {
		t.Fatalf("a new browser: allowed=%v (%v), want refused", ok, err)
	}
	if ok, _, err := db.LoginAllowedIn(ctx, email, owner, true); err != nil || !ok {
		t.Fatalf("the owner's known browser: allowed=%v (%v), want allowed", ok, err)
	}
	for i := range models.LoginLimitPerAddress {
		if err := db.RecordLoginFailure(ctx, fmt.Sprintf("guess%d@leeds.gov.uk", i), owner); err != nil {
			t.Fatal(err)
		}
	}
	if ok, _, err := db.LoginAllowedIn(ctx, email, owner, true); err != nil || ok {
		t.Fatalf("a known browser at an address over its limit: allowed=%v (%v), want refused", ok, err)
	}
}

// TestAttemptLimits: bad tokens and bad links are counted per address,
// each kind on its own and apart from sign-ins, and the limit lifts as
// the oldest failure leaves the window.
func TestAttemptLimits(t *testing.T) {
	db, clock, ctx := seeded(t)
	const ip = "203.0.113.9"
	first := clock.T
	for i := range models.TokenLimitPerAddress {
		ok, _, err := db.AttemptAllowed(ctx, models.AttemptToken, ip)
		if err != nil || !ok {
			t.Fatalf("token attempt %d refused (%v)", i+1, err)
		}
		if err := db.RecordAttemptFailure(ctx, models.AttemptToken, ip); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
	}
	ok, until, err := db.AttemptAllowed(ctx, models.AttemptToken, ip)
	if err != nil || ok {
		t.Fatalf("after %d bad tokens: allowed=%v (%v), want refused", models.TokenLimitPerAddress, ok, err)
	}
	if want := first.Add(models.LoginWindow); !until.Equal(want) {
		t.Errorf("retry at %v, want %v", until, want)
	}
	if ok, _, _ := db.AttemptAllowed(ctx, models.AttemptToken, "203.0.113.10"); !ok {
		t.Error("another address refused")
	}
	if ok, _, _ := db.AttemptAllowed(ctx, models.AttemptLink, ip); !ok {
		t.Error("links refused after bad tokens")
	}
	if ok, _, _ := db.LoginAllowed(ctx, testutil.OfficerEmail, ip); !ok {
		t.Error("sign-in refused after bad tokens")
	}
	// Signing in clears the account's failures, not the address's tokens.
	if err := db.ClearLoginFailures(ctx, testutil.OfficerEmail); err != nil {
		t.Fatal(err)
	}
	clock.T = until.Add(-time.Millisecond)
	if ok, _, _ := db.AttemptAllowed(ctx, models.AttemptToken, ip); ok {
		t.Error("allowed before the retry time")
	}
	clock.T = until
	if ok, _, _ := db.AttemptAllowed(ctx, models.AttemptToken, ip); !ok {
		t.Error("still refused at the retry time")
	}

	// Failed sign-ins do not count against tokens or links.
	for i := range models.LoginLimitPerAddress {
		if err := db.RecordLoginFailure(ctx, fmt.Sprintf("guess%d@leeds.gov.uk", i), "198.51.100.77"); err != nil {
			t.Fatal(err)
		}
	}
	if ok, _, _ := db.AttemptAllowed(ctx, models.AttemptLink, "198.51.100.77"); !ok {
		t.Error("links refused after failed sign-ins")
	}
	if ok, _, _ := db.LoginAllowed(ctx, "someone@leeds.gov.uk", "198.51.100.77"); ok {
		t.Error("sign-in allowed after the address's limit")
	}
}
