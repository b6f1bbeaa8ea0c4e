package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The glossary: the jargon councillor briefings link to on first use,
// with a plain-English definition. Administrators keep it.

// GlossaryTerm is one term and its definition.
type GlossaryTerm struct {
	ID         int64
	Term       string
	Definition string
}

// Glossary limits.
const (
	MaxGlossaryTerm       = 80
	MaxGlossaryDefinition = 600
)

// Glossary lists every term, alphabetically. Anyone may read it.
func (db *DB) Glossary(ctx context.Context) ([]GlossaryTerm, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, term, definition FROM glossary_terms ORDER BY term COLLATE NOCASE`)
	if err != nil {
		return nil, fmt.Errorf("glossary: %w", err)
	}
	defer rows.Close()
	var out []GlossaryTerm
	for rows.Next() {
		var g GlossaryTerm
		if err := rows.Scan(&g.ID, &g.Term, &g.Definition); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func checkTerm(term, definition string) *ValidationError {
	verr := &ValidationError{}
	switch n := utf8.RuneCountInString(term); {
	case n == 0:
		verr.Add("term", "Enter the term")
	case n > MaxGlossaryTerm:
		verr.Add("term", fmt.Sprintf("Term must be %d characters or fewer", MaxGlossaryTerm))
	}
	switch n := utf8.RuneCountInString(definition); {
	case n == 0:
		verr.Add("definition", "Enter the definition")
	case n > MaxGlossaryDefinition:
		verr.Add("definition", fmt.Sprintf("Definition must be %d characters or fewer", MaxGlossaryDefinition))
	}
	return verr
}

// SaveGlossaryTerm adds a term, or changes the definition (and spelling)
// of term id when id is not 0. Administrators only.
func (db *DB) SaveGlossaryTerm(ctx context.Context, actor User, id int64, term, definition string) (int64, error) {
	if actor.Role != RoleAdmin && actor.ID != 0 {
		return 0, fmt.Errorf("glossary: %w", ErrForbidden)
	}
	term, definition = strings.TrimSpace(term), strings.TrimSpace(definition)
	if err := checkTerm(term, definition).Err(); err != nil {
		return 0, err
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO glossary_terms (term, definition, updated_by, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
				term, definition, nullUser(actor), dbTime(db.now())).Scan(&id)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE glossary_terms SET term = ?, definition = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
				term, definition, nullUser(actor), dbTime(db.now()), id)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return notFound(sql.ErrNoRows, fmt.Sprintf("glossary term %d", id))
				}
			}
		}
		if err != nil {
			if err = conflict(err, "glossary term"); isConflict(err) {
				return &ValidationError{Fields: []FieldError{{"term", fmt.Sprintf("The glossary already has %q", term)}}}
			}
			return err
		}
		return db.audit(ctx, tx, actor.ID, "glossary.save", "glossary_term", fmt.Sprint(id), map[string]any{"term": term})
	})
	return id, err
}

// DeleteGlossaryTerm removes a term. Administrators only.
func (db *DB) DeleteGlossaryTerm(ctx context.Context, actor User, id int64) error {
	if actor.Role != RoleAdmin {
		return fmt.Errorf("glossary: %w", ErrForbidden)
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM glossary_terms WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(sql.ErrNoRows, fmt.Sprintf("glossary term %d", id))
		}
		return db.audit(ctx, tx, actor.ID, "glossary.delete", "glossary_term", fmt.Sprint(id), nil)
	})
}

func nullUser(u User) any {
	if u.ID == 0 {
		return nil
	}
	return u.ID
}
