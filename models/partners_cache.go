package models

import (
	"context"
	"fmt"
	"sync"
)

// versionedCache keeps computed discovery results until any register
// changes. Partner matching and the ageing-platforms list cost tens of
// milliseconds of CPU at national scale and are asked for on every home,
// partners and legacy page; registers change rarely by comparison. The
// version is read in two index look-ups: the newest contract and the newest
// recorded change (every create, update, delete, import and merge records
// one), so any write makes every entry stale.
type versionedCache[T any] struct {
	mu      sync.Mutex
	entries map[string]versionedEntry[T]
	clone   func(T) T // callers get a copy they may change
}

type versionedEntry[T any] struct {
	version [2]int64
	value   T
}

const versionedCacheSize = 2000

func (db *DB) registerVersion(ctx context.Context) ([2]int64, error) {
	var v [2]int64
	err := db.R.QueryRowContext(ctx,
		`SELECT coalesce((SELECT max(id) FROM contracts), 0), coalesce((SELECT max(id) FROM contract_changes), 0)`).Scan(&v[0], &v[1])
	if err != nil {
		return v, fmt.Errorf("register version: %w", err)
	}
	return v, nil
}

// get returns the cached value for key if the registers have not changed
// since it was computed, else computes and keeps it.
func (c *versionedCache[T]) get(ctx context.Context, db *DB, key string, compute func() (T, error)) (T, error) {
	var zero T
	v, err := db.registerVersion(ctx)
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.version == v {
		return c.clone(e.value), nil
	}
	value, err := compute()
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= versionedCacheSize {
		c.entries = map[string]versionedEntry[T]{} // simple and bounded: start again when full
	}
	c.entries[key] = versionedEntry[T]{version: v, value: value}
	c.mu.Unlock()
	return c.clone(value), nil
}

func cloneSlice[E any](s []E) []E { return append([]E(nil), s...) }
