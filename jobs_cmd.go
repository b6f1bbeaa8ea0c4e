package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"jointly/jobs"
	"jointly/mailer"
	"jointly/models"
)

// jobSetup builds what the jobs need from cfg (validated): the signing key
// (the configured one, or the one kept in the database), the outbox and
// its sender (SMTP when --smtp-url is set, .eml files otherwise) and the
// scheduler, not started.
func jobSetup(ctx context.Context, cfg *Config, db *models.DB, log *slog.Logger) (jobs.Deps, *jobs.Scheduler, error) {
	key := []byte(cfg.SessionKey)
	if len(key) == 0 {
		var err error
		if key, err = db.SigningKey(ctx); err != nil {
			return jobs.Deps{}, nil, err
		}
	}
	var transport mailer.Transport = mailer.FileTransport{Dir: cfg.OutboxDir}
	if cfg.SMTPURL != "" {
		t, err := mailer.ParseSMTPURL(cfg.SMTPURL)
		if err != nil {
			return jobs.Deps{}, nil, err
		}
		transport = t
	}
	sender := &mailer.Sender{DB: db, Transport: transport, From: cfg.MailFrom, Logger: log}
	deps := jobs.Deps{DB: db, Outbox: &models.Outbox{DB: db, Notify: sender.Wake}, Sender: sender, BaseURL: cfg.BaseURL,
		SigningKey: key, BackupDir: cfg.BackupDir, BackupKeep: cfg.BackupKeep, Logger: log}
	sched, err := jobs.New(deps, cfg.Schedules)
	if err != nil {
		return jobs.Deps{}, nil, usageError{err.Error()}
	}
	return deps, sched, nil
}

// cmdJobs: jobs list | jobs run NAME [--for DATE] [--force].
func cmdJobs(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "run") {
		return usagef("jobs: say list or run NAME")
	}
	sub := args[0]
	var cfg Config
	fs := newFlagSet("jobs "+sub, stderr)
	dbFlag(fs, &cfg, getenv)
	jobFlags(fs, &cfg, getenv)
	fs.StringVar(&cfg.BaseURL, "base-url", envOr(getenv, "JOINTLY_BASE_URL", "http://127.0.0.1:8080"), "public URL, for links in emails (JOINTLY_BASE_URL)")
	fs.StringVar(&cfg.LogLevel, "log-level", envOr(getenv, "JOINTLY_LOG_LEVEL", "warn"), "debug, info, warn or error (JOINTLY_LOG_LEVEL)")
	forDate := fs.String("for", "", "run for the period of this UK date (2026-11-21) or time (RFC 3339) instead of the one due now")
	force := fs.Bool("force", false, "run even if the period has already run successfully")
	rest := args[1:]
	name := ""
	if sub == "run" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return usagef("jobs run: name the job (jointly jobs list shows them)")
		}
		name, rest = rest[0], rest[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("jobs %s: unexpected %q", sub, fs.Args())
	}
	if sub == "run" && !knownJob(name) {
		return usagef("jobs run: there is no job %q; the jobs are %s", name, strings.Join(jobNames(), ", "))
	}
	if sub == "list" && (*forDate != "" || *force) {
		return usagef("jobs list takes no --for or --force")
	}
	if errs := cfg.validateJobs(nil); len(errs) > 0 {
		return usagef("%v", joinErrs(errs))
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	deps, sched, err := jobSetup(ctx, &cfg, db, newLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	if sub == "list" {
		return listJobs(ctx, db, sched, stdout)
	}
	opts := jobs.RunOptions{Force: *force, Trigger: models.TriggerCommand}
	if *forDate != "" {
		if opts.Period, err = periodFor(sched, name, *forDate); err != nil {
			return err
		}
	}
	res, err := sched.Run(ctx, name, opts)
	if err != nil {
		return err
	}
	// Deliver what the run queued (and anything else due) before exiting.
	sent, failed, derr := deps.Sender.DeliverDue(ctx)
	fmt.Fprintln(stdout, res.String())
	if sent+failed > 0 || derr != nil {
		fmt.Fprintf(stdout, "mail: %d delivered, %d not delivered (%s)\n", sent, failed, deps.Sender.Transport)
	}
	if res.Err != nil {
		return res.Err
	}
	return derr
}

func jobNames() []string {
	var names []string
	for _, j := range jobs.All() {
		names = append(names, j.Name)
	}
	return names
}

func knownJob(name string) bool { return slices.Contains(jobNames(), name) }

// periodFor reads --for: a UK date, or an RFC 3339 time.
func periodFor(sched *jobs.Scheduler, name, s string) (jobs.Period, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return sched.PeriodFor(name, t)
	}
	d, err := models.ParseISODate(s)
	if err != nil {
		return jobs.Period{}, usagef("--for %q is not a date like 2026-11-21 or a time like 2026-11-21T06:00:00Z", s)
	}
	return sched.PeriodOn(name, d)
}

// listJobs prints each job, its schedule, next run and latest run.
func listJobs(ctx context.Context, db *models.DB, sched *jobs.Scheduler, stdout io.Writer) error {
	latest, err := db.LatestJobRuns(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "JOB\tSCHEDULE (UK TIME)\tNEXT\tLAST RUN\tSTATUS")
	for _, j := range sched.Jobs() {
		last, status := "never", ""
		if r, ok := latest[j.Name]; ok {
			last, status = r.Period, r.Status
			if r.Error != "" {
				status += ": " + r.Error
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", j.Name, j.Spec, models.FormatUKTime(j.Next), last, status)
	}
	return w.Flush()
}

func joinErrs(errs []error) string {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}
