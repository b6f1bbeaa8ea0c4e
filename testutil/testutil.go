// Package testutil builds real fixtures for Jointly's tests: a real SQLite
// file per test, the real router, a fixed clock, and the shared public data
// in ../shared/data. Nothing here mocks Jointly's own code.
package testutil

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"jointly/handlers"
	"jointly/jobs"
	"jointly/mailer"
	"jointly/models"
)

// Now is the fixed date tests stand on.
var Now = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// RepoRoot is the folder holding go.mod.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// SharedData returns the path of a file or folder under ../shared/data,
// skipping the test (naming the missing path) when it is absent.
func SharedData(t testing.TB, rel ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(), "..", "shared", "data"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test data missing: %s (CI has ../shared beside the repository)", p)
	}
	return p
}

// NewDB opens a migrated database in a fresh temporary folder, on a fixed
// clock, with the cheapest bcrypt cost so tests stay quick.
func NewDB(t testing.TB) (*models.DB, *models.FixedClock) {
	t.Helper()
	clock := &models.FixedClock{T: Now}
	db, err := models.Open(filepath.Join(t.TempDir(), "jointly.db"), clock)
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

// SeededDB is NewDB with the demo seed loaded (a copy of one seeded
// database per test binary: see seedcache.go).
func SeededDB(t testing.TB) (*models.DB, *models.FixedClock) {
	t.Helper()
	return openSeededCopy(t)
}

// App is the whole web application over a seeded database.
type App struct {
	DB        *models.DB
	Clock     *models.FixedClock
	Handlers  *handlers.Handlers
	OutboxDir string
	// Sender delivers the outbox into OutboxDir; Jobs is the scheduler
	// (not started: tests run jobs with Jobs.Run), over Deps.
	Sender *mailer.Sender
	Jobs   *jobs.Scheduler
	Deps   jobs.Deps
}

// SigningKey is the test instance's form-token key.
var SigningKey = []byte("test-signing-key-0123456789abcdef0123456789")

// NewApp builds the handlers exactly as `jointly serve` does, over a seeded
// database. Options may change the config before the router is built.
func NewApp(t testing.TB, opts ...func(*handlers.Config)) *App {
	t.Helper()
	db, clock := SeededDB(t)
	cfg := handlers.Config{BaseURL: "http://jointly.test", SigningKey: SigningKey, Version: "test"}
	for _, o := range opts {
		o(&cfg)
	}
	outbox := filepath.Join(t.TempDir(), "outbox")
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	sender := &mailer.Sender{DB: db, Transport: mailer.FileTransport{Dir: outbox}, Logger: log}
	mail := &models.Outbox{DB: db}
	deps := jobs.Deps{DB: db, Outbox: mail, Sender: sender, BaseURL: cfg.BaseURL, SigningKey: cfg.SigningKey,
		BackupDir: filepath.Join(t.TempDir(), "backups"), BackupKeep: 3, Logger: log}
	sched, err := jobs.New(deps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Scheduler == nil {
		cfg.Scheduler = sched
	}
	h, err := handlers.New(db, mail, log, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sched.Stop(context.Background()) })
	return &App{DB: db, Clock: clock, Handlers: h, OutboxDir: outbox, Sender: sender, Jobs: sched, Deps: deps}
}

// Outbox delivers what the outbox holds (as the running server's sender
// would, at once) and returns every email delivered so far, oldest first,
// as raw text.
func (a *App) Outbox(t testing.TB) []string {
	t.Helper()
	if _, _, err := a.Sender.DeliverDue(context.Background()); err != nil {
		t.Fatalf("deliver the outbox: %v", err)
	}
	return ReadOutbox(t, a.OutboxDir)
}

// ReadOutbox returns the emails a mailer.FileTransport has written to dir so far,
// oldest first, as raw text; none when dir does not exist yet.
func ReadOutbox(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".eml" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name())) // #nosec G304 -- a file listed from the test's own outbox folder
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// Demo sign-ins from data/seed/users.csv.
const (
	AdminEmail      = "admin@jointly.example"
	OfficerEmail    = "cio@leeds.gov.uk"
	Officer2Email   = "digital@bradford.gov.uk"
	CouncillorEmail = "cllr.hughes@leeds.gov.uk"
	SupplierEmail   = "bids@penninedigital.example"
	Password        = models.DemoPassword
)

// ClearRegisters empties every council's register and forgets the
// suppliers and products the demo seed brought (keeping the demo supplier
// user's company), for tests that must know the whole register world.
// Contract history is append-only and stays, as it would after deletions.
func (a *App) ClearRegisters(t testing.TB) {
	t.Helper()
	for _, q := range []string{
		`DELETE FROM contracts`,
		`DELETE FROM products`,
		`DELETE FROM supplier_aliases WHERE supplier_id NOT IN (SELECT supplier_id FROM users WHERE supplier_id IS NOT NULL)`,
		`DELETE FROM suppliers WHERE id NOT IN (SELECT supplier_id FROM users WHERE supplier_id IS NOT NULL)`,
	} {
		if _, err := a.DB.W.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// Column runs query on db and returns its one column, in order, failing
// the test on any error: for checking what a table holds.
func Column[T any](t testing.TB, db interface {
	Query(query string, args ...any) (*sql.Rows, error)
}, query string, args ...any) []T {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}
