package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

const (
	userKey          = "jointly.user"
	sessionHandleKey = "jointly.session"
	viaTokenKey      = "jointly.via_token" // #nosec G101 -- the name of a gin context key, not a credential
	csrfKey          = "jointly.csrf"
)

// currentUser is the signed-in user, or nil for an anonymous visitor.
func currentUser(c *gin.Context) *models.User {
	u, _ := c.Get(userKey)
	user, _ := u.(*models.User)
	return user
}

func currentRole(c *gin.Context) models.Role {
	if u := currentUser(c); u != nil {
		return u.Role
	}
	return models.RoleAnonymous
}

func (h *Handlers) cookieName(base string) string {
	if h.Config.secure() {
		return "__Host-" + base // Secure, Path=/ and no Domain, enforced by browsers
	}
	return base
}

// setCookie sets one of Jointly's cookies: HttpOnly, SameSite=Lax, and
// Secure whenever the browser reached Jointly over HTTPS (secureRequest).
func (h *Handlers) setCookie(c *gin.Context, name, value string, maxAge int) {
	// #nosec G124 -- Secure is set whenever the request came over HTTPS (the base URL, TLS or a trusted proxy says so); over plain HTTP, in development, a browser would drop a Secure cookie.
	http.SetCookie(c.Writer, &http.Cookie{
		Name: h.cookieName(name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.secureRequest(c), SameSite: http.SameSiteLaxMode,
	})
}

func (h *Handlers) cookie(c *gin.Context, name string) string {
	v, err := c.Cookie(h.cookieName(name))
	if err != nil {
		return ""
	}
	return v
}

// authenticate finds who is asking: a bearer token (API clients) or the
// session cookie (browsers). A bad bearer token is refused outright, and
// counted against the address: past models.TokenLimitPerAddress bad
// tokens in models.LoginWindow, the address gets 429 until the oldest
// leaves the window. Bad emailed-link secrets (linkRoutes) are limited
// the same way.
func (h *Handlers) authenticate(c *gin.Context) {
	ctx := c.Request.Context()
	if linkRoutes[c.FullPath()] {
		if !h.attemptAllowed(c, models.AttemptLink) {
			return
		}
		defer h.countBadLink(c)
	}
	if authz := c.GetHeader("Authorization"); authz != "" {
		secret, ok := strings.CutPrefix(authz, "Bearer ")
		if !ok {
			h.problem(c, http.StatusUnauthorized, "Unauthorised", "Send a personal API token as: Authorization: Bearer TOKEN")
			return
		}
		if !h.attemptAllowed(c, models.AttemptToken) {
			return
		}
		u, err := h.DB.TokenUser(ctx, strings.TrimSpace(secret))
		if errors.Is(err, models.ErrNotFound) {
			if err := h.DB.RecordAttemptFailure(ctx, models.AttemptToken, c.ClientIP()); err != nil {
				h.fail(c, err)
				return
			}
			h.problem(c, http.StatusUnauthorized, "Unauthorised", "The API token is not valid: it may have been revoked.")
			return
		}
		if err != nil {
			h.fail(c, err)
			return
		}
		c.Set(userKey, &u)
		c.Set(viaTokenKey, true)
		c.Next()
		return
	}
	if secret := h.cookie(c, "jointly_session"); secret != "" {
		u, handle, err := h.DB.SessionUser(ctx, secret)
		switch {
		case err == nil:
			c.Set(userKey, &u)
			c.Set(sessionHandleKey, handle)
		case errors.Is(err, models.ErrNotFound):
			h.setCookie(c, "jointly_session", "", -1)
		default:
			h.fail(c, err)
			return
		}
	}
	c.Next()
}

// linkRoutes are the routes whose URL carries an emailed link's secret;
// each answers 404 when the secret is wrong, expired or used.
var linkRoutes = map[string]bool{
	"/password/reset/:secret":   true,
	"/invitations/:secret":      true,
	"/suppliers/verify/:secret": true,
	unsubscribePath:             true,
}

// attemptAllowed answers 429, and false, when the client's address has
// had too many bad tokens or links (kind) lately.
func (h *Handlers) attemptAllowed(c *gin.Context, kind models.AttemptKind) bool {
	ok, until, err := h.DB.AttemptAllowed(c.Request.Context(), kind, c.ClientIP())
	if err != nil {
		h.fail(c, err)
		return false
	}
	if ok {
		return true
	}
	what := "API tokens"
	if kind == models.AttemptLink {
		what = "links"
	}
	c.Header("Retry-After", strconv.Itoa(max(int(until.Sub(h.DB.Clock.Now()).Seconds())+1, 1)))
	h.fail(c, &models.PublicError{Status: http.StatusTooManyRequests, Message: fmt.Sprintf(
		"Too many %s that do not work have been tried from your address. Wait until %s and try again.",
		what, templates.FormatDateTime(until, h.london))})
	return false
}

// countBadLink counts a link route's 404 (a wrong, expired or used
// secret) against the client's address.
func (h *Handlers) countBadLink(c *gin.Context) {
	if c.Writer.Status() != http.StatusNotFound {
		return
	}
	if err := h.DB.RecordAttemptFailure(c.Request.Context(), models.AttemptLink, c.ClientIP()); err != nil {
		h.Log.ErrorContext(c.Request.Context(), "count bad link", "err", err.Error())
	}
}

// authorize asks the policy whether the current user may take action. An
// anonymous visitor is sent to sign in (or gets 401 from the API); a
// signed-in user who may not gets 403.
func (h *Handlers) authorize(action models.Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		if models.Allowed(currentRole(c), action) {
			c.Next()
			return
		}
		if currentUser(c) != nil {
			h.fail(c, models.ErrForbidden)
			return
		}
		if isAPI(c) {
			h.problem(c, http.StatusUnauthorized, "Unauthorised", "Sign in, or send a personal API token as: Authorization: Bearer TOKEN")
			return
		}
		next := "/"
		if c.Request.Method == http.MethodGet {
			next = c.Request.URL.RequestURI()
		}
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		c.Abort()
	}
}

