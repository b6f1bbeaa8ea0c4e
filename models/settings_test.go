package models_test

import (
	"bytes"
	"context"
	"testing"
	_ "time/tzdata" // Europe/London whatever the host has, as in the binary

	"jointly/models"
	"jointly/testutil"
)

func TestSigningKeyIsMadeOnceAndShared(t *testing.T) {
	db, _ := testutil.NewDB(t)
	ctx := context.Background()
	k1, err := db.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 {
		t.Errorf("key of %d bytes, want 32", len(k1))
	}
	k2, err := db.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) {
		t.Error("the key changed between calls")
	}
	// Another process on the same database file agrees.
	other, err := models.Open(db.Path(), models.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	k3, err := other.SigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k3) {
		t.Error("a second connection to the database got another key")
	}
}

func TestLondon(t *testing.T) {
	if got := models.London().String(); got != "Europe/London" {
		t.Errorf("London() = %q", got)
	}
	if (models.SystemClock{}).Now().IsZero() {
		t.Error("the system clock says zero")
	}
}
