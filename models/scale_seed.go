package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// The national-scale seed makes a database as large as the service will
// be, for benchmarks and load tests: 418 councils, 400,000 contracts and
// 20,000 users by default. It is synthetic, but shaped like the real
// thing: the real product catalogue (data/seed/products.csv), a few
// dominant suppliers per category, values by council size, and some
// legacy and rolling contracts.

// ScaleCouncils is the number of principal councils in the UK, which the
// seed tops the database up to.
const ScaleCouncils = 418

// SyntheticGSSEntity is the entity part of synthetic councils' GSS codes:
// E97000001, S97000002… The ONS Register of Geographic Codes assigns
// entity codes 00 to the 60s and uses 99 for its pseudo-codes; 97 is not
// assigned, so a synthetic code can never be a real area's.
const SyntheticGSSEntity = "97"

// scaleSource marks the seed's contracts; the settings row scale_seed
// records what was seeded.
const scaleSource = "scale"

// ScaleOptions says what to generate.
type ScaleOptions struct {
	Contracts int // contracts to add
	Users     int // officers and councillors to add (they sign in by SSO: no password)
	// Seed is the random seed. The same seed over the same councils on the
	// same day (dates are drawn from today, by the database's clock)
	// writes the same rows.
	Seed uint64
	// Catalogue holds seed/products.csv and seed/estates.csv (data.Seed).
	Catalogue fs.FS
}

func (o ScaleOptions) record() string {
	return fmt.Sprintf("seed=%d contracts=%d users=%d", o.Seed, o.Contracts, o.Users)
}

// ScaleSummary is what a national-scale seed did.
type ScaleSummary struct {
	Unchanged                         bool // the same seed was loaded before: nothing was done
	CouncilsAdded, Councils           int
	FirstSynthetic, LastSynthetic     string // GSS codes of the councils added
	Suppliers, Products               int
	Contracts, Legacy, Rolling, Users int
	Elapsed                           time.Duration
	Options                           ScaleOptions
}

func (s ScaleSummary) String() string {
	if s.Unchanged {
		return fmt.Sprintf("national scale: already seeded with %s; nothing changed", s.Options.record())
	}
	synthetic := ""
	if s.CouncilsAdded > 0 {
		synthetic = fmt.Sprintf(" (%d synthetic, %s–%s)", s.CouncilsAdded, s.FirstSynthetic, s.LastSynthetic)
	}
	return fmt.Sprintf("national scale (seed %d): %d councils%s, %d suppliers, %d products, %d contracts (%d legacy, %d rolling), %d users in %v",
		s.Options.Seed, s.Councils, synthetic, s.Suppliers, s.Products, s.Contracts, s.Legacy, s.Rolling, s.Users, s.Elapsed.Round(time.Millisecond))
}

// ErrScaleSeeded is returned when the database holds a national-scale seed
// made with other options.
var ErrScaleSeeded = errors.New("the database already holds a national-scale seed")

