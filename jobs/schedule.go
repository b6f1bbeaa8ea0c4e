package jobs

// Schedules in UK wall-clock time, and the names of periods.

import (
	"errors"
	"time"

	"github.com/robfig/cron/v3"

	"jointly/models"
)

// parseSchedule reads a five-field cron expression (or a descriptor such
// as @daily) as a schedule in UK time.
func parseSchedule(spec string) (cron.Schedule, error) {
	sched, err := parser.Parse(spec)
	if err != nil {
		return nil, err
	}
	spec2, ok := sched.(*cron.SpecSchedule)
	if !ok {
		// Its times shift with the instant it is asked from, so a
		// period could not be recorded once.
		return nil, errors.New("@every has no fixed times to run at; use a cron expression such as */10 * * * *")
	}
	if spec2.Location != time.Local {
		return sched, nil // CRON_TZ=…: in a zone of its own choosing
	}
	const allHours = 1<<24 - 1
	return ukSchedule{spec: spec2, everyHour: spec2.Hour&allHours == allHours, london: models.London()}, nil
}

// ukSchedule is a cron schedule read in UK time, made right across the
// clock changes, which robfig/cron alone is not:
//
//   - When the clocks go back (the last Sunday of October, when 01:00 to
//     01:59 happens twice), a job at fixed hours ("30 1 * * *") runs once,
//     the first time its wall time comes round, not again an hour later;
//     a job for every hour ("*/5 * * * *") runs through both hours.
//   - When the clocks go forward (the last Sunday of March, when 01:00 to
//     01:59 never happens), a job at a wall time that is skipped runs an
//     hour later, at the instant Go gives that wall time (01:30 is 02:30
//     BST), rather than not at all that day.
type ukSchedule struct {
	spec      *cron.SpecSchedule
	everyHour bool
	london    *time.Location
}

// Next is the first scheduled instant after t, in UK time.
func (s ukSchedule) Next(t time.Time) time.Time {
	t = t.In(s.london)
	n := s.spec.Next(t)
	if s.everyHour {
		return n
	}
	for !n.IsZero() && repeatedWallTime(n) {
		n = s.spec.Next(n)
	}
	if g := s.skippedWallTime(t, n); !g.IsZero() {
		return g
	}
	return n
}

// repeatedWallTime reports whether t's UK wall time already happened an
// hour earlier: t is in the hour after the clocks went back.
func repeatedWallTime(t time.Time) bool {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return false
	}
	_, off := t.Zone()
	_, before := start.Add(-time.Nanosecond).Zone()
	return before > off && t.Before(start.Add(time.Duration(before-off)*time.Second))
}

// skippedWallTime is the first instant after t and before n (any, when n is
// zero) at which the schedule falls in wall-clock time the clocks skipped
// going forward, read in the offset before the change (so 01:30 GMT,
// which is 02:30 BST); zero when there is none.
func (s ukSchedule) skippedWallTime(t, n time.Time) time.Time {
	limit := n
	if limit.IsZero() {
		limit = t.AddDate(5, 0, 0) // as far as robfig/cron looks
	}
	change, end := t.ZoneBounds() // the change into t's zone, then each after it
	if change.IsZero() {
		change = end
	}
	for ; !change.IsZero() && change.Before(limit); _, change = change.ZoneBounds() {
		_, before := change.Add(-time.Nanosecond).Zone()
		_, after := change.Zone()
		if after <= before {
			continue
		}
		from := change.Add(-time.Second)
		if t.After(from) {
			from = t
		}
		g := s.spec.Next(from.In(time.FixedZone("", before)))
		gap := time.Duration(after-before) * time.Second
		if !g.IsZero() && !g.Before(change) && g.Before(change.Add(gap)) && g.Before(limit) {
			return g.In(s.london)
		}
	}
	return time.Time{}
}

// periodKey names the period of scheduled time at: its UK wall time to the
// minute, 2026-11-21T06:00, with the offset added only in the hour the
// clocks go back, whose wall times happen twice (2027-10-31T01:30+01:00,
// then 2027-10-31T01:30+00:00), so each run has a key of its own.
func periodKey(at time.Time) string {
	at = at.In(models.London())
	if ambiguousWallTime(at) {
		return at.Format("2006-01-02T15:04-07:00")
	}
	return at.Format("2006-01-02T15:04")
}

// ambiguousWallTime reports whether t's UK wall time happens twice: in the
// hour before the clocks go back, or the hour after.
func ambiguousWallTime(t time.Time) bool {
	if repeatedWallTime(t) {
		return true
	}
	_, end := t.ZoneBounds()
	if end.IsZero() {
		return false
	}
	_, off := t.Zone()
	_, after := end.Zone()
	return after < off && !t.Before(end.Add(-time.Duration(off-after)*time.Second))
}
