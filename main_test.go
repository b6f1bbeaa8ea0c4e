package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"jointly/data"
	"jointly/models"
	"jointly/testutil"
)

// result is what one run of the command line did.
type result struct {
	code           int
	stdout, stderr string
}

// syncBuffer is a bytes.Buffer safe to write from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// noEnv is an environment with no JOINTLY_* variables, whatever the host has.
func noEnv(string) string { return "" }

// env is an environment holding only vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// cli runs the command line as main does, with stdin, and returns its exit
// status and output.
func cli(t *testing.T, getenv func(string) string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr syncBuffer
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &stdout, &stderr)
	code := exitCode(err, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

// lines splits output into its lines.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lastLine is the last line of output: the one exitCode writes.
func lastLine(s string) string {
	l := lines(s)
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

func tempDB(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "jointly.db")
}

// seededDB is a database file holding the demo seed, made through the
// models with the cheapest bcrypt cost (the command line's seed is tested
// on its own).
func seededDB(t *testing.T) string {
	t.Helper()
	path := tempDB(t)
	db, err := models.Open(path, models.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.PasswordCost = bcrypt.MinCost
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SeedDemo(ctx, data.Seed); err != nil {
		t.Fatal(err)
	}
	return path
}

// openDB opens a database file the command line wrote, for checking.
func openTestDB(t *testing.T, path string) *models.DB {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not written: %v", err)
	}
	db, err := models.Open(path, models.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func countRows(t *testing.T, path, query string) int {
	t.Helper()
	db := openTestDB(t, path)
	var n int
	if err := db.R.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVersion(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"version", "--version"} {
		r := cli(t, noEnv, "", arg)
		wantCode(t, r, 0)
		if !strings.HasPrefix(r.stdout, "jointly ") || len(lines(r.stdout)) != 1 || r.stderr != "" {
			t.Errorf("%s printed %q, %q", arg, r.stdout, r.stderr)
		}
	}
	r := cli(t, noEnv, "", "help")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "usage: jointly") {
		t.Errorf("help printed %q", r.stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"unknown command", []string{"frobnicate"}},
		{"bad flag", []string{"migrate", "--db", db, "--no-such-flag"}},
		{"migrate with an argument", []string{"migrate", "--db", db, "extra"}},
		{"seed without --demo", []string{"seed", "--db", db}},
		{"import without councils", []string{"import", "--db", db, "file.csv"}},
		{"import of something else", []string{"import", "contracts", "file.csv"}},
		{"import councils without a file", []string{"import", "councils", "--db", db}},
		{"import councils with two files", []string{"import", "councils", "--db", db, "a.csv", "b.csv"}},
		{"user without add", []string{"user", "--db", db}},
		{"token without create", []string{"token"}},
		{"token create without --email", []string{"token", "create", "--db", db}},
		{"serve with an argument", []string{"serve", "--db", db, "now"}},
		{"help flag on a command", []string{"migrate", "-h"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, noEnv, "", tt.args...)
			wantCode(t, r, 2)
			if !strings.HasPrefix(lastLine(r.stderr), "jointly: ") {
				t.Errorf("stderr does not end with the reason: %q", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q", r.stdout)
			}
		})
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a usage error created the database: %v", err)
	}
	if r := cli(t, noEnv, ""); !strings.Contains(r.stderr, "usage: jointly COMMAND") {
		t.Errorf("no command: usage not shown: %q", r.stderr)
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	ms, err := models.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	r := cli(t, noEnv, "", "migrate", "--db", db)
	wantCode(t, r, 0)
	if want := fmt.Sprintf("migrated to schema version %d (%d applied)", len(ms), len(ms)); !strings.Contains(r.stdout, want) {
		t.Errorf("first migrate printed %q, want %q", r.stdout, want)
	}
	r = cli(t, noEnv, "", "migrate", "--db", db)
	wantCode(t, r, 0)
	if want := fmt.Sprintf("up to date at schema version %d", len(ms)); !strings.Contains(r.stdout, want) || len(lines(r.stdout)) != 1 {
		t.Errorf("second migrate printed %q, want %q", r.stdout, want)
	}
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	t.Parallel()
	path := tempDB(t)
	db, err := models.Open(path, models.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := cli(t, noEnv, "", "migrate", "--db", path)
	wantCode(t, r, 1)
	if l := lines(r.stderr); len(l) != 1 || !strings.HasPrefix(l[0], "jointly: ") || !strings.Contains(l[0], "999") || !strings.Contains(l[0], "newer") {
		t.Errorf("stderr %q: want one line saying the database (999) is newer", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
}

func TestSeedDemo(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	for i := range 2 {
		r := cli(t, noEnv, "", "seed", "--demo", "--db", db)
		wantCode(t, r, 0)
		for _, want := range []string{models.DemoPassword, testutil.AdminEmail, testutil.OfficerEmail, testutil.Officer2Email,
			testutil.CouncillorEmail, testutil.SupplierEmail, "Pennine Digital Ltd", "CIO council"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("seed %d: output lacks %q:\n%s", i+1, want, r.stdout)
			}
		}
		if n := len(lines(r.stdout)); n != 6 {
			t.Errorf("seed %d printed %d lines, want a heading and five sign-ins:\n%s", i+1, n, r.stdout)
		}
	}
	if n := countRows(t, db, `SELECT count(*) FROM users`); n != 5 {
		t.Errorf("%d users after seeding twice, want 5", n)
	}
	if n := countRows(t, db, `SELECT count(*) FROM councils`); n != 15 {
		t.Errorf("%d councils after seeding twice, want 15", n)
	}
}

func TestImportNationalCouncils(t *testing.T) {
	t.Parallel()
	file := testutil.SharedData(t, "local-authorities", "mysociety", "uk_local_authorities.csv")
	db := tempDB(t)
	r := cli(t, noEnv, "", "import", "councils", "--db", db, file)
	wantCode(t, r, 0)
	if l := lines(r.stdout); len(l) != 1 || !strings.Contains(l[0], "382 active") || !strings.Contains(l[0], "382 added") {
		t.Errorf("stdout %q: want one summary line with 382 active", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}
	if n := countRows(t, db, `SELECT count(*) FROM councils WHERE active = 1`); n != 382 {
		t.Errorf("%d active councils, want 382", n)
	}
	r = cli(t, noEnv, "", "import", "councils", "--db", db, file)
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "382 unchanged") {
		t.Errorf("second import printed %q", r.stdout)
	}
}

func TestImportPlainCouncils(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "councils.csv")
	if err := os.WriteFile(file, []byte("gss_code,name,type,region\nE08000035,Leeds,MD,Yorkshire and The Humber\nE06000014,York,Unitary authority,Yorkshire and The Humber\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "jointly.db")
	r := cli(t, noEnv, "", "import", "councils", "--db", db, file)
	wantCode(t, r, 0)
	if l := lines(r.stdout); len(l) != 1 || !strings.Contains(l[0], "2 added") || !strings.Contains(l[0], "2 active") {
		t.Errorf("stdout %q", r.stdout)
	}
}

func TestImportMissingFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "jointly.db")
	r := cli(t, noEnv, "", "import", "councils", "--db", db, filepath.Join(dir, "missing.csv"))
	wantCode(t, r, 1)
	if l := lines(r.stderr); len(l) != 1 || !strings.Contains(l[0], "missing.csv") {
		t.Errorf("stderr %q: want one line naming the file", r.stderr)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("database created for a missing file: %v", err)
	}
}

func TestImportBadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(file, []byte("gss_code,name,type,region\n"+
		"E08000035,Leeds,MD,Yorkshire and The Humber\n"+
		"E0800003,Bradford,MD,Yorkshire and The Humber\n"+
		"E08000036,Wakefield,MD,Yorkshire and The Humber\n"+
		"E08000034,Kirklees,MD,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "jointly.db")
	r := cli(t, noEnv, "", "import", "councils", "--db", db, file)
	wantCode(t, r, 1)
	l := lines(r.stderr)
	if len(l) != 3 || !strings.HasPrefix(l[0], file+":3: gss_code: ") || !strings.HasPrefix(l[1], file+":5: region: ") ||
		!strings.HasPrefix(l[2], "jointly: ") || !strings.Contains(l[2], "nothing imported") {
		t.Errorf("stderr:\n%s\nwant the two row problems, then the reason", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
	if n := countRows(t, db, `SELECT count(*) FROM councils`); n != 0 {
		t.Errorf("%d councils imported from a bad file", n)
	}
}

func TestUserAdd(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	tests := []struct {
		args []string
		role models.Role
		want string
	}{
		{[]string{"--email", "new.officer@leeds.gov.uk", "--name", "New Officer", "--role", "officer", "--council", "E08000035"},
			models.RoleOfficer, "added officer new.officer@leeds.gov.uk (New Officer) at Leeds"},
		{[]string{"--email", "Cllr.New@Leeds.gov.uk", "--name", "Cllr New", "--role", "councillor", "--council", "E08000035"},
			models.RoleCouncillor, "added councillor cllr.new@leeds.gov.uk (Cllr New) at Leeds"},
		{[]string{"--email", "sales@acme.example", "--name", "Sally Sales", "--role", "supplier", "--supplier", "Acme Ltd"},
			models.RoleSupplier, "added supplier sales@acme.example (Sally Sales) at Acme Ltd"},
		{[]string{"--email", "second.admin@jointly.example", "--name", "Second Admin", "--role", "admin"},
			models.RoleAdmin, "added admin second.admin@jointly.example (Second Admin)"},
	}
	for _, tt := range tests {
		r := cli(t, noEnv, "", append([]string{"user", "add", "--db", db}, tt.args...)...)
		wantCode(t, r, 0)
		if strings.TrimSuffix(r.stdout, "\n") != tt.want {
			t.Errorf("stdout %q, want %q", r.stdout, tt.want)
		}
	}
	m := openTestDB(t, db)
	for _, tt := range tests {
		u, err := m.UserByEmail(context.Background(), tt.args[1])
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != tt.role || u.HasPassword {
			t.Errorf("%s: %+v", tt.args[1], u)
		}
	}
}

func TestUserAddRefusals(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing --email", []string{"--name", "N", "--role", "admin"}, 2, "--email required"},
		{"missing everything", nil, 2, "--email, --name, --role required"},
		{"bad --role", []string{"--email", "a@example.com", "--name", "N", "--role", "boss"}, 2, "--role"},
		{"officer without --council", []string{"--email", "a@leeds.gov.uk", "--name", "N", "--role", "officer"}, 2, "--council"},
		{"supplier without --supplier", []string{"--email", "a@acme.example", "--name", "N", "--role", "supplier"}, 2, "--supplier"},
		{"argument", []string{"--email", "a@example.com", "--name", "N", "--role", "admin", "extra"}, 2, "no arguments"},
		{"duplicate email", []string{"--email", "CIO@leeds.gov.uk", "--name", "N", "--role", "admin"}, 1, "already an account"},
		{"bad email", []string{"--email", "not-an-email", "--name", "N", "--role", "admin"}, 1, "email address"},
		{"unknown council", []string{"--email", "a@nowhere.gov.uk", "--name", "N", "--role", "officer", "--council", "E99999999"}, 1, "E99999999"},
		{"admin with a council", []string{"--email", "a@example.com", "--name", "N", "--role", "admin", "--council", "E08000035"}, 1, "council"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, noEnv, "", append([]string{"user", "add", "--db", db}, tt.args...)...)
			wantCode(t, r, tt.code)
			if l := lastLine(r.stderr); !strings.HasPrefix(l, "jointly: ") || !strings.Contains(l, tt.want) {
				t.Errorf("stderr %q, want a reason mentioning %q", r.stderr, tt.want)
			}
		})
	}
	if n := countRows(t, db, `SELECT count(*) FROM users`); n != 5 {
		t.Errorf("%d users, want the seed's 5", n)
	}
}

func TestUserAddPasswordFromStdin(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	const password = "a long password from stdin"
	r := cli(t, noEnv, password+"\r\nsecond line ignored\n",
		"user", "add", "--db", db, "--email", "stdin@jointly.example", "--name", "Stdin", "--role", "admin", "--password-stdin")
	wantCode(t, r, 0)
	if strings.Contains(r.stdout+r.stderr, password) {
		t.Error("the password was printed")
	}
	m := openTestDB(t, db)
	u, err := m.Authenticate(context.Background(), "stdin@jointly.example", password)
	if err != nil {
		t.Fatalf("cannot sign in with the password from stdin: %v", err)
	}
	if u.Role != models.RoleAdmin || !u.HasPassword {
		t.Errorf("user %+v", u)
	}

	for _, tt := range []struct{ name, stdin, want string }{
		{"empty stdin", "", "standard input was empty"},
		{"empty first line", "\nsecond-line-password\n", "standard input was empty"},
		{"short password", "short\n", "12 characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, noEnv, tt.stdin, "user", "add", "--db", db, "--email", "empty@jointly.example", "--name", "E", "--role", "admin", "--password-stdin")
			wantCode(t, r, 1)
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q, want %q", r.stderr, tt.want)
			}
		})
	}
	if _, err := m.UserByEmail(context.Background(), "empty@jointly.example"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("user created without a usable password: %v", err)
	}
}

func TestTokenCreate(t *testing.T) {
	t.Parallel()
	db := seededDB(t)
	r := cli(t, noEnv, "", "token", "create", "--db", db, "--email", testutil.SupplierEmail, "--name", "CI")
	wantCode(t, r, 0)
	l := lines(r.stdout)
	if len(l) != 1 || !strings.HasPrefix(l[0], "jly_") {
		t.Fatalf("stdout %q: want exactly one line, the token", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr %q", r.stderr)
	}
	m := openTestDB(t, db)
	ctx := context.Background()
	u, err := m.TokenUser(ctx, l[0])
	if err != nil {
		t.Fatalf("printed token does not work: %v", err)
	}
	if u.Email != testutil.SupplierEmail {
		t.Errorf("token is %s's, want %s's", u.Email, testutil.SupplierEmail)
	}
	tokens, err := m.APITokens(ctx, u.ID)
	if err != nil || len(tokens) != 1 || tokens[0].Name != "CI" {
		t.Errorf("tokens %+v, %v", tokens, err)
	}

	r = cli(t, noEnv, "", "token", "create", "--db", db, "--email", "nobody@jointly.example")
	wantCode(t, r, 1)
	if r.stdout != "" || !strings.Contains(r.stderr, "nobody@jointly.example") {
		t.Errorf("unknown email: stdout %q, stderr %q", r.stdout, r.stderr)
	}
}

func TestEnvironmentSetsDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fromEnv := filepath.Join(dir, "env", "jointly.db")
	fromFlag := filepath.Join(dir, "flag", "jointly.db")
	getenv := env(map[string]string{"JOINTLY_DB": fromEnv})

	r := cli(t, getenv, "", "migrate")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, fromEnv) {
		t.Errorf("stdout %q does not name %s", r.stdout, fromEnv)
	}
	if _, err := os.Stat(fromEnv); err != nil {
		t.Fatalf("JOINTLY_DB not used: %v", err)
	}
	// A flag wins over the environment.
	r = cli(t, getenv, "", "migrate", "--db", fromFlag)
	wantCode(t, r, 0)
	if _, err := os.Stat(fromFlag); err != nil {
		t.Fatalf("--db not used: %v", err)
	}
	// Every command reads it.
	r = cli(t, getenv, "", "user", "add", "--email", "env@jointly.example", "--name", "Env", "--role", "admin")
	wantCode(t, r, 0)
	if n := countRows(t, fromEnv, `SELECT count(*) FROM users WHERE email = 'env@jointly.example'`); n != 1 {
		t.Errorf("user not added to the JOINTLY_DB database")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestServeShutsDownGracefully(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--log-level", "warn"},
			env(map[string]string{"JOINTLY_DB": db}), strings.NewReader(""), &stdout, &stderr)
	}()

	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	var body string
	for {
		select {
		case err := <-done:
			t.Fatalf("serve returned before it was stopped: %v\nstderr:\n%s", err, stderr.String())
		default:
		}
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				body = string(b)
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz did not answer 200 within a minute (last error %v)\nstderr:\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("/healthz said %s", body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after its context was cancelled, want nil", err)
		}
		if code := exitCode(err, io.Discard); code != 0 {
			t.Errorf("exit status %d", code)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop within a minute of its context being cancelled")
	}
	if want := "Jointly is serving http://" + addr; !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
	if _, err := (&net.Dialer{Timeout: time.Second}).Dial("tcp", addr); err == nil {
		t.Error("still listening after shutdown")
	}
}

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	tests := []struct {
		name   string
		getenv func(string) string
		args   []string
		want   []string
	}{
		{"bad --addr", noEnv, []string{"--addr", "nonsense"}, []string{`--addr "nonsense" is not HOST:PORT`}},
		{"bad --log-level", noEnv, []string{"--addr", "127.0.0.1:0", "--log-level", "loud"}, []string{"--log-level"}},
		{"bad --base-url", noEnv, []string{"--addr", "127.0.0.1:0", "--base-url", "ftp://x"}, []string{"--base-url"}},
		{"half-configured single sign-on",
			env(map[string]string{"JOINTLY_ENTRA_CLIENT_ID": "entra-id"}),
			[]string{"--addr", "127.0.0.1:0", "--google-client-secret", "google-secret", "--oidc-client-id", "oidc-id",
				"--oidc-client-secret", "oidc-secret", "--session-key", "too-short"},
			[]string{"Entra ID sign-in needs both", "Google sign-in needs both", "--oidc-issuer", "--session-key must be at least 32"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, tt.getenv, "", append([]string{"serve", "--db", db}, tt.args...)...)
			wantCode(t, r, 2)
			l := lines(r.stderr)
			if len(l) != 1 {
				t.Errorf("stderr has %d lines, want one:\n%s", len(l), r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q does not report %q", r.stderr, w)
				}
			}
			if strings.Contains(r.stderr, "google-secret") || strings.Contains(r.stderr, "oidc-secret") {
				t.Error("a secret was printed")
			}
		})
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused configuration opened the database: %v", err)
	}
}
