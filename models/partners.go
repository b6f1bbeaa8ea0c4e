package models

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// Partner matching: for each of a council's contracts, the other councils'
// comparable contracts whose decision windows fall within ±N months of its
// own, so two councils can re-procure together.
//
// Which contracts take part:
//   - Expired contracts do not: those whose end date (or maximum extension
//     date, when the council says it will extend) is before today.
//   - Rolling contracts (no end date) do not: with no end there is no
//     decision window to line up. They are neither matched nor offered as
//     partners; the register lists them so a council can give them an end
//     date (see RollingContractsNote).
//   - A council's own contracts are never its partners.
//
// Strength, strongest first, each pair of contracts counted once at its
// strongest: the same product; the same supplier in the same category (a
// different product or none); the same category with another supplier.
//
// Score, 0 to 100, the sum of the parts shown to the user:
//
//	part                 points
//	strength             product 50, supplier 35, category 20
//	closeness of dates   25 × (1 − days apart ÷ (N × 30.4375)), rounded, at least 0
//	same region          10 if the partner council is in the council's region
//	similar annual value 15 × smaller ÷ larger, rounded; 0 if either is unknown or £0
//
// Ranked by score (highest first), then closeness (fewest days apart), then
// the partner council's name, then contract ids, so the order never changes
// between runs.
//
// At national density one product can have thousands of contracts within a
// year of each other. For each of a council's contracts, Jointly considers
// at each strength the PartnerCandidatesPerSide contracts whose decision
// windows are nearest before its own and the same number nearest after
// (within the ±N months): the closest dates, which closeness ranks highest
// anyway. Where fewer councils share a product, as in real registers
// today, that is every match.

// Partner window bounds, in months.
const (
	DefaultPartnerWindowMonths = 12
	MaxPartnerWindowMonths     = 60
	// DefaultPartnerLimit is how many matches a whole council's list
	// holds when PartnerOptions.Limit is 0; MaxPartnerLimit caps it.
	DefaultPartnerLimit = 100
	MaxPartnerLimit     = 1000
	// PartnerCandidatesPerSide: see the comment above.
	PartnerCandidatesPerSide = 5
)

// RollingContractsNote says how contracts without an end date are treated,
// for the pages.
const RollingContractsNote = "Contracts with no end date (rolling contracts) have no decision window, so they are not matched. Give them an end date in your register to find partners for them."

// Partner strengths.
const (
	StrengthProduct  = "product"
	StrengthSupplier = "supplier"
	StrengthCategory = "category"
)

// Score points: see the table above.
const (
	pointsProduct   = 50
	pointsSupplier  = 35
	pointsCategory  = 20
	pointsCloseness = 25
	pointsRegion    = 10
	pointsValue     = 15
	daysPerMonth    = 30.4375 // 365.25 ÷ 12
)

// PartnerOptions narrows partner matching.
type PartnerOptions struct {
	// WindowMonths is N in ±N months: 0 is DefaultPartnerWindowMonths; 1 to 60.
	WindowMonths int
	// ContractID is one of the council's contracts; 0 is all of them.
	ContractID int64
	// Limit caps the list: 0 is DefaultPartnerLimit for a whole council and
	// every match for one contract.
	Limit int
}

// ScorePart is one line of a match's score.
type ScorePart struct {
	Label  string
	Points int
}

// PartnerMatch is one of a council's contracts and another council's
// comparable contract.
type PartnerMatch struct {
	ContractID          int64
	ContractTitle       string
	ContractWindow      Date
	ContractAnnualPence *int64

	PartnerGSS           string
	PartnerName          string
	PartnerRegion        string
	PartnerContractID    int64
	PartnerContractTitle string
	PartnerWindow        Date
	PartnerAnnualPence   *int64

	Strength     string // StrengthProduct, StrengthSupplier or StrengthCategory
	ProductName  string // what they share: the product (product strength)
	SupplierName string // the supplier (product and supplier strength)
	CategoryName string // the category (supplier and category strength)
	DaysApart    int

	Score       int
	ScoreParts  []ScorePart
	Explanation string

	// CombinedAnnualValuePence is the two contracts' annual values added,
	// an unknown value counted as 0 (CombinedValueIncomplete then says so).
	CombinedAnnualValuePence int64
	CombinedValueIncomplete  bool
}

