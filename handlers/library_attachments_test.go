package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"jointly/handlers"
	"jointly/models"
	"jointly/testutil"
)

// tinyPDF is a real, if empty, one-page PDF.
const tinyPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// tinyDOCX builds a minimal Word document: the parts Word itself needs.
func tinyDOCX(t testing.TB, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`},
	}
	for _, p := range parts {
		f, err := w.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(p.body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// draftLibraryItem writes a Leeds draft for audience, and returns its id
// and its page's path.
func draftLibraryItem(e *env, title, audience string) (int64, string) {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.app.DB.CreateLibraryItem(ctx, bidPagesUser(e, testutil.OfficerEmail), models.LibraryInput{Kind: models.KindTemplate,
		Title: title, Body: "Use the attached template.", Audience: audience})
	if err != nil {
		e.t.Fatal(err)
	}
	return id, "/library/" + itoa(id)
}

// approveLibraryItem sends item id for review (Leeds) and approves it
// (Bradford).
func approveLibraryItem(e *env, id int64) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.app.DB.SubmitLibraryItem(ctx, bidPagesUser(e, testutil.OfficerEmail), id); err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.DB.ApproveLibraryItem(ctx, bidPagesUser(e, testutil.Officer2Email), id); err != nil {
		e.t.Fatal(err)
	}
}

func TestLibraryAttachments(t *testing.T) {
	uploads := t.TempDir()
	e := newEnv(t, func(c *handlers.Config) { c.UploadsDir = uploads })
	leeds := testutil.OfficerEmail
	id, path := draftLibraryItem(e, "Joint procurement templates", models.AudienceCouncillors)
	e.browser(leeds).Get(path) // the form's token

	refused := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"a text file named .pdf", "plan.pdf", []byte("Just some text, not a PDF at all.\n"), "must be a Word document (.docx), an Excel spreadsheet (.xlsx), an OpenDocument text (.odt) or a PDF"},
		{"a program named .docx", "invoice.docx", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 512)...), "must be a Word document"},
		{"a zip that is not a document", "report.docx", func() []byte {
			var buf bytes.Buffer
			w := zip.NewWriter(&buf)
			f, _ := w.Create("readme.txt")
			f.Write([]byte("hello"))
			w.Close()
			return buf.Bytes()
		}(), "must be a Word document"},
		{"10 MB and a byte", "big.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), models.MaxAttachmentBytes+1-9)...), "The file must be 10 MB or smaller"},
		{"nothing chosen", "", nil, "Choose a file to attach"},
	}
	for _, tt := range refused {
		r := upload(e, leeds, path+"/attachments", tt.file, tt.data)
		checkResponse(t, tt.name, r, 422, "", []string{"There is a problem", `id="file-error"`, tt.want, `href="#file"`}, nil)
	}
	if entries, _ := os.ReadDir(uploads); len(entries) != 0 {
		t.Fatalf("refused files were kept: %v", entries)
	}

	// A real PDF and a real Word document are taken.
	r := upload(e, leeds, path+"/attachments", `C:\Users\sam\Résumé "plan".pdf`, []byte(tinyPDF))
	checkResponse(t, "the PDF", r, 303, path+"#attachments", nil, nil)
	r = upload(e, leeds, path+"/attachments", "letter.docx", tinyDOCX(t, "Dear supplier"))
	checkResponse(t, "the docx", r, 303, path+"#attachments", nil, nil)
	r = upload(e, leeds, path+"/attachments", "again.pdf", []byte(tinyPDF))
	checkResponse(t, "the same file again", r, 422, "", []string{"That file is already attached, as Résumé"}, nil)

	page := e.browser(leeds).Get(path)
	checkResponse(t, "the author's page", page, 200, "", []string{"Résumé &#34;plan&#34;.pdf", "letter.docx", "(PDF, ", "(Word document, ", "Remove"}, nil)
	pdf, docx := attachmentLinks(t, page.Body)

	// Nobody but the authors has it until the item is approved again.
	checkResponse(t, "the councillor before approval", e.browser(testutil.CouncillorEmail).Get(pdf), 404, "", nil, nil)
	d := e.browser(leeds).Get(pdf)
	checkResponse(t, "the author downloads it", d, 200, "", nil, nil)
	approveLibraryItem(e, id)

	d = e.browser(testutil.CouncillorEmail).Get(pdf)
	checkResponse(t, "the councillor downloads it", d, 200, "", nil, nil)
	if d.Body != tinyPDF {
		t.Errorf("downloaded %d bytes, not the PDF", len(d.Body))
	}
	for h, want := range map[string]string{
		"Content-Type":           "application/pdf",
		"Content-Disposition":    `attachment; filename*=utf-8''R%C3%A9sum%C3%A9%20%22plan%22.pdf`,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "private, no-cache",
	} {
		if got := d.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	d = e.browser(testutil.CouncillorEmail).Get(docx)
	if got := d.Header.Get("Content-Type"); d.Status != 200 || got != models.AttachmentDOCX.ContentType {
		t.Errorf("docx: status %d, type %q", d.Status, got)
	}
	if got := d.Header.Get("Content-Disposition"); got != `attachment; filename=letter.docx` {
		t.Errorf("docx: Content-Disposition %q", got)
	}

	// Those who may not read the item may not have its files.
	checkResponse(t, "a supplier", e.browser(testutil.SupplierEmail).Get(pdf), 404, "", nil, nil)
	checkResponse(t, "signed out", e.browser("").Get(pdf), 404, "", nil, nil)
	checkResponse(t, "another item's id", e.browser(testutil.CouncillorEmail).Get(strings.Replace(pdf, path, "/library/1", 1)), 404, "", nil, nil)
	checkResponse(t, "a reader cannot attach", upload(e, testutil.Officer2Email, path+"/attachments", "x.pdf", []byte(tinyPDF)), 403, "", nil, nil)
	checkResponse(t, "a reader cannot remove", e.browser(testutil.Officer2Email).Post(pdf+"/delete", nil), 403, "", nil, nil)

	// The same file on another item is kept once.
	_, other := draftLibraryItem(e, "Another item", models.AudienceOfficers)
	e.browser(leeds).Get(other)
	checkResponse(t, "the PDF on another item", upload(e, leeds, other+"/attachments", "copy.pdf", []byte(tinyPDF)), 303, "", nil, nil)
	if entries, _ := os.ReadDir(uploads); len(entries) != 2 {
		t.Errorf("%d files kept for two different files, want 2", len(entries))
	}

	// Removing: the author no longer has it; readers keep it until the
	// item is approved again.
	e.app.Clock.Advance(time.Minute)
	e.browser(leeds).Get(path)
	checkResponse(t, "removed", e.browser(leeds).Post(pdf+"/delete", nil), 303, path+"#attachments", nil, nil)
	checkResponse(t, "the author after removal", e.browser(leeds).Get(pdf), 404, "", nil, nil)
	checkResponse(t, "the councillor after removal", e.browser(testutil.CouncillorEmail).Get(pdf), 200, "", nil, nil)
	approveLibraryItem(e, id)
	checkResponse(t, "the councillor after approval", e.browser(testutil.CouncillorEmail).Get(pdf), 404, "", nil, nil)
	checkResponse(t, "the docx stays", e.browser(testutil.CouncillorEmail).Get(docx), 200, "", nil, nil)
}

// attachmentLinks are the first two download links on an item's page.
func attachmentLinks(t *testing.T, page string) (string, string) {
	t.Helper()
	var links []string
	rest := page
	for {
		i := strings.Index(rest, `" download data-testid="library-attachment"`)
		if i < 0 {
			break
		}
		j := strings.LastIndex(rest[:i], `href="`)
		links = append(links, rest[j+len(`href="`):i])
		rest = rest[i+1:]
	}
	if len(links) < 2 {
		t.Fatalf("download links %v\n%s", links, excerpt(page))
	}
	return links[0], links[1]
}
