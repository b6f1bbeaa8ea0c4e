package models

import "time"

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
// run. It comes from the embedded tz database (time/tzdata in main).
func London() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		// The binary embeds time/tzdata, so this cannot happen at run time.
		panic("Europe/London time zone missing: " + err.Error())
	}
	return loc
}
