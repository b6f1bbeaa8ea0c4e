package models

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
)

var (
	// ErrNotFound is returned when the thing asked for does not exist (or
	// the caller may not know that it exists).
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a write would break a uniqueness rule.
	ErrConflict = errors.New("conflict")
	// ErrForbidden is returned when the policy refuses an action.
	ErrForbidden = errors.New("forbidden")
)

// FieldError is one problem with one input field.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every problem with an input, in the order of the
// form, so a page can show the GOV.UK error summary and a message beside
// each field.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(msgs, "; ")
}

// Add records a problem with a field.
func (e *ValidationError) Add(field, message string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: message})
}

// Has reports whether field already has a problem.
func (e *ValidationError) Has(field string) bool {
	if e == nil {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Message returns the first message for field, or "".
func (e *ValidationError) Message(field string) string {
	if e == nil {
		return ""
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// Err returns e if it holds any problem, else nil.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// PublicError carries a message that is safe and useful to show the user.
type PublicError struct {
	Status  int
	Message string
}

func (e *PublicError) Error() string { return e.Message }

// notFound turns sql.ErrNoRows into ErrNotFound, wrapping anything else.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// conflict maps SQLite's unique-constraint errors to ErrConflict.
func conflict(err error, what string) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey) {
		return fmt.Errorf("%s: %w", what, ErrConflict)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isConflict(err error) bool { return errors.Is(err, ErrConflict) }
