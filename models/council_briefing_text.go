package models

import (
	"context"
	"fmt"
	"strings"
)

// The words of a council's generated briefing (council_briefing.go): one
// function per section, each ending with what it means in plain English,
// and the helpers that put numbers, money and dates into words.

func writeBriefingWindows(ctx context.Context, db *DB, c Council, today Date, b *strings.Builder) error {
	w, err := db.CouncilBriefingWindows(ctx, c.GSSCode, today)
	if err != nil {
		return err
	}
	b.WriteString("# Contracts coming up for decision\n\n")
	name := mdEscape(c.Name)
	if len(w.Coming) == 0 {
		fmt.Fprintf(b, "None of %s's contracts reaches its decision window in the next 12 months.\n\n", name)
	} else {
		fmt.Fprintf(b, "%s of %s's contracts %s decision window in the next 12 months. ", capitalise(numberInWords(len(w.Coming))), name,
			verbFor(len(w.Coming), "reaches its", "reach their"))
		if len(w.Coming) > briefingTopContracts {
			fmt.Fprintf(b, "The %s largest by value:\n\n", numberInWords(briefingTopContracts))
		} else {
			b.WriteString("By value, largest first:\n\n")
		}
		for _, k := range w.Coming[:min(len(w.Coming), briefingTopContracts)] {
			fmt.Fprintf(b, "- **%s** with %s%s: decision window %s (%s).\n", mdEscape(k.Title), mdEscape(k.SupplierName),
				worthInWords(k), k.DecisionWindow.Long(), whenInWords(today, k.DecisionWindow))
		}
		b.WriteString("\n")
	}
	if w.Passed > 0 {
		fmt.Fprintf(b, "%s still running although %s decision window has passed: %s overdue.\n\n",
			capitalise(countOf(w.Passed, "more contract is", "more contracts are")), verbFor(w.Passed, "its", "their"),
			verbFor(w.Passed, "a decision on it is", "decisions on them are"))
	}
	switch {
	case len(w.Coming) == 0 && w.Passed == 0:
		b.WriteString("> **What this means:** no contract needs a decision about its replacement this year, so there is time to plan the next ones well.\n\n")
	default:
		b.WriteString("> **What this means:** the council must soon decide whether to renew, replace or end these contracts. " +
			"Left too late, the usual result is an extension on the supplier's terms rather than a fair competition.\n\n")
	}
	return nil
}

func writeBriefingLegacy(ctx context.Context, db *DB, c Council, today Date, b *strings.Builder) error {
	legacy, err := db.LegacyContracts(ctx, System, LegacyFilter{CouncilGSS: c.GSSCode, Limit: 1000})
	if err != nil {
		return err
	}
	b.WriteString("# Old systems that need a plan\n\n")
	name := mdEscape(c.Name)
	if len(legacy) == 0 {
		fmt.Fprintf(b, "None of %s's current contracts looks like a legacy system.\n\n", name)
		b.WriteString("> **What this means:** no system needs an exit plan yet. Jointly can only tell from what the register records, " +
			"so it matters that officers keep end-of-support dates and hosting up to date.\n\n")
		return nil
	}
	fmt.Fprintf(b, "%s of %s's current contracts %s: out of support, on the council's own servers, extended again and again, or running for many years. ",
		capitalise(numberInWords(len(legacy))), name, verbFor(len(legacy), "looks like a legacy system", "look like legacy systems"))
	b.WriteString("The most pressing:\n\n")
	for _, l := range legacy[:min(len(legacy), briefingTopLegacy)] {
		what := mdEscape(l.Title)
		if l.ProductName != "" {
			what += " (" + mdEscape(l.ProductName) + ")"
		}
		fmt.Fprintf(b, "- **%s** with %s: %s.\n", what, mdEscape(l.SupplierName), mdEscape(strings.Join(l.Reasons, "; ")))
	}
	b.WriteString("\n> **What this means:** old systems cost more to keep safe and become harder to leave each year. " +
		"Planning the exit early, perhaps with other councils on the same system, avoids a rushed and costly replacement.\n\n")
	return nil
}

