package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// A company registers itself on Jointly: a suppliers row of its own, with
// the Companies House number it claims kept aside (a claim is not proof),
// and a first supplier user who cannot sign in until the emailed link
// confirms the address. An administrator later links the company to the
// register's supplier of that number (LinkSupplier).
//
// A self-registered supplier has no spelling in supplier_aliases, so the
// register's imports never match a name to an unproven claim: a supplier
// with registered_at and no alias is one awaiting a link.

// EmailVerificationTTL is how long the emailed confirmation link works.
const EmailVerificationTTL = 24 * time.Hour

// RegistrationsPerAddress is how many companies may register from one IP
// address within RegistrationWindow: each sends an email and hashes a
// password, so it is rate-limited like signing in.
const (
	RegistrationsPerAddress = 10
	RegistrationWindow      = time.Hour
)

// SupplierRegistration is what a company gives to register.
type SupplierRegistration struct {
	CompanyName   string
	CompanyNumber string // Companies House number, unless NotACompany
	NotACompany   bool   // a charity, sole trader or partnership without one
	SME, VCSE     *bool  // nil: not answered
	Categories    []string
	ContactName   string
	Email         string // the first user's, and the company's contact address
	Phone         string // optional
	Password      string
	IP            string // the registering browser's, for the rate limit
}

// registrationCompanyNumber reads the number a company types: exactly
// eight characters once spaces are dropped (01628868, SC123456, NI…, OC…).
// Unlike NormaliseCompanyNumber it pads nothing: a company knows its own
// number, and "12345" is a mistake, not 00012345.
func registrationCompanyNumber(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) != 8 {
		return "", false
	}
	return NormaliseCompanyNumber(s)
}

// validate checks and tidies a registration, every field at once.
func (r *SupplierRegistration) validate(known map[string]bool) *ValidationError {
	verr := &ValidationError{}
	r.CompanyName = strings.TrimSpace(r.CompanyName)
	switch {
	case r.CompanyName == "":
		verr.Add("company_name", "Enter the company's name")
	case utf8.RuneCountInString(r.CompanyName) > 200:
		verr.Add("company_name", "Company name must be 200 characters or fewer")
	case NormaliseSupplierName(r.CompanyName) == "":
		verr.Add("company_name", "Enter the company's name in letters or numbers")
	}
	r.CompanyNumber = strings.TrimSpace(r.CompanyNumber)
	switch {
	case r.NotACompany && r.CompanyNumber != "":
		verr.Add("company_number", "Leave the Companies House number empty, or untick ‘We are not a registered company’")
	case r.NotACompany:
	case r.CompanyNumber == "":
		verr.Add("company_number", "Enter the Companies House number, or tick ‘We are not a registered company’")
	default:
		num, ok := registrationCompanyNumber(r.CompanyNumber)
		if !ok {
			verr.Add("company_number", "Enter a Companies House number in the correct format: 8 characters, like 01628868 or SC123456")
		}
		r.CompanyNumber = num
	}
	d := SupplierDetails{SME: r.SME, VCSE: r.VCSE, Categories: r.Categories, ContactName: r.ContactName, ContactEmail: r.Email, ContactPhone: r.Phone}
	d.validate(verr, known, "email", true)
	r.Categories, r.ContactName, r.Email, r.Phone = d.Categories, d.ContactName, d.ContactEmail, d.ContactPhone
	if r.Password == "" {
		verr.Add("password", "Enter a password")
	} else if msg := PasswordProblem(r.Password); msg != "" {
		verr.Add("password", msg)
	}
	return verr
}

// errEmailTaken is the message beside the email field when an account
// already has the address.
const errEmailTaken = "An account already uses this email address. Sign in, or reset your password if you have forgotten it"

// RegistrationAllowed reports whether ip may register another company now.
func (db *DB) RegistrationAllowed(ctx context.Context, ip string) (bool, error) {
	var n int
	err := db.R.QueryRowContext(ctx,
		`SELECT count(*) FROM audit_events WHERE action = 'supplier.register' AND at > ? AND json_extract(detail, '$.ip') = ?`,
		dbTime(db.now().Add(-RegistrationWindow)), ip).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("registration limit: %w", err)
	}
	return n < RegistrationsPerAddress, nil
}

