package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"

	"jointly/models"
)

// Lease is how long a claim on a period holds without its runner renewing
// it; a runner renews it every quarter of its lease.
const Lease = 2 * time.Minute

// Scheduler runs the jobs on their schedules.
type Scheduler struct {
	deps  Deps
	jobs  []scheduled
	owner string
	host  string
	lease time.Duration

	mu      sync.Mutex
	cron    *cron.Cron
	ctx     context.Context
	cancel  context.CancelFunc
	running sync.WaitGroup
}

type scheduled struct {
	Job
	spec  string
	sched cron.Schedule // in UK time, right across the clock changes (ukSchedule)
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedules checks overrides (job name → cron expression) against the
// jobs and returns every problem at once: start-up refuses a schedule it
// cannot run.
func ParseSchedules(overrides map[string]string) error {
	return parseSchedules(All(), overrides)
}

func parseSchedules(jobs []Job, overrides map[string]string) error {
	known := map[string]bool{}
	for _, j := range jobs {
		known[j.Name] = true
	}
	var errs []error
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !known[n] {
			errs = append(errs, fmt.Errorf("schedule for %q: there is no such job (jointly jobs list names them)", n))
			continue
		}
		if _, err := parseSchedule(overrides[n]); err != nil {
			errs = append(errs, fmt.Errorf("schedule for %s %q: %v", n, overrides[n], err))
		}
	}
	return errors.Join(errs...)
}

// New makes a scheduler for every job, with overrides replacing default
// schedules. It does not start anything.
func New(d Deps, overrides map[string]string) (*Scheduler, error) {
	return NewWith(d, Options{Schedules: overrides})
}

// Options are what NewWith may change from New's defaults.
type Options struct {
	// Jobs to schedule instead of All(): a test's own job, run through
	// the real claims, catch-up and shutdown.
	Jobs []Job
	// Schedules replaces jobs' schedules, as New's overrides.
	Schedules map[string]string
	// Lease instead of the package's Lease.
	Lease time.Duration
}

// NewWith is New with options. It does not start anything.
func NewWith(d Deps, o Options) (*Scheduler, error) {
	list := o.Jobs
	if list == nil {
		list = All()
	}
	if err := parseSchedules(list, o.Schedules); err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	s := &Scheduler{deps: d, host: host, owner: host + ":" + strconv.Itoa(os.Getpid()), lease: Lease}
	if o.Lease > 0 {
		s.lease = o.Lease
	}
	if s.deps.Logger == nil {
		s.deps.Logger = slog.Default()
	}
	for _, j := range list {
		spec := j.Schedule
		if over, ok := o.Schedules[j.Name]; ok {
			spec = over
		}
		sched, err := parseSchedule(spec)
		if err != nil {
			return nil, fmt.Errorf("schedule for %s %q: %w", j.Name, spec, err)
		}
		s.jobs = append(s.jobs, scheduled{Job: j, spec: spec, sched: sched})
	}
	return s, nil
}

func (s *Scheduler) job(name string) (scheduled, error) {
	for _, j := range s.jobs {
		if j.Name == name {
			return j, nil
		}
	}
	names := make([]string, len(s.jobs))
	for i, j := range s.jobs {
		names[i] = j.Name
	}
	return scheduled{}, fmt.Errorf("there is no job %q; the jobs are %s", name, strings.Join(names, ", "))
}

// Info describes a job for the jobs page and jobs list.
type Info struct {
	Job
	Spec string // the schedule in force
	Next time.Time
	// Due is the period it should most recently have run for.
	Due Period
}

// Jobs describes every job as of now (the database's clock).
func (s *Scheduler) Jobs() []Info {
	now := s.deps.DB.Clock.Now()
	out := make([]Info, len(s.jobs))
	for i, j := range s.jobs {
		out[i] = Info{Job: j.Job, Spec: j.spec, Next: j.sched.Next(now.In(models.London()))}
		if at, ok := previous(j.sched, now); ok {
			out[i].Due = PeriodAt(at)
		}
	}
	return out
}

// previous is the latest activation of sched at or before t.
func previous(sched cron.Schedule, t time.Time) (time.Time, bool) {
	t = t.In(models.London())
	for _, back := range []time.Duration{2 * time.Minute, 2 * time.Hour, 50 * time.Hour, 40 * 24 * time.Hour, 400 * 24 * time.Hour} {
		var last time.Time
		for n := sched.Next(t.Add(-back)); !n.IsZero() && !n.After(t); n = sched.Next(n) {
			last = n
		}
		if !last.IsZero() {
			return last, true
		}
	}
	return time.Time{}, false
}