func writeBriefingPartners(ctx context.Context, db *DB, c Council, today Date, b *strings.Builder) error {
	matches, err := db.PartnerMatches(ctx, System, c.GSSCode, PartnerOptions{})
	if err != nil {
		return err
	}
	b.WriteString("# Councils to buy with\n\n")
	partners := PartnersOfMatches(matches)
	name := mdEscape(c.Name)
	if len(partners) == 0 {
		fmt.Fprintf(b, "Jointly has found no council whose comparable contracts come up for decision within a year of %s's.\n\n", name)
		b.WriteString("> **What this means:** there is no obvious partner for a joint procurement now; this changes as councils add contracts to their registers.\n\n")
		return nil
	}
	fmt.Fprintf(b, "%s comparable contracts that come up for decision within a year of %s's. The best matches:\n\n",
		capitalise(countOf(len(partners), "council has", "councils have")), name)
	for _, p := range partners[:min(len(partners), briefingTopPartners)] {
		fmt.Fprintf(b, "- **%s** (matches for %s of %s's contracts): %s\n", mdEscape(p.Best.PartnerName), numberInWords(p.Contracts), name,
			mdEscape(p.Best.Explanation))
	}
	b.WriteString("\n> **What this means:** buying together with a council whose contract ends at about the same time can bring better prices " +
		"and shares the work of the procurement between the councils.\n\n")
	return nil
}

func (w *briefingWriter) writeMarkets(ctx context.Context, db *DB, c Council, today Date, b *strings.Builder) error {
	markets, err := db.CouncilBriefingMarkets(ctx, c.GSSCode, today, w.market)
	if err != nil {
		return err
	}
	b.WriteString("# Where one supplier holds most of the market\n\n")
	name := mdEscape(c.Name)
	if len(markets) == 0 {
		fmt.Fprintf(b, "In every kind of technology %s buys, councils' spending is shared between several suppliers: none holds half of it.\n\n", name)
		b.WriteString("> **What this means:** councils have a real choice of supplier for these services, which helps keep prices fair.\n\n")
		return nil
	}
	fmt.Fprintf(b, "In %s that %s buys, one supplier holds at least half of what councils across the country spend on it:\n\n",
		countOf(len(markets), "kind of technology", "kinds of technology"), name)
	for _, m := range markets[:min(len(markets), briefingTopMarkets)] {
		uses := "buys from other suppliers"
		if m.CouncilUsesTop {
			uses = "buys from them too"
		}
		fmt.Fprintf(b, "- **%s**: %s has %d%% of the spending of the %s buying it; %s %s.\n", mdEscape(m.Category.Name), mdEscape(m.TopSupplier),
			BriefingPercent(m.TopShare), countOf(m.Councils, "council", "councils"), name, uses)
	}
	b.WriteString("\n> **What this means:** where one supplier dominates (high market concentration), councils have less choice and less say over price, " +
		"and leaving is harder. Insisting on open standards, and buying together, strengthens the council's hand.\n\n")
	return nil
}

// mdEscape makes text from the registers literal in Markdown: characters
// that would start emphasis, a link, code, HTML or a table are
// backslash-escaped (the sanitiser would make any markup safe, but a
// contract called "*Payroll*" should read as typed).
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>~|&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// numberInWords follows GOV.UK style: one to nine in words, then numerals.
func numberInWords(n int) string {
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return fmt.Sprint(n)
}

// countOf is "three contracts", "one contract", "12 contracts".
func countOf(n int, one, many string) string {
	if n == 1 {
		return numberInWords(n) + " " + one
	}
	return numberInWords(n) + " " + many
}

// capitalise starts a sentence.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// BriefingPercent is a share (0–1) as a whole percentage, rounded.
func BriefingPercent(share float64) int { return int(share*100 + 0.5) }

func verbFor(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// worthInWords is ", worth £200,000 a year" (whole pounds), or "" when the
// contract's value is not recorded.
func worthInWords(c Contract) string {
	switch {
	case c.AnnualValuePence != nil:
		return ", worth £" + poundsText(*c.AnnualValuePence/100*100) + " a year"
	case c.TotalValuePence != nil:
		return ", worth £" + poundsText(*c.TotalValuePence/100*100) + " in total"
	}
	return ""
}

// whenInWords is how far day is from today, in months: "this month",
// "next month", "in seven months".
func whenInWords(today, day Date) string {
	ty, tm, _ := today.Time().Date()
	dy, dm, _ := day.Time().Date()
	switch n := (dy*12 + int(dm)) - (ty*12 + int(tm)); n {
	case 0:
		return "this month"
	case 1:
		return "next month"
	default:
		return "in " + monthsInWords(n)
	}
}
