package models

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Attachments to library items: Word, Excel and OpenDocument text files
// and PDFs of up to 10 MB, their type told from their content, never
// their name. Each file is kept once on disk under the SHA-256 of its
// content, however many items attach it.
//
// An attachment is part of what is approved: changing an item's
// attachments, like saving its text, sends it back to draft, and readers
// see the attachments as they stood when the item was last approved.

// MaxAttachmentBytes is the largest attachment taken.
const MaxAttachmentBytes = 10 << 20

// AttachmentType is a kind of file that may be attached.
type AttachmentType struct {
	ContentType string
	Ext         string // with the dot: ".pdf"
	Label       string // "PDF"
}

// The attachment types.
var (
	AttachmentPDF  = AttachmentType{"application/pdf", ".pdf", "PDF"}
	AttachmentDOCX = AttachmentType{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word document"}
	AttachmentXLSX = AttachmentType{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel spreadsheet"}
	AttachmentODT  = AttachmentType{"application/vnd.oasis.opendocument.text", ".odt", "OpenDocument text"}
)

var attachmentTypes = []AttachmentType{AttachmentDOCX, AttachmentXLSX, AttachmentODT, AttachmentPDF}

// DetectAttachment tells a file's type from its bytes: a PDF starts with
// "%PDF-"; a Word or Excel file is a zip whose [Content_Types].xml names
// its main part (a macro-enabled one names a different type, and carries
// vbaProject.bin, so it is refused); an OpenDocument text is a zip whose
// "mimetype" entry says so. ok is false for anything else.
func DetectAttachment(data []byte) (t AttachmentType, ok bool) {
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return AttachmentPDF, true
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return t, false
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return t, false
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if strings.HasSuffix(strings.ToLower(f.Name), "vbaproject.bin") {
			return t, false // macros
		}
		files[f.Name] = f
	}
	hasPrefix := func(p string) bool {
		for name := range files {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
	if f, found := files["mimetype"]; found {
		if m, err := readZipEntry(f, 128); err == nil && strings.TrimSpace(string(m)) == AttachmentODT.ContentType {
			return AttachmentODT, true
		}
		return t, false
	}
	f, found := files["[Content_Types].xml"]
	if !found {
		return t, false
	}
	ct, err := readZipEntry(f, 1<<20)
	if err != nil {
		return t, false
	}
	switch {
	case bytes.Contains(ct, []byte("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")) && hasPrefix("word/"):
		return AttachmentDOCX, true
	case bytes.Contains(ct, []byte("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")) && hasPrefix("xl/"):
		return AttachmentXLSX, true
	}
	return t, false
}

// readZipEntry reads at most limit bytes of a zip entry: enough to tell a
// type, never a zip bomb's worth.
func readZipEntry(f *zip.File, limit int64) ([]byte, error) {
	r, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, limit))
}

// AttachmentFileName is the name a file is offered for download under:
// the last part of what the browser sent (some send a whole path),
// without control characters, at most 150 characters before the
// extension, which is always the one its content calls for.
func AttachmentFileName(name string, t AttachmentType) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	ext := strings.ToLower(filepath.Ext(name))
	for _, k := range attachmentTypes {
		if ext == k.Ext {
			name = name[:len(name)-len(ext)]
			break
		}
	}
	name = strings.Trim(strings.TrimSpace(name), ".")
	if r := []rune(name); len(r) > 150 {
		name = strings.TrimSpace(string(r[:150]))
	}
	if name == "" {
		name = "attachment"
	}
	return name + t.Ext
}

// AttachmentStore keeps attachments' bytes in a folder, each file named
// by the hex SHA-256 of its content.
type AttachmentStore struct{ Dir string }

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (s AttachmentStore) path(sum string) (string, error) {
	if s.Dir == "" {
		return "", fmt.Errorf("attachment store: no folder configured")
	}
	if !sha256Hex.MatchString(sum) {
		return "", fmt.Errorf("attachment store: %q is not a SHA-256", sum)
	}
	return filepath.Join(s.Dir, sum), nil
}

