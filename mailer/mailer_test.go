package mailer_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jointly/mailer"
	"jointly/models"
)

// built queues e, builds its message as the sender would and parses it.
func built(t *testing.T, w mailWorld, e models.Email) (models.QueuedEmail, *mail.Message, string) {
	t.Helper()
	id, err := w.outbox.Send(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	q := w.email(t, id)
	m, err := mailer.Build("Jointly <no-reply@jointly.test>", q)
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if _, err := m.WriteTo(&raw); err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw.Bytes()))
	if err != nil {
		t.Fatalf("%v\n%s", err, raw.String())
	}
	return q, msg, raw.String()
}

// readPart decodes a part's body by its Content-Transfer-Encoding.
func readPart(t *testing.T, cte string, r io.Reader) string {
	t.Helper()
	if strings.EqualFold(cte, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	} else if cte != "" && !strings.EqualFold(cte, "7bit") && !strings.EqualFold(cte, "8bit") {
		t.Fatalf("unexpected Content-Transfer-Encoding %q", cte)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

func TestBuildTextOnly(t *testing.T) {
	t.Parallel()
	w := newMailWorld(t, mailer.FileTransport{Dir: t.TempDir()})
	w.clock.T = time.Date(2026, 11, 21, 10, 0, 0, 123456000, time.UTC)
	text := "Leeds’s contract for payroll reaches its decision window on 3 March 2027.\nValue: £1,200,000 a year.\n" +
		"A long line that goes on and on well past seventy-six characters, so that quoted-printable has to fold it somewhere.\n"
	q, msg, raw := built(t, w, models.Email{To: "Jo Bloggs <cio@leeds.gov.uk>", Subject: "Contracts reaching a decision – Leeds",
		Text: text, Kind: "expiry-alert"})
	h := msg.Header
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "no-reply@jointly.test" || from[0].Name != "Jointly" {
		t.Errorf("From %v, %v", from, err)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "cio@leeds.gov.uk" || to[0].Name != "Jo Bloggs" {
		t.Errorf("To %v, %v", to, err)
	}
	if !strings.Contains(raw, "Subject: =?") {
		t.Errorf("the non-ASCII subject is not encoded:\n%s", raw)
	}
	dec := new(mime.WordDecoder)
	if s, err := dec.DecodeHeader(h.Get("Subject")); err != nil || s != "Contracts reaching a decision – Leeds" {
		t.Errorf("Subject %q, %v", s, err)
	}
	if d, err := h.Date(); err != nil || !d.Equal(q.CreatedAt.Truncate(time.Second)) {
		t.Errorf("Date %v, %v; want the time it was queued, %s", d, err, q.CreatedAt)
	}
	if id := h.Get("Message-Id"); id != "<"+q.MessageID+">" || !strings.HasSuffix(q.MessageID, "@jointly") {
		t.Errorf("Message-ID %q, want <%s>", id, q.MessageID)
	}
	if k := h.Get("X-Jointly-Kind"); k != "expiry-alert" {
		t.Errorf("X-Jointly-Kind %q", k)
	}
	for _, name := range []string{"List-Unsubscribe", "List-Unsubscribe-Post", "Precedence"} {
		if v := h.Get(name); v != "" {
			t.Errorf("%s: %s on a message with no unsubscribe link", name, v)
		}
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("Content-Type %q (%v), want text/plain in UTF-8", h.Get("Content-Type"), err)
	}
	if cte := h.Get("Content-Transfer-Encoding"); !strings.EqualFold(cte, "quoted-printable") {
		t.Errorf("Content-Transfer-Encoding %q", cte)
	}
	if body := readPart(t, h.Get("Content-Transfer-Encoding"), msg.Body); body != text {
		t.Errorf("body %q, want %q", body, text)
	}
	for _, l := range strings.Split(raw, "\r\n") {
		if len(l) > 78 {
			t.Errorf("line longer than 78 characters: %q", l)
		}
	}
}

func TestBuildWithHTMLAndUnsubscribe(t *testing.T) {
	t.Parallel()
	w := newMailWorld(t, mailer.FileTransport{Dir: t.TempDir()})
	unsub := "https://jointly.example/unsubscribe/7/abc-DEF_123"
	e := models.Email{To: "cio@leeds.gov.uk", Subject: "Your Jointly digest", Kind: "digest", UnsubscribeURL: unsub,
		Text: "2 contracts reach their decision window.\n", HTML: "<p>2 contracts reach their <strong>decision window</strong>.</p>\n"}
	_, msg, _ := built(t, w, e)
	h := msg.Header
	if v := h.Get("List-Unsubscribe"); v != "<"+unsub+">" {
		t.Errorf("List-Unsubscribe %q", v)
	}
	if v := h.Get("List-Unsubscribe-Post"); v != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", v)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v), want multipart/alternative", h.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types, bodies []string
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		types = append(types, ct)
		bodies = append(bodies, readPart(t, p.Header.Get("Content-Transfer-Encoding"), p))
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Fatalf("parts %v, want text/plain then text/html (the preferred last)", types)
	}
	if bodies[0] != e.Text || bodies[1] != e.HTML {
		t.Errorf("parts %q", bodies)
	}
}

// With no SMTP server, mail goes to .eml files in a folder: written whole
// or not at all, one file per message however often it is delivered.
func TestFileTransport(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "outbox") // not there yet
	tr := mailer.FileTransport{Dir: dir}
	w := newMailWorld(t, tr)
	ids := w.queue(t, 2)
	sent, failed, err := w.sender.DeliverDue(context.Background())
	if sent != 2 || failed != 0 || err != nil {
		t.Fatalf("DeliverDue: %d sent, %d failed, %v", sent, failed, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d files in the outbox, want 2: %v", len(entries), entries)
	}
	for i, id := range ids {
		q := w.email(t, id)
		if q.Status != "sent" || filepath.Dir(q.DeliveredTo) != dir || filepath.Base(q.DeliveredTo) != entries[i].Name() {
			t.Errorf("message %d: %+v, want sent to %s", id, q, entries[i].Name())
		}
		b, err := os.ReadFile(q.DeliveredTo)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(b))
		if err != nil || m.Header.Get("Subject") != q.Subject {
			t.Errorf("file %s: %v, subject %q", q.DeliveredTo, err, m.Header.Get("Subject"))
		}
	}

	// Delivered again (a crash between writing the file and marking it
	// sent): the same file, rewritten, and no temporary files left.
	q := w.email(t, ids[0])
	before, _ := os.ReadFile(q.DeliveredTo)
	m, err := mailer.Build(w.sender.From, q)
	if err != nil {
		t.Fatal(err)
	}
	var where []string
	if err := tr.Deliver(context.Background(), []mailer.Envelope{{ID: q.ID, Created: q.CreatedAt, Msg: m}},
		func(i int, w string, err error) { where = append(where, w) }); err != nil {
		t.Fatal(err)
	}
	if len(where) != 1 || where[0] != q.DeliveredTo {
		t.Errorf("delivered again to %v, want %s", where, q.DeliveredTo)
	}
	after, _ := os.ReadFile(q.DeliveredTo)
	if !bytes.Equal(before, after) {
		t.Errorf("the file changed on delivering it again")
	}
	entries, _ = os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 2 {
		t.Errorf("files after delivering one again: %v, want the same two", names)
	}
}

// A folder that cannot be written: the messages stay queued, an attempt
// counted.
func TestFileTransportUnwritable(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := newMailWorld(t, mailer.FileTransport{Dir: file})
	ids := w.queue(t, 2)
	sent, failed, err := w.sender.DeliverDue(context.Background())
	if err == nil || sent != 0 || failed != 2 {
		t.Fatalf("DeliverDue into a file: %d sent, %d failed, %v", sent, failed, err)
	}
	for _, id := range ids {
		if q := w.email(t, id); q.Status != "queued" || q.Attempts != 1 || !strings.Contains(q.LastError, "outbox") {
			t.Errorf("message %d: %+v", id, q)
		}
	}
}

func TestParseSMTPURL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		url      string
		host     string
		port     int
		user     string
		implicit bool
		str      string
	}{
		{"smtp://mail.example.com", "mail.example.com", 587, "", false, "smtp://mail.example.com:587"},
		{"smtp://user:pa%40ss@mail.example.com:2525", "mail.example.com", 2525, "user", false, "smtp://mail.example.com:2525"},
		{"smtps://apikey:s3cret@smtp.example.net", "smtp.example.net", 465, "apikey", true, "smtps://smtp.example.net:465"},
		{"smtp://[::1]:25", "::1", 25, "", false, "smtp://[::1]:25"},
	} {
		tr, err := mailer.ParseSMTPURL(c.url)
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if tr.Host != c.host || tr.Port != c.port || tr.Username != c.user || tr.Implicit != c.implicit || tr.String() != c.str {
			t.Errorf("%s: %+v (%s)", c.url, tr, tr)
		}
		if strings.Contains(tr.String(), "pa@ss") || strings.Contains(tr.String(), "s3cret") {
			t.Errorf("%s: String() %q shows the password", c.url, tr)
		}
	}
	if tr, _ := mailer.ParseSMTPURL("smtp://user:pa%40ss@mail.example.com"); tr.Password != "pa@ss" {
		t.Errorf("password %q, want the unescaped pa@ss", tr.Password)
	}
	for _, c := range []struct{ url, want string }{
		{"http://user:hunter2@mail.example.com", "scheme must be smtp or smtps"},
		{"mail.example.com:587", "scheme must be smtp or smtps"},
		{"smtp://user:hunter2@:587", "has no host"},
		{"smtp://user:hunter2@mail.example.com:0", "is not a port number"},
		{"smtp://user:hunter2@mail.example.com:70000", "is not a port number"},
		{"smtp://user:hunter2@mail.example.com:smtp", "invalid port"},
		{"smtp://user:hunter2%zz@mail.example.com", "escape"},
		{"smtp://user:hunter2@mail.example.com:25/path/hunter2", ""}, // a path is ignored
	} {
		_, err := mailer.ParseSMTPURL(c.url)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.url, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.url, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the password: %v", c.url, err)
		}
	}
}
