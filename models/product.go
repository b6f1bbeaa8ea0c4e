package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Product is a system a supplier sells, such as "Civica OpenRevenues". Two
// councils naming the same product of the same supplier share it.
type Product struct {
	ID               int64
	SupplierID       int64
	SupplierName     string
	Name             string
	CategorySlug     string
	EndOfSupportDate Date
}

// normaliseProductName compares product names without case or punctuation.
func normaliseProductName(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}), " ")
}

// resolveProduct finds the supplier's product by name, creating it if new.
// A product's category and end of support are set from the first contract
// that names them.
func (db *DB) resolveProduct(ctx context.Context, tx *sql.Tx, supplierID int64, name, category string, endOfSupport Date) (int64, error) {
	name = strings.TrimSpace(name)
	norm := normaliseProductName(name)
	if norm == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM products WHERE supplier_id = ? AND normalised_name = ?`, supplierID, norm).Scan(&id)
	if err == nil {
		_, err = tx.ExecContext(ctx,
			`UPDATE products SET category_slug = coalesce(category_slug, nullif(?, '')), end_of_support_date = coalesce(end_of_support_date, ?) WHERE id = ?`,
			category, endOfSupport, id)
		return id, err
	}
	if err != sql.ErrNoRows {
		return 0, err
	}
	res, err := tx.ExecContext(ctx,
		`INSERT INTO products (supplier_id, name, normalised_name, category_slug, end_of_support_date, created_at) VALUES (?, ?, ?, nullif(?, ''), ?, ?)`,
		supplierID, name, norm, category, endOfSupport, dbTime(db.now()))
	if err != nil {
		return 0, conflict(err, "product "+name)
	}
	return res.LastInsertId()
}

// ProductByID returns one product.
func (db *DB) ProductByID(ctx context.Context, id int64) (Product, error) {
	var p Product
	var cat sql.NullString
	err := db.R.QueryRowContext(ctx,
		`SELECT p.id, p.supplier_id, s.name, p.name, p.category_slug, p.end_of_support_date
		   FROM products p JOIN suppliers s ON s.id = p.supplier_id WHERE p.id = ?`, id).
		Scan(&p.ID, &p.SupplierID, &p.SupplierName, &p.Name, &cat, &p.EndOfSupportDate)
	if err != nil {
		return Product{}, notFound(err, fmt.Sprintf("product %d", id))
	}
	p.CategorySlug = cat.String
	return p, nil
}
