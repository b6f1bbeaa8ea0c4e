package handlers

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Attachments to library items: uploading (authors), downloading (anyone
// who may read the item) and removing (authors). The model checks the
// file's type by its content and keeps it by content hash.

// attachmentBodyBytes caps an upload's body: the largest file and room
// for the form around it (routes.go binds it with allowBody).
const attachmentBodyBytes = models.MaxAttachmentBytes + 64<<10

// attachmentStore is where attachments are kept: the configured folder,
// or uploads beside the database.
func (h *Handlers) attachmentStore() models.AttachmentStore {
	if h.Config.UploadsDir != "" {
		return models.AttachmentStore{Dir: h.Config.UploadsDir}
	}
	return models.AttachmentStore{Dir: filepath.Join(filepath.Dir(h.DB.Path()), "uploads")}
}

// createAttachment attaches the posted file (field "file") to an item:
// POST /library/:id/attachments, then 303 to the item's attachments. A
// file refused shows the item again (422) with the reason beside the
// file input.
func (h *Handlers) createAttachment(c *gin.Context) {
	it, err := h.editableLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	refuse := func(msg string) {
		verr := &models.ValidationError{}
		verr.Add("file", msg)
		h.renderLibraryItem(c, it, verr)
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		refuse("Choose a file to attach")
		return
	}
	if fh.Size > models.MaxAttachmentBytes {
		refuse("The file must be 10 MB or smaller")
		return
	}
	f, err := fh.Open()
	if err != nil {
		h.fail(c, err)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, models.MaxAttachmentBytes+1))
	if err != nil {
		h.fail(c, err)
		return
	}
	_, err = h.DB.AddLibraryAttachment(c.Request.Context(), *currentUser(c), h.attachmentStore(), it.ID, fh.Filename, data)
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderLibraryItem(c, it, verr) },
		"library-attached", libraryPath(it.ID)+"#attachments")
}

// showAttachment sends an attachment as a download, only to those who may
// read the item: GET /library/:id/attachments/:attachment_id. It is never
// shown inline, and its stored type is sent with nosniff, so a browser
// cannot be talked into running it as a page.
func (h *Handlers) showAttachment(c *gin.Context) {
	it, err := h.loadLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	aid, err := idParam(c, "attachment_id")
	if err != nil {
		h.fail(c, err)
		return
	}
	a, err := h.DB.LibraryAttachmentByID(c.Request.Context(), userOrAnonymous(c), it.ID, aid)
	if err != nil {
		h.fail(c, err)
		return
	}
	f, err := h.attachmentStore().Open(a)
	if err != nil {
		h.fail(c, fmt.Errorf("attachment %d: %w", a.ID, err))
		return
	}
	defer f.Close()
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName})
	if disposition == "" {
		disposition = "attachment"
	}
	c.Header("Content-Disposition", disposition)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "private, no-cache")
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
	c.DataFromReader(http.StatusOK, a.SizeBytes, a.ContentType, f, nil)
}

// deleteAttachment takes an attachment off an item:
// POST /library/:id/attachments/:attachment_id/delete.
func (h *Handlers) deleteAttachment(c *gin.Context) {
	it, err := h.editableLibraryItem(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	aid, err := idParam(c, "attachment_id")
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.RemoveLibraryAttachment(c.Request.Context(), *currentUser(c), it.ID, aid); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "library-detached")
	seeOther(c, libraryPath(it.ID)+"#attachments")
}
