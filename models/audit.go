package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEvent records who changed what. The table is append-only: triggers
// refuse updates and deletes.
type AuditEvent struct {
	ID       int64
	At       time.Time
	ActorID  int64 // 0 for the system or the command line
	Action   string
	Entity   string
	EntityID string
	Detail   map[string]any
}

// audit appends an event inside tx, so it is written with the change it
// describes or not at all. Each event carries the hash of the one before
// (audit_chain.go); the single writer connection makes "the one before"
// unambiguous.
func (db *DB) audit(ctx context.Context, tx *sql.Tx, actorID int64, action, entity, entityID string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	var prevID int64
	var prevHash string
	err = tx.QueryRowContext(ctx, `SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1`).Scan(&prevID, &prevHash)
	if err != nil && !isNoRows(err) {
		return fmt.Errorf("audit chain: %w", err)
	}
	e := chainEntry{ID: prevID + 1, At: dbTime(db.now()), ActorID: actorID, Action: action, Entity: entity,
		EntityID: entityID, Detail: string(b), PrevHash: prevHash}
	var actor any
	if actorID != 0 {
		actor = actorID
	}
	_, err = tx.ExecContext(ctx,
		`INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At, actor, action, entity, entityID, e.Detail, prevHash, e.hash())
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, entity, err)
	}
	return nil
}

// AuditTrail lists the events about one entity, newest first.
func (db *DB) AuditTrail(ctx context.Context, entity, entityID string, limit int) ([]AuditEvent, error) {
	rows, err := db.R.QueryContext(ctx,
		`SELECT id, at, coalesce(actor_id, 0), action, entity, entity_id, detail
		   FROM audit_events WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT ?`,
		entity, entityID, limit)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		var e AuditEvent
		var at, detail string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &detail); err != nil {
			return nil, err
		}
		if e.At, err = parseDBTime(at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
