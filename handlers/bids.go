package handlers

import "github.com/gin-gonic/gin"

// Placeholders until this file is written; every one answers 501.
func (h *Handlers) listBids(c *gin.Context)             { c.AbortWithStatus(501) }
func (h *Handlers) newBid(c *gin.Context)               { c.AbortWithStatus(501) }
func (h *Handlers) createBid(c *gin.Context)            { c.AbortWithStatus(501) }
func (h *Handlers) showBid(c *gin.Context)              { c.AbortWithStatus(501) }
func (h *Handlers) showBidActivity(c *gin.Context)      { c.AbortWithStatus(501) }
func (h *Handlers) editBid(c *gin.Context)              { c.AbortWithStatus(501) }
func (h *Handlers) updateBid(c *gin.Context)            { c.AbortWithStatus(501) }
func (h *Handlers) inviteCouncil(c *gin.Context)        { c.AbortWithStatus(501) }
func (h *Handlers) acceptBidInvitation(c *gin.Context)  { c.AbortWithStatus(501) }
func (h *Handlers) declineBidInvitation(c *gin.Context) { c.AbortWithStatus(501) }
func (h *Handlers) confirmCancelBid(c *gin.Context)     { c.AbortWithStatus(501) }
func (h *Handlers) cancelBid(c *gin.Context)            { c.AbortWithStatus(501) }
