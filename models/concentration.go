package models

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Market concentration: per category (and region), each supplier's share
// of the councils buying in it and of their annual spend, and the
// Herfindahl–Hirschman index (HHI).
//
// Only current contracts count: no end date (rolling) or ending today or
// later. Spend is the annual value; a contract without one counts toward
// councils but not spend.
//
// The HHI is the sum of the squares of each supplier's percentage share of
// SPEND, from 0 (many small suppliers) to 10,000 (one supplier has it all).
// Shares of councils are shown beside it but not squared: a council can
// buy from several suppliers, so they do not add up to 100%. Readings, as
// the US Department of Justice and the UK's Competition and Markets
// Authority use them: below 1,500 not concentrated; 1,500 to 2,500
// moderately concentrated; above 2,500 highly concentrated. With no
// spend recorded there is no index: "not enough data".
const (
	HHIModerate = 1500
	HHIHigh     = 2500
)

// HHI readings.
const (
	ReadingNotConcentrated = "not concentrated"
	ReadingModerately      = "moderately concentrated"
	ReadingHighly          = "highly concentrated"
	ReadingNotEnoughData   = "not enough data"
)

// HHIReading is the plain-English reading of an index.
func HHIReading(hhi int) string {
	switch {
	case hhi > HHIHigh:
		return ReadingHighly
	case hhi >= HHIModerate:
		return ReadingModerately
	}
	return ReadingNotConcentrated
}

// SupplierShare is one supplier's part of a category's market.
type SupplierShare struct {
	SupplierID   int64
	SupplierName string
	Councils     int     // councils with a current contract from it
	Contracts    int     // its current contracts
	SpendPence   int64   // their annual value
	CouncilShare float64 // Councils / councils buying in the category, 0–1
	SpendShare   float64 // SpendPence / the category's spend, 0–1
}

// Concentration is a category's market, in one region or nationally.
type Concentration struct {
	Category   Category
	Region     Region // zero for national
	Councils   int    // councils with a current contract in the category
	Contracts  int
	SpendPence int64
	// HHI is on shares of spend, 0–10,000, rounded; HasHHI is false (and
	// Reading "not enough data") when no spend is recorded.
	HHI     int
	HasHHI  bool
	Reading string
	Shares  []SupplierShare // largest spend first, then most councils, then name
}

// concentrationCurrent keeps contracts that have not expired.
const concentrationCurrent = `(c.end_date IS NULL OR c.end_date >= ?)`

func regionCond(regionSlug string, where []string, args []any) ([]string, []any) {
	if regionSlug != "" {
		where = append(where, "c.council_gss IN (SELECT co.gss_code FROM councils co JOIN regions r ON r.id = co.region_id WHERE r.slug = ?)")
		args = append(args, regionSlug)
	}
	return where, args
}

// regionBySlug finds a region, or ErrNotFound.
func (db *DB) regionBySlug(ctx context.Context, slug string) (Region, error) {
	var r Region
	if err := db.R.QueryRowContext(ctx, `SELECT id, name, slug, nation FROM regions WHERE slug = ?`, slug).Scan(&r.ID, &r.Name, &r.Slug, &r.Nation); err != nil {
		return Region{}, notFound(err, "region "+slug)
	}
	return r, nil
}

// hhiOf computes the index from spends; ok is false when they sum to 0.
func hhiOf(spends []int64) (hhi int, ok bool) {
	var total int64
	for _, s := range spends {
		total += s
	}
	if total <= 0 {
		return 0, false
	}
	sum := 0.0
	for _, s := range spends {
		pct := 100 * float64(s) / float64(total)
		sum += pct * pct
	}
	return int(math.Round(sum)), true
}

