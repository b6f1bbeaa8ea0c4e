package mailer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"jointly/mailer"
	"jointly/models"
	"jointly/testutil"
)

// testCA is a self-signed certificate for the test server, and a client
// TLS configuration that trusts it.
type testCA struct {
	server *tls.Config
	pool   *x509.CertPool
}

func (ca testCA) client(serverName string) *tls.Config {
	return &tls.Config{RootCAs: ca.pool, ServerName: serverName, MinVersion: tls.VersionTLS12}
}

func newTestCA(t *testing.T, ips ...net.IP) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Jointly test mail server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost", "mail.jointly.test"},
		IPAddresses:           append([]net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, ips...),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return testCA{
		server: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}, MinVersion: tls.VersionTLS12},
		pool:   pool,
	}
}

// received is one message the test server accepted, with how its session
// stood.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

// authAttempt is one AUTH the server saw.
type authAttempt struct {
	User, Password string
	TLS            bool
}

// smtpServer is a real SMTP server (emersion/go-smtp) on a loopback port.
// Users, when set, are the only accounts it accepts, and it then refuses
// mail without AUTH PLAIN. Reply, when set, decides the answer to each
// message's DATA (n counts from 1 across the server's life); CloseAfter,
// when set, drops the connection after accepting the nth message.
type smtpServer struct {
	Addr string
	Port int

	Users      map[string]string
	Reply      func(n int, data []byte) error
	CloseAfter int

	mu       sync.Mutex
	data     int
	messages []received
	auths    []authAttempt
	sessions int
}

// serverOpts configure the server before it starts.
type serverOpts struct {
	TLS      *tls.Config // offered with STARTTLS (or from the first byte when Implicit)
	Implicit bool
	Insecure bool   // AllowInsecureAuth
	Listen   string // default 127.0.0.1:0
}

func startSMTP(t *testing.T, o serverOpts, configure func(*smtpServer)) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	if configure != nil {
		configure(s)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		_, isTLS := c.TLSConnectionState()
		return &session{srv: s, conn: c, tls: isTLS}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = o.Insecure
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = slogLogger{}
	listen := o.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	if o.Implicit {
		ln, err = tls.Listen("tcp", listen, o.TLS)
	} else {
		srv.TLSConfig = o.TLS
		ln, err = net.Listen("tcp", listen)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return s
}

type slogLogger struct{}

func (slogLogger) Printf(format string, v ...any) {}
func (slogLogger) Println(v ...any)               {}

func (s *smtpServer) Messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.messages...)
}

func (s *smtpServer) Auths() []authAttempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]authAttempt(nil), s.auths...)
}

func (s *smtpServer) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

type session struct {
	srv   *smtpServer
	conn  *smtp.Conn
	tls   bool
	user  string
	from  string
	to    []string
	close bool
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		ss.srv.mu.Lock()
		ss.srv.auths = append(ss.srv.auths, authAttempt{User: username, Password: password, TLS: ss.tls})
		want, ok := ss.srv.Users[username]
		ss.srv.mu.Unlock()
		if !ok || want != password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.Users != nil && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.srv.mu.Lock()
	ss.srv.data++
	n := ss.srv.data
	reply := ss.srv.Reply
	ss.srv.mu.Unlock()
	if reply != nil {
		if err := reply(n, b); err != nil {
			return err
		}
	}
	ss.srv.mu.Lock()
	ss.srv.messages = append(ss.srv.messages, received{From: ss.from, To: ss.to, Data: b, TLS: ss.tls, User: ss.user})
	ss.close = ss.srv.CloseAfter == n
	ss.srv.mu.Unlock()
	return nil
}

// Reset follows each DATA, after its reply is written: where the server
// drops the connection when told to.
func (ss *session) Reset() {
	ss.from, ss.to = "", nil
	if ss.close {
		ss.close = false
		ss.conn.Conn().Close()
	}
}

func (ss *session) Logout() error { return nil }

var (
	errTempFail = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	errPermFail = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}
)

// mailWorld is a database on a fixed clock, its outbox, and a sender.
type mailWorld struct {
	db     *models.DB
	clock  *models.FixedClock
	outbox *models.Outbox
	sender *mailer.Sender
}

func newMailWorld(t *testing.T, tr mailer.Transport) mailWorld {
	t.Helper()
	db, clock := testutil.NewDB(t)
	return mailWorld{db: db, clock: clock, outbox: &models.Outbox{DB: db},
		sender: &mailer.Sender{DB: db, Transport: tr, From: "Jointly <no-reply@jointly.test>",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
}

// queue puts n messages in the outbox, to one@…, two@… and so on.
func (w mailWorld) queue(t *testing.T, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 1; i <= n; i++ {
		id, err := w.outbox.Send(context.Background(), models.Email{To: "person" + strconv.Itoa(i) + "@council.example",
			Subject: "Message " + strconv.Itoa(i), Text: "Hello number " + strconv.Itoa(i) + ".", Kind: "test"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func (w mailWorld) email(t *testing.T, id int64) models.QueuedEmail {
	t.Helper()
	q, err := w.db.EmailByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// smtpTransport is the transport of url, trusting the test CA.
func smtpTransport(t *testing.T, url string, tlsConfig *tls.Config) *mailer.SMTPTransport {
	t.Helper()
	tr, err := mailer.ParseSMTPURL(url)
	if err != nil {
		t.Fatal(err)
	}
	tr.TLSConfig = tlsConfig
	tr.Timeout = 10 * time.Second
	return tr
}

// nonLoopbackIP is an address of this machine that is not a loopback one,
// to reach the test server as a remote host; the test skips without one.
func nonLoopbackIP(t *testing.T) net.IP {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && n.IP.IsGlobalUnicast() {
			if ln, err := net.Listen("tcp", net.JoinHostPort(n.IP.String(), "0")); err == nil {
				ln.Close()
				return n.IP
			}
		}
	}
	t.Skip("this machine has no non-loopback IPv4 address to reach a test server as a remote host")
	return nil
}
