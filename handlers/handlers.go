// Package handlers is everything in Jointly that knows HTTP and gin. It
// holds no SQL: it asks models, then renders templates or JSON.
package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"jointly/assets"
	"jointly/jobs"
	"jointly/models"
	"jointly/templates"
)

// Config is what the handlers need to know about their deployment.
type Config struct {
	// SimulatedClock says the server runs on a clock set by --now, so
	// every page carries a banner saying what time it thinks it is.
	SimulatedClock bool
	// BaseURL is the public URL, used in emailed links and SSO callbacks.
	BaseURL string
	// SigningKey signs form (CSRF) tokens.
	SigningKey []byte
	// TrustedProxies are the addresses whose X-Forwarded-For is believed.
	TrustedProxies []string
	// SSO lists the enabled single sign-on providers.
	SSO []SSOProvider
	// Version is shown in /healthz.
	Version string
	// OCIDPrefix starts the ocid of every OCDS release exported;
	// models.DefaultOCIDPrefix if "". A real one is registered with the
	// Open Contracting Partnership.
	OCIDPrefix string
	// UploadsDir is where library attachments are kept; "" is the
	// uploads folder beside the database.
	UploadsDir string
	// Scheduler runs the scheduled jobs; the administrator's jobs page
	// lists them and runs one now.
	Scheduler *jobs.Scheduler
}

// secure reports whether Jointly is served over HTTPS, so cookies get the
// Secure flag and responses HSTS.
func (c Config) secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Handlers holds everything a request handler needs.
type Handlers struct {
	DB      *models.DB
	Outbox  *models.Outbox
	Log     *slog.Logger
	Config  Config
	pages   *templates.Renderer
	assets  *assets.Assets
	metrics *metrics
	london  *time.Location
	origin  *http.CrossOriginProtection
	routes  map[string]models.Action // "GET /councils/:gss" → action
	// bodyLimits are the routes whose body cap is not maxBodyBytes
	// (uploads): "POST /councils/:gss/contracts/import" → bytes.
	bodyLimits map[string]int64
	// overlapsIndex keeps the overlaps index's lists (overlaps_cache.go).
	overlapsIndex overlapsIndexCache
}

// New builds the handlers and checks every template.
func New(db *models.DB, outbox *models.Outbox, log *slog.Logger, cfg Config, reg prometheus.Registerer) (*Handlers, error) {
	if len(cfg.SigningKey) < 32 {
		return nil, fmt.Errorf("signing key must be at least 32 bytes")
	}
	if _, err := url.Parse(cfg.BaseURL); err != nil || cfg.BaseURL == "" {
		return nil, fmt.Errorf("base URL %q is not a URL", cfg.BaseURL)
	}
	a, err := assets.New()
	if err != nil {
		return nil, err
	}
	london := models.London()
	r, err := templates.New(templates.Funcs(a.URL, london))
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(reg, db)
	if err != nil {
		return nil, err
	}
	h := &Handlers{
		DB: db, Outbox: outbox, Log: log, Config: cfg,
		pages: r, assets: a, metrics: m, london: london,
		origin: http.NewCrossOriginProtection(),
		routes: map[string]models.Action{},
	}
	if err := h.origin.AddTrustedOrigin(strings.TrimSuffix(cfg.BaseURL, "/")); err != nil {
		return nil, fmt.Errorf("base URL as trusted origin: %w", err)
	}
	// A cross-origin request is refused by the CSRF middleware's own error
	// path, so it gets a proper 403 page.
	h.origin.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) }))
	return h, nil
}

// Router returns the HTTP handler for the whole site. Tests use this same
// constructor.
func (h *Handlers) Router() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// A trailing slash is redirected by NoRoute below rather than by gin,
	// whose redirect is sent before any middleware runs: without the
	// security headers and the request ID.
	r.RedirectTrailingSlash = false
	r.RemoveExtraSlash = true
	r.ContextWithFallback = true
	if err := r.SetTrustedProxies(h.Config.TrustedProxies); err != nil {
		h.Log.Error("trusted proxies", "err", err)
	}
	r.Use(h.requestID, h.accessLog, h.recover, h.securityHeaders, h.measure)
	// gin joins middleware to a route when the route is bound, so assets
	// and the health check, bound here, never read the session or set a
	// cookie on a response meant to be cached.
	h.bindSessionlessRoutes(r)
	r.Use(h.limitBody, h.authenticate, h.csrf)
	h.bindRoutes(r)
	r.NoRoute(func(c *gin.Context) {
		if to, ok := withoutTrailingSlash(c.Request); ok {
			c.Redirect(http.StatusMovedPermanently, to)
			return
		}
		h.fail(c, models.ErrNotFound)
	})
	r.NoMethod(func(c *gin.Context) {
		h.fail(c, &models.PublicError{Status: http.StatusMethodNotAllowed, Message: "That method is not allowed here."})
	})
	return r
}

// withoutTrailingSlash is where a GET or HEAD of a path ending in a slash
// goes: the same path (cleaned, so never "//host", which a browser would
// read as another site) without the slash, and the same query. A path
// that does not exist then answers 404 there.
func withoutTrailingSlash(r *http.Request) (string, bool) {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.Path == "/" || !strings.HasSuffix(r.URL.Path, "/") {
		return "", false
	}
	p := path.Clean(r.URL.Path)
	if p == "/" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return "", false
	}
	u := url.URL{Path: p, RawQuery: r.URL.RawQuery}
	return u.String(), true
}

// RouteActions lists every bound route with the action it requires, for
// the route × role test.
func (h *Handlers) RouteActions() map[string]models.Action { return h.routes }
