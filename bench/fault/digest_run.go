package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"time"

	"jointly/models"
)

// digestRun is one `jointly jobs run digest` process.
type digestRun struct {
	cmd    *exec.Cmd
	out    bytes.Buffer
	exited chan error
	start  time.Time
	killed atomic.Int64 // when SIGKILL was sent, in Unix nanoseconds
}

func newDigest(ctx context.Context, w *workspace, db, day, smtpURL string) *digestRun {
	r := &digestRun{exited: make(chan error, 1)}
	r.cmd = w.command(ctx, "jobs", "run", "digest", "--for", day, "--db", db, "--smtp-url", smtpURL,
		"--base-url", "https://jointly.example", "--outbox", filepath.Join(w.dir, "outbox-digest"))
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	return r
}

func (r *digestRun) run() error {
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		return err
	}
	go func() { r.exited <- r.cmd.Wait() }()
	return nil
}

// kill sends SIGKILL (once) and notes when.
func (r *digestRun) kill() {
	if r.killed.CompareAndSwap(0, time.Now().UnixNano()) {
		_ = r.cmd.Process.Kill()
	}
}

// killedAfter is how long after its start the run was killed.
func (r *digestRun) killedAfter() time.Duration {
	return time.Unix(0, r.killed.Load()).Sub(r.start)
}

// killWhen polls until ready says so, then kills the run. It reports
// whether the run died of that kill (false: it ended first, or the limit
// passed).
func (r *digestRun) killWhen(limit time.Duration, ready func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-r.exited:
			return false
		default:
		}
		if ready() {
			r.kill()
			return isKilled(<-r.exited)
		}
		if time.Now().After(deadline) {
			r.kill()
			<-r.exited
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

// waitKilled waits for a run a hook is to kill; false if it ended otherwise.
func (r *digestRun) waitKilled(limit time.Duration) bool {
	select {
	case err := <-r.exited:
		return isKilled(err) && r.killed.Load() != 0
	case <-time.After(limit):
		r.kill()
		<-r.exited
		return false
	}
}

func (r *digestRun) wait(limit time.Duration) error {
	select {
	case err := <-r.exited:
		if err != nil {
			return fmt.Errorf("%v: %s", err, oneLine(r.out.String()))
		}
		return nil
	case <-time.After(limit):
		r.kill()
		<-r.exited
		return fmt.Errorf("did not finish within %v", limit)
	}
}

// tomorrow is tomorrow's date in UK time: its digest period is still to
// come, so everything seeded today is news for it.
func tomorrow() string {
	return time.Now().In(models.London()).AddDate(0, 0, 1).Format("2006-01-02")
}
