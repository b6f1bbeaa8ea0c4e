package models_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"jointly/models"
)

// zipOf builds a zip with the given entries (name, content), in order.
func zipOf(t *testing.T, entries ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := 0; i+1 < len(entries); i += 2 {
		f, err := w.Create(entries[i])
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(entries[i+1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func contentTypes(main string) string {
	return `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/x.xml" ContentType="` + main + `"/></Types>`
}

func TestDetectAttachment(t *testing.T) {
	const (
		wordMain  = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
		excelMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	)
	tests := []struct {
		name string
		data []byte
		want models.AttachmentType
		ok   bool
	}{
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n"), models.AttachmentPDF, true},
		{"docx", zipOf(t, "[Content_Types].xml", contentTypes(wordMain), "word/document.xml", "<w:document/>"), models.AttachmentDOCX, true},
		{"xlsx", zipOf(t, "[Content_Types].xml", contentTypes(excelMain), "xl/workbook.xml", "<workbook/>"), models.AttachmentXLSX, true},
		{"odt", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<office:document-content/>"), models.AttachmentODT, true},
		{"empty", nil, models.AttachmentType{}, false},
		{"text", []byte("hello, world"), models.AttachmentType{}, false},
		{"PDF magic not at the start", []byte(" %PDF-1.4"), models.AttachmentType{}, false},
		{"exe", []byte("MZ\x90\x00\x03\x00\x00\x00"), models.AttachmentType{}, false},
		{"html", []byte("<!doctype html><script>alert(1)</script>"), models.AttachmentType{}, false},
		{"a plain zip", zipOf(t, "readme.txt", "hello"), models.AttachmentType{}, false},
		{"a broken zip", []byte("PK\x03\x04broken"), models.AttachmentType{}, false},
		{"docx types without word parts", zipOf(t, "[Content_Types].xml", contentTypes(wordMain)), models.AttachmentType{}, false},
		{"macro-enabled Word (docm)", zipOf(t, "[Content_Types].xml", contentTypes("application/vnd.ms-word.document.macroEnabled.main+xml"),
			"word/document.xml", "<w:document/>"), models.AttachmentType{}, false},
		{"docx carrying macros", zipOf(t, "[Content_Types].xml", contentTypes(wordMain), "word/document.xml", "<w:document/>",
			"word/vbaProject.bin", "macros"), models.AttachmentType{}, false},
		{"OpenDocument spreadsheet", zipOf(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet"), models.AttachmentType{}, false},
		{"a Word file's types with Excel parts", zipOf(t, "[Content_Types].xml", contentTypes(wordMain), "xl/workbook.xml", "<workbook/>"), models.AttachmentType{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := models.DetectAttachment(tt.data)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAttachmentFileName(t *testing.T) {
	tests := []struct {
		in   string
		t    models.AttachmentType
		want string
	}{
		{"plan.pdf", models.AttachmentPDF, "plan.pdf"},
		{"PLAN.PDF", models.AttachmentPDF, "PLAN.pdf"},
		{"plan.docx", models.AttachmentPDF, "plan.pdf"}, // the content decides
		{"plan.exe", models.AttachmentPDF, "plan.exe.pdf"},
		{`C:\Users\sam\plan.pdf`, models.AttachmentPDF, "plan.pdf"},
		{"../../etc/passwd", models.AttachmentODT, "passwd.odt"},
		{"a\r\nSet-Cookie: x.docx", models.AttachmentDOCX, "aSet-Cookie: x.docx"},
		{"evil\u202Efdp.exe", models.AttachmentPDF, "evilfdp.exe.pdf"},
		{"", models.AttachmentXLSX, "attachment.xlsx"},
		{".pdf", models.AttachmentPDF, "attachment.pdf"},
		{"Résumé.pdf", models.AttachmentPDF, "Résumé.pdf"},
	}
	for _, tt := range tests {
		if got := models.AttachmentFileName(tt.in, tt.t); got != tt.want {
			t.Errorf("AttachmentFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLibraryAttachmentRules(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	store := models.AttachmentStore{Dir: t.TempDir()}
	id, err := w.db.CreateLibraryItem(ctx, w.leeds, libraryInput("Templates", "Use them."))
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	// Only the authors attach.
	for _, u := range []models.User{w.bradford, w.councillor, w.supplier, w.admin} {
		if _, err := w.db.AddLibraryAttachment(ctx, u, store, id, "x.pdf", pdf); err == nil {
			t.Fatalf("%s attached a file to Leeds's draft", u.Email)
		}
	}
	var verr *models.ValidationError
	if _, err := w.db.AddLibraryAttachment(ctx, w.leeds, store, id, "x.pdf", []byte("not a pdf")); !errors.As(err, &verr) || verr.Message("file") == "" {
		t.Fatalf("a text file: %v", err)
	}
	a, err := w.db.AddLibraryAttachment(ctx, w.leeds2, store, id, "x.pdf", pdf)
	if err != nil {
		t.Fatal(err)
	}
	f, err := store.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	// Readers see attachments as they stood when the item was approved.
	if err := w.db.SubmitLibraryItem(ctx, w.leeds, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.LibraryAttachmentByID(ctx, w.bradford, id, a.ID); err != nil {
		t.Fatalf("a reviewer cannot open the attachment under review: %v", err)
	}
	if err := w.db.ApproveLibraryItem(ctx, w.bradford, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.LibraryAttachmentByID(ctx, w.councillor, id, a.ID); err != nil {
		t.Fatalf("a reader cannot open a published attachment: %v", err)
	}
	w.clock.Advance(1e9)
	b, err := w.db.AddLibraryAttachment(ctx, w.leeds, store, id, "y.docx", zipOf(t, "[Content_Types].xml",
		contentTypes("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"), "word/document.xml", "<w:document/>"))
	if err != nil {
		t.Fatal(err)
	}
	it, _ := w.db.LibraryItemByID(ctx, w.leeds, id)
	if it.Status != models.LibraryDraft {
		t.Fatalf("attaching left the item %s, not a draft to approve again", it.Status)
	}
	if _, err := w.db.LibraryAttachmentByID(ctx, w.councillor, id, b.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a reader opens an attachment not yet approved: %v", err)
	}
	if as, _ := w.db.LibraryAttachments(ctx, w.councillor, id); len(as) != 1 {
		t.Fatalf("a reader lists %d attachments, want the 1 approved", len(as))
	}
	if as, _ := w.db.LibraryAttachments(ctx, w.leeds, id); len(as) != 2 {
		t.Fatalf("the author lists %d attachments, want 2", len(as))
	}
	// The same bytes are kept once.
	other, _ := w.db.CreateLibraryItem(ctx, w.leeds, libraryInput("Other", "Other."))
	if _, err := w.db.AddLibraryAttachment(ctx, w.leeds, store, other, "copy.pdf", pdf); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(store.Dir); len(entries) != 2 {
		t.Fatalf("%d files kept for two contents", len(entries))
	}
	if err := w.db.RemoveLibraryAttachment(ctx, w.bradford, id, a.ID); err == nil {
		t.Fatal("a reader removed an attachment")
	}
	if err := w.db.RemoveLibraryAttachment(ctx, w.leeds, other, a.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("removed another item's attachment: %v", err)
	}
	// A store never opens a path that is not a hash.
	if _, err := store.Open(models.LibraryAttachment{SHA256: "../../etc/passwd"}); err == nil {
		t.Fatal("opened a path")
	}
}
