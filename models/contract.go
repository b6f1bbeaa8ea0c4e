package models

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Hosting is where a system runs.
const (
	HostingOnPremises = "on_premises"
	HostingHosted     = "hosted"
	HostingSaaS       = "saas"
)

// HostingLabel is a hosting value in words.
func HostingLabel(h string) string {
	switch h {
	case HostingOnPremises:
		return "On-premises"
	case HostingHosted:
		return "Hosted"
	case HostingSaaS:
		return "Software as a service"
	}
	return ""
}

// Procurement routes, as the Transparency Code asks: did the contract come
// from a published invitation to tender or a quote (or a framework, or a
// direct award)?
var ProcurementRoutes = []struct{ Code, Label string }{
	{"tender", "Invitation to tender"},
	{"quote", "Quotation"},
	{"framework", "Call-off from a framework"},
	{"direct", "Direct award"},
	{"other", "Other"},
}

// DefaultLeadTimeMonths is how long a council needs to re-procure, by default.
const DefaultLeadTimeMonths = 9

// DecisionWindow is the date a council must start re-procuring: the end
// date (or the maximum extension date, when the council says it will
// extend) minus the notice period minus the procurement lead time. A
// contract with no end date (rolling) has no decision window.
func DecisionWindow(end, maxExtension Date, extensionIntended bool, noticeMonths, leadMonths int) Date {
	base := end
	if extensionIntended && !maxExtension.IsZero() {
		base = maxExtension
	}
	if base.IsZero() {
		return Date{}
	}
	return base.AddMonths(-noticeMonths - leadMonths)
}

