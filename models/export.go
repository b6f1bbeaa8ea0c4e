package models

import (
	"context"
	"fmt"
	"strconv"
)

// exportPageSize is how many contracts an export reads at a time: few
// queries, yet never more than a page in memory, even for the national
// register of 400,000 contracts.
const exportPageSize = 500

// eachContract calls fn for every contract of council gss ("" for every
// council) in id order. It reads a page at a time by keyset (id > the last
// one seen), and closes each page's query before calling fn, so no read
// stays open while fn writes to a slow client: a long-open read would hold
// back SQLite's WAL checkpoints for the whole download. A contract added
// while the export runs may or may not be included; none is repeated or
// skipped.
func (db *DB) eachContract(ctx context.Context, gss string, fn func(Contract) error) error {
	var after int64
	for {
		q := `SELECT ` + contractColumns + contractFrom + `WHERE c.id > ?`
		args := []any{after}
		if gss != "" {
			q += ` AND c.council_gss = ?`
			args = append(args, gss)
		}
		q += ` ORDER BY c.id LIMIT ?`
		args = append(args, exportPageSize)
		page, err := db.contractPage(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("export contracts: %w", err)
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < exportPageSize {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (db *DB) contractPage(ctx context.Context, q string, args ...any) ([]Contract, error) {
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	page := make([]Contract, 0, exportPageSize)
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			return nil, err
		}
		page = append(page, c)
	}
	return page, rows.Err()
}

// exportCouncil checks that viewer may read registers and that council gss
// exists, before an export writes anything, so a refusal is a proper error
// rather than a broken file.
func (db *DB) exportCouncil(ctx context.Context, viewer User, gss string) (Council, error) {
	if !CanReadRegisters(viewer) {
		return Council{}, fmt.Errorf("export register: %w", ErrForbidden)
	}
	return db.CouncilByGSS(ctx, gss)
}

// formatPounds writes pence as pounds with two decimals and no thousands
// separator, as spreadsheets and JSON read them: 123456 → "1234.56".
func formatPounds(pence int64) string {
	sign := ""
	mag := uint64(pence) // #nosec G115 -- only used when pence >= 0; a negative amount is negated in uint64 below
	if pence < 0 {
		sign, mag = "-", -mag // in uint64, right even for math.MinInt64
	}
	frac := strconv.FormatUint(mag%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(mag/100, 10) + "." + frac
}
