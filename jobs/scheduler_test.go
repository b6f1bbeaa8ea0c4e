package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jointly/jobs"
	"jointly/models"
	"jointly/testutil"
)

// schedClock is a fixed clock the test moves while a run's lease renewer
// reads it from another goroutine.
type schedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *schedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *schedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// schedDeps is an empty migrated database on a clock at testutil.Now that
// the test may move.
func schedDeps(t *testing.T) (jobs.Deps, *schedClock) {
	t.Helper()
	db, fixed := testutil.NewDB(t)
	clock := &schedClock{t: fixed.T}
	db.Clock = clock
	return jobs.Deps{DB: db, Outbox: &models.Outbox{DB: db}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, clock
}

// schedRecorder is a job body that records the periods it ran for.
type schedRecorder struct {
	mu   sync.Mutex
	keys []string
}

func (r *schedRecorder) body(ctx context.Context, d jobs.Deps, p jobs.Period) (jobs.Counts, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = append(r.keys, p.Key)
	return jobs.Counts{"done": 1}, nil
}

func (r *schedRecorder) ran() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.keys)
}

func schedNew(t *testing.T, d jobs.Deps, o jobs.Options) *jobs.Scheduler {
	t.Helper()
	s, err := jobs.NewWith(d, o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func london(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, models.London())
}

// schedRuns lists job name's scheduled times in [from, to).
func schedRuns(t *testing.T, s *jobs.Scheduler, name string, from, to time.Time) []jobs.Period {
	t.Helper()
	var out []jobs.Period
	for at := from.Add(-time.Nanosecond); ; {
		p, err := s.NextAfter(name, at)
		if err != nil {
			t.Fatal(err)
		}
		if !p.At.Before(to) {
			return out
		}
		out = append(out, p)
		at = p.At
	}
}

// In 2027 British Summer Time starts on 28 March at 01:00 UTC (01:00 to
// 01:59 never happens) and ends on 31 October at 01:00 UTC (01:00 to 01:59
// happens twice). The schedules are UK wall-clock times across both.
func TestScheduleAcrossTheClockChanges(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{
		{Name: "six", Schedule: "0 6 * * *"},
		{Name: "quarter-past-two", Schedule: "15 2 * * *"},
		{Name: "half-past-one", Schedule: "30 1 * * *"},
		{Name: "every-minute", Schedule: "* * * * *"},
		{Name: "hourly", Schedule: "30 * * * *"},
	}})
	spring, autumn := london(2027, 3, 28, 0, 0), london(2027, 10, 31, 0, 0)
	dayAfter := func(day time.Time) time.Time { return day.AddDate(0, 0, 1) }

	// Daily at 06:00 UK time, every day of the year: 06:00Z in winter,
	// 05:00Z in summer.
	six := schedRuns(t, s, "six", london(2027, 1, 1, 0, 0), london(2028, 1, 1, 0, 0))
	if len(six) != 365 {
		t.Fatalf("%d runs of 0 6 * * * in 2027, want 365", len(six))
	}
	for i, p := range six {
		l := p.At.In(models.London())
		if l.Hour() != 6 || l.Minute() != 0 || l.YearDay() != i+1 {
			t.Fatalf("run %d of 0 6 * * * at %s, want 06:00 UK time on day %d", i, l, i+1)
		}
		if want := l.Format("2006-01-02") + "T06:00"; p.Key != want {
			t.Errorf("key %q, want %q", p.Key, want)
		}
	}
	for _, w := range []struct {
		day  int
		utc  string
		name string
	}{
		{86, "2027-03-27T06:00:00Z", "the day before the clocks go forward"},
		{87, "2027-03-28T05:00:00Z", "the day the clocks go forward"},
		{303, "2027-10-30T05:00:00Z", "the day before the clocks go back"},
		{304, "2027-10-31T06:00:00Z", "the day the clocks go back"},
	} {
		if got := six[w.day-1].At.UTC().Format(time.RFC3339); got != w.utc {
			t.Errorf("0 6 * * * on %s at %s, want %s", w.name, got, w.utc)
		}
	}

	// 02:15 happens once on both days (the skipped and the repeated hours
	// are 01:00 to 01:59).
	for _, w := range []struct {
		day      time.Time
		utc, key string
	}{{spring, "2027-03-28T01:15:00Z", "2027-03-28T02:15"}, {autumn, "2027-10-31T02:15:00Z", "2027-10-31T02:15"}} {
		runs := schedRuns(t, s, "quarter-past-two", w.day, dayAfter(w.day))
		if len(runs) != 1 || runs[0].At.UTC().Format(time.RFC3339) != w.utc || runs[0].Key != w.key {
			t.Errorf("15 2 * * * on %s: %v, want once at %s (%s)", w.day.Format("2 January"), runs, w.utc, w.key)
		}
	}

	// 01:30 never happens in spring: it runs at 02:30 BST instead of not
	// at all. It happens twice in autumn: it runs the first time only.
	for _, w := range []struct {
		day      time.Time
		utc, key string
	}{{spring, "2027-03-28T01:30:00Z", "2027-03-28T02:30"}, {autumn, "2027-10-31T00:30:00Z", "2027-10-31T01:30+01:00"}} {
		runs := schedRuns(t, s, "half-past-one", w.day, dayAfter(w.day))
		if len(runs) != 1 || runs[0].At.UTC().Format(time.RFC3339) != w.utc || runs[0].Key != w.key {
			t.Errorf("30 1 * * * on %s: %v, want once at %s (%s)", w.day.Format("2 January"), runs, w.utc, w.key)
		}
	}
	if n := len(schedRuns(t, s, "half-past-one", london(2027, 1, 1, 0, 0), london(2028, 1, 1, 0, 0))); n != 365 {
		t.Errorf("%d runs of 30 1 * * * in 2027, want 365", n)
	}

	// Every minute and every hour run through every real minute and hour:
	// 23 hours in the spring day, 25 in the autumn one, each minute with a
	// key of its own. The repeated wall times carry their offset.
	for _, w := range []struct {
		day   time.Time
		hours int
	}{{spring, 23}, {autumn, 25}} {
		minutes := schedRuns(t, s, "every-minute", w.day, dayAfter(w.day))
		if len(minutes) != w.hours*60 {
			t.Errorf("* * * * * on %s ran %d times, want %d", w.day.Format("2 January"), len(minutes), w.hours*60)
		}
		keys := map[string]bool{}
		for i, p := range minutes {
			if keys[p.Key] {
				t.Errorf("* * * * * on %s: key %s twice", w.day.Format("2 January"), p.Key)
			}
			keys[p.Key] = true
			if i > 0 && p.At.Sub(minutes[i-1].At) != time.Minute {
				t.Errorf("* * * * * ran at %s then %s", minutes[i-1].At.UTC(), p.At.UTC())
			}
		}
		if n := len(schedRuns(t, s, "hourly", w.day, dayAfter(w.day))); n != w.hours {
			t.Errorf("30 * * * * on %s ran %d times, want %d", w.day.Format("2 January"), n, w.hours)
		}
	}
	repeated := schedRuns(t, s, "every-minute", london(2027, 10, 31, 0, 59), london(2027, 10, 31, 2, 1))
	var keys []string
	for _, p := range repeated {
		keys = append(keys, p.Key)
	}
	for _, want := range []string{"2027-10-31T00:59", "2027-10-31T01:00+01:00", "2027-10-31T01:59+01:00",
		"2027-10-31T01:00+00:00", "2027-10-31T01:30+00:00", "2027-10-31T01:59+00:00", "2027-10-31T02:00"} {
		if !slices.Contains(keys, want) {
			t.Errorf("the hour the clocks go back has no period %s: %v", want, keys)
		}
	}
	if len(keys) != 2+120 {
		t.Errorf("%d minutes from 00:59 to 02:00 on 31 October 2027, want 122", len(keys))
	}

	// PeriodFor agrees: the period in force at an instant is the one
	// scheduled last, in the first or second pass through 01:30.
	for _, w := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2027, 10, 31, 0, 30, 30, 0, time.UTC), "2027-10-31T01:30+01:00"},
		{time.Date(2027, 10, 31, 1, 30, 30, 0, time.UTC), "2027-10-31T01:30+00:00"},
		{time.Date(2027, 3, 28, 0, 59, 59, 0, time.UTC), "2027-03-28T00:59"},
		{time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC), "2027-03-28T02:00"},
	} {
		p, err := s.PeriodFor("every-minute", w.at)
		if err != nil || p.Key != w.want {
			t.Errorf("PeriodFor(%s) = %q, %v; want %s", w.at.Format(time.RFC3339), p.Key, err, w.want)
		}
	}
}

