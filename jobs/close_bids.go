package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"jointly/models"
)

// CloseBids closes every published bid whose response deadline has passed
// (reads close a bid too, but this does not wait for one), then tells, once
// per bid, the officers of its participating councils and the users of
// every supplier that submitted a response.
//
// Each bid's emails are queued in the outbox in the same transaction that
// marks the bid told (models.DB.MarkCloseNotifiedTx), so a crash either
// leaves both undone (the next run tells them) or both done: never twice,
// never lost. An address the outbox refuses (malformed) is logged and
// left out, so one bad address does not hold everybody else's notice.
//
// now is the scheduler's time, from the database's clock, which is the
// clock the model closes bids by.
func CloseBids(ctx context.Context, d Deps, now time.Time) (Counts, error) {
	closed, err := d.DB.CloseDueBids(ctx)
	if err != nil {
		return nil, fmt.Errorf("close due bids: %w", err)
	}
	notices, err := d.DB.ClosedBidsToNotify(ctx)
	if err != nil {
		return nil, fmt.Errorf("closed bids to notify: %w", err)
	}
	queued := 0
	for _, n := range notices {
		emails := closeNoticeEmails(d, n)
		for _, e := range emails {
			if _, err := mail.ParseAddress(e.To); err != nil {
				d.Logger.ErrorContext(ctx, "email bid close notice", "bid", n.BidID, "to", e.To, "err", err.Error())
			}
		}
		emails = slices.DeleteFunc(emails, func(e models.Email) bool { _, err := mail.ParseAddress(e.To); return err != nil })
		bidID := n.BidID
		if err := d.Outbox.SendWith(ctx, emails, func(tx *sql.Tx) error {
			return models.MarkCloseNotifiedTx(ctx, tx, bidID, d.DB.Clock.Now())
		}); err != nil {
			return nil, fmt.Errorf("bid %d close notice: %w", n.BidID, err)
		}
		queued += len(emails)
	}
	if len(closed) > 0 || len(notices) > 0 {
		d.Logger.InfoContext(ctx, "closed bids at their response deadline", "closed", closed, "notified", len(notices),
			"now", now.UTC().Format(time.RFC3339))
	}
	return Counts{"closed": len(closed), "notified": len(notices), "emails": queued}, nil
}

// closeNoticeEmails are one bid's close notices to its councils' officers
// and its respondents.
func closeNoticeEmails(d Deps, n models.ClosedBidNotice) []models.Email {
	subject := "Responses are in: " + n.Title
	if n.Submitted == 0 {
		subject = "Closed with no responses: " + n.Title
	}
	var out []models.Email
	for _, u := range n.Councils {
		out = append(out, models.Email{To: u.Email, Subject: subject, Text: councilCloseText(d.BaseURL, n), Kind: "bid-closed"})
	}
	for _, u := range n.Respondents {
		out = append(out, models.Email{To: u.Email, Subject: "Closed for responses: " + n.Title, Text: respondentCloseText(n), Kind: "bid-closed"})
	}
	return out
}

// councilCloseText tells the participating councils' officers how many
// responses came in and where the panel reads them.
func councilCloseText(baseURL string, n models.ClosedBidNotice) string {
	base := strings.TrimSuffix(baseURL, "/")
	var t strings.Builder
	if n.Submitted == 0 {
		fmt.Fprintf(&t, "%s closed at %s: no responses were submitted.\n\n", n.Title, models.FormatUKTime(n.ClosedAt))
		fmt.Fprintf(&t, "The bid is here: %s/bids/%d\n", base, n.BidID)
		return t.String()
	}
	fmt.Fprintf(&t, "%s closed at %s: %s submitted.\n\n", n.Title, models.FormatUKTime(n.ClosedAt),
		models.Plural(n.Submitted, "response was", "responses were"))
	fmt.Fprintf(&t, "The evaluation panel can now read them: %s/bids/%d/responses\n\n", base, n.BidID)
	t.WriteString("Each member of the panel declares any conflict of interest before reading them.\n")
	return t.String()
}

// respondentCloseText tells a supplier that responded what happens next.
func respondentCloseText(n models.ClosedBidNotice) string {
	return fmt.Sprintf("%s has closed. Your response is with the councils' evaluation panel; you will be told the outcome.\n", n.Title)
}
