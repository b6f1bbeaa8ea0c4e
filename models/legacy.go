package models

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The legacy radar scores each current contract for how much it looks like
// a system the council should plan to leave. Points, added up:
//
//	reason                                        points  reason as shown
//	product past its end of support (on or        40      "Civica OpenRevenues went out of support on 3 March 2024"
//	  before today; the contract's own date, or
//	  else the product's published one)
//	hosted on the council's own servers           15      "runs on-premises, on the council's own servers"
//	extended more than once (2 or more times)     15      "extended 3 times"
//	running longer than ten years (started        20      "running since 2012, more than ten years"
//	  before today less ten years; exactly ten
//	  years is not longer)
//	age: one point per full year since the        0–10    "started 7 years ago" (left out when the
//	  start date, at most ten                             ten-year reason already says it)
//
// A contract is legacy at LegacyThreshold (30) points or more: a product
// out of support on its own (40); running longer than ten years on its own
// (20 + 10 for age); or on-premises and extended more than once (15 + 15).
// On-premises or repeated extension alone, with age, reaches at most 25.
// Contracts with no start date earn no points for age.
const (
	LegacyPointsOutOfSupport = 40
	LegacyPointsOnPremises   = 15
	LegacyPointsExtended     = 15
	LegacyPointsOverTenYears = 20
	LegacyPointsAgeMax       = 10
	LegacyThreshold          = 30
)

// LegacyFilter narrows the legacy radar and the ageing platforms list.
type LegacyFilter struct {
	CouncilGSS   string // one council's contracts; "" for every council
	RegionSlug   string // councils of one region; "" for every region
	CategorySlug string
	Limit        int // default 50, at most 1,000
}

func (f LegacyFilter) limit() int {
	if f.Limit <= 0 {
		return 50
	}
	return min(f.Limit, 1000)
}

// LegacyContract is a current contract with its legacy score and the
// reasons for it, in plain English.
type LegacyContract struct {
	Contract
	Score   int
	Reasons []string
}

// fullYears is the number of whole years from start to today (0 if start
// is later or missing). SQL's legacyAgeSQL counts the same way.
func fullYears(start, today Date) int {
	if start.IsZero() || start.After(today) {
		return 0
	}
	s, t := start.String(), today.String()
	sy, _ := strconv.Atoi(s[:4])
	ty, _ := strconv.Atoi(t[:4])
	years := ty - sy
	if t[5:] < s[5:] {
		years--
	}
	return years
}

// LegacyScore scores a contract on day today by the points table above,
// with one plain-English reason per rule that scored. It reads
// c.EndOfSupportDate, c.ProductName, c.Hosting, c.TimesExtended and
// c.StartDate.
func LegacyScore(c Contract, today Date) (int, []string) {
	score := 0
	var reasons []string
	if eos := c.EndOfSupportDate; !eos.IsZero() && !eos.After(today) {
		score += LegacyPointsOutOfSupport
		name := c.ProductName
		if name == "" {
			name = "the system"
		}
		if !eos.Before(today) {
			reasons = append(reasons, fmt.Sprintf("%s goes out of support today, %s", name, eos.Long()))
		} else {
			reasons = append(reasons, fmt.Sprintf("%s went out of support on %s", name, eos.Long()))
		}
	}
	if c.Hosting == HostingOnPremises {
		score += LegacyPointsOnPremises
		reasons = append(reasons, "runs on-premises, on the council's own servers")
	}
	if c.TimesExtended > 1 {
		score += LegacyPointsExtended
		reasons = append(reasons, fmt.Sprintf("extended %d times", c.TimesExtended))
	}
	overTen := !c.StartDate.IsZero() && c.StartDate.Before(today.AddMonths(-120))
	if overTen {
		score += LegacyPointsOverTenYears
		reasons = append(reasons, fmt.Sprintf("running since %d, more than ten years", c.StartDate.Time().Year()))
	}
	if years := fullYears(c.StartDate, today); years > 0 {
		score += min(years, LegacyPointsAgeMax)
		if !overTen {
			unit := "years"
			if years == 1 {
				unit = "year"
			}
			reasons = append(reasons, fmt.Sprintf("started %d %s ago", years, unit))
		}
	}
	return score, reasons
}

// legacyEOS is a contract's end of support: its own, or else its product's.
const legacyEOS = `coalesce(c.end_of_support_date, p.end_of_support_date)`

// legacyAgeSQL is fullYears(c.start_date, ?1) in SQL; ?1 is today.
const legacyAgeSQL = `(CAST(substr(?1, 1, 4) AS INTEGER) - CAST(substr(c.start_date, 1, 4) AS INTEGER) - (substr(?1, 6) < substr(c.start_date, 6)))`

