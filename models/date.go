package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date with no time of day or zone, as contracts have:
// "3 March 2027". The zero Date means "no date".
type Date struct{ t time.Time }

// NewDate makes a date; out-of-range days roll over as time.Date does.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf is the calendar date of t in the UK.
func DateOf(t time.Time) Date {
	y, m, d := t.In(London()).Date()
	return NewDate(y, m, d)
}

// ParseISODate reads "2027-03-03"; "" is the zero Date.
func ParseISODate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date like 2027-03-03", s)
	}
	return Date{t}, nil
}

// IsZero reports whether there is no date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String is the ISO form, "2027-03-03", or "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Long is the GOV.UK style, "3 March 2027", or "".
func (d Date) Long() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("2 January 2006")
}

// Time is the date at midnight UTC.
func (d Date) Time() time.Time { return d.t }

// AddMonths adds n calendar months, clamping to the month's last day
// (31 January + 1 month = 28 or 29 February, not 3 March).
func (d Date) AddMonths(n int) Date {
	if d.IsZero() {
		return d
	}
	y, m, day := d.t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return NewDate(first.Year(), first.Month(), min(day, last))
}

// AddDays adds n days.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	return Date{d.t.AddDate(0, 0, n)}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// DaysUntil is the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// Value stores a date as TEXT, or NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads TEXT or NULL.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		p, err := ParseISODate(v)
		*d = p
		return err
	case []byte:
		p, err := ParseISODate(string(v))
		*d = p
		return err
	case time.Time:
		*d = NewDate(v.Date())
		return nil
	}
	return fmt.Errorf("cannot read %T as a date", src)
}

// MarshalJSON writes "2027-03-03" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "2027-03-03", "" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string like \"2027-03-03\"")
	}
	p, err := ParseISODate(s)
	*d = p
	return err
}
