package handlers

import "github.com/gin-gonic/gin"

// Placeholders until this file is written; every one answers 501.
func (h *Handlers) editCriteria(c *gin.Context)      { c.AbortWithStatus(501) }
func (h *Handlers) updateCriteria(c *gin.Context)    { c.AbortWithStatus(501) }
func (h *Handlers) editParticipant(c *gin.Context)   { c.AbortWithStatus(501) }
func (h *Handlers) updateParticipant(c *gin.Context) { c.AbortWithStatus(501) }
func (h *Handlers) requestSignOff(c *gin.Context)    { c.AbortWithStatus(501) }
func (h *Handlers) signOffBid(c *gin.Context)        { c.AbortWithStatus(501) }
func (h *Handlers) newPublication(c *gin.Context)    { c.AbortWithStatus(501) }
func (h *Handlers) publishBid(c *gin.Context)        { c.AbortWithStatus(501) }
