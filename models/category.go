package models

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Category is one line of Jointly's council technology taxonomy, mapped to
// CPV code prefixes so imported notices can be placed in it.
type Category struct {
	Slug        string
	Name        string
	Description string
	CPVPrefixes []string
}

// SyncCategories loads the taxonomy (data/taxonomy/categories.csv: slug,
// name, cpv_prefixes, description) into the database: new categories are
// added and existing ones updated. A category in use is never deleted.
func (db *DB) SyncCategories(ctx context.Context, r io.Reader) error {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return fmt.Errorf("taxonomy: %w", err)
	}
	if len(recs) < 2 || strings.Join(recs[0], ",") != "slug,name,cpv_prefixes,description" {
		return fmt.Errorf("taxonomy: expected header slug,name,cpv_prefixes,description")
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for i, rec := range recs[1:] {
			_, err := tx.ExecContext(ctx,
				`INSERT INTO categories (slug, name, cpv_prefixes, description, position) VALUES (?, ?, ?, ?, ?)
				 ON CONFLICT (slug) DO UPDATE SET name = excluded.name, cpv_prefixes = excluded.cpv_prefixes,
				   description = excluded.description, position = excluded.position`,
				rec[0], rec[1], rec[2], rec[3], i)
			if err != nil {
				return fmt.Errorf("taxonomy line %d: %w", i+2, err)
			}
		}
		return nil
	})
}

// Categories lists the taxonomy in its own order.
func (db *DB) Categories(ctx context.Context) ([]Category, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT slug, name, description, cpv_prefixes FROM categories ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("list categories: %w", err)
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		var prefixes string
		if err := rows.Scan(&c.Slug, &c.Name, &c.Description, &prefixes); err != nil {
			return nil, err
		}
		if prefixes != "" {
			c.CPVPrefixes = strings.Split(prefixes, ";")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CategoryBySlug returns one category.
func (db *DB) CategoryBySlug(ctx context.Context, slug string) (Category, error) {
	cats, err := db.Categories(ctx)
	if err != nil {
		return Category{}, err
	}
	for _, c := range cats {
		if c.Slug == slug {
			return c, nil
		}
	}
	return Category{}, fmt.Errorf("category %q: %w", slug, ErrNotFound)
}

// CategoryForCPV places a CPV code ("48442000" or "48442000-7") in the
// taxonomy by its longest matching prefix; "" if none matches.
func CategoryForCPV(cats []Category, cpv string) string {
	code, _, _ := strings.Cut(strings.TrimSpace(cpv), "-")
	best, bestLen := "", 0
	for _, c := range cats {
		for _, p := range c.CPVPrefixes {
			if len(p) > bestLen && strings.HasPrefix(code, p) {
				best, bestLen = c.Slug, len(p)
			}
		}
	}
	return best
}
