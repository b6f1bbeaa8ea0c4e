package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"jointly/handlers"
	"jointly/jobs"
	"jointly/mailer"
	"jointly/models"
)

// Config is every setting, in one place: defaults, then JOINTLY_*
// environment variables, then flags. Secrets are never printed.
type Config struct {
	Addr       string
	DB         string
	BaseURL    string
	SessionKey string
	OutboxDir  string
	UploadsDir string
	MailFrom   string
	SMTPURL    string
	BackupDir  string
	BackupKeep int
	// Schedules replaces jobs' default schedules: job name → cron
	// expression (--schedule NAME=SPEC, JOINTLY_SCHEDULE_NAME).
	Schedules      map[string]string
	LogLevel       string
	TrustedProxies string

	EntraClientID, EntraClientSecret, EntraTenant string
	GoogleClientID, GoogleClientSecret            string
	OIDCIssuer, OIDCClientID, OIDCClientSecret    string
	OIDCLabel                                     string

	// OCIDPrefix starts the ocid of every OCDS release exported. The
	// default, ocds-jointly, is a placeholder: a publisher registers its
	// own prefix with the Open Contracting Partnership.
	OCIDPrefix string

	// Now, when set, runs the server as if it were that instant (the
	// clock then moves on at the real pace): --now 2027-03-01T09:00:00Z.
	Now string
	now time.Time
}

// newFlagSet makes a subcommand's flag set whose errors go to stderr and
// come back as usage errors.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("jointly "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args; a flag error is a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usagef("%s: help requested", fs.Name())
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// dbFlag binds --db (JOINTLY_DB), which every command that touches the
// database takes.
func dbFlag(fs *flag.FlagSet, cfg *Config, getenv func(string) string) {
	fs.StringVar(&cfg.DB, "db", envOr(getenv, "JOINTLY_DB", filepath.Join("data", "jointly.db")), "SQLite database file (JOINTLY_DB)")
}

// ocidPrefixFlag binds --ocid-prefix (JOINTLY_OCID_PREFIX), which serve
// and export ocds take.
func ocidPrefixFlag(fs *flag.FlagSet, cfg *Config, getenv func(string) string) {
	fs.StringVar(&cfg.OCIDPrefix, "ocid-prefix", envOr(getenv, "JOINTLY_OCID_PREFIX", models.DefaultOCIDPrefix),
		"prefix of exported OCDS ocids, registered with the Open Contracting Partnership (JOINTLY_OCID_PREFIX)")
}

// jobFlags binds what the scheduled jobs read, which serve and jobs run
// share: mail, links, the signing key, backups and schedules.
func jobFlags(fs *flag.FlagSet, cfg *Config, getenv func(string) string) {
	fs.StringVar(&cfg.SessionKey, "session-key", getenv("JOINTLY_SESSION_KEY"), "secret of at least 32 characters that signs form tokens and unsubscribe links (JOINTLY_SESSION_KEY; default: a key kept in the database)")
	fs.StringVar(&cfg.OutboxDir, "outbox", getenv("JOINTLY_OUTBOX"), "folder where outgoing email is written when no SMTP server is set (JOINTLY_OUTBOX; default: outbox beside the database)")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", getenv("JOINTLY_SMTP_URL"), "SMTP server for outgoing email, smtp://user:pass@host:587 (STARTTLS) or smtps://…:465 (JOINTLY_SMTP_URL; default: write .eml files to --outbox)")
	fs.StringVar(&cfg.MailFrom, "mail-from", envOr(getenv, "JOINTLY_MAIL_FROM", "Jointly <no-reply@jointly.invalid>"), "From address of email (JOINTLY_MAIL_FROM)")
	fs.StringVar(&cfg.BackupDir, "backups", getenv("JOINTLY_BACKUPS"), "folder for the nightly backups (JOINTLY_BACKUPS; default: backups beside the database)")
	keep := 7
	if v := getenv("JOINTLY_BACKUP_KEEP"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			keep = n
		} else {
			keep = -1 // reported by validateJobs
		}
	}
	fs.IntVar(&cfg.BackupKeep, "backup-keep", keep, "how many nightly backups to keep (JOINTLY_BACKUP_KEEP)")
	cfg.Schedules = map[string]string{}
	for _, j := range jobs.All() {
		if spec := getenv(scheduleEnv(j.Name)); spec != "" {
			cfg.Schedules[j.Name] = spec
		}
	}
	fs.Func("schedule", "`NAME=SPEC`: run job NAME on cron schedule SPEC in UK time, e.g. digest='0 7 * * *' (repeatable; JOINTLY_SCHEDULE_DIGEST=…)", func(v string) error {
		name, spec, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("%q is not NAME=SPEC", v)
		}
		cfg.Schedules[strings.TrimSpace(name)] = strings.TrimSpace(spec)
		return nil
	})
}

