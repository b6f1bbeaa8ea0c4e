package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// The mixed load's kinds of work.
const (
	kindRead     = "read"
	kindCreate   = "register: create contract (POST)"
	kindUpdate   = "register: update contract (PUT)"
	kindSection  = "bid: save section (PUT, base version)"
	kindResponse = "response: submit (PUT, receipt)"
)

// mix is each kind's share of the operations, out of 100.
var mix = []struct {
	kind   string
	weight int
}{
	{kindRead, 70},
	{kindCreate, 8},
	{kindUpdate, 5},
	{kindSection, 10},
	{kindResponse, 7},
}

// schedule spreads the kinds evenly over 100 slots (smooth weighted round
// robin), so every second of the load has the same mix.
func schedule() []string {
	total := 0
	for _, m := range mix {
		total += m.weight
	}
	current := make([]int, len(mix))
	out := make([]string, 0, total)
	for range total {
		best := 0
		for i, m := range mix {
			current[i] += m.weight
			if current[i] > current[best] {
				best = i
			}
		}
		current[best] -= total
		out = append(out, mix[best].kind)
	}
	return out
}

// read is one page or API list, fetched as one person.
type read struct {
	name, path string
	who        *person
}

// loadRun is the state of the mixed load.
type loadRun struct {
	*actors
	marker string
	reads  []read
	ledger *ledger

	seq      map[string]*atomic.Int64
	mu       sync.Mutex
	created  []createdContract
	mismatch []string
}

type createdContract struct {
	id   int64
	who  *person
	body map[string]any
}

func newLoadRun(a *actors, marker string) *loadRun {
	gssPath := func(gss string) string { return "/councils/" + gss + "/contracts" }
	l := &loadRun{actors: a, marker: marker, ledger: newLedger(), seq: map[string]*atomic.Int64{}}
	for _, m := range mix {
		l.seq[m.kind] = &atomic.Int64{}
	}
	p, api := a.pages, a.api
	l.reads = []read{
		{"page: officer home", "/", p[leedsOfficer]},
		{"page: register (Leeds)", gssPath(leedsGSS), p[leedsOfficer]},
		{"page: partners", "/councils/" + leedsGSS + "/partners", p[leedsOfficer]},
		{"page: bid (draft)", fmt.Sprintf("/bids/%d", a.draftBid), p[leedsOfficer]},
		{"page: register (Bradford)", gssPath(bradfordGSS), p[bradOfficer]},
		{"page: bid (published)", fmt.Sprintf("/bids/%d", a.opportunity), p[bradOfficer]},
		{"page: councillor home", "/", p[councillor]},
		{"page: search", "/search?q=" + url.QueryEscape("revenues benefits"), p[councillor]},
		{"page: opportunities", "/opportunities", p[demoSupplier]},
		{"page: opportunity", fmt.Sprintf("/opportunities/%d", a.opportunity), p[demoSupplier]},
		{"page: admin jobs", "/admin/jobs", p[admin]},
		{"API: contracts list", "/api/v1/councils/" + leedsGSS + "/contracts", api[leedsOfficer]},
		{"API: bids list", "/api/v1/bids", api[bradOfficer]},
		{"API: opportunities list", "/api/v1/opportunities", api[demoSupplier]},
		{"API: search", "/api/v1/search?q=cyber", api[councillor]},
	}
	return l
}

// op does the n-th operation of the load.
func (l *loadRun) op(ctx context.Context, kind string) {
	seq := l.seq[kind].Add(1)
	switch kind {
	case kindRead:
		r := l.reads[int(seq-1)%len(l.reads)]
		l.ledger.record(r.name, true, "", r.who.do(ctx, http.MethodGet, r.path, nil))
	case kindCreate:
		l.createContract(ctx, seq)
	case kindUpdate:
		l.updateContract(ctx, seq)
	case kindSection:
		l.saveSection(ctx, seq)
	case kindResponse:
		supplier := l.suppliers[int(seq-1)%len(l.suppliers)]
		if _, _, bad := l.submitResponse(ctx, l.ledger, kindResponse, supplier, fmt.Sprintf("%s-R%05d", l.marker, seq), 100_000_00+seq); bad != "" {
			l.mu.Lock()
			l.mismatch = append(l.mismatch, bad)
			l.mu.Unlock()
		}
	}
}

