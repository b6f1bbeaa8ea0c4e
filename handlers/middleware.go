package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type ctxKey int

const requestIDKey ctxKey = iota

// RequestID returns the request ID carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestID gives every request an ID, kept from a proxy's X-Request-ID
// when it looks like one, and puts it in the context so every log line
// carries it.
func (h *Handlers) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if !requestIDPattern.MatchString(id) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey, id))
	c.Header("X-Request-ID", id)
	c.Next()
}

// accessLog writes one JSON line per request.
func (h *Handlers) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	level := slog.LevelInfo
	if c.Writer.Status() >= 500 {
		level = slog.LevelError
	}
	h.Log.LogAttrs(c.Request.Context(), level, "request",
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.String("route", c.FullPath()),
		slog.Int("status", c.Writer.Status()),
		slog.Int("bytes", c.Writer.Size()),
		slog.Duration("duration", time.Since(start)),
		slog.String("ip", c.ClientIP()),
	)
}

// recover turns a panic into the 500 page with the request ID.
func (h *Handlers) recover(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.fail(c, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			c.Abort()
		}
	}()
	c.Next()
}

// contentSecurityPolicy allows only Jointly's own scripts, styles, images
// and fonts: no inline script or style anywhere, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (h *Handlers) securityHeaders(c *gin.Context) {
	w := c.Writer.Header()
	w.Set("Content-Security-Policy", contentSecurityPolicy)
	w.Set("X-Content-Type-Options", "nosniff")
	w.Set("X-Frame-Options", "DENY")
	w.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	w.Set("Cross-Origin-Opener-Policy", "same-origin")
	w.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if h.secureRequest(c) {
		w.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	c.Next()
}

// secureRequest reports whether the browser reached Jointly over HTTPS,
// so responses carry HSTS and cookies the Secure flag: the base URL is
// https (--base-url), the connection itself is TLS, or a trusted proxy
// (--trusted-proxies) says so in X-Forwarded-Proto. The header is believed
// only from a trusted proxy: anyone else could send it.
func (h *Handlers) secureRequest(c *gin.Context) bool {
	if h.Config.secure() || c.Request.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(c.GetHeader("X-Forwarded-Proto"), ",")
	if !strings.EqualFold(strings.TrimSpace(proto), "https") {
		return false
	}
	return h.fromTrustedProxy(c)
}

// fromTrustedProxy reports whether the connection comes from one of the
// trusted proxies: addresses or CIDRs, as gin reads them for ClientIP.
func (h *Handlers) fromTrustedProxy(c *gin.Context) bool {
	ip, err := netip.ParseAddr(c.RemoteIP())
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range h.Config.TrustedProxies {
		p = strings.TrimSpace(p)
		if !strings.Contains(p, "/") {
			if a, err := netip.ParseAddr(p); err == nil && a.Unmap() == ip {
				return true
			}
			continue
		}
		if n, err := netip.ParsePrefix(p); err == nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// maxBodyBytes caps request bodies; an upload route raises its own cap
// with allowBody.
const maxBodyBytes = 1 << 20

// allowBody sets the body cap of one route (bound in routes.go). The cap
// is applied before the CSRF check reads the form, so it must be known
// by route, not set by the handler.
func (h *Handlers) allowBody(method, path string, n int64) {
	if h.bodyLimits == nil {
		h.bodyLimits = map[string]int64{}
	}
	h.bodyLimits[method+" "+path] = n
}

func (h *Handlers) limitBody(c *gin.Context) {
	limit, upload := h.bodyLimits[c.Request.Method+" "+c.FullPath()]
	if !upload {
		limit = maxBodyBytes
	}
	// A body that says it is too large is refused with a message that
	// says so, before the form (and its CSRF token) fails to parse. One
	// that grows too large unannounced (chunked) is cut off at the limit
	// by MaxBytesReader, and refused where it is read (tooLarge).
	if c.Request.ContentLength > limit {
		h.tooLarge(c, limit)
		return
	}
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// tooLarge answers 413 for a request body over limit bytes, saying what
// to send instead; nothing of it has been acted on.
func (h *Handlers) tooLarge(c *gin.Context, limit int64) {
	_, upload := h.bodyLimits[c.Request.Method+" "+c.FullPath()]
	msg := fmt.Sprintf("The request is too large: send %d bytes or fewer.", limit)
	switch {
	case isAPI(c):
	case upload && strings.HasPrefix(c.ContentType(), "multipart/"):
		msg = fmt.Sprintf("The file is too large: upload one of %d MB or less.", limit>>20)
	default:
		msg = fmt.Sprintf("The form is too large: Jointly takes forms of up to %d MB. Nothing has been saved.", max(limit>>20, 1))
	}
	h.fail(c, &models.PublicError{Status: http.StatusRequestEntityTooLarge, Message: msg})
}
