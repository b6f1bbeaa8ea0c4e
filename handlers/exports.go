package handlers

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// showRegisterCSV downloads a council's register as a Transparency Code
// CSV: leeds-contracts-2026-11-21.csv.
func (h *Handlers) showRegisterCSV(c *gin.Context) {
	h.download(c, "csv", "text/csv; charset=utf-8", func(ctx context.Context, u models.User, w io.Writer) error {
		return h.DB.ExportCSV(ctx, u, w, c.Param("gss"))
	})
}

// showRegisterOCDS downloads a council's register as an OCDS 1.1 release
// package: leeds-contracts-2026-11-21.ocds.json.
func (h *Handlers) showRegisterOCDS(c *gin.Context) {
	prefix := h.Config.OCIDPrefix
	if prefix == "" {
		prefix = models.DefaultOCIDPrefix
	}
	h.download(c, "ocds.json", "application/json; charset=utf-8", func(ctx context.Context, u models.User, w io.Writer) error {
		return h.DB.ExportOCDS(ctx, u, w, models.OCDSOptions{CouncilGSS: c.Param("gss"), OCIDPrefix: prefix, BaseURL: h.Config.BaseURL})
	})
}

// download streams an export of council :gss's register as an attachment.
// The headers go out with the first byte, so a refusal or failure before
// then (a supplier, an unknown council, an empty OCDS register) is the
// usual error page. A failure after it cuts the connection, so a browser
// reports a failed download rather than saving a truncated file as if it
// were whole.
func (h *Handlers) download(c *gin.Context, ext, contentType string, export func(context.Context, models.User, io.Writer) error) {
	ctx := c.Request.Context()
	council, err := h.DB.CouncilByGSS(ctx, c.Param("gss"))
	if err != nil {
		h.fail(c, err)
		return
	}
	name := slug(council.Name) + "-contracts-" + models.DateOf(h.DB.Clock.Now()).String() + "." + ext
	w := &attachmentWriter{c: c, header: func(hd http.Header) {
		hd.Set("Content-Type", contentType)
		hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		hd.Set("Cache-Control", "no-store")
	}}
	if err := export(ctx, *currentUser(c), w); err != nil {
		if !w.started {
			h.fail(c, err)
			return
		}
		h.Log.ErrorContext(ctx, "export failed part-way", "err", err.Error(), "path", c.Request.URL.Path)
		panic(http.ErrAbortHandler)
	}
}

// attachmentWriter sets the download's headers and status on the first
// write.
type attachmentWriter struct {
	c       *gin.Context
	header  func(http.Header)
	started bool
}

func (w *attachmentWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		w.header(w.c.Writer.Header())
		w.c.Status(http.StatusOK)
	}
	return w.c.Writer.Write(p)
}

// slug is a council's name fit for a file name: "Brighton & Hove" →
// "brighton-hove", "King's Lynn" → "kings-lynn", "Ynys Môn" → "ynys-mon".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if plain, ok := plainLetters[r]; ok {
			r = plain
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		case r == '\'', r == '’':
			// an apostrophe joins its word
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "council"
	}
	return b.String()
}

// plainLetters reads the accented letters of Welsh, Scottish Gaelic and
// Irish place names as plain ones.
var plainLetters = func() map[rune]rune {
	m := map[rune]rune{}
	for plain, accented := range map[rune]string{
		'a': "àáâäã", 'e': "èéêë", 'i': "ìíîï", 'o': "òóôöõ", 'u': "ùúûü", 'w': "ẁẃŵẅ", 'y': "ỳýŷÿ",
	} {
		for _, r := range accented {
			m[r] = plain
		}
	}
	return m
}()
