package models

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The expiry alerts' query must stay one range read per council of the
// contracts_council_window index, at national scale never a scan of every
// contract: its plan is checked, before and after the planner has
// statistics (PRAGMA optimize gathers them nightly).
func TestContractAlertsDueReadsOnlyContractsNearTheirWindow(t *testing.T) {
	ctx := context.Background()
	db, err := Open(filepath.Join(t.TempDir(), "plan.db"), &FixedClock{T: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	today := NewDate(2026, 11, 21)
	for _, analyse := range []bool{false, true} {
		if analyse {
			if _, err := db.W.Exec(`ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := db.W.QueryContext(ctx, `EXPLAIN QUERY PLAN `+contractAlertsDueSQL,
			sql.Named("today", today.String()), sql.Named("d30", today.AddDays(30).String()),
			sql.Named("d60", today.AddDays(60).String()), sql.Named("d120", today.AddDays(120).String()))
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		scansContracts := slices.ContainsFunc(plan, func(l string) bool { return strings.HasPrefix(l, "SCAN c ") || l == "SCAN c" })
		if scansContracts || !strings.Contains(text,
			"SEARCH c USING INDEX contracts_council_window (council_gss=? AND decision_window_date>? AND decision_window_date<?)") {
			t.Errorf("analysed %v: plan\n%s", analyse, text)
		}
	}
}