// StrengthLabel is a strength in words, for tags.
func StrengthLabel(s string) string {
	switch s {
	case StrengthProduct:
		return "Same product"
	case StrengthSupplier:
		return "Same supplier"
	case StrengthCategory:
		return "Same category"
	}
	return s
}

// PartnerMatches lists the partner matches of council gss's contracts, if
// viewer may read registers.
func (db *DB) PartnerMatches(ctx context.Context, viewer User, gss string, opts PartnerOptions) ([]PartnerMatch, error) {
	if !CanReadRegisters(viewer) {
		return nil, fmt.Errorf("partner matches of %s: %w", gss, ErrForbidden)
	}
	n := opts.WindowMonths
	if n == 0 {
		n = DefaultPartnerWindowMonths
	}
	if n < 1 || n > MaxPartnerWindowMonths {
		return nil, &ValidationError{Fields: []FieldError{{"window_months", fmt.Sprintf("Window must be from 1 to %d months", MaxPartnerWindowMonths)}}}
	}
	limit := opts.Limit
	switch {
	case limit <= 0 && opts.ContractID != 0:
		limit = -1 // every match of one contract: at most 6 × PartnerCandidatesPerSide
	case limit <= 0:
		limit = DefaultPartnerLimit
	case limit > MaxPartnerLimit:
		limit = MaxPartnerLimit
	}
	today := DateOf(db.now())
	return db.partnerCache.get(ctx, db, fmt.Sprintf("%s|%d|%d|%d|%s", gss, n, opts.ContractID, limit, today), func() ([]PartnerMatch, error) {
		return db.partnerMatches(ctx, gss, today, n, limit, opts)
	})
}

// partnerMatches computes what PartnerMatches returns, without the cache.
func (db *DB) partnerMatches(ctx context.Context, gss string, today Date, n, limit int, opts PartnerOptions) ([]PartnerMatch, error) {
	var region int64
	if err := db.R.QueryRowContext(ctx, `SELECT region_id FROM councils WHERE gss_code = ?`, gss).Scan(&region); err != nil {
		return nil, notFound(err, "council "+gss)
	}
	mineWhere := ""
	if opts.ContractID != 0 {
		mineWhere = ` AND id = :contract`
	}
	q := partnerQuery{gss: gss, today: today, n: n, region: region, contract: opts.ContractID, limit: limit, mineWhere: mineWhere}
	if opts.ContractID != 0 {
		// One contract: every strength at once (a few dozen candidates).
		return db.partnerTier(ctx, q, 1, 2, 3)
	}
	// A whole council, best first: the strongest matches come first, and
	// a weaker strength is walked only if it could still reach the list
	// (its best possible score beats the last one kept). At national
	// density the product walk alone usually fills it.
	var out []PartnerMatch
	for strength := 1; strength <= 3; strength++ {
		if len(out) >= limit && out[limit-1].Score > maxPartnerScore(strength) {
			break
		}
		ms, err := db.partnerTier(ctx, q, strength)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
		sortPartnerMatches(out)
		out = out[:min(len(out), limit)]
	}
	return out, nil
}

// maxPartnerScore is the best score a match of strength (1 product, 2
// supplier, 3 category) can have.
func maxPartnerScore(strength int) int {
	return []int{0, pointsProduct, pointsSupplier, pointsCategory}[strength] + pointsCloseness + pointsRegion + pointsValue
}

// partnerQuery is one council's matching, for partnerTier.
type partnerQuery struct {
	gss       string
	today     Date
	n         int
	region    int64
	contract  int64
	limit     int
	mineWhere string
}