// Contract is one row of a council's technology contract register.
type Contract struct {
	ID          int64
	CouncilGSS  string
	CouncilName string
	Reference   string
	Title       string
	Department  string
	Description string

	SupplierID            int64
	SupplierName          string
	SupplierCompanyNumber string
	ProductID             int64
	ProductName           string
	CategorySlug          string
	CategoryName          string

	TotalValuePence       *int64
	AnnualValuePence      *int64
	IrrecoverableVATPence *int64

	StartDate        Date
	EndDate          Date
	ReviewDate       Date
	MaxExtensionDate Date
	EndOfSupportDate Date

	ExtensionIntended  bool
	TimesExtended      int
	NoticePeriodMonths *int
	ProcurementRoute   string
	SME                *bool
	VCSE               *bool
	Hosting            string
	Notes              string

	DecisionWindow Date
	Source         string
	OCID           string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// EffectiveEnd is when the contract really ends: the maximum extension
// date when the council says it will extend, else the end date (zero for a
// rolling contract).
func (c Contract) EffectiveEnd() Date {
	if c.ExtensionIntended && !c.MaxExtensionDate.IsZero() {
		return c.MaxExtensionDate
	}
	return c.EndDate
}

// Expired reports whether the contract ended before today.
func (c Contract) Expired(today Date) bool {
	end := c.EffectiveEnd()
	return !end.IsZero() && end.Before(today)
}

// WindowStatus says how urgent the decision window is on day today:
// "passed" (red), "soon" (within 120 days: amber) or "".
func (c Contract) WindowStatus(today Date) string {
	switch {
	case c.DecisionWindow.IsZero():
		return ""
	case c.DecisionWindow.Before(today):
		return "passed"
	case today.DaysUntil(c.DecisionWindow) <= 120:
		return "soon"
	}
	return ""
}

// ContractInput is what creating or updating a contract takes. The
// supplier is given by ID or by name (and company number), resolved as an
// import would; the product by ID or by name within that supplier.
type ContractInput struct {
	Reference   string
	Title       string
	Department  string
	Description string

	SupplierID            int64
	SupplierName          string
	SupplierCompanyNumber string
	ProductID             int64
	ProductName           string
	CategorySlug          string

	TotalValuePence       *int64
	AnnualValuePence      *int64
	IrrecoverableVATPence *int64

	StartDate        Date
	EndDate          Date
	ReviewDate       Date
	MaxExtensionDate Date
	EndOfSupportDate Date

	ExtensionIntended  bool
	TimesExtended      int
	NoticePeriodMonths *int
	ProcurementRoute   string
	SME                *bool
	VCSE               *bool
	Hosting            string
	Notes              string

	Source string // manual, csv, xlsx, ocds, api; "" is manual
	OCID   string
}

// Validate checks a contract's fields, naming each field as the forms and
// the API do.
func (in *ContractInput) Validate() *ValidationError {
	verr := &ValidationError{}
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	trim(&in.Reference)
	trim(&in.Title)
	trim(&in.Department)
	trim(&in.SupplierName)
	trim(&in.ProductName)
	trim(&in.CategorySlug)
	long := func(field, label, v string, n int) {
		if utf8.RuneCountInString(v) > n {
			verr.Add(field, fmt.Sprintf("%s must be %d characters or fewer", label, n))
		}
	}
	long("reference", "Reference", in.Reference, 100)
	if in.Title == "" {
		verr.Add("title", "Enter the contract's title")
	}
	long("title", "Title", in.Title, 500)
	long("department", "Department", in.Department, 200)
	long("description", "Description", in.Description, 10000)
	if in.SupplierID == 0 && in.SupplierName == "" {
		verr.Add("supplier", "Enter the supplier's name")
	}
	long("supplier", "Supplier name", in.SupplierName, 300)
	if in.SupplierCompanyNumber != "" {
		if n, ok := NormaliseCompanyNumber(in.SupplierCompanyNumber); ok {
			in.SupplierCompanyNumber = n
		} else {
			verr.Add("supplier_company_number", "Companies House number must be 8 characters, like 01234567 or SC123456")
		}
	}
	long("product", "Product name", in.ProductName, 300)
	for _, m := range []struct {
		field, label string
		v            *int64
	}{{"total_value", "Total value", in.TotalValuePence}, {"annual_value", "Annual value", in.AnnualValuePence}, {"irrecoverable_vat", "Irrecoverable VAT", in.IrrecoverableVATPence}} {
		if m.v != nil && *m.v < 0 {
			verr.Add(m.field, m.label+" cannot be negative")
		}
		if m.v != nil && *m.v > 1e14 {
			verr.Add(m.field, m.label+" must be less than £1 trillion")
		}
	}
	if !in.StartDate.IsZero() && !in.EndDate.IsZero() && in.EndDate.Before(in.StartDate) {
		verr.Add("end_date", "End date must be the same as or after the start date")
	}
	if !in.MaxExtensionDate.IsZero() && !in.EndDate.IsZero() && in.MaxExtensionDate.Before(in.EndDate) {
		verr.Add("max_extension_date", "Maximum extension date must be the same as or after the end date")
	}
	if in.ExtensionIntended && in.MaxExtensionDate.IsZero() {
		verr.Add("max_extension_date", "Enter the maximum extension date, as you say you will extend")
	}
	if in.NoticePeriodMonths != nil && (*in.NoticePeriodMonths < 0 || *in.NoticePeriodMonths > 120) {
		verr.Add("notice_period_months", "Notice period must be between 0 and 120 months")
	}
	if in.TimesExtended < 0 || in.TimesExtended > 50 {
		verr.Add("times_extended", "Times extended must be between 0 and 50")
	}
	switch in.Hosting {
	case "", HostingOnPremises, HostingHosted, HostingSaaS:
	default:
		verr.Add("hosting", "Hosting must be on-premises, hosted or software as a service")
	}
	okRoute := in.ProcurementRoute == ""
	for _, r := range ProcurementRoutes {
		okRoute = okRoute || r.Code == in.ProcurementRoute
	}
	if !okRoute {
		verr.Add("procurement_route", "Procurement route must be tender, quote, framework, direct or other")
	}
	long("notes", "Notes", in.Notes, 20000)
	if in.Source == "" {
		in.Source = "manual"
	}
	return verr
}

// ContentKey identifies a row that has no reference, by a hash of what it
// says, so importing the same row twice finds the same contract.
func (in ContractInput) ContentKey() string {
	parts := []string{
		strings.ToLower(in.Title), NormaliseSupplierName(in.SupplierName), in.SupplierCompanyNumber,
		in.StartDate.String(), in.EndDate.String(), penceKey(in.TotalValuePence), penceKey(in.AnnualValuePence),
		strings.ToLower(strings.TrimSpace(in.Department)),
	}
	h := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(h[:16])
}

func penceKey(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// CanEditRegister is the rule for writing a council's register: admins
// anywhere, officers only their own council.
func CanEditRegister(u User, gss string) bool {
	return u.Role == RoleAdmin || (u.Role == RoleOfficer && u.CouncilGSS == gss)
}

// CanReadRegisters is the rule for reading registers: people of councils
// and administrators. Suppliers see published opportunities, not what each
// council runs, where and until when.
func CanReadRegisters(u User) bool {
	return u.Role == RoleAdmin || u.Role == RoleOfficer || u.Role == RoleCouncillor
}

// System is the actor for the command line and scheduled jobs.
var System = User{ID: 0, Name: "Jointly", Role: RoleAdmin}

// FieldChange is one field's old and new value, as text.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// contractRow is a contract as stored: the columns that changes are
// recorded for, in the order pages list them.
type contractRow struct {
	reference, title, department, description      string
	supplierID, productID                          int64
	category                                       string
	total, annual, vat                             *int64
	start, end, review, maxExtension, endOfSupport Date
	extensionIntended                              bool
	timesExtended                                  int
	notice                                         *int
	route                                          string
	sme, vcse                                      *bool
	hosting, notes, ocid                           string
}

func optInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func optBool(p *bool) string {
	if p == nil {
		return ""
	}
	if *p {
		return "yes"
	}
	return "no"
}

// fields lists the row's values as text for the change history; ids are
// turned into names by names.
func (r contractRow) fields(names func(kind string, id int64) string) []FieldChange {
	notice := ""
	if r.notice != nil {
		notice = strconv.Itoa(*r.notice)
	}
	ext := "no"
	if r.extensionIntended {
		ext = "yes"
	}
	return []FieldChange{
		{Field: "reference", New: r.reference}, {Field: "title", New: r.title}, {Field: "department", New: r.department},
		{Field: "description", New: r.description}, {Field: "supplier", New: names("supplier", r.supplierID)},
		{Field: "product", New: names("product", r.productID)}, {Field: "category", New: r.category},
		{Field: "total_value_pence", New: optInt(r.total)}, {Field: "annual_value_pence", New: optInt(r.annual)},
		{Field: "irrecoverable_vat_pence", New: optInt(r.vat)}, {Field: "start_date", New: r.start.String()},
		{Field: "end_date", New: r.end.String()}, {Field: "review_date", New: r.review.String()},
		{Field: "max_extension_date", New: r.maxExtension.String()}, {Field: "extension_intended", New: ext},
		{Field: "times_extended", New: strconv.Itoa(r.timesExtended)}, {Field: "notice_period_months", New: notice},
		{Field: "procurement_route", New: r.route}, {Field: "sme", New: optBool(r.sme)}, {Field: "vcse", New: optBool(r.vcse)},
		{Field: "hosting", New: r.hosting}, {Field: "end_of_support_date", New: r.endOfSupport.String()},
		{Field: "notes", New: r.notes}, {Field: "ocid", New: r.ocid},
	}
}

// diffRows lists the fields that differ between old and new.
func diffRows(old, new []FieldChange) []FieldChange {
	var out []FieldChange
	for i := range new {
		if old[i].New != new[i].New {
			out = append(out, FieldChange{Field: new[i].Field, Old: old[i].New, New: new[i].New})
		}
	}
	return out
}

// nameLookup turns supplier and product ids into names inside tx.
func nameLookup(ctx context.Context, tx *sql.Tx) func(kind string, id int64) string {
	return func(kind string, id int64) string {
		if id == 0 {
			return ""
		}
		var name string
		q := `SELECT name FROM suppliers WHERE id = ?`
		if kind == "product" {
			q = `SELECT name FROM products WHERE id = ?`
		}
		_ = tx.QueryRowContext(ctx, q, id).Scan(&name)
		return name
	}
}

// resolve turns input into a stored row inside tx: supplier, product and
// category are looked up (and created, for supplier and product).
func (db *DB) resolve(ctx context.Context, tx *sql.Tx, in ContractInput) (contractRow, error) {
	r := contractRow{
		reference: in.Reference, title: in.Title, department: in.Department, description: in.Description,
		category: in.CategorySlug, total: in.TotalValuePence, annual: in.AnnualValuePence, vat: in.IrrecoverableVATPence,
		start: in.StartDate, end: in.EndDate, review: in.ReviewDate, maxExtension: in.MaxExtensionDate,
		endOfSupport: in.EndOfSupportDate, extensionIntended: in.ExtensionIntended, timesExtended: in.TimesExtended,
		notice: in.NoticePeriodMonths, route: in.ProcurementRoute, sme: in.SME, vcse: in.VCSE, hosting: in.Hosting,
		notes: in.Notes, ocid: in.OCID,
	}
	verr := &ValidationError{}
	if r.category != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM categories WHERE slug = ?`, r.category).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			verr.Add("category", fmt.Sprintf("%q is not a category: see /api/v1/categories", r.category))
		}
	}
	if in.SupplierID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM suppliers WHERE id = ?`, in.SupplierID).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			verr.Add("supplier", fmt.Sprintf("There is no supplier %d", in.SupplierID))
		}
		r.supplierID = in.SupplierID
	}
	if in.ProductID != 0 {
		p, err := db.productInTx(ctx, tx, in.ProductID)
		switch {
		case err != nil:
			verr.Add("product", fmt.Sprintf("There is no product %d", in.ProductID))
		case r.supplierID != 0 && p != r.supplierID:
			verr.Add("product", "That product belongs to another supplier")
		case r.supplierID == 0:
			r.supplierID = p
		}
		r.productID = in.ProductID
	}
	if err := verr.Err(); err != nil {
		return r, err
	}
	if r.supplierID == 0 {
		id, err := db.resolveSupplier(ctx, tx, in.SupplierName, in.SupplierCompanyNumber)
		if err != nil {
			return r, err
		}
		r.supplierID = id
	}
	if r.productID == 0 && in.ProductName != "" {
		id, err := db.resolveProduct(ctx, tx, r.supplierID, in.ProductName, r.category, r.endOfSupport)
		if err != nil {
			return r, err
		}
		r.productID = id
	}
	return r, nil
}

