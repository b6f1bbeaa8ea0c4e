package handlers

import (
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Comments on a bid's sections, among the councils taking part: adding
// one and marking one as dealt with. Who may comment is the bid model's
// rule (models.Bid.MayComment); the comments show on the section's page.

// commentView is a comment as the page shows it: plain text, its line
// breaks kept.
type commentView struct{ models.Comment }

// Lines are the comment's lines, for the template to join with <br>.
func (c commentView) Lines() []string { return strings.Split(c.Body, "\n") }

// createComment adds a comment to a section:
// POST /bids/:id/sections/:section_id/comments.
func (h *Handlers) createComment(c *gin.Context) {
	b, s, err := h.loadSection(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	comment := c.PostForm("comment")
	_, err = h.DB.AddComment(c.Request.Context(), *currentUser(c), b.ID, s.ID, comment)
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderSection(c, b, s, comment, verr) }, "comment-added", sectionPath(b.ID, s.ID)+"#comments")
}

// resolveComment marks a comment as dealt with:
// POST /bids/:id/comments/:comment_id/resolve.
func (h *Handlers) resolveComment(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	cid, err := idParam(c, "comment_id")
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.ResolveComment(ctx, *u, b.ID, cid); err != nil {
		h.fail(c, err)
		return
	}
	sid, err := h.DB.CommentSection(ctx, *u, b.ID, cid)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "comment-resolved")
	seeOther(c, sectionPath(b.ID, sid)+"#comments")
}
