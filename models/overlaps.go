package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Overlap kinds: what the councils have in common.
const (
	OverlapProduct  = "product"
	OverlapSupplier = "supplier"
	OverlapCategory = "category"
)

// OverlapHorizonQuarters is how far ahead the expiry timeline looks: five
// years of quarters from the current one.
const OverlapHorizonQuarters = 20

// OverlapQuery asks who runs a product, buys from a supplier or buys in a
// category: exactly one of ProductID, SupplierID and CategorySlug. Region
// and council type narrow the councils ("" is every one). Today is the
// clock's date if zero.
type OverlapQuery struct {
	ProductID    int64
	SupplierID   int64
	CategorySlug string
	RegionSlug   string
	CouncilType  string
	Today        Date
}

// OverlapScope narrows the most-shared lists of the overlaps index.
type OverlapScope struct {
	RegionSlug  string
	CouncilType string
	Today       Date
}

// OverlapSubject is what the councils share. ID is the product's or the
// supplier's id; a category has its Slug instead. A product also names its
// supplier and category.
type OverlapSubject struct {
	Kind         string
	ID           int64
	Slug         string
	Name         string
	SupplierID   int64
	SupplierName string
	CategorySlug string
}

// OverlapCouncil is one council's share of an overlap: its current
// contracts for the subject and their annual value.
type OverlapCouncil struct {
	GSSCode          string
	Name             string
	RegionName       string
	TypeCode         string
	Contracts        int
	AnnualSpendPence int64
}

// TypeName is the council type in words.
func (c OverlapCouncil) TypeName() string { return CouncilTypeName(c.TypeCode) }

// OverlapTotals adds up the councils of an overlap. Contracts with no
// annual value count as nothing in the spend; NoAnnualValue says how many.
// Rolling contracts (no end date) have no decision window, so they are
// counted but appear in no bucket of the timeline: NoDecisionWindow.
type OverlapTotals struct {
	Councils         int
	Contracts        int
	AnnualSpendPence int64
	NoAnnualValue    int
	NoDecisionWindow int
}

// Timeline bucket keys besides the quarters ("2027-Q1").
const (
	BucketPassed = "passed"
	BucketLater  = "later"
)

// OverlapQuarter is one bar of the expiry timeline: the contracts whose
// decision window falls in it. Key is "2027-Q1", or BucketPassed (the
// window is before today though the contract still runs) or BucketLater
// (after the horizon).
type OverlapQuarter struct {
	Key              string
	Label            string
	Contracts        int
	AnnualSpendPence int64
}

// Overlap is the councils that share a subject, with their current
// contracts, spend and when those contracts reach their decision window.
type Overlap struct {
	Subject  OverlapSubject
	Query    OverlapQuery // as asked, with Today filled in
	Councils []OverlapCouncil
	Totals   OverlapTotals
	Timeline []OverlapQuarter
}

// quarterLabels name the calendar quarters as pages show them.
var quarterLabels = [4]string{"Jan–Mar", "Apr–Jun", "Jul–Sep", "Oct–Dec"}

// QuarterStart is the first day of the calendar quarter holding d.
func QuarterStart(d Date) Date {
	y, m, _ := d.Time().Date()
	return NewDate(y, m-(m-1)%3, 1)
}

// quarterKey is "2027-Q1" for a date in January to March 2027.
func quarterKey(d Date) string {
	y, m, _ := d.Time().Date()
	return strconv.Itoa(y) + "-Q" + strconv.Itoa(int(m-1)/3+1)
}

// QuarterLabel is "Jan–Mar 2027" for a date in that quarter.
func QuarterLabel(d Date) string {
	y, m, _ := d.Time().Date()
	return quarterLabels[int(m-1)/3] + " " + strconv.Itoa(y)
}

// currentContract is the SQL condition for a contract still running on
// day ?: its end date (or maximum extension date, when the council means
// to extend) is today or later, or it has none (rolling). Overlaps are
// about current spend, so contracts that have ended are left out.
const currentContract = `coalesce(CASE WHEN k.extension_intended THEN k.max_extension_date END, k.end_date, '9999-12-31') >= ?`

