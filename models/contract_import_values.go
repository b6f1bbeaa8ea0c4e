package models

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The other cells of imported files: yes/no flags, procurement routes,
// hosting, months and counts.

// parseImportBool reads yes/no flags (SME, VCSE, extension intended):
// yes/no, y/n, true/false, 1/0, and the flag's own name ("SME") for yes
// and "non-SME" or "not SME" for no. Blank is nil.
func parseImportBool(s string, names ...string) (*bool, error) {
	v := strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " "))
	if blankCell(s) || v == "" || v == "unknown" || v == "not known" {
		return nil, nil
	}
	yes, no := true, false
	switch v {
	case "yes", "y", "true", "t", "1":
		return &yes, nil
	case "no", "n", "false", "f", "0":
		return &no, nil
	}
	for _, n := range names {
		switch v {
		case n:
			return &yes, nil
		case "non " + n, "not " + n, "not a " + n, "non" + n:
			return &no, nil
		}
	}
	return nil, fmt.Errorf("not yes or no")
}

// parseProcurementRoute reads the Transparency Code's "ITT or quote" and
// its relatives into Jointly's routes.
func parseProcurementRoute(s string) (string, error) {
	v := strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " "))
	if blankCell(s) || v == "" {
		return "", nil
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if v == w || strings.HasPrefix(v, w+" ") || strings.HasSuffix(v, " "+w) || strings.Contains(v, " "+w+" ") {
				return true
			}
		}
		return false
	}
	switch {
	case has("framework", "call off", "calloff", "mini competition", "further competition", "dps", "dynamic purchasing system"):
		return "framework", nil
	case has("direct award", "direct", "waiver", "single source", "single tender", "exemption", "exception", "negotiated without", "without prior publication"):
		return "direct", nil
	case has("quote", "quotes", "quotation", "quotations", "rfq", "itq", "request for quotation", "request for quote"):
		return "quote", nil
	case has("itt", "tender", "tendered", "invitation to tender", "open", "restricted", "competitive", "competitive dialogue", "open tender"):
		return "tender", nil
	case has("other"):
		return "other", nil
	}
	return "", fmt.Errorf("not a procurement route: use tender (ITT), quote, framework, direct award or other")
}

// parseHosting reads where a system runs.
func parseHosting(s string) (string, error) {
	v := strings.ToLower(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " "))
	if blankCell(s) || v == "" {
		return "", nil
	}
	switch v {
	case "on premises", "on premise", "on prem", "onprem", "on site", "in house", HostingOnPremises:
		return HostingOnPremises, nil
	case "hosted", "hosted by supplier", "supplier hosted", "managed hosting", "private cloud":
		return HostingHosted, nil
	case "saas", "software as a service", "cloud saas", "saas cloud":
		return HostingSaaS, nil
	}
	return "", fmt.Errorf("not a hosting model: use on-premises, hosted or SaaS")
}

var monthsPattern = regexp.MustCompile(`^(\d{1,3})\s*(m|mth|mths|month|months)?$`)
var yearsPattern = regexp.MustCompile(`^(\d{1,2})\s*(y|yr|yrs|year|years)$`)

// parseImportMonths reads a notice period: "3", "3 months", "1 year".
func parseImportMonths(s string) (*int, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if blankCell(v) {
		return nil, nil
	}
	if p := monthsPattern.FindStringSubmatch(v); p != nil {
		n, _ := strconv.Atoi(p[1])
		return &n, nil
	}
	if p := yearsPattern.FindStringSubmatch(v); p != nil {
		n, _ := strconv.Atoi(p[1])
		n *= 12
		return &n, nil
	}
	return nil, fmt.Errorf("not a number of months")
}

// parseImportCount reads a whole number such as times extended.
func parseImportCount(s string) (int, error) {
	v := strings.TrimSpace(s)
	if blankCell(v) {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a whole number")
	}
	return n, nil
}

// truncateRunes cuts s to n characters, marking the cut, for published
// notices whose text runs past what a register row holds.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
