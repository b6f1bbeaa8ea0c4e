package jobs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jointly/models"
)

// CloseBids closes every published bid whose response deadline has passed
// (reads close a bid too, but this does not wait for one), then tells, once
// per bid, the officers of its participating councils and the users of
// every supplier that submitted a response.
//
// It sends, then marks the bid told (models.DB.MarkCloseNotified), so the
// job running again next minute never repeats a notice. A crash between the
// emails and the mark would send them again on the next run: for a notice
// that a procurement has closed, twice is better than never. Issue 8 brings
// a durable outbox, which records the emails and the mark in one
// transaction and fixes this properly. An email refused for one recipient
// (a bad address) is logged and does not hold back the mark, or everybody
// else would be told again every minute; only the job's context ending
// stops it before the mark.
//
// now is the scheduler's time, from the database's clock, which is the
// clock the model closes bids by.
func CloseBids(ctx context.Context, d Deps, now time.Time) error {
	closed, err := d.DB.CloseDueBids(ctx)
	if err != nil {
		return fmt.Errorf("close due bids: %w", err)
	}
	notices, err := d.DB.ClosedBidsToNotify(ctx)
	if err != nil {
		return fmt.Errorf("closed bids to notify: %w", err)
	}
	for _, n := range notices {
		if err := sendCloseNotice(ctx, d, n); err != nil {
			return err
		}
		if err := d.DB.MarkCloseNotified(ctx, n.BidID); err != nil {
			return fmt.Errorf("bid %d: mark close notified: %w", n.BidID, err)
		}
	}
	if len(closed) > 0 || len(notices) > 0 {
		d.Logger.InfoContext(ctx, "closed bids at their response deadline", "closed", closed, "notified", len(notices),
			"now", now.UTC().Format(time.RFC3339))
	}
	return nil
}

// sendCloseNotice emails one bid's close to its councils' officers and its
// respondents. It fails only when ctx ends.
func sendCloseNotice(ctx context.Context, d Deps, n models.ClosedBidNotice) error {
	subject := "Responses are in: " + n.Title
	if n.Submitted == 0 {
		subject = "Closed with no responses: " + n.Title
	}
	for _, u := range n.Councils {
		if err := send(ctx, d, n.BidID, models.Email{To: u.Email, Subject: subject, Text: councilCloseText(d.BaseURL, n)}); err != nil {
			return err
		}
	}
	for _, u := range n.Respondents {
		if err := send(ctx, d, n.BidID, models.Email{To: u.Email, Subject: "Closed for responses: " + n.Title, Text: respondentCloseText(n)}); err != nil {
			return err
		}
	}
	return nil
}

// send sends e, logging a refusal; only ctx ending is returned.
func send(ctx context.Context, d Deps, bidID int64, e models.Email) error {
	if _, err := d.Outbox.Send(ctx, e); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("bid %d close notice: %w", bidID, ctx.Err())
		}
		d.Logger.ErrorContext(ctx, "email bid close notice", "bid", bidID, "to", e.To, "err", err.Error())
	}
	return nil
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