// PeriodFor is job name's period at instant t: its latest scheduled time at
// or before t.
func (s *Scheduler) PeriodFor(name string, t time.Time) (Period, error) {
	j, err := s.job(name)
	if err != nil {
		return Period{}, err
	}
	at, ok := previous(j.sched, t)
	if !ok {
		return Period{}, fmt.Errorf("%s (%s) has no scheduled time in the year before %s", name, j.spec, models.FormatUKTime(t))
	}
	return PeriodAt(at), nil
}

// NextAfter is job name's first scheduled time after t: what serve's
// schedule would run next.
func (s *Scheduler) NextAfter(name string, t time.Time) (Period, error) {
	j, err := s.job(name)
	if err != nil {
		return Period{}, err
	}
	at := j.sched.Next(t)
	if at.IsZero() {
		return Period{}, fmt.Errorf("%s (%s) has no scheduled time after %s", name, j.spec, models.FormatUKTime(t))
	}
	return PeriodAt(at), nil
}

// PeriodOn is job name's period for a UK calendar day: its latest
// scheduled time before the end of that day (for a daily job, that day's
// run; for a monthly one, that month's).
func (s *Scheduler) PeriodOn(name string, day models.Date) (Period, error) {
	london := models.London()
	t := day.Time()
	end := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, london).Add(-time.Second)
	return s.PeriodFor(name, end)
}

// RunOptions says which run to make.
type RunOptions struct {
	// Period to run; zero means the one due now.
	Period  Period
	Force   bool
	Trigger string
	UserID  int64
}

// Result is what came of asking for a run.
type Result struct {
	Job     string
	Period  Period
	Outcome string // succeeded, failed or skipped
	Detail  string // why skipped, or the error
	Counts  Counts
	Err     error // the run's error, when it failed
}

func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s for %s: %s", r.Job, r.Period.Key, r.Outcome)
	if len(r.Counts) > 0 {
		keys := make([]string, 0, len(r.Counts))
		for k := range r.Counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, r.Counts[k])
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	if r.Detail != "" {
		b.WriteString(": " + r.Detail)
	}
	return b.String()
}

// Run runs job name for one period, once: it claims the period, renews the
// claim while the body works, records the outcome and logs the request.
// A period already done (without Force) or running elsewhere is skipped,
// which is not an error. The returned error is for a failure to record;
// a failed body is Result.Err.
func (s *Scheduler) Run(ctx context.Context, name string, o RunOptions) (Result, error) {
	j, err := s.job(name)
	if err != nil {
		return Result{}, err
	}
	p := o.Period
	if p.Key == "" {
		if p, err = s.PeriodFor(name, s.deps.DB.Clock.Now()); err != nil {
			return Result{}, err
		}
	}
	if o.Trigger == "" {
		o.Trigger = models.TriggerCommand
	}
	res := Result{Job: name, Period: p}
	started := s.deps.DB.Clock.Now()
	logIt := func() error {
		return s.deps.DB.LogJobRun(context.WithoutCancel(ctx), models.JobLogEntry{Job: name, Period: p.Key, Trigger: o.Trigger,
			Outcome: res.Outcome, Detail: res.Detail, Counts: res.Counts, UserID: o.UserID, StartedAt: started})
	}
	run, err := s.deps.DB.ClaimJobRun(ctx, models.JobClaim{Job: name, Period: p.Key, Trigger: o.Trigger, Force: o.Force,
		Owner: s.owner, Lease: s.lease, Gone: s.gone})
	if errors.Is(err, models.ErrJobDone) || errors.Is(err, models.ErrJobRunning) {
		res.Outcome, res.Detail = "skipped", err.Error()
		return res, logIt()
	}
	if err != nil {
		return res, fmt.Errorf("claim %s for %s: %w", name, p.Key, err)
	}
	bodyCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var renew sync.WaitGroup
	renew.Add(1)
	go func() { // keep the claim while the body works
		defer renew.Done()
		t := time.NewTicker(s.lease / 4)
		defer t.Stop()
		for {
			select {
			case <-bodyCtx.Done():
				return
			case <-t.C:
				if err := s.deps.DB.RenewJobLease(bodyCtx, run, s.lease); err != nil && bodyCtx.Err() == nil {
					// Another runner has the period now (or the database
					// is failing): stop, rather than run it twice.
					s.deps.Logger.Error("lost the claim on a running job", "job", name, "period", p.Key, "err", err.Error())
					cancel(fmt.Errorf("lost the claim on the period: %w", err))
					return
				}
			}
		}
	}()
	counts, runErr := s.runBody(bodyCtx, j.Body, p)
	lost := context.Cause(bodyCtx)
	cancel(nil)
	renew.Wait()
	if runErr != nil && lost != nil && !errors.Is(lost, context.Canceled) && !errors.Is(lost, context.DeadlineExceeded) {
		runErr = fmt.Errorf("%w (%v)", lost, runErr) // why the body stopped
	}
	res.Counts = counts
	if runErr != nil {
		res.Outcome, res.Detail, res.Err = "failed", runErr.Error(), runErr
		s.deps.Logger.Error("job failed", "job", name, "period", p.Key, "err", runErr.Error())
	} else {
		res.Outcome = "succeeded"
	}
	// Recorded even as the server stops: what was done was done.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	if err := s.deps.DB.FinishJobRun(fctx, run, counts, runErr); errors.Is(err, models.ErrJobClaimLost) {
		// The period's record is the other runner's; this request's
		// outcome still goes in the log, saying so.
		if !errors.Is(runErr, models.ErrJobClaimLost) {
			res.Detail = strings.TrimPrefix(res.Detail+"; ", "; ") + "another runner took the period over meanwhile"
		}
	} else if err != nil {
		return res, fmt.Errorf("record %s for %s: %w", name, p.Key, err)
	}
	return res, logIt()
}

