package handlers

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDocument describes every /api/v1 route. Tests hold it to the
// truth: the document must validate, every bound /api/v1 route must be in
// it, and real responses from the router must match it.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPIDocument is the API's OpenAPI 3 document, for tests and tools.
func OpenAPIDocument() []byte { return openAPIDocument }

// apiOpenAPI: GET /api/v1/openapi.json, public. It changes only with a
// release, so clients may cache it for an hour.
func (h *Handlers) apiOpenAPI(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIDocument)
}
