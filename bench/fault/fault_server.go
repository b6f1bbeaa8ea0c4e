package main

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Fault 3's stream: workers per supplier, each submitting again as soon
// as it has its answer, until the server is killed.
const (
	workersPerSupplier = 2
	killAfterAcks      = 100
	killAfterAtLeast   = time.Second
	killAfterAtMost    = 20 * time.Second
)

// serverFault is fault 3: the server killed with SIGKILL under a stream of
// response submissions, then restarted on the same database.
func serverFault(ctx context.Context, w *workspace, ds dataset) (*section, error) {
	sec := &section{title: "Fault 3: kill -9 of the server during response submissions"}
	srv, a, lastReceipt, err := serveReady(ctx, w, "submissions", ds, false)
	if err != nil {
		return nil, err
	}
	defer srv.stopIfRunning()

	marker := markerPrefix() + "-K"
	const kind = "response: submit while the server is killed"
	l := newLedger()
	var (
		stop     atomic.Bool
		seq      atomic.Int64
		acks     atomic.Int64
		inFlight atomic.Int64
		mu       sync.Mutex
		mismatch []string
		ackedBy  = map[string][]string{} // supplier → receipt hashes acknowledged
		wg       sync.WaitGroup
	)
	start := time.Now()
	for _, supplier := range a.suppliers {
		for range workersPerSupplier {
			wg.Go(func() {
				for !stop.Load() && ctx.Err() == nil {
					n := seq.Add(1)
					inFlight.Add(1)
					ans, receipt, bad := a.submitResponse(ctx, l, kind, supplier, fmt.Sprintf("%s%05d", marker, n), 200_000_00+n)
					inFlight.Add(-1)
					mu.Lock()
					if bad != "" {
						mismatch = append(mismatch, bad)
					}
					if ans.outcome == acked {
						acks.Add(1)
					}
					if receipt != "" {
						ackedBy[supplier] = append(ackedBy[supplier], receipt)
					}
					mu.Unlock()
					if ans.err != nil {
						return // the server is gone
					}
				}
			})
		}
	}
	for (acks.Load() < killAfterAcks || time.Since(start) < killAfterAtLeast) && time.Since(start) < killAfterAtMost && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	// The clients carry on until their first request without an answer.
	killedAt, acksAtKill, inFlightAtKill := time.Since(start), acks.Load(), inFlight.Load()
	srv.kill()
	stop.Store(true)
	wg.Wait()
	t := l.tally(kind)
	killedBySignal := isKilled(srv.waitErr)

	// The database as the crash left it, opened afresh.
	verdict, err := integrity(w.db)
	if err != nil {
		return nil, err
	}
	db, err := openDB(w.db)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	stored, err := storedReceipts(db, a.opportunity, lastReceipt)
	if err != nil {
		return nil, err
	}
	r := reconcile(l.sent(kind), stored)
	standing, err := standingMatchesReceipts(db, a.opportunity)
	if err != nil {
		return nil, err
	}

	// Restarted on the same database: each supplier's receipts through
	// the API, and one more submission each.
	srv2, err := startServer(ctx, w, "restarted")
	if err != nil {
		return nil, err
	}
	defer func() {
		select {
		case <-srv2.exited:
		default:
			srv2.kill()
		}
	}()
	a2, err := ready(ctx, w, srv2, ds, false)
	if err != nil {
		return nil, err
	}
	var apiMissing []string
	for _, supplier := range a2.suppliers {
		var mine struct {
			Status   string `json:"status"`
			SHA256   string `json:"sha256"`
			Receipts []struct {
				Kind   string `json:"kind"`
				SHA256 string `json:"sha256"`
			} `json:"receipts"`
		}
		if err := a2.api[supplier].getJSON(ctx, fmt.Sprintf("/api/v1/opportunities/%d/response", a2.opportunity), &mine); err != nil {
			return nil, err
		}
		shown := map[string]bool{}
		for _, rc := range mine.Receipts {
			if rc.Kind == "submitted" {
				shown[rc.SHA256] = true
			}
		}
		for _, sha := range ackedBy[supplier] {
			if !shown[sha] {
				apiMissing = append(apiMissing, supplier+": "+sha)
			}
		}
	}
	after := newLedger()
	for i, supplier := range a2.suppliers {
		if _, _, bad := a2.submitResponse(ctx, after, "after restart", supplier, fmt.Sprintf("%s-after%d", marker, i), 300_000_00+int64(i)); bad != "" {
			mismatch = append(mismatch, bad)
		}
	}
	afterTally := after.tally("after restart")
	stopErr := srv2.stop(30 * time.Second)
	log, err := readLog(srv2.logPath)
	if err != nil {
		return nil, err
	}

	sec.para("`jointly serve`, with %d suppliers each submitting their response to the published bid from %d clients at once, "+
		"each client submitting again as soon as it has its answer (every submission's answers unique, so each has its own "+
		"receipt hash), until its first request without an answer. SIGKILL at %v, when %d submissions had been acknowledged "+
		"and %d were waiting for an answer (an answer broken off by the kill counts as no answer; a request sent after "+
		"the kill finds nothing listening: an error, connection refused); "+
		"then `PRAGMA integrity_check` on the database as the crash left it, every acknowledged receipt looked for in "+
		"bid_response_receipts, and the server started again on the same database.",
		len(a.suppliers), workersPerSupplier, killedAt.Round(time.Millisecond), acksAtKill, inFlightAtKill)
	sec.para("%s", tallyTable([]tally{t, afterTally}, true))
	sec.check("The server was killed mid-stream", killedBySignal && t.unknown > 0,
		"ended by SIGKILL: %v; %d submissions cut off without an answer", killedBySignal, t.unknown)
	sec.check("PRAGMA integrity_check after the kill", verdict == "ok", "%s", verdict)
	sec.check("Every acknowledged submission is there with its receipt hash", r.ok(), "%s", r)
	sec.check("Receipts are the hash of what was sent", len(mismatch) == 0, "%d mismatches%s", len(mismatch), firstOf(mismatch))
	sec.check("Each standing response matches its latest receipt", len(standing) == 0, "%d responses whose sha256 is not their latest submission receipt's%s",
		len(standing), firstOf(standing))
	sec.check("After the restart, the API shows every acknowledged receipt", len(apiMissing) == 0,
		"%d acknowledged receipts missing from GET /api/v1/opportunities/%d/response%s", len(apiMissing), a2.opportunity, firstOf(apiMissing))
	sec.check("After the restart, submissions work and the server stops cleanly",
		afterTally.acked == len(a2.suppliers) && stopErr == nil && log.clean(),
		"%d of %d acknowledged; stopped cleanly: %s; log: %s", afterTally.acked, len(a2.suppliers), errText(stopErr), log)
	return sec, nil
}

// standingMatchesReceipts lists each submitted response to bid bidID whose
// standing sha256 is not that of its latest submission receipt.
func standingMatchesReceipts(db *sql.DB, bidID int64) ([]string, error) {
	return column(db, `SELECT 'response ' || r.id || ': ' || coalesce(r.sha256, 'none') || ' against ' || coalesce(
			(SELECT rc.sha256 FROM bid_response_receipts rc WHERE rc.response_id = r.id AND rc.kind = 'submitted' ORDER BY rc.id DESC LIMIT 1), 'none')
		FROM bid_responses r WHERE r.bid_id = ? AND r.status = 'submitted'
		AND r.sha256 IS NOT (SELECT rc.sha256 FROM bid_response_receipts rc WHERE rc.response_id = r.id AND rc.kind = 'submitted' ORDER BY rc.id DESC LIMIT 1)`, bidID)
}
