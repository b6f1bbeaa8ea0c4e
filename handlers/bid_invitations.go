package handlers

import (
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Invitations: the lead invites another council, whose officers accept or
// decline. Who may invite and answer is the bid model's rule.

// emailInvited is emailInvitations for bid id, read again as the current
// user now sees it. The bid is saved by then, so a failure here is
// logged, not shown.
func (h *Handlers) emailInvited(c *gin.Context, id int64, gss string) {
	ctx := c.Request.Context()
	u := currentUser(c)
	b, err := h.DB.BidByID(ctx, *u, id)
	if err != nil {
		h.Log.ErrorContext(ctx, "bid for invitation emails", "err", err.Error(), "bid", id)
		return
	}
	h.emailInvitations(ctx, b, gss, *u)
}

// inviteCouncil invites another council and emails its officers at once:
// POST /bids/:id/invitations (partner_gss). A refused choice shows the
// overview again with the problem beside the select.
func (h *Handlers) inviteCouncil(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	gss := strings.TrimSpace(c.PostForm("partner_gss"))
	err = h.DB.InviteCouncil(c.Request.Context(), *currentUser(c), b.ID, gss)
	if err == nil {
		h.emailInvited(c, b.ID, gss)
	}
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderBidOverview(c, b, verr) }, "bid-invited", bidPath(b.ID))
}

// acceptBidInvitation: POST /bids/:id/invitations/:gss/accept.
func (h *Handlers) acceptBidInvitation(c *gin.Context) { h.answerBidInvitation(c, true) }

// declineBidInvitation: POST /bids/:id/invitations/:gss/decline. The
// council no longer sees the draft, so it goes back to the list.
func (h *Handlers) declineBidInvitation(c *gin.Context) { h.answerBidInvitation(c, false) }

func (h *Handlers) answerBidInvitation(c *gin.Context, accept bool) {
	id, err := idParam(c, "id")
	if err == nil {
		err = h.DB.AnswerInvitation(c.Request.Context(), *currentUser(c), id, c.Param("gss"), accept)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if !accept {
		h.flash(c, "invitation-declined")
		seeOther(c, "/bids")
		return
	}
	h.flash(c, "invitation-accepted")
	seeOther(c, bidPath(id))
}
