package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Region groups councils; each has its own CIO council. England has nine;
// Scotland, Wales and Northern Ireland are one region each.
type Region struct {
	ID     int64
	Name   string
	Slug   string
	Nation string
}

// Regions lists regions by name.
func (db *DB) Regions(ctx context.Context) ([]Region, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, name, slug, nation FROM regions ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	defer rows.Close()
	var out []Region
	for rows.Next() {
		var r Region
		if err := rows.Scan(&r.ID, &r.Name, &r.Slug, &r.Nation); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Slugify makes a URL-safe lower-case slug: "Yorkshire and The Humber" →
// "yorkshire-and-the-humber".
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// NationOfGSS is the nation a GSS code's first letter names.
func NationOfGSS(gss string) string {
	switch {
	case strings.HasPrefix(gss, "E"):
		return "England"
	case strings.HasPrefix(gss, "S"):
		return "Scotland"
	case strings.HasPrefix(gss, "W"):
		return "Wales"
	case strings.HasPrefix(gss, "N"):
		return "Northern Ireland"
	}
	return ""
}

// ensureRegion returns the id of the named region, creating it if new.
// Names are matched by slug, so "North-West" is "North West".
func ensureRegion(ctx context.Context, tx *sql.Tx, name, nation string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM regions WHERE slug = ?`, Slugify(name)).Scan(&id)
	if err == nil {
		return id, nil
	}
	if err != sql.ErrNoRows {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO regions (name, slug, nation) VALUES (?, ?, ?)`, name, Slugify(name), nation)
	if err != nil {
		return 0, conflict(err, "region "+name)
	}
	return res.LastInsertId()
}