func (db *DB) productInTx(ctx context.Context, tx *sql.Tx, id int64) (supplierID int64, err error) {
	err = tx.QueryRowContext(ctx, `SELECT supplier_id FROM products WHERE id = ?`, id).Scan(&supplierID)
	return supplierID, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (r contractRow) window() Date {
	notice := 0
	if r.notice != nil {
		notice = *r.notice
	}
	return DecisionWindow(r.end, r.maxExtension, r.extensionIntended, notice, DefaultLeadTimeMonths)
}

// recordContractChange appends to a contract's history.
func (db *DB) recordContractChange(ctx context.Context, tx *sql.Tx, contractID int64, gss string, actorID int64, action, source string, changes []FieldChange) error {
	b, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx,
		`INSERT INTO contract_changes (contract_id, council_gss, at, actor_id, action, source, changes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		contractID, gss, dbTime(db.now()), nullID(actorID), action, source, string(b))
	return err
}

// UpsertOutcome says what writing a contract did.
type UpsertOutcome int

const (
	Unchanged UpsertOutcome = iota
	Created
	Updated
)

// upsertContract writes a contract keyed by (council, reference), or by
// (council, content key) when it has no reference, inside tx, recording
// the change. It is how imports stay idempotent.
func (db *DB) upsertContract(ctx context.Context, tx *sql.Tx, actorID int64, gss string, in ContractInput) (int64, UpsertOutcome, error) {
	var id int64
	var err error
	if in.Reference != "" {
		// "reference <> ''" lets SQLite use the partial unique index;
		// without it every lookup scans the council's register.
		err = tx.QueryRowContext(ctx, `SELECT id FROM contracts WHERE council_gss = ? AND reference = ? AND reference <> ''`, gss, in.Reference).Scan(&id)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT id FROM contracts WHERE council_gss = ? AND reference = '' AND content_key = ?`, gss, in.ContentKey()).Scan(&id)
	}
	switch {
	case err == sql.ErrNoRows:
		id, err := db.insertContract(ctx, tx, actorID, gss, in)
		return id, Created, err
	case err != nil:
		return 0, Unchanged, err
	}
	changed, err := db.updateContract(ctx, tx, actorID, id, in)
	if err != nil || !changed {
		return id, Unchanged, err
	}
	return id, Updated, nil
}

