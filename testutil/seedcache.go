package testutil

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"jointly/data"
	"jointly/models"
)

// The demo seed writes about 600 contracts with their history through the
// models, which takes a few hundred milliseconds (more under -race). Most
// tests want exactly that database, so it is seeded once per test binary
// and each test gets a copy of the file: the same bytes a fresh seed on
// the fixed clock would write.
var seedTemplate struct {
	once  sync.Once
	bytes []byte
	err   error
}

// seededTemplate returns the bytes of a freshly migrated and seeded
// database, built on first use.
func seededTemplate(t testing.TB) []byte {
	t.Helper()
	seedTemplate.once.Do(func() {
		seedTemplate.bytes, seedTemplate.err = buildSeededTemplate()
	})
	if seedTemplate.err != nil {
		t.Fatalf("seed template: %v", seedTemplate.err)
	}
	return seedTemplate.bytes
}

func buildSeededTemplate() ([]byte, error) {
	dir, err := os.MkdirTemp("", "jointly-seed-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := models.Open(filepath.Join(dir, "seed.db"), &models.FixedClock{T: Now})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	if _, err := db.SeedDemo(ctx, data.Seed); err != nil {
		return nil, err
	}
	if err := db.SeedLibrary(ctx, data.Library); err != nil {
		return nil, err
	}
	// VACUUM INTO writes one self-contained file, WAL folded in.
	out := filepath.Join(dir, "template.db")
	if _, err := db.W.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		return nil, err
	}
	return os.ReadFile(out) // #nosec G304 -- the seeded database this test binary just wrote
}

// openSeededCopy writes the seeded template into a fresh temporary folder
// and opens it on its own fixed clock, as NewDB would.
func openSeededCopy(t testing.TB) (*models.DB, *models.FixedClock) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jointly.db")
	if err := os.WriteFile(path, seededTemplate(t), 0o600); err != nil {
		t.Fatal(err)
	}
	clock := &models.FixedClock{T: Now}
	db, err := models.Open(path, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	db.PasswordCost = bcrypt.MinCost
	// One read connection: code that runs a query while another's rows
	// are still open needs two, and under load would exhaust the pool and
	// hang; with one it hangs in the tests instead of in production.
	db.R.SetMaxOpenConns(1)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, clock
}