// The jobs' own schedules: the digest's period for a day is that day's
// 06:00; a monthly job's period in mid-month is the first of the month.
func TestPeriodsOfTheJobs(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	s, err := jobs.New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	winter, err := s.PeriodOn("digest", models.NewDate(2026, 11, 21))
	if err != nil || winter.Key != "2026-11-21T06:00" || !winter.At.Equal(time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("digest on 21 November 2026: %+v, %v", winter, err)
	}
	summer, err := s.PeriodOn("digest", models.NewDate(2027, 6, 1))
	if err != nil || summer.Key != "2027-06-01T06:00" || !summer.At.Equal(time.Date(2027, 6, 1, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("digest on 1 June 2027: %+v, %v", summer, err)
	}
	monthly, err := s.PeriodFor("register-nudges", time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC))
	if err != nil || monthly.Key != "2026-11-01T09:00" {
		t.Errorf("register-nudges on 15 November: %+v, %v; want 2026-11-01T09:00", monthly, err)
	}
	onDay, err := s.PeriodOn("register-nudges", models.NewDate(2026, 11, 15))
	if err != nil || onDay.Key != monthly.Key || !onDay.At.Equal(monthly.At) {
		t.Errorf("register-nudges for the day 15 November: %+v, %v; want %+v", onDay, err, monthly)
	}
	if _, err := s.PeriodFor("no-such-job", testutil.Now); err == nil || !strings.Contains(err.Error(), "digest") {
		t.Errorf("unknown job: %v, want an error naming the jobs", err)
	}
	infos := s.Jobs()
	if len(infos) != len(jobs.All()) {
		t.Fatalf("%d jobs, want %d", len(infos), len(jobs.All()))
	}
	for _, i := range infos {
		if i.Name == "digest" && (i.Due.Key != "2026-11-21T06:00" || !i.Next.Equal(time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC))) {
			t.Errorf("digest at 10:00 on 21 November: due %s, next %s", i.Due.Key, i.Next)
		}
	}
}