func (db *DB) insertContract(ctx context.Context, tx *sql.Tx, actorID int64, gss string, in ContractInput) (int64, error) {
	r, err := db.resolve(ctx, tx, in)
	if err != nil {
		return 0, err
	}
	key := ""
	if r.reference == "" {
		key = in.ContentKey()
	}
	now := dbTime(db.now())
	res, err := tx.ExecContext(ctx, `INSERT INTO contracts (
		council_gss, reference, content_key, title, department, description, supplier_id, product_id, category_slug,
		total_value_pence, annual_value_pence, irrecoverable_vat_pence, start_date, end_date, review_date,
		max_extension_date, extension_intended, times_extended, notice_period_months, procurement_route, sme, vcse,
		hosting, end_of_support_date, notes, decision_window_date, source, ocid, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		gss, r.reference, key, r.title, r.department, r.description, r.supplierID, nullID(r.productID), nullStr(r.category),
		r.total, r.annual, r.vat, r.start, r.end, r.review,
		r.maxExtension, r.extensionIntended, r.timesExtended, r.notice, r.route, r.sme, r.vcse,
		r.hosting, r.endOfSupport, r.notes, r.window(), in.Source, r.ocid, now, now)
	if err != nil {
		if err = conflict(err, "contract"); isConflict(err) {
			return 0, &ValidationError{Fields: []FieldError{{"reference", fmt.Sprintf("This council already has a contract with reference %q", r.reference)}}}
		}
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	var changes []FieldChange
	for _, f := range r.fields(nameLookup(ctx, tx)) {
		if f.New != "" && !(f.Field == "extension_intended" && f.New == "no") && !(f.Field == "times_extended" && f.New == "0") {
			changes = append(changes, f)
		}
	}
	return id, db.recordContractChange(ctx, tx, id, gss, actorID, "create", in.Source, changes)
}

// loadRow reads a stored contract's row inside tx.
func loadRow(ctx context.Context, tx *sql.Tx, id int64) (contractRow, string, error) {
	var r contractRow
	var gss string
	var product sql.NullInt64
	var category sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT council_gss, reference, title, department, description, supplier_id, product_id, category_slug,
		total_value_pence, annual_value_pence, irrecoverable_vat_pence, start_date, end_date, review_date, max_extension_date,
		extension_intended, times_extended, notice_period_months, procurement_route, sme, vcse, hosting, end_of_support_date, notes, ocid
		FROM contracts WHERE id = ?`, id).Scan(&gss, &r.reference, &r.title, &r.department, &r.description, &r.supplierID, &product, &category,
		&r.total, &r.annual, &r.vat, &r.start, &r.end, &r.review, &r.maxExtension,
		&r.extensionIntended, &r.timesExtended, &r.notice, &r.route, &r.sme, &r.vcse, &r.hosting, &r.endOfSupport, &r.notes, &r.ocid)
	if err != nil {
		return r, "", notFound(err, fmt.Sprintf("contract %d", id))
	}
	r.productID, r.category = product.Int64, category.String
	return r, gss, nil
}