// legacyScoreSQL is LegacyScore in SQL, over contracts c LEFT JOIN
// products p; ?1 is today and ?2 today less ten years. A test holds the
// two to the same answers.
const legacyScoreSQL = `(
	CASE WHEN ` + legacyEOS + ` <= ?1 THEN ` + "40" + ` ELSE 0 END
	+ CASE WHEN c.hosting = 'on_premises' THEN 15 ELSE 0 END
	+ CASE WHEN c.times_extended > 1 THEN 15 ELSE 0 END
	+ CASE WHEN c.start_date < ?2 THEN 20 ELSE 0 END
	+ CASE WHEN c.start_date IS NULL OR c.start_date > ?1 THEN 0 ELSE min(10, max(0, ` + legacyAgeSQL + `)) END)`

// The queries' parameters, by number: ?1 today, ?2 today less ten years,
// ?3 council, ?4 region, ?5 category, ?6 and ?7 as each query says.
func legacyArgs(today Date, f LegacyFilter, six, seven any) []any {
	return []any{today.String(), today.AddMonths(-120).String(), f.CouncilGSS, f.RegionSlug, f.CategorySlug, six, seven}
}

// legacyFilters is f's filters in SQL, over contracts c.
func legacyFilters(f LegacyFilter) string {
	var where []string
	if f.CouncilGSS != "" {
		where = append(where, "c.council_gss = ?3")
	}
	if f.RegionSlug != "" {
		where = append(where, "c.council_gss IN (SELECT co.gss_code FROM councils co JOIN regions r ON r.id = co.region_id WHERE r.slug = ?4)")
	}
	if f.CategorySlug != "" {
		where = append(where, "c.category_slug = ?5")
	}
	if len(where) == 0 {
		return ""
	}
	return " AND " + strings.Join(where, " AND ")
}

// legacyCurrent keeps contracts that have not expired: no end date
// (rolling) or ending today or later.
const legacyCurrent = `(c.end_date IS NULL OR c.end_date >= ?1)`

// Each way a contract can be out of support or legacy, as a condition
// SQLite answers from one index of migration 0006 (most of them holding
// every column the queries read, so never touching the table): out of
// support by the contract's own date; by its product's date, when the
// contract gives none; started more than ten years ago; on-premises and
// extended more than once; on-premises at all (for ageing platforms).
const (
	branchOwnEOS     = `c.end_of_support_date <= ?1`
	branchProductEOS = `c.product_id IN (SELECT id FROM products WHERE end_of_support_date <= ?1) AND c.end_of_support_date IS NULL`
	branchOverTen    = `c.start_date < ?2`
	branchOnPremExt  = `c.hosting = 'on_premises' AND c.times_extended > 1`
	branchOnPrem     = `c.hosting = 'on_premises'`
)

// legacyBranches are the contracts that can reach LegacyThreshold (see
// the points table; TestLegacyThresholdMatchesCandidates holds the two
// together).
var legacyBranches = []string{branchOwnEOS, branchProductEOS, branchOverTen, branchOnPremExt}

// candidates selects cols from the current contracts meeting any of
// branches and the filters. For one council it is one query over the
// council's contracts (an index holds them together); otherwise it is a
// UNION of one query per branch, each read from its own index, so the
// country's 400,000 contracts are never all read.
func candidates(cols string, branches []string, f LegacyFilter) string {
	from := ` FROM contracts c LEFT JOIN products p ON p.id = c.product_id WHERE ` + legacyCurrent + legacyFilters(f)
	if f.CouncilGSS != "" {
		return `SELECT ` + cols + from + ` AND ((` + strings.Join(branches, ") OR (") + `))`
	}
	parts := make([]string, len(branches))
	for i, b := range branches {
		parts[i] = `SELECT ` + cols + from + ` AND ` + b
	}
	return strings.Join(parts, "\n\tUNION\n\t")
}

// LegacyContracts lists the current (not expired) contracts scoring at
// least LegacyThreshold, highest score first, then soonest decision
// window, with the reasons for each score. viewer must be able to read
// registers.
func (db *DB) LegacyContracts(ctx context.Context, viewer User, f LegacyFilter) ([]LegacyContract, error) {
	if !CanReadRegisters(viewer) {
		return nil, fmt.Errorf("legacy radar: %w", ErrForbidden)
	}
	today := DateOf(db.now())
	return db.legacyCache.get(ctx, db, fmt.Sprintf("%+v|%s", f, today), func() ([]LegacyContract, error) {
		return db.legacyContracts(ctx, f, today)
	})
}

