package mailer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jointly/mailer"
	"jointly/models"
)

// A local relay (a loopback address) offering STARTTLS: the sender
// upgrades, authenticates with AUTH PLAIN over TLS and delivers.
func TestSMTPStartTLSAndAuth(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	srv := startSMTP(t, serverOpts{TLS: ca.server}, func(s *smtpServer) { s.Users = map[string]string{"user": "secret"} })
	tr := smtpTransport(t, "smtp://user:secret@localhost:"+strconv.Itoa(srv.Port), ca.client("localhost"))
	w := newMailWorld(t, tr)
	ids := w.queue(t, 2)
	sent, failed, err := w.sender.DeliverDue(context.Background())
	if err != nil || sent != 2 || failed != 0 {
		t.Fatalf("DeliverDue: %d sent, %d failed, %v", sent, failed, err)
	}
	got := srv.Messages()
	if len(got) != 2 {
		t.Fatalf("the server got %d messages, want 2", len(got))
	}
	for i, m := range got {
		if !m.TLS || m.User != "user" {
			t.Errorf("message %d: TLS %v, user %q; want over TLS as user", i, m.TLS, m.User)
		}
		if want := fmt.Sprintf("person%d@council.example", i+1); len(m.To) != 1 || m.To[0] != want || m.From != "no-reply@jointly.test" {
			t.Errorf("message %d: from %q to %v, want to %s", i, m.From, m.To, want)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		if s := msg.Header.Get("Subject"); s != fmt.Sprintf("Message %d", i+1) {
			t.Errorf("subject %q", s)
		}
	}
	for _, a := range srv.Auths() {
		if !a.TLS || a.User != "user" || a.Password != "secret" {
			t.Errorf("AUTH %+v, want user/secret over TLS", a)
		}
	}
	for _, id := range ids {
		q := w.email(t, id)
		if q.Status != "sent" || q.Attempts != 1 || q.DeliveredTo != "smtp://localhost:"+strconv.Itoa(srv.Port) || !q.SentAt.Equal(w.clock.T) {
			t.Errorf("message %d after delivery: %+v", id, q)
		}
	}
}

// A wrong password: nothing is sent, each message has an attempt counted
// and waits for its retry.
func TestSMTPWrongPassword(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	srv := startSMTP(t, serverOpts{TLS: ca.server}, func(s *smtpServer) { s.Users = map[string]string{"user": "secret"} })
	tr := smtpTransport(t, "smtp://user:guess@localhost:"+strconv.Itoa(srv.Port), ca.client("localhost"))
	w := newMailWorld(t, tr)
	ids := w.queue(t, 2)
	sent, failed, err := w.sender.DeliverDue(context.Background())
	if err == nil || sent != 0 || failed != 2 {
		t.Fatalf("DeliverDue with a wrong password: %d sent, %d failed, %v", sent, failed, err)
	}
	if strings.Contains(err.Error(), "guess") {
		t.Errorf("the error shows the password: %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("the server got a message")
	}
	for _, id := range ids {
		q := w.email(t, id)
		if q.Status != "queued" || q.Attempts != 1 || q.LastError == "" || !q.NextAttemptAt.Equal(w.clock.T.Add(models.EmailRetryDelay(1))) {
			t.Errorf("message %d: %+v; want queued for a retry in a minute with the error", id, q)
		}
	}
	// A pass before the retry is due tries nothing.
	if sent, failed, err := w.sender.DeliverDue(context.Background()); sent+failed != 0 || err != nil {
		t.Errorf("before the retry is due: %d sent, %d failed, %v", sent, failed, err)
	}
}

// A remote host (not a loopback address) must offer STARTTLS, with a
// certificate the sender trusts, before the password goes.
func TestSMTPRemoteHostNeedsTLS(t *testing.T) {
	t.Parallel()
	ip := nonLoopbackIP(t)
	ca := newTestCA(t, ip)
	listen := net.JoinHostPort(ip.String(), "0")

	withTLS := startSMTP(t, serverOpts{TLS: ca.server, Listen: listen}, func(s *smtpServer) { s.Users = map[string]string{"user": "secret"} })
	tr := smtpTransport(t, "smtp://user:secret@"+net.JoinHostPort(ip.String(), strconv.Itoa(withTLS.Port)), ca.client("mail.jointly.test"))
	w := newMailWorld(t, tr)
	w.queue(t, 1)
	if sent, _, err := w.sender.DeliverDue(context.Background()); sent != 1 || err != nil {
		t.Fatalf("to a remote host with STARTTLS: %d sent, %v", sent, err)
	}
	if m := withTLS.Messages(); len(m) != 1 || !m[0].TLS || m[0].User != "user" {
		t.Errorf("received %+v, want one message over TLS as user", m)
	}

	// Without STARTTLS (the server would take the password in the
	// clear): nothing is sent, not even the password.
	plain := startSMTP(t, serverOpts{Insecure: true, Listen: listen}, func(s *smtpServer) { s.Users = map[string]string{"user": "secret"} })
	tr = smtpTransport(t, "smtp://user:secret@"+net.JoinHostPort(ip.String(), strconv.Itoa(plain.Port)), ca.client("mail.jointly.test"))
	w = newMailWorld(t, tr)
	ids := w.queue(t, 1)
	if sent, failed, err := w.sender.DeliverDue(context.Background()); sent != 0 || failed != 1 || err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("to a remote host without STARTTLS: %d sent, %d failed, %v", sent, failed, err)
	}
	if len(plain.Auths()) != 0 || len(plain.Messages()) != 0 {
		t.Errorf("the plain server saw AUTH %v and %d messages, want neither", plain.Auths(), len(plain.Messages()))
	}
	if q := w.email(t, ids[0]); q.Status != "queued" || q.Attempts != 1 || !strings.Contains(q.LastError, "STARTTLS") {
		t.Errorf("message after refusing plain text: %+v", q)
	}

	// With a certificate it does not trust: refused too.
	tr = smtpTransport(t, "smtp://user:secret@"+net.JoinHostPort(ip.String(), strconv.Itoa(withTLS.Port)), nil)
	w = newMailWorld(t, tr)
	w.queue(t, 1)
	if sent, _, err := w.sender.DeliverDue(context.Background()); sent != 0 || err == nil {
		t.Errorf("to a server with an untrusted certificate: %d sent, %v", sent, err)
	}
	if len(withTLS.Messages()) != 1 {
		t.Errorf("the server got %d messages, want still 1", len(withTLS.Messages()))
	}
}

// A local relay without TLS takes mail as it is; given credentials, the
// sender never sends the password in the clear (PLAIN is the only
// mechanism offered, so authentication fails instead).
func TestSMTPLoopbackRelayWithoutTLS(t *testing.T) {
	t.Parallel()
	open := startSMTP(t, serverOpts{}, nil)
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(open.Port), nil))
	w.queue(t, 1)
	if sent, _, err := w.sender.DeliverDue(context.Background()); sent != 1 || err != nil {
		t.Fatalf("to a plain local relay: %d sent, %v", sent, err)
	}
	if m := open.Messages(); len(m) != 1 || m[0].TLS {
		t.Errorf("received %+v", m)
	}

	guarded := startSMTP(t, serverOpts{Insecure: true}, func(s *smtpServer) { s.Users = map[string]string{"user": "secret"} })
	w = newMailWorld(t, smtpTransport(t, "smtp://user:secret@127.0.0.1:"+strconv.Itoa(guarded.Port), nil))
	w.queue(t, 1)
	if sent, _, err := w.sender.DeliverDue(context.Background()); sent != 0 || err == nil {
		t.Errorf("credentials to a plain relay offering only PLAIN: %d sent, %v", sent, err)
	}
	if a := guarded.Auths(); len(a) != 0 {
		t.Errorf("the password went in the clear: %+v", a)
	}
}

