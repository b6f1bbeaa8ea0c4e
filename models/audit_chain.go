package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// The audit trail is a hash chain: each event's hash covers its own
// fields and the previous event's hash, so changing or removing any event
// breaks the link to every event after it. Triggers already refuse
// updates and deletes; the chain catches someone who goes round them
// (with the sqlite3 shell, say). Events written before the chain began
// (a database older than migration 8) carry no hash and are not checked.
// What a chain alone cannot show is the newest entries cut off the end,
// or the whole chain rewritten from some entry on: for that, keep the
// output of "jointly audit verify" (entries checked, and the last hash)
// somewhere the database's operator cannot change, such as the backups.

// chainEntry is one audit event as the chain hashes it.
type chainEntry struct {
	ID       int64
	At       string
	ActorID  int64
	Action   string
	Entity   string
	EntityID string
	Detail   string
	PrevHash string
}

// hash is the SHA-256, in hex, of the entry's fields, each on its own
// line, in this order. Detail is JSON, so it holds no raw newline.
func (e chainEntry) hash() string {
	var b strings.Builder
	for _, f := range []string{strconv.FormatInt(e.ID, 10), e.At, strconv.FormatInt(e.ActorID, 10), e.Action,
		e.Entity, e.EntityID, e.Detail, e.PrevHash} {
		b.WriteString(f)
		b.WriteByte('\n')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// ChainBreak says where the audit chain is broken.
type ChainBreak struct {
	ID     int64 // the first entry that does not check out
	Reason string
}

func (b *ChainBreak) Error() string {
	return fmt.Sprintf("audit entry %d: %s", b.ID, b.Reason)
}

// VerifyAuditChain walks the audit trail in order and checks every link.
// It returns the number of entries checked, and a *ChainBreak naming the
// first entry that was altered, or follows an entry that was removed.
func (db *DB) VerifyAuditChain(ctx context.Context) (int, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id, at, coalesce(actor_id, 0), action, entity, entity_id, detail, prev_hash, hash
		FROM audit_events ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("audit chain: %w", err)
	}
	defer rows.Close()
	checked := 0
	started := false
	var prevID int64
	var prevHash string
	for rows.Next() {
		var e chainEntry
		var hash string
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.PrevHash, &hash); err != nil {
			return checked, err
		}
		if !started {
			if hash == "" && e.PrevHash == "" {
				prevID = e.ID // before the chain began
				continue
			}
			started = true
			if e.PrevHash != "" {
				return checked, &ChainBreak{e.ID, "the first entry of the chain names a previous entry that is not there: entries were removed"}
			}
		} else {
			switch {
			case e.ID == prevID+2:
				return checked, &ChainBreak{e.ID, fmt.Sprintf("entry %d is missing", prevID+1)}
			case e.ID != prevID+1:
				return checked, &ChainBreak{e.ID, fmt.Sprintf("entries %d to %d are missing", prevID+1, e.ID-1)}
			case e.PrevHash != prevHash:
				return checked, &ChainBreak{e.ID, fmt.Sprintf("its link to entry %d does not match: entry %d was altered or replaced", prevID, prevID)}
			}
		}
		if e.hash() != hash {
			return checked, &ChainBreak{e.ID, "its contents do not match its hash: it was altered"}
		}
		prevID, prevHash = e.ID, hash
		checked++
	}
	if err := rows.Err(); err != nil {
		return checked, err
	}
	return checked, nil
}