// partnerTier runs partnerSQL for some strengths.
func (db *DB) partnerTier(ctx context.Context, q partnerQuery, strengths ...int) ([]PartnerMatch, error) {
	rows, err := db.R.QueryContext(ctx, partnerSQL(q.mineWhere, strengths...),
		sql.Named("gss", q.gss), sql.Named("today", q.today.String()), sql.Named("contract", q.contract),
		sql.Named("back", fmt.Sprintf("-%d months", q.n)), sql.Named("ahead", fmt.Sprintf("+%d months", q.n)),
		sql.Named("n", q.n), sql.Named("per_side", PartnerCandidatesPerSide), sql.Named("region", q.region),
		sql.Named("limit", q.limit), sql.Named("p_product", pointsProduct), sql.Named("p_supplier", pointsSupplier),
		sql.Named("p_category", pointsCategory), sql.Named("p_close", pointsCloseness), sql.Named("p_region", pointsRegion),
		sql.Named("p_value", pointsValue), sql.Named("days_per_month", daysPerMonth))
	if err != nil {
		return nil, fmt.Errorf("partner matches of %s: %w", q.gss, err)
	}
	defer rows.Close()
	var out []PartnerMatch
	for rows.Next() {
		var m PartnerMatch
		var strength, sqlScore, partnerRegion int64
		if err := rows.Scan(&m.ContractID, &m.PartnerContractID, &strength, &m.DaysApart, &sqlScore,
			&m.ContractTitle, &m.ContractWindow, &m.ContractAnnualPence,
			&m.PartnerGSS, &m.PartnerName, &partnerRegion, &m.PartnerRegion,
			&m.PartnerContractTitle, &m.PartnerWindow, &m.PartnerAnnualPence,
			&m.ProductName, &m.SupplierName, &m.CategoryName); err != nil {
			return nil, fmt.Errorf("partner matches of %s: %w", q.gss, err)
		}
		m.Strength = []string{"", StrengthProduct, StrengthSupplier, StrengthCategory}[strength]
		m.ScoreParts = scoreParts(m.Strength, m.DaysApart, q.n, partnerRegion == q.region, m.ContractAnnualPence, m.PartnerAnnualPence)
		for _, p := range m.ScoreParts {
			m.Score += p.Points
		}
		if int64(m.Score) != sqlScore {
			// The query ranks by the same table; a difference is a bug.
			return nil, fmt.Errorf("partner score of contracts %d and %d: SQL %d, Go %d", m.ContractID, m.PartnerContractID, sqlScore, m.Score)
		}
		m.Explanation = explainMatch(m, q.today)
		m.CombinedAnnualValuePence, m.CombinedValueIncomplete = addValues(m.ContractAnnualPence, m.PartnerAnnualPence)
		out = append(out, m)
	}
	return out, rows.Err()
}

// sortPartnerMatches is the ranking order, as the query's ORDER BY (names
// compare bytewise, as SQLite's BINARY collation does).
func sortPartnerMatches(ms []PartnerMatch) {
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		switch {
		case a.Score != b.Score:
			return a.Score > b.Score
		case a.DaysApart != b.DaysApart:
			return a.DaysApart < b.DaysApart
		case a.PartnerName != b.PartnerName:
			return a.PartnerName < b.PartnerName
		case a.ContractID != b.ContractID:
			return a.ContractID < b.ContractID
		}
		return a.PartnerContractID < b.PartnerContractID
	})
}

