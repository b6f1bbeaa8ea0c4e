package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PendingRegistration is a self-registered company awaiting a link to
// the register, for the administrators' suppliers page.
type PendingRegistration struct {
	SupplierID           int64
	Name                 string
	ClaimedCompanyNumber string
	ContactName          string
	ContactEmail         string
	RegisteredAt         time.Time
	Users                int
	Confirmed            bool // at least one user has confirmed their address
	// The register's supplier holding the claimed number, if any.
	MatchID   int64
	MatchName string
}

// PendingRegistrations lists self-registered companies not yet linked to
// the register, oldest first.
func (db *DB) PendingRegistrations(ctx context.Context) ([]PendingRegistration, error) {
	rows, err := db.R.QueryContext(ctx,
		`SELECT s.id, s.name, coalesce(s.claimed_company_number, ''), s.contact_name, s.contact_email, s.registered_at,
		        (SELECT count(*) FROM users u WHERE u.supplier_id = s.id),
		        EXISTS (SELECT 1 FROM users u WHERE u.supplier_id = s.id AND u.awaiting_verification = 0),
		        coalesce(m.id, 0), coalesce(m.name, '')
		   FROM suppliers s LEFT JOIN suppliers m ON m.companies_house_number = s.claimed_company_number
		  WHERE s.registered_at IS NOT NULL AND NOT `+inRegister+`
		  ORDER BY s.registered_at, s.id`)
	if err != nil {
		return nil, fmt.Errorf("pending registrations: %w", err)
	}
	defer rows.Close()
	var out []PendingRegistration
	for rows.Next() {
		var p PendingRegistration
		var at string
		if err := rows.Scan(&p.SupplierID, &p.Name, &p.ClaimedCompanyNumber, &p.ContactName, &p.ContactEmail, &at,
			&p.Users, &p.Confirmed, &p.MatchID, &p.MatchName); err != nil {
			return nil, err
		}
		if p.RegisteredAt, err = parseDBTime(at); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PendingRegistration returns one self-registered company awaiting a link.
func (db *DB) PendingRegistration(ctx context.Context, id int64) (PendingRegistration, error) {
	all, err := db.PendingRegistrations(ctx)
	if err != nil {
		return PendingRegistration{}, err
	}
	for _, p := range all {
		if p.SupplierID == id {
			return p, nil
		}
	}
	return PendingRegistration{}, fmt.Errorf("pending registration %d: %w", id, ErrNotFound)
}

// LinkSupplier folds a self-registered company (registeredID) into the
// register's supplier (registerID), in one transaction: the registration's
// SME and VCSE status, contact and categories fill in what the register's
// supplier lacks, the claimed number becomes its Companies House number if
// it has none, the registration's questions and responses move across, and
// then MergeSuppliers' work moves its users, invitations and any contracts.
// A claimed number that differs from the register's is refused: they are
// different companies. Only admins link.
func (db *DB) LinkSupplier(ctx context.Context, actor User, registeredID, registerID int64) error {
	if actor.Role != RoleAdmin {
		return fmt.Errorf("link supplier: %w", ErrForbidden)
	}
	reg, err := db.PendingRegistration(ctx, registeredID)
	if err != nil {
		return err
	}
	field := func(msg string) error {
		return &ValidationError{Fields: []FieldError{{"register_supplier_id", msg}}}
	}
	var keepInRegister bool
	err = db.R.QueryRowContext(ctx, `SELECT `+inRegister+` FROM suppliers s WHERE s.id = ?`, registerID).Scan(&keepInRegister)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !keepInRegister) {
		return field("Choose a supplier from the register")
	} else if err != nil {
		return err
	}
	keep, err := db.SupplierByID(ctx, registerID)
	if err != nil {
		return err
	}
	gone, err := db.SupplierByID(ctx, registeredID)
	if err != nil {
		return err
	}
	claimed := reg.ClaimedCompanyNumber
	switch {
	case claimed != "" && keep.CompaniesHouseNumber != "" && claimed != keep.CompaniesHouseNumber:
		return field(fmt.Sprintf("%s gave Companies House number %s, but %s's is %s: they are different companies",
			reg.Name, claimed, keep.Name, keep.CompaniesHouseNumber))
	case claimed != "" && keep.CompaniesHouseNumber == "" && reg.MatchID != 0:
		return field(fmt.Sprintf("%s has Companies House number %s in the register: link to it instead", reg.MatchName, claimed))
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		clash, err := moveSupplierBids(ctx, tx, registerID, registeredID)
		if err != nil {
			return err
		}
		if clash {
			return field(fmt.Sprintf("%s and %s have each responded to the same opportunity: they cannot become one supplier", reg.Name, keep.Name))
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO supplier_categories (supplier_id, category_slug)
			SELECT ?, category_slug FROM supplier_categories WHERE supplier_id = ?`, registerID, registeredID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE suppliers SET
			        companies_house_number = coalesce(suppliers.companies_house_number, g.claimed_company_number),
			        claimed_company_number = coalesce(suppliers.claimed_company_number, g.claimed_company_number),
			        sme = coalesce(suppliers.sme, g.sme), vcse = coalesce(suppliers.vcse, g.vcse),
			        contact_name = CASE WHEN suppliers.contact_name = '' THEN g.contact_name ELSE suppliers.contact_name END,
			        contact_email = CASE WHEN suppliers.contact_email = '' THEN g.contact_email ELSE suppliers.contact_email END,
			        contact_phone = CASE WHEN suppliers.contact_phone = '' THEN g.contact_phone ELSE suppliers.contact_phone END,
			        registered_at = coalesce(suppliers.registered_at, g.registered_at)
			   FROM (SELECT * FROM suppliers WHERE id = ?) AS g
			  WHERE suppliers.id = ?`, registeredID, registerID); err != nil {
			return conflict(err, "supplier")
		}
		if err := db.mergeSuppliers(ctx, tx, actor, keep, gone); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "supplier.link", "supplier", fmt.Sprint(registerID), map[string]any{
			"registered_id": registeredID, "registered_name": reg.Name, "claimed_company_number": claimed,
		})
	})
}
