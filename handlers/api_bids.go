package handlers

import "github.com/gin-gonic/gin"

// Placeholders until this file is written; every one answers 501.
func (h *Handlers) apiListBids(c *gin.Context)          { c.AbortWithStatus(501) }
func (h *Handlers) apiCreateBid(c *gin.Context)         { c.AbortWithStatus(501) }
func (h *Handlers) apiShowBid(c *gin.Context)           { c.AbortWithStatus(501) }
func (h *Handlers) apiShowSection(c *gin.Context)       { c.AbortWithStatus(501) }
func (h *Handlers) apiSaveSection(c *gin.Context)       { c.AbortWithStatus(501) }
func (h *Handlers) apiSetCriteria(c *gin.Context)       { c.AbortWithStatus(501) }
func (h *Handlers) apiAcceptInvitation(c *gin.Context)  { c.AbortWithStatus(501) }
func (h *Handlers) apiDeclineInvitation(c *gin.Context) { c.AbortWithStatus(501) }
func (h *Handlers) apiSignOff(c *gin.Context)           { c.AbortWithStatus(501) }
func (h *Handlers) apiPublishBid(c *gin.Context)        { c.AbortWithStatus(501) }
