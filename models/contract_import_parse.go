package models

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dates and money in imported cells: dates in the forms councils write
// them, money to exact pence. A value that cannot be read is an error,
// never a zero; a blank cell is no value.

var (
	slashDate   = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$`)
	wordDate    = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{2}|\d{4})$`)
	isoDate     = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$`)
	serialValue = regexp.MustCompile(`^\d{5}(\.\d+)?$`)
)

var monthNames = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// Excel serial numbers read as dates only in this range (1954 to 2119),
// so a stray amount in a date column is an error, not a date.
const (
	minExcelSerial = 20000
	maxExcelSerial = 80000
)

// ParseImportDate reads a date as councils write them: 3/3/2027 and
// 03/03/27 (day first: UK), 3 March 2027 and 3 Mar 2027, ISO 8601
// (2027-03-03, or a date and time, whose own calendar date is kept), and
// Excel serial numbers (46449). Blank is the zero Date.
func ParseImportDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if blankCell(s) {
		return Date{}, nil
	}
	bad := fmt.Errorf("not a date: write it like 3/3/2027, 3 March 2027 or 2027-03-03")
	var y, d int
	var m time.Month
	switch {
	case isoDate.MatchString(s):
		p := isoDate.FindStringSubmatch(s)
		y, _ = strconv.Atoi(p[1])
		mm, _ := strconv.Atoi(p[2])
		d, _ = strconv.Atoi(p[3])
		m = time.Month(mm)
		if p[4] != "" {
			if h, _ := strconv.Atoi(p[4]); h > 23 {
				return Date{}, bad
			}
			if mi, _ := strconv.Atoi(p[5]); mi > 59 {
				return Date{}, bad
			}
		}
	case slashDate.MatchString(s):
		p := slashDate.FindStringSubmatch(s)
		d, _ = strconv.Atoi(p[1])
		mm, _ := strconv.Atoi(p[2])
		m = time.Month(mm)
		y = fullYear(p[3])
		if mm > 12 && d <= 12 {
			return Date{}, fmt.Errorf("not a date: dates are day first, like 31/12/2027")
		}
	case wordDate.MatchString(s):
		p := wordDate.FindStringSubmatch(s)
		d, _ = strconv.Atoi(p[1])
		var ok bool
		if m, ok = monthNames[strings.ToLower(p[2])]; !ok {
			return Date{}, bad
		}
		y = fullYear(p[3])
	case serialValue.MatchString(s):
		return excelSerialDate(s, false)
	default:
		return Date{}, bad
	}
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31 {
		return Date{}, bad
	}
	date := NewDate(y, m, d)
	if date.Time().Day() != d {
		return Date{}, fmt.Errorf("not a date: %s has no day %d", m, d)
	}
	return date, nil
}

// fullYear reads a two- or four-digit year; two digits are 2000–2069 or
// 1970–1999 (legacy contracts can be that old).
func fullYear(s string) int {
	y, _ := strconv.Atoi(s)
	if len(s) == 2 {
		if y < 70 {
			return 2000 + y
		}
		return 1900 + y
	}
	return y
}

// excelSerialDate reads an Excel date serial number: days since 30
// December 1899 (Excel's 1900 system, whose invented 29 February 1900
// only shifts serials before March 1900, outside the range read), or
// since 1 January 1904 for workbooks in the 1904 system. A time of day
// (the fraction) is dropped.
func excelSerialDate(s string, date1904 bool) (Date, error) {
	whole, _, _ := strings.Cut(strings.TrimSpace(s), ".")
	n, err := strconv.Atoi(whole)
	if err != nil || n < minExcelSerial || n > maxExcelSerial {
		return Date{}, fmt.Errorf("not a date: a number in a date column must be an Excel date serial (%d to %d)", minExcelSerial, maxExcelSerial)
	}
	if date1904 {
		return NewDate(1904, time.January, 1).AddDays(n), nil
	}
	return NewDate(1899, time.December, 30).AddDays(n), nil
}

var (
	groupedAmount = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)
	plainAmount   = regexp.MustCompile(`^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$`)
	scaledAmount  = regexp.MustCompile(`(?i)^[\d.,]+\s*(k|m|mn|bn|b|million|billion|thousand)$`)
)

// ParseImportMoney reads an amount of pounds to exact pence: "£1,234.56",
// "1234.5", "1,234", "GBP 1234", "1.5E+7" (as spreadsheets store large
// numbers). It works on the digits, never through floating point, and
// rounds half-pence and smaller away from zero. Blank is nil; negative,
// abbreviated ("£1.2m") or unreadable amounts are errors.
func ParseImportMoney(s string) (*int64, error) {
	s = strings.TrimSpace(s)
	if blankCell(s) {
		return nil, nil
	}
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "GBP"), "gbp"), "GBP"))
	t = strings.Join(strings.Fields(strings.TrimPrefix(t, "£")), "")
	switch {
	case strings.HasPrefix(t, "-") || strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") || strings.HasPrefix(t, "£-") || strings.HasPrefix(t, "-£"):
		return nil, fmt.Errorf("negative: an amount must be zero or more")
	case strings.ContainsAny(t, "€$"):
		return nil, fmt.Errorf("not in pounds: Jointly holds amounts in pounds sterling")
	case scaledAmount.MatchString(t):
		return nil, fmt.Errorf("abbreviated: write the whole amount, like 1200000")
	}
	if groupedAmount.MatchString(t) {
		t = strings.ReplaceAll(t, ",", "")
	}
	if !plainAmount.MatchString(t) {
		return nil, fmt.Errorf("not an amount of money: write it like 1234.56 or £1,234.56")
	}
	p, err := decimalToPence(t)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// decimalToPence turns a non-negative decimal string (with an optional
// exponent) into pence, rounding half away from zero.
func decimalToPence(s string) (int64, error) {
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	shift := 2 // pounds to pence
	if exp != "" {
		e, err := strconv.Atoi(exp)
		if err != nil {
			return 0, fmt.Errorf("not an amount of money: write it like 1234.56 or £1,234.56")
		}
		shift += e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	all := intPart + frac
	digits := strings.TrimLeft(all, "0")
	// point is how many of digits stand before the decimal point once the
	// amount is in pence.
	point := len(intPart) + shift - (len(all) - len(digits))
	if digits == "" {
		return 0, nil
	}
	if point > 17 {
		return 0, fmt.Errorf("too large to be a contract's value")
	}
	if point <= 0 {
		// Less than a penny: rounds to 0 or 1 penny.
		if point == 0 && digits[0] >= '5' {
			return 1, nil
		}
		return 0, nil
	}
	for len(digits) < point {
		digits += "0"
	}
	n, err := strconv.ParseInt(digits[:point], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("too large to be a contract's value")
	}
	if len(digits) > point && digits[point] >= '5' {
		n++
	}
	return n, nil
}