func TestBadSchedulesRefused(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	_, err := jobs.New(d, map[string]string{"digest": "0 7 * *", "nightly": "0 1 * * *", "backup": "@every 1h"})
	if err == nil {
		t.Fatal("bad schedules accepted")
	}
	for _, want := range []string{`schedule for digest "0 7 * *"`, `schedule for "nightly": there is no such job`,
		`schedule for backup "@every 1h": @every has no fixed times`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// Two schedulers on one database asked for the same period at once: one
// runs it, the other is told it is running elsewhere.
func TestTwoSchedulersRunAPeriodOnce(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	entered, release := make(chan struct{}, 2), make(chan struct{})
	var bodies sync.WaitGroup
	job := jobs.Job{Name: "slow", Schedule: "0 6 * * *", Body: func(ctx context.Context, d jobs.Deps, p jobs.Period) (jobs.Counts, error) {
		bodies.Add(1)
		defer bodies.Done()
		entered <- struct{}{}
		<-release
		return jobs.Counts{"done": 1}, nil
	}}
	a := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{job}})
	b := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{job}})
	results := make(chan jobs.Result, 2)
	for _, s := range []*jobs.Scheduler{a, b} {
		go func() {
			r, err := s.Run(context.Background(), "slow", jobs.RunOptions{Trigger: models.TriggerSchedule})
			if err != nil {
				t.Error(err)
			}
			results <- r
		}()
	}
	first := <-results // the one that did not get the period; the other is in its body
	close(release)
	second := <-results
	if first.Outcome != "skipped" || !strings.Contains(first.Detail, models.ErrJobRunning.Error()) {
		t.Errorf("first back: %s, want skipped as running elsewhere", first)
	}
	if second.Outcome != "succeeded" || second.Counts["done"] != 1 {
		t.Errorf("second back: %s, want succeeded", second)
	}
	if len(entered) != 1 {
		t.Errorf("the body ran %d times, want once", len(entered))
	}
	run, err := d.DB.JobRunFor(context.Background(), "slow", "2026-11-21T06:00")
	if err != nil || run.Status != "succeeded" || run.Attempts != 1 {
		t.Errorf("the run: %+v, %v", run, err)
	}
	log, err := d.DB.JobLog(context.Background(), "slow", 10)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, e := range log {
		outcomes = append(outcomes, e.Outcome)
	}
	if slices.Sort(outcomes); !slices.Equal(outcomes, []string{"skipped", "succeeded"}) {
		t.Errorf("job log %v, want one succeeded and one skipped", outcomes)
	}
}

