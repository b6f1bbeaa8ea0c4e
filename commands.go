package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"jointly/data"
	"jointly/models"
)

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("migrate", stderr)
	dbFlag(fs, &cfg, getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("migrate takes no arguments")
	}
	db, err := models.Open(cfg.DB, models.SystemClock{})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "database %s is up to date at schema version %d\n", cfg.DB, v)
	} else {
		fmt.Fprintf(stdout, "database %s migrated to schema version %d (%d applied)\n", cfg.DB, v, len(applied))
	}
	return nil
}

func cmdSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("seed", stderr)
	dbFlag(fs, &cfg, getenv)
	demo := fs.Bool("demo", false, "load the demo seed")
	scale := scaleFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("seed takes no arguments, got %q", fs.Args())
	}
	if *demo == (scale.name != "") {
		return usagef("seed: say --demo or --scale national (exactly one)")
	}
	if scale.name != "" {
		return seedScale(ctx, fs, cfg, scale, stdout)
	}
	if err := scale.onlyWithScale(fs); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.SeedDemo(ctx, data.Seed)
	if err != nil {
		return err
	}
	if err := db.SeedDemoBids(ctx); err != nil {
		return err
	}
	if err := db.SeedLibrary(ctx, data.Library); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Demo seed loaded into %s. Demo sign-ins (password for all: %s):\n", cfg.DB, models.DemoPassword)
	for _, u := range users {
		fmt.Fprintf(stdout, "  %-11s %-30s %s, %s\n", u.Role, u.Email, u.Name, u.Org)
	}
	return nil
}

func cmdImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "contracts" {
		return cmdImportContracts(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "councils" {
		return usagef("import: say what to import: jointly import councils [--db PATH] FILE, or jointly import contracts [--council GSS] [--db PATH] FILE")
	}
	var cfg Config
	fs := newFlagSet("import councils", stderr)
	dbFlag(fs, &cfg, getenv)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("import councils: give exactly one FILE")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := db.ImportCouncils(ctx, 0, f)
	var ierr *models.ImportError
	if errors.As(err, &ierr) {
		for _, r := range ierr.Rows {
			fmt.Fprintf(stderr, "%s:%d: %s: %s\n", fs.Arg(0), r.Line, r.Field, r.Message)
		}
		return fmt.Errorf("import councils: nothing imported: %d problem(s) in %s", len(ierr.Rows), fs.Arg(0))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, sum)
	return nil
}

func cmdUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("user: the only command is: jointly user add --email E --name N --role ROLE")
	}
	var cfg Config
	fs := newFlagSet("user add", stderr)
	dbFlag(fs, &cfg, getenv)
	email := fs.String("email", "", "email address")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, officer, councillor or supplier")
	council := fs.String("council", "", "GSS code of the council (officers and councillors)")
	supplier := fs.String("supplier", "", "company name (suppliers; created if new)")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("user add takes no arguments, got %q", fs.Args())
	}
	var missing []string
	for _, f := range []struct{ flag, value string }{{"--email", *email}, {"--name", *name}, {"--role", *role}} {
		if f.value == "" {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		return usagef("user add: %s required", strings.Join(missing, ", "))
	}
	r, ok := models.ParseRole(*role)
	if !ok {
		return usagef("user add: --role must be admin, officer, councillor or supplier, not %q", *role)
	}
	if r.BelongsToCouncil() && *council == "" {
		return usagef("user add: the %s role needs --council GSS", r)
	}
	if r == models.RoleSupplier && *supplier == "" {
		return usagef("user add: a supplier needs --supplier \"Company name\"")
	}
	var password string
	if *passwordStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if password == "" {
			return errors.New("user add: --password-stdin given but standard input was empty")
		}
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.CreateUser(ctx, 0, models.NewUser{Email: *email, Name: *name, Role: r, CouncilGSS: *council, SupplierName: *supplier, Password: password})
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		msgs := make([]string, len(verr.Fields))
		for i, f := range verr.Fields {
			msgs[i] = f.Message
		}
		return fmt.Errorf("user add: %s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return err
	}
	org := u.CouncilName + u.SupplierName
	if org != "" {
		org = " at " + org
	}
	fmt.Fprintf(stdout, "added %s %s (%s)%s\n", u.Role, u.Email, u.Name, org)
	return nil
}

func cmdToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("token: the only command is: jointly token create --email E [--name LABEL]")
	}
	var cfg Config
	fs := newFlagSet("token create", stderr)
	dbFlag(fs, &cfg, getenv)
	email := fs.String("email", "", "whose token")
	name := fs.String("name", "Command-line token", "label, to tell tokens apart")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || fs.NArg() > 0 {
		return usagef("token create: --email required, and no arguments")
	}
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, *email)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("token create: no user with email %s", *email)
	} else if err != nil {
		return err
	}
	secret, _, err := db.CreateAPIToken(ctx, 0, u.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}
