package handlers

import "github.com/gin-gonic/gin"

// Placeholders until this file is written; every one answers 501.
func (h *Handlers) addSection(c *gin.Context)          { c.AbortWithStatus(501) }
func (h *Handlers) showSection(c *gin.Context)         { c.AbortWithStatus(501) }
func (h *Handlers) editSection(c *gin.Context)         { c.AbortWithStatus(501) }
func (h *Handlers) saveSection(c *gin.Context)         { c.AbortWithStatus(501) }
func (h *Handlers) moveSection(c *gin.Context)         { c.AbortWithStatus(501) }
func (h *Handlers) listSectionVersions(c *gin.Context) { c.AbortWithStatus(501) }
func (h *Handlers) createComment(c *gin.Context)       { c.AbortWithStatus(501) }
func (h *Handlers) resolveComment(c *gin.Context)      { c.AbortWithStatus(501) }