// scoreParts is the score table above, as the user reads it.
func scoreParts(strength string, days, n int, sameRegion bool, a, b *int64) []ScorePart {
	s := map[string]ScorePart{
		StrengthProduct:  {"Same product", pointsProduct},
		StrengthSupplier: {"Same supplier and category", pointsSupplier},
		StrengthCategory: {"Same category", pointsCategory},
	}[strength]
	closeness := max(0, int(pointsCloseness*(1-float64(days)/(float64(n)*daysPerMonth))+0.5))
	region := 0
	if sameRegion {
		region = pointsRegion
	}
	value := 0
	if a != nil && b != nil && *a > 0 && *b > 0 {
		value = int(pointsValue*float64(min(*a, *b))/float64(max(*a, *b)) + 0.5)
	}
	return []ScorePart{
		s,
		{"Decision windows close together", closeness},
		{"Same region", region},
		{"Similar annual value", value},
	}
}

// addValues adds two annual values, an unknown one as 0.
func addValues(a, b *int64) (int64, bool) {
	var sum int64
	incomplete := false
	for _, v := range []*int64{a, b} {
		if v == nil {
			incomplete = true
			continue
		}
		sum += *v
	}
	return sum, incomplete
}

// CombinedValue is what one contract's possible joint procurement is worth
// a year: its own annual value and each partner contract's, each counted
// once, an unknown value as 0.
type CombinedValue struct {
	Pence      int64
	Partners   int
	Incomplete bool
}

// CombinedValues adds up matches by the council's contract. It is the whole
// value only when matches holds all of a contract's matches
// (PartnerOptions.ContractID, no Limit).
func CombinedValues(matches []PartnerMatch) map[int64]CombinedValue {
	out := map[int64]CombinedValue{}
	seen := map[[2]int64]bool{}
	for _, m := range matches {
		cv, ok := out[m.ContractID]
		if !ok {
			cv.Pence, cv.Incomplete = addValues(m.ContractAnnualPence, new(int64))
		}
		if key := [2]int64{m.ContractID, m.PartnerContractID}; !seen[key] {
			seen[key] = true
			cv.Partners++
			if m.PartnerAnnualPence == nil {
				cv.Incomplete = true
			} else {
				cv.Pence += *m.PartnerAnnualPence
			}
		}
		out[m.ContractID] = cv
	}
	return out
}

// explainMatch is the one sentence a CIO can forward: "Bradford also runs
// Civica OpenRevenues; their decision window opens in June 2027, three
// months after yours."
func explainMatch(m PartnerMatch, today Date) string {
	var what string
	switch m.Strength {
	case StrengthProduct:
		what = fmt.Sprintf("%s also runs %s", m.PartnerName, m.ProductName)
	case StrengthSupplier:
		what = fmt.Sprintf("%s also uses %s for %s", m.PartnerName, m.SupplierName, lowerFirst(m.CategoryName))
	default:
		what = fmt.Sprintf("%s also has a contract for %s, with another supplier", m.PartnerName, lowerFirst(m.CategoryName))
	}
	verb := "opens"
	if m.PartnerWindow.Before(today) {
		verb = "opened"
	}
	month := m.PartnerWindow.Time().Format("January 2006")
	py, pm, _ := m.PartnerWindow.Time().Date()
	oy, om, _ := m.ContractWindow.Time().Date()
	diff := (py*12 + int(pm)) - (oy*12 + int(om))
	var when string
	switch {
	case diff == 0:
		when = fmt.Sprintf("their decision window %s in %s, the same month as yours", verb, month)
	case diff > 0:
		when = fmt.Sprintf("their decision window %s in %s, %s after yours", verb, month, monthsInWords(diff))
	default:
		when = fmt.Sprintf("their decision window %s in %s, %s before yours", verb, month, monthsInWords(-diff))
	}
	return what + "; " + when + "."
}

// monthsInWords follows GOV.UK style: one to nine in words, then numerals.
func monthsInWords(n int) string {
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	unit := "months"
	if n == 1 {
		unit = "month"
	}
	if n < len(words) {
		return words[n] + " " + unit
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// lowerFirst lowers a category name's first letter for use mid-sentence,
// unless its first word is an abbreviation ("HR and payroll").
func lowerFirst(s string) string {
	first, _, _ := strings.Cut(s, " ")
	if len(first) > 1 && strings.ToUpper(first) == first {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