// RegisterSupplier creates, in one transaction, the company (with its
// claimed number, SME and VCSE status, contact and categories), its first
// user awaiting email confirmation, and the confirmation link's secret,
// which it returns for the email. Nothing is written if anything is wrong.
func (db *DB) RegisterSupplier(ctx context.Context, r SupplierRegistration) (User, string, error) {
	known, err := db.categorySlugs(ctx)
	if err != nil {
		return User{}, "", err
	}
	verr := r.validate(known)
	if !verr.Has("email") {
		if _, err := db.UserByEmail(ctx, r.Email); err == nil {
			verr.Add("email", errEmailTaken)
		} else if !errors.Is(err, ErrNotFound) {
			return User{}, "", err
		}
	}
	if err := verr.Err(); err != nil {
		// Keep the form's order: the email check comes late.
		return User{}, "", reorder(verr, registrationFields)
	}
	hash, err := db.hashPassword(r.Password)
	if err != nil {
		return User{}, "", err
	}
	secret, secretHash := newSecret("")
	var userID int64
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var claimed any
		if !r.NotACompany {
			claimed = r.CompanyNumber
		}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO suppliers (name, normalised_name, claimed_company_number, sme, vcse, contact_name, contact_email, contact_phone, registered_at, created_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.CompanyName, NormaliseSupplierName(r.CompanyName), claimed, *r.SME, *r.VCSE, r.ContactName, r.Email, r.Phone, dbTime(now), dbTime(now))
		if err != nil {
			return err
		}
		supplierID, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := setSupplierCategories(ctx, tx, supplierID, r.Categories); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx,
			`INSERT INTO users (email, name, role, supplier_id, password_hash, awaiting_verification, created_at, updated_at)
			 VALUES (?, ?, 'supplier', ?, ?, 1, ?, ?)`, r.Email, r.ContactName, supplierID, hash, dbTime(now), dbTime(now))
		if err != nil {
			if err = conflict(err, "user"); isConflict(err) {
				return &ValidationError{Fields: []FieldError{{"email", errEmailTaken}}}
			}
			return err
		}
		if userID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO email_verifications (secret_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			secretHash, userID, dbTime(now), dbTime(now.Add(EmailVerificationTTL))); err != nil {
			return err
		}
		return db.audit(ctx, tx, userID, "supplier.register", "supplier", fmt.Sprint(supplierID), map[string]any{
			"name": r.CompanyName, "claimed_company_number": claimed, "email": r.Email, "user_id": userID, "ip": r.IP,
		})
	})
	if err != nil {
		return User{}, "", err
	}
	u, err := db.UserByID(ctx, userID)
	return u, secret, err
}

var registrationFields = []string{"company_name", "company_number", "sme", "vcse", "categories", "contact_name", "email", "phone", "password"}

// reorder puts verr's problems in the order of fields.
func reorder(verr *ValidationError, fields []string) *ValidationError {
	out := &ValidationError{}
	for _, f := range fields {
		for _, fe := range verr.Fields {
			if fe.Field == f {
				out.Fields = append(out.Fields, fe)
			}
		}
	}
	for _, fe := range verr.Fields {
		if !out.Has(fe.Field) {
			out.Fields = append(out.Fields, fe)
		}
	}
	return out
}

// ErrVerificationSpent: the confirmation link was used already or has expired.
var ErrVerificationSpent = errors.New("email confirmation link used or expired")

// VerifyEmail uses up a confirmation link: the user's address is confirmed
// and they may sign in. An unknown link is ErrNotFound; a used or expired
// one ErrVerificationSpent.
func (db *DB) VerifyEmail(ctx context.Context, secret string) (User, error) {
	var userID int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		now := dbTime(db.now())
		err := tx.QueryRowContext(ctx,
			`UPDATE email_verifications SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
			now, hashSecret(secret), now).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM email_verifications WHERE secret_hash = ?)`, hashSecret(secret)).Scan(&exists); err != nil {
				return err
			}
			if exists {
				return ErrVerificationSpent
			}
			return fmt.Errorf("email confirmation: %w", ErrNotFound)
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET awaiting_verification = 0, updated_at = ? WHERE id = ? AND disabled_at IS NULL`, now, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d disabled: %w", userID, ErrNotFound)
		}
		return db.audit(ctx, tx, userID, "user.verify_email", "user", fmt.Sprint(userID), nil)
	})
	if err != nil {
		return User{}, err
	}
	return db.UserByID(ctx, userID)
}

// awaitingVerification is the refusal for an account whose address is not
// confirmed yet.
func awaitingVerification(email string) error {
	return &PublicError{Status: 403, Message: fmt.Sprintf(
		"Confirm your email address first: we sent a link to %s when you registered. If you cannot find it, or it has expired, reset your password: that confirms your address too.", email)}
}

// awaitingVerification reports whether a user has yet to confirm their address.
func (db *DB) awaitingVerification(ctx context.Context, userID int64) (bool, error) {
	var awaiting bool
	err := db.R.QueryRowContext(ctx, `SELECT awaiting_verification FROM users WHERE id = ?`, userID).Scan(&awaiting)
	if err != nil {
		return false, notFound(err, fmt.Sprintf("user %d", userID))
	}
	return awaiting, nil
}
