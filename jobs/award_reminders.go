package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jointly/models"
)

// AwardReminders reminds the lead council's officers, and the panel's
// chair, of each bid that closed 28 days or more ago and has been neither
// awarded nor cancelled (models.AwardRemindersDue). Each bid's reminders
// are queued in the transaction that records it reminded, so it is
// reminded of once, whatever reruns or crashes. A bid with nobody to
// remind is recorded all the same and counted in "no_recipients".
func AwardReminders(ctx context.Context, d Deps, p Period) (Counts, error) {
	due, err := d.DB.AwardRemindersDue(ctx, p.At)
	if err != nil {
		return nil, err
	}
	counts := Counts{"bids": 0, "emails": 0, "no_recipients": 0}
	for _, r := range due {
		if err := ctx.Err(); err != nil {
			return counts, err
		}
		var emails []models.Email
		for _, u := range r.Recipients {
			emails = append(emails, awardReminderEmail(d.BaseURL, r, u))
		}
		bidID := r.BidID
		if err := d.Outbox.SendWith(ctx, emails, func(tx *sql.Tx) error {
			return models.RecordAwardReminderTx(ctx, tx, bidID, d.DB.Clock.Now())
		}); err != nil {
			return counts, fmt.Errorf("award reminder for bid %d: %w", r.BidID, err)
		}
		counts["bids"]++
		counts["emails"] += len(emails)
		if len(r.Recipients) == 0 {
			counts["no_recipients"]++
		}
	}
	return counts, nil
}

// awardReminderEmail asks one person to award or cancel a bid.
func awardReminderEmail(baseURL string, r models.AwardReminder, to models.User) models.Email {
	base := strings.TrimSuffix(baseURL, "/")
	var t strings.Builder
	fmt.Fprintf(&t, "Dear %s,\n\n", to.Name)
	fmt.Fprintf(&t, "%s closed for responses on %s, with %s. It has not yet been awarded or cancelled.\n\n",
		r.Title, models.FormatUKTime(r.ClosedAt), models.Plural(r.Submitted, "response", "responses"))
	t.WriteString("Suppliers are waiting to hear the outcome. Once the panel has finished its evaluation, award the contract; " +
		"if the councils will not go ahead, cancel the bid so that suppliers are told.\n\n")
	fmt.Fprintf(&t, "The bid: %s/bids/%d\n", base, r.BidID)
	fmt.Fprintf(&t, "Award it: %s/bids/%d/award\n", base, r.BidID)
	fmt.Fprintf(&t, "Cancel it: %s/bids/%d/cancel\n\n", base, r.BidID)
	fmt.Fprintf(&t, "You get this reminder once, as an officer of %s, the bid's lead council, or as the chair of its evaluation panel.\n", r.LeadName)
	return models.Email{To: to.Email, Subject: fmt.Sprintf("%d days since %s closed: award or cancel it", models.AwardReminderDays, r.Title),
		Text: t.String(), Kind: "award-reminder"}
}
