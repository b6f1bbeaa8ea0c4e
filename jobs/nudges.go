package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"jointly/models"
)

// RegisterNudges asks the officers of each council whose register has not
// been confirmed for six months (models.StaleRegisters) to check and
// confirm it: one email each, queued in the transaction that records the
// council nudged for this period, so a rerun of the period nudges nobody
// twice. Next month, if the register is still unconfirmed, they are asked
// again. A council with no officers is recorded all the same and counted
// in "no_officers".
func RegisterNudges(ctx context.Context, d Deps, p Period) (Counts, error) {
	stale, err := d.DB.StaleRegisters(ctx, p.At, p.Key)
	if err != nil {
		return nil, err
	}
	counts := Counts{"councils": 0, "emails": 0, "no_officers": 0}
	for _, s := range stale {
		if err := ctx.Err(); err != nil {
			return counts, err
		}
		var emails []models.Email
		for _, u := range s.Officers {
			emails = append(emails, registerNudgeEmail(d.BaseURL, s, u))
		}
		gss := s.CouncilGSS
		if err := d.Outbox.SendWith(ctx, emails, func(tx *sql.Tx) error {
			return models.RecordRegisterNudgeTx(ctx, tx, gss, p.Key, d.DB.Clock.Now())
		}); err != nil {
			return counts, fmt.Errorf("register nudge for %s: %w", s.CouncilGSS, err)
		}
		counts["councils"]++
		counts["emails"] += len(emails)
		if len(s.Officers) == 0 {
			counts["no_officers"]++
		}
	}
	return counts, nil
}

// registerNudgeEmail asks one officer to confirm the register, saying
// when it last was and where to do it.
func registerNudgeEmail(baseURL string, s models.StaleRegister, to models.User) models.Email {
	base := strings.TrimSuffix(baseURL, "/")
	var t strings.Builder
	fmt.Fprintf(&t, "Dear %s,\n\n", to.Name)
	switch {
	case !s.LastConfirmed.IsZero():
		by := ""
		if s.ConfirmedBy != "" {
			by = ", by " + s.ConfirmedBy
		}
		fmt.Fprintf(&t, "%s's contract register was last confirmed as current on %s%s: more than %d months ago.\n\n",
			s.CouncilName, models.DateOf(s.LastConfirmed).Long(), by, models.RegisterStaleMonths)
	case !s.FirstContract.IsZero():
		fmt.Fprintf(&t, "%s's contract register has never been confirmed as current. Its first contract was added on %s.\n\n",
			s.CouncilName, models.DateOf(s.FirstContract).Long())
	default:
		fmt.Fprintf(&t, "%s's contract register is empty and has never been confirmed as current.\n\n", s.CouncilName)
	}
	t.WriteString("Other councils look for partners in it and plan joint procurements from it, so please check it: " +
		"add new contracts, update any that have changed (end dates, extensions, values) and remove any that have ended. " +
		"Then confirm it is current, at the top of the register:\n\n")
	fmt.Fprintf(&t, "%s/councils/%s/contracts\n\n", base, s.CouncilGSS)
	fmt.Fprintf(&t, "You get this reminder, as an officer of %s on Jointly, once a month while the register has gone more than %d months unconfirmed.\n",
		s.CouncilName, models.RegisterStaleMonths)
	return models.Email{To: to.Email, Subject: "Please confirm " + s.CouncilName + "'s register is current",
		Text: t.String(), Kind: "register-nudge"}
}