// scheduleEnv is the environment variable that sets job name's schedule:
// JOINTLY_SCHEDULE_EXPIRY_ALERTS for expiry-alerts.
func scheduleEnv(name string) string {
	return "JOINTLY_SCHEDULE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// validateJobs fills job defaults and checks them, adding to errs.
func (cfg *Config) validateJobs(errs []error) []error {
	if cfg.OutboxDir == "" {
		cfg.OutboxDir = filepath.Join(filepath.Dir(cfg.DB), "outbox")
	}
	if cfg.BackupDir == "" {
		cfg.BackupDir = filepath.Join(filepath.Dir(cfg.DB), "backups")
	}
	if cfg.BackupKeep < 1 {
		errs = append(errs, errors.New("--backup-keep must be a whole number of at least 1"))
	}
	if cfg.SMTPURL != "" {
		if _, err := mailer.ParseSMTPURL(cfg.SMTPURL); err != nil {
			errs = append(errs, fmt.Errorf("--smtp-url: %v", err))
		}
	}
	if _, err := mail.ParseAddress(cfg.MailFrom); err != nil {
		errs = append(errs, fmt.Errorf("--mail-from %q is not an email address", cfg.MailFrom))
	}
	if err := jobs.ParseSchedules(cfg.Schedules); err != nil {
		errs = append(errs, err)
	}
	if cfg.SessionKey != "" && len(cfg.SessionKey) < 32 {
		errs = append(errs, errors.New("--session-key must be at least 32 characters"))
	}
	return errs
}

// serveFlags binds everything serve reads.
func serveFlags(fs *flag.FlagSet, cfg *Config, getenv func(string) string) {
	dbFlag(fs, cfg, getenv)
	fs.StringVar(&cfg.Addr, "addr", envOr(getenv, "JOINTLY_ADDR", "127.0.0.1:8080"), "address to listen on (JOINTLY_ADDR)")
	fs.StringVar(&cfg.BaseURL, "base-url", getenv("JOINTLY_BASE_URL"), "public URL, for links in emails and sign-on callbacks (JOINTLY_BASE_URL; default http://ADDR)")
	jobFlags(fs, cfg, getenv)
	fs.StringVar(&cfg.UploadsDir, "uploads", getenv("JOINTLY_UPLOADS"), "folder where library attachments are kept (JOINTLY_UPLOADS; default: uploads beside the database)")
	fs.StringVar(&cfg.LogLevel, "log-level", envOr(getenv, "JOINTLY_LOG_LEVEL", "info"), "debug, info, warn or error (JOINTLY_LOG_LEVEL)")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxies", getenv("JOINTLY_TRUSTED_PROXIES"), "comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed (JOINTLY_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.EntraClientID, "entra-client-id", getenv("JOINTLY_ENTRA_CLIENT_ID"), "Microsoft Entra ID application (client) ID (JOINTLY_ENTRA_CLIENT_ID)")
	fs.StringVar(&cfg.EntraClientSecret, "entra-client-secret", getenv("JOINTLY_ENTRA_CLIENT_SECRET"), "Entra ID client secret (JOINTLY_ENTRA_CLIENT_SECRET)")
	fs.StringVar(&cfg.EntraTenant, "entra-tenant", envOr(getenv, "JOINTLY_ENTRA_TENANT", "organizations"), "Entra ID tenant ID, or organizations (JOINTLY_ENTRA_TENANT)")
	fs.StringVar(&cfg.GoogleClientID, "google-client-id", getenv("JOINTLY_GOOGLE_CLIENT_ID"), "Google OAuth client ID (JOINTLY_GOOGLE_CLIENT_ID)")
	fs.StringVar(&cfg.GoogleClientSecret, "google-client-secret", getenv("JOINTLY_GOOGLE_CLIENT_SECRET"), "Google OAuth client secret (JOINTLY_GOOGLE_CLIENT_SECRET)")
	fs.StringVar(&cfg.OIDCIssuer, "oidc-issuer", getenv("JOINTLY_OIDC_ISSUER"), "OpenID Connect issuer URL (JOINTLY_OIDC_ISSUER)")
	fs.StringVar(&cfg.OIDCClientID, "oidc-client-id", getenv("JOINTLY_OIDC_CLIENT_ID"), "OpenID Connect client ID (JOINTLY_OIDC_CLIENT_ID)")
	fs.StringVar(&cfg.OIDCClientSecret, "oidc-client-secret", getenv("JOINTLY_OIDC_CLIENT_SECRET"), "OpenID Connect client secret (JOINTLY_OIDC_CLIENT_SECRET)")
	fs.StringVar(&cfg.OIDCLabel, "oidc-label", envOr(getenv, "JOINTLY_OIDC_LABEL", "your organisation's account"), "name on the OpenID Connect sign-in button (JOINTLY_OIDC_LABEL)")
	ocidPrefixFlag(fs, cfg, getenv)
	fs.StringVar(&cfg.Now, "now", getenv("JOINTLY_NOW"), "run as if it were this RFC 3339 time, for demonstrating and testing deadlines; every page says so (JOINTLY_NOW)")
}

// validateServe fills derived defaults and reports every problem at once.
func (cfg *Config) validateServe() error {
	var errs []error
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q is not HOST:PORT", cfg.Addr))
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + cfg.Addr
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("--base-url %q is not an http(s) URL", cfg.BaseURL))
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if !models.ValidOCIDPrefix(cfg.OCIDPrefix) {
		errs = append(errs, fmt.Errorf("--ocid-prefix %q must be letters, digits and hyphens, like ocds-213czf", cfg.OCIDPrefix))
	}
	errs = cfg.validateJobs(errs)
	if cfg.Now != "" {
		t, err := time.Parse(time.RFC3339, cfg.Now)
		if err != nil {
			errs = append(errs, fmt.Errorf("--now %q is not an RFC 3339 time like 2027-03-01T09:00:00Z", cfg.Now))
		}
		cfg.now = t
	}
	if cfg.UploadsDir == "" {
		cfg.UploadsDir = filepath.Join(filepath.Dir(cfg.DB), "uploads")
	}
	switch cfg.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q is not debug, info, warn or error", cfg.LogLevel))
	}
	pairs := []struct{ name, id, secret string }{
		{"Entra ID", cfg.EntraClientID, cfg.EntraClientSecret},
		{"Google", cfg.GoogleClientID, cfg.GoogleClientSecret},
		{"OpenID Connect", cfg.OIDCClientID, cfg.OIDCClientSecret},
	}
	for _, p := range pairs {
		if (p.id == "") != (p.secret == "") {
			errs = append(errs, fmt.Errorf("%s sign-in needs both a client ID and a client secret", p.name))
		}
	}
	if cfg.OIDCClientID != "" {
		if u, err := url.Parse(cfg.OIDCIssuer); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("--oidc-issuer %q is not a URL", cfg.OIDCIssuer))
		}
	}
	if len(errs) > 0 {
		return usageError{errors.Join(errs...).Error()}
	}
	return nil
}

// ssoProviders lists the enabled single sign-on providers.
func (cfg *Config) ssoProviders() []handlers.SSOProvider {
	var out []handlers.SSOProvider
	if cfg.EntraClientID != "" {
		out = append(out, handlers.EntraProvider(cfg.BaseURL, cfg.EntraClientID, cfg.EntraClientSecret, cfg.EntraTenant))
	}
	if cfg.GoogleClientID != "" {
		out = append(out, handlers.GoogleProvider(cfg.BaseURL, cfg.GoogleClientID, cfg.GoogleClientSecret))
	}
	if cfg.OIDCClientID != "" {
		out = append(out, handlers.OIDCProvider(cfg.BaseURL, cfg.OIDCIssuer, cfg.OIDCClientID, cfg.OIDCClientSecret, cfg.OIDCLabel))
	}
	return out
}

func (cfg *Config) trustedProxies() []string {
	var out []string
	for _, p := range strings.Split(cfg.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
