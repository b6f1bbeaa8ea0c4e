package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type passwordForgotPage struct {
	Page
	Email string
	Sent  bool
}

func (h *Handlers) newPasswordReset(c *gin.Context) {
	h.render(c, http.StatusOK, "password_forgot", passwordForgotPage{Page: h.page(c)})
}

// createPasswordReset emails a single-use link. The page says the same
// whether or not the address has an account, so it cannot be used to find
// out who has one.
func (h *Handlers) createPasswordReset(c *gin.Context) {
	ctx := c.Request.Context()
	email := strings.TrimSpace(c.PostForm("email"))
	data := passwordForgotPage{Page: h.page(c), Email: email}
	verr := &models.ValidationError{}
	if email == "" {
		verr.Add("email", "Enter your email address")
	} else if !models.ValidEmail(models.NormaliseEmail(email)) {
		verr.Add("email", "Enter an email address in the correct format, like name@council.gov.uk")
	}
	if verr.Err() != nil {
		data.Errors = verr
		h.render(c, http.StatusUnprocessableEntity, "password_forgot", data)
		return
	}
	u, secret, err := h.DB.StartPasswordReset(ctx, email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		h.Log.InfoContext(ctx, "password reset for unknown address")
	case err != nil:
		h.fail(c, err)
		return
	default:
		link := h.absoluteURL("/password/reset/" + secret)
		_, err := h.Outbox.Send(ctx, models.Email{To: u.Email, Subject: "Reset your Jointly password", Kind: "password-reset", Text: fmt.Sprintf(
			"Hello %s,\n\nSomeone asked to reset the password of your Jointly account. To choose a new password, open this link within one hour:\n\n%s\n\nThe link works once. If you did not ask for this, you can ignore this email: your password has not changed.\n\nJointly\n",
			u.Name, link)})
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	data.Sent = true
	h.render(c, http.StatusOK, "password_forgot", data)
}

type passwordResetPage struct {
	Page
	For    models.User
	Secret string
}

var errResetLink = &models.PublicError{Status: http.StatusNotFound,
	Message: "This password reset link has expired or has been used. Links work once, for one hour. Ask for a new one from the sign-in page."}

func (h *Handlers) editPassword(c *gin.Context) {
	u, err := h.DB.PasswordResetUser(c.Request.Context(), c.Param("secret"))
	if errors.Is(err, models.ErrNotFound) {
		h.fail(c, errResetLink)
		return
	} else if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "password_reset", passwordResetPage{Page: h.page(c), For: u, Secret: c.Param("secret")})
}

// updatePassword sets the new password, signs out every other session and
// signs this browser in.
func (h *Handlers) updatePassword(c *gin.Context) {
	ctx := c.Request.Context()
	secret := c.Param("secret")
	u, err := h.DB.CompletePasswordReset(ctx, secret, c.PostForm("password"))
	var verr *models.ValidationError
	switch {
	case errors.As(err, &verr):
		who, err := h.DB.PasswordResetUser(ctx, secret)
		if err != nil {
			h.fail(c, errResetLink)
			return
		}
		data := passwordResetPage{Page: h.page(c), For: who, Secret: secret}
		data.Errors = verr
		h.render(c, http.StatusUnprocessableEntity, "password_reset", data)
		return
	case errors.Is(err, models.ErrNotFound):
		h.fail(c, errResetLink)
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	h.signInAndGo(c, u, "password-set", "/")
}

// absoluteURL makes a link for an email.
func (h *Handlers) absoluteURL(path string) string {
	return strings.TrimSuffix(h.Config.BaseURL, "/") + path
}