// SeedNationalScale tops the database's councils up to 418 with synthetic
// ones, then adds opts.Contracts contracts and opts.Users users, all in one
// transaction: it loads all or nothing. Seeding again with the same options
// changes nothing; with other options it returns ErrScaleSeeded, since
// mixing two seeds would give neither's shape (use a fresh database).
//
// Contracts are written with multi-row inserts while the contracts table's
// indexes are dropped (they are built again before the commit), so 400,000
// load in well under a minute. Their decision_window_date is derived by
// DecisionWindow, as for every other write; they get no change history.
func (db *DB) SeedNationalScale(ctx context.Context, opts ScaleOptions) (ScaleSummary, error) {
	start := time.Now()
	sum := ScaleSummary{Options: opts}
	if opts.Contracts < 0 || opts.Users < 0 {
		return sum, fmt.Errorf("national scale: contracts and users must not be negative")
	}
	cat, err := readScaleCatalogue(opts.Catalogue)
	if err != nil {
		return sum, err
	}
	today := DateOf(db.now())
	g := &scaleGen{
		db:    db,
		rng:   rand.New(rand.NewPCG(opts.Seed, 0x4a6f696e746c79)), // #nosec G404 -- synthetic benchmark data, seeded so a run can be repeated; nothing secret ("Jointly")
		today: today,
		// Rows are stamped with the start of today, not the instant, so
		// the same seed on the same day writes the same bytes.
		stamp: dbTime(today.Time()),
		cat:   cat,
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		// Checked inside the write transaction, so two seeds cannot race.
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'scale_seed'`).Scan(&prev)
		switch {
		case err == nil && prev == opts.record():
			sum.Unchanged = true
			return nil
		case err == nil:
			return fmt.Errorf("%w (%s), not %s: seed a fresh database", ErrScaleSeeded, prev, opts.record())
		case err != sql.ErrNoRows:
			return err
		}
		steps := []func(context.Context, *sql.Tx) error{g.topUpCouncils, g.readCouncils, g.readCategories, g.resolveCatalogue}
		for _, step := range steps {
			if err := step(ctx, tx); err != nil {
				return err
			}
		}
		if err := g.insertContracts(ctx, tx, opts.Contracts); err != nil {
			return err
		}
		if err := g.insertUsers(ctx, tx, opts.Users); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('scale_seed', ?)`, opts.record())
		return err
	})
	if err != nil {
		return sum, fmt.Errorf("national scale: %w", err)
	}
	if sum.Unchanged {
		return sum, nil
	}
	// Fold the write-ahead log into the database, as a server settles to
	// between imports: readers of a long log pay for it on every page.
	if _, err := db.W.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return sum, err
	}
	sum.CouncilsAdded, sum.Councils = g.added, len(g.councils)
	if g.added > 0 {
		sum.FirstSynthetic, sum.LastSynthetic = g.firstAdded, g.lastAdded
	}
	sum.Suppliers, sum.Products = g.supplierCount, g.productCount
	sum.Contracts, sum.Legacy, sum.Rolling, sum.Users = opts.Contracts, g.legacy, g.rolling, opts.Users
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// scaleRegions are the UK's regions, made if the database has none.
var scaleRegions = []struct{ name, nation string }{
	{"North East", "England"}, {"North West", "England"}, {"Yorkshire and The Humber", "England"},
	{"East Midlands", "England"}, {"West Midlands", "England"}, {"East of England", "England"},
	{"London", "England"}, {"South East", "England"}, {"South West", "England"},
	{"Scotland", "Scotland"}, {"Wales", "Wales"}, {"Northern Ireland", "Northern Ireland"},
}

// typicalPopulation stands in for a council whose population is unknown.
var typicalPopulation = map[string]int64{
	"CTY": 750000, "MD": 310000, "UA": 200000, "LBO": 280000, "NMD": 110000,
	"CC": 10000, "SCO": 170000, "WPA": 140000, "NID": 170000,
}

