package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

type landingPage struct {
	Page
	CouncilCount int
}

type homePage struct {
	Page
	Council *models.Council
}

// showHome is the landing page for visitors and the home page for people
// signed in.
func (h *Handlers) showHome(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	if u == nil {
		n, err := h.DB.CountCouncils(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		h.render(c, http.StatusOK, "landing", landingPage{Page: h.page(c), CouncilCount: n})
		return
	}
	data := homePage{Page: h.page(c)}
	if u.CouncilGSS != "" {
		council, err := h.DB.CouncilByGSS(ctx, u.CouncilGSS)
		if err != nil {
			h.fail(c, err)
			return
		}
		data.Council = &council
	}
	h.render(c, http.StatusOK, "home", data)
}

func (h *Handlers) healthz(c *gin.Context) {
	status, db := http.StatusOK, "ok"
	if err := h.DB.Ping(c.Request.Context()); err != nil {
		h.Log.ErrorContext(c.Request.Context(), "health check", "err", err.Error())
		status, db = http.StatusServiceUnavailable, "unavailable"
	}
	state := "ok"
	if status != http.StatusOK {
		state = "unavailable"
	}
	h.json(c, status, gin.H{"status": state, "version": h.Config.Version, "checks": gin.H{"database": db}})
}