// csrf protects every state-changing request made with the session cookie
// twice over: the browser must say the request is same-origin (Go's
// CrossOriginProtection reads Sec-Fetch-Site and Origin), and the form
// must carry a token signed for this browser's CSRF cookie and session.
// Requests authenticated by a bearer token carry no ambient credential, so
// they need only the first check; so do the routes in noFormToken
// (routes.go), whose URL carries a signed credential of its own.
func (h *Handlers) csrf(c *gin.Context) {
	secret := h.cookie(c, "jointly_csrf")
	if len(secret) != 43 && !isAPI(c) {
		secret = randomToken()
		h.setCookie(c, "jointly_csrf", secret, 0)
	}
	handle, _ := c.Get(sessionHandleKey)
	want := h.csrfToken(secret, handle)
	c.Set(csrfKey, want)
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		c.Next()
		return
	}
	if err := h.origin.Check(c.Request); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusForbidden, Message: "Jointly refused a request that came from another website."})
		return
	}
	// A bearer token, or an API request with no session at all, carries
	// no ambient credential to forge: the policy answers it (401 when
	// anonymous), not a form-token check it could never pass.
	if c.GetBool(viaTokenKey) || (isAPI(c) && currentUser(c) == nil) {
		c.Next()
		return
	}
	// A route whose URL carries its own signed credential (routes.go,
	// noFormToken) is answered on that credential: the one-click
	// unsubscribe comes from a mail client's server, which has no form.
	if noFormToken[c.Request.Method+" "+c.FullPath()] {
		c.Next()
		return
	}
	got := c.GetHeader("X-CSRF-Token")
	if got == "" {
		// Read the form here, not through c.PostForm, which hides why it
		// could not: a body cut off at its size limit is a 413, not a
		// forged form.
		var err error
		if strings.HasPrefix(c.ContentType(), "multipart/") {
			err = c.Request.ParseMultipartForm(32 << 20)
		} else {
			err = c.Request.ParseForm()
		}
		if maxErr := (*http.MaxBytesError)(nil); errors.As(err, &maxErr) {
			h.tooLarge(c, maxErr.Limit)
			return
		}
		got = c.PostForm("csrf_token")
	}
	if !hmac.Equal([]byte(got), []byte(want)) {
		h.fail(c, &models.PublicError{Status: http.StatusForbidden,
			Message: "This form has expired or did not come from Jointly. Go back, reload the page and try again."})
		return
	}
	c.Next()
}

func (h *Handlers) csrfToken(secret string, handle any) string {
	m := hmac.New(sha256.New, h.Config.SigningKey)
	m.Write([]byte("csrf\x00" + secret + "\x00"))
	if s, ok := handle.(string); ok {
		m.Write([]byte(s))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signIn starts a session and sets its cookie, and marks this browser as
// known to the account (knownBrowser).
func (h *Handlers) signIn(c *gin.Context, u models.User) error {
	secret, err := h.DB.CreateSession(c.Request.Context(), u.ID, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return err
	}
	h.setCookie(c, "jointly_session", secret, int(models.SessionLifetime.Seconds()))
	at := h.DB.Clock.Now().Unix()
	h.setCookie(c, knownBrowserCookie, strconv.FormatInt(at, 10)+"."+h.knownBrowserMAC(u.Email, at), int(models.KnownBrowserFor.Seconds()))
	return nil
}

// knownBrowserCookie says which account last signed in in this browser,
// and when: "UNIX.MAC", signed with the signing key. Within
// models.KnownBrowserFor, that account's per-account sign-in limit does
// not apply here (models/login_limit.go), so nobody can lock its owner
// out by failing to sign in as them from elsewhere.
const knownBrowserCookie = "jointly_known"

func (h *Handlers) knownBrowserMAC(email string, at int64) string {
	m := hmac.New(sha256.New, h.Config.SigningKey)
	m.Write([]byte("known-browser\x00" + models.NormaliseEmail(email) + "\x00" + strconv.FormatInt(at, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// knownBrowser reports whether email's account signed in in this browser
// within models.KnownBrowserFor.
func (h *Handlers) knownBrowser(c *gin.Context, email string) bool {
	unix, mac, ok := strings.Cut(h.cookie(c, knownBrowserCookie), ".")
	at, err := strconv.ParseInt(unix, 10, 64)
	if !ok || err != nil {
		return false
	}
	if age := h.DB.Clock.Now().Sub(time.Unix(at, 0)); age < 0 || age > models.KnownBrowserFor {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(h.knownBrowserMAC(email, at)))
}

// signInAndGo signs u in, then sends them to path (303) with the flash
// message key, if any: the end of every way of signing in.
func (h *Handlers) signInAndGo(c *gin.Context, u models.User, flashKey, path string) {
	if err := h.signIn(c, u); err != nil {
		h.fail(c, err)
		return
	}
	if flashKey != "" {
		h.flash(c, flashKey)
	}
	seeOther(c, path)
}

// safeNext returns next if it is a path on this site, else "/": sign-in
// must never redirect elsewhere.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

// randomToken is 32 random bytes, URL-safe: 43 characters.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // cannot happen on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
