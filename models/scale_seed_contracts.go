package models

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

type scaleCouncil struct {
	gss, typ   string
	population int64
}

// scaleOffer is what a council can buy in a category: a real product, or
// services from a small supplier of the long tail (no product).
type scaleOffer struct {
	supplierID, productID int64
	product               *seedProduct // nil for the long tail
}

type scaleGen struct {
	db    *DB
	rng   *rand.Rand
	today Date
	stamp string
	cat   scaleCatalogue

	councils   []scaleCouncil
	councilCum []float64 // cumulative weights, by size

	added                 int
	firstAdded, lastAdded string

	categories []struct{ slug, name string }
	catCum     map[string][]float64 // council type → cumulative category weights
	offers     [][]scaleOffer       // by category
	offerCum   [][]float64          // by category: a few offers hold most
	usual      []int32              // council × category → the offer it usually buys, or -1

	supplierCount, productCount int
	legacy, rolling             int
}

// pick returns an index drawn by cumulative weights cum.
func (g *scaleGen) pick(cum []float64) int {
	return sort.SearchFloat64s(cum, g.rng.Float64()*cum[len(cum)-1])
}

func (g *scaleGen) readCategories(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT slug, name FROM categories ORDER BY position, slug`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c struct{ slug, name string }
		if err := rows.Scan(&c.slug, &c.name); err != nil {
			return err
		}
		g.categories = append(g.categories, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(g.categories) == 0 {
		return fmt.Errorf("no categories: migrate the database first")
	}
	// District councils run no social care or schools; county councils
	// collect no council tax and let no homes. Infrastructure and IT
	// services are bought more often than any one line of business.
	notFor := map[string]string{
		"adult-social-care": "NMD", "childrens-social-care": "NMD", "education": "NMD", "public-health": "NMD",
		"revenues-benefits": "CTY", "housing-management": "CTY", "electoral-registration": "CTY", "licensing-regulatory": "CTY",
	}
	busy := map[string]bool{"hosting-infrastructure": true, "it-services": true, "network": true, "cyber-security": true,
		"productivity-collaboration": true, "software-other": true, "contact-centre-telephony": true}
	g.catCum = map[string][]float64{}
	for _, c := range g.councils {
		if _, done := g.catCum[c.typ]; done {
			continue
		}
		cum, total := make([]float64, len(g.categories)), 0.0
		for i, cat := range g.categories {
			switch {
			case notFor[cat.slug] == c.typ:
			case busy[cat.slug]:
				total += 2
			default:
				total++
			}
			cum[i] = total
		}
		g.catCum[c.typ] = cum
	}
	g.usual = make([]int32, len(g.councils)*len(g.categories))
	for i := range g.usual {
		g.usual[i] = -1
	}
	return nil
}

// The long tail: small suppliers named from places and trades.
var (
	scalePlaces = []string{"Pennine", "Humber", "Aire", "Calder", "Mersey", "Tyne", "Severn", "Thames", "Solent", "Cotswold",
		"Fenland", "Wessex", "Mercia", "Lothian", "Clyde", "Tay", "Dee", "Wye", "Usk", "Tamar"}
	scaleTrades = []string{"Digital", "Software", "Systems", "Data", "Cloud", "Networks", "Solutions", "Technology", "Consulting", "Analytics"}
)

const (
	scaleTailSuppliers = 240
	scaleTailShare     = 0.2 // of a category's contracts, spread over its small suppliers
)

// resolveCatalogue finds or creates the catalogue's suppliers and products
// through the register's own rules (a supplier by company number, then by
// name), adds the long tail, and weighs each category's offers: Zipf-like,
// in an order the seed shuffles, so a few suppliers dominate each category.
func (g *scaleGen) resolveCatalogue(ctx context.Context, tx *sql.Tx) error {
	index := map[string]int{}
	for i, c := range g.categories {
		index[c.slug] = i
	}
	g.offers = make([][]scaleOffer, len(g.categories))
	suppliers := map[int64]bool{}
	for i := range g.cat.products {
		p := &g.cat.products[i]
		sid, err := g.db.resolveSupplier(ctx, tx, p.supplier, p.number)
		if err != nil {
			return fmt.Errorf("supplier %s: %w", p.supplier, err)
		}
		cats := g.cat.categories[i]
		pid, err := g.db.resolveProduct(ctx, tx, sid, p.name, cats[0], p.endOfSupport)
		if err != nil {
			return fmt.Errorf("product %s: %w", p.name, err)
		}
		suppliers[sid] = true
		for _, slug := range cats {
			ci, ok := index[slug]
			if !ok {
				return fmt.Errorf("product %s: category %q is not in the taxonomy", p.name, slug)
			}
			g.offers[ci] = append(g.offers[ci], scaleOffer{supplierID: sid, productID: pid, product: p})
		}
	}
	g.productCount = len(g.cat.products)
	real := make([]int, len(g.offers))
	for ci := range g.offers {
		o := g.offers[ci]
		g.rng.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		real[ci] = len(o)
	}
	for i := range scaleTailSuppliers {
		name := fmt.Sprintf("%s %s %s", scalePlaces[i%len(scalePlaces)], scaleTrades[(i/len(scalePlaces))%len(scaleTrades)],
			[]string{"Ltd", "Limited", "LLP"}[i/(len(scalePlaces)*len(scaleTrades))%3])
		sid, err := g.db.resolveSupplier(ctx, tx, name, "")
		if err != nil {
			return fmt.Errorf("supplier %s: %w", name, err)
		}
		suppliers[sid] = true
		for range 1 + g.rng.IntN(2) {
			ci := g.rng.IntN(len(g.categories))
			g.offers[ci] = append(g.offers[ci], scaleOffer{supplierID: sid})
		}
	}
	g.supplierCount = len(suppliers)
	g.offerCum = make([][]float64, len(g.offers))
	for ci, o := range g.offers {
		if len(o) == 0 {
			return fmt.Errorf("category %s: nothing to buy", g.categories[ci].slug)
		}
		realMass, tail := 1.0, len(o)-real[ci]
		if tail > 0 && real[ci] > 0 {
			realMass = 1 - scaleTailShare
		}
		zipf := 0.0
		for k := range real[ci] {
			zipf += 1 / math.Pow(float64(k+1), 1.3)
		}
		cum, total := make([]float64, len(o)), 0.0
		for k := range o {
			if k < real[ci] {
				total += realMass / math.Pow(float64(k+1), 1.3) / zipf
			} else {
				total += (1 - realMass) / float64(tail)
			}
			cum[k] = total
		}
		g.offerCum[ci] = cum
	}
	return nil
}

// The contract columns written, and how many rows go in one statement
// (22 × 200 = 4,400 parameters, well under SQLite's 32,766).
const (
	scaleColumns = `council_gss, reference, title, supplier_id, product_id, category_slug, total_value_pence, annual_value_pence,
	start_date, end_date, max_extension_date, extension_intended, times_extended, notice_period_months, procurement_route,
	sme, hosting, end_of_support_date, decision_window_date, source, created_at, updated_at`
	scaleColumnCount = 22
	scaleRowsPerStmt = 200
)

// insertContracts writes n contracts with the contracts table's indexes
// dropped, and builds them again: SQLite builds an index from sorted rows
// several times faster than it maintains one row by row.
func (g *scaleGen) insertContracts(ctx context.Context, tx *sql.Tx, n int) error {
	indexes, err := dropContractIndexes(ctx, tx)
	if err != nil {
		return err
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", scaleColumnCount), ", ") + ")"
	stmtSQL := func(rows int) string {
		return `INSERT INTO contracts (` + scaleColumns + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
	}
	full, err := tx.PrepareContext(ctx, stmtSQL(scaleRowsPerStmt))
	if err != nil {
		return err
	}
	defer full.Close()
	order := g.councilOrder(n)
	args := make([]any, 0, scaleRowsPerStmt*scaleColumnCount)
	for i := 0; i < n; i += scaleRowsPerStmt {
		rows := min(scaleRowsPerStmt, n-i)
		args = args[:0]
		for j := range rows {
			args = g.appendContract(args, i+j, order[i+j])
		}
		if rows == scaleRowsPerStmt {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmtSQL(rows), args...)
		}
		if err != nil {
			return fmt.Errorf("contracts %d–%d: %w", i+1, i+rows, err)
		}
	}
	for _, q := range indexes {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// importsPerCouncil is how many batches each council's contracts arrive
// in. Registers come from councils' own files, a council at a time, so a
// council's rows lie near each other on disk, in a few runs rather than
// one (imports over the years) or scattered one by one (every council
// typing into the register at once).
const importsPerCouncil = 4

// councilOrder picks each of n contracts' council (an index into
// g.councils) by size and orders them as imports would arrive.
func (g *scaleGen) councilOrder(n int) []int {
	byCouncil := make([][]int, len(g.councils))
	for range n {
		c := g.pick(g.councilCum)
		byCouncil[c] = append(byCouncil[c], c)
	}
	var batches [][]int
	for _, rows := range byCouncil {
		size := (len(rows) + importsPerCouncil - 1) / importsPerCouncil
		for len(rows) > 0 {
			k := min(size, len(rows))
			batches = append(batches, rows[:k])
			rows = rows[k:]
		}
	}
	g.rng.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	order := make([]int, 0, n)
	for _, b := range batches {
		order = append(order, b...)
	}
	return order
}

// dropContractIndexes drops the contracts table's own indexes, returning
// the statements that make them again.
func dropContractIndexes(ctx context.Context, tx *sql.Tx) ([]string, error) {
	var names, create []string
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'contracts' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			_ = rows.Close()
			return nil, err
		}
		names, create = append(names, name), append(create, q)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+strings.ReplaceAll(name, `"`, `""`)+`"`); err != nil {
			return nil, err
		}
	}
	return create, nil
}
