package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"time"

	"jointly/models"
)

// How the digest walks the people: a page of them read at a time, in id
// order, so memory stays bounded however many there are, and a batch of
// them written in one transaction, which costs a fraction of one
// transaction each while every transaction stays all or nothing.
const (
	digestPage  = 500
	digestBatch = 100
)

// Digest emails each person due one their digest for period p (see
// models.DueDigests for who is due, models.DigestBuilder for what it
// holds): one email of what is new for them since their last, or none
// when nothing is.
//
// Each person's digest is recorded (digest_sends), its email queued in
// the outbox and their digest_since moved on in one transaction, batched
// with others'. A rerun of the period, or a run restarted after the
// process was killed, skips whoever has a record, so nobody gets two and
// nobody is missed. Cancelling ctx stops it between people; what was
// committed stays.
func Digest(ctx context.Context, d Deps, p Period) (Counts, error) {
	counts := Counts{"due": 0, "sent": 0, "empty": 0}
	b := d.DB.NewDigestBuilder()
	// A run covers up to its scheduled time or, when it runs later (a
	// catch-up, a run from the command line or the jobs page), up to when
	// it started: what happened between is news now, and the next digest
	// starts from there.
	until := p.At
	if now := d.DB.Clock.Now(); now.After(until) {
		until = now
	}
	var after int64
	for {
		due, err := d.DB.DueDigests(ctx, p.Key, p.At, until, after, digestPage)
		if err != nil {
			if ctx.Err() != nil {
				return counts, ctx.Err()
			}
			return counts, err
		}
		if len(due) == 0 {
			break
		}
		after = due[len(due)-1].ID
		for len(due) > 0 {
			n := min(len(due), digestBatch)
			if err := writeDigests(ctx, d, b, p, until, due[:n], counts); err != nil {
				return counts, err
			}
			due = due[n:]
		}
	}
	if counts["due"] > 0 {
		d.Logger.InfoContext(ctx, "digests written", "period", p.Key, "due", counts["due"], "sent", counts["sent"], "empty", counts["empty"])
	}
	return counts, nil
}

// pendingDigest is one person's digest, built and not yet recorded.
type pendingDigest struct {
	r          models.DigestRecipient
	items      int
	email      *models.Email
	unmailable bool
}

// writeDigests builds batch's digests, then records them all in one
// transaction, adding what it did to counts.
func writeDigests(ctx context.Context, d Deps, b *models.DigestBuilder, p Period, until time.Time, batch []models.DigestRecipient, counts Counts) error {
	pending := make([]pendingDigest, 0, len(batch))
	for _, r := range batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		dg, err := b.Build(ctx, r, until)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("digest for user %d: %w", r.ID, err)
		}
		pd := pendingDigest{r: r, items: dg.Items()}
		if pd.items > 0 {
			e, err := digestEmail(d, dg)
			if err != nil {
				return fmt.Errorf("digest for user %d: %w", r.ID, err)
			}
			if _, err := mail.ParseAddress(e.To); err != nil {
				// Recorded without an email: one bad address must not
				// stop everybody else's digest, nor be retried forever.
				d.Logger.ErrorContext(ctx, "digest not sent: bad address", "user", r.ID, "to", e.To, "err", err.Error())
				pd.unmailable = true
			} else {
				pd.email = &e
			}
		}
		pending = append(pending, pd)
	}
	var c Counts
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		c = Counts{}
		now := d.DB.Clock.Now()
		for _, pd := range pending {
			done, err := models.RecordDigestTx(ctx, tx, now, pd.r.ID, p.Key, until, pd.items, pd.email)
			if err != nil {
				return err
			}
			if !done {
				continue // recorded meanwhile by another run
			}
			c["due"]++
			switch {
			case pd.email != nil:
				c["sent"]++
			case pd.unmailable:
				c["unmailable"]++
			default:
				c["empty"]++
			}
		}
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("record digests: %w", err)
	}
	for k, n := range c {
		counts[k] += n
	}
	if c["sent"] > 0 && d.Outbox != nil && d.Outbox.Notify != nil {
		d.Outbox.Notify()
	}
	return nil
}
