package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"time"
)

// digestFault is fault 2. The digest for tomorrow runs first
// uninterrupted on a copy of the database (the control), then on the
// database itself killed three times: while writing digests; while
// delivering, with the SMTP sink holding a message unanswered; and while
// delivering, just after the sender has been told a message was accepted
// (it sends its next command). Then it runs to the end, and once more.
// Everything the sink accepted is compared with the control's.
func digestFault(ctx context.Context, w *workspace) (*section, error) {
	sec := &section{title: "Fault 2: kill -9 during a digest run"}
	day := tomorrow()
	control := filepath.Join(w.dir, "control.db")
	if _, err := w.jointly(ctx, 5*time.Minute, "", "backup", control); err != nil {
		return nil, err
	}

	// The control.
	csink, err := startSink()
	if err != nil {
		return nil, err
	}
	rc := newDigest(ctx, w, control, day, csink.url())
	if err := rc.run(); err != nil {
		csink.close()
		return nil, err
	}
	errc := rc.wait(10 * time.Minute)
	outc := oneLine(rc.out.String())
	csink.close()
	controlled := csink.messages()
	cdb, err := openDB(control)
	if err != nil {
		return nil, err
	}
	defer cdb.Close()
	ckinds, err := mailKinds(cdb)
	if err != nil {
		return nil, err
	}
	controlSends, err := count(cdb, `SELECT count(*) FROM digest_sends`)
	if err != nil {
		return nil, err
	}
	total := len(controlled)
	if errc != nil || total < 10 {
		return nil, fmt.Errorf("the control run: %v, %d messages: too few to kill anything mid-run", errText(errc), total)
	}

	sink, err := startSink()
	if err != nil {
		return nil, err
	}
	defer sink.close()
	db, err := openDB(w.db)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	sendsBefore, err := count(db, `SELECT count(*) FROM digest_sends`)
	if err != nil {
		return nil, err
	}
	controlSends -= sendsBefore
	newSends := func() int {
		n, _ := count(db, `SELECT count(*) FROM digest_sends`)
		return n - sendsBefore
	}
	type runResult struct {
		killed      bool
		at          time.Duration
		sends, sunk int
		integrity   string
		out         string
	}
	after := func(r *digestRun, killed bool) (runResult, error) {
		res := runResult{killed: killed, at: r.killedAfter(), sends: newSends(), sunk: sink.count(), out: oneLine(r.out.String())}
		var err error
		res.integrity, err = integrity(w.db)
		return res, err
	}

	// 1. While writing: each batch of 100 digests is a transaction, and
	// delivery follows the writing.
	r1 := newDigest(ctx, w, w.db, day, sink.url())
	if err := r1.run(); err != nil {
		return nil, err
	}
	res1, err := after(r1, r1.killWhen(5*time.Minute, func() bool { return newSends() >= 100 }))
	if err != nil {
		return nil, err
	}

	// 2. While delivering: the sink has read message holdAt whole and
	// holds its answer; the sender is killed, and the sink refuses it.
	holdAt := max(2, total/3)
	r2 := newDigest(ctx, w, w.db, day, sink.url())
	sink.setHooks(func(n int) bool {
		if n != holdAt {
			return false
		}
		r2.kill()
		return true
	}, nil)
	if err := r2.run(); err != nil {
		return nil, err
	}
	res2, err := after(r2, r2.waitKilled(5*time.Minute))
	if err != nil {
		return nil, err
	}

	// 3. While delivering: the sink accepted message afterAt and the
	// sender, told so, sends its next command: killed there.
	afterAt := max(res2.sunk+1, 2*total/3)
	var afterID string
	r3 := newDigest(ctx, w, w.db, day, sink.url())
	sink.setHooks(nil, func(n int) {
		if n == afterAt {
			r3.kill()
		}
	})
	if err := r3.run(); err != nil {
		return nil, err
	}
	res3, err := after(r3, r3.waitKilled(5*time.Minute))
	if err != nil {
		return nil, err
	}
	sink.setHooks(nil, nil)
	if msgs := sink.messages(); len(msgs) >= afterAt {
		afterID = msgs[afterAt-1].messageID
	}
	var afterStatus string
	var afterAttempts int
	_ = db.QueryRow(`SELECT status, attempts FROM mail_outbox WHERE message_id = ?`, afterID).Scan(&afterStatus, &afterAttempts)

	// 4. Again, to the end; 5. once more, which must do nothing.
	r4 := newDigest(ctx, w, w.db, day, sink.url())
	if err := r4.run(); err != nil {
		return nil, err
	}
	err4 := r4.wait(10 * time.Minute)
	res4 := runResult{sends: newSends(), sunk: sink.count(), out: oneLine(r4.out.String())}
	r5 := newDigest(ctx, w, w.db, day, sink.url())
	if err := r5.run(); err != nil {
		return nil, err
	}
	err5 := r5.wait(5 * time.Minute)
	res5 := runResult{sends: newSends(), sunk: sink.count(), out: oneLine(r5.out.String())}
	faulted := sink.messages()

	kinds, err := mailKinds(db)
	if err != nil {
		return nil, err
	}
	isDigest := func(id string) bool { return kinds[id] == "digest" }
	sameMessage, sameRecipient := repeats(faulted, isDigest)
	undelivered, err := undeliveredDigests(db, faulted)
	if err != nil {
		return nil, err
	}
	got, want := digestRecipients(faulted, isDigest), digestRecipients(controlled, func(id string) bool { return ckinds[id] == "digest" })
	missing, extra := difference(want, got), difference(got, want)

	sec.para("`jointly jobs run digest --for %s --smtp-url smtp://SINK` (tomorrow's period, so everything seeded today is "+
		"news), delivering to an SMTP sink on loopback (emersion/go-smtp, inside this program) that records each message it "+
		"accepts with its recipients and Message-ID. The digest records each person's digest and queues its email in one "+
		"transaction per batch of 100 people, then delivers the outbox, marking each message sent once the SMTP server "+
		"has accepted it. A message counts as delivered when the sink has answered 250 to its DATA.", day)
	others := ""
	if n := total - len(want); n > 0 {
		others = fmt.Sprintf(" (%d of them digests; the other %d, mail the seed had queued, go with the same run)", len(want), n)
	}
	sec.para("Control: the same command, uninterrupted, on a copy of the database made first with `jointly backup`, "+
		"delivering to a second sink: %s; %d digests recorded, %d messages accepted%s.", outc, controlSends, total, others)
	sec.para("| Run | What happened | Digests recorded (total) | Messages accepted by the sink (total) |\n| --- | --- | ---: | ---: |\n"+
		"| 1 | %s | %d | %d |\n| 2 | %s | %d | %d |\n| 3 | %s | %d | %d |\n| 4 | %s | %d | %d |\n| 5 | %s | %d | %d |",
		killText(res1.killed, res1.at, "once 100 digests were recorded (writing)"), res1.sends, res1.sunk,
		killText(res2.killed, res2.at, fmt.Sprintf("while the sink held message %d, read in full, unanswered (delivering); the sink then refused it", holdAt)), res2.sends, res2.sunk,
		killText(res3.killed, res3.at, fmt.Sprintf("when the sender, answered 250 for message %d, sent its next command (delivering)", afterAt)), res3.sends, res3.sunk,
		"ran to the end: "+res4.out, res4.sends, res4.sunk, "ran again: "+res5.out, res5.sends, res5.sunk)
	sec.check("Run 1 killed while writing digests", res1.killed && res1.sunk == 0 && res1.sends > 0 && res1.sends < controlSends,
		"%d of %d digests recorded, %d messages delivered, at the kill", res1.sends, controlSends, res1.sunk)
	sec.check("Runs 2 and 3 killed while delivering", res2.killed && res3.killed && res2.sunk == holdAt-1 && res3.sunk == afterAt && afterAt < total,
		"run 2 with %d of %d messages accepted; run 3 with %d", res2.sunk, total, res3.sunk)
	sec.check("PRAGMA integrity_check after each kill", res1.integrity == "ok" && res2.integrity == "ok" && res3.integrity == "ok",
		"after run 1: %s; run 2: %s; run 3: %s", res1.integrity, res2.integrity, res3.integrity)
	sec.check("Runs 4 and 5 succeed; run 5 sends nothing", err4 == nil && err5 == nil && res5.sunk == res4.sunk,
		"run 4: %s; run 5: %s; %d messages sent by run 5", errText(err4), errText(err5), res5.sunk-res4.sunk)
	detail := fmt.Sprintf("%d Message-IDs accepted more than once%s", len(sameMessage), firstOf(sameMessage))
	if len(sameMessage) > 0 {
		detail += fmt.Sprintf(". Message %d (%s), after which run 3 was killed: the sink had answered 250 and the sender had "+
			"sent its next command, yet the outbox row still said status %q, %d attempts, so run 4 sent it again",
			afterAt, afterID, afterStatus, afterAttempts)
	}
	sec.check("No message delivered twice", len(sameMessage) == 0, "%s", detail)
	sec.check("No recipient got two digests", len(sameRecipient) == 0, "%d recipients were sent two or more digests%s",
		len(sameRecipient), firstOf(sameRecipient))
	sec.check("Every digest recorded with an email was delivered", len(undelivered) == 0,
		"%d digests in digest_sends whose email the sink never accepted%s", len(undelivered), firstOf(undelivered))
	sec.check("The same people got a digest as in the uninterrupted run", len(missing) == 0 && len(extra) == 0,
		"%d recipients here, %d in the control; %d missing%s; %d extra%s", len(got), len(want), len(missing), firstOf(missing), len(extra), firstOf(extra))
	return sec, nil
}

