// Command jointly is the Jointly portal: one binary that serves the site,
// migrates and seeds its SQLite database, imports data and manages users.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/London without relying on the host's zoneinfo
)

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitCode reports err on one line and returns 0, 1 (failure) or 2 (usage).
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "jointly:", oneLine(err.Error()))
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func oneLine(s string) string {
	out := []rune{}
	for _, r := range s {
		if r == '\n' || r == '\r' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}

const usage = `usage: jointly COMMAND [flags]

commands:
  serve    [--addr HOST:PORT] [--db PATH]     serve the portal
  migrate  [--db PATH]                        bring the database schema up to date
  seed     --demo [--db PATH]                 load the demo seed and print the demo sign-ins
  seed     --scale national [--contracts N] [--users N] [--seed S] [--db PATH]
                                              top councils up to 418 and add N contracts (400,000) and users (20,000), synthetic
  import   councils [--db PATH] FILE          import councils (mySociety or gss_code,name,type,region CSV)
  import   contracts [--council GSS] [--dry-run] [--map 'Header=field']… [--sheet NAME] [--db PATH] FILE
                                              import a register: CSV or Excel (--council needed) or OCDS JSON
  user     add --email E --name N --role admin|officer|councillor|supplier
               [--council GSS | --supplier "Company name"] [--password-stdin] [--db PATH]
  token    create --email E [--name LABEL] [--db PATH]
  export   csv --council GSS [--db PATH]      write a council's register as Transparency Code CSV to standard output
  export   ocds [--council GSS] [--ocid-prefix P] [--base-url URL] [--db PATH]
                                              write registers (one council's, or all) as an OCDS 1.1 release package
  audit    verify [--db PATH]                 check the audit trail's hash chain: exit 0 when intact, 1 naming
                                              the first entry altered or following one removed
  jobs     list [--db PATH]                   list the scheduled jobs, their schedules and latest runs
  jobs     run NAME [--for DATE] [--force] [--db PATH]
                                              run a job now, for the period due (or DATE's); a period that
                                              already ran is skipped unless --force; mail is delivered before exit
  backup   [--db PATH] FILE                   write a consistent copy of the database to FILE (a new file), even
                                              while the server runs
  restore  [--db PATH] FILE                   check the backup FILE and replace the database with it, then migrate;
                                              stop the server first
  version                                     print the version

Every flag can also be set by its JOINTLY_* environment variable (see README.md).`

// run is the whole program, so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "seed":
		return cmdSeed(ctx, rest, getenv, stdout, stderr)
	case "import":
		return cmdImport(ctx, rest, getenv, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, getenv, stdin, stdout, stderr)
	case "token":
		return cmdToken(ctx, rest, getenv, stdout, stderr)
	case "export":
		return cmdExport(ctx, rest, getenv, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, getenv, stdout, stderr)
	case "jobs":
		return cmdJobs(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, getenv, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, rest, getenv, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "jointly %s\n", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return usagef("unknown command %q", cmd)
}
