package templates

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
)

// Funcs are the template functions: asset URLs, UK dates and times,
// money, plurals and form fields. assetURL comes from the assets package.
func Funcs(assetURL func(string) (string, error), london *time.Location) template.FuncMap {
	return template.FuncMap{
		"asset":    assetURL,
		"date":     func(t time.Time) string { return FormatDate(t) },
		"datetime": func(t time.Time) string { return FormatDateTime(t, london) },
		"money":    FormatPence,
		"count":    FormatCount,
		"plural":   Plural,
		"field":    NewField,
	}
}

// FormatDate shows a calendar date as "3 March 2027".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

// FormatDateTime shows an instant in UK time: "3 March 2027 at 2:15pm".
func FormatDateTime(t time.Time, london *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(london)
	return t.Format("2 January 2006") + " at " + strings.ToLower(t.Format("3:04PM"))
}

// FormatPence shows money held in pence as pounds: 123456789 → "£1,234,567.89";
// whole pounds drop the pence: "£1,234,567".
func FormatPence(pence int64) string {
	sign, mag := "", uint64(pence) // #nosec G115 -- reinterpreted on purpose: a negative amount is negated in uint64 below
	if pence < 0 {
		sign, mag = "-", -mag // in uint64, right even for math.MinInt64
	}
	pounds, p := groupThousands(strconv.FormatUint(mag/100, 10)), mag%100
	if p != 0 {
		return fmt.Sprintf("%s£%s.%02d", sign, pounds, p)
	}
	return sign + "£" + pounds
}

// FormatCount writes a whole number with thousands separators: 1234567 →
// "1,234,567".
func FormatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + groupThousands(s[1:])
	}
	return groupThousands(s)
}

// groupThousands puts commas between groups of three digits.
func groupThousands(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Plural picks the word for n: plural 1 "council" "councils".
func Plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Field is one form field for the field partials: its name (also its id),
// label, value and error, plus options given as "key=value" strings:
// type, autocomplete, hint, spellcheck (false), width (a govuk-input--width
// class suffix).
type Field struct {
	Name, Label, Value, Error    string
	Type, Autocomplete, Hint     string
	Width                        string
	NoSpellcheck, LabelIsHeading bool
}

// FieldErrors is what a page gives NewField to find a field's message;
// *models.ValidationError satisfies it.
type FieldErrors interface {
	Message(field string) string
}

// NewField builds a Field; errs may be nil (a nil *models.ValidationError
// answers "" for every field).
func NewField(name, label, value string, errs FieldErrors, opts ...string) (Field, error) {
	f := Field{Name: name, Label: label, Value: value, Type: "text"}
	if errs != nil {
		f.Error = errs.Message(name)
	}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "type":
			f.Type = v
		case "autocomplete":
			f.Autocomplete = v
		case "hint":
			f.Hint = v
		case "width":
			f.Width = v
		case "spellcheck":
			f.NoSpellcheck = v == "false"
		case "heading":
			f.LabelIsHeading = true
		default:
			return f, fmt.Errorf("field %s: unknown option %q", name, o)
		}
	}
	return f, nil
}
