package models

import (
	"context"
	"fmt"
)

// A contract's links to joint procurement: the joint bid it was awarded
// through, the contracts it replaces, and those that replace it. The award
// (award.go) makes them.

// ContractLinks is how one contract stands in joint procurement.
type ContractLinks struct {
	BidID    int64 // the joint bid it was awarded through; 0 if none
	BidTitle string
	// Replaces are the contracts this one replaces; ReplacedBy those that
	// replace it. A contract since deleted has no Title.
	Replaces, ReplacedBy []LinkedContract
}

// LinkedContract is a contract named from another's page.
type LinkedContract struct {
	ID          int64
	Title       string
	CouncilGSS  string
	CouncilName string
}

// ContractLinks is contract id's links, for a viewer who may read
// registers. The bid is named only when viewer may see it.
func (db *DB) ContractLinks(ctx context.Context, viewer User, id int64) (ContractLinks, error) {
	var l ContractLinks
	if !CanReadRegisters(viewer) {
		return l, fmt.Errorf("links of contract %d: %w", id, ErrForbidden)
	}
	args := append([]any{id}, bidVisibleArgs(viewer)...)
	err := db.R.QueryRowContext(ctx, `SELECT b.id, b.title FROM contracts c JOIN bids b ON b.id = c.bid_id
		WHERE c.id = ? AND `+bidVisibleSQL, args...).Scan(&l.BidID, &l.BidTitle)
	if err != nil && !isNoRows(err) {
		return l, fmt.Errorf("bid of contract %d: %w", id, err)
	}
	if l.Replaces, err = db.linkedContracts(ctx, `r.replaces_contract_id`, `r.contract_id`, id); err != nil {
		return l, err
	}
	if l.ReplacedBy, err = db.linkedContracts(ctx, `r.contract_id`, `r.replaces_contract_id`, id); err != nil {
		return l, err
	}
	return l, nil
}

// linkedContracts lists the contracts in column other of the replacements
// whose column this is id.
func (db *DB) linkedContracts(ctx context.Context, other, this string, id int64) ([]LinkedContract, error) {
	return db.queryLinkedContracts(ctx, fmt.Sprintf("contracts linked to %d", id), `SELECT `+other+`,
		coalesce(k.title, ''), coalesce(k.council_gss, ''), coalesce(co.name, '')
		FROM contract_replacements r LEFT JOIN contracts k ON k.id = `+other+`
		LEFT JOIN councils co ON co.gss_code = k.council_gss
		WHERE `+this+` = ? ORDER BY co.name, `+other, id)
}

// queryLinkedContracts runs query, which selects each contract's id,
// title, council GSS code and council name; what names the list in an
// error.
func (db *DB) queryLinkedContracts(ctx context.Context, what, query string, args ...any) ([]LinkedContract, error) {
	rows, err := db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []LinkedContract
	for rows.Next() {
		var c LinkedContract
		if err := rows.Scan(&c.ID, &c.Title, &c.CouncilGSS, &c.CouncilName); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// BidContracts lists the contracts bid bidID's award created, one in each
// participating council's register, for the councils' side of the bid.
func (db *DB) BidContracts(ctx context.Context, viewer User, bidID int64) ([]LinkedContract, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return nil, err
	}
	return db.queryLinkedContracts(ctx, fmt.Sprintf("contracts of bid %d", bidID), `SELECT c.id, c.title, c.council_gss, co.name
		FROM contracts c JOIN councils co ON co.gss_code = c.council_gss WHERE c.bid_id = ? ORDER BY co.name, c.id`, bidID)
}
