package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type invitationForm struct {
	Name     string `form:"name"`
	Email    string `form:"email"`
	Role     string `form:"role"`
	Council  string `form:"council"`
	Supplier string `form:"supplier"`
}

type invitePage struct {
	Page
	Form          invitationForm
	Roles         []models.Role
	ChooseCouncil bool
	Councils      []models.Council
}

// invitableRoles are the roles u may invite people as.
func invitableRoles(u *models.User) []models.Role {
	switch u.Role {
	case models.RoleAdmin:
		return models.Roles
	case models.RoleOfficer:
		return []models.Role{models.RoleOfficer, models.RoleCouncillor}
	case models.RoleSupplier:
		return []models.Role{models.RoleSupplier}
	}
	return nil
}

func (h *Handlers) invitePage(c *gin.Context, f invitationForm) (invitePage, error) {
	u := currentUser(c)
	data := invitePage{Page: h.page(c), Form: f, Roles: invitableRoles(u), ChooseCouncil: u.Role == models.RoleAdmin}
	if data.ChooseCouncil {
		councils, err := h.DB.Councils(c.Request.Context(), models.CouncilFilter{})
		if err != nil {
			return data, err
		}
		data.Councils = councils
	}
	return data, nil
}

func (h *Handlers) newInvitation(c *gin.Context) {
	data, err := h.invitePage(c, invitationForm{})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "invite", data)
}

// createInvitation records the invitation and emails its link at once.
// Officers invite only to their own council, suppliers only to their own
// company (models.CanInvite).
func (h *Handlers) createInvitation(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	var f invitationForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The invitation form could not be read."})
		return
	}
	// A real role the form never offered this person is refused outright;
	// otherwise validation (which sees the fields filled in for the
	// inviter's own role) would answer 422 and hide the refusal.
	if role, ok := models.ParseRole(f.Role); ok && !slices.Contains(invitableRoles(u), role) {
		h.fail(c, models.ErrForbidden)
		return
	}
	inv := models.Invitation{Email: f.Email, Name: f.Name, Role: models.Role(f.Role)}
	switch u.Role {
	case models.RoleAdmin:
		if inv.Role.BelongsToCouncil() {
			inv.CouncilGSS = f.Council
		}
		if inv.Role == models.RoleSupplier {
			inv.SupplierName = f.Supplier
		}
	case models.RoleOfficer:
		inv.CouncilGSS = u.CouncilGSS
	case models.RoleSupplier:
		inv.SupplierID, inv.SupplierName = u.SupplierID, u.SupplierName
	}
	inv, secret, err := h.DB.CreateInvitation(ctx, *u, inv)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		data, perr := h.invitePage(c, f)
		if perr != nil {
			h.fail(c, perr)
			return
		}
		data.Errors = verr
		h.render(c, http.StatusUnprocessableEntity, "invite", data)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	where := inv.CouncilName
	if where == "" {
		where = inv.SupplierName
	}
	if where != "" {
		where = " at " + where
	}
	_, err = h.Outbox.Send(ctx, models.Email{To: inv.Email, Subject: u.Name + " has invited you to Jointly", Kind: "invitation", Text: fmt.Sprintf(
		"Hello %s,\n\n%s has invited you to Jointly as %s%s. Jointly is where UK councils find partners and buy technology together.\n\nTo accept, choose a password within 14 days:\n\n%s\n\nIf you were not expecting this, you can ignore this email.\n\nJointly\n",
		inv.Name, u.Name, strings.ToLower(inv.Role.Label()), where, h.absoluteURL("/invitations/"+secret))})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "invited")
	seeOther(c, "/invitations/new")
}

type invitationPage struct {
	Page
	Invitation models.Invitation
	Secret     string
	Name       string
}

var errInvitationLink = &models.PublicError{Status: http.StatusNotFound,
	Message: "This invitation has expired or has already been accepted. Ask the person who invited you to send a new one."}

func (h *Handlers) showInvitation(c *gin.Context) {
	inv, err := h.DB.InvitationBySecret(c.Request.Context(), c.Param("secret"))
	if errors.Is(err, models.ErrNotFound) {
		h.fail(c, errInvitationLink)
		return
	} else if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "invitation", invitationPage{Page: h.page(c), Invitation: inv, Secret: c.Param("secret"), Name: inv.Name})
}

func (h *Handlers) acceptInvitation(c *gin.Context) {
	ctx := c.Request.Context()
	secret := c.Param("secret")
	u, err := h.DB.AcceptInvitation(ctx, secret, c.PostForm("name"), c.PostForm("password"))
	var verr *models.ValidationError
	switch {
	case errors.As(err, &verr):
		inv, ierr := h.DB.InvitationBySecret(ctx, secret)
		if ierr != nil {
			h.fail(c, errInvitationLink)
			return
		}
		data := invitationPage{Page: h.page(c), Invitation: inv, Secret: secret, Name: c.PostForm("name")}
		data.Errors = verr
		h.render(c, http.StatusUnprocessableEntity, "invitation", data)
		return
	case errors.Is(err, models.ErrNotFound):
		h.fail(c, errInvitationLink)
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	h.signInAndGo(c, u, "welcome", "/")
}
