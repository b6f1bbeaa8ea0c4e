package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"jointly/models"
)

// LoadNationalScale fills db for benchmarks at national scale: every UK
// principal council (from mySociety's list in ../shared/data, skipping
// the benchmark when it is absent), a few hundred suppliers of whom a few
// hold most contracts, their products across the taxonomy, and n
// contracts spread over the active councils by size, ending over the next
// five years. The same n gives the same rows every run.
//
// It writes straight through db.W with prepared multi-row inserts in large
// transactions, not through the models, so 400,000 contracts load in
// seconds; it keeps the models' derived column decision_window_date
// (models.DecisionWindow) but writes no contract history.
func LoadNationalScale(tb testing.TB, db *models.DB, n int) {
	tb.Helper()
	start := time.Now()
	ctx := context.Background()
	f, err := os.Open(SharedData(tb, "local-authorities", "mysociety", "uk_local_authorities.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := db.ImportCouncils(ctx, 0, f); err != nil {
		tb.Fatal(err)
	}
	s := &scaleLoader{db: db, rng: rand.New(rand.NewPCG(2026, 418)), now: db.Clock.Now().UTC().Format("2006-01-02T15:04:05.000000Z")}
	s.today = models.DateOf(db.Clock.Now())
	for _, step := range []func(context.Context) error{s.readCouncils, s.readCategories, s.insertSuppliers, s.insertProducts} {
		if err := step(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	// Indexes are dropped while loading and built again afterwards: SQLite
	// builds an index from sorted rows several times faster than it
	// maintains one row by row.
	indexes, err := s.dropContractIndexes(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.insertContracts(ctx, n); err != nil {
		tb.Fatal(err)
	}
	if err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range indexes {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	// Fold the write-ahead log into the database, as a server settles to
	// between imports: readers of a long log pay for it on every page.
	if _, err := db.W.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("national scale: %d councils, %d suppliers, %d products, %d contracts loaded in %v",
		len(s.councils), len(s.suppliers), len(s.products), n, time.Since(start).Round(time.Millisecond))
}

type scaleLoader struct {
	db         *models.DB
	rng        *rand.Rand
	now        string
	today      models.Date
	councils   []string
	councilCum []float64 // cumulative weights, by size
	categories []struct{ slug, name string }
	suppliers  []int64
	supplierCm []float64 // cumulative weights: a few large suppliers hold most
	smes       []bool
	products   []scaleProduct
	bySupplier [][]int // supplier index → indexes into products
}

type scaleProduct struct {
	id           int64
	category     int
	endOfSupport models.Date
}

// pick returns an index drawn by cumulative weights cum.
func (s *scaleLoader) pick(cum []float64) int {
	x := s.rng.Float64() * cum[len(cum)-1]
	return sort.SearchFloat64s(cum, x)
}

func (s *scaleLoader) readCouncils(ctx context.Context) error {
	rows, err := s.db.R.QueryContext(ctx, `SELECT gss_code, coalesce(population, 0) FROM councils WHERE active = 1 ORDER BY gss_code`)
	if err != nil {
		return err
	}
	defer rows.Close()
	total := 0.0
	for rows.Next() {
		var gss string
		var pop int64
		if err := rows.Scan(&gss, &pop); err != nil {
			return err
		}
		if pop <= 0 {
			pop = 150000
		}
		// A council twice the size holds about 40% more contracts.
		total += math.Sqrt(float64(pop))
		s.councils = append(s.councils, gss)
		s.councilCum = append(s.councilCum, total)
	}
	if len(s.councils) == 0 {
		return fmt.Errorf("no active councils")
	}
	return rows.Err()
}

func (s *scaleLoader) readCategories(ctx context.Context) error {
	rows, err := s.db.R.QueryContext(ctx, `SELECT slug, name FROM categories ORDER BY position`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c struct{ slug, name string }
		if err := rows.Scan(&c.slug, &c.name); err != nil {
			return err
		}
		s.categories = append(s.categories, c)
	}
	return rows.Err()
}

// The large suppliers by name; the long tail is made up from places and
// trades.
var (
	scaleLargeSuppliers = []string{
		"Civica UK Ltd", "Capita Business Services Ltd", "NEC Software Solutions UK Ltd", "Idox Software Ltd",
		"Softcat plc", "Bytes Software Services Ltd", "Computacenter (UK) Ltd", "British Telecommunications plc",
		"Virgin Media Business Ltd", "Liquidlogic Ltd", "MHR International UK Ltd", "Unit4 Business Software Ltd",
		"Oracle Corporation UK Ltd", "SAP (UK) Ltd", "Microsoft Ltd", "Phoenix Software Ltd", "Netcall Systems Ltd",
		"Imperial Civil Enforcement Solutions Ltd", "Bartec Auto ID Ltd", "ESRI (UK) Ltd", "OLM Systems Ltd",
		"Servelec Technologies Ltd", "Tunstall Healthcare (UK) Ltd", "XMA Ltd", "Insight Direct (UK) Ltd",
	}
	scalePlaces = []string{"Pennine", "Humber", "Aire", "Calder", "Mersey", "Tyne", "Severn", "Thames", "Solent", "Cotswold",
		"Fenland", "Wessex", "Mercia", "Lothian", "Clyde", "Tay", "Dee", "Wye", "Usk", "Tamar"}
	scaleTrades = []string{"Digital", "Software", "Systems", "Data", "Cloud", "Networks", "Solutions", "Technology", "Consulting", "Analytics"}
)

const scaleSupplierCount = 300

func (s *scaleLoader) insertSuppliers(ctx context.Context) error {
	names := append([]string(nil), scaleLargeSuppliers...)
	for i := 0; len(names) < scaleSupplierCount; i++ {
		names = append(names, fmt.Sprintf("%s %s %s", scalePlaces[i%len(scalePlaces)], scaleTrades[(i/len(scalePlaces))%len(scaleTrades)],
			[]string{"Ltd", "Limited", "LLP"}[i/(len(scalePlaces)*len(scaleTrades))%3]))
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		find, err := tx.PrepareContext(ctx, `SELECT supplier_id FROM supplier_aliases WHERE normalised_name = ?`)
		if err != nil {
			return err
		}
		defer find.Close()
		ins, err := tx.PrepareContext(ctx, `INSERT INTO suppliers (name, normalised_name, created_at) VALUES (?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer ins.Close()
		alias, err := tx.PrepareContext(ctx, `INSERT INTO supplier_aliases (normalised_name, supplier_id, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer alias.Close()
		total := 0.0
		for i, name := range names {
			norm := models.NormaliseSupplierName(name)
			// A supplier the database knows already (the demo seed's) is reused.
			var id int64
			err := find.QueryRowContext(ctx, norm).Scan(&id)
			if err == sql.ErrNoRows {
				err = ins.QueryRowContext(ctx, name, norm, s.now).Scan(&id)
			}
			if err != nil {
				return fmt.Errorf("supplier %s: %w", name, err)
			}
			if _, err := alias.ExecContext(ctx, norm, id, name); err != nil {
				return err
			}
			// Zipf-like shares: the largest few hold most contracts.
			total += 1 / math.Pow(float64(i+1), 1.1)
			s.suppliers = append(s.suppliers, id)
			s.supplierCm = append(s.supplierCm, total)
			s.smes = append(s.smes, i >= len(scaleLargeSuppliers))
		}
		return nil
	})
}

func (s *scaleLoader) insertProducts(ctx context.Context) error {
	s.bySupplier = make([][]int, len(s.suppliers))
	return s.tx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO products (supplier_id, name, normalised_name, category_slug, end_of_support_date, created_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (supplier_id, normalised_name) DO UPDATE SET name = excluded.name RETURNING id`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for i, supplierID := range s.suppliers {
			// Large suppliers sell in many categories, small ones in one or two.
			count := 1 + s.rng.IntN(2)
			if i < len(scaleLargeSuppliers) {
				count = 4 + s.rng.IntN(8)
			}
			seen := map[int]bool{}
			for range count {
				cat := s.rng.IntN(len(s.categories))
				if seen[cat] {
					continue
				}
				seen[cat] = true
				brand := strings.Fields(scaleNameOf(i))[0]
				name := brand + " " + s.categories[cat].name
				var eos models.Date
				if s.rng.IntN(10) == 0 { // one product in ten has a published end of support
					eos = s.today.AddDays(s.rng.IntN(2000) - 1200)
				}
				var id int64
				if err := ins.QueryRowContext(ctx, supplierID, name, strings.ToLower(name), s.categories[cat].slug, eos, s.now).Scan(&id); err != nil {
					return fmt.Errorf("product %s: %w", name, err)
				}
				s.bySupplier[i] = append(s.bySupplier[i], len(s.products))
				s.products = append(s.products, scaleProduct{id: id, category: cat, endOfSupport: eos})
			}
		}
		return nil
	})
}

func scaleNameOf(i int) string {
	if i < len(scaleLargeSuppliers) {
		return scaleLargeSuppliers[i]
	}
	return scalePlaces[(i-len(scaleLargeSuppliers))%len(scalePlaces)]
}

func (s *scaleLoader) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
