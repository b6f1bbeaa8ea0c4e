package testutil

import (
	"bytes"
	"errors"
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

// SMTPSink is a real SMTP server (emersion/go-smtp) on a loopback port
// that keeps every message it accepts, with its envelope: what a test of
// mail delivery reads instead of a mocked transport. Loopback needs no
// TLS or authentication (mailer.SMTPTransport uses STARTTLS there only if
// offered, and this server offers none).
type SMTPSink struct {
	Addr string

	mu       sync.Mutex
	messages []SunkMail
	hold     func(n int) <-chan struct{}
}

// SunkMail is one message as the server received it.
type SunkMail struct {
	From string   // MAIL FROM
	To   []string // RCPT TO
	Raw  []byte
}

// NewSMTPSink starts a sink for the test; it stops when the test ends.
func NewSMTPSink(t *testing.T) *SMTPSink {
	t.Helper()
	s := &SMTPSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
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

// URL is the sink's address as JOINTLY_SMTP_URL takes it.
func (s *SMTPSink) URL() string { return "smtp://" + s.Addr }

// Received returns the messages accepted so far, in order.
func (s *SMTPSink) Received() []SunkMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SunkMail(nil), s.messages...)
}

type sinkSession struct {
	sink *SMTPSink
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
	n, hold := len(s.sink.messages)+1, s.sink.hold
	s.sink.mu.Unlock()
	if hold != nil {
		if wait := hold(n); wait != nil {
			<-wait
			return errors.New("the sender went away before this message was accepted")
		}
	}
	s.sink.mu.Lock()
	s.sink.messages = append(s.sink.messages, SunkMail{From: s.from, To: append([]string(nil), s.to...), Raw: raw})
	s.sink.mu.Unlock()
	return nil
}

// Hold makes the sink ask hold, after reading the nth message and before
// accepting it, whether to hold it: a channel returned keeps the server
// from answering until it closes, and the message is then refused, as a
// sender killed before the server's "250 OK" would leave it (it never
// learns the message went). nil stops holding.
func (s *SMTPSink) Hold(hold func(n int) <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = hold
}

// ParsedMail is a received message's headers (decoded) and the decoded
// text of each of its parts by content type.
type ParsedMail struct {
	Header mail.Header
	// MediaType is the message's own content type: multipart/alternative.
	MediaType string
	// Parts is each part's decoded text by content type.
	Parts map[string]string
}

// Parse reads m's headers and parts, failing the test if it is not MIME.
func (m SunkMail) Parse(t *testing.T) ParsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, m.Raw)
	}
	p := ParsedMail{Header: msg.Header, Parts: map[string]string{}}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	p.MediaType = mt
	if !strings.HasPrefix(mt, "multipart/") {
		body, _ := io.ReadAll(msg.Body)
		p.Parts[mt] = string(body)
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
		p.Parts[pt] = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	return p
}

// Get is a header, MIME words decoded.
func (p ParsedMail) Get(t *testing.T, name string) string {
	t.Helper()
	v, err := new(mime.WordDecoder).DecodeHeader(p.Header.Get(name))
	if err != nil {
		t.Fatalf("header %s: %v", name, err)
	}
	return v
}
