// Package mailer delivers the durable outbox (models.Outbox): it turns each
// queued message into MIME with go-mail and hands it to a transport, SMTP
// when JOINTLY_SMTP_URL is set, otherwise .eml files in a folder, marking
// each sent the moment the transport accepts it and retrying failures with
// backoff. One process at a time delivers a database's mail.
package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"jointly/models"
)

// Transport delivers messages. Deliver hands each message of batch to its
// destination in order, calling done after each with where it went or why
// not, and returns early (an error) only when it cannot go on at all (the
// server is unreachable); the messages it did not reach are not passed to
// done.
type Transport interface {
	Deliver(ctx context.Context, batch []Envelope, done func(i int, where string, err error)) error
	// String names the destination for logs and the mail log.
	String() string
}

// Envelope is one message to deliver, with its outbox row.
type Envelope struct {
	ID      int64
	Created time.Time
	Msg     *gomail.Msg
}

// Permanent reports whether a delivery error means the message will never
// go (the server refused it with a 5xx), so retrying is pointless.
func Permanent(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		return !se.IsTemp() && se.ErrorCode() >= 500
	}
	return false
}

// Sender delivers what is due in the outbox through Transport.
type Sender struct {
	DB        *models.DB
	Transport Transport
	From      string
	Logger    *slog.Logger
	// BatchSize is how many messages go over one connection (default 100).
	BatchSize int

	once sync.Once
	wake chan struct{}
	mu   sync.Mutex // one delivery pass at a time
}

func (s *Sender) init() {
	s.once.Do(func() { s.wake = make(chan struct{}, 1) })
}

// Wake asks the running sender to deliver now; it never blocks. It is
// models.Outbox.Notify.
func (s *Sender) Wake() {
	s.init()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers what is due whenever woken, and at least every poll (retries
// fall due by the clock), until ctx ends.
func (s *Sender) Run(ctx context.Context, poll time.Duration) {
	s.init()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, _, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			s.log().WarnContext(ctx, "delivering mail", "err", err.Error(), "transport", s.Transport.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

func (s *Sender) log() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// DeliverDue delivers every message due now, batch by batch, and reports
// how many were sent and how many failed an attempt. It stops at the first
// batch the transport could not start (the error), leaving the rest due.
//
// One sender at a time delivers a database's mail: serve's, and a jointly
// jobs run beside it, would otherwise both send the same due messages.
// DeliverDue waits its turn (lockDelivery), then delivers what is still
// due.
func (s *Sender) DeliverDue(ctx context.Context) (sent, failed int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := lockDelivery(ctx, s.DB.Path())
	if err != nil {
		return 0, 0, err
	}
	defer unlock()
	size := s.BatchSize
	if size <= 0 {
		size = 100
	}
	seen := map[int64]bool{}
	for {
		due, err := s.DB.DueEmails(ctx, size)
		if err != nil {
			return sent, failed, err
		}
		var batch []models.QueuedEmail
		for _, q := range due {
			if !seen[q.ID] { // a message retried at once is due again: once per pass
				seen[q.ID] = true
				batch = append(batch, q)
			}
		}
		if len(batch) == 0 {
			return sent, failed, nil
		}
		s1, f1, err := s.deliver(ctx, batch)
		sent += s1
		failed += f1
		if err != nil {
			return sent, failed, err
		}
	}
}

// deliver builds and hands over one batch, recording each outcome.
func (s *Sender) deliver(ctx context.Context, batch []models.QueuedEmail) (sent, failed int, err error) {
	msgs := make([]Envelope, 0, len(batch))
	ids := make([]int64, 0, len(batch))
	for _, q := range batch {
		m, err := Build(s.From, q)
		if err != nil { // cannot be made into a message: never will be
			failed++
			if _, merr := s.DB.MarkEmailFailed(ctx, q.ID, err, true); merr != nil {
				return sent, failed, merr
			}
			continue
		}
		msgs = append(msgs, Envelope{ID: q.ID, Created: q.CreatedAt, Msg: m})
		ids = append(ids, q.ID)
	}
	if len(msgs) == 0 {
		return sent, failed, nil
	}
	var markErr error
	reached := 0
	derr := s.Transport.Deliver(ctx, msgs, func(i int, where string, err error) {
		reached = i + 1
		if markErr != nil {
			return
		}
		// Marked with a context of its own: a message the server has
		// accepted is recorded as sent even as the job is being stopped.
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err == nil {
			sent++
			markErr = s.DB.MarkEmailSent(mctx, ids[i], where)
			return
		}
		failed++
		final, merr := s.DB.MarkEmailFailed(mctx, ids[i], err, Permanent(err))
		markErr = merr
		s.log().WarnContext(ctx, "email not delivered", "id", ids[i], "final", final, "err", err.Error())
	})
	if markErr != nil {
		return sent, failed, fmt.Errorf("record delivery: %w", markErr)
	}
	if derr != nil {
		if ctx.Err() != nil {
			return sent, failed, ctx.Err() // stopped: what was not reached is still due
		}
		// The transport could not go on: count an attempt against each
		// message it did not reach, so a dead server backs off.
		for _, id := range ids[reached:] {
			failed++
			if _, err := s.DB.MarkEmailFailed(ctx, id, derr, false); err != nil {
				return sent, failed, err
			}
		}
		return sent, failed, derr
	}
	return sent, failed, nil
}

// Build makes the MIME message for q: plain text, with HTML as the
// alternative when there is some, the outbox's Message-ID (so a message
// delivered twice is recognisably one), and the RFC 8058 one-click
// unsubscribe headers when it has an unsubscribe link.
func Build(from string, q models.QueuedEmail) (*gomail.Msg, error) {
	if from == "" {
		from = "Jointly <no-reply@jointly.invalid>"
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent(), gomail.WithEncoding(gomail.EncodingQP))
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("from %q: %w", from, err)
	}
	if err := m.To(q.To); err != nil {
		return nil, fmt.Errorf("to %q: %w", q.To, err)
	}
	m.Subject(q.Subject)
	m.SetMessageIDWithValue(q.MessageID)
	m.SetDateWithValue(q.CreatedAt)
	m.SetBodyString(gomail.TypeTextPlain, q.Text)
	if q.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, q.HTML)
	}
	if q.UnsubscribeURL != "" {
		// RFC 8058 asks for https; a server run on http (the demo) still
		// gets the headers, which mail clients then ignore.
		m.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+q.UnsubscribeURL+">")
		m.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
		m.SetBulk()
	}
	if q.Kind != "" {
		m.SetGenHeader(gomail.Header("X-Jointly-Kind"), q.Kind)
	}
	return m, nil
}