// updateContract rewrites a contract from input inside tx, recording the
// fields that changed; it reports whether anything did.
func (db *DB) updateContract(ctx context.Context, tx *sql.Tx, actorID, id int64, in ContractInput) (bool, error) {
	old, gss, err := loadRow(ctx, tx, id)
	if err != nil {
		return false, err
	}
	r, err := db.resolve(ctx, tx, in)
	if err != nil {
		return false, err
	}
	names := nameLookup(ctx, tx)
	changes := diffRows(old.fields(names), r.fields(names))
	if len(changes) == 0 {
		return false, nil
	}
	key := ""
	if r.reference == "" {
		key = in.ContentKey()
	}
	_, err = tx.ExecContext(ctx, `UPDATE contracts SET
		reference = ?, content_key = ?, title = ?, department = ?, description = ?, supplier_id = ?, product_id = ?, category_slug = ?,
		total_value_pence = ?, annual_value_pence = ?, irrecoverable_vat_pence = ?, start_date = ?, end_date = ?, review_date = ?,
		max_extension_date = ?, extension_intended = ?, times_extended = ?, notice_period_months = ?, procurement_route = ?, sme = ?, vcse = ?,
		hosting = ?, end_of_support_date = ?, notes = ?, decision_window_date = ?, ocid = ?, updated_at = ?
		WHERE id = ?`,
		r.reference, key, r.title, r.department, r.description, r.supplierID, nullID(r.productID), nullStr(r.category),
		r.total, r.annual, r.vat, r.start, r.end, r.review,
		r.maxExtension, r.extensionIntended, r.timesExtended, r.notice, r.route, r.sme, r.vcse,
		r.hosting, r.endOfSupport, r.notes, r.window(), r.ocid, dbTime(db.now()), id)
	if err != nil {
		if err = conflict(err, "contract"); isConflict(err) {
			return false, &ValidationError{Fields: []FieldError{{"reference", fmt.Sprintf("This council already has a contract with reference %q", r.reference)}}}
		}
		return false, err
	}
	return true, db.recordContractChange(ctx, tx, id, gss, actorID, "update", in.Source, changes)
}