// createContract adds a contract to Leeds's or Bradford's register, by
// one of its officers, with a reference unique to this write.
func (l *loadRun) createContract(ctx context.Context, seq int64) {
	who, gss := l.api[leedsOfficer], leedsGSS
	if seq%2 == 0 {
		who, gss = l.api[bradOfficer], bradfordGSS
	}
	ref := fmt.Sprintf("%s-C%05d", l.marker, seq)
	body := map[string]any{
		"reference": ref, "title": "Fault test contract " + ref, "department": "Digital",
		"supplier": map[string]any{"name": "Fault Test Supplies Ltd"}, "category": "revenues-benefits",
		"annual_value_pence": 1_000_000 + seq, "start_date": "2025-04-01", "end_date": "2029-03-31", "notice_period_months": 6,
	}
	ans := who.do(ctx, http.MethodPost, "/api/v1/councils/"+gss+"/contracts", body)
	l.ledger.record(kindCreate, false, ref, ans)
	if ans.outcome != acked {
		return
	}
	var k struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(ans.body, &k) == nil && k.ID > 0 {
		l.mu.Lock()
		l.created = append(l.created, createdContract{id: k.ID, who: who, body: body})
		l.mu.Unlock()
	}
}

// updateContract replaces one of the contracts this load created, with a
// title unique to this write (the register's history records it).
func (l *loadRun) updateContract(ctx context.Context, seq int64) {
	l.mu.Lock()
	if len(l.created) == 0 {
		l.mu.Unlock()
		l.createContract(ctx, l.seq[kindCreate].Add(1))
		return
	}
	k := l.created[int(seq-1)%len(l.created)]
	l.mu.Unlock()
	mark := fmt.Sprintf("%s-U%05d", l.marker, seq)
	body := map[string]any{}
	for key, v := range k.body {
		body[key] = v
	}
	body["title"] = fmt.Sprintf("Fault test contract %s, renamed %s", k.body["reference"], mark)
	ans := k.who.do(ctx, http.MethodPut, fmt.Sprintf("/api/v1/contracts/%d", k.id), body)
	l.ledger.record(kindUpdate, false, mark, ans)
}

// saveSection reads a section of the draft bid, then saves a new text
// against the version read: a 409 means another author saved first.
func (l *loadRun) saveSection(ctx context.Context, seq int64) {
	who := l.api[leedsOfficer]
	if seq%2 == 0 {
		who = l.api[leedsAuthor]
	}
	path := fmt.Sprintf("/api/v1/bids/%d/sections/%d", l.draftBid, l.sections[int(seq-1)%len(l.sections)])
	got := who.do(ctx, http.MethodGet, path, nil)
	l.ledger.record("API: bid section (read before a save)", true, "", got)
	var s struct {
		Version int `json:"version"`
	}
	if got.outcome != acked || json.Unmarshal(got.body, &s) != nil {
		return
	}
	mark := fmt.Sprintf("%s-S%05d", l.marker, seq)
	body := fmt.Sprintf("Describe the councils taking part and why you are buying together now.\n\nFault test edit %s.", mark)
	l.ledger.record(kindSection, false, mark, who.do(ctx, http.MethodPut, path, map[string]any{"body": body, "base_version": s.Version}))
}

// pace is how well the client kept to its schedule.
type pace struct {
	scheduled, started, skipped int
	lags                        []time.Duration // how late each start was
	took                        time.Duration
}

// maxInFlight caps the operations waiting on the server; one that would
// go past it is skipped and counted (the client kept no slower pace).
const maxInFlight = 256

// drive starts rate operations a second, on the clock, for d: open loop,
// so a slow answer delays nothing else. It waits for every operation.
func (l *loadRun) drive(ctx context.Context, rate float64, d time.Duration) pace {
	slots := schedule()
	interval := time.Duration(float64(time.Second) / rate)
	sem := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	var p pace
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if at.Sub(start) >= d || ctx.Err() != nil {
			break
		}
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
			case <-timer.C:
			}
		}
		p.scheduled++
		p.lags = append(p.lags, time.Since(at))
		select {
		case sem <- struct{}{}:
		default:
			p.skipped++
			continue
		}
		p.started++
		kind := slots[i%len(slots)]
		wg.Go(func() {
			defer func() { <-sem }()
			l.op(context.WithoutCancel(ctx), kind)
		})
	}
	wg.Wait()
	p.took = time.Since(start)
	return p
}