func TestRunOncePerPeriodUnlessForced(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	rec := &schedRecorder{}
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{{Name: "daily", Schedule: "0 6 * * *", Body: rec.body}}})
	ctx := context.Background()
	run := func(o jobs.RunOptions) jobs.Result {
		t.Helper()
		r, err := s.Run(ctx, "daily", o)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := run(jobs.RunOptions{}); r.Outcome != "succeeded" || r.Period.Key != "2026-11-21T06:00" || r.Err != nil {
		t.Fatalf("first run: %s", r)
	}
	again := run(jobs.RunOptions{})
	if again.Outcome != "skipped" || !strings.Contains(again.Detail, models.ErrJobDone.Error()) {
		t.Errorf("second run: %s, want skipped as already run", again)
	}
	forced := run(jobs.RunOptions{Force: true, Trigger: models.TriggerAdmin})
	if forced.Outcome != "succeeded" {
		t.Errorf("forced run: %s", forced)
	}
	if got := rec.ran(); !slices.Equal(got, []string{"2026-11-21T06:00", "2026-11-21T06:00"}) {
		t.Errorf("the body ran for %v, want the first and the forced run", got)
	}
	r, err := d.DB.JobRunFor(ctx, "daily", "2026-11-21T06:00")
	if err != nil || r.Status != "succeeded" || r.Attempts != 2 || r.Trigger != models.TriggerAdmin || r.Counts["done"] != 1 {
		t.Errorf("the run after forcing: %+v, %v", r, err)
	}
	log, err := d.DB.JobLog(ctx, "daily", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 || log[0].Outcome != "succeeded" || log[1].Outcome != "skipped" || log[2].Outcome != "succeeded" ||
		!strings.Contains(log[1].Detail, "already ran") {
		t.Errorf("job log, newest first: %+v", log)
	}
	// Another period is another run.
	other := run(jobs.RunOptions{Period: jobs.PeriodAt(time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC))})
	if other.Outcome != "succeeded" || other.Period.Key != "2026-11-20T06:00" {
		t.Errorf("run for the day before: %s", other)
	}
}

// A failed run is claimed again without forcing: it did not do its work.
func TestFailedRunRunsAgain(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	calls := 0
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{{Name: "flaky", Schedule: "0 6 * * *",
		Body: func(ctx context.Context, d jobs.Deps, p jobs.Period) (jobs.Counts, error) {
			calls++
			if calls == 1 {
				return jobs.Counts{"sent": 2}, errors.New("the mail server said no")
			}
			return jobs.Counts{"sent": 5}, nil
		}}}})
	ctx := context.Background()
	r, err := s.Run(ctx, "flaky", jobs.RunOptions{})
	if err != nil || r.Outcome != "failed" || r.Err == nil || r.Detail != "the mail server said no" {
		t.Fatalf("first run: %s, %v", r, err)
	}
	run, _ := d.DB.JobRunFor(ctx, "flaky", r.Period.Key)
	if run.Status != "failed" || run.Error != "the mail server said no" || run.Counts["sent"] != 2 {
		t.Errorf("failed run recorded as %+v", run)
	}
	r, err = s.Run(ctx, "flaky", jobs.RunOptions{})
	if err != nil || r.Outcome != "succeeded" {
		t.Fatalf("second run: %s, %v", r, err)
	}
	run, _ = d.DB.JobRunFor(ctx, "flaky", r.Period.Key)
	if run.Status != "succeeded" || run.Attempts != 2 || run.Error != "" || run.Counts["sent"] != 5 {
		t.Errorf("run after the retry: %+v", run)
	}
}

