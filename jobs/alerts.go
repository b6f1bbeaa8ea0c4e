package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jointly/models"
)

// ExpiryAlerts tells each council's officers, in one email per officer,
// of its contracts whose decision window is 120, 60 or 30 days away or
// today (models.ContractAlertsDue decides which, as of p's UK date).
//
// Each council's emails are queued in the same transaction that records
// its alerts, so a crash part-way leaves every council either told and
// recorded or neither; a rerun, for this period or the next day, tells
// nobody twice. A council with no officers has its alerts recorded all
// the same (there is nobody to tell, now or later), counted in
// "no_officers".
func ExpiryAlerts(ctx context.Context, d Deps, p Period) (Counts, error) {
	today := models.DateOf(p.At)
	due, err := d.DB.ContractAlertsDue(ctx, today)
	if err != nil {
		return nil, err
	}
	counts := Counts{"councils": 0, "contracts": 0, "emails": 0, "no_officers": 0}
	for _, c := range due {
		if err := ctx.Err(); err != nil {
			return counts, err
		}
		var emails []models.Email
		for _, u := range c.Officers {
			emails = append(emails, expiryAlertEmail(d.BaseURL, c, u))
		}
		gss, alerts := c.CouncilGSS, c.Alerts
		if err := d.Outbox.SendWith(ctx, emails, func(tx *sql.Tx) error {
			return models.RecordContractAlertsTx(ctx, tx, gss, alerts, d.DB.Clock.Now())
		}); err != nil {
			return counts, fmt.Errorf("expiry alerts for %s: %w", c.CouncilGSS, err)
		}
		counts["councils"]++
		counts["contracts"] += len(c.Alerts)
		counts["emails"] += len(emails)
		if len(c.Officers) == 0 {
			counts["no_officers"]++
		}
	}
	return counts, nil
}

// expiryAlertEmail is one officer's alert: the council's contracts
// grouped by the threshold they reached, nearest first.
func expiryAlertEmail(baseURL string, c models.CouncilAlerts, to models.User) models.Email {
	base := strings.TrimSuffix(baseURL, "/")
	subject := fmt.Sprintf("%d %s contracts are reaching their decision window", len(c.Alerts), c.CouncilName)
	if len(c.Alerts) == 1 {
		a := c.Alerts[0]
		if a.Threshold == 0 {
			subject = "Decision window today: " + a.Title
		} else {
			subject = fmt.Sprintf("Decision window in %s: %s", models.Plural(a.DaysLeft, "day", "days"), a.Title)
		}
	}
	var t strings.Builder
	fmt.Fprintf(&t, "Dear %s,\n\n", to.Name)
	if len(c.Alerts) == 1 {
		fmt.Fprintf(&t, "One %s contract is reaching its decision window", c.CouncilName)
	} else {
		fmt.Fprintf(&t, "%d %s contracts are reaching their decision windows", len(c.Alerts), c.CouncilName)
	}
	t.WriteString(": the date to start re-procuring, allowing for the notice period and the time a procurement takes.\n\n")
	for i := len(models.AlertThresholds) - 1; i >= 0; i-- {
		n := models.AlertThresholds[i]
		first := true
		for _, a := range c.Alerts {
			if a.Threshold != n {
				continue
			}
			if first {
				fmt.Fprintf(&t, "%s\n\n", models.AlertThresholdLabel(n))
				first = false
			}
			writeAlertedContract(&t, base, a)
		}
	}
	fmt.Fprintf(&t, "Every contract reaching its decision window within 120 days: %s/councils/%s/contracts?window=120&sort=decision_window\n\n",
		base, c.CouncilGSS)
	fmt.Fprintf(&t, "You get these alerts as an officer of %s on Jointly.\n", c.CouncilName)
	return models.Email{To: to.Email, Subject: subject, Text: t.String(), Kind: "expiry-alert"}
}

// writeAlertedContract is one contract's lines in an alert.
func writeAlertedContract(t *strings.Builder, base string, a models.ContractAlert) {
	fmt.Fprintf(t, "- %s\n", a.Title)
	fmt.Fprintf(t, "  Supplier: %s\n", a.SupplierName)
	end := a.EndDate.Long()
	if a.ExtensionIntended && !a.MaxExtensionDate.IsZero() {
		end += ", extending to " + a.MaxExtensionDate.Long()
	}
	fmt.Fprintf(t, "  Ends: %s\n", end)
	when := "today"
	if a.DaysLeft > 0 {
		when = "in " + models.Plural(a.DaysLeft, "day", "days")
	}
	fmt.Fprintf(t, "  Decision window: %s (%s)\n", a.DecisionWindow.Long(), when)
	fmt.Fprintf(t, "  %s/contracts/%d\n\n", base, a.ContractID)
}
