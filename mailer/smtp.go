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
// smtps://…:465 is TLS from the first byte. Credentials, when given, are
// sent only over TLS (or to a loopback relay), with the best mechanism the
// server offers.
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
		return nil, fmt.Errorf("SMTP URL: %w", err)
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

// redact is u without its password, for messages.
func redact(u *url.URL) string { return u.Redacted() }

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
	opts := []gomail.Option{gomail.WithPort(t.Port), gomail.WithTimeout(t.Timeout), gomail.WithoutNoop()}
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
// is marked sent as soon as the server has accepted it.
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
		if err != nil && !isMessageError(err) {
			return fmt.Errorf("send to %s: %w", t, err)
		}
		done(i, where, err)
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
	case gomail.ErrSMTPMailFrom, gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrWriteContent:
		return true
	}
	return false
}