func schedHost(t *testing.T) string {
	t.Helper()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return host
}

// A claim left running by a process on this machine that has exited is
// taken over at once; one held by a live process is not.
func TestClaimOfAnExitedProcessIsTakenOver(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	rec := &schedRecorder{}
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{{Name: "daily", Schedule: "0 6 * * *", Body: rec.body}}})
	ctx := context.Background()
	exited := exec.Command("sleep", "0")
	if err := exited.Run(); err != nil {
		t.Fatal(err)
	}
	host := schedHost(t)
	for _, w := range []struct {
		period, owner string
		takenOver     bool
	}{
		{"2026-11-21T06:00", host + ":" + strconv.Itoa(exited.Process.Pid), true},
		{"2026-11-20T06:00", host + ":" + strconv.Itoa(os.Getppid()), false}, // go test, alive
		{"2026-11-19T06:00", "another-host.example:" + strconv.Itoa(exited.Process.Pid), false},
	} {
		if _, err := d.DB.ClaimJobRun(ctx, models.JobClaim{Job: "daily", Period: w.period, Trigger: models.TriggerSchedule,
			Owner: w.owner, Lease: time.Hour}); err != nil {
			t.Fatal(err)
		}
		at, _ := time.ParseInLocation("2006-01-02T15:04", w.period, models.London())
		r, err := s.Run(ctx, "daily", jobs.RunOptions{Period: jobs.PeriodAt(at)})
		if err != nil {
			t.Fatal(err)
		}
		run, _ := d.DB.JobRunFor(ctx, "daily", w.period)
		if w.takenOver {
			if r.Outcome != "succeeded" || run.Status != "succeeded" || run.Attempts != 2 || run.Owner == w.owner {
				t.Errorf("claim of exited %s: %s, run %+v; want taken over", w.owner, r, run)
			}
		} else if r.Outcome != "skipped" || !strings.Contains(r.Detail, w.owner) || run.Status != "running" || run.Owner != w.owner {
			t.Errorf("claim of %s: %s, run %+v; want left to its owner", w.owner, r, run)
		}
	}
	if got := rec.ran(); !slices.Equal(got, []string{"2026-11-21T06:00"}) {
		t.Errorf("ran for %v, want only the period of the exited process", got)
	}
}

// A claim whose lease has lapsed (its runner stopped renewing it: hung,
// or on another machine that died) is taken over.
func TestLapsedLeaseIsTakenOver(t *testing.T) {
	t.Parallel()
	d, clock := schedDeps(t)
	rec := &schedRecorder{}
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{{Name: "daily", Schedule: "0 6 * * *", Body: rec.body}}})
	ctx := context.Background()
	if _, err := d.DB.ClaimJobRun(ctx, models.JobClaim{Job: "daily", Period: "2026-11-21T06:00", Trigger: models.TriggerSchedule,
		Owner: "another-host.example:42", Lease: jobs.Lease}); err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(ctx, "daily", jobs.RunOptions{})
	if err != nil || r.Outcome != "skipped" {
		t.Fatalf("run within the lease: %s, %v", r, err)
	}
	clock.Advance(jobs.Lease + time.Second)
	r, err = s.Run(ctx, "daily", jobs.RunOptions{})
	if err != nil || r.Outcome != "succeeded" || r.Period.Key != "2026-11-21T06:00" {
		t.Fatalf("run after the lease lapsed: %s, %v", r, err)
	}
	run, _ := d.DB.JobRunFor(ctx, "daily", "2026-11-21T06:00")
	if run.Status != "succeeded" || run.Attempts != 2 || run.Owner == "another-host.example:42" {
		t.Errorf("run %+v, want taken over", run)
	}
}