// smtps:// is TLS from the first byte.
func TestSMTPImplicitTLS(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	srv := startSMTP(t, serverOpts{TLS: ca.server, Implicit: true}, func(s *smtpServer) { s.Users = map[string]string{"user": "secret"} })
	tr := smtpTransport(t, "smtps://user:secret@localhost:"+strconv.Itoa(srv.Port), ca.client("localhost"))
	if !tr.Implicit {
		t.Fatal("smtps:// is not implicit TLS")
	}
	w := newMailWorld(t, tr)
	ids := w.queue(t, 1)
	if sent, _, err := w.sender.DeliverDue(context.Background()); sent != 1 || err != nil {
		t.Fatalf("over smtps: %d sent, %v", sent, err)
	}
	if m := srv.Messages(); len(m) != 1 || !m[0].TLS || m[0].User != "user" {
		t.Errorf("received %+v", m)
	}
	if q := w.email(t, ids[0]); q.DeliveredTo != "smtps://localhost:"+strconv.Itoa(srv.Port) {
		t.Errorf("delivered to %q", q.DeliveredTo)
	}
}

// A temporary refusal (451) is retried after the backoff, on the
// database's clock; the message then goes.
func TestSMTPTemporaryFailureRetried(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, serverOpts{}, func(s *smtpServer) {
		s.Reply = func(n int, data []byte) error {
			if n == 1 {
				return errTempFail
			}
			return nil
		}
	})
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(srv.Port), nil))
	ids := w.queue(t, 1)
	ctx := context.Background()
	sent, failed, err := w.sender.DeliverDue(ctx)
	if sent != 0 || failed != 1 || err != nil {
		t.Fatalf("first pass: %d sent, %d failed, %v (a refused message is not a broken connection)", sent, failed, err)
	}
	q := w.email(t, ids[0])
	if q.Status != "queued" || q.Attempts != 1 || !strings.Contains(q.LastError, "451") || !q.NextAttemptAt.Equal(w.clock.T.Add(time.Minute)) {
		t.Fatalf("after a 451: %+v", q)
	}
	w.clock.Advance(59 * time.Second)
	if sent, failed, err := w.sender.DeliverDue(ctx); sent+failed != 0 || err != nil {
		t.Errorf("before the retry is due: %d sent, %d failed, %v", sent, failed, err)
	}
	w.clock.Advance(time.Second)
	if sent, failed, err := w.sender.DeliverDue(ctx); sent != 1 || failed != 0 || err != nil {
		t.Fatalf("when the retry is due: %d sent, %d failed, %v", sent, failed, err)
	}
	q = w.email(t, ids[0])
	if q.Status != "sent" || q.Attempts != 2 || q.LastError != "" || q.DeliveredTo != "smtp://127.0.0.1:"+strconv.Itoa(srv.Port) {
		t.Errorf("after the retry: %+v", q)
	}
	if len(srv.Messages()) != 1 {
		t.Errorf("the server kept %d messages, want 1", len(srv.Messages()))
	}
}

