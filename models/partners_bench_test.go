package models_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPartnerMatches measures partner matching for one council (Leeds,
// the largest demo council: about 2,100 contracts at 400,000) at two
// national sizes, for a whole council's ranked list, one contract's list,
// and a wide window. Run with:
//
//	go test -tags sqlite_fts5 -run '^$' -bench PartnerMatches -benchmem ./models/
func BenchmarkPartnerMatches(b *testing.B) {
	for _, n := range []int{50_000, 400_000} {
		b.Run(fmt.Sprintf("contracts=%d", n), func(b *testing.B) {
			db, _ := testutil.SeededDB(b)
			testutil.LoadNationalScale(b, db, n)
			ctx := context.Background()
			officer := mustUserByEmail(b, db, testutil.OfficerEmail)
			var one int64
			if err := db.R.QueryRow(`SELECT id FROM contracts WHERE council_gss = ? AND product_id IS NOT NULL
				AND decision_window_date > ? ORDER BY id LIMIT 1`, leedsGSS, testutil.Now.Format("2006-01-02")).Scan(&one); err != nil {
				b.Fatal(err)
			}
			for _, c := range []struct {
				name string
				opts models.PartnerOptions
			}{
				{"council/window_12", models.PartnerOptions{}},
				{"council/window_24", models.PartnerOptions{WindowMonths: 24}},
				{"council/limit_5", models.PartnerOptions{Limit: 5}},
				{"contract", models.PartnerOptions{ContractID: one}},
			} {
				b.Run(c.name, func(b *testing.B) {
					cpu := processCPU()
					for b.Loop() {
						ms, err := db.PartnerMatches(ctx, officer, leedsGSS, c.opts)
						if err != nil || len(ms) == 0 {
							b.Fatalf("%d matches, %v", len(ms), err)
						}
					}
					// CPU time per call as well as wall time: on a busy machine
					// wall time measures the neighbours too.
					b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				})
			}
		})
	}
}