// topUpCouncils adds synthetic councils until 418 are active, spread over
// the real regions in turn, typed as their nation's councils are.
func (g *scaleGen) topUpCouncils(ctx context.Context, tx *sql.Tx) error {
	var active, synthetic int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE active = 1), count(*) FILTER (WHERE substr(gss_code, 2, 2) = ?) FROM councils`,
		SyntheticGSSEntity).Scan(&active, &synthetic); err != nil {
		return err
	}
	for i := 0; active+i < ScaleCouncils; i++ {
		n := synthetic + i + 1
		r := scaleRegions[(n-1)%len(scaleRegions)]
		regionID, err := ensureRegion(ctx, tx, r.name, r.nation)
		if err != nil {
			return err
		}
		typ, word := "NMD", "District"
		switch {
		case r.nation == "Scotland":
			typ, word = "SCO", "Council Area"
		case r.nation == "Wales":
			typ, word = "WPA", "County Borough"
		case r.nation == "Northern Ireland":
			typ, word = "NID", "Borough"
		case r.name == "London":
			typ, word = "LBO", "London Borough"
		case n%4 == 0:
			typ, word = "UA", "Unitary"
		case n%4 == 1:
			typ, word = "MD", "Metropolitan Borough"
		}
		gss := fmt.Sprintf("%c%s%06d", r.nation[0], SyntheticGSSEntity, n)
		name := fmt.Sprintf("Synthetic %s %d", word, n)
		// Log-uniform between half and twice the type's typical size.
		pop := int64(float64(typicalPopulation[typ]) * math.Exp((g.rng.Float64()*2-1)*math.Ln2))
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO councils (gss_code, name, official_name, type_code, region_id, active, population, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`,
			gss, name, name+" Council (synthetic, for load testing)", typ, regionID, pop, g.stamp, g.stamp); err != nil {
			return conflict(err, "council "+gss)
		}
		if g.added == 0 {
			g.firstAdded = gss
		}
		g.added, g.lastAdded = g.added+1, gss
	}
	return nil
}

// readCouncils reads the active councils with their weights: a council
// twice the size holds about 40% more contracts and users.
func (g *scaleGen) readCouncils(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT gss_code, type_code, coalesce(population, 0) FROM councils WHERE active = 1 ORDER BY gss_code`)
	if err != nil {
		return err
	}
	defer rows.Close()
	total := 0.0
	for rows.Next() {
		var c scaleCouncil
		if err := rows.Scan(&c.gss, &c.typ, &c.population); err != nil {
			return err
		}
		if c.population <= 0 {
			c.population = typicalPopulation[c.typ]
			if c.population == 0 {
				c.population = 150000
			}
		}
		total += math.Sqrt(float64(c.population))
		g.councils = append(g.councils, c)
		g.councilCum = append(g.councilCum, total)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(g.councils) == 0 {
		return errors.New("no active councils")
	}
	return nil
}

var (
	scaleFirstNames = []string{"Amira", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Isaac", "Jasmine",
		"Kieran", "Leah", "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Sophie", "Tariq", "Una", "Victor", "Wendy", "Yusuf", "Zoe"}
	scaleLastNames = []string{"Ahmed", "Brown", "Campbell", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
		"Khan", "Lewis", "Murphy", "Nowak", "O'Neill", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Walker", "Wilson", "Young"}
)

// insertUsers adds n officers and councillors over the councils by size,
// about one officer to two councillors. They have no password: they sign
// in by single sign-on. Their addresses are under .scale.invalid, a
// reserved top-level domain, so no mail to them can ever be delivered.
func (g *scaleGen) insertUsers(ctx context.Context, tx *sql.Tx, n int) error {
	const perStmt = 500
	for done := 0; done < n; done += perStmt {
		k := min(perStmt, n-done)
		args := make([]any, 0, k*6)
		for i := done; i < done+k; i++ {
			c := g.councils[g.pick(g.councilCum)]
			first, last := scaleFirstNames[g.rng.IntN(len(scaleFirstNames))], scaleLastNames[g.rng.IntN(len(scaleLastNames))]
			role, name := RoleCouncillor, "Cllr "+first+" "+last
			if g.rng.IntN(3) == 0 {
				role, name = RoleOfficer, first+" "+last
			}
			local := strings.ToLower(strings.ReplaceAll(first+"."+last, "'", ""))
			email := fmt.Sprintf("%s.%05d@%s.scale.invalid", local, i+1, strings.ToLower(c.gss))
			args = append(args, email, name, role, c.gss, g.stamp, g.stamp)
		}
		// #nosec G202 -- only placeholders are repeated; every value is a bound parameter.
		q := `INSERT INTO users (email, name, role, council_gss, created_at, updated_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", k), ", ")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("users: %w", conflict(err, "user"))
		}
	}
	return nil
}