// runBody runs body, turning a panic into the run's error: one job's bug
// fails its run rather than stopping the server with its claim held.
func (s *Scheduler) runBody(ctx context.Context, body Body, p Period) (counts Counts, err error) {
	defer func() {
		if v := recover(); v != nil {
			s.deps.Logger.Error("job panicked", "period", p.Key, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return body(ctx, s.deps, p)
}

// gone reports whether owner is a process on this machine that no longer
// exists, so its claim can be taken over at once.
func (s *Scheduler) gone(owner string) bool {
	host, pidText, ok := strings.Cut(owner, ":")
	if !ok || host != s.host {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// Start runs every job on its schedule, in UK time, after catching up:
// each job whose most recent period has not succeeded (the server was down
// when it fell due) runs for it now. Catching up runs only the latest
// missed period, because each job covers everything since its last run.
// Runs of one job never overlap.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.cron = cron.New(cron.WithLocation(models.London()), cron.WithParser(parser),
		cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	for _, j := range s.jobs {
		name := j.Name
		s.cron.Schedule(j.sched, cron.FuncJob(func() {
			s.running.Add(1)
			defer s.running.Done()
			if s.ctx.Err() != nil {
				return
			}
			if _, err := s.Run(s.ctx, name, RunOptions{Trigger: models.TriggerSchedule}); err != nil && s.ctx.Err() == nil {
				s.deps.Logger.Error("job run not recorded", "job", name, "err", err.Error())
			}
		}))
	}
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		s.CatchUp(s.ctx)
	}()
	s.cron.Start()
}

// CatchUp runs, once, each job whose most recent period has no successful
// run.
func (s *Scheduler) CatchUp(ctx context.Context) {
	for _, info := range s.Jobs() {
		if ctx.Err() != nil {
			return
		}
		if info.Due.Key == "" {
			continue
		}
		r, err := s.deps.DB.JobRunFor(ctx, info.Name, info.Due.Key)
		if err == nil && r.Status == "succeeded" {
			continue
		}
		if _, err := s.Run(ctx, info.Name, RunOptions{Period: info.Due, Trigger: models.TriggerCatchUp}); err != nil && ctx.Err() == nil {
			s.deps.Logger.Error("catch-up run not recorded", "job", info.Name, "err", err.Error())
		}
	}
}

// RunInBackground starts a run (the jobs page's "run now") and returns at
// once; Stop waits for it.
func (s *Scheduler) RunInBackground(name string, o RunOptions) error {
	if _, err := s.job(name); err != nil {
		return err
	}
	s.mu.Lock()
	ctx := s.ctx
	s.mu.Unlock()
	if ctx == nil {
		ctx = context.Background()
	}
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		if _, err := s.Run(ctx, name, o); err != nil && ctx.Err() == nil {
			s.deps.Logger.Error("job run not recorded", "job", name, "err", err.Error())
		}
	}()
	return nil
}

// Stop stops the schedule and waits for runs in progress, cancelling them
// if ctx ends first (each body leaves the database consistent when
// cancelled; its period is then run again later).
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	c, cancel := s.cron, s.cancel
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		if c != nil {
			<-c.Stop().Done() // no new runs start; those started finish
		}
		s.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		if cancel != nil {
			cancel()
		}
		<-done
		return ctx.Err()
	}
}