// A permanent refusal (550) fails the message at once; it is never tried
// again. The next message on the connection still goes.
func TestSMTPPermanentFailure(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, serverOpts{}, func(s *smtpServer) {
		s.Reply = func(n int, data []byte) error {
			if bytes.Contains(data, []byte("person1@")) {
				return errPermFail
			}
			return nil
		}
	})
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(srv.Port), nil))
	ids := w.queue(t, 2)
	sent, failed, err := w.sender.DeliverDue(context.Background())
	if sent != 1 || failed != 1 || err != nil {
		t.Fatalf("DeliverDue: %d sent, %d failed, %v", sent, failed, err)
	}
	q := w.email(t, ids[0])
	if q.Status != "failed" || q.Attempts != 1 || !strings.Contains(q.LastError, "550") {
		t.Errorf("after a 550: %+v", q)
	}
	if q := w.email(t, ids[1]); q.Status != "sent" {
		t.Errorf("the next message: %+v", q)
	}
	w.clock.Advance(24 * time.Hour)
	if sent, failed, err := w.sender.DeliverDue(context.Background()); sent+failed != 0 || err != nil {
		t.Errorf("a day later: %d sent, %d failed, %v; want nothing tried", sent, failed, err)
	}
}

// A message refused for now, every time, is given up on after
// MaxEmailAttempts, with the backoff between tries.
func TestSMTPGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, serverOpts{}, func(s *smtpServer) { s.Reply = func(int, []byte) error { return errTempFail } })
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(srv.Port), nil))
	ids := w.queue(t, 1)
	for n := 1; n <= models.MaxEmailAttempts; n++ {
		if _, failed, err := w.sender.DeliverDue(context.Background()); failed != 1 || err != nil {
			t.Fatalf("attempt %d: %d failed, %v", n, failed, err)
		}
		q := w.email(t, ids[0])
		wantStatus := "queued"
		if n == models.MaxEmailAttempts {
			wantStatus = "failed"
		}
		if q.Status != wantStatus || q.Attempts != n {
			t.Fatalf("after attempt %d: status %s, %d attempts; want %s", n, q.Status, q.Attempts, wantStatus)
		}
		if n < models.MaxEmailAttempts && !q.NextAttemptAt.Equal(w.clock.T.Add(models.EmailRetryDelay(n))) {
			t.Errorf("after attempt %d: next at %s, want %s later", n, q.NextAttemptAt, models.EmailRetryDelay(n))
		}
		w.clock.Advance(models.EmailRetryDelay(n))
	}
	w.clock.Advance(24 * time.Hour)
	if sent, failed, _ := w.sender.DeliverDue(context.Background()); sent+failed != 0 {
		t.Errorf("after giving up: %d sent, %d failed", sent, failed)
	}
}

