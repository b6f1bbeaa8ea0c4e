package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPTransport delivers over SMTP with go-mail, one connection per batch.
//
// smtp://user:pass@host:587 uses STARTTLS, required unless the host is a
// loopback address (a local relay), where it is used if offered;
// smtps://…:465 is TLS from the first byte. Credentials, when given, go
// with the best mechanism the server offers: over TLS any, PLAIN included;
// over a plain connection (a loopback relay without STARTTLS) only one that
// never reveals the password (SCRAM, CRAM-MD5), so authentication fails
// rather than send it in the clear.
type SMTPTransport struct {
	Host     string
	Port     int
	Username string
	Password string
	Implicit bool // smtps
	// TLSConfig, when set, replaces the system's (tests trust their own CA).
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// ParseSMTPURL reads JOINTLY_SMTP_URL.
func ParseSMTPURL(s string) (*SMTPTransport, error) {
	u, err := url.Parse(s)
	if err != nil {
		// url.Error quotes the whole URL, password and all: keep only
		// what was wrong with it.
		var ue *url.Error
		var esc url.EscapeError
		switch {
		case errors.As(err, &esc): // it quotes the bad escape, which may be in the password
			err = errors.New("a %-escape in it is not two hexadecimal digits")
		case errors.As(err, &ue):
			err = ue.Err
		}
		return nil, fmt.Errorf("the SMTP URL is not a URL like smtp://user:pass@host:587: %v", err)
	}
	t := &SMTPTransport{Host: u.Hostname(), Timeout: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		t.Port = 587
	case "smtps":
		t.Port, t.Implicit = 465, true
	default:
		return nil, fmt.Errorf("SMTP URL %q: the scheme must be smtp or smtps", redact(u))
	}
	if t.Host == "" {
		return nil, fmt.Errorf("SMTP URL %q has no host", redact(u))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("SMTP URL %q: port %q is not a port number", redact(u), p)
		}
		t.Port = n
	}
	if u.User != nil {
		t.Username = u.User.Username()
		t.Password, _ = u.User.Password()
	}
	return t, nil
}

// redact is u for messages: its scheme, user and host, never its password
// (nor what follows the host, where a password with an unescaped / in it
// would end up).
func redact(u *url.URL) string {
	user := ""
	if u.User != nil {
		user = u.User.Username() + "@"
	}
	return u.Scheme + "://" + user + u.Host
}

func (t *SMTPTransport) String() string {
	scheme := "smtp"
	if t.Implicit {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
}

func (t *SMTPTransport) loopback() bool {
	if t.Host == "localhost" {
		return true
	}
	ip := net.ParseIP(t.Host)
	return ip != nil && ip.IsLoopback()
}

func (t *SMTPTransport) client() (*gomail.Client, error) {
	// No RSET after an accepted message (a new MAIL starts a new
	// transaction anyway): the next thing said to the server after its
	// "250 OK" is then the next message, sent only once this one is
	// marked sent (see Deliver).
	opts := []gomail.Option{gomail.WithPort(t.Port), gomail.WithTimeout(t.Timeout), gomail.WithoutNoop(), gomail.WithoutRset()}
	switch {
	case t.Implicit:
		opts = append(opts, gomail.WithSSL())
	case t.loopback():
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if t.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(t.TLSConfig))
	}
	if t.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(t.Username), gomail.WithPassword(t.Password))
	}
	return gomail.NewClient(t.Host, opts...)
}

// Deliver sends the batch over one connection, message by message, so each
// is marked sent as soon as the server has accepted it, before anything
// more is said to the server. What remains is the moment between the
// server's "250 OK" and that mark's commit: a sender killed exactly then
// sends the message again on restart, with the same Message-ID. SMTP
// cannot close that gap (RFC 5321 section 6.1 accepts duplicates over
// loss); it is one message per crash at most.
func (t *SMTPTransport) Deliver(ctx context.Context, batch []Envelope, done func(int, string, error)) error {
	c, err := t.client()
	if err != nil {
		return err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return fmt.Errorf("connect to %s: %w", t, err)
	}
	defer c.Close()
	where := t.String()
	for i, e := range batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := c.Send(e.Msg)
		switch {
		case err == nil || isMessageError(err):
			done(i, where, err)
		case e.Msg.IsDelivered():
			// The server accepted the message, then the connection
			// failed: it is sent, the rest are not.
			done(i, where, nil)
			return fmt.Errorf("send to %s: %w", t, err)
		default:
			return fmt.Errorf("send to %s: %w", t, err)
		}
	}
	return nil
}

// isMessageError is whether err is about one message (a refused recipient
// or body) rather than the connection.
func isMessageError(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Reason {
	case gomail.ErrGetSender, gomail.ErrGetRcpts:
		return true // the message itself has no usable address
	case gomail.ErrSMTPMailFrom, gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrWriteContent:
		// Only a refusal the server answered with is about the message;
		// a command that failed with no reply is a broken connection.
		return se.ErrorCode() >= 400
	}
	return false
}