// CreateContract adds a contract to a council's register.
func (db *DB) CreateContract(ctx context.Context, actor User, gss string, in ContractInput) (Contract, error) {
	if !CanEditRegister(actor, gss) {
		return Contract{}, fmt.Errorf("create contract for %s: %w", gss, ErrForbidden)
	}
	if err := in.Validate().Err(); err != nil {
		return Contract{}, err
	}
	var id int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var active bool
		if err := tx.QueryRowContext(ctx, `SELECT active FROM councils WHERE gss_code = ?`, gss).Scan(&active); err != nil {
			return notFound(err, "council "+gss)
		}
		var err error
		id, err = db.insertContract(ctx, tx, actor.ID, gss, in)
		return err
	})
	if err != nil {
		return Contract{}, err
	}
	return db.ContractByID(ctx, actor, id)
}

// UpdateContract rewrites a contract; an officer may change only their own
// council's contracts. Fields left out of input are cleared: callers send
// the whole contract.
func (db *DB) UpdateContract(ctx context.Context, actor User, id int64, in ContractInput) (Contract, error) {
	if err := in.Validate().Err(); err != nil {
		return Contract{}, err
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var gss string
		if err := tx.QueryRowContext(ctx, `SELECT council_gss FROM contracts WHERE id = ?`, id).Scan(&gss); err != nil {
			return notFound(err, fmt.Sprintf("contract %d", id))
		}
		if !CanEditRegister(actor, gss) {
			return fmt.Errorf("update contract %d: %w", id, ErrForbidden)
		}
		_, err := db.updateContract(ctx, tx, actor.ID, id, in)
		return err
	})
	if err != nil {
		return Contract{}, err
	}
	return db.ContractByID(ctx, actor, id)
}

// DeleteContract removes a contract; its history stays.
func (db *DB) DeleteContract(ctx context.Context, actor User, id int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		old, gss, err := loadRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanEditRegister(actor, gss) {
			return fmt.Errorf("delete contract %d: %w", id, ErrForbidden)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM contracts WHERE id = ?`, id); err != nil {
			return err
		}
		var changes []FieldChange
		for _, f := range old.fields(nameLookup(ctx, tx)) {
			if f.New != "" {
				changes = append(changes, FieldChange{Field: f.Field, Old: f.New})
			}
		}
		return db.recordContractChange(ctx, tx, id, gss, actor.ID, "delete", "manual", changes)
	})
}