// No server listening: each message of the batch has an attempt counted
// and stays queued.
func TestSMTPServerDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(port), nil))
	ids := w.queue(t, 3)
	sent, failed, err := w.sender.DeliverDue(context.Background())
	if err == nil || sent != 0 || failed != 3 {
		t.Fatalf("server down: %d sent, %d failed, %v", sent, failed, err)
	}
	for _, id := range ids {
		if q := w.email(t, id); q.Status != "queued" || q.Attempts != 1 || !strings.Contains(q.LastError, "connect") {
			t.Errorf("message %d: %+v", id, q)
		}
	}
}

// Each message is marked sent as the server accepts it: when the
// connection drops after the second, the first two are sent (the second
// although the command after it failed) and the third waits for a retry.
func TestSMTPConnectionLostMidBatch(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, serverOpts{}, func(s *smtpServer) { s.CloseAfter = 2 })
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(srv.Port), nil))
	ids := w.queue(t, 3)
	sent, failed, err := w.sender.DeliverDue(context.Background())
	if sent != 2 || failed != 1 || err == nil {
		t.Fatalf("DeliverDue: %d sent, %d failed, %v", sent, failed, err)
	}
	for i, want := range []string{"sent", "sent", "queued"} {
		if q := w.email(t, ids[i]); q.Status != want || q.Attempts != 1 {
			t.Errorf("message %d: %s after %d attempts, want %s", i+1, q.Status, q.Attempts, want)
		}
	}
	if len(srv.Messages()) != 2 {
		t.Fatalf("the server got %d messages, want 2", len(srv.Messages()))
	}
	// The retry sends only the third: nothing twice.
	w.clock.Advance(time.Minute)
	srv.mu.Lock()
	srv.CloseAfter = 0
	srv.mu.Unlock()
	if sent, _, err := w.sender.DeliverDue(context.Background()); sent != 1 || err != nil {
		t.Fatalf("retry: %d sent, %v", sent, err)
	}
	var subjects []string
	for _, m := range srv.Messages() {
		msg, _ := mail.ReadMessage(bytes.NewReader(m.Data))
		subjects = append(subjects, msg.Header.Get("Subject"))
	}
	if got := strings.Join(subjects, ", "); got != "Message 1, Message 2, Message 3" {
		t.Errorf("the server got %s", got)
	}
}

