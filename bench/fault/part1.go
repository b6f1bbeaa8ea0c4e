package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// mixedLoad is part 1: the server under a steady mixed load, then every
// acknowledged write looked for in the database.
func mixedLoad(ctx context.Context, w *workspace, cfg config, ds dataset) (*section, error) {
	sec := &section{title: "Part 1: mixed load at a steady rate"}
	jobs, took, err := runJobsOnce(ctx, w)
	if err != nil {
		return nil, err
	}
	sec.para("Before the load, each scheduled job was run once for its current period (`jointly jobs run NAME` for %s: "+
		"%v in all), so that the server's start-up catch-up of missed jobs (the councils' briefings, the nightly backup…) "+
		"does not fall inside the measured minutes.", strings.Join(jobs, ", "), took.Round(100*time.Millisecond))
	loadBefore := loadAverage()
	srv, a, lastReceipt, err := serveReady(ctx, w, "load", ds, true)
	if err != nil {
		return nil, err
	}
	defer srv.stopIfRunning()
	l := newLoadRun(a, markerPrefix())
	cpuBefore, _ := cpuSeconds(srv.pid())
	p := l.drive(ctx, cfg.rate, cfg.duration)
	cpuAfter, cpuOK := cpuSeconds(srv.pid())
	w.logf("part 1: %d operations started in %v; stopping the server", p.started, p.took.Round(time.Second))
	loadAfter := loadAverage()
	stopErr := srv.stop(30 * time.Second)

	sec.para("`jointly serve` on a free loopback port, loaded for %v at %.0f operations a second, started on the clock "+
		"(open loop: a slow answer delays no other request), in this mix out of 100: 70 reads (pages signed in through "+
		"the real sign-in form as a Leeds officer, a Bradford officer, a Leeds councillor, the demo supplier and the "+
		"administrator; API lists with tokens), 8 contract creations and 5 contract replacements through the API "+
		"(Leeds's and Bradford's officers, each write with a unique reference or title), 10 section saves on the demo's "+
		"draft bid by two Leeds officers (read the section, then save against the version read: a 409 is the expected "+
		"conflict when the other author saved first), and 7 sealed response submissions to the demo's published bid, "+
		"spread over %d suppliers. Every request waits at most %v for its answer. Marker of this run's writes: `%s`.",
		cfg.duration, cfg.rate, len(a.suppliers), requestTimeout, l.marker)
	sec.para("%d operations scheduled, %d started (%.1f a second over %v), %d skipped because %d were already waiting; "+
		"each start was late by %s ms at the median, %s ms at the 95th percentile, %s ms at the 99th and %s ms at most (this program "+
		"waiting for a CPU: a measure of how busy the machine was). The server used %s. The machine's load average (one "+
		"minute) was %s as the load began and %s as it ended: the server, this program and anything else running share its %d CPUs.",
		p.scheduled, p.started, float64(p.started)/p.took.Seconds(), p.took.Round(time.Second), p.skipped, maxInFlight,
		ms(percentile(p.lags, 50)), ms(percentile(p.lags, 95)), ms(percentile(p.lags, 99)), ms(percentile(p.lags, 100)),
		cpuText(cpuAfter-cpuBefore, p.took, cpuOK), loadBefore, loadAfter, runtime.NumCPU())

	writes := []string{kindCreate, kindUpdate, kindSection, kindResponse}
	var wt, rt []tally
	for _, k := range writes {
		wt = append(wt, l.ledger.tally(k))
	}
	for _, r := range l.reads {
		rt = append(rt, l.ledger.tally(r.name))
	}
	rt = append(rt, l.ledger.tally("API: bid section (read before a save)"))
	sec.para("Writes (latency from sending the request to reading the whole answer, over loopback):\n\n%s", tallyTable(wt, true))
	sec.para("Reads:\n\n%s", tallyTable(rt, false))

	// The database afterwards, with the server stopped.
	db, err := openDB(w.db)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	present := map[string]func() (map[string]bool, error){
		kindCreate:   func() (map[string]bool, error) { return storedReferences(db, l.marker+"-C") },
		kindUpdate:   func() (map[string]bool, error) { return storedTitleChanges(db, l.marker+"-U") },
		kindSection:  func() (map[string]bool, error) { return storedSectionVersions(db, l.marker+"-S") },
		kindResponse: func() (map[string]bool, error) { return storedReceipts(db, a.opportunity, lastReceipt) },
	}
	var all []tally
	all = append(append(all, wt...), rt...)
	fives, locked, unanswered, readErrors := 0, 0, 0, 0
	for _, t := range all {
		fives += t.fiveXX()
		locked += t.locked
		unanswered += t.unknown
	}
	for _, t := range rt {
		readErrors += t.refused
	}
	log, err := readLog(srv.logPath)
	if err != nil {
		return nil, err
	}
	sec.para("The server's log, besides the requests: %s.", strings.Join(log.events, "; "))
	sec.check("No 5xx", fives == 0 && log.status5xx == 0, "%d answers with a 5xx status at the client; %d requests logged with a 5xx by the server", fives, log.status5xx)
	sec.check(`No "database is locked"`, locked == 0 && len(log.locked) == 0,
		"%d answers whose body says it; %d server log lines that say it", locked, len(log.locked))
	sec.check("Server log clean", log.clean(), "%s", log)
	sec.check("Every request answered", unanswered == 0, "%d requests had no answer within %v", unanswered, requestTimeout)
	sec.check("Every read answered 2xx or 3xx", readErrors == 0, "%d reads answered otherwise", readErrors)
	for i, k := range writes {
		t := wt[i]
		bad := t.refused
		if k != kindSection {
			bad += t.conflicts
		}
		sec.check("Writes refused only as expected: "+k, bad == 0, "%d acknowledged, %d conflicts, %d refused otherwise%s",
			t.acked, t.conflicts, t.refused, statusSuffix(t))
	}
	for _, k := range writes {
		stored, err := present[k]()
		if err != nil {
			return nil, fmt.Errorf("read back %s: %w", k, err)
		}
		r := reconcile(l.ledger.sent(k), stored)
		sec.check("No lost write: "+k, r.ok(), "%s", r)
	}
	sec.check("Receipts are the hash of what was sent", len(l.mismatch) == 0, "%d of %d acknowledged submissions had a receipt other than models.ResponseDigest of the answers and price sent%s",
		len(l.mismatch), wt[3].acked, firstOf(l.mismatch))
	verdict, err := integrity(w.db)
	if err != nil {
		return nil, err
	}
	sec.check("PRAGMA integrity_check after the load", verdict == "ok", "%s", verdict)
	sec.check("Server stopped cleanly on SIGTERM", stopErr == nil, "%v", errText(stopErr))
	sec.check("The client kept the rate", p.skipped == 0, "%d of %d operations skipped", p.skipped, p.scheduled)
	return sec, nil
}

