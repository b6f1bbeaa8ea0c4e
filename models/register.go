package models

import (
	"context"
	"fmt"
)

// RegisterSuppliers lists the suppliers holding contracts in a council's
// register, by name, each with its number of contracts there: the choices
// of the register's supplier filter.
func (db *DB) RegisterSuppliers(ctx context.Context, viewer User, gss string) ([]Supplier, error) {
	if !CanReadRegisters(viewer) {
		return nil, fmt.Errorf("read register suppliers: %w", ErrForbidden)
	}
	rows, err := db.R.QueryContext(ctx,
		`SELECT s.id, s.name, coalesce(s.companies_house_number, ''), count(*)
		   FROM contracts c JOIN suppliers s ON s.id = c.supplier_id
		  WHERE c.council_gss = ?
		  GROUP BY s.id ORDER BY s.name COLLATE NOCASE, s.id`, gss)
	if err != nil {
		return nil, fmt.Errorf("register suppliers: %w", err)
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
