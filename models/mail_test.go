package models_test

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

func TestOutboxSend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	o := &models.Outbox{Dir: dir, Clock: &models.FixedClock{T: testutil.Now}}
	text := "Hello Sam,\n\nYour link: https://jointly.example/reset/abc=def\n" + strings.Repeat("long line ", 20)
	path, err := o.Send(context.Background(), models.Email{To: "Sam Okafor <cio@leeds.gov.uk>", Subject: "Reset your password – Jointly", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) != dir || !strings.HasSuffix(path, ".eml") || !strings.HasPrefix(filepath.Base(path), "20261121T100000.000000Z-") {
		t.Errorf("written to %s", path)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("To"); !strings.Contains(got, "cio@leeds.gov.uk") {
		t.Errorf("To: %q", got)
	}
	if got := msg.Header.Get("From"); got != "Jointly <no-reply@jointly.invalid>" {
		t.Errorf("From: %q", got)
	}
	if s, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil || s != "Reset your password – Jointly" {
		t.Errorf("Subject: %q (%v)", s, err)
	}
	if got := msg.Header.Get("Content-Transfer-Encoding"); got != "quoted-printable" {
		t.Errorf("Content-Transfer-Encoding: %q", got)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(testutil.Now) {
		t.Errorf("Date: %v, %v", d, err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != strings.ReplaceAll(text, "\n", "\r\n") {
		t.Errorf("body %q", body)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("%d files in the outbox, want only the email (no temporary files)", len(entries))
	}
}

func TestOutboxRefuses(t *testing.T) {
	o := &models.Outbox{Dir: t.TempDir(), Clock: &models.FixedClock{T: testutil.Now}}
	if _, err := o.Send(context.Background(), models.Email{To: "not an address", Subject: "x"}); err == nil {
		t.Error("sent to a bad address")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := o.Send(ctx, models.Email{To: "a@example.com", Subject: "x"}); err == nil {
		t.Error("sent with a cancelled context")
	}
	entries, _ := os.ReadDir(o.Dir)
	if len(entries) != 0 {
		t.Errorf("%d files written by refused sends", len(entries))
	}
}
