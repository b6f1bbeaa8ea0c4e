// Package jobs holds Jointly's scheduled work. Each job body is a plain
// function of (ctx, deps, now), so a test calls it directly on a real
// database and a fixed clock; Start runs one on a schedule for serve.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"jointly/models"
)

// Deps is what the jobs need: the database (whose clock is the clock),
// where email goes, the public URL for links in it, and the log.
type Deps struct {
	DB      *models.DB
	Outbox  *models.Outbox
	BaseURL string
	Logger  *slog.Logger
}

// Job is a job body.
type Job func(ctx context.Context, d Deps, now time.Time) error

// Runner runs one job at start-up and then at every tick, one run at a
// time, until Stop. Issue 8 replaces it with a cron scheduler; until then
// a ticker is all a job each minute needs.
type Runner struct {
	stop   sync.Once
	quit   chan struct{}
	done   chan struct{}
	cancel context.CancelFunc
}

// Start runs job named name now, then every interval, in the background.
// now comes from the database's clock, so a server on a simulated clock
// (serve --now) runs its jobs on the same time its pages show. A failed
// run is logged; the next tick tries again.
func Start(d Deps, name string, every time.Duration, job Job) *Runner {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{quit: make(chan struct{}), done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(r.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if err := job(ctx, d, d.DB.Clock.Now()); err != nil && ctx.Err() == nil {
				d.Logger.ErrorContext(ctx, "job failed", "job", name, "err", err.Error())
			}
			select {
			case <-r.quit:
				return
			case <-t.C:
			}
			select { // a tick and Stop together: stop
			case <-r.quit:
				return
			default:
			}
		}
	}()
	return r
}

// Stop ends the schedule and waits for a run in progress to finish, or
// for ctx to end, when it cancels that run (each job leaves the database
// consistent when cancelled) and still waits for it to return. Stopping
// again does nothing more.
func (r *Runner) Stop(ctx context.Context) error {
	r.stop.Do(func() { close(r.quit) })
	defer r.cancel()
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		r.cancel()
		<-r.done
		return ctx.Err()
	}
}
