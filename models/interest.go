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

// ExpressionOfInterest is one council's officer telling a partner council
// that they would like to procure together: their contract and the
// partner's. The joint bids feature turns it into a bid.
type ExpressionOfInterest struct {
	ID                   int64
	FromGSS, FromName    string
	ToGSS, ToName        string
	FromUserID           int64
	FromUserName         string
	ContractID           int64
	ContractTitle        string // "" once the contract is deleted
	PartnerContractID    int64
	PartnerContractTitle string
	Message              string
	CreatedAt            time.Time
}

// MaxInterestMessage is the longest message, in characters.
const MaxInterestMessage = 2000

// ExpressInterest records that actor's council would like to procure
// contractID together with the council holding partnerContractID. The
// actor must be able to edit contractID's register; the partner contract
// must be another council's. Expressing the same interest twice returns
// the first, with created false, and adds no row.
func (db *DB) ExpressInterest(ctx context.Context, actor User, contractID, partnerContractID int64, message string) (eoi ExpressionOfInterest, created bool, err error) {
	message = strings.TrimSpace(message)
	if utf8.RuneCountInString(message) > MaxInterestMessage {
		return eoi, false, &ValidationError{Fields: []FieldError{{"message", fmt.Sprintf("Message must be %d characters or fewer", MaxInterestMessage)}}}
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		var from, to string
		if err := tx.QueryRowContext(ctx, `SELECT council_gss FROM contracts WHERE id = ?`, contractID).Scan(&from); err != nil {
			return notFound(err, fmt.Sprintf("contract %d", contractID))
		}
		if !CanEditRegister(actor, from) {
			return fmt.Errorf("express interest for contract %d: %w", contractID, ErrForbidden)
		}
		if err := tx.QueryRowContext(ctx, `SELECT council_gss FROM contracts WHERE id = ?`, partnerContractID).Scan(&to); err != nil {
			return notFound(err, fmt.Sprintf("contract %d", partnerContractID))
		}
		if to == from {
			return &PublicError{Status: 422, Message: "A council cannot express interest in its own contract: choose another council's."}
		}
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM expressions_of_interest
			WHERE contract_id = ? AND partner_contract_id = ? AND withdrawn_at IS NULL`, contractID, partnerContractID).Scan(&id)
		switch {
		case err == nil:
			eoi.ID = id
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO expressions_of_interest
			(from_gss, to_gss, from_user, contract_id, partner_contract_id, message, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			from, to, actor.ID, contractID, partnerContractID, message, dbTime(db.now())).Scan(&eoi.ID)
		if err != nil {
			return conflict(err, "expression of interest")
		}
		created = true
		return db.audit(ctx, tx, actor.ID, "interest.express", "contract", fmt.Sprint(contractID),
			map[string]any{"partner_contract_id": partnerContractID, "to": to})
	})
	if err != nil {
		return eoi, false, err
	}
	eoi, err = db.expressionByID(ctx, eoi.ID)
	return eoi, created, err
}

const interestSelect = `SELECT e.id, e.from_gss, fc.name, e.to_gss, tc.name, e.from_user, coalesce(u.name, ''),
	e.contract_id, coalesce(k.title, ''), e.partner_contract_id, coalesce(x.title, ''), e.message, e.created_at
	FROM expressions_of_interest e
	JOIN councils fc ON fc.gss_code = e.from_gss
	JOIN councils tc ON tc.gss_code = e.to_gss
	LEFT JOIN users u ON u.id = e.from_user
	LEFT JOIN contracts k ON k.id = e.contract_id
	LEFT JOIN contracts x ON x.id = e.partner_contract_id `

func scanInterest(s interface{ Scan(...any) error }) (ExpressionOfInterest, error) {
	var e ExpressionOfInterest
	var at string
	err := s.Scan(&e.ID, &e.FromGSS, &e.FromName, &e.ToGSS, &e.ToName, &e.FromUserID, &e.FromUserName,
		&e.ContractID, &e.ContractTitle, &e.PartnerContractID, &e.PartnerContractTitle, &e.Message, &at)
	if err == nil {
		e.CreatedAt, _ = parseDBTime(at)
	}
	return e, err
}

func (db *DB) expressionByID(ctx context.Context, id int64) (ExpressionOfInterest, error) {
	e, err := scanInterest(db.R.QueryRowContext(ctx, interestSelect+`WHERE e.id = ?`, id))
	if err != nil {
		return e, notFound(err, fmt.Sprintf("expression of interest %d", id))
	}
	return e, nil
}

// ExpressionsOfInterest lists the live expressions of interest council gss
// has received and sent, newest first, if viewer may read registers.
func (db *DB) ExpressionsOfInterest(ctx context.Context, viewer User, gss string) (received, sent []ExpressionOfInterest, err error) {
	if !CanReadRegisters(viewer) {
		return nil, nil, fmt.Errorf("expressions of interest of %s: %w", gss, ErrForbidden)
	}
	for _, q := range []struct {
		col string
		out *[]ExpressionOfInterest
	}{{"to_gss", &received}, {"from_gss", &sent}} {
		rows, err := db.R.QueryContext(ctx, interestSelect+`WHERE e.`+q.col+` = ? AND e.withdrawn_at IS NULL
			ORDER BY e.created_at DESC, e.id DESC LIMIT 100`, gss)
		if err != nil {
			return nil, nil, fmt.Errorf("expressions of interest: %w", err)
		}
		for rows.Next() {
			e, err := scanInterest(rows)
			if err != nil {
				_ = rows.Close()
				return nil, nil, err
			}
			*q.out = append(*q.out, e)
		}
		_ = rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return received, sent, nil
}

// CouncilOfficers lists the active officers of council gss, who hear of
// expressions of interest.
func (db *DB) CouncilOfficers(ctx context.Context, gss string) ([]User, error) {
	us, err := db.usersWhere(ctx, `u.council_gss = ? AND u.role = 'officer'`, gss)
	if err != nil {
		return nil, fmt.Errorf("officers of %s: %w", gss, err)
	}
	return us, nil
}
