package jobs

import (
	"context"
	"fmt"
	"time"

	"jointly/models"
)

// BriefingHour is the hour, UK time, from which each night's briefings
// are due: after the registers' day of changes, before councillors read.
const BriefingHour = 2

// RefreshBriefings regenerates every active council's briefing that was
// generated before the most recent 02:00 UK time (BriefingHour), and
// writes those missing. Run hourly (and at start-up), it regenerates each
// briefing once a night: the first run after 02:00 finds them all due,
// later runs that night find none. A run cut short by ctx keeps what it
// wrote; the next run does the rest.
func RefreshBriefings(ctx context.Context, d Deps, now time.Time) (Counts, error) {
	since := LastBriefingTime(now)
	due, err := d.DB.CouncilBriefingsDue(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("briefings due: %w", err)
	}
	if len(due) == 0 {
		return Counts{"generated": 0}, nil
	}
	n, err := d.DB.GenerateCouncilBriefings(ctx, due)
	d.Logger.InfoContext(ctx, "generated council briefings", "generated", n, "due", len(due), "since", since.UTC().Format(time.RFC3339))
	if err != nil {
		return Counts{"generated": n}, fmt.Errorf("generate briefings: %w", err)
	}
	return Counts{"generated": n}, nil
}

// LastBriefingTime is the most recent BriefingHour:00 in UK time at or
// before now. 02:00 happens exactly once every day in the UK: the clocks
// change at 01:00 GMT, going forward from 01:00 to 02:00 in March and back
// from 02:00 to 01:00 in October.
func LastBriefingTime(now time.Time) time.Time {
	london := models.London()
	t := now.In(london)
	at := time.Date(t.Year(), t.Month(), t.Day(), BriefingHour, 0, 0, 0, london)
	if at.After(now) {
		at = time.Date(t.Year(), t.Month(), t.Day()-1, BriefingHour, 0, 0, 0, london)
	}
	return at
}
