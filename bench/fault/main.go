// Command fault is Jointly's load and fault script (issue 9, "Load and
// faults"). Against the real binary, on loopback only, bounded in time, it
//
//  1. drives a mixed load at a steady rate (reads as several signed-in
//     people, register edits, bid section edits, sealed response
//     submissions) and checks: no 5xx, no "database is locked", no lost
//     write (every acknowledged write is in the database, and nothing is
//     that was refused);
//  2. kills jointly with SIGKILL in the middle of a register import, a
//     digest run and a stream of response submissions, restarts it, and
//     checks: PRAGMA integrity_check is ok, the import is all or nothing,
//     no email is sent twice or lost, every acknowledged response is
//     there with the receipt hash its supplier was given.
//
// It prints a Markdown report on standard output and exits 1 if any check
// failed (2 on bad usage); progress goes to standard error.
//
//	go run -tags sqlite_fts5 ./bench/fault -bin bin/jointly [-short] > bench/FAULT.md
//
// bench/run-fault.sh builds the binary and runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	failed, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.As(err, new(usageError)):
		fmt.Fprintln(os.Stderr, "fault:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "fault:", err)
		os.Exit(1)
	case failed > 0:
		fmt.Fprintf(os.Stderr, "fault: %d checks failed (see the report)\n", failed)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

type config struct {
	bin           string
	duration      time.Duration
	short         bool
	rate          float64
	contracts     int
	users         int
	councilsCSV   string
	importRows    int
	importCouncil string
	keep          bool
}

// limits on what the flags may ask for: the run must stay bounded.
const (
	maxDuration = 30 * time.Minute
	maxRate     = 500
)

func parseConfig(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("fault", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := config{}
	fs.StringVar(&c.bin, "bin", "bin/jointly", "the jointly binary to test (make build writes bin/jointly)")
	fs.DurationVar(&c.duration, "duration", 5*time.Minute, "how long the mixed load runs (at most 30m)")
	fs.BoolVar(&c.short, "short", false, "a quick run: 45s of load and a 5,000-row import unless given")
	fs.Float64Var(&c.rate, "rate", 40, "operations started per second in the mixed load (open loop)")
	fs.IntVar(&c.contracts, "contracts", 50000, "synthetic contracts for jointly seed --scale national")
	fs.IntVar(&c.users, "users", 2000, "synthetic users for jointly seed --scale national")
	fs.StringVar(&c.councilsCSV, "councils", "../shared/data/local-authorities/mysociety/uk_local_authorities.csv",
		"mySociety's councils CSV to import first (skipped when missing: the scale seed makes up the councils)")
	fs.IntVar(&c.importRows, "import-rows", 20000, "rows in the register file imported (and killed) in fault 1")
	fs.StringVar(&c.importCouncil, "import-council", "E08000036", "GSS code of the council whose register fault 1 imports")
	fs.BoolVar(&c.keep, "keep", false, "keep the working folder (database, logs) and say where it is")
	if err := fs.Parse(args); err != nil {
		return c, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return c, usageError{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.short {
		if !set["duration"] {
			c.duration = 45 * time.Second
		}
		if !set["import-rows"] {
			c.importRows = 5000
		}
	}
	switch {
	case c.duration <= 0 || c.duration > maxDuration:
		return c, usageError{fmt.Sprintf("-duration must be more than 0 and at most %v", maxDuration)}
	case c.rate <= 0 || c.rate > maxRate:
		return c, usageError{fmt.Sprintf("-rate must be more than 0 and at most %d", maxRate)}
	case c.contracts < 0 || c.users < 0:
		return c, usageError{"-contracts and -users must not be negative"}
	case c.importRows < 100 || c.importRows > 200000:
		return c, usageError{"-import-rows must be from 100 to 200,000"}
	}
	bin, err := filepath.Abs(c.bin)
	if err != nil {
		return c, err
	}
	if fi, err := os.Stat(bin); err != nil || fi.IsDir() {
		return c, usageError{fmt.Sprintf("-bin %s: no such binary (make build writes bin/jointly)", c.bin)}
	}
	c.bin = bin
	if c.councilsCSV, err = filepath.Abs(c.councilsCSV); err != nil {
		return c, err
	}
	return c, nil
}

// run does everything and returns how many checks failed; an error means
// the script itself could not go on (the report is then not written).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return 0, err
	}
	// Bound the whole run, whatever happens: the load, plus generous time
	// for the set-up and the three faults.
	ctx, cancel := context.WithTimeout(ctx, cfg.duration+20*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "jointly-fault-")
	if err != nil {
		return 0, err
	}
	if cfg.keep {
		fmt.Fprintf(stderr, "fault: working in %s (kept)\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	w := &workspace{bin: cfg.bin, dir: dir, db: filepath.Join(dir, "jointly.db"), progress: stderr}
	started := time.Now()

	w.logf("building the dataset in %s", dir)
	ds, err := setUp(ctx, w, cfg)
	if err != nil {
		return 0, err
	}
	rep := &report{cfg: cfg, dataset: ds, started: started.UTC()}
	rep.version, _ = w.jointly(ctx, time.Minute, "", "version")
	rep.goVersion, rep.cpus = runtime.Version(), runtime.NumCPU()

	// The import and the digest run as commands beside no server, before
	// the load: the digest for tomorrow's period then finds everything
	// seeded today as news, so nearly everyone has one to receive.
	w.logf("fault 1: kill -9 during an import")
	imp, err := importFault(ctx, w, cfg)
	if err != nil {
		return 0, fmt.Errorf("fault 1 (import): %w", err)
	}
	w.logf("fault 2: kill -9 during a digest run")
	dig, err := digestFault(ctx, w)
	if err != nil {
		return 0, fmt.Errorf("fault 2 (digest): %w", err)
	}
	w.logf("part 1: mixed load at %.0f operations/s for %v", cfg.rate, cfg.duration)
	load, err := mixedLoad(ctx, w, cfg, ds)
	if err != nil {
		return 0, fmt.Errorf("part 1 (mixed load): %w", err)
	}
	w.logf("fault 3: kill -9 of the server during response submissions")
	srv, err := serverFault(ctx, w, ds)
	if err != nil {
		return 0, fmt.Errorf("fault 3 (server): %w", err)
	}
	rep.sections = []*section{load, imp, dig, srv}
	rep.took = time.Since(started)
	rep.write(stdout)
	failed := rep.failed()
	w.logf("done in %v: %d checks, %d failed", rep.took.Round(time.Second), rep.checks(), failed)
	if failed > 0 && !cfg.keep {
		w.logf("(run with -keep to keep the database and logs)")
	}
	return failed, nil
}

// markerPrefix is this run's mark on everything it writes, so its rows
// are told apart from the seed's.
func markerPrefix() string {
	return fmt.Sprintf("FLT%06X", time.Now().UnixNano()&0xFFFFFF)
}

// plural is "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// oneLine squeezes a command's output onto one line for the report.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
