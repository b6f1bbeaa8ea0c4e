package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// The client's ledger: for each kind of request, what was sent and what
// became of it, with latencies; for each kind of write, every write's
// unique marker and its outcome, to hold against the rows the database
// has afterwards.

// tally is one kind's counts and latencies.
type tally struct {
	name      string
	sent      int
	acked     int // 2xx (reads: 2xx or 3xx)
	conflicts int // 409
	refused   int // any other status
	unknown   int // no answer: timeout or broken connection
	locked    int // bodies saying "database is locked"
	statuses  map[string]int
	latencies []time.Duration
}

func (t *tally) add(a answer, read bool) {
	if t.statuses == nil {
		t.statuses = map[string]int{}
	}
	t.sent++
	t.latencies = append(t.latencies, a.took)
	if a.locked() {
		t.locked++
	}
	switch {
	case a.outcome == unknown:
		t.unknown++
		t.statuses[a.String()]++
	case read && a.status >= 200 && a.status < 400:
		t.acked++
	case a.outcome == acked:
		t.acked++
	case a.outcome == conflict && !read:
		t.conflicts++
	default:
		t.refused++
		t.statuses[a.String()]++
	}
}

// fiveXX counts answers with a 5xx status.
func (t *tally) fiveXX() int {
	n := 0
	for s, k := range t.statuses {
		if len(s) == 3 && s[0] == '5' {
			n += k
		}
	}
	return n
}

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of the
// latencies; zero when there are none.
func percentile(latencies []time.Duration, p float64) time.Duration {
	if len(latencies) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), latencies...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(rank, len(s)-1))]
}

// ledger is every write's marker and outcome, by kind, safe for
// concurrent use, with a tally for each kind of request.
type ledger struct {
	mu      sync.Mutex
	writes  map[string]map[string]outcome // kind → marker → outcome
	tallies map[string]*tally
	order   []string
}

func newLedger() *ledger {
	return &ledger{writes: map[string]map[string]outcome{}, tallies: map[string]*tally{}}
}

// record adds one answer to kind's tally; a write also records its marker.
func (l *ledger) record(kind string, read bool, marker string, a answer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.tallies[kind]
	if t == nil {
		t = &tally{name: kind}
		l.tallies[kind] = t
		l.order = append(l.order, kind)
	}
	t.add(a, read)
	if marker == "" {
		return
	}
	if l.writes[kind] == nil {
		l.writes[kind] = map[string]outcome{}
	}
	l.writes[kind][marker] = a.outcome
}

func (l *ledger) tally(kind string) tally {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.tallies[kind]; t != nil {
		return *t
	}
	return tally{name: kind}
}

func (l *ledger) sent(kind string) map[string]outcome {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]outcome{}
	for m, o := range l.writes[kind] {
		out[m] = o
	}
	return out
}

// reconciliation holds one kind of write's markers against the database.
type reconciliation struct {
	acked         int
	present       int
	lost          []string // acknowledged, not in the database
	phantom       []string // in the database, but refused or never sent
	unknownStored int      // unanswered, and in the database (allowed)
	unknownAbsent int      // unanswered, and not in the database (allowed)
}

// reconcile compares what the client sent (marker → outcome) with the
// markers the database holds: every acknowledged write must be there, and
// nothing else but writes whose answer never came.
func reconcile(sent map[string]outcome, present map[string]bool) reconciliation {
	var r reconciliation
	r.present = len(present)
	for m, o := range sent {
		switch {
		case o == acked:
			r.acked++
			if !present[m] {
				r.lost = append(r.lost, m)
			}
		case o == unknown && present[m]:
			r.unknownStored++
		case o == unknown:
			r.unknownAbsent++
		case present[m]:
			r.phantom = append(r.phantom, m)
		}
	}
	for m := range present {
		if _, ok := sent[m]; !ok {
			r.phantom = append(r.phantom, m)
		}
	}
	sort.Strings(r.lost)
	sort.Strings(r.phantom)
	return r
}

func (r reconciliation) ok() bool { return len(r.lost) == 0 && len(r.phantom) == 0 }

func (r reconciliation) String() string {
	s := fmt.Sprintf("%d acknowledged, %d in the database", r.acked, r.present)
	if r.unknownStored+r.unknownAbsent > 0 {
		s += fmt.Sprintf("; of %d unanswered, %d stored and %d not", r.unknownStored+r.unknownAbsent, r.unknownStored, r.unknownAbsent)
	}
	if len(r.lost) > 0 {
		s += fmt.Sprintf("; LOST %d acknowledged: %s", len(r.lost), first(r.lost, 5))
	}
	if len(r.phantom) > 0 {
		s += fmt.Sprintf("; %d stored that were refused or never sent: %s", len(r.phantom), first(r.phantom, 5))
	}
	return s
}

// first is up to n items, joined, with how many more.
func first(items []string, n int) string {
	s := ""
	for i, it := range items {
		if i == n {
			return s + fmt.Sprintf(" and %d more", len(items)-n)
		}
		if i > 0 {
			s += ", "
		}
		s += it
	}
	return s
}
