package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type usersPage struct {
	Page
	Users []models.User
}

func (h *Handlers) listUsers(c *gin.Context) {
	users, err := h.DB.Users(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "admin_users", usersPage{Page: h.page(c), Users: users})
}
