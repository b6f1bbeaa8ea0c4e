package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 14 * 24 * time.Hour

// Invitation asks someone to join Jointly with a given role.
type Invitation struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	CouncilGSS   string
	CouncilName  string
	SupplierID   int64
	SupplierName string
	InvitedBy    int64
	ExpiresAt    time.Time
}

// CanInvite is the rule for invitations: admins invite anyone; officers
// invite officers and councillors of their own council; suppliers invite
// colleagues from their own company.
func CanInvite(inviter User, inv Invitation) bool {
	switch inviter.Role {
	case RoleAdmin:
		return true
	case RoleOfficer:
		return inv.Role.BelongsToCouncil() && inv.CouncilGSS == inviter.CouncilGSS
	case RoleSupplier:
		return inv.Role == RoleSupplier && inv.SupplierID == inviter.SupplierID
	}
	return false
}

// CreateInvitation records an invitation and returns the link's secret.
func (db *DB) CreateInvitation(ctx context.Context, inviter User, inv Invitation) (Invitation, string, error) {
	nu := NewUser{Email: inv.Email, Name: inv.Name, Role: inv.Role, CouncilGSS: inv.CouncilGSS, SupplierID: inv.SupplierID, SupplierName: inv.SupplierName}
	if inv.SupplierID != 0 {
		nu.SupplierName = ""
	}
	if err := nu.Validate().Err(); err != nil {
		return inv, "", err
	}
	inv.Email, inv.Name = nu.Email, nu.Name
	if !CanInvite(inviter, inv) {
		return inv, "", fmt.Errorf("invite %s as %s: %w", inv.Email, inv.Role, ErrForbidden)
	}
	if _, err := db.UserByEmail(ctx, inv.Email); err == nil {
		return inv, "", &ValidationError{Fields: []FieldError{{"email", "There is already an account with this email address"}}}
	}
	if inv.Role.BelongsToCouncil() {
		c, err := db.CouncilByGSS(ctx, inv.CouncilGSS)
		if err != nil || !c.Active {
			return inv, "", &ValidationError{Fields: []FieldError{{"council", "Choose an active council"}}}
		}
		inv.CouncilName = c.Name
	}
	secret, hash := newSecret("")
	now := db.now()
	inv.InvitedBy = inviter.ID
	inv.ExpiresAt = now.Add(InvitationTTL)
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if inv.Role == RoleSupplier && inv.SupplierID == 0 {
			id, err := db.ensureSupplier(ctx, tx, inv.SupplierName)
			if err != nil {
				return err
			}
			inv.SupplierID = id
		}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO invitations (token_hash, email, name, role, council_gss, supplier_id, invited_by, created_at, expires_at)
			 VALUES (?, ?, ?, ?, nullif(?, ''), nullif(?, 0), ?, ?, ?)`,
			hash, inv.Email, inv.Name, inv.Role, inv.CouncilGSS, inv.SupplierID, inviter.ID, dbTime(now), dbTime(inv.ExpiresAt))
		if err != nil {
			return err
		}
		if inv.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return db.audit(ctx, tx, inviter.ID, "invitation.create", "invitation", fmt.Sprint(inv.ID),
			map[string]any{"email": inv.Email, "role": inv.Role, "council": inv.CouncilGSS})
	})
	if err != nil {
		return inv, "", fmt.Errorf("create invitation: %w", err)
	}
	return inv, secret, nil
}

// InvitationBySecret returns an open invitation.
func (db *DB) InvitationBySecret(ctx context.Context, secret string) (Invitation, error) {
	var inv Invitation
	var expires string
	err := db.R.QueryRowContext(ctx,
		`SELECT i.id, i.email, i.name, i.role, coalesce(i.council_gss, ''), coalesce(c.name, ''), coalesce(i.supplier_id, 0),
		        coalesce(s.name, ''), i.invited_by, i.expires_at
		   FROM invitations i LEFT JOIN councils c ON c.gss_code = i.council_gss LEFT JOIN suppliers s ON s.id = i.supplier_id
		  WHERE i.token_hash = ? AND i.accepted_at IS NULL AND i.expires_at > ?`,
		hashSecret(secret), dbTime(db.now())).
		Scan(&inv.ID, &inv.Email, &inv.Name, &inv.Role, &inv.CouncilGSS, &inv.CouncilName, &inv.SupplierID, &inv.SupplierName, &inv.InvitedBy, &expires)
	if err != nil {
		return Invitation{}, notFound(err, "invitation")
	}
	inv.ExpiresAt, err = parseDBTime(expires)
	return inv, err
}

// AcceptInvitation creates the invited user with their chosen password and
// uses up the invitation, in one transaction.
func (db *DB) AcceptInvitation(ctx context.Context, secret, name, password string) (User, error) {
	inv, err := db.InvitationBySecret(ctx, secret)
	if err != nil {
		return User{}, err
	}
	nu := NewUser{Email: inv.Email, Name: name, Role: inv.Role, CouncilGSS: inv.CouncilGSS, SupplierID: inv.SupplierID, Password: password}
	if verr := nu.Validate(); password == "" || verr.Err() != nil {
		if password == "" {
			verr.Add("password", "Enter a password")
		}
		return User{}, verr
	}
	h, err := db.hashPassword(password)
	if err != nil {
		return User{}, err
	}
	var id int64
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		now := dbTime(db.now())
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL AND expires_at > ?`, now, inv.ID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("invitation: %w", ErrNotFound)
		}
		res, err = tx.ExecContext(ctx,
			`INSERT INTO users (email, name, role, council_gss, supplier_id, password_hash, created_at, updated_at)
			 VALUES (?, ?, ?, nullif(?, ''), nullif(?, 0), ?, ?, ?)`,
			inv.Email, nu.Name, inv.Role, inv.CouncilGSS, inv.SupplierID, h, now, now)
		if err != nil {
			if err = conflict(err, "user"); isConflict(err) {
				return &ValidationError{Fields: []FieldError{{"name", "There is already an account with this email address: sign in instead"}}}
			}
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return db.audit(ctx, tx, id, "invitation.accept", "invitation", fmt.Sprint(inv.ID), map[string]any{"user_id": id})
	})
	if err != nil {
		return User{}, err
	}
	return db.UserByID(ctx, id)
}