// A runner that can no longer renew its claim (another took the period
// over) stops its body while the other runs, and does not overwrite the
// other's record. Both runners are in this process, so they have the same
// host:pid owner: the claim is told apart by its attempt.
func TestLostClaimCancelsTheBody(t *testing.T) {
	t.Parallel()
	d, clock := schedDeps(t)
	entered := make(chan struct{})
	stuck := jobs.Job{Name: "daily", Schedule: "0 6 * * *", Body: func(ctx context.Context, d jobs.Deps, p jobs.Period) (jobs.Counts, error) {
		close(entered)
		<-ctx.Done()
		return jobs.Counts{"partly": 1}, ctx.Err()
	}}
	// A short lease, so a's claim is renewed every few milliseconds.
	a := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{stuck}, Lease: 40 * time.Millisecond})
	aDone := make(chan jobs.Result, 1)
	stoppedWhileBRan := false
	b := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{{Name: "daily", Schedule: "0 6 * * *",
		Body: func(ctx context.Context, d jobs.Deps, p jobs.Period) (jobs.Counts, error) {
			select {
			case r := <-aDone:
				stoppedWhileBRan = true
				aDone <- r
			case <-time.After(10 * time.Second):
			}
			return jobs.Counts{"done": 1}, nil
		}}}})
	ctx := context.Background()
	period := jobs.PeriodAt(time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC))
	go func() {
		r, err := a.Run(ctx, "daily", jobs.RunOptions{Period: period})
		if err != nil {
			t.Error(err)
		}
		aDone <- r
	}()
	<-entered
	// Move the clock past a's lease until b gets in before a renews.
	for i := 0; ; i++ {
		if i == 1000 {
			t.Fatal("b never took the period over")
		}
		clock.Advance(time.Minute)
		r, err := b.Run(ctx, "daily", jobs.RunOptions{Period: period})
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome == "succeeded" {
			break
		}
	}
	if !stoppedWhileBRan {
		t.Error("a ran on while b had the period")
	}
	r := <-aDone
	if r.Outcome != "failed" || !strings.Contains(r.Detail, "lost the claim") || !errors.Is(r.Err, models.ErrJobClaimLost) {
		t.Errorf("a's run: %s (%v), want failed, having lost its claim", r, r.Err)
	}
	run, _ := d.DB.JobRunFor(ctx, "daily", period.Key)
	if run.Status != "succeeded" || run.Attempts != 2 || run.Counts["done"] != 1 {
		t.Errorf("the period's record: %+v, want b's successful run", run)
	}
}

// Catching up on start-up runs each job's latest due period once, however
// long the server was down.
func TestCatchUpRunsTheLatestMissedPeriodOnce(t *testing.T) {
	t.Parallel()
	d, clock := schedDeps(t)
	minute, daily, monthly := &schedRecorder{}, &schedRecorder{}, &schedRecorder{}
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{
		{Name: "minute", Schedule: "* * * * *", Body: minute.body},
		{Name: "daily", Schedule: "0 6 * * *", Body: daily.body},
		{Name: "monthly", Schedule: "0 9 1 * *", Body: monthly.body},
	}})
	ctx := context.Background()
	s.CatchUp(ctx)
	want := map[*schedRecorder][]string{minute: {"2026-11-21T10:00"}, daily: {"2026-11-21T06:00"}, monthly: {"2026-11-01T09:00"}}
	check := func(when string) {
		t.Helper()
		for r, keys := range want {
			if got := r.ran(); !slices.Equal(got, keys) {
				t.Errorf("%s: ran for %v, want %v", when, got, keys)
			}
		}
	}
	check("first catch-up")
	s.CatchUp(ctx)
	check("second catch-up")
	clock.Advance(24*time.Hour + 30*time.Minute) // down for a day
	s.CatchUp(ctx)
	want[minute] = append(want[minute], "2026-11-22T10:30")
	want[daily] = append(want[daily], "2026-11-22T06:00")
	check("catch-up a day later")
	log, err := d.DB.JobLog(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Trigger != models.TriggerCatchUp || e.Outcome != "succeeded" {
			t.Errorf("job log entry %+v, want only successful catch-up runs (a done period is not asked for again)", e)
		}
	}
	if len(log) != 5 {
		t.Errorf("%d job log entries, want 5", len(log))
	}
}

