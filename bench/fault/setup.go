package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"time"
)

// The demo's people, and those the script adds: a second Leeds officer
// (two authors editing one bid) and more suppliers (several responding at
// once).
const (
	leedsGSS     = "E08000035"
	bradfordGSS  = "E08000032"
	leedsOfficer = "cio@leeds.gov.uk"
	leedsAuthor  = "fault.author@leeds.gov.uk"
	bradOfficer  = "digital@bradford.gov.uk"
	councillor   = "cllr.hughes@leeds.gov.uk"
	demoSupplier = "bids@penninedigital.example"
	admin        = "admin@jointly.example"
	extraSupply  = 5 // suppliers added beside the demo's
)

// dataset is what setUp built: how, and who may sign in.
type dataset struct {
	steps     []string // the commands, for the report
	summary   string   // what the scale seed said
	took      time.Duration
	password  string
	suppliers []string          // every supplier's email, the demo's first
	tokens    map[string]string // email → API token
}

var demoPassword = regexp.MustCompile(`password for all: ([^)]+)\)`)

// setUp makes the database: schema, councils (mySociety's, when the file
// is there), the demo seed, the national-scale seed at the configured
// size, the extra people, and an API token each.
func setUp(ctx context.Context, w *workspace, cfg config) (dataset, error) {
	start := time.Now()
	ds := dataset{tokens: map[string]string{}}
	step := func(stdin string, args ...string) (string, error) {
		out, err := w.jointly(ctx, 10*time.Minute, stdin, args...)
		return out, err
	}
	if _, err := step("", "migrate"); err != nil {
		return ds, err
	}
	ds.steps = append(ds.steps, "jointly migrate")
	if _, err := os.Stat(cfg.councilsCSV); err == nil {
		if _, err := step("", "import", "councils", cfg.councilsCSV); err != nil {
			return ds, err
		}
		ds.steps = append(ds.steps, "jointly import councils uk_local_authorities.csv (mySociety)")
	} else {
		w.logf("%s is missing: the scale seed makes up every council", cfg.councilsCSV)
	}
	out, err := step("", "seed", "--demo")
	if err != nil {
		return ds, err
	}
	ds.steps = append(ds.steps, "jointly seed --demo")
	m := demoPassword.FindStringSubmatch(out)
	if m == nil {
		return ds, fmt.Errorf("seed --demo did not print the demo password: %s", out)
	}
	ds.password = m[1]
	scale := []string{"seed", "--scale", "national", "--contracts", fmt.Sprint(cfg.contracts), "--users", fmt.Sprint(cfg.users)}
	if ds.summary, err = step("", scale...); err != nil {
		return ds, err
	}
	ds.steps = append(ds.steps, fmt.Sprintf("jointly seed --scale national --contracts %d --users %d", cfg.contracts, cfg.users))

	if _, err := step(ds.password+"\n", "user", "add", "--email", leedsAuthor, "--name", "Fault Test Author",
		"--role", "officer", "--council", leedsGSS, "--password-stdin"); err != nil {
		return ds, err
	}
	ds.suppliers = []string{demoSupplier}
	for i := 1; i <= extraSupply; i++ {
		email := fmt.Sprintf("fault.supplier%d@suppliers.example", i)
		if _, err := step(ds.password+"\n", "user", "add", "--email", email, "--name", fmt.Sprintf("Fault Test Bidder %d", i),
			"--role", "supplier", "--supplier", fmt.Sprintf("Fault Test Bidder %d Ltd", i), "--password-stdin"); err != nil {
			return ds, err
		}
		ds.suppliers = append(ds.suppliers, email)
	}
	ds.steps = append(ds.steps, fmt.Sprintf("jointly user add: a second Leeds officer and %d suppliers", extraSupply))
	for _, email := range append([]string{leedsOfficer, leedsAuthor, bradOfficer, councillor}, ds.suppliers...) {
		tok, err := step("", "token", "create", "--email", email, "--name", "fault script")
		if err != nil {
			return ds, err
		}
		ds.tokens[email] = tok
	}
	ds.steps = append(ds.steps, "jointly token create for each person who calls the API")
	ds.took = time.Since(start)
	return ds, nil
}