// put writes data under sum, unless a file of that content is already
// there. It writes a temporary file and renames it, so a file under a
// hash is always whole.
func (s AttachmentStore) put(sum string, data []byte) error {
	p, err := s.path(sum)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(s.Dir, 0o750); err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	tmp, err := os.CreateTemp(s.Dir, ".upload-*")
	if err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("attachment store: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("attachment store: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	return os.Rename(tmp.Name(), p)
}

// Open opens an attachment's bytes.
func (s AttachmentStore) Open(a LibraryAttachment) (*os.File, error) {
	p, err := s.path(a.SHA256)
	if err != nil {
		return nil, err
	}
	return os.Open(p) // #nosec G304 -- p is the store's folder and a checked hex hash
}

// LibraryAttachment is one file attached to an item.
type LibraryAttachment struct {
	ID             int64
	ItemID         int64
	FileName       string
	ContentType    string
	SizeBytes      int64
	SHA256         string
	UploadedByName string
	UploadedAt     time.Time
}

// TypeLabel is the attachment's kind in words: "PDF".
func (a LibraryAttachment) TypeLabel() string {
	for _, t := range attachmentTypes {
		if t.ContentType == a.ContentType {
			return t.Label
		}
	}
	return "File"
}

// SizeText is the size for people: "820 KB", "2.4 MB".
func (a LibraryAttachment) SizeText() string {
	switch {
	case a.SizeBytes < 1000:
		return fmt.Sprintf("%d bytes", a.SizeBytes)
	case a.SizeBytes < 1000*1000:
		return fmt.Sprintf("%d KB", (a.SizeBytes+500)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(a.SizeBytes)/1e6)
}

// attachmentsCurrent reports whether viewer sees an item's attachments as
// they are now (its authors, and its reviewers while it is in review, as
// they see its latest text) rather than as they stood when it was last
// approved.
func attachmentsCurrent(viewer User, it LibraryItem) bool {
	staff := viewer.Role == RoleOfficer || viewer.Role == RoleAdmin
	return it.Access.Edit || (it.Status == LibraryInReview && staff) || !it.Published()
}

// attachmentVisibleSQL limits library_attachments a to those viewer sees
// of it, with attachmentVisibleArgs.
func attachmentVisibleSQL(viewer User, it LibraryItem) (string, []any) {
	if attachmentsCurrent(viewer, it) {
		return `a.removed_at IS NULL`, nil
	}
	at := dbTime(it.PublishedAt)
	return `a.uploaded_at <= ? AND (a.removed_at IS NULL OR a.removed_at > ?)`, []any{at, at}
}

const attachmentSelect = `SELECT a.id, a.item_id, a.filename, a.content_type, a.size_bytes, a.sha256, coalesce(u.name, ''), a.uploaded_at
	FROM library_attachments a LEFT JOIN users u ON u.id = a.uploaded_by `

func scanAttachment(s interface{ Scan(...any) error }) (LibraryAttachment, error) {
	var a LibraryAttachment
	var at string
	if err := s.Scan(&a.ID, &a.ItemID, &a.FileName, &a.ContentType, &a.SizeBytes, &a.SHA256, &a.UploadedByName, &at); err != nil {
		return a, err
	}
	a.UploadedAt, _ = parseDBTime(at)
	return a, nil
}

// LibraryAttachments lists the attachments viewer sees of item id, in the
// order they were attached. ErrNotFound when viewer may not read the item.
func (db *DB) LibraryAttachments(ctx context.Context, viewer User, id int64) ([]LibraryAttachment, error) {
	it, err := db.LibraryItemByID(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	cond, args := attachmentVisibleSQL(viewer, it)
	rows, err := db.R.QueryContext(ctx, attachmentSelect+`WHERE a.item_id = ? AND `+cond+` ORDER BY a.id`, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LibraryAttachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// LibraryAttachmentByID is one attachment of item id that viewer sees;
// ErrNotFound otherwise, as for an item they may not read.
func (db *DB) LibraryAttachmentByID(ctx context.Context, viewer User, id, attachmentID int64) (LibraryAttachment, error) {
	it, err := db.LibraryItemByID(ctx, viewer, id)
	if err != nil {
		return LibraryAttachment{}, err
	}
	cond, args := attachmentVisibleSQL(viewer, it)
	a, err := scanAttachment(db.R.QueryRowContext(ctx, attachmentSelect+`WHERE a.id = ? AND a.item_id = ? AND `+cond,
		append([]any{attachmentID, id}, args...)...))
	if err != nil {
		return a, notFound(err, fmt.Sprintf("attachment %d of library item %d", attachmentID, id))
	}
	return a, nil
}

// AddLibraryAttachment attaches a file to item id, for its authors. The
// file's problems (empty, too large, not a type taken, already attached)
// come back as a ValidationError on the field "file". The item goes back
// to draft: the new attachment reaches readers once it is approved.
func (db *DB) AddLibraryAttachment(ctx context.Context, actor User, store AttachmentStore, id int64, fileName string, data []byte) (LibraryAttachment, error) {
	var a LibraryAttachment
	it, err := db.LibraryItemByID(ctx, actor, id)
	if err != nil {
		return a, err
	}
	if !it.Access.Edit {
		return a, &PublicError{Status: 403, Message: "Only the officers of the council that wrote this item can attach files to it."}
	}
	verr := &ValidationError{}
	t, ok := DetectAttachment(data)
	switch {
	case len(data) == 0:
		verr.Add("file", "The selected file is empty")
	case len(data) > MaxAttachmentBytes:
		verr.Add("file", "The file must be 10 MB or smaller")
	case !ok:
		verr.Add("file", "The file must be a Word document (.docx), an Excel spreadsheet (.xlsx), an OpenDocument text (.odt) or a PDF")
	}
	if err := verr.Err(); err != nil {
		return a, err
	}
	sum := sha256.Sum256(data)
	a = LibraryAttachment{ItemID: id, FileName: AttachmentFileName(fileName, t), ContentType: t.ContentType,
		SizeBytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), UploadedByName: actor.Name, UploadedAt: db.now()}
	// The bytes go first: a file no row names is harmless (and found again
	// by its hash), a row naming no file is not.
	if err := store.put(a.SHA256, data); err != nil {
		return LibraryAttachment{}, err
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := db.libraryItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !it.Access.Edit {
			return fmt.Errorf("attach to library item %d: %w", id, ErrForbidden)
		}
		var existing string
		err = tx.QueryRowContext(ctx, `SELECT filename FROM library_attachments WHERE item_id = ? AND sha256 = ? AND removed_at IS NULL`,
			id, a.SHA256).Scan(&existing)
		if err == nil {
			return &ValidationError{Fields: []FieldError{{"file", fmt.Sprintf("That file is already attached, as %s", existing)}}}
		}
		if !isNoRows(err) {
			return err
		}
		now := dbTime(a.UploadedAt)
		if err := tx.QueryRowContext(ctx, `INSERT INTO library_attachments (item_id, filename, content_type, size_bytes, sha256, uploaded_by, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, a.FileName, a.ContentType, a.SizeBytes, a.SHA256, actor.ID, now).Scan(&a.ID); err != nil {
			return err
		}
		if err := db.attachmentsChanged(ctx, tx, actor, id); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "library.attach", "library_item", fmt.Sprint(id),
			map[string]any{"attachment": a.ID, "filename": a.FileName, "sha256": a.SHA256})
	})
	if err != nil {
		return LibraryAttachment{}, err
	}
	return a, nil
}

// RemoveLibraryAttachment takes an attachment off item id, for its
// authors. The row (and the file) stay: readers keep it until the item
// is approved again.
func (db *DB) RemoveLibraryAttachment(ctx context.Context, actor User, id, attachmentID int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		it, err := db.libraryItem(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !it.Access.Edit {
			return &PublicError{Status: 403, Message: "Only the officers of the council that wrote this item can remove its attachments."}
		}
		res, err := tx.ExecContext(ctx, `UPDATE library_attachments SET removed_at = ? WHERE id = ? AND item_id = ? AND removed_at IS NULL`,
			dbTime(db.now()), attachmentID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(sql.ErrNoRows, fmt.Sprintf("attachment %d of library item %d", attachmentID, id))
		}
		if err := db.attachmentsChanged(ctx, tx, actor, id); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "library.detach", "library_item", fmt.Sprint(id), map[string]any{"attachment": attachmentID})
	})
}

// attachmentsChanged sends an item back to draft, as a save does: the
// change needs approval before readers see it.
func (db *DB) attachmentsChanged(ctx context.Context, tx *sql.Tx, actor User, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE library_items SET status = 'draft', submitted_by = NULL, submitted_at = NULL,
		updated_by = ?, updated_at = ? WHERE id = ?`, actor.ID, dbTime(db.now()), id)
	return err
}