// councilScope is the SQL condition keeping contracts of active councils
// in a region and of a type ("" for any).
const councilScope = `k.council_gss IN (SELECT co.gss_code FROM councils co JOIN regions r ON r.id = co.region_id
	WHERE co.active = 1 AND (? = '' OR r.slug = ?) AND (? = '' OR co.type_code = ?))`

// checkScope validates a region slug and a council type code.
func (db *DB) checkScope(ctx context.Context, region, typeCode string, verr *ValidationError) error {
	if region != "" {
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM regions WHERE slug = ?`, region).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			verr.Add("region", fmt.Sprintf("%q is not a region: use a region's slug, such as yorkshire-and-the-humber", region))
		}
	}
	if typeCode != "" && CouncilTypeName(typeCode) == typeCode {
		verr.Add("type", "type must be a council type code: CTY, NMD, MD, LBO, UA, CC, SCO, WPA or NID")
	}
	return nil
}

// overlapSubject resolves the subject q names; ErrNotFound if it does not
// exist.
func (db *DB) overlapSubject(ctx context.Context, q OverlapQuery) (OverlapSubject, string, any, error) {
	switch {
	case q.ProductID != 0:
		p, err := db.ProductByID(ctx, q.ProductID)
		if err != nil {
			return OverlapSubject{}, "", nil, err
		}
		return OverlapSubject{Kind: OverlapProduct, ID: p.ID, Name: p.Name, SupplierID: p.SupplierID, SupplierName: p.SupplierName,
			CategorySlug: p.CategorySlug}, "k.product_id = ?", p.ID, nil
	case q.SupplierID != 0:
		var name string
		err := db.R.QueryRowContext(ctx, `SELECT name FROM suppliers WHERE id = ?`, q.SupplierID).Scan(&name)
		if err != nil {
			return OverlapSubject{}, "", nil, notFound(err, fmt.Sprintf("supplier %d", q.SupplierID))
		}
		return OverlapSubject{Kind: OverlapSupplier, ID: q.SupplierID, Name: name}, "k.supplier_id = ?", q.SupplierID, nil
	default:
		var name string
		err := db.R.QueryRowContext(ctx, `SELECT name FROM categories WHERE slug = ?`, q.CategorySlug).Scan(&name)
		if err != nil {
			return OverlapSubject{}, "", nil, notFound(err, fmt.Sprintf("category %q", q.CategorySlug))
		}
		return OverlapSubject{Kind: OverlapCategory, Slug: q.CategorySlug, Name: name, CategorySlug: q.CategorySlug},
			"k.category_slug = ?", q.CategorySlug, nil
	}
}

// Overlap answers q: the councils (active, in the region and of the type
// asked) with current contracts for the subject, their count and annual
// spend, and the expiry timeline. viewer must be able to read registers.
func (db *DB) Overlap(ctx context.Context, viewer User, q OverlapQuery) (Overlap, error) {
	if !CanReadRegisters(viewer) {
		return Overlap{}, fmt.Errorf("read overlaps: %w", ErrForbidden)
	}
	q.CategorySlug = strings.TrimSpace(q.CategorySlug)
	verr := &ValidationError{}
	given := 0
	for _, set := range []bool{q.ProductID != 0, q.SupplierID != 0, q.CategorySlug != ""} {
		if set {
			given++
		}
	}
	if given != 1 {
		msg := "Choose one of a product, a supplier or a category"
		verr.Add("product", msg)
		verr.Add("supplier", msg)
		verr.Add("category", msg)
	}
	if q.ProductID < 0 {
		verr.Add("product", "product must be a product's id")
	}
	if q.SupplierID < 0 {
		verr.Add("supplier", "supplier must be a supplier's id")
	}
	if err := db.checkScope(ctx, q.RegionSlug, q.CouncilType, verr); err != nil {
		return Overlap{}, err
	}
	if err := verr.Err(); err != nil {
		return Overlap{}, err
	}
	if q.Today.IsZero() {
		q.Today = DateOf(db.now())
	}
	subject, cond, arg, err := db.overlapSubject(ctx, q)
	if err != nil {
		return Overlap{}, err
	}
	o := Overlap{Subject: subject, Query: q}
	where := cond + ` AND ` + currentContract + ` AND ` + councilScope
	args := []any{arg, q.Today, q.RegionSlug, q.RegionSlug, q.CouncilType, q.CouncilType}
	if o.Councils, o.Totals, err = db.overlapCouncils(ctx, where, args); err != nil {
		return Overlap{}, err
	}
	if o.Timeline, err = db.overlapTimeline(ctx, where, args, q.Today); err != nil {
		return Overlap{}, err
	}
	for _, b := range o.Timeline {
		o.Totals.NoDecisionWindow -= b.Contracts
	}
	o.Totals.NoDecisionWindow += o.Totals.Contracts
	return o, nil
}

// overlapCouncils groups the matching contracts by council, by name.
func (db *DB) overlapCouncils(ctx context.Context, where string, args []any) ([]OverlapCouncil, OverlapTotals, error) {
	var t OverlapTotals
	// #nosec G202 -- where joins overlapSubject's constant conditions; every value is a bound parameter.
	rows, err := db.R.QueryContext(ctx, `SELECT co.gss_code, co.name, r.name, co.type_code, x.n, x.spend, x.unknown
		FROM (SELECT k.council_gss AS gss, count(*) AS n, coalesce(sum(k.annual_value_pence), 0) AS spend,
		             sum(k.annual_value_pence IS NULL) AS unknown
		        FROM contracts k WHERE `+where+` GROUP BY k.council_gss) x
		JOIN councils co ON co.gss_code = x.gss JOIN regions r ON r.id = co.region_id
		ORDER BY co.name, co.gss_code`, args...)
	if err != nil {
		return nil, t, fmt.Errorf("overlap councils: %w", err)
	}
	defer rows.Close()
	var out []OverlapCouncil
	for rows.Next() {
		var c OverlapCouncil
		var unknown int
		if err := rows.Scan(&c.GSSCode, &c.Name, &c.RegionName, &c.TypeCode, &c.Contracts, &c.AnnualSpendPence, &unknown); err != nil {
			return nil, t, err
		}
		t.Councils++
		t.Contracts += c.Contracts
		t.AnnualSpendPence += c.AnnualSpendPence
		t.NoAnnualValue += unknown
		out = append(out, c)
	}
	return out, t, rows.Err()
}

// overlapTimeline counts the matching contracts by the quarter their
// decision window falls in, from today's quarter for OverlapHorizonQuarters,
// with the windows already passed first and those beyond the horizon last.
// Every bucket is listed, empty or not, so charts share an axis.
func (db *DB) overlapTimeline(ctx context.Context, where string, args []any, today Date) ([]OverlapQuarter, error) {
	start := QuarterStart(today)
	horizon := start.AddMonths(3 * OverlapHorizonQuarters)
	buckets := []OverlapQuarter{{Key: BucketPassed, Label: "Already passed"}}
	index := map[string]int{BucketPassed: 0}
	for i := range OverlapHorizonQuarters {
		d := start.AddMonths(3 * i)
		index[quarterKey(d)] = len(buckets)
		buckets = append(buckets, OverlapQuarter{Key: quarterKey(d), Label: QuarterLabel(d)})
	}
	index[BucketLater] = len(buckets)
	buckets = append(buckets, OverlapQuarter{Key: BucketLater, Label: "After " + horizon.AddDays(-1).Time().Format("January 2006")})

	// Grouped by month, not quarter, as a month is a cheap prefix of the
	// ISO date; the current month is split at today. Go folds the months
	// into their quarters.
	// #nosec G202 -- where joins overlapSubject's constant conditions; every value is a bound parameter.
	rows, err := db.R.QueryContext(ctx, `SELECT k.decision_window_date < ? AS passed, substr(k.decision_window_date, 1, 7) AS month,
		count(*), coalesce(sum(k.annual_value_pence), 0)
		FROM contracts k WHERE k.decision_window_date IS NOT NULL AND `+where+` GROUP BY passed, month`,
		append([]any{today}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("overlap timeline: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var passed bool
		var month string
		var n int
		var spend int64
		if err := rows.Scan(&passed, &month, &n, &spend); err != nil {
			return nil, err
		}
		first, err := ParseISODate(month + "-01")
		if err != nil {
			return nil, fmt.Errorf("overlap timeline: %w", err)
		}
		key := quarterKey(first)
		switch {
		case passed:
			key = BucketPassed
		case !first.Before(horizon):
			key = BucketLater
		}
		i, ok := index[key]
		if !ok {
			return nil, fmt.Errorf("overlap timeline: month %s is in no bucket", month)
		}
		buckets[i].Contracts += n
		buckets[i].AnnualSpendPence += spend
	}
	return buckets, rows.Err()
}

// SharedSubject is a product, supplier or category with the number of
// councils that hold current contracts for it, for the overlaps index.
type SharedSubject struct {
	OverlapSubject
	Councils  int
	Contracts int
}

// MostSharedProducts lists the products most councils in scope run, most
// first, at most limit.
func (db *DB) MostSharedProducts(ctx context.Context, viewer User, s OverlapScope, limit int) ([]SharedSubject, error) {
	return db.mostShared(ctx, viewer, s, limit, OverlapProduct,
		`SELECT p.id, '', p.name, p.supplier_id, sup.name, coalesce(p.category_slug, ''), x.councils, x.n
		   FROM (%s) x JOIN products p ON p.id = x.key JOIN suppliers sup ON sup.id = p.supplier_id
		  ORDER BY x.councils DESC, x.n DESC, p.name, p.id`, "k.product_id")
}

// MostSharedSuppliers lists the suppliers most councils in scope buy from.
func (db *DB) MostSharedSuppliers(ctx context.Context, viewer User, s OverlapScope, limit int) ([]SharedSubject, error) {
	return db.mostShared(ctx, viewer, s, limit, OverlapSupplier,
		`SELECT sup.id, '', sup.name, 0, '', '', x.councils, x.n
		   FROM (%s) x JOIN suppliers sup ON sup.id = x.key
		  ORDER BY x.councils DESC, x.n DESC, sup.name, sup.id`, "k.supplier_id")
}

// MostSharedCategories lists the categories most councils in scope buy in.
func (db *DB) MostSharedCategories(ctx context.Context, viewer User, s OverlapScope, limit int) ([]SharedSubject, error) {
	return db.mostShared(ctx, viewer, s, limit, OverlapCategory,
		`SELECT 0, cat.slug, cat.name, 0, '', cat.slug, x.councils, x.n
		   FROM (%s) x JOIN categories cat ON cat.slug = x.key
		  ORDER BY x.councils DESC, x.n DESC, cat.position`, "k.category_slug")
}

func (db *DB) mostShared(ctx context.Context, viewer User, s OverlapScope, limit int, kind, outer, column string) ([]SharedSubject, error) {
	if !CanReadRegisters(viewer) {
		return nil, fmt.Errorf("read overlaps: %w", ErrForbidden)
	}
	verr := &ValidationError{}
	if err := db.checkScope(ctx, s.RegionSlug, s.CouncilType, verr); err != nil {
		return nil, err
	}
	if err := verr.Err(); err != nil {
		return nil, err
	}
	if s.Today.IsZero() {
		s.Today = DateOf(db.now())
	}
	if limit <= 0 {
		limit = 10
	}
	// Distinct (subject, council) pairs first: the index holds them side
	// by side, so counting councils per subject needs no sort.
	// For a region, SQLite finds its councils' contracts by council; for
	// every council, the unary + stops it doing so, as reading the whole
	// subject index in order is faster than seeking 400 councils.
	scope := councilScope
	if s.RegionSlug == "" {
		scope = "+" + scope
	}
	inner := `SELECT key, count(*) AS councils, sum(n) AS n FROM (
		SELECT ` + column + ` AS key, k.council_gss, count(*) AS n FROM contracts k
		 WHERE ` + column + ` IS NOT NULL AND ` + currentContract + ` AND ` + scope + `
		 GROUP BY ` + column + `, k.council_gss)
		GROUP BY key ORDER BY councils DESC, n DESC, key LIMIT ?`
	rows, err := db.R.QueryContext(ctx, fmt.Sprintf(outer, inner), s.Today, s.RegionSlug, s.RegionSlug, s.CouncilType, s.CouncilType, limit)
	if err != nil {
		return nil, fmt.Errorf("most shared %ss: %w", kind, err)
	}
	defer rows.Close()
	var out []SharedSubject
	for rows.Next() {
		x := SharedSubject{OverlapSubject: OverlapSubject{Kind: kind}}
		if err := rows.Scan(&x.ID, &x.Slug, &x.Name, &x.SupplierID, &x.SupplierName, &x.CategorySlug, &x.Councils, &x.Contracts); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
