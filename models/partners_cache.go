package models

import (
	"context"
	"fmt"
	"sync"
)

// partnerCache keeps partner matches until any register changes. Matching
// a large council costs tens of milliseconds of CPU, and the home page,
// "Our partners" and the API all ask for it; registers change rarely by
// comparison. The version is read in two index look-ups: the newest
// contract and the newest recorded change (every create, update, delete,
// import and merge records one), so any write makes every entry stale.
type partnerCache struct {
	mu      sync.Mutex
	entries map[string]partnerCacheEntry
}

type partnerCacheEntry struct {
	version [2]int64
	matches []PartnerMatch
}

const partnerCacheSize = 2000

func (db *DB) registerVersion(ctx context.Context) ([2]int64, error) {
	var v [2]int64
	err := db.R.QueryRowContext(ctx,
		`SELECT coalesce((SELECT max(id) FROM contracts), 0), coalesce((SELECT max(id) FROM contract_changes), 0)`).Scan(&v[0], &v[1])
	if err != nil {
		return v, fmt.Errorf("register version: %w", err)
	}
	return v, nil
}

// get returns the cached matches for key if the registers have not changed
// since they were computed, else computes and keeps them. Callers get a
// copy of the slice, so they may reorder or trim it.
func (c *partnerCache) get(ctx context.Context, db *DB, key string, compute func() ([]PartnerMatch, error)) ([]PartnerMatch, error) {
	v, err := db.registerVersion(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.version == v {
		return append([]PartnerMatch(nil), e.matches...), nil
	}
	ms, err := compute()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= partnerCacheSize {
		c.entries = map[string]partnerCacheEntry{} // simple and bounded: start again when full
	}
	c.entries[key] = partnerCacheEntry{version: v, matches: ms}
	c.mu.Unlock()
	return append([]PartnerMatch(nil), ms...), nil
}