// Concentration is the market for one category, nationally or in one
// region (regionSlug ""). An unknown category or region is ErrNotFound.
func (db *DB) Concentration(ctx context.Context, viewer User, categorySlug, regionSlug string) (Concentration, error) {
	if !CanReadRegisters(viewer) {
		return Concentration{}, fmt.Errorf("market concentration: %w", ErrForbidden)
	}
	var out Concentration
	var err error
	if out.Category, err = db.CategoryBySlug(ctx, categorySlug); err != nil {
		return out, err
	}
	if regionSlug != "" {
		if out.Region, err = db.regionBySlug(ctx, regionSlug); err != nil {
			return out, err
		}
	}
	today := DateOf(db.now())
	where, args := regionCond(regionSlug, []string{"c.category_slug = ?", concentrationCurrent}, []any{categorySlug, today.String()})
	// One row per supplier and council: few enough to add up here, and
	// it gives the distinct councils both per supplier and overall.
	// #nosec G202 -- where holds regionCond's constant conditions; every value is a bound parameter.
	rows, err := db.R.QueryContext(ctx, `SELECT c.supplier_id, c.council_gss, count(*), sum(coalesce(c.annual_value_pence, 0))
		FROM contracts c WHERE `+strings.Join(where, " AND ")+` GROUP BY c.supplier_id, c.council_gss`, args...)
	if err != nil {
		return out, fmt.Errorf("market concentration: %w", err)
	}
	defer rows.Close()
	bySupplier := map[int64]*SupplierShare{}
	councils := map[string]bool{}
	for rows.Next() {
		var id, spend int64
		var gss string
		var n int
		if err := rows.Scan(&id, &gss, &n, &spend); err != nil {
			return out, fmt.Errorf("market concentration: %w", err)
		}
		s := bySupplier[id]
		if s == nil {
			s = &SupplierShare{SupplierID: id}
			bySupplier[id] = s
		}
		s.Councils++
		s.Contracts += n
		s.SpendPence += spend
		councils[gss] = true
		out.Contracts += n
		out.SpendPence += spend
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	_ = rows.Close()
	out.Councils = len(councils)
	names, err := db.supplierNames(ctx, bySupplier)
	if err != nil {
		return out, err
	}
	spends := make([]int64, 0, len(bySupplier))
	for id, s := range bySupplier {
		s.SupplierName = names[id]
		s.CouncilShare = float64(s.Councils) / float64(out.Councils)
		if out.SpendPence > 0 {
			s.SpendShare = float64(s.SpendPence) / float64(out.SpendPence)
		}
		out.Shares = append(out.Shares, *s)
		spends = append(spends, s.SpendPence)
	}
	sortShares(out.Shares)
	out.HHI, out.HasHHI = hhiOf(spends)
	out.Reading = ReadingNotEnoughData
	if out.HasHHI {
		out.Reading = HHIReading(out.HHI)
	}
	return out, nil
}

func (db *DB) supplierNames(ctx context.Context, ids map[int64]*SupplierShare) (map[int64]string, error) {
	names := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return names, nil
	}
	args := make([]any, 0, len(ids))
	for id := range ids {
		args = append(args, id)
	}
	// #nosec G202 -- only placeholders are repeated; the ids are bound parameters.
	rows, err := db.R.QueryContext(ctx, `SELECT id, name FROM suppliers WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("supplier names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}

// CategoryConcentration is one line of the overview: a category's index.
type CategoryConcentration struct {
	Category      Category
	Councils      int
	Suppliers     int
	SpendPence    int64
	HHI           int
	HasHHI        bool
	Reading       string
	TopSupplier   string  // the supplier with the most spend ("" without spend)
	TopShare      float64 // its share of spend, 0–1
	TopSupplierID int64
}

// ConcentrationOverview is every category's index, nationally or in one
// region: most concentrated first, categories without spend last, then by
// name. Categories nobody buys in are left out.
func (db *DB) ConcentrationOverview(ctx context.Context, viewer User, regionSlug string) ([]CategoryConcentration, error) {
	if !CanReadRegisters(viewer) {
		return nil, fmt.Errorf("market concentration: %w", ErrForbidden)
	}
	if regionSlug != "" {
		if _, err := db.regionBySlug(ctx, regionSlug); err != nil {
			return nil, err
		}
	}
	cats, err := db.Categories(ctx)
	if err != nil {
		return nil, err
	}
	today := DateOf(db.now())
	where, args := regionCond(regionSlug, []string{"c.category_slug IS NOT NULL", concentrationCurrent}, []any{today.String()})
	cond := strings.Join(where, " AND ")
	type catAgg struct {
		councils int
		shares   []SupplierShare
	}
	// Two passes over the category index, run side by side on two read
	// connections (each takes about as long as the other nationally):
	// suppliers' spend and councils per category and supplier; distinct
	// councils per category.
	shares := map[string][]SupplierShare{}
	councils := map[string]int{}
	var sharesErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		// #nosec G202 -- cond holds regionCond's constant conditions; every value is a bound parameter.
		rows, err := db.R.QueryContext(ctx, `SELECT c.category_slug, c.supplier_id, s.name, count(DISTINCT c.council_gss), sum(coalesce(c.annual_value_pence, 0))
			FROM contracts c JOIN suppliers s ON s.id = c.supplier_id WHERE `+cond+` GROUP BY c.category_slug, c.supplier_id`, args...)
		if err != nil {
			sharesErr = fmt.Errorf("market concentration: %w", err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			var slug string
			var s SupplierShare
			if err := rows.Scan(&slug, &s.SupplierID, &s.SupplierName, &s.Councils, &s.SpendPence); err != nil {
				sharesErr = err
				return
			}
			shares[slug] = append(shares[slug], s)
		}
		sharesErr = rows.Err()
	}()
	err = func() error {
		// #nosec G202 -- cond holds regionCond's constant conditions; every value is a bound parameter.
		rows, err := db.R.QueryContext(ctx, `SELECT c.category_slug, count(DISTINCT c.council_gss) FROM contracts c WHERE `+cond+` GROUP BY c.category_slug`, args...)
		if err != nil {
			return fmt.Errorf("market concentration: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var slug string
			var n int
			if err := rows.Scan(&slug, &n); err != nil {
				return err
			}
			councils[slug] = n
		}
		return rows.Err()
	}()
	<-done
	if err != nil {
		return nil, err
	}
	if sharesErr != nil {
		return nil, sharesErr
	}
	agg := map[string]*catAgg{}
	for slug, n := range councils {
		agg[slug] = &catAgg{councils: n, shares: shares[slug]}
	}
	var out []CategoryConcentration
	for _, cat := range cats {
		a := agg[cat.Slug]
		if a == nil || a.councils == 0 {
			continue
		}
		cc := CategoryConcentration{Category: cat, Councils: a.councils, Suppliers: len(a.shares)}
		spends := make([]int64, len(a.shares))
		for i, s := range a.shares {
			cc.SpendPence += s.SpendPence
			spends[i] = s.SpendPence
		}
		cc.HHI, cc.HasHHI = hhiOf(spends)
		cc.Reading = ReadingNotEnoughData
		if cc.HasHHI {
			cc.Reading = HHIReading(cc.HHI)
			sortShares(a.shares)
			cc.TopSupplierID, cc.TopSupplier = a.shares[0].SupplierID, a.shares[0].SupplierName
			cc.TopShare = float64(a.shares[0].SpendPence) / float64(cc.SpendPence)
		}
		out = append(out, cc)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.HasHHI != b.HasHHI {
			return a.HasHHI
		}
		if a.HHI != b.HHI {
			return a.HHI > b.HHI
		}
		return a.Category.Name < b.Category.Name
	})
	return out, nil
}

// sortShares orders shares by spend, largest first, then by councils,
// then by name.
func sortShares(shares []SupplierShare) {
	sort.Slice(shares, func(i, j int) bool {
		a, b := shares[i], shares[j]
		if a.SpendPence != b.SpendPence {
			return a.SpendPence > b.SpendPence
		}
		if a.Councils != b.Councils {
			return a.Councils > b.Councils
		}
		if !strings.EqualFold(a.SupplierName, b.SupplierName) {
			return strings.ToLower(a.SupplierName) < strings.ToLower(b.SupplierName)
		}
		return a.SupplierID < b.SupplierID
	})
}
