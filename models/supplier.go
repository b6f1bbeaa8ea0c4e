package models

import (
	"context"
	"database/sql"
	"strings"
	"unicode"
)

// Supplier is a company that sells to councils. Many spellings of its name
// are one supplier.
type Supplier struct {
	ID                   int64
	Name                 string
	CompaniesHouseNumber string
}

// legalSuffixes are dropped when comparing supplier names.
var legalSuffixes = map[string]string{
	"ltd": "", "limited": "", "plc": "", "llp": "", "lp": "", "co": "", "company": "", "inc": "", "uk": "uk",
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
	for len(words) > 1 {
		last := words[len(words)-1]
		if repl, ok := legalSuffixes[last]; ok && repl == "" {
			words = words[:len(words)-1]
			continue
		}
		break
	}
	return strings.Join(words, " ")
}

// ensureSupplier returns the supplier whose normalised name matches name,
// creating it if there is none.
func (db *DB) ensureSupplier(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	name = strings.TrimSpace(name)
	norm := NormaliseSupplierName(name)
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM suppliers WHERE normalised_name = ? ORDER BY id LIMIT 1`, norm).Scan(&id)
	if err == nil {
		return id, nil
	}
	if err != sql.ErrNoRows {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO suppliers (name, normalised_name, created_at) VALUES (?, ?, ?)`, name, norm, dbTime(db.now()))
	if err != nil {
		return 0, conflict(err, "supplier "+name)
	}
	return res.LastInsertId()
}
