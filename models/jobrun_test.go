package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jointly/models"
	"jointly/testutil"
)

// The life of one job's period: claimed once, finished, refused unless
// forced, and a claim that is no longer a runner's cannot be renewed or
// finished by it.
func TestJobRunClaims(t *testing.T) {
	t.Parallel()
	db, clock := testutil.NewDB(t)
	ctx := context.Background()
	claim := func(owner string, force bool, gone func(string) bool) (models.JobRun, error) {
		return db.ClaimJobRun(ctx, models.JobClaim{Job: "digest", Period: "2026-11-21T06:00", Trigger: models.TriggerSchedule,
			Force: force, Owner: owner, Lease: 2 * time.Minute, Gone: gone})
	}
	a, err := claim("host-a:1", false, nil)
	if err != nil || a.Status != "running" || a.Attempts != 1 || a.Owner != "host-a:1" || !a.LeaseUntil.Equal(testutil.Now.Add(2*time.Minute)) {
		t.Fatalf("first claim: %+v, %v", a, err)
	}
	if _, err := claim("host-b:2", false, nil); !errors.Is(err, models.ErrJobRunning) || !strings.Contains(err.Error(), "host-a:1") {
		t.Errorf("claim while running: %v, want ErrJobRunning naming the owner", err)
	}
	if _, err := claim("host-b:2", true, nil); !errors.Is(err, models.ErrJobRunning) {
		t.Errorf("forced claim while running: %v, want ErrJobRunning (force reruns a finished period only)", err)
	}
	clock.Advance(time.Minute)
	if err := db.RenewJobLease(ctx, a, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	clock.Advance(90 * time.Second) // past the first lease, within the renewed one
	if _, err := claim("host-b:2", false, nil); !errors.Is(err, models.ErrJobRunning) {
		t.Errorf("claim within a renewed lease: %v", err)
	}
	// Its owner has gone: taken over at once.
	b, err := claim("host-b:2", false, func(owner string) bool { return owner == "host-a:1" })
	if err != nil || b.Attempts != 2 || b.Owner != "host-b:2" || b.ID != a.ID {
		t.Fatalf("claim of a gone owner's period: %+v, %v", b, err)
	}
	if err := db.RenewJobLease(ctx, a, time.Minute); !errors.Is(err, models.ErrJobClaimLost) {
		t.Errorf("renewing a claim taken over: %v", err)
	}
	if err := db.FinishJobRun(ctx, a, map[string]int{"sent": 1}, nil); !errors.Is(err, models.ErrJobClaimLost) {
		t.Errorf("finishing a claim taken over: %v", err)
	}
	// The same owner (a second scheduler in one process) is told apart by
	// the attempt.
	stale := b
	stale.Attempts = 1
	stale.Owner = "host-b:2"
	if err := db.FinishJobRun(ctx, stale, nil, nil); !errors.Is(err, models.ErrJobClaimLost) {
		t.Errorf("finishing with an earlier attempt: %v", err)
	}
	if err := db.FinishJobRun(ctx, b, map[string]int{"sent": 12, "skipped": 3}, nil); err != nil {
		t.Fatal(err)
	}
	r, err := db.JobRunFor(ctx, "digest", "2026-11-21T06:00")
	if err != nil || r.Status != "succeeded" || r.Counts["sent"] != 12 || r.Counts["skipped"] != 3 || !r.FinishedAt.Equal(clock.T) || r.Error != "" {
		t.Errorf("finished run: %+v, %v", r, err)
	}
	if err := db.FinishJobRun(ctx, b, nil, nil); !errors.Is(err, models.ErrJobClaimLost) {
		t.Errorf("finishing twice: %v", err)
	}
	if _, err := claim("host-c:3", false, nil); !errors.Is(err, models.ErrJobDone) {
		t.Errorf("claim of a done period: %v", err)
	}
	c, err := claim("host-c:3", true, nil)
	if err != nil || c.Attempts != 3 || c.Status != "running" || len(c.Counts) != 0 || !c.FinishedAt.IsZero() {
		t.Fatalf("forced claim of a done period: %+v, %v", c, err)
	}
	if err := db.FinishJobRun(ctx, c, nil, errors.New("disc full")); err != nil {
		t.Fatal(err)
	}
	if r, _ := db.JobRunFor(ctx, "digest", "2026-11-21T06:00"); r.Status != "failed" || r.Error != "disc full" {
		t.Errorf("failed run: %+v", r)
	}
	// A failed period is claimed again without force.
	if d, err := claim("host-d:4", false, nil); err != nil || d.Attempts != 4 {
		t.Errorf("claim of a failed period: %+v, %v", d, err)
	}
	if _, err := db.JobRunFor(ctx, "digest", "2026-11-22T06:00"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("JobRunFor a period never run: %v", err)
	}
	if n := count(t, db, "job_runs"); n != 1 {
		t.Errorf("%d job_runs rows, want one for the period", n)
	}
}

func TestJobLogAndLatestRuns(t *testing.T) {
	t.Parallel()
	db, clock := testutil.NewDB(t)
	ctx := context.Background()
	admin := mustCreateUser(t, db, models.NewUser{Email: "ops@jointly.example", Name: "Ops Person", Role: models.RoleAdmin, Password: "a long enough password"})
	for i, p := range []string{"2026-11-20T06:00", "2026-11-21T06:00"} {
		r, err := db.ClaimJobRun(ctx, models.JobClaim{Job: "digest", Period: p, Trigger: models.TriggerSchedule, Owner: "h:1", Lease: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.FinishJobRun(ctx, r, map[string]int{"sent": i}, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.LogJobRun(ctx, models.JobLogEntry{Job: "digest", Period: p, Trigger: models.TriggerSchedule, Outcome: "succeeded",
			Counts: map[string]int{"sent": i}, StartedAt: clock.T}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	if err := db.LogJobRun(ctx, models.JobLogEntry{Job: "digest", Period: "2026-11-21T06:00", Trigger: models.TriggerAdmin,
		Outcome: "skipped", Detail: "already ran", UserID: admin.ID}); err != nil {
		t.Fatal(err)
	}
	r, err := db.ClaimJobRun(ctx, models.JobClaim{Job: "backup", Period: "2026-11-21T03:00", Trigger: models.TriggerCatchUp, Owner: "h:1", Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	latest, err := db.LatestJobRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest["digest"].Period != "2026-11-21T06:00" || latest["backup"].ID != r.ID || latest["backup"].Status != "running" {
		t.Errorf("LatestJobRuns %+v", latest)
	}
	log, err := db.JobLog(ctx, "digest", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Outcome != "skipped" || log[0].UserName != "Ops Person" || log[0].Trigger != models.TriggerAdmin ||
		log[1].Counts["sent"] != 1 || log[1].UserID != 0 {
		t.Errorf("JobLog(digest, 2) = %+v", log)
	}
	if all, _ := db.JobLog(ctx, "", 10); len(all) != 3 {
		t.Errorf("JobLog of every job: %d entries, want 3", len(all))
	}
	if none, _ := db.JobLog(ctx, "backup", 10); len(none) != 0 {
		t.Errorf("JobLog(backup): %+v", none)
	}
}