func killText(killed bool, at time.Duration, when string) string {
	if !killed {
		return fmt.Sprintf("NOT killed mid-run: it ended first (after %v)", at.Round(time.Millisecond))
	}
	return fmt.Sprintf("SIGKILL at %v, %s", at.Round(time.Millisecond), when)
}

// mailKinds is each outbox message's kind, by Message-ID.
func mailKinds(db *sql.DB) (map[string]string, error) {
	rows, err := db.Query(`SELECT message_id, kind FROM mail_outbox`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, err
		}
		out[id] = kind
	}
	return out, rows.Err()
}

// undeliveredDigests lists each digest recorded with an email (every
// period) whose Message-ID the sink never accepted.
func undeliveredDigests(db *sql.DB, msgs []sunk) ([]string, error) {
	got := map[string]bool{}
	for _, m := range msgs {
		got[m.messageID] = true
	}
	rows, err := db.Query(`SELECT d.user_id, d.period, m.message_id, m.status FROM digest_sends d
		JOIN mail_outbox m ON m.id = d.email_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var user int64
		var period, id, status string
		if err := rows.Scan(&user, &period, &id, &status); err != nil {
			return nil, err
		}
		if !got[id] {
			out = append(out, fmt.Sprintf("user %d, %s (outbox: %s)", user, period, status))
		}
	}
	return out, rows.Err()
}

// digestRecipients is everyone who was sent a digest.
func digestRecipients(msgs []sunk, isDigest func(string) bool) map[string]bool {
	out := map[string]bool{}
	for _, m := range msgs {
		if isDigest(m.messageID) {
			for _, to := range m.to {
				out[to] = true
			}
		}
	}
	return out
}

// difference is what a has and b lacks, sorted.
func difference(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
