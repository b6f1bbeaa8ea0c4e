package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"jointly/models"
)

// scaleColumns are the contract columns the loader writes.
const scaleColumns = `council_gss, reference, title, supplier_id, product_id, category_slug, total_value_pence, annual_value_pence,
	start_date, end_date, max_extension_date, extension_intended, times_extended, notice_period_months, procurement_route,
	sme, hosting, end_of_support_date, decision_window_date, source, created_at, updated_at`

const (
	scaleColumnCount = 22
	scaleRowsPerStmt = 200    // 4,400 parameters, well under SQLite's 32,766
	scaleRowsPerTx   = 50_000 // large transactions, bounded WAL growth
)

// importsPerCouncil is how many batches each council's contracts arrive
// in. Registers come from councils' own files, a council at a time, so a
// council's rows lie near each other on disk, in a few runs rather than
// one (imports over the years) or scattered one by one (every council
// typing into the register at once).
const importsPerCouncil = 4

// councilOrder picks each of n contracts' council by size and orders them
// as imports would arrive.
func (s *scaleLoader) councilOrder(n int) []int {
	byCouncil := make([][]int, len(s.councils))
	for range n {
		c := s.pick(s.councilCum)
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
	s.rng.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	order := make([]int, 0, n)
	for _, b := range batches {
		order = append(order, b...)
	}
	return order
}

func (s *scaleLoader) insertContracts(ctx context.Context, n int) error {
	councils := s.councilOrder(n)
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", scaleColumnCount), ", ") + ")"
	stmtSQL := func(rows int) string {
		return `INSERT INTO contracts (` + scaleColumns + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
	}
	args := make([]any, 0, scaleRowsPerStmt*scaleColumnCount)
	for done := 0; done < n; {
		batch := min(scaleRowsPerTx, n-done)
		err := s.tx(ctx, func(tx *sql.Tx) error {
			full, err := tx.PrepareContext(ctx, stmtSQL(scaleRowsPerStmt))
			if err != nil {
				return err
			}
			defer full.Close()
			for i := 0; i < batch; i += scaleRowsPerStmt {
				rows := min(scaleRowsPerStmt, batch-i)
				args = args[:0]
				for j := range rows {
					args = s.appendContract(args, done+i+j, s.councils[councils[done+i+j]])
				}
				if rows == scaleRowsPerStmt {
					_, err = full.ExecContext(ctx, args...)
				} else {
					_, err = tx.ExecContext(ctx, stmtSQL(rows), args...)
				}
				if err != nil {
					return fmt.Errorf("contracts %d–%d: %w", done+i, done+i+rows, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += batch
	}
	return nil
}

var (
	scaleHosting = []string{models.HostingOnPremises, models.HostingHosted, models.HostingSaaS, models.HostingSaaS, ""}
	scaleRoutes  = []string{"tender", "framework", "framework", "quote", "direct", ""}
	scaleNotice  = []int{3, 3, 6, 6, 6, 9, 12}
)

// appendContract appends the column values of contract i, of council,
// to args.
func (s *scaleLoader) appendContract(args []any, i int, council string) []any {
	r := s.rng
	sup := s.pick(s.supplierCm)
	var productID any
	var eos models.Date
	cat := r.IntN(len(s.categories))
	if ps := s.bySupplier[sup]; len(ps) > 0 && r.IntN(100) < 85 {
		p := s.products[ps[r.IntN(len(ps))]]
		productID, cat, eos = p.id, p.category, p.endOfSupport
	}
	// Ends from six months ago to five years ahead; one in thirty rolls on.
	var end, maxExt models.Date
	start := s.today.AddDays(-30 - r.IntN(2500))
	if r.IntN(30) != 0 {
		end = s.today.AddDays(r.IntN(2010) - 180)
		if begun := end.AddMonths(-12 * (3 + r.IntN(5))); begun.Before(start) {
			start = begun
		}
	}
	intended := false
	if !end.IsZero() && r.IntN(100) < 30 {
		maxExt = end.AddMonths(12 * (1 + r.IntN(2)))
		intended = r.IntN(2) == 0
	}
	notice := scaleNotice[r.IntN(len(scaleNotice))]
	times := 0
	if x := r.IntN(100); x < 5 {
		times = 2 + r.IntN(2)
	} else if x < 20 {
		times = 1
	}
	// Annual values from £5,000 to £3m, most of them small.
	annual := int64(math.Exp(math.Log(5000)+r.Float64()*math.Log(600))) * 100
	total := annual * int64(3+r.IntN(5))
	window := models.DecisionWindow(end, maxExt, intended, notice, models.DefaultLeadTimeMonths)
	return append(args,
		council, fmt.Sprintf("NAT-%07d", i), s.categories[cat].name+" contract", s.suppliers[sup], productID, s.categories[cat].slug,
		total, annual, start, end, maxExt, intended, times, notice, scaleRoutes[r.IntN(len(scaleRoutes))],
		s.smes[sup], scaleHosting[r.IntN(len(scaleHosting))], eos, window, "csv", s.now, s.now)
}

// dropContractIndexes drops the contracts table's own indexes, returning
// the statements that make them again.
func (s *scaleLoader) dropContractIndexes(ctx context.Context) ([]string, error) {
	var names, create []string
	rows, err := s.db.W.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'contracts' AND sql IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			rows.Close()
			return nil, err
		}
		names, create = append(names, name), append(create, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return create, s.tx(ctx, func(tx *sql.Tx) error {
		for _, name := range names {
			if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
				return err
			}
		}
		return nil
	})
}
