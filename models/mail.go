package models

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Email is one message to one person.
type Email struct {
	To      string
	Subject string
	Text    string
}

// Outbox writes each email as an RFC 5322 .eml file in Dir. It is where
// mail goes until an SMTP server is configured, and it is what the
// administrator can read.
type Outbox struct {
	Dir   string
	From  string
	Clock Clock
}

// Send writes the message to a new file, atomically (temporary file, then
// rename), so a reader never sees half an email.
func (o *Outbox) Send(ctx context.Context, e Email) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	to, err := mail.ParseAddress(e.To)
	if err != nil {
		return "", fmt.Errorf("email to %q: %w", e.To, err)
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	now := o.Clock.Now()
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		return "", err
	}
	msgID := hex.EncodeToString(id)
	from := o.From
	if from == "" {
		from = "Jointly <no-reply@jointly.invalid>"
	}
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", from)
	h("To", to.String())
	h("Subject", mime.QEncoding.Encode("utf-8", e.Subject))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", "<"+msgID+"@jointly>")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(e.Text, "\n", "\r\n"))); err != nil {
		return "", err
	}
	if err := qp.Close(); err != nil {
		return "", err
	}
	name := now.UTC().Format("20060102T150405.000000Z") + "-" + msgID + ".eml"
	tmp, err := os.CreateTemp(o.Dir, ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", fmt.Errorf("outbox: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("outbox: %w", err)
	}
	path := filepath.Join(o.Dir, name)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	return path, nil
}
