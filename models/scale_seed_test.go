package models_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"jointly/data"
	"jointly/models"
	"jointly/testutil"
)

func scaleOpts(contracts, users int, seed uint64) models.ScaleOptions {
	return models.ScaleOptions{Contracts: contracts, Users: users, Seed: seed, Catalogue: data.Seed}
}

func mustSeedScale(t *testing.T, db *models.DB, opts models.ScaleOptions) models.ScaleSummary {
	t.Helper()
	sum, err := db.SeedNationalScale(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestSeedNationalScaleOverRealCouncils seeds over mySociety's councils,
// as `jointly import councils` then `jointly seed --scale national` do.
func TestSeedNationalScaleOverRealCouncils(t *testing.T) {
	db, _ := testutil.NewDB(t)
	ctx := context.Background()
	f, err := os.Open(testutil.SharedData(t, "local-authorities", "mysociety", "uk_local_authorities.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imported, err := db.ImportCouncils(ctx, 0, f)
	if err != nil {
		t.Fatal(err)
	}
	indexesBefore := contractIndexes(t, db)

	sum := mustSeedScale(t, db, scaleOpts(2000, 300, 1))

	if sum.Councils != models.ScaleCouncils || sum.CouncilsAdded != models.ScaleCouncils-imported.Active {
		t.Errorf("summary: %d councils, %d added; want %d, %d", sum.Councils, sum.CouncilsAdded, models.ScaleCouncils, models.ScaleCouncils-imported.Active)
	}
	wantScaleCount(t, db, `SELECT count(*) FROM councils WHERE active = 1`, models.ScaleCouncils)
	// The real councils are untouched; the synthetic ones say so and
	// carry codes in the unassigned entity 97.
	wantScaleCount(t, db, `SELECT count(*) FROM councils WHERE substr(gss_code, 2, 2) <> '97'`, imported.Active)
	wantScaleCount(t, db, `SELECT count(*) FROM councils WHERE substr(gss_code, 2, 2) = '97' AND name LIKE 'Synthetic %' AND official_name LIKE '%synthetic%'`,
		sum.CouncilsAdded)
	wantScaleCount(t, db, `SELECT count(DISTINCT region_id) FROM councils WHERE substr(gss_code, 2, 2) = '97'`, 12)
	wantScaleCount(t, db, `SELECT count(*) FROM regions`, 12)

	wantScaleCount(t, db, `SELECT count(*) FROM contracts`, 2000)
	wantScaleCount(t, db, `SELECT count(*) FROM users`, 300)
	// Users sign in by SSO: no password; their mail can never be delivered.
	wantScaleCount(t, db, `SELECT count(*) FROM users WHERE password_hash IS NULL AND role IN ('officer', 'councillor') AND email LIKE '%.scale.invalid'`, 300)
	wantScaleCount(t, db, `SELECT count(DISTINCT role) FROM users`, 2)

	// Every contract has a category of the taxonomy and a real supplier;
	// a product, when it has one, is that supplier's.
	wantScaleCount(t, db, `SELECT count(*) FROM contracts c JOIN categories k ON k.slug = c.category_slug JOIN suppliers s ON s.id = c.supplier_id
		LEFT JOIN products p ON p.id = c.product_id WHERE c.product_id IS NULL OR p.supplier_id = c.supplier_id`, 2000)
	// Every real product's contracts are shared out over councils.
	wantScaleAtLeast(t, db, `SELECT count(DISTINCT product_id) FROM contracts`, 60)
	wantScaleAtLeast(t, db, `SELECT count(DISTINCT council_gss) FROM contracts`, 300)

	// Decision windows are the register's own: models.DecisionWindow.
	checkDecisionWindows(t, db)

	// Legacy and rolling contracts are there, and the summary counts them.
	today := models.DateOf(testutil.Now)
	wantScaleAtLeast(t, db, `SELECT count(*) FROM contracts WHERE end_date IS NULL`, 1)
	wantScaleAtLeast(t, db, `SELECT count(*) FROM contracts WHERE times_extended > 1`, 1)
	wantScaleAtLeast(t, db, fmt.Sprintf(`SELECT count(*) FROM contracts WHERE start_date < '%s'`, today.AddMonths(-120)), 1)
	wantScaleAtLeast(t, db, fmt.Sprintf(`SELECT count(*) FROM contracts WHERE hosting = 'on_premises' AND end_of_support_date < '%s'`, today), 1)
	wantScaleAtLeast(t, db, fmt.Sprintf(`SELECT count(*) FROM contracts WHERE end_date < '%s'`, today), 1)
	wantScaleCount(t, db, `SELECT count(*) FROM contracts WHERE end_date IS NULL`, sum.Rolling)
	if sum.Legacy == 0 || sum.Legacy > 1000 {
		t.Errorf("summary: %d legacy contracts of 2000", sum.Legacy)
	}
	wantScaleCount(t, db, fmt.Sprintf(`SELECT count(*) FROM contracts WHERE end_date > '%s'`, today.AddMonths(121)), 0)

	// A few suppliers hold most of each category.
	var topShare float64
	if err := db.R.QueryRow(`SELECT avg(top) FROM (SELECT max(n) * 1.0 / sum(n) AS top FROM
		(SELECT category_slug, count(*) AS n FROM contracts GROUP BY category_slug, supplier_id) GROUP BY category_slug)`).Scan(&topShare); err != nil {
		t.Fatal(err)
	}
	if topShare < 0.25 {
		t.Errorf("the largest supplier holds %.0f%% of a category on average; want a dominant supplier", topShare*100)
	}

	// The indexes are all back, and the file is sound.
	if got := contractIndexes(t, db); got != indexesBefore {
		t.Errorf("contract indexes after seeding:\n%s\nwant:\n%s", got, indexesBefore)
	}
	var check string
	if err := db.R.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
	if s := sum.String(); !strings.Contains(s, "418 councils") || !strings.Contains(s, "2000 contracts") {
		t.Errorf("summary line %q", s)
	}
}

// TestSeedNationalScaleIsDeterministic seeds two fresh databases (no
// councils: all 418 are synthetic) with the same seed and compares them.
func TestSeedNationalScaleIsDeterministic(t *testing.T) {
	fingerprints := map[string]string{}
	for _, run := range []struct {
		name string
		seed uint64
	}{{"first", 7}, {"second", 7}, {"other seed", 8}} {
		db, _ := testutil.NewDB(t)
		sum := mustSeedScale(t, db, scaleOpts(1500, 50, run.seed))
		if sum.CouncilsAdded != models.ScaleCouncils {
			t.Fatalf("%s: %d councils added to an empty database, want %d", run.name, sum.CouncilsAdded, models.ScaleCouncils)
		}
		fingerprints[run.name] = scaleFingerprint(t, db)
	}
	if fingerprints["first"] != fingerprints["second"] {
		t.Error("the same seed gave different databases")
	}
	if fingerprints["first"] == fingerprints["other seed"] {
		t.Error("another seed gave the same database")
	}
}

// TestSeedNationalScaleAgain: the same options again change nothing;
// other options are refused rather than mixed in.
func TestSeedNationalScaleAgain(t *testing.T) {
	db, _ := testutil.NewDB(t)
	mustSeedScale(t, db, scaleOpts(500, 20, 3))
	before := scaleFingerprint(t, db)

	sum := mustSeedScale(t, db, scaleOpts(500, 20, 3))
	if !sum.Unchanged || !strings.Contains(sum.String(), "nothing changed") {
		t.Errorf("seeding again: %+v, %q; want unchanged", sum, sum)
	}
	if scaleFingerprint(t, db) != before {
		t.Error("seeding again with the same options changed the database")
	}
	for _, opts := range []models.ScaleOptions{scaleOpts(600, 20, 3), scaleOpts(500, 20, 4), scaleOpts(500, 0, 3)} {
		if _, err := db.SeedNationalScale(context.Background(), opts); !errors.Is(err, models.ErrScaleSeeded) {
			t.Errorf("%+v: err %v, want ErrScaleSeeded", opts, err)
		}
	}
	if scaleFingerprint(t, db) != before {
		t.Error("a refused seed changed the database")
	}
}

// TestSeedNationalScaleBesideTheDemo: the demo's councils, suppliers and
// registers stay as they were, and the catalogue's suppliers are the
// demo's own (matched by company number or name), not duplicates.
func TestSeedNationalScaleBesideTheDemo(t *testing.T) {
	db, _ := testutil.SeededDB(t)
	demoContracts, demoSuppliers := count(t, db, "contracts"), count(t, db, "suppliers")
	mustSeedScale(t, db, scaleOpts(1000, 0, 1))
	wantScaleCount(t, db, `SELECT count(*) FROM contracts WHERE source <> 'scale'`, demoContracts)
	wantScaleCount(t, db, `SELECT count(*) FROM councils WHERE active = 1`, models.ScaleCouncils)
	wantScaleCount(t, db, `SELECT count(*) FROM (SELECT normalised_name FROM suppliers GROUP BY normalised_name HAVING count(*) > 1)`, 0)
	if got := count(t, db, "suppliers"); got > demoSuppliers+240 {
		t.Errorf("%d suppliers after seeding beside %d of the demo: the catalogue's suppliers were duplicated", got, demoSuppliers)
	}
}

func checkDecisionWindows(t *testing.T, db *models.DB) {
	t.Helper()
	rows, err := db.R.Query(`SELECT id, end_date, max_extension_date, extension_intended, notice_period_months, decision_window_date FROM contracts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var end, maxExt, window models.Date
		var intended bool
		var notice sql.NullInt64
		if err := rows.Scan(&id, &end, &maxExt, &intended, &notice, &window); err != nil {
			t.Fatal(err)
		}
		if want := models.DecisionWindow(end, maxExt, intended, int(notice.Int64), models.DefaultLeadTimeMonths); window.String() != want.String() {
			t.Fatalf("contract %d: decision window %v, want %v", id, window, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// scaleFingerprint hashes what the seed wrote, by content rather than ids.
func scaleFingerprint(t *testing.T, db *models.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT gss_code, name, official_name, type_code, region_id, population FROM councils ORDER BY gss_code`,
		`SELECT c.council_gss, c.reference, c.title, s.name, coalesce(p.name, ''), c.category_slug, c.total_value_pence, c.annual_value_pence,
			c.start_date, c.end_date, c.max_extension_date, c.extension_intended, c.times_extended, c.notice_period_months,
			c.procurement_route, c.sme, c.hosting, c.end_of_support_date, c.decision_window_date
		   FROM contracts c JOIN suppliers s ON s.id = c.supplier_id LEFT JOIN products p ON p.id = c.product_id ORDER BY c.council_gss, c.reference`,
		`SELECT email, name, role, council_gss FROM users ORDER BY email`,
	} {
		rows, err := db.R.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func contractIndexes(t *testing.T, db *models.DB) string {
	t.Helper()
	rows, err := db.R.Query(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'contracts' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			t.Fatal(err)
		}
		out = append(out, q)
	}
	if len(out) == 0 {
		t.Fatal("contracts has no indexes")
	}
	return strings.Join(out, "\n")
}

func wantScaleCount(t *testing.T, db *models.DB, q string, want int) {
	t.Helper()
	var got int
	if err := db.R.QueryRow(q).Scan(&got); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if got != want {
		t.Errorf("%s\n= %d, want %d", q, got, want)
	}
}

func wantScaleAtLeast(t *testing.T, db *models.DB, q string, want int) {
	t.Helper()
	var got int
	if err := db.R.QueryRow(q).Scan(&got); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if got < want {
		t.Errorf("%s\n= %d, want at least %d", q, got, want)
	}
}
