package models_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"jointly/testutil"
)

func TestAPITokens(t *testing.T) {
	db, clock, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.OfficerEmail)
	secret, tok, err := db.CreateAPIToken(ctx, u.ID, u.ID, "  Reporting script  ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "jly_") || len(secret) < 40 {
		t.Errorf("secret %q: want jly_ and at least 32 random bytes", secret)
	}
	if tok.ID == 0 || tok.UserID != u.ID || tok.Name != "Reporting script" {
		t.Errorf("token %+v", tok)
	}

	// Only the secret's hash is stored.
	rows, err := db.W.Query(`SELECT token_hash, name FROM api_tokens`)
	if err != nil {
		t.Fatal(err)
	}
	var hashes [][]byte
	for rows.Next() {
		var h []byte
		var name string
		if err := rows.Scan(&h, &name); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(h, []byte(secret)) || bytes.Contains(h, []byte(strings.TrimPrefix(secret, "jly_"))) || strings.Contains(name, secret) {
			t.Error("the token secret is stored in clear")
		}
		hashes = append(hashes, h)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	sum := sha256.Sum256([]byte(secret))
	if len(hashes) != 1 || !bytes.Equal(hashes[0], sum[:]) {
		t.Errorf("stored hashes %x, want the SHA-256 of the secret", hashes)
	}

	got, err := db.TokenUser(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID {
		t.Errorf("TokenUser = user %d, want %d", got.ID, u.ID)
	}
	list, err := db.APITokens(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != tok.ID || !list[0].LastUsedAt.Equal(testutil.Now) {
		t.Errorf("tokens %+v", list)
	}
	for _, bad := range []string{"", "jly_", "jly_nope", strings.TrimPrefix(secret, "jly_"), secret + "x"} {
		_, err := db.TokenUser(ctx, bad)
		wantNotFound(t, err)
	}

	// Someone else cannot revoke it.
	other := mustUserByEmail(t, db, testutil.SupplierEmail)
	wantNotFound(t, db.RevokeAPIToken(ctx, other.ID, other.ID, tok.ID))
	if _, err := db.TokenUser(ctx, secret); err != nil {
		t.Fatalf("token stopped working after another user's revoke: %v", err)
	}

	clock.Advance(time.Hour)
	if err := db.RevokeAPIToken(ctx, u.ID, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.TokenUser(ctx, secret)
	wantNotFound(t, err)
	wantNotFound(t, db.RevokeAPIToken(ctx, u.ID, u.ID, tok.ID))
	if list, _ := db.APITokens(ctx, u.ID); len(list) != 0 {
		t.Errorf("revoked token still listed: %+v", list)
	}
}

func TestAPITokenNames(t *testing.T) {
	db, _, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.AdminEmail)
	_, tok, err := db.CreateAPIToken(ctx, u.ID, u.ID, "   ")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Name != "Personal token" {
		t.Errorf("blank name became %q", tok.Name)
	}
	_, _, err = db.CreateAPIToken(ctx, u.ID, u.ID, strings.Repeat("n", 101))
	wantValidation(t, err, "name")
}

func TestAPITokenOfDisabledUser(t *testing.T) {
	db, _, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.SupplierEmail)
	secret, _, err := db.CreateAPIToken(ctx, 0, u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`UPDATE users SET disabled_at = '2026-11-21T10:00:00.000000Z' WHERE id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.TokenUser(ctx, secret)
	wantNotFound(t, err)
}

func TestAPITokensAreDistinct(t *testing.T) {
	db, _, ctx := seeded(t)
	u := mustUserByEmail(t, db, testutil.AdminEmail)
	seen := map[string]bool{}
	for range 5 {
		s, _, err := db.CreateAPIToken(ctx, u.ID, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if seen[s] {
			t.Fatal("two tokens share a secret")
		}
		seen[s] = true
	}
}