// Two senders on one database (serve's, and a jobs run's) never deliver a
// message twice: the second waits for the first's turn to end, then finds
// nothing left to send.
func TestSMTPTwoSendersDeliverOnce(t *testing.T) {
	t.Parallel()
	firstIn, release := make(chan struct{}), make(chan struct{})
	var started atomic.Bool
	srv := startSMTP(t, serverOpts{}, func(s *smtpServer) {
		s.Reply = func(n int, data []byte) error {
			if started.CompareAndSwap(false, true) { // the first sender is mid-batch
				close(firstIn)
				<-release
			}
			return nil
		}
	})
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(srv.Port), nil))
	ids := w.queue(t, 3)
	other := &mailer.Sender{DB: w.db, Transport: w.sender.Transport, From: w.sender.From, Logger: w.sender.Logger}
	type outcome struct {
		sent int
		err  error
	}
	first, second := make(chan outcome, 1), make(chan outcome, 1)
	go func() {
		sent, _, err := w.sender.DeliverDue(context.Background())
		first <- outcome{sent, err}
	}()
	<-firstIn
	go func() {
		sent, _, err := other.DeliverDue(context.Background())
		second <- outcome{sent, err}
	}()
	// Give the second sender the chance to go wrong: to connect and send
	// what the first is sending.
	for wait := time.Now().Add(300 * time.Millisecond); srv.Sessions() < 2 && time.Now().Before(wait); time.Sleep(5 * time.Millisecond) {
	}
	close(release)
	if o := <-first; o.sent != 3 || o.err != nil {
		t.Errorf("the first sender: %d sent, %v", o.sent, o.err)
	}
	if o := <-second; o.sent != 0 || o.err != nil {
		t.Errorf("the second sender: %d sent, %v; want nothing left to send", o.sent, o.err)
	}
	if n := len(srv.Messages()); n != 3 || srv.Sessions() != 1 {
		t.Errorf("the server got %d messages in %d sessions, want 3 in one", n, srv.Sessions())
	}
	for _, id := range ids {
		if q := w.email(t, id); q.Status != "sent" || q.Attempts != 1 {
			t.Errorf("message %d: %+v", id, q)
		}
	}
}

// A sender waiting for another's turn to end gives up when it is stopped.
func TestSMTPWaitingSenderStops(t *testing.T) {
	t.Parallel()
	firstIn, release := make(chan struct{}), make(chan struct{})
	srv := startSMTP(t, serverOpts{}, func(s *smtpServer) {
		s.Reply = func(n int, data []byte) error {
			if n == 1 {
				close(firstIn)
				<-release
			}
			return nil
		}
	})
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(srv.Port), nil))
	w.queue(t, 1)
	done := make(chan error, 1)
	go func() {
		_, _, err := w.sender.DeliverDue(context.Background())
		done <- err
	}()
	<-firstIn
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	other := &mailer.Sender{DB: w.db, Transport: w.sender.Transport, From: w.sender.From}
	if sent, _, err := other.DeliverDue(ctx); sent != 0 || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting sender stopped: %d sent, %v", sent, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Error(err)
	}
}

// A sender stopped part-way leaves what it did not reach due at once.
func TestSMTPStoppedSenderLeavesTheRestDue(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	srv := startSMTP(t, serverOpts{}, func(s *smtpServer) {
		s.Reply = func(n int, data []byte) error {
			if n == 1 {
				cancel() // stopped while the first is being accepted
			}
			return nil
		}
	})
	w := newMailWorld(t, smtpTransport(t, "smtp://127.0.0.1:"+strconv.Itoa(srv.Port), nil))
	ids := w.queue(t, 3)
	sent, _, err := w.sender.DeliverDue(ctx)
	if sent != 1 || err == nil {
		t.Fatalf("stopped sender: %d sent, %v", sent, err)
	}
	for i, id := range ids[1:] {
		if q := w.email(t, id); q.Status != "queued" || q.Attempts != 0 || !q.NextAttemptAt.Equal(w.clock.T) {
			t.Errorf("message %d not reached: %+v; want due at once, no attempt counted", i+2, q)
		}
	}
	if sent, _, err := w.sender.DeliverDue(context.Background()); sent != 2 || err != nil {
		t.Errorf("next start: %d sent, %v", sent, err)
	}
}
