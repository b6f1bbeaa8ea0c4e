package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// How often a person gets the digest email (GET and POST /account/digest),
// and the one-click unsubscribe link every digest carries (GET and POST
// /unsubscribe/:id/:token, RFC 8058).

func init() {
	flashes["digest-saved"] = "Your digest email choice has been saved."
}

// unsubscribePath is the one-click unsubscribe link's route; its POST is
// exempt from the form token (routes.go, noFormToken).
const unsubscribePath = "/unsubscribe/:id/:token"

type digestPage struct {
	Page
	Choice  string // the frequency chosen, or typed in error
	Options []digestOption
	// Contents says what a digest holds for this person's role, to
	// follow "It tells you about".
	Contents string
	// Since is the end of what their last digest covered; zero before the first.
	Since time.Time
}

type digestOption struct {
	ID, Value, Label, Hint string
}

// digestOptions are the choices, the first radio's id being the field's
// name, so the error summary's link lands on it.
func digestOptions() []digestOption {
	return []digestOption{
		{ID: "digest", Value: models.DigestDaily, Label: models.DigestLabel(models.DigestDaily),
			Hint: "Early each morning, with what is new since the one before. No email on a day with nothing new."},
		{ID: "digest-weekly", Value: models.DigestWeekly, Label: models.DigestLabel(models.DigestWeekly),
			Hint: "Everything new in the week before, in one email."},
		{ID: "digest-off", Value: models.DigestOff, Label: models.DigestLabel(models.DigestOff),
			Hint: "You will still get the emails you need to act on, such as invitations, sign-off requests and contract expiry alerts."},
	}
}

// digestContents says what a digest holds for role, as the digest job
// gathers it.
func digestContents(role models.Role) string {
	switch role {
	case models.RoleOfficer:
		return "your council's contracts reaching a decision window, new partner matches, activity in the joint bids your council takes part in, and new or updated library items."
	case models.RoleCouncillor:
		return "your council's contracts reaching a decision window, activity in the joint bids your council takes part in, and new or updated library items."
	case models.RoleSupplier:
		return "new opportunities in your company's categories, activity in the opportunities you follow or responded to, and new or updated library items."
	}
	return "new or updated library items."
}

func (h *Handlers) digestPage(c *gin.Context) (digestPage, error) {
	u := currentUser(c)
	freq, since, err := h.DB.DigestPreference(c.Request.Context(), u.ID)
	if err != nil {
		return digestPage{}, err
	}
	return digestPage{Page: h.page(c), Choice: freq, Options: digestOptions(), Contents: digestContents(u.Role), Since: since}, nil
}

// editDigest shows the choice of how often to get the digest.
func (h *Handlers) editDigest(c *gin.Context) {
	data, err := h.digestPage(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "account_digest", data)
}

// digestForm is the choice as posted; models.SetDigest checks it.
type digestForm struct {
	Digest string `form:"digest"`
}

// updateDigest saves the choice (audited by the model).
func (h *Handlers) updateDigest(c *gin.Context) {
	var f digestForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The form could not be read."})
		return
	}
	u := currentUser(c)
	err := h.DB.SetDigest(c.Request.Context(), u.ID, u.ID, f.Digest)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		data, perr := h.digestPage(c)
		if perr != nil {
			h.fail(c, perr)
			return
		}
		data.Choice, data.Errors = f.Digest, verr
		h.render(c, http.StatusUnprocessableEntity, "account_digest", data)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "digest-saved")
	seeOther(c, "/account/digest")
}

type unsubscribePage struct {
	Page
	// Action is where the confirmation form posts: the link itself.
	Action string
	// AlreadyOff is set when the digest was already off.
	AlreadyOff bool
	// Done is set once the digest has been turned off.
	Done bool
}

// unsubscriber is the person a one-click unsubscribe link is for, with
// their digest frequency. A link whose token is not that person's, or
// whose person does not exist, is not found: the two look the same, so
// the link cannot be used to find out who has an account.
func (h *Handlers) unsubscriber(c *gin.Context) (int64, string, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 || !models.CheckUnsubscribeToken(h.Config.SigningKey, id, c.Param("token")) {
		return 0, "", models.ErrNotFound
	}
	freq, _, err := h.DB.DigestPreference(c.Request.Context(), id)
	return id, freq, err
}

// confirmUnsubscribe is the page an unsubscribe link opens in a browser.
// It changes nothing: mail scanners and link previews open every link in
// an email, and must not turn anybody's digest off by doing so.
func (h *Handlers) confirmUnsubscribe(c *gin.Context) {
	_, freq, err := h.unsubscriber(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "unsubscribe", unsubscribePage{Page: h.page(c), Action: c.Request.URL.Path,
		AlreadyOff: freq == models.DigestOff})
}

// unsubscribe turns the link's person's digest off. A mail client's
// one-click unsubscribe (RFC 8058) posts here from its own server, with
// the body List-Unsubscribe=One-Click, no cookies and no form token, so
// this route is exempt from the form token (routes.go): the signed token
// in the URL is the credential, and it can do nothing but this. The
// answer is a page, 200, for the mail client and a person alike.
func (h *Handlers) unsubscribe(c *gin.Context) {
	id, _, err := h.unsubscriber(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.SetDigest(c.Request.Context(), 0, id, models.DigestOff); err != nil {
		h.fail(c, err)
		return
	}
	h.Log.InfoContext(c.Request.Context(), "digest turned off by unsubscribe link", "user", id,
		"one_click", c.PostForm("List-Unsubscribe") == "One-Click")
	h.render(c, http.StatusOK, "unsubscribe", unsubscribePage{Page: h.page(c), Done: true})
}
