package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"jointly/handlers"
	"jointly/models"
)

// cmdServe: config → logger → DB → migrate → templates → handlers → jobs →
// serve → graceful shutdown (HTTP server, then jobs, then DB).
func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("serve", stderr)
	serveFlags(fs, &cfg, getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments, got %q", fs.Args())
	}
	if err := cfg.validateServe(); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	db, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if !cfg.now.IsZero() {
		db.Clock = models.NewOffsetClock(cfg.now)
		log.Warn("running on a simulated clock", "now", cfg.now.Format(time.RFC3339))
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	deps, sched, err := jobSetup(ctx, &cfg, db, log)
	if err != nil {
		return err
	}
	key, outbox := deps.SigningKey, deps.Outbox
	h, err := handlers.New(db, outbox, log, handlers.Config{
		BaseURL: cfg.BaseURL, SigningKey: key, TrustedProxies: cfg.trustedProxies(), SSO: cfg.ssoProviders(), Version: version,
		OCIDPrefix: cfg.OCIDPrefix, SimulatedClock: !cfg.now.IsZero(), UploadsDir: cfg.UploadsDir, Scheduler: sched,
	}, reg)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h.Router(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// Mail: the sender delivers the outbox as messages are queued, and
	// retries on its own clock. The scheduler catches up missed periods,
	// then runs every job on its schedule.
	jobsCtx, stopMail := context.WithCancel(context.WithoutCancel(ctx))
	mailDone := make(chan struct{})
	go func() { defer close(mailDone); deps.Sender.Run(jobsCtx, 30*time.Second) }()
	sched.Start(jobsCtx)
	stopJobs := func(ctx context.Context) {
		if err := sched.Stop(ctx); err != nil {
			log.Warn("stopped the jobs mid-run", "err", err.Error())
		}
		stopMail()
		<-mailDone
	}
	defer stopJobs(context.Background()) // on an early return; a no-op after the shutdown below
	log.Info("serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "db", cfg.DB, "version", version)
	fmt.Fprintf(stdout, "Jointly is serving %s (listening on %s)\n", cfg.BaseURL, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	stopJobs(shutdownCtx)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, path string) (*models.DB, error) {
	db, err := models.Open(path, models.SystemClock{})
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}
