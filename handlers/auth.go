package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

const (
	userKey          = "jointly.user"
	sessionHandleKey = "jointly.session"
	viaTokenKey      = "jointly.via_token"
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

func (h *Handlers) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: h.cookieName(name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.Config.secure(), SameSite: http.SameSiteLaxMode,
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
// session cookie (browsers). A bad bearer token is refused outright.
func (h *Handlers) authenticate(c *gin.Context) {
	ctx := c.Request.Context()
	if authz := c.GetHeader("Authorization"); authz != "" {
		secret, ok := strings.CutPrefix(authz, "Bearer ")
		if !ok {
			h.problem(c, http.StatusUnauthorized, "Unauthorised", "Send a personal API token as: Authorization: Bearer TOKEN")
			return
		}
		u, err := h.DB.TokenUser(ctx, strings.TrimSpace(secret))
		if errors.Is(err, models.ErrNotFound) {
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

// signIn starts a session and sets its cookie.
func (h *Handlers) signIn(c *gin.Context, u models.User) error {
	secret, err := h.DB.CreateSession(c.Request.Context(), u.ID, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return err
	}
	h.setCookie(c, "jointly_session", secret, int(models.SessionLifetime.Seconds()))
	return nil
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
