package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// SupplierDetails are what a supplier keeps up to date on its profile.
type SupplierDetails struct {
	SME, VCSE    *bool
	Categories   []string
	ContactName  string
	ContactEmail string
	ContactPhone string
}

// SupplierProfile is a supplier company as its own users see it.
type SupplierProfile struct {
	SupplierID int64
	Name       string
	// CompaniesHouseNumber is the register's: set once an administrator
	// has linked the company (or for a supplier the register knows).
	CompaniesHouseNumber string
	// ClaimedCompanyNumber is the number given when registering.
	ClaimedCompanyNumber string
	// InRegister: the company is the register's supplier (linked, or
	// never self-registered); false while a registration awaits a link.
	InRegister   bool
	RegisteredAt time.Time // zero unless it registered itself
	SupplierDetails
}

// validPhone allows what people write in a UK or international number.
func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +()-.", r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// validate checks and tidies a supplier's details, adding problems to verr.
// emailField names the contact address's field.
func (d *SupplierDetails) validate(verr *ValidationError, known map[string]bool, emailField string, requireEmail bool) {
	d.ContactName = strings.TrimSpace(d.ContactName)
	d.ContactEmail = NormaliseEmail(d.ContactEmail)
	d.ContactPhone = strings.TrimSpace(d.ContactPhone)
	if d.SME == nil {
		verr.Add("sme", "Select yes if the company is a small or medium-sized enterprise (SME)")
	}
	if d.VCSE == nil {
		verr.Add("vcse", "Select yes if the company is a voluntary, community or social enterprise (VCSE)")
	}
	seen := map[string]bool{}
	var cats []string
	for _, c := range d.Categories {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		if !known[c] {
			verr.Add("categories", "Select categories from the list")
			break
		}
		seen[c] = true
		cats = append(cats, c)
	}
	d.Categories = cats
	if len(cats) == 0 && !verr.Has("categories") {
		verr.Add("categories", "Select at least one category of technology you supply")
	}
	switch {
	case d.ContactName == "":
		verr.Add("contact_name", "Enter your full name")
	case utf8.RuneCountInString(d.ContactName) > 200:
		verr.Add("contact_name", "Name must be 200 characters or fewer")
	}
	switch {
	case d.ContactEmail == "" && requireEmail:
		verr.Add(emailField, "Enter an email address")
	case d.ContactEmail != "" && !ValidEmail(d.ContactEmail):
		verr.Add(emailField, "Enter an email address in the correct format, like name@company.co.uk")
	}
	if d.ContactPhone != "" && !validPhone(d.ContactPhone) {
		verr.Add("phone", "Enter a telephone number, like 0113 496 0000 or +44 113 496 0000")
	}
}

func (db *DB) categorySlugs(ctx context.Context) (map[string]bool, error) {
	cats, err := db.Categories(ctx)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(cats))
	for _, c := range cats {
		known[c.Slug] = true
	}
	return known, nil
}

func setSupplierCategories(ctx context.Context, tx *sql.Tx, supplierID int64, slugs []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM supplier_categories WHERE supplier_id = ?`, supplierID); err != nil {
		return err
	}
	for _, s := range slugs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO supplier_categories (supplier_id, category_slug) VALUES (?, ?)`, supplierID, s); err != nil {
			return err
		}
	}
	return nil
}

// SupplierCategories lists the categories a supplier is interested in, in
// the taxonomy's order: whose suppliers hear of new opportunities.
func (db *DB) SupplierCategories(ctx context.Context, supplierID int64) ([]string, error) {
	rows, err := db.R.QueryContext(ctx,
		`SELECT sc.category_slug FROM supplier_categories sc JOIN categories c ON c.slug = sc.category_slug
		  WHERE sc.supplier_id = ? ORDER BY c.position`, supplierID)
	if err != nil {
		return nil, fmt.Errorf("supplier categories: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const inRegister = `EXISTS (SELECT 1 FROM supplier_aliases a WHERE a.supplier_id = s.id)`

// SupplierProfile returns the viewer's own company.
func (db *DB) SupplierProfile(ctx context.Context, viewer User) (SupplierProfile, error) {
	if viewer.Role != RoleSupplier || viewer.SupplierID == 0 {
		return SupplierProfile{}, fmt.Errorf("supplier profile: %w", ErrForbidden)
	}
	var p SupplierProfile
	var sme, vcse sql.NullBool
	var registered string
	err := db.R.QueryRowContext(ctx,
		`SELECT s.id, s.name, coalesce(s.companies_house_number, ''), coalesce(s.claimed_company_number, ''),
		        `+inRegister+`, coalesce(s.registered_at, ''), s.sme, s.vcse, s.contact_name, s.contact_email, s.contact_phone
		   FROM suppliers s WHERE s.id = ?`, viewer.SupplierID).
		Scan(&p.SupplierID, &p.Name, &p.CompaniesHouseNumber, &p.ClaimedCompanyNumber, &p.InRegister, &registered,
			&sme, &vcse, &p.ContactName, &p.ContactEmail, &p.ContactPhone)
	if err != nil {
		return SupplierProfile{}, notFound(err, fmt.Sprintf("supplier %d", viewer.SupplierID))
	}
	if sme.Valid {
		p.SME = &sme.Bool
	}
	if vcse.Valid {
		p.VCSE = &vcse.Bool
	}
	if p.RegisteredAt, err = parseDBTime(registered); err != nil {
		return SupplierProfile{}, err
	}
	p.Categories, err = db.SupplierCategories(ctx, p.SupplierID)
	return p, err
}

// UpdateSupplierProfile saves the actor's company's SME and VCSE status,
// categories of interest and contact details.
func (db *DB) UpdateSupplierProfile(ctx context.Context, actor User, in SupplierDetails) error {
	if actor.Role != RoleSupplier || actor.SupplierID == 0 {
		return fmt.Errorf("update supplier profile: %w", ErrForbidden)
	}
	known, err := db.categorySlugs(ctx)
	if err != nil {
		return err
	}
	verr := &ValidationError{}
	in.validate(verr, known, "contact_email", true)
	if err := verr.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE suppliers SET sme = ?, vcse = ?, contact_name = ?, contact_email = ?, contact_phone = ? WHERE id = ?`,
			*in.SME, *in.VCSE, in.ContactName, in.ContactEmail, in.ContactPhone, actor.SupplierID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("supplier %d: %w", actor.SupplierID, ErrNotFound)
		}
		if err := setSupplierCategories(ctx, tx, actor.SupplierID, in.Categories); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "supplier.profile", "supplier", fmt.Sprint(actor.SupplierID), map[string]any{
			"sme": *in.SME, "vcse": *in.VCSE, "categories": in.Categories,
		})
	})
}
