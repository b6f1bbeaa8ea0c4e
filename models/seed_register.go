package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"time"
)

// The demo registers are generated from three hand-written files in
// data/seed: products.csv (the catalogue: who sells what, for how much,
// on what terms), register_councils.csv (each demo council's reference
// prefix and population) and estates.csv (which product each council runs
// for each line of business). Dates, values and terms are derived from a
// hash of (council, line), so every run gives the same registers and
// adding a line or a council leaves the others as they were.

// demoToday is the date the demo registers are written for: some
// contracts have just expired, some windows are close, most are ahead.
var demoToday = NewDate(2026, 11, 21)

type seedProduct struct {
	key, name, supplier, number string
	sme                         *bool
	hosting                     []string
	endOfSupport                Date
	annualMin, annualMax        int64 // pounds, for a council of 300,000 people
	termYears, noticeMonths     int
	route, framework            string
	anchor                      int // month index of the decision windows' centre; 0 if none
	spread                      int // months either side of anchor
	rollingPercent              int
}

type seedCouncil struct {
	gss, prefix string
	population  int
}

type seedLine struct {
	no                                         int
	key, category, title, department, describe string
	products                                   map[string]string // prefix → product key
}

// seedRegisters loads every demo council's register, one transaction per
// council, through upsertContract: seeding again changes nothing. A seed
// without estates.csv has no registers.
func (db *DB) seedRegisters(ctx context.Context, seed fs.FS) error {
	registers, err := demoRegisters(seed)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, r := range registers {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			for _, in := range r.contracts {
				if err := in.Validate().Err(); err != nil {
					return fmt.Errorf("%s: %w", in.Reference, err)
				}
				if _, _, err := db.upsertContract(ctx, tx, 0, r.gss, in); err != nil {
					return fmt.Errorf("%s: %w", in.Reference, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed register of %s: %w", r.gss, err)
		}
	}
	return nil
}

type demoRegister struct {
	gss       string
	contracts []ContractInput
}

// demoRegisters reads the seed files and generates each council's
// contracts, in the councils' order.
func demoRegisters(seed fs.FS) ([]demoRegister, error) {
	estates, err := readSeedCSV(seed, "seed/estates.csv")
	if err != nil {
		return nil, err
	}
	products, err := readSeedProducts(seed)
	if err != nil {
		return nil, err
	}
	councilRows, err := readSeedCSV(seed, "seed/register_councils.csv")
	if err != nil {
		return nil, err
	}
	var councils []seedCouncil
	for i, r := range councilRows {
		pop, err := strconv.Atoi(r["population"])
		if err != nil || pop <= 0 || r["prefix"] == "" || !ValidGSSCode(r["gss_code"]) {
			return nil, fmt.Errorf("seed/register_councils.csv line %d: need gss_code, prefix and population", i+2)
		}
		councils = append(councils, seedCouncil{gss: r["gss_code"], prefix: r["prefix"], population: pop})
	}
	var lines []seedLine
	for i, r := range estates {
		no, err := strconv.Atoi(r["no"])
		if err != nil || no <= 0 || r["line"] == "" || r["category"] == "" || r["title"] == "" {
			return nil, fmt.Errorf("seed/estates.csv line %d: need no, line, category and title", i+2)
		}
		l := seedLine{no: no, key: r["line"], category: r["category"], title: r["title"], department: r["department"],
			describe: r["description"], products: map[string]string{}}
		for _, c := range councils {
			key, ok := r[c.prefix]
			if !ok {
				return nil, fmt.Errorf("seed/estates.csv: no column for %s (%s)", c.prefix, c.gss)
			}
			if key == "" {
				continue
			}
			if _, ok := products[key]; !ok {
				return nil, fmt.Errorf("seed/estates.csv line %d, %s: %q is not in products.csv", i+2, c.prefix, key)
			}
			l.products[c.prefix] = key
		}
		lines = append(lines, l)
	}
	var out []demoRegister
	for _, c := range councils {
		reg := demoRegister{gss: c.gss}
		for _, l := range lines {
			if key, ok := l.products[c.prefix]; ok {
				reg.contracts = append(reg.contracts, demoContract(c, l, products[key]))
			}
		}
		out = append(out, reg)
	}
	return out, nil
}

func readSeedProducts(seed fs.FS) (map[string]seedProduct, error) {
	rows, err := readSeedCSV(seed, "seed/products.csv")
	if err != nil {
		return nil, err
	}
	out := map[string]seedProduct{}
	suppliers := map[string]string{} // name → number and SME, which must agree across rows
	for i, r := range rows {
		bad := func(field string) error {
			return fmt.Errorf("seed/products.csv line %d: bad %s %q", i+2, field, r[field])
		}
		p := seedProduct{key: r["key"], name: r["product"], supplier: r["supplier"], number: r["company_number"]}
		if p.key == "" || p.supplier == "" {
			return nil, bad("key")
		}
		if _, dup := out[p.key]; dup {
			return nil, bad("key")
		}
		if p.number != "" {
			if n, ok := NormaliseCompanyNumber(p.number); !ok || n != p.number {
				return nil, bad("company_number")
			}
		}
		switch r["sme"] {
		case "yes":
			p.sme = new(true)
		case "no":
			p.sme = new(false)
		case "":
		default:
			return nil, bad("sme")
		}
		if prev, ok := suppliers[p.supplier]; ok && prev != p.number+"/"+r["sme"] {
			return nil, fmt.Errorf("seed/products.csv line %d: %s has another company number or SME status on an earlier line", i+2, p.supplier)
		}
		suppliers[p.supplier] = p.number + "/" + r["sme"]
		if r["hosting"] != "" {
			p.hosting = strings.Split(r["hosting"], "|")
			for _, h := range p.hosting {
				if HostingLabel(h) == "" {
					return nil, bad("hosting")
				}
			}
		}
		if p.endOfSupport, err = ParseISODate(r["end_of_support"]); err != nil {
			return nil, bad("end_of_support")
		}
		ints := []struct {
			field string
			v     *int
			min   int
		}{{"term_years", &p.termYears, 1}, {"notice_months", &p.noticeMonths, 0}, {"rolling_percent", &p.rollingPercent, 0}}
		for _, f := range ints {
			if *f.v, err = strconv.Atoi(r[f.field]); err != nil || *f.v < f.min {
				return nil, bad(f.field)
			}
		}
		if p.annualMin, err = strconv.ParseInt(r["annual_min"], 10, 64); err != nil || p.annualMin <= 0 {
			return nil, bad("annual_min")
		}
		if p.annualMax, err = strconv.ParseInt(r["annual_max"], 10, 64); err != nil || p.annualMax < p.annualMin {
			return nil, bad("annual_max")
		}
		p.route, p.framework, _ = strings.Cut(r["route"], ":")
		if a := r["renewal_anchor"]; a != "" {
			t, err := time.Parse("2006-01", a)
			if err != nil {
				return nil, bad("renewal_anchor")
			}
			p.anchor = monthIndex(NewDate(t.Year(), t.Month(), 1))
			if p.spread, err = strconv.Atoi(r["anchor_spread_months"]); err != nil || p.spread < 0 || p.spread > 6 {
				return nil, bad("anchor_spread_months")
			}
		}
		out[p.key] = p
	}
	return out, nil
}

// monthIndex counts months from year 0, so month arithmetic is addition.
func monthIndex(d Date) int {
	y, m, _ := d.Time().Date()
	return y*12 + int(m) - 1
}

func monthStart(i int) Date { return NewDate(i/12, time.Month(i%12+1), 1) }
func monthEnd(i int) Date   { return NewDate(i/12, time.Month(i%12+2), 0) }

// demoContract derives one contract of council c for line l from product p.
func demoContract(c seedCouncil, l seedLine, p seedProduct) ContractInput {
	// roll is a stable pseudo-random number in [0, n) for one aspect of
	// this council's contract for this line.
	roll := func(aspect string, n int) int {
		h := fnv.New64a()
		_, _ = h.Write([]byte(c.gss + "\x00" + l.key + "\x00" + aspect))
		return int(h.Sum64() % uint64(n)) // #nosec G115 -- n is a small positive count, so is the remainder
	}
	today := monthIndex(demoToday)
	in := ContractInput{
		Reference:             fmt.Sprintf("%s-ICT-%04d", c.prefix, l.no),
		Title:                 l.title,
		Department:            l.department,
		Description:           l.describe,
		SupplierName:          p.supplier,
		SupplierCompanyNumber: p.number,
		ProductName:           p.name,
		CategorySlug:          l.category,
		EndOfSupportDate:      p.endOfSupport,
		ProcurementRoute:      p.route,
		SME:                   p.sme,
		Source:                "seed",
	}
	if len(p.hosting) > 0 {
		in.Hosting = p.hosting[roll("hosting", len(p.hosting))]
	}
	notice := p.noticeMonths
	if roll("notice", 4) == 0 {
		notice = map[int]int{3: 6, 6: 3, 9: 12, 12: 9}[notice]
	}
	in.NoticePeriodMonths = &notice
	legacy := in.Hosting == HostingOnPremises && !p.endOfSupport.IsZero() && p.endOfSupport.Before(demoToday)

	var notes []string
	if p.framework != "" {
		notes = append(notes, "Call-off from Crown Commercial Service's "+p.framework+" framework.")
	}
	var start, end int // month indexes; end is the last month of the term
	if roll("rolling", 100) < p.rollingPercent {
		start = today - 12*(1+roll("age", 8)) - roll("start", 12)
		in.StartDate = monthStart(start)
		notes = append(notes, "Annual support and maintenance, renewing each year until either side gives notice.")
	} else {
		// The effective end is the end date, or the maximum extension date
		// when the council means to extend.
		var effective int
		switch {
		case p.anchor != 0:
			// Councils on this product reach their decision windows within
			// a few months of each other: a joint procurement in waiting.
			window := p.anchor + roll("window", 2*p.spread+1) - p.spread
			effective = window + notice + DefaultLeadTimeMonths
		case legacy:
			// Legacy systems are near or past the end of their contracts:
			// March 2025 to April 2027.
			effective = monthIndex(NewDate(2025, time.March, 1)) + roll("end", 26)
		case roll("expired", 100) < 12:
			// About one contract in eight has lapsed, March 2025 to
			// October 2026, and runs on while the council re-procures.
			effective = monthIndex(NewDate(2025, time.March, 1)) + roll("end", 20)
		default:
			effective = today + 1 + roll("end", 59) // December 2026 to October 2031
		}
		extYears := 0
		if roll("extension", 100) < 35 {
			extYears = 1 + roll("extension years", 2)
			in.ExtensionIntended = roll("intended", 2) == 0
		}
		switch r := roll("times extended", 100); {
		case legacy:
			in.TimesExtended = 1 + r%3
		case r < 8:
			in.TimesExtended = 2 + r%2
		case r < 22:
			in.TimesExtended = 1
		}
		end = effective
		switch {
		case in.ExtensionIntended && effective-12*extYears < today:
			// The extension has been taken already: the end date moved
			// and no option is left.
			in.ExtensionIntended = false
			in.TimesExtended = max(in.TimesExtended, 1)
		case in.ExtensionIntended:
			end = effective - 12*extYears
			in.MaxExtensionDate = monthEnd(effective)
		case extYears > 0:
			in.MaxExtensionDate = monthEnd(end + 12*extYears)
		}
		in.EndDate = monthEnd(end)
		start = end + 1 - 12*(p.termYears+in.TimesExtended)
		for start > today-2 {
			start -= 12 // a contract ending years ahead began on a longer term
		}
		in.StartDate = monthStart(start)
		if roll("review", 3) == 0 {
			in.ReviewDate = monthEnd(end - 12)
		}
		if end < today && !in.ExtensionIntended {
			notes = append(notes, "The contract has expired; the service continues month by month while the council re-procures.")
		}
		if in.ExtensionIntended {
			notes = append(notes, "The council intends to take the extension option to "+in.MaxExtensionDate.Long()+".")
		}
		if in.TimesExtended > 1 {
			notes = append(notes, fmt.Sprintf("Extended %d times by waiver.", in.TimesExtended))
		}
	}
	if legacy {
		notes = append(notes, "Supplier support for this version ended on "+p.endOfSupport.Long()+"; an upgrade or exit plan is needed.")
	}
	in.Notes = strings.Join(notes, " ")

	// Annual value: somewhere in the product's range, scaled by council
	// size (a council twice the size pays about half as much again).
	size := math.Pow(float64(c.population)/300000, 0.6)
	pounds := float64(p.annualMin) + float64(p.annualMax-p.annualMin)*float64(roll("value", 1001))/1000
	annual := int64(math.Round(pounds*size/10)) * 10 * 100
	in.AnnualValuePence = &annual
	if !in.EndDate.IsZero() {
		total := annual * int64(end+1-start) / 12
		in.TotalValuePence = &total
	}
	return in
}