// legacyContracts computes what LegacyContracts returns, without the cache.
func (db *DB) legacyContracts(ctx context.Context, f LegacyFilter, today Date) ([]LegacyContract, error) {
	args := legacyArgs(today, f, LegacyThreshold, f.limit())
	// Score the candidates by id only, then read the few rows kept in full.
	// #nosec G202 -- candidates and legacyFilters join constant fragments; every value is a numbered bound parameter.
	q := `SELECT ` + contractColumns + `, x.score FROM (
		SELECT id, score, dw FROM (` + candidates(`c.id, `+legacyScoreSQL+` AS score, c.decision_window_date AS dw`, legacyBranches, f) + `)
		 WHERE score >= ?6
		 ORDER BY score DESC, dw IS NULL, dw, id LIMIT ?7) x
		JOIN contracts c ON c.id = x.id
		JOIN councils co ON co.gss_code = c.council_gss
		JOIN suppliers s ON s.id = c.supplier_id
		LEFT JOIN products p ON p.id = c.product_id
		LEFT JOIN categories cat ON cat.slug = c.category_slug
		ORDER BY x.score DESC, x.dw IS NULL, x.dw, c.id`
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("legacy radar: %w", err)
	}
	defer rows.Close()
	var out []LegacyContract
	var sqlScores []int
	for rows.Next() {
		var sqlScore int
		c, err := scanContract(scanPlus{rows, &sqlScore})
		if err != nil {
			return nil, fmt.Errorf("legacy radar: %w", err)
		}
		out = append(out, LegacyContract{Contract: c})
		sqlScores = append(sqlScores, sqlScore)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("legacy radar: %w", err)
	}
	// Close before asking anything else: a query inside the rows loop would
	// hold two read connections at once, and enough concurrent requests
	// doing so exhaust the pool and wait on each other for ever.
	_ = rows.Close()
	for i := range out {
		c := &out[i].Contract
		if c.EndOfSupportDate.IsZero() && c.ProductID != 0 {
			if c.EndOfSupportDate, err = db.productEOS(ctx, c.ProductID); err != nil {
				return nil, fmt.Errorf("legacy radar: %w", err)
			}
		}
		out[i].Score, out[i].Reasons = LegacyScore(*c, today)
		if out[i].Score != sqlScores[i] {
			return nil, fmt.Errorf("legacy radar: contract %d scores %d in SQL but %d in Go", c.ID, sqlScores[i], out[i].Score)
		}
	}
	return out, nil
}

// scanPlus scans a contract row followed by extra columns.
type scanPlus struct {
	s     interface{ Scan(...any) error }
	extra *int
}

func (p scanPlus) Scan(dest ...any) error { return p.s.Scan(append(dest, p.extra)...) }

func (db *DB) productEOS(ctx context.Context, productID int64) (Date, error) {
	var d Date
	err := db.R.QueryRowContext(ctx, `SELECT end_of_support_date FROM products WHERE id = ?`, productID).Scan(&d)
	if err == sql.ErrNoRows {
		return Date{}, nil
	}
	return d, err
}

// AgeingPlatform is a product (platform) that two or more councils run
// where it is ageing: out of support or on their own servers. They could
// plan the exit together.
type AgeingPlatform struct {
	ProductID        int64
	ProductName      string
	SupplierID       int64
	SupplierName     string
	CategorySlug     string
	CategoryName     string
	EndOfSupportDate Date // the product's published end of support, if any
	// OutOfSupport and OnPremises count the councils for each reason (a
	// council may count in both).
	OutOfSupport int
	OnPremises   int
	Councils     []PlatformCouncil // by decision window, soonest first
}

// PlatformCouncil is one council on an ageing platform, with its contract.
type PlatformCouncil struct {
	GSSCode        string
	Name           string
	RegionName     string
	RegionSlug     string
	ContractID     int64
	EndDate        Date
	DecisionWindow Date
	OutOfSupport   bool
	OnPremises     bool
}

// ageingBranches: contracts for a product that is out of support (the
// contract's date or the product's) or run on-premises. The unary + keeps
// SQLite from answering "has a product" from contracts_product_eos, which
// would read most of the country's contracts, rather than the branch's
// own index.
var ageingBranches = []string{branchOwnEOS + ` AND +c.product_id IS NOT NULL`, branchProductEOS, branchOnPrem + ` AND +c.product_id IS NOT NULL`}

// AgeingPlatforms lists the products that two or more councils run as
// ageing systems (past end of support, or on-premises), with those
// councils: most councils out of support first, then most councils. A
// council with several such contracts for one product shows the one
// whose decision window comes first. f.RegionSlug keeps councils of that
// region (a product needs two there); f.CouncilGSS keeps the platforms
// that council is on (with every council on them); f.Limit counts
// platforms.
func (db *DB) AgeingPlatforms(ctx context.Context, viewer User, f LegacyFilter) ([]AgeingPlatform, error) {
	if !CanReadRegisters(viewer) {
		return nil, fmt.Errorf("ageing platforms: %w", ErrForbidden)
	}
	today := DateOf(db.now())
	return db.platformsCache.get(ctx, db, fmt.Sprintf("%+v|%s", f, today), func() ([]AgeingPlatform, error) {
		return db.ageingPlatforms(ctx, f, today)
	})
}