// Stop waits for a run in progress, and records it.
func TestStopWaitsForARun(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	entered, release := make(chan struct{}), make(chan struct{})
	// Due once a year: the catch-up at start runs it, the clock never does.
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{{Name: "yearly", Schedule: "0 0 1 1 *",
		Body: func(ctx context.Context, d jobs.Deps, p jobs.Period) (jobs.Counts, error) {
			close(entered)
			<-release
			return jobs.Counts{"done": 1}, nil
		}}}})
	s.Start(context.Background())
	<-entered
	stopped := make(chan error)
	go func() { stopped <- s.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while a run was in progress", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Stop: %v", err)
	}
	run, err := d.DB.JobRunFor(context.Background(), "yearly", "2026-01-01T00:00")
	if err != nil || run.Status != "succeeded" || run.Trigger != models.TriggerCatchUp {
		t.Errorf("the caught-up run, once stopped: %+v, %v", run, err)
	}
}

// Stop with a deadline cancels a run still going when it passes; the
// period is recorded as failed and runs again at the next start.
func TestStopCancelsARunAtItsDeadline(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	entered := make(chan struct{}, 2)
	calls := 0
	body := func(ctx context.Context, d jobs.Deps, p jobs.Period) (jobs.Counts, error) {
		calls++
		if calls > 1 {
			return jobs.Counts{"done": 1}, nil
		}
		entered <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	job := jobs.Job{Name: "yearly", Schedule: "0 0 1 1 *", Body: body}
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{job}})
	s.Start(context.Background())
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Stop(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Stop: %v, want the context's error", err)
	}
	run, err := d.DB.JobRunFor(context.Background(), "yearly", "2026-01-01T00:00")
	if err != nil || run.Status != "failed" || !strings.Contains(run.Error, "context canceled") {
		t.Errorf("the cancelled run: %+v, %v", run, err)
	}
	again := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{job}})
	again.CatchUp(context.Background())
	if run, _ := d.DB.JobRunFor(context.Background(), "yearly", "2026-01-01T00:00"); run.Status != "succeeded" || run.Attempts != 2 {
		t.Errorf("after the next start: %+v", run)
	}
}

// close-bids, a real job, through the scheduler: its run is recorded with
// its counts, once.
func TestCloseBidsThroughTheScheduler(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	b := w.publishedBid(t, "Shared payroll")
	s, err := jobs.New(w.deps, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.clock.T = b.ResponseDeadline.Add(time.Minute)
	ctx := context.Background()
	r, err := s.Run(ctx, "close-bids", jobs.RunOptions{Trigger: models.TriggerSchedule})
	if err != nil || r.Outcome != "succeeded" {
		t.Fatalf("close-bids: %s, %v", r, err)
	}
	if want := periodKeyOf(b.ResponseDeadline.Add(time.Minute)); r.Period.Key != want {
		t.Errorf("period %s, want %s", r.Period.Key, want)
	}
	if r.Counts["closed"] != 1 || r.Counts["emails"] == 0 {
		t.Errorf("counts %v, want the bid closed and its notices queued", r.Counts)
	}
	if run, _ := w.db.JobRunFor(ctx, "close-bids", r.Period.Key); run.Status != "succeeded" || run.Counts["closed"] != 1 {
		t.Errorf("recorded as %+v", run)
	}
	if again, _ := s.Run(ctx, "close-bids", jobs.RunOptions{Trigger: models.TriggerSchedule}); again.Outcome != "skipped" {
		t.Errorf("second run in the same minute: %s", again)
	}
}

func periodKeyOf(t time.Time) string {
	return t.In(models.London()).Truncate(time.Minute).Format("2006-01-02T15:04")
}

// A job that panics fails its run; the scheduler, and the claim, carry on.
func TestPanickingJobFailsItsRun(t *testing.T) {
	t.Parallel()
	d, _ := schedDeps(t)
	s := schedNew(t, d, jobs.Options{Jobs: []jobs.Job{{Name: "buggy", Schedule: "0 6 * * *",
		Body: func(ctx context.Context, d jobs.Deps, p jobs.Period) (jobs.Counts, error) {
			var m map[string]int
			m["boom"]++
			return nil, nil
		}}}})
	r, err := s.Run(context.Background(), "buggy", jobs.RunOptions{})
	if err != nil || r.Outcome != "failed" || !strings.Contains(r.Detail, "panic: assignment to entry in nil map") {
		t.Fatalf("run of a panicking job: %s, %v", r, err)
	}
	if run, _ := d.DB.JobRunFor(context.Background(), "buggy", r.Period.Key); run.Status != "failed" {
		t.Errorf("recorded as %+v", run)
	}
}
