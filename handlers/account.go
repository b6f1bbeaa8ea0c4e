package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type accountPage struct {
	Page
	Sessions       []models.Session
	CurrentSession string
	Tokens         []models.APIToken
	TokenName      string
}

func (h *Handlers) accountPage(c *gin.Context) (accountPage, error) {
	ctx := c.Request.Context()
	u := currentUser(c)
	sessions, err := h.DB.Sessions(ctx, u.ID)
	if err != nil {
		return accountPage{}, err
	}
	tokens, err := h.DB.APITokens(ctx, u.ID)
	if err != nil {
		return accountPage{}, err
	}
	return accountPage{Page: h.page(c), Sessions: sessions, CurrentSession: c.GetString(sessionHandleKey), Tokens: tokens}, nil
}

func (h *Handlers) showAccount(c *gin.Context) {
	data, err := h.accountPage(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "account", data)
}

// deleteSessions signs the user out everywhere, this browser included.
func (h *Handlers) deleteSessions(c *gin.Context) {
	u := currentUser(c)
	if _, err := h.DB.DeleteAllSessions(c.Request.Context(), u.ID, u.ID); err != nil {
		h.fail(c, err)
		return
	}
	h.setCookie(c, "jointly_session", "", -1)
	h.flash(c, "signed-out-all")
	seeOther(c, "/login")
}

type tokenCreatedPage struct {
	Page
	Token  models.APIToken
	Secret string
}

// createToken makes a personal API token and shows it once. The page is
// rendered, not redirected to, so the secret is never in a URL or cookie.
func (h *Handlers) createToken(c *gin.Context) {
	u := currentUser(c)
	secret, t, err := h.DB.CreateAPIToken(c.Request.Context(), u.ID, u.ID, c.PostForm("name"))
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		data, perr := h.accountPage(c)
		if perr != nil {
			h.fail(c, perr)
			return
		}
		data.Errors, data.TokenName = verr, c.PostForm("name")
		h.render(c, http.StatusUnprocessableEntity, "account", data)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusCreated, "token_created", tokenCreatedPage{Page: h.page(c), Token: t, Secret: secret})
}

func (h *Handlers) deleteToken(c *gin.Context) {
	u := currentUser(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.fail(c, models.ErrNotFound)
		return
	}
	if err := h.DB.RevokeAPIToken(c.Request.Context(), u.ID, u.ID, id); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "token-revoked")
	seeOther(c, "/account")
}

type apiCouncilRef struct {
	GSSCode string `json:"gss_code"`
	Name    string `json:"name"`
}

type apiUser struct {
	Email    string         `json:"email"`
	Name     string         `json:"name"`
	Role     models.Role    `json:"role"`
	Council  *apiCouncilRef `json:"council"`
	Supplier *string        `json:"supplier,omitempty"`
}

// apiMe: GET /api/v1/me, who the token (or session) belongs to.
func (h *Handlers) apiMe(c *gin.Context) {
	u := currentUser(c)
	out := apiUser{Email: u.Email, Name: u.Name, Role: u.Role}
	if u.CouncilGSS != "" {
		out.Council = &apiCouncilRef{GSSCode: u.CouncilGSS, Name: u.CouncilName}
	}
	if u.SupplierName != "" {
		out.Supplier = &u.SupplierName
	}
	h.json(c, http.StatusOK, out)
}
