package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// importFile writes a register file of n rows for a council from its own
// export: every exported row with its title changed (an update), then
// copies of them under new references (creations), every title carrying
// tag. It returns the file's path.
func importFile(ctx context.Context, w *workspace, gss, tag string, n int) (string, error) {
	out, err := w.jointly(ctx, 5*time.Minute, "", "export", "csv", "--council", gss)
	if err != nil {
		return "", err
	}
	rows, err := csv.NewReader(bytes.NewReader([]byte(out))).ReadAll()
	if err != nil {
		return "", fmt.Errorf("read the export of %s: %w", gss, err)
	}
	if len(rows) < 2 || rows[0][0] != "Reference Number" || rows[0][1] != "Title of Agreement" {
		return "", fmt.Errorf("the export of %s has no rows, or not the expected columns: %q", gss, rows[0])
	}
	header, data := rows[0], rows[1:]
	file := [][]string{header}
	for i := 0; len(file)-1 < n; i++ {
		r := append([]string(nil), data[i%len(data)]...)
		if i >= len(data) {
			r[0] = fmt.Sprintf("%s-%06d", tag, i)
		}
		r[1] = fmt.Sprintf("%s [%s]", r[1], tag)
		file = append(file, r)
	}
	path := filepath.Join(w.dir, "import-"+gss+".csv")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	cw := csv.NewWriter(f)
	cw.UseCRLF = true
	if err := cw.WriteAll(file); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// importFault is fault 1: jointly import contracts killed part way, then
// the register checked to be exactly as before, then the same import run
// to the end to show the check sees a finished import.
func importFault(ctx context.Context, w *workspace, cfg config) (*section, error) {
	sec := &section{title: "Fault 1: kill -9 during an import"}
	gss, tag := cfg.importCouncil, markerPrefix()+"-IMP"
	path, err := importFile(ctx, w, gss, tag, cfg.importRows)
	if err != nil {
		return nil, err
	}
	db, err := openDB(w.db)
	if err != nil {
		return nil, err
	}
	before, err := count(db, `SELECT count(*) FROM contracts WHERE council_gss = ?`, gss)
	if err != nil {
		db.Close()
		return nil, err
	}
	registerBefore, err := registerShape(db)
	db.Close()
	if err != nil {
		return nil, err
	}
	tagged := func() (int, int, error) {
		db, err := openDB(w.db)
		if err != nil {
			return 0, 0, err
		}
		defer db.Close()
		n, err := count(db, `SELECT count(*) FROM contracts WHERE council_gss = ? AND title LIKE '%' || ? || '%'`, gss, "["+tag+"]")
		if err != nil {
			return 0, 0, err
		}
		all, err := count(db, `SELECT count(*) FROM contracts WHERE council_gss = ?`, gss)
		return n, all, err
	}

	// Killed once it is writing: the write-ahead log has grown by a
	// mebibyte (the transaction's pages spilling out of the cache), and it
	// has run a second at least.
	wal := w.db + "-wal"
	walBefore := fileSize(wal)
	cmd := w.command(ctx, "import", "contracts", "--council", gss, path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var killedAt time.Duration
	var walAtKill int64
	finished := false
	trigger := "the write-ahead log grew by 1 MiB"
poll:
	for {
		select {
		case err := <-exited:
			finished = true
			w.logf("fault 1: the import ended before the kill (%v): %s", err, oneLine(out.String()))
			break poll
		case <-time.After(10 * time.Millisecond):
		}
		el := time.Since(start)
		grown := fileSize(wal) - walBefore
		if el >= time.Second && (grown >= 1<<20 || el >= 30*time.Second) {
			if grown < 1<<20 {
				trigger = "30 seconds passed"
			}
			walAtKill = fileSize(wal)
			killedAt = el
			_ = cmd.Process.Kill()
			err := <-exited
			if !isKilled(err) {
				finished = true // it ended on its own just before the signal
			}
			break poll
		}
	}
	verdict, err := integrity(w.db)
	if err != nil {
		return nil, err
	}
	afterKill, allAfterKill, err := tagged()
	if err != nil {
		return nil, err
	}
	db, err = openDB(w.db)
	if err != nil {
		return nil, err
	}
	registerAfterKill, err := registerShape(db)
	db.Close()
	if err != nil {
		return nil, err
	}

	// The same import again, to the end.
	start2 := time.Now()
	done, runErr := w.jointly(ctx, 15*time.Minute, "", "import", "contracts", "--council", gss, path)
	took2 := time.Since(start2)
	afterRun, allAfterRun, err := tagged()
	if err != nil {
		return nil, err
	}

	sec.para("A register file for council %s (`jointly export csv` of its %d contracts, each title tagged `[%s]`, "+
		"then copies under new references up to %d rows, so every row is an update or a creation) is imported with "+
		"`jointly import contracts --council %s FILE`, which writes the whole file in one transaction.",
		gss, before, tag, cfg.importRows, gss)
	if finished {
		sec.para("The import finished before it could be killed (%s), so the fault was not exercised: use more rows (-import-rows).", oneLine(out.String()))
	} else {
		sec.para("SIGKILL at %v after it started (trigger: %s; the write-ahead log was %.1f MiB, %.1f MiB more than before). "+
			"Then `PRAGMA integrity_check`, and the rows carrying the tag counted. Then the same file imported again, to the end, in %v: %s.",
			killedAt.Round(time.Millisecond), trigger, float64(walAtKill)/(1<<20), float64(walAtKill-walBefore)/(1<<20),
			took2.Round(100*time.Millisecond), oneLine(done))
	}
	sec.check("The kill came mid-import", !finished, "killed at %v, before the import ended", killedAt.Round(time.Millisecond))
	sec.check("PRAGMA integrity_check after the kill", verdict == "ok", "%s", verdict)
	sec.check("All or nothing after the kill", (afterKill == 0 && allAfterKill == before && registerAfterKill == registerBefore) || afterKill == cfg.importRows,
		"%d of %d rows tagged; %d contracts in the council's register (%d before); every council's registers: %s (before: %s)",
		afterKill, cfg.importRows, allAfterKill, before, registerAfterKill, registerBefore)
	sec.check("The import then runs to the end", runErr == nil && afterRun == cfg.importRows,
		"%d of %d rows tagged, %d contracts in the register; %v", afterRun, cfg.importRows, allAfterRun, errText(runErr))
	return sec, nil
}

// registerShape counts what an import writes, across every council: the
// contracts, their history, suppliers and products.
func registerShape(db *sql.DB) (string, error) {
	var contracts, changes, suppliers, products int
	err := db.QueryRow(`SELECT (SELECT count(*) FROM contracts), (SELECT count(*) FROM contract_changes),
		(SELECT count(*) FROM suppliers), (SELECT count(*) FROM products)`).Scan(&contracts, &changes, &suppliers, &products)
	return fmt.Sprintf("%d contracts, %d history entries, %d suppliers, %d products", contracts, changes, suppliers, products), err
}
