package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

const contractColumns = `c.id, c.council_gss, co.name, c.reference, c.title, c.department, c.description,
	c.supplier_id, s.name, coalesce(s.companies_house_number, ''), coalesce(c.product_id, 0), coalesce(p.name, ''),
	coalesce(c.category_slug, ''), coalesce(cat.name, ''),
	c.total_value_pence, c.annual_value_pence, c.irrecoverable_vat_pence,
	c.start_date, c.end_date, c.review_date, c.max_extension_date, c.end_of_support_date,
	c.extension_intended, c.times_extended, c.notice_period_months, c.procurement_route, c.sme, c.vcse,
	c.hosting, c.notes, c.decision_window_date, c.source, c.ocid, c.created_at, c.updated_at`

const contractFrom = ` FROM contracts c
	JOIN councils co ON co.gss_code = c.council_gss
	JOIN suppliers s ON s.id = c.supplier_id
	LEFT JOIN products p ON p.id = c.product_id
	LEFT JOIN categories cat ON cat.slug = c.category_slug `

func scanContract(s interface{ Scan(...any) error }) (Contract, error) {
	var c Contract
	var created, updated string
	err := s.Scan(&c.ID, &c.CouncilGSS, &c.CouncilName, &c.Reference, &c.Title, &c.Department, &c.Description,
		&c.SupplierID, &c.SupplierName, &c.SupplierCompanyNumber, &c.ProductID, &c.ProductName,
		&c.CategorySlug, &c.CategoryName,
		&c.TotalValuePence, &c.AnnualValuePence, &c.IrrecoverableVATPence,
		&c.StartDate, &c.EndDate, &c.ReviewDate, &c.MaxExtensionDate, &c.EndOfSupportDate,
		&c.ExtensionIntended, &c.TimesExtended, &c.NoticePeriodMonths, &c.ProcurementRoute, &c.SME, &c.VCSE,
		&c.Hosting, &c.Notes, &c.DecisionWindow, &c.Source, &c.OCID, &created, &updated)
	if err != nil {
		return c, err
	}
	c.CreatedAt, _ = parseDBTime(created)
	c.UpdatedAt, _ = parseDBTime(updated)
	return c, nil
}

// ContractByID returns one contract, if viewer may read registers.
func (db *DB) ContractByID(ctx context.Context, viewer User, id int64) (Contract, error) {
	if !CanReadRegisters(viewer) {
		return Contract{}, fmt.Errorf("read contract %d: %w", id, ErrForbidden)
	}
	c, err := scanContract(db.R.QueryRowContext(ctx, `SELECT `+contractColumns+contractFrom+`WHERE c.id = ?`, id))
	if err != nil {
		return Contract{}, notFound(err, fmt.Sprintf("contract %d", id))
	}
	return c, nil
}

// Register sort orders.
const (
	SortEndDate  = "end_date"
	SortValue    = "value"
	SortSupplier = "supplier"
	SortWindow   = "decision_window"
	// SortID is the API's order: its cursor (AfterID) pages by id, so the
	// first page must be in id order too.
	SortID = "id"
)

// ContractFilter narrows and orders a register.
type ContractFilter struct {
	CouncilGSS   string // "" for every council (the API and discovery)
	CategorySlug string
	SupplierID   int64
	Hosting      string
	// WindowWithinDays keeps contracts whose decision window falls on or
	// before today + N days (including those already passed); 0 is off.
	WindowWithinDays int
	Today            Date
	Sort             string
	Desc             bool
	Limit            int   // default 50, at most 500
	Offset           int   // for pages
	AfterID          int64 // for the API's cursor: ordered by id
}

// ContractPage is one page of a register.
type ContractPage struct {
	Contracts []Contract
	Total     int
	NextAfter int64 // the cursor for the next page (AfterID), 0 at the end
}

