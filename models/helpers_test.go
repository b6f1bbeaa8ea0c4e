package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// Councils of the demo seed that the tests lean on.
const (
	leedsGSS    = "E08000035"
	bradfordGSS = "E08000032"
)

// count returns the number of rows in table.
func count(t testing.TB, db *models.DB, table string) int {
	t.Helper()
	var n int
	if err := db.W.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// mustCreateUser creates a user or fails the test.
func mustCreateUser(t testing.TB, db *models.DB, n models.NewUser) models.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), 0, n)
	if err != nil {
		t.Fatalf("create user %s: %v", n.Email, err)
	}
	return u
}

// mustUserByEmail returns a user of the demo seed.
func mustUserByEmail(t testing.TB, db *models.DB, email string) models.User {
	t.Helper()
	u, err := db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// importCSV imports councils from text.
func importCSV(t testing.TB, db *models.DB, text string) (models.CouncilImportSummary, error) {
	t.Helper()
	return db.ImportCouncils(context.Background(), 0, strings.NewReader(text))
}

// mustImport imports councils from text or fails the test.
func mustImport(t testing.TB, db *models.DB, text string) models.CouncilImportSummary {
	t.Helper()
	sum, err := importCSV(t, db, text)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return sum
}

// validationFields returns the fields a *models.ValidationError names, or
// fails the test if err is not one.
func validationFields(t testing.TB, err error) []string {
	t.Helper()
	var verr *models.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("got error %v (%T), want *models.ValidationError", err, err)
	}
	var fields []string
	for _, f := range verr.Fields {
		fields = append(fields, f.Field)
	}
	return fields
}

// wantValidation fails the test unless err is a *models.ValidationError
// naming field.
func wantValidation(t testing.TB, err error, field string) {
	t.Helper()
	fields := validationFields(t, err)
	for _, f := range fields {
		if f == field {
			return
		}
	}
	t.Fatalf("validation error names %v, want %q (%v)", fields, field, err)
}

// wantNotFound fails the test unless err wraps models.ErrNotFound.
func wantNotFound(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("got error %v, want models.ErrNotFound", err)
	}
}

// seeded is testutil.SeededDB plus the background context.
func seeded(t testing.TB) (*models.DB, *models.FixedClock, context.Context) {
	t.Helper()
	db, clock := testutil.SeededDB(t)
	return db, clock, context.Background()
}
