package models

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Role is what a person is to Jointly. The empty role is an anonymous visitor.
type Role string

const (
	RoleAnonymous  Role = ""
	RoleAdmin      Role = "admin"
	RoleOfficer    Role = "officer"
	RoleCouncillor Role = "councillor"
	RoleSupplier   Role = "supplier"
)

// Roles are the roles a user can hold, in the order pages list them.
var Roles = []Role{RoleAdmin, RoleOfficer, RoleCouncillor, RoleSupplier}

// ParseRole reads a role name.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// Label is the role in words.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administrator"
	case RoleOfficer:
		return "Council officer"
	case RoleCouncillor:
		return "Councillor"
	case RoleSupplier:
		return "Supplier"
	}
	return "Visitor"
}

// BelongsToCouncil reports whether the role is held within a council.
func (r Role) BelongsToCouncil() bool { return r == RoleOfficer || r == RoleCouncillor }

// User is a person who can sign in.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	CouncilGSS   string
	CouncilName  string
	SupplierID   int64
	SupplierName string
	HasPassword  bool
	Disabled     bool
	CreatedAt    time.Time
}

const userColumns = `u.id, u.email, u.name, u.role, coalesce(u.council_gss, ''), coalesce(c.name, ''),
	coalesce(u.supplier_id, 0), coalesce(s.name, ''), u.password_hash IS NOT NULL, u.disabled_at IS NOT NULL, u.created_at`

const userFrom = ` FROM users u LEFT JOIN councils c ON c.gss_code = u.council_gss LEFT JOIN suppliers s ON s.id = u.supplier_id `

func scanUser(s interface{ Scan(...any) error }) (User, error) {
	var u User
	var created string
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.CouncilGSS, &u.CouncilName,
		&u.SupplierID, &u.SupplierName, &u.HasPassword, &u.Disabled, &created)
	if err != nil {
		return u, err
	}
	u.CreatedAt, err = parseDBTime(created)
	return u, err
}

// UserByID returns a user.
func (db *DB) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(db.R.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+`WHERE u.id = ?`, id))
	if err != nil {
		return User{}, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserByEmail returns the user with that email address (any case).
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(db.R.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+`WHERE u.email = ?`, NormaliseEmail(email)))
	if err != nil {
		return User{}, notFound(err, "user "+email)
	}
	return u, nil
}

// Users lists users, by name.
func (db *DB) Users(ctx context.Context) ([]User, error) {
	us, err := db.queryUsers(ctx, `SELECT `+userColumns+userFrom+`ORDER BY u.name, u.id`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// queryUsers lists the users query selects: userColumns from userFrom.
func (db *DB) queryUsers(ctx context.Context, query string, args ...any) ([]User, error) {
	rows, err := db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// NormaliseEmail trims and lower-cases an address.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a plain email address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// NewUser is what creating a user needs.
type NewUser struct {
	Email        string
	Name         string
	Role         Role
	CouncilGSS   string // officers and councillors
	SupplierName string // suppliers: the organisation, created if new
	SupplierID   int64  // suppliers: an existing organisation (wins over SupplierName)
	Password     string // optional: without one, the user signs in by SSO or a reset link
}

// Validate checks a new user's fields.
func (n *NewUser) Validate() *ValidationError {
	verr := &ValidationError{}
	n.Email = NormaliseEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	switch {
	case n.Email == "":
		verr.Add("email", "Enter an email address")
	case !ValidEmail(n.Email):
		verr.Add("email", "Enter an email address in the correct format, like name@council.gov.uk")
	}
	if n.Name == "" {
		verr.Add("name", "Enter the person's name")
	} else if len(n.Name) > 200 {
		verr.Add("name", "Name must be 200 characters or fewer")
	}
	if _, ok := ParseRole(string(n.Role)); !ok {
		verr.Add("role", "Choose a role: admin, officer, councillor or supplier")
	}
	if n.Role.BelongsToCouncil() && n.CouncilGSS == "" {
		verr.Add("council", "Choose the person's council")
	}
	if !n.Role.BelongsToCouncil() && n.CouncilGSS != "" {
		verr.Add("council", "Only officers and councillors belong to a council")
	}
	if n.Role == RoleSupplier && n.SupplierID == 0 && strings.TrimSpace(n.SupplierName) == "" {
		verr.Add("supplier", "Enter the supplier's company name")
	}
	if n.Role != RoleSupplier && (n.SupplierID != 0 || n.SupplierName != "") {
		verr.Add("supplier", "Only supplier users belong to a supplier")
	}
	if n.Password != "" {
		if msg := PasswordProblem(n.Password); msg != "" {
			verr.Add("password", msg)
		}
	}
	return verr
}

// CreateUser adds a user, creating their supplier organisation if new.
func (db *DB) CreateUser(ctx context.Context, actorID int64, n NewUser) (User, error) {
	if err := n.Validate().Err(); err != nil {
		return User{}, err
	}
	var hash any
	if n.Password != "" {
		h, err := db.hashPassword(n.Password)
		if err != nil {
			return User{}, err
		}
		hash = h
	}
	var id int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var council, supplier any
		if n.Role.BelongsToCouncil() {
			var active bool
			err := tx.QueryRowContext(ctx, `SELECT active FROM councils WHERE gss_code = ?`, n.CouncilGSS).Scan(&active)
			if err == sql.ErrNoRows || (err == nil && !active) {
				return &ValidationError{Fields: []FieldError{{"council", fmt.Sprintf("There is no active council with GSS code %q", n.CouncilGSS)}}}
			} else if err != nil {
				return err
			}
			council = n.CouncilGSS
		}
		if n.Role == RoleSupplier {
			sid := n.SupplierID
			if sid == 0 {
				var err error
				if sid, err = db.ensureSupplier(ctx, tx, n.SupplierName); err != nil {
					return err
				}
			}
			supplier = sid
		}
		now := dbTime(db.now())
		res, err := tx.ExecContext(ctx,
			`INSERT INTO users (email, name, role, council_gss, supplier_id, password_hash, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, n.Email, n.Name, n.Role, council, supplier, hash, now, now)
		if err != nil {
			err = conflict(err, "user "+n.Email)
			if isConflict(err) {
				return &ValidationError{Fields: []FieldError{{"email", "There is already an account with this email address"}}}
			}
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return db.audit(ctx, tx, actorID, "user.create", "user", fmt.Sprint(id), map[string]any{"email": n.Email, "role": n.Role, "council": n.CouncilGSS})
	})
	if err != nil {
		return User{}, err
	}
	return db.UserByID(ctx, id)
}
