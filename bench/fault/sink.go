package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// sink is an SMTP server on loopback (emersion/go-smtp) that keeps, for
// each message it accepts, its recipients and Message-ID: enough to say
// whether anyone got a message twice. A message counts as accepted when
// the sink has read all of it and answers 250, as a real mail server
// would: from then on it is the server's to deliver.
type sink struct {
	addr string
	srv  *smtp.Server
	done chan struct{}

	mu       sync.Mutex
	accepted []sunk
	// hold, when set, is asked before the sink accepts its nth message
	// (counting from 1), with the message read in full and the sender
	// waiting for the answer; true refuses it (after the hook has, say,
	// killed the sender), so the sender never learns it went.
	hold func(n int) bool
	// after, when set, is called when the sender, having had the 250 for
	// message n, sends its next command (a RSET, the next message's MAIL,
	// or QUIT), before the sink answers that: by then the sender has had
	// all the time it takes to record the message as delivered.
	after func(n int)
}

// sunk is one accepted message.
type sunk struct {
	to        []string
	messageID string // without angle brackets
	at        time.Time
}

func startSink() (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{addr: ln.Addr().String(), done: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ErrorLog = log.New(io.Discard, "", 0) // a killed sender resets its connection: expected
	s.srv.ReadTimeout, s.srv.WriteTimeout = time.Minute, time.Minute
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

func (s *sink) url() string { return "smtp://" + s.addr }

func (s *sink) close() {
	_ = s.srv.Close()
	<-s.done
}

// count is how many messages the sink has accepted.
func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.accepted)
}

func (s *sink) messages() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunk(nil), s.accepted...)
}

// setHooks sets (or, with nil, clears) hold and after.
func (s *sink) setHooks(hold func(int) bool, after func(int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold, s.after = hold, after
}

type sinkSession struct {
	sink *sink
	to   []string
	// accepted is the number of the message this session last accepted;
	// resets counts the resets since (go-smtp resets once after answering
	// DATA, then again on a sender's RSET).
	accepted, resets int
}

func (s *sinkSession) Mail(string, *smtp.MailOptions) error {
	s.fireAfter()
	return nil
}

func (s *sinkSession) Logout() error {
	s.fireAfter()
	return nil
}

// fireAfter calls the sink's after hook for the message this session last
// accepted, once.
func (s *sinkSession) fireAfter() {
	if s.accepted == 0 {
		return
	}
	n := s.accepted
	s.accepted = 0
	s.sink.mu.Lock()
	after := s.sink.after
	s.sink.mu.Unlock()
	if after != nil {
		after(n)
	}
}

func (s *sinkSession) Reset() {
	s.to = nil
	if s.accepted == 0 {
		return
	}
	if s.resets++; s.resets < 2 {
		return
	}
	s.fireAfter()
}

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, strings.ToLower(to))
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := sunk{to: append([]string(nil), s.to...), at: time.Now()}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.messageID = strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>")
	}
	s.sink.mu.Lock()
	n, hold := len(s.sink.accepted)+1, s.sink.hold
	s.sink.mu.Unlock()
	if hold != nil && hold(n) {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Not accepted: held while the sender was killed"}
	}
	s.sink.mu.Lock()
	s.sink.accepted = append(s.sink.accepted, m)
	n = len(s.sink.accepted)
	s.sink.mu.Unlock()
	s.accepted, s.resets = n, 0
	return nil
}

// repeats lists what was received more than once: each Message-ID
// accepted twice or more, and each recipient who was sent two or more
// messages among those that count (isDigest says which do), whether
// copies of one message or different ones.
func repeats(msgs []sunk, isDigest func(messageID string) bool) (sameMessage, sameRecipient []string) {
	byID := map[string]int{}
	copies := map[string]int{}
	distinct := map[string]map[string]bool{}
	for _, m := range msgs {
		byID[m.messageID]++
		if !isDigest(m.messageID) {
			continue
		}
		for _, to := range m.to {
			copies[to]++
			if distinct[to] == nil {
				distinct[to] = map[string]bool{}
			}
			distinct[to][m.messageID] = true
		}
	}
	for id, n := range byID {
		if n > 1 {
			sameMessage = append(sameMessage, fmt.Sprintf("%s ×%d", id, n))
		}
	}
	for to, n := range copies {
		if n > 1 {
			sameRecipient = append(sameRecipient, fmt.Sprintf("%s (%d messages, %s)", to, n, plural(len(distinct[to]), "Message-ID", "Message-IDs")))
		}
	}
	sort.Strings(sameMessage)
	sort.Strings(sameRecipient)
	return sameMessage, sameRecipient
}
