package models

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Supplier is a company that sells to councils. Many spellings of its name
// are one supplier: they are kept as aliases.
type Supplier struct {
	ID                   int64
	Name                 string
	CompaniesHouseNumber string
	Aliases              []string
	ContractCount        int
}

// legalSuffixes are dropped from the end of supplier names when comparing.
var legalSuffixes = map[string]bool{
	"ltd": true, "limited": true, "plc": true, "llp": true, "lp": true, "co": true, "company": true, "inc": true,
}

// NormaliseSupplierName reduces a company name to the form two spellings of
// the same supplier share: lower case, no punctuation, "&" read as "and",
// no leading "The" and no trailing Ltd/Limited/PLC/LLP.
// "CAPITA BUSINESS SERVICES LTD" and "Capita Business Services Limited" are
// both "capita business services".
func NormaliseSupplierName(name string) string {
	name = strings.ReplaceAll(strings.ToLower(name), "&", " and ")
	// An apostrophe joins its word: "Sainsbury's" is "sainsburys", not "sainsbury s".
	name = strings.NewReplacer("'", "", "\u2019", "").Replace(name)
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	for len(words) > 1 && legalSuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

var companyNumberPattern = regexp.MustCompile(`^([0-9]{8}|[A-Z]{2}[0-9]{6})$`)

// NormaliseCompanyNumber reads a Companies House number as councils write
// it ("1234567", "01234567", "sc 123456", "GB-COH-01234567") and returns
// its canonical eight-character form, or ok=false.
func NormaliseCompanyNumber(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	s = strings.TrimPrefix(s, "GB-COH-")
	if s == "" {
		return "", false
	}
	if allDigits(s) && len(s) < 8 {
		s = strings.Repeat("0", 8-len(s)) + s
	}
	if !companyNumberPattern.MatchString(s) {
		return "", false
	}
	return s, true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// ensureSupplier finds or creates a supplier by name alone.
func (db *DB) ensureSupplier(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	return db.resolveSupplier(ctx, tx, name, "")
}

// resolveSupplier finds the supplier a (name, company number) pair means:
// by Companies House number first, then by normalised name; it creates one
// if neither matches, and remembers every new spelling as an alias.
func (db *DB) resolveSupplier(ctx context.Context, tx *sql.Tx, name, number string) (int64, error) {
	name = strings.TrimSpace(name)
	norm := NormaliseSupplierName(name)
	num, hasNum := NormaliseCompanyNumber(number)
	var id int64
	if hasNum {
		err := tx.QueryRowContext(ctx, `SELECT id FROM suppliers WHERE companies_house_number = ?`, num).Scan(&id)
		if err == nil {
			return id, addSupplierAlias(ctx, tx, id, name, norm)
		}
		if err != sql.ErrNoRows {
			return 0, err
		}
	}
	if norm != "" {
		var existing sql.NullString
		err := tx.QueryRowContext(ctx,
			`SELECT s.id, s.companies_house_number FROM supplier_aliases a JOIN suppliers s ON s.id = a.supplier_id WHERE a.normalised_name = ?`, norm).
			Scan(&id, &existing)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return 0, err
		case !hasNum:
			return id, nil
		case !existing.Valid:
			// The name was known without a number: now it has one.
			_, err := tx.ExecContext(ctx, `UPDATE suppliers SET companies_house_number = ? WHERE id = ?`, num, id)
			return id, err
		default:
			// Same name, different company number: a different company.
		}
	}
	if name == "" {
		return 0, &ValidationError{Fields: []FieldError{{"supplier", "Enter the supplier's name"}}}
	}
	var numArg any
	if hasNum {
		numArg = num
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO suppliers (name, normalised_name, companies_house_number, created_at) VALUES (?, ?, ?, ?)`,
		name, norm, numArg, dbTime(db.now()))
	if err != nil {
		return 0, conflict(err, "supplier "+name)
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	return id, addSupplierAlias(ctx, tx, id, name, norm)
}

// addSupplierAlias remembers a spelling; a spelling already held by
// another supplier stays with that one.
func addSupplierAlias(ctx context.Context, tx *sql.Tx, id int64, name, norm string) error {
	if norm == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO supplier_aliases (normalised_name, supplier_id, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, norm, id, name)
	return err
}

// EnsureSupplier finds or creates a supplier by name and company number.
func (db *DB) EnsureSupplier(ctx context.Context, name, number string) (int64, error) {
	var id int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = db.resolveSupplier(ctx, tx, name, number)
		return err
	})
	return id, err
}

// SupplierByID returns a supplier with its aliases.
func (db *DB) SupplierByID(ctx context.Context, id int64) (Supplier, error) {
	var s Supplier
	var num sql.NullString
	err := db.R.QueryRowContext(ctx, `SELECT id, name, companies_house_number, (SELECT count(*) FROM contracts WHERE supplier_id = s.id)
		FROM suppliers s WHERE id = ?`, id).Scan(&s.ID, &s.Name, &num, &s.ContractCount)
	if err != nil {
		return Supplier{}, notFound(err, fmt.Sprintf("supplier %d", id))
	}
	s.CompaniesHouseNumber = num.String
	rows, err := db.R.QueryContext(ctx, `SELECT name FROM supplier_aliases WHERE supplier_id = ? ORDER BY name`, id)
	if err != nil {
		return Supplier{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return Supplier{}, err
		}
		s.Aliases = append(s.Aliases, a)
	}
	return s, rows.Err()
}

// SearchSuppliers finds suppliers by any spelling of their name, or by
// company number, best first.
func (db *DB) SearchSuppliers(ctx context.Context, q string, limit int) ([]Supplier, error) {
	norm := NormaliseSupplierName(q)
	num, _ := NormaliseCompanyNumber(q)
	if norm == "" && num == "" {
		return nil, nil
	}
	rows, err := db.R.QueryContext(ctx,
		`SELECT s.id, s.name, coalesce(s.companies_house_number, ''),
		        (SELECT count(*) FROM contracts c WHERE c.supplier_id = s.id) AS n
		   FROM suppliers s
		  WHERE s.companies_house_number = ?
		     OR s.id IN (SELECT supplier_id FROM supplier_aliases WHERE normalised_name LIKE '%' || ? || '%' ESCAPE '\')
		  ORDER BY (s.companies_house_number = ?) DESC, (s.normalised_name = ?) DESC, n DESC, s.name
		  LIMIT ?`, num, escapeLike(norm), num, norm, limit)
	if err != nil {
		return nil, fmt.Errorf("search suppliers: %w", err)
	}
	defer rows.Close()
	var out []Supplier
	for rows.Next() {
		var s Supplier
		if err := rows.Scan(&s.ID, &s.Name, &s.CompaniesHouseNumber, &s.ContractCount); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// MergeSuppliers folds supplier from into supplier into: its contracts,
// products, users and spellings move across, and the merge is recorded in
// the audit trail and in each moved contract's history. Only admins merge.
func (db *DB) MergeSuppliers(ctx context.Context, actor User, into, from int64) error {
	if actor.Role != RoleAdmin {
		return fmt.Errorf("merge suppliers: %w", ErrForbidden)
	}
	if into == from {
		return &ValidationError{Fields: []FieldError{{"from", "Choose two different suppliers"}}}
	}
	keep, err := db.SupplierByID(ctx, into)
	if err != nil {
		return err
	}
	gone, err := db.SupplierByID(ctx, from)
	if err != nil {
		return err
	}
	if keep.CompaniesHouseNumber != "" && gone.CompaniesHouseNumber != "" && keep.CompaniesHouseNumber != gone.CompaniesHouseNumber {
		return &ValidationError{Fields: []FieldError{{"from", fmt.Sprintf(
			"%s and %s have different Companies House numbers (%s, %s): they are different companies",
			keep.Name, gone.Name, keep.CompaniesHouseNumber, gone.CompaniesHouseNumber)}}}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error { return db.mergeSuppliers(ctx, tx, actor, keep, gone) })
}

// mergeSuppliers is MergeSuppliers' work inside tx, once the two suppliers
// are known to be mergeable; linking a self-registered supplier to the
// register (supplier_registration.go) runs it in its own transaction.
func (db *DB) mergeSuppliers(ctx context.Context, tx *sql.Tx, actor User, keep, gone Supplier) error {
	into, from := keep.ID, gone.ID
	now := dbTime(db.now())
	clash, err := moveSupplierBids(ctx, tx, into, from)
	if err != nil {
		return err
	}
	if clash {
		return &ValidationError{Fields: []FieldError{{"from", fmt.Sprintf(
			"%s and %s have each responded to the same opportunity: they cannot become one supplier", keep.Name, gone.Name)}}}
	}
	// Products of the same name become one product.
	if _, err := tx.ExecContext(ctx,
		`UPDATE contracts SET product_id = (SELECT k.id FROM products k JOIN products g ON g.normalised_name = k.normalised_name
		                                    WHERE g.id = contracts.product_id AND k.supplier_id = ?)
		  WHERE product_id IN (SELECT g.id FROM products g WHERE g.supplier_id = ?
		                         AND EXISTS (SELECT 1 FROM products k WHERE k.supplier_id = ? AND k.normalised_name = g.normalised_name))`,
		into, from, into); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`DELETE FROM products WHERE supplier_id = ? AND normalised_name IN (SELECT normalised_name FROM products WHERE supplier_id = ?)`, from, into); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE products SET supplier_id = ? WHERE supplier_id = ?`, into, from); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, council_gss FROM contracts WHERE supplier_id = ?`, from)
	if err != nil {
		return err
	}
	type moved struct {
		id  int64
		gss string
	}
	var ms []moved
	for rows.Next() {
		var m moved
		if err := rows.Scan(&m.id, &m.gss); err != nil {
			_ = rows.Close()
			return err
		}
		ms = append(ms, m)
	}
	_ = rows.Close()
	if _, err := tx.ExecContext(ctx, `UPDATE contracts SET supplier_id = ?, updated_at = ? WHERE supplier_id = ?`, into, now, from); err != nil {
		return err
	}
	change := []FieldChange{{Field: "supplier", Old: gone.Name, New: keep.Name}}
	for _, m := range ms {
		if err := db.recordContractChange(ctx, tx, m.id, m.gss, actor.ID, "update", "merge", change); err != nil {
			return err
		}
	}
	for _, q := range []string{
		`UPDATE users SET supplier_id = ? WHERE supplier_id = ?`,
		`UPDATE invitations SET supplier_id = ? WHERE supplier_id = ?`,
		`UPDATE supplier_aliases SET supplier_id = ? WHERE supplier_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, into, from); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM suppliers WHERE id = ?`, from); err != nil {
		return err
	}
	if keep.CompaniesHouseNumber == "" && gone.CompaniesHouseNumber != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE suppliers SET companies_house_number = ? WHERE id = ?`, gone.CompaniesHouseNumber, into); err != nil {
			return err
		}
	}
	return db.audit(ctx, tx, actor.ID, "supplier.merge", "supplier", fmt.Sprint(into), map[string]any{
		"merged_id": from, "merged_name": gone.Name, "merged_number": gone.CompaniesHouseNumber, "contracts_moved": len(ms),
	})
}

// moveSupplierBids moves supplier from's clarification questions and bid
// responses (receipts stay with their response) to supplier into, unless
// both responded to the same bid, which would make two responses one:
// then it moves nothing and reports the clash.
func moveSupplierBids(ctx context.Context, tx *sql.Tx, into, from int64) (clash bool, err error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bid_responses a JOIN bid_responses b ON a.bid_id = b.bid_id
		WHERE a.supplier_id = ? AND b.supplier_id = ?`, from, into).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return true, nil
	}
	for _, q := range []string{
		`UPDATE bid_questions SET supplier_id = ? WHERE supplier_id = ?`,
		`UPDATE bid_responses SET supplier_id = ? WHERE supplier_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, into, from); err != nil {
			return false, err
		}
	}
	return false, nil
}
