package jobs_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// smtpSink is a real SMTP server (emersion/go-smtp) on a loopback port
// that keeps every message it accepts, with its envelope: what a test of
// mail delivery reads instead of a mocked transport. Loopback needs no
// TLS or authentication (mailer.SMTPTransport uses STARTTLS there only if
// offered, and this server offers none).
type smtpSink struct {
	addr string

	mu       sync.Mutex
	messages []sunkMail
}

// sunkMail is one message as the server received it.
type sunkMail struct {
	from string   // MAIL FROM
	to   []string // RCPT TO
	raw  []byte
}

// newSMTPSink starts a sink for the test; it stops when the test ends.
func newSMTPSink(t *testing.T) *smtpSink {
	t.Helper()
	s := &smtpSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return s
}

// url is the sink's address as JOINTLY_SMTP_URL takes it.
func (s *smtpSink) url() string { return "smtp://" + s.addr }

// received returns the messages accepted so far, in order.
func (s *smtpSink) received() []sunkMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunkMail(nil), s.messages...)
}

type sinkSession struct {
	sink *smtpSink
	from string
	to   []string
}

func (s *sinkSession) Reset()        { s.from, s.to = "", nil }
func (s *sinkSession) Logout() error { return nil }

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.sink.mu.Lock()
	s.sink.messages = append(s.sink.messages, sunkMail{from: s.from, to: append([]string(nil), s.to...), raw: raw})
	s.sink.mu.Unlock()
	return nil
}

// parsedMail is a received message's headers (decoded) and the decoded
// text of each of its parts by content type.
type parsedMail struct {
	header mail.Header
	// mediaType is the message's own content type: multipart/alternative.
	mediaType string
	parts     map[string]string
}

// parse reads m's headers and parts, failing the test if it is not MIME.
func (m sunkMail) parse(t *testing.T) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.raw))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, m.raw)
	}
	p := parsedMail{header: msg.Header, parts: map[string]string{}}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	p.mediaType = mt
	if !strings.HasPrefix(mt, "multipart/") {
		body, _ := io.ReadAll(msg.Body)
		p.parts[mt] = string(body)
		return p
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		body, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		p.parts[pt] = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	return p
}

// get is a header, MIME words decoded.
func (p parsedMail) get(t *testing.T, name string) string {
	t.Helper()
	v, err := new(mime.WordDecoder).DecodeHeader(p.header.Get(name))
	if err != nil {
		t.Fatalf("header %s: %v", name, err)
	}
	return v
}
