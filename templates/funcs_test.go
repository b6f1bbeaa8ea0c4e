package templates_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London whatever the host has

	"jointly/models"
	"jointly/templates"
)

func TestFormatPence(t *testing.T) {
	tests := map[int64]string{
		0:                   "£0",
		5:                   "£0.05",
		99:                  "£0.99",
		100:                 "£1",
		101:                 "£1.01",
		150:                 "£1.50",
		123456789:           "£1,234,567.89",
		-250:                "-£2.50",
		-5:                  "-£0.05",
		-100000:             "-£1,000",
		100000000:           "£1,000,000",
		100000001:           "£1,000,000.01",
		math.MaxInt64:       "£92,233,720,368,547,758.07",
		math.MinInt64:       "-£92,233,720,368,547,758.08",
		math.MinInt64 + 1:   "-£92,233,720,368,547,758.07",
		999999999999:        "£9,999,999,999.99",
		1000000000000000000: "£10,000,000,000,000,000",
	}
	for in, want := range tests {
		if got := templates.FormatPence(in); got != want {
			t.Errorf("FormatPence(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatCount(t *testing.T) {
	tests := map[int64]string{
		0:             "0",
		7:             "7",
		999:           "999",
		1000:          "1,000",
		12345:         "12,345",
		123456:        "123,456",
		1234567:       "1,234,567",
		-1:            "-1",
		-1000:         "-1,000",
		-1234567:      "-1,234,567",
		math.MaxInt64: "9,223,372,036,854,775,807",
		math.MinInt64: "-9,223,372,036,854,775,808",
	}
	for in, want := range tests {
		if got := templates.FormatCount(in); got != want {
			t.Errorf("FormatCount(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2027, 3, 3, 0, 0, 0, 0, time.UTC), "3 March 2027"},
		{time.Date(2026, 12, 25, 23, 59, 0, 0, time.UTC), "25 December 2026"},
		{time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC), "31 January 2026"},
		{time.Time{}, ""},
	}
	for _, tt := range tests {
		if got := templates.FormatDate(tt.in); got != tt.want {
			t.Errorf("FormatDate(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatDateTimeInLondon(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		in   time.Time
		want string
	}{
		{utc(2026, 7, 1, 13, 0), "1 July 2026 at 2:00pm"},                     // BST
		{utc(2026, 12, 1, 13, 0), "1 December 2026 at 1:00pm"},                // GMT
		{utc(2026, 12, 1, 0, 5), "1 December 2026 at 12:05am"},                // just after midnight
		{utc(2026, 12, 1, 12, 0), "1 December 2026 at 12:00pm"},               // noon
		{utc(2026, 6, 30, 23, 30), "1 July 2026 at 12:30am"},                  // BST moves the date on
		{utc(2027, 3, 28, 0, 59), "28 March 2027 at 12:59am"},                 // last minute of GMT
		{utc(2027, 3, 28, 1, 0), "28 March 2027 at 2:00am"},                   // clocks go forward
		{utc(2026, 10, 25, 0, 59), "25 October 2026 at 1:59am"},               // last minute of BST
		{utc(2026, 10, 25, 1, 0), "25 October 2026 at 1:00am"},                // clocks go back
		{time.Date(2026, 7, 1, 14, 0, 0, 0, london), "1 July 2026 at 2:00pm"}, // already in London
		{time.Time{}, ""},
	}
	for _, tt := range tests {
		if got := templates.FormatDateTime(tt.in, london); got != tt.want {
			t.Errorf("FormatDateTime(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "0 councils"},
		{1, "1 council"},
		{2, "2 councils"},
		{-1, "-1 councils"},
		{1000, "1000 councils"},
	}
	for _, tt := range tests {
		if got := templates.Plural(tt.n, "council", "councils"); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestNewField(t *testing.T) {
	f, err := templates.NewField("email", "Email address", "a@b.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := templates.Field{Name: "email", Label: "Email address", Value: "a@b.com", Type: "text"}
	if f != want {
		t.Errorf("plain field %+v, want %+v", f, want)
	}

	verr := &models.ValidationError{}
	verr.Add("email", "Enter an email address")
	verr.Add("email", "A second message")
	f, err = templates.NewField("email", "Email address", "", verr,
		"type=email", "autocomplete=username", "hint=Your work address", "width=20", "spellcheck=false", "heading")
	if err != nil {
		t.Fatal(err)
	}
	want = templates.Field{Name: "email", Label: "Email address", Error: "Enter an email address", Type: "email",
		Autocomplete: "username", Hint: "Your work address", Width: "20", NoSpellcheck: true, LabelIsHeading: true}
	if f != want {
		t.Errorf("field %+v, want %+v", f, want)
	}

	// Another field's error is not this field's; a hint may hold "=".
	f, err = templates.NewField("name", "Name", "", verr, "hint=a=b", "spellcheck=true")
	if err != nil {
		t.Fatal(err)
	}
	if f.Error != "" || f.Hint != "a=b" || f.NoSpellcheck {
		t.Errorf("field %+v", f)
	}

	// A nil *ValidationError (a form shown for the first time) is fine.
	var none *models.ValidationError
	if f, err := templates.NewField("name", "Name", "", none); err != nil || f.Error != "" {
		t.Errorf("nil errors: %+v, %v", f, err)
	}

	for _, bad := range []string{"colour=red", "Type=email", "", "typo"} {
		_, err := templates.NewField("name", "Name", "", nil, bad)
		if err == nil || !strings.Contains(err.Error(), "unknown option") || !strings.Contains(err.Error(), "name") {
			t.Errorf("option %q: %v, want an unknown option error naming the field", bad, err)
		}
	}
}

func TestFuncsAreRegistered(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	asset := func(string) (string, error) { return "", errors.New("unused") }
	funcs := templates.Funcs(asset, london)
	for _, name := range []string{"asset", "date", "datetime", "money", "count", "plural", "field"} {
		if funcs[name] == nil {
			t.Errorf("template function %q missing", name)
		}
	}
	datetime := funcs["datetime"].(func(time.Time) string)
	if got := datetime(time.Date(2026, 7, 1, 13, 0, 0, 0, time.UTC)); got != "1 July 2026 at 2:00pm" {
		t.Errorf("datetime = %q", got)
	}
	date := funcs["date"].(func(time.Time) string)
	if got := date(time.Date(2027, 3, 3, 0, 0, 0, 0, time.UTC)); got != "3 March 2027" {
		t.Errorf("date = %q", got)
	}
}

// Every page parses with the real function map.
func TestPagesParseWithFuncs(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	asset := func(name string) (string, error) { return "/assets/" + name, nil }
	r, err := templates.New(templates.Funcs(asset, london))
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"landing", "home", "login", "councils", "council", "account", "error"} {
		if !r.Has(page) {
			t.Errorf("page %q missing", page)
		}
	}
	if r.Has("no-such-page") {
		t.Error("Has invents a page")
	}
	var b strings.Builder
	if err := r.Render(&b, "no-such-page", nil); err == nil || b.Len() != 0 {
		t.Errorf("rendering an unknown page: %v, wrote %d bytes", err, b.Len())
	}
}
