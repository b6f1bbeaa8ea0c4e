package models

import (
	"sync"
	"time"
)

// Clock tells the time. Domain rules (session expiry, deadlines, decision
// windows) ask it rather than time.Now, so tests can stand on a fixed date.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// FixedClock always returns T; tests move it by setting T.
type FixedClock struct{ T time.Time }

// Now returns the fixed time.
func (c *FixedClock) Now() time.Time { return c.T }

// Advance moves the clock on by d.
func (c *FixedClock) Advance(d time.Duration) { c.T = c.T.Add(d) }

// timeLayout is how instants are stored: UTC, fixed width, so that text
// comparison in SQL orders them correctly.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dbTime formats t for storage.
func dbTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseDBTime reads a stored instant; the empty string is the zero time.
func parseDBTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(timeLayout, s)
}

// London is the UK's time zone, in which deadlines are shown and daily jobs
// run. It comes from the embedded tz database (time/tzdata in main), loaded
// once: loading it is not free, and the digest asks thousands of times.
func London() *time.Location { return london() }

var london = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		// The binary embeds time/tzdata, so this cannot happen at run time.
		panic("Europe/London time zone missing: " + err.Error())
	}
	return loc
})

// OffsetClock runs at the real pace from a chosen starting instant: the
// server started with --now 2027-03-01T09:00:00Z reads 09:00 at start-up
// and 09:05 five minutes later, so deadlines can be demonstrated and
// tested against the real binary.
type OffsetClock struct{ Offset time.Duration }

// NewOffsetClock is a clock that reads start now.
func NewOffsetClock(start time.Time) OffsetClock {
	return OffsetClock{Offset: time.Until(start)}
}

// Now returns the real time moved by the offset.
func (c OffsetClock) Now() time.Time { return time.Now().Add(c.Offset) }