// ageingPlatforms computes what AgeingPlatforms returns, without the cache.
func (db *DB) ageingPlatforms(ctx context.Context, f LegacyFilter, today Date) ([]AgeingPlatform, error) {
	council := f.CouncilGSS
	f.CouncilGSS = ""
	having := ``
	if council != "" {
		having = ` AND sum(council_gss = ?6) > 0`
	}
	args := legacyArgs(today, f, council, f.limit())
	cols := `c.id, c.product_id, c.council_gss, c.end_date, c.decision_window_date AS dw,
		CASE WHEN ` + legacyEOS + ` <= ?1 THEN 1 ELSE 0 END AS oos, CASE WHEN c.hosting = 'on_premises' THEN 1 ELSE 0 END AS onprem`
	cand := `WITH cand AS MATERIALIZED (` + candidates(cols, ageingBranches, f) + `)`
	// Councils per product first (one row per product and council), then
	// the platforms kept, then their contracts: each step reads the one
	// before once, never a table per platform.
	// #nosec G202 -- cand and having are constant fragments; every value is a numbered bound parameter.
	q := cand + `, pairs AS MATERIALIZED (
		SELECT product_id, council_gss, sum(oos) > 0 AS oos, sum(onprem) > 0 AS onprem,
		       -- The one min() makes id, end_date and dw those of the
		       -- council's contract whose decision window comes first.
		       min(coalesce(dw, '9999-12-31') || printf('%020d', id)), id, end_date, dw
		  FROM cand GROUP BY product_id, council_gss),
	platforms AS MATERIALIZED (
		SELECT product_id, sum(oos) AS n_oos, sum(onprem) AS n_onprem, count(*) AS n
		  FROM pairs GROUP BY product_id HAVING n >= 2` + having + `
		 ORDER BY n_oos DESC, n DESC, product_id LIMIT ?7)
	SELECT pl.product_id, pr.name, pr.supplier_id, s.name, coalesce(pr.category_slug, ''), coalesce(cat.name, ''), pr.end_of_support_date,
	       pl.n_oos, pl.n_onprem,
	       pa.council_gss, co.name, r.name, r.slug, pa.id, pa.end_date, pa.dw, pa.oos, pa.onprem
	  FROM pairs pa
	  JOIN platforms pl ON pl.product_id = pa.product_id
	  JOIN products pr ON pr.id = pl.product_id
	  JOIN suppliers s ON s.id = pr.supplier_id
	  LEFT JOIN categories cat ON cat.slug = pr.category_slug
	  JOIN councils co ON co.gss_code = pa.council_gss
	  JOIN regions r ON r.id = co.region_id
	 ORDER BY pl.n_oos DESC, pl.n DESC, pl.product_id, pa.dw IS NULL, pa.dw, co.name`
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ageing platforms: %w", err)
	}
	defer rows.Close()
	var out []AgeingPlatform
	seen := map[string]int{} // product/council → index in Councils
	for rows.Next() {
		var p AgeingPlatform
		var pc PlatformCouncil
		if err := rows.Scan(&p.ProductID, &p.ProductName, &p.SupplierID, &p.SupplierName, &p.CategorySlug, &p.CategoryName, &p.EndOfSupportDate,
			&p.OutOfSupport, &p.OnPremises,
			&pc.GSSCode, &pc.Name, &pc.RegionName, &pc.RegionSlug, &pc.ContractID, &pc.EndDate, &pc.DecisionWindow, &pc.OutOfSupport, &pc.OnPremises); err != nil {
			return nil, fmt.Errorf("ageing platforms: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].ProductID != p.ProductID {
			out = append(out, p)
		}
		last := &out[len(out)-1]
		key := strconv.FormatInt(p.ProductID, 10) + "/" + pc.GSSCode
		if i, ok := seen[key]; ok {
			// The council's first contract (soonest decision window)
			// stands for it, flagged for every reason any of them has.
			last.Councils[i].OutOfSupport = last.Councils[i].OutOfSupport || pc.OutOfSupport
			last.Councils[i].OnPremises = last.Councils[i].OnPremises || pc.OnPremises
			continue
		}
		seen[key] = len(last.Councils)
		last.Councils = append(last.Councils, pc)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		cs := out[i].Councils
		sort.SliceStable(cs, func(a, b int) bool {
			da, dbb := cs[a].DecisionWindow, cs[b].DecisionWindow
			if da.IsZero() != dbb.IsZero() {
				return !da.IsZero()
			}
			if da != dbb {
				return da.Before(dbb)
			}
			return cs[a].Name < cs[b].Name
		})
	}
	return out, nil
}
