package handlers

import (
	"context"
	"sync"
	"time"

	"jointly/models"
)

// overlapsIndexTTL is how long the overlaps index's lists are kept. They
// are a way in, not a figure anyone quotes: counting councils per product,
// supplier and category reads every current contract in scope, about
// 300 ms nationally at 400,000 contracts, too slow for every page view.
// The overlap pages themselves are never cached.
const overlapsIndexTTL = 5 * time.Minute

// overlapsLists are the overlaps index's most-shared lists for one scope.
type overlapsLists struct {
	Products, Suppliers, Categories []models.SharedSubject
}

// overlapsIndexCache keeps each scope's lists for overlapsIndexTTL; the
// first request for a scope computes them while the others wait, so a
// rush of requests computes them once. Its zero value is ready to use.
type overlapsIndexCache struct {
	mu      sync.Mutex
	entries map[models.OverlapScope]*overlapsEntry
}

type overlapsEntry struct {
	ready chan struct{} // closed when lists and err are set
	at    time.Time
	lists overlapsLists
	err   error
}

// get returns scope's lists, computing them if none are fresh at now.
func (c *overlapsIndexCache) get(ctx context.Context, now time.Time, scope models.OverlapScope, compute func() (overlapsLists, error)) (overlapsLists, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[models.OverlapScope]*overlapsEntry{}
	}
	e, ok := c.entries[scope]
	if !ok || (e.done() && now.Sub(e.at) >= overlapsIndexTTL) {
		for k, old := range c.entries { // forget stale scopes, so the map stays small
			if old.done() && now.Sub(old.at) >= overlapsIndexTTL {
				delete(c.entries, k)
			}
		}
		e = &overlapsEntry{ready: make(chan struct{}), at: now}
		c.entries[scope] = e
		c.mu.Unlock()
		e.lists, e.err = compute()
		if e.err != nil {
			c.mu.Lock()
			if c.entries[scope] == e { // errors are not kept
				delete(c.entries, scope)
			}
			c.mu.Unlock()
		}
		close(e.ready)
		return e.lists, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.ready:
		return e.lists, e.err
	case <-ctx.Done():
		return overlapsLists{}, ctx.Err()
	}
}

func (e *overlapsEntry) done() bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}
