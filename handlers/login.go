package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

type loginPage struct {
	Page
	Email     string
	Next      string
	Providers []SSOProvider
}

type loginForm struct {
	Email    string `form:"email"`
	Password string `form:"password"`
	Next     string `form:"next"`
}

func (f *loginForm) Validate() *models.ValidationError {
	verr := &models.ValidationError{}
	f.Email = strings.TrimSpace(f.Email)
	if f.Email == "" {
		verr.Add("email", "Enter your email address")
	} else if !models.ValidEmail(models.NormaliseEmail(f.Email)) {
		verr.Add("email", "Enter an email address in the correct format, like name@council.gov.uk")
	}
	if f.Password == "" {
		verr.Add("password", "Enter your password")
	}
	return verr
}

func (h *Handlers) loginPage(c *gin.Context, email, next string) loginPage {
	return loginPage{Page: h.page(c), Email: email, Next: safeNext(next), Providers: h.Config.SSO}
}

func (h *Handlers) newLogin(c *gin.Context) {
	if currentUser(c) != nil {
		seeOther(c, safeNext(c.Query("next")))
		return
	}
	h.render(c, http.StatusOK, "login", h.loginPage(c, "", c.Query("next")))
}

// createLogin signs in with email and password: 303 to the page asked for,
// or 422 with the error summary. Failures are rate-limited per account and
// per address (429 past the limit).
func (h *Handlers) createLogin(c *gin.Context) {
	ctx := c.Request.Context()
	var f loginForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The sign-in form could not be read."})
		return
	}
	again := func(verr *models.ValidationError, status int) {
		data := h.loginPage(c, f.Email, f.Next)
		data.Errors = verr
		h.render(c, status, "login", data)
	}
	if verr := f.Validate(); verr.Err() != nil {
		again(verr, http.StatusUnprocessableEntity)
		return
	}
	ip := c.ClientIP()
	// In a browser the account has signed in from before, only the
	// per-address limit applies: failures from elsewhere cannot lock the
	// owner out (models/login_limit.go).
	ok, until, err := h.DB.LoginAllowedIn(ctx, f.Email, ip, h.knownBrowser(c, f.Email))
	if err != nil {
		h.fail(c, err)
		return
	}
	if !ok {
		verr := &models.ValidationError{}
		verr.Add("email", fmt.Sprintf("Too many failed attempts to sign in. Wait until %s and try again, or reset your password.",
			templates.FormatDateTime(until, h.london)))
		c.Header("Retry-After", fmt.Sprint(int(until.Sub(h.DB.Clock.Now()).Seconds())+1))
		again(verr, http.StatusTooManyRequests)
		return
	}
	u, err := h.DB.Authenticate(ctx, f.Email, f.Password)
	if errors.Is(err, models.ErrBadCredentials) {
		if err := h.DB.RecordLoginFailure(ctx, f.Email, ip); err != nil {
			h.fail(c, err)
			return
		}
		verr := &models.ValidationError{}
		verr.Add("email", "The email address or password is not right")
		verr.Add("password", "Enter your password again")
		again(verr, http.StatusUnprocessableEntity)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.ClearLoginFailures(ctx, u.Email); err != nil {
		h.fail(c, err)
		return
	}
	h.signInAndGo(c, u, "", safeNext(f.Next))
}

// deleteLogin signs this browser out.
func (h *Handlers) deleteLogin(c *gin.Context) {
	if secret := h.cookie(c, "jointly_session"); secret != "" {
		if err := h.DB.DeleteSession(c.Request.Context(), secret); err != nil {
			h.fail(c, err)
			return
		}
	}
	h.setCookie(c, "jointly_session", "", -1)
	h.flash(c, "signed-out")
	seeOther(c, "/")
}

type accessPage struct {
	Page
	Email string
}

// showAccess explains how to get access, after a single sign-on whose
// email domain belongs to no council.
func (h *Handlers) showAccess(c *gin.Context) {
	h.render(c, http.StatusOK, "access", accessPage{Page: h.page(c), Email: h.cookie(c, "jointly_sso_email")})
}