// Contracts lists contracts matching f, if viewer may read registers.
func (db *DB) Contracts(ctx context.Context, viewer User, f ContractFilter) (ContractPage, error) {
	if !CanReadRegisters(viewer) {
		return ContractPage{}, fmt.Errorf("read register: %w", ErrForbidden)
	}
	where := []string{"1 = 1"}
	var args []any
	if f.CouncilGSS != "" {
		where = append(where, "c.council_gss = ?")
		args = append(args, f.CouncilGSS)
	}
	if f.CategorySlug != "" {
		where = append(where, "c.category_slug = ?")
		args = append(args, f.CategorySlug)
	}
	if f.SupplierID != 0 {
		where = append(where, "c.supplier_id = ?")
		args = append(args, f.SupplierID)
	}
	if f.Hosting != "" {
		where = append(where, "c.hosting = ?")
		args = append(args, f.Hosting)
	}
	if f.WindowWithinDays > 0 {
		today := f.Today
		if today.IsZero() {
			today = DateOf(db.now())
		}
		where = append(where, "c.decision_window_date IS NOT NULL AND c.decision_window_date <= ?")
		args = append(args, today.AddDays(f.WindowWithinDays).String())
	}
	cond := strings.Join(where, " AND ")
	var page ContractPage
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM contracts c WHERE `+cond, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count contracts: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	var order string
	switch f.Sort {
	case SortValue:
		order = "coalesce(c.annual_value_pence, c.total_value_pence, -1) " + dir + ", c.id"
	case SortSupplier:
		order = "s.name COLLATE NOCASE " + dir + ", c.id"
	case SortWindow:
		order = "c.decision_window_date IS NULL, c.decision_window_date " + dir + ", c.id"
	case SortID:
		order = "c.id " + dir
	case SortEndDate, "":
		order = "c.end_date IS NULL, c.end_date " + dir + ", c.id"
	default:
		return page, &ValidationError{Fields: []FieldError{{"sort", "Sort by end_date, value, supplier or decision_window"}}}
	}
	// #nosec G202 -- cond and order are built from constant fragments; every value is a bound parameter.
	q := `SELECT ` + contractColumns + contractFrom + `WHERE ` + cond
	if f.AfterID > 0 {
		// The API pages by cursor, in id order, so pages never overlap
		// while contracts are added.
		q += ` AND c.id > ?`
		args = append(args, f.AfterID)
		order = "c.id"
	}
	q += ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	args = append(args, limit+1, f.Offset)
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return page, fmt.Errorf("list contracts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			return page, err
		}
		page.Contracts = append(page.Contracts, c)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Contracts) > limit {
		page.Contracts = page.Contracts[:limit]
		page.NextAfter = page.Contracts[limit-1].ID
	}
	return page, nil
}

// ContractChange is one entry of a contract's history.
type ContractChange struct {
	ID        int64
	At        time.Time
	ActorID   int64
	ActorName string
	Action    string
	Source    string
	Changes   []FieldChange
}

// ContractHistory lists a contract's changes, newest first. It outlives
// the contract: the history of a deleted contract can still be read.
func (db *DB) ContractHistory(ctx context.Context, viewer User, id int64) ([]ContractChange, error) {
	if !CanReadRegisters(viewer) {
		return nil, fmt.Errorf("read contract history: %w", ErrForbidden)
	}
	rows, err := db.R.QueryContext(ctx,
		`SELECT h.id, h.at, coalesce(h.actor_id, 0), coalesce(u.name, 'Jointly'), h.action, h.source, h.changes
		   FROM contract_changes h LEFT JOIN users u ON u.id = h.actor_id WHERE h.contract_id = ? ORDER BY h.id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("contract history: %w", err)
	}
	defer rows.Close()
	var out []ContractChange
	for rows.Next() {
		var h ContractChange
		var at, changes string
		if err := rows.Scan(&h.ID, &at, &h.ActorID, &h.ActorName, &h.Action, &h.Source, &changes); err != nil {
			return nil, err
		}
		h.At, _ = parseDBTime(at)
		if err := json.Unmarshal([]byte(changes), &h.Changes); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// RegisterConfirmation records that a council said its register is current.
type RegisterConfirmation struct {
	At     time.Time
	ByID   int64
	ByName string
}

// ConfirmRegister records that actor confirmed gss's register is current.
func (db *DB) ConfirmRegister(ctx context.Context, actor User, gss string) error {
	if !CanEditRegister(actor, gss) {
		return fmt.Errorf("confirm register of %s: %w", gss, ErrForbidden)
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO register_confirmations (council_gss, confirmed_by, confirmed_at) VALUES (?, ?, ?)`,
			gss, actor.ID, dbTime(db.now()))
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "register.confirm", "council", gss, nil)
	})
}

// LastRegisterConfirmation is the latest confirmation, or ErrNotFound.
func (db *DB) LastRegisterConfirmation(ctx context.Context, gss string) (RegisterConfirmation, error) {
	var rc RegisterConfirmation
	var at string
	err := db.R.QueryRowContext(ctx,
		`SELECT r.confirmed_at, r.confirmed_by, u.name FROM register_confirmations r JOIN users u ON u.id = r.confirmed_by
		  WHERE r.council_gss = ? ORDER BY r.id DESC LIMIT 1`, gss).Scan(&at, &rc.ByID, &rc.ByName)
	if err != nil {
		return rc, notFound(err, "register confirmation for "+gss)
	}
	rc.At, _ = parseDBTime(at)
	return rc, nil
}