func statusSuffix(t tally) string {
	if len(t.statuses) == 0 {
		return ""
	}
	return " (" + statusList(t.statuses) + ")"
}

func firstOf(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return ": " + first(items, 3)
}

func errText(err error) string {
	if err == nil {
		return "yes"
	}
	return err.Error()
}

// storedReferences is the references of contracts starting with prefix.
func storedReferences(db *sql.DB, prefix string) (map[string]bool, error) {
	refs, err := column(db, `SELECT reference FROM contracts WHERE reference LIKE ? || '%'`, prefix)
	return setOf(refs), err
}

// storedTitleChanges is the update markers found in the new titles the
// register's history records (models.FieldChange).
func storedTitleChanges(db *sql.DB, prefix string) (map[string]bool, error) {
	rows, err := column(db, `SELECT changes FROM contract_changes WHERE action = 'update' AND changes LIKE '%' || ? || '%'`, prefix)
	if err != nil {
		return nil, err
	}
	re := regexp.MustCompile(regexp.QuoteMeta(prefix) + `\d+`)
	out := map[string]bool{}
	for _, r := range rows {
		var changes []struct {
			Field string `json:"field"`
			New   string `json:"new"`
		}
		if err := json.Unmarshal([]byte(r), &changes); err != nil {
			return nil, fmt.Errorf("contract_changes.changes %q: %w", clip(r, 100), err)
		}
		for _, c := range changes {
			if c.Field == "title" {
				for _, m := range re.FindAllString(c.New, -1) {
					out[m] = true
				}
			}
		}
	}
	return out, nil
}

// storedSectionVersions is the markers found in kept section versions.
func storedSectionVersions(db *sql.DB, prefix string) (map[string]bool, error) {
	bodies, err := column(db, `SELECT body FROM bid_section_versions WHERE body LIKE '%' || ? || '%'`, prefix)
	if err != nil {
		return nil, err
	}
	re := regexp.MustCompile(regexp.QuoteMeta(prefix) + `\d+`)
	out := map[string]bool{}
	for _, b := range bodies {
		for _, m := range re.FindAllString(b, -1) {
			out[m] = true
		}
	}
	return out, nil
}

// storedReceipts is the hashes of the submission receipts for bid bidID
// recorded after receipt afterID.
func storedReceipts(db *sql.DB, bidID int64, afterID int) (map[string]bool, error) {
	shas, err := column(db, `SELECT rc.sha256 FROM bid_response_receipts rc JOIN bid_responses r ON r.id = rc.response_id
		WHERE r.bid_id = ? AND rc.kind = 'submitted' AND rc.id > ?`, bidID, afterID)
	return setOf(shas), err
}

func setOf(items []string) map[string]bool {
	out := make(map[string]bool, len(items))
	for _, s := range items {
		out[s] = true
	}
	return out
}

// runJobsOnce runs every scheduled job (as `jointly jobs list` names them)
// once for its current period.
func runJobsOnce(ctx context.Context, w *workspace) ([]string, time.Duration, error) {
	start := time.Now()
	list, err := w.jointly(ctx, time.Minute, "", "jobs", "list")
	if err != nil {
		return nil, 0, err
	}
	var names []string
	for i, line := range strings.Split(list, "\n") {
		if f := strings.Fields(line); i > 0 && len(f) > 0 {
			names = append(names, f[0])
		}
	}
	for _, name := range names {
		if _, err := w.jointly(ctx, 10*time.Minute, "", "jobs", "run", name); err != nil {
			return nil, 0, err
		}
	}
	return names, time.Since(start), nil
}

// loadAverage is the one-minute load average, from /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// cpuSeconds is the CPU time (user and system) process pid has used, from
// /proc/PID/stat, counted in the kernel's clock ticks (USER_HZ, 100 on
// Linux).
func cpuSeconds(pid int) (float64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis (utime and stime are the 14th and 15th).
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return (utime + stime) / 100, true
}

func cpuText(seconds float64, over time.Duration, ok bool) string {
	if !ok {
		return "an unknown amount of CPU time (no /proc)"
	}
	return fmt.Sprintf("%.0f CPU-seconds over the %v (%.0f%% of one CPU)", seconds, over.Round(time.Second), 100*seconds/over.Seconds())
}
