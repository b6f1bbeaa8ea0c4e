package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"jointly/jobs"
	"jointly/mailer"
	"jointly/models"
	"jointly/testutil"
)

// digestDay is the digest's period at 06:00 UK time on day d of November
// 2026 (testutil.Now is Saturday 21 November, when the demo seed was
// written), with the clock a minute later, as the scheduler would run it.
func digestDay(w world, d int) jobs.Period {
	at := time.Date(2026, time.November, d, 6, 0, 0, 0, models.London())
	w.clock.T = at.Add(time.Minute)
	return jobs.PeriodAt(at)
}

func runDigest(t *testing.T, w world, p jobs.Period) jobs.Counts {
	t.Helper()
	c, err := jobs.Digest(context.Background(), w.deps, p)
	if err != nil {
		t.Fatalf("digest for %s: %v", p.Key, err)
	}
	return c
}

// digestsTo counts the digests delivered so far, by recipient.
func digestsTo(t *testing.T, w world) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, m := range outbox(t, w) {
		if strings.HasPrefix(m.subject, "Your Jointly digest") {
			out[m.to]++
		}
	}
	return out
}

// sendsFor lists, by email, who has a digest recorded for period and
// whether it had an email.
func sendsFor(t *testing.T, w world, period string) map[string]bool {
	t.Helper()
	rows, err := w.db.R.Query(`SELECT u.email, d.email_id IS NOT NULL FROM digest_sends d JOIN users u ON u.id = d.user_id
		WHERE d.period = ?`, period)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var email string
		var mailed bool
		if err := rows.Scan(&email, &mailed); err != nil {
			t.Fatal(err)
		}
		out[email] = mailed
	}
	return out
}

func digestSince(t *testing.T, w world, u models.User) time.Time {
	t.Helper()
	_, since, err := w.db.DigestPreference(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return since
}

func wantCounts(t *testing.T, what string, got jobs.Counts, want jobs.Counts) {
	t.Helper()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: counts %v, want %s = %d", what, got, k, n)
		}
	}
}

// Running the digest twice for one period sends each person one email;
// the next day, with nothing new, nobody gets one but each is recorded.
func TestDigestSendsEachPersonOnceAPeriod(t *testing.T) {
	w := newWorld(t)
	people := []models.User{w.leeds, w.bradford, w.councillor, w.supplier, user(t, w.db, testutil.AdminEmail)}

	// Sunday's digest covers Saturday's seed: something for everyone.
	p := digestDay(w, 22)
	wantCounts(t, "first run", runDigest(t, w, p), jobs.Counts{"due": 5, "sent": 5, "empty": 0})
	wantCounts(t, "second run", runDigest(t, w, p), jobs.Counts{"due": 0, "sent": 0, "empty": 0})
	got := digestsTo(t, w)
	for _, u := range people {
		if got[u.Email] != 1 {
			t.Errorf("%s got %d digests, want 1", u.Email, got[u.Email])
		}
		if since := digestSince(t, w, u); !since.Equal(w.clock.T) {
			t.Errorf("%s: digest_since %s, want the run's start %s", u.Email, since, w.clock.T)
		}
	}
	if len(got) != len(people) {
		t.Errorf("digests to %v, want the %d demo people", got, len(people))
	}

	// Monday: nothing new since Sunday's.
	p = digestDay(w, 23)
	wantCounts(t, "a day with nothing new", runDigest(t, w, p), jobs.Counts{"due": 5, "sent": 0, "empty": 5})
	sends := sendsFor(t, w, p.Key)
	for _, u := range people {
		if mailed, ok := sends[u.Email]; !ok || mailed {
			t.Errorf("%s: recorded %v, mailed %v; want recorded without an email", u.Email, ok, mailed)
		}
		if since := digestSince(t, w, u); !since.Equal(w.clock.T) {
			t.Errorf("%s: digest_since %s, want the run's start %s", u.Email, since, w.clock.T)
		}
	}
	if got := digestsTo(t, w); got[w.leeds.Email] != 1 || len(got) != len(people) {
		t.Errorf("after a day with nothing new: digests %v", got)
	}
}

// Weekly people get theirs on Monday, or on Tuesday if Monday's run was
// missed, never twice in a week; people who turned it off never do;
// disabled people and unverified registrations neither.
func TestDigestWeeklyOnMondaysAndOffNever(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.db.SetDigest(ctx, 0, w.leeds.ID, models.DigestWeekly); err != nil {
		t.Fatal(err)
	}
	if err := w.db.SetDigest(ctx, 0, w.councillor.ID, models.DigestOff); err != nil {
		t.Fatal(err)
	}
	disabled := createUser(t, w.db, models.NewUser{Email: "gone@leeds.gov.uk", Name: "Gone", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	unverified := createUser(t, w.db, models.NewUser{Email: "new@bids.example", Name: "New", Role: models.RoleSupplier, SupplierName: "New Bids Ltd"})
	if _, err := w.db.W.Exec(`UPDATE users SET disabled_at = ? WHERE id = ?`, "2026-11-21T09:00:00.000000Z", disabled.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.W.Exec(`UPDATE users SET awaiting_verification = 1 WHERE id = ?`, unverified.ID); err != nil {
		t.Fatal(err)
	}

	// Sunday 22 to Wednesday 2 December, Monday 30 November's run missed.
	ran := map[string]map[string]bool{}
	for _, d := range []int{22, 23, 24, 25, 26, 27, 28, 29, 31, 32} {
		p := digestDay(w, d)
		runDigest(t, w, p)
		ran[p.Key] = sendsFor(t, w, p.Key)
	}
	for _, c := range []struct {
		period string
		want   bool
	}{
		{"2026-11-22T06:00", false}, // Sunday: never had one, so waits for Monday
		{"2026-11-23T06:00", true},  // Monday
		{"2026-11-24T06:00", false},
		{"2026-11-29T06:00", false}, // Sunday
		{"2026-12-01T06:00", true},  // Tuesday, catching up the missed Monday
		{"2026-12-02T06:00", false},
	} {
		if _, got := ran[c.period][w.leeds.Email]; got != c.want {
			t.Errorf("weekly person in %s: digest recorded %v, want %v", c.period, got, c.want)
		}
	}
	if !ran["2026-11-23T06:00"][w.leeds.Email] {
		t.Error("weekly person's first Monday digest had no email: it covers the week before")
	}
	for period, sends := range ran {
		for _, u := range []models.User{w.councillor, disabled, unverified} {
			if _, ok := sends[u.Email]; ok {
				t.Errorf("%s: digest recorded for %s", period, u.Email)
			}
		}
		if _, ok := sends[w.bradford.Email]; !ok {
			t.Errorf("%s: no digest recorded for the daily person", period)
		}
	}
	mailed := 0
	for _, sends := range ran {
		if sends[w.leeds.Email] {
			mailed++
		}
	}
	if got := digestsTo(t, w); got[w.leeds.Email] != mailed || got[w.councillor.Email] != 0 {
		t.Errorf("digests %v: want %d for the weekly person, none for off", got, mailed)
	}
}

// A run cancelled part-way leaves each person either wholly done (recorded,
// emailed, digest_since moved on) or untouched; running again does the
// rest, and nobody gets two.
func TestDigestCancelledMidRunResumes(t *testing.T) {
	w := newWorld(t)
	const extra = 250
	tx, err := w.db.W.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range extra {
		if _, err := tx.Exec(`INSERT INTO users (email, name, role, council_gss, created_at, updated_at) VALUES (?, ?, 'officer', ?, ?, ?)`,
			fmt.Sprintf("officer%03d@leeds.gov.uk", i), fmt.Sprintf("Officer %d", i), leedsGSS,
			"2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:00.000000Z"); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	p := digestDay(w, 22)

	// Cancelled as soon as the first batch is committed.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := w.deps
	d.Outbox = &models.Outbox{DB: w.db, Notify: cancel}
	counts, err := jobs.Digest(ctx, d, p)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run returned %v, want context.Canceled", err)
	}
	total := extra + 5
	if counts["due"] == 0 || counts["due"] >= total {
		t.Fatalf("cancelled run did %d of %d: the test needs it stopped part-way", counts["due"], total)
	}
	consistent := func(what string) {
		t.Helper()
		var recorded, mailed, queued, moved int
		if err := w.db.R.QueryRow(`SELECT (SELECT count(*) FROM digest_sends WHERE period = ?),
			(SELECT count(*) FROM digest_sends d JOIN mail_outbox m ON m.id = d.email_id WHERE d.period = ?),
			(SELECT count(*) FROM mail_outbox WHERE kind = 'digest'),
			(SELECT count(*) FROM users WHERE digest_since = ?)`, p.Key, p.Key, "2026-11-22T06:01:00.000000Z").
			Scan(&recorded, &mailed, &queued, &moved); err != nil {
			t.Fatal(err)
		}
		if recorded != mailed || mailed != queued || queued != moved {
			t.Errorf("%s: %d recorded, %d of them mailed, %d digests queued, %d people moved on: want all equal",
				what, recorded, mailed, queued, moved)
		}
	}
	consistent("after the cancelled run")

	wantCounts(t, "the run after", runDigest(t, w, p), jobs.Counts{"due": total - counts["due"]})
	consistent("after the run after")
	got := digestsTo(t, w)
	if len(got) != total {
		t.Errorf("%d people got digests, want %d", len(got), total)
	}
	for to, n := range got {
		if n != 1 {
			t.Errorf("%s got %d digests", to, n)
		}
	}
}

// The digest goes over a real SMTP conversation: one message per person,
// to them, with the headers of a bulk message one can leave in one click,
// and a plain-text and an HTML part holding what the digest lists. The
// second run delivers nothing.
func TestDigestDeliveredOverSMTP(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.db.SeedDemoBids(ctx); err != nil {
		t.Fatal(err)
	}
	// A library item for everyone whose title needs escaping in HTML.
	w.clock.T = testutil.Now.Add(time.Hour)
	title := "Buying <cloud> services: questions & answers"
	id, err := w.db.CreateLibraryItem(ctx, w.leeds, models.LibraryInput{Kind: models.KindPlaybook, Title: title,
		Summary: "For everyone.", Body: "Ask first.", Audience: models.AudienceEveryone})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.SubmitLibraryItem(ctx, w.leeds, id); err != nil {
		t.Fatal(err)
	}
	if err := w.db.ApproveLibraryItem(ctx, w.bradford, id); err != nil {
		t.Fatal(err)
	}

	sink := testutil.NewSMTPSink(t)
	transport, err := mailer.ParseSMTPURL(sink.URL())
	if err != nil {
		t.Fatal(err)
	}
	w.deps.Sender = &mailer.Sender{DB: w.db, Transport: transport, From: "Jointly <no-reply@jointly.test>", Logger: w.deps.Logger}
	p := digestDay(w, 22)
	runDigest(t, w, p)
	if sent, failed, err := w.deps.Sender.DeliverDue(ctx); err != nil || failed != 0 || sent != 5 {
		t.Fatalf("delivered %d, failed %d, err %v; want 5 delivered", sent, failed, err)
	}

	// What each person's digest lists, by the model.
	builder := w.db.NewDigestBuilder()
	byAddress := map[string]models.User{}
	for _, e := range []string{testutil.OfficerEmail, testutil.Officer2Email, testutil.CouncillorEmail, testutil.SupplierEmail, testutil.AdminEmail} {
		byAddress[e] = user(t, w.db, e)
	}
	msgs := sink.Received()
	if len(msgs) != len(byAddress) {
		t.Fatalf("the server received %d messages, want %d", len(msgs), len(byAddress))
	}
	for _, m := range msgs {
		if m.From != "no-reply@jointly.test" || len(m.To) != 1 {
			t.Errorf("envelope MAIL FROM %q RCPT TO %v", m.From, m.To)
			continue
		}
		u, ok := byAddress[m.To[0]]
		if !ok {
			t.Errorf("message to %s, who is not a demo person", m.To[0])
			continue
		}
		delete(byAddress, m.To[0])
		pm := m.Parse(t)
		unsubscribe := models.UnsubscribeURL(baseURL, testutil.SigningKey, u.ID)
		var messageID string
		if err := w.db.R.QueryRow(`SELECT m.message_id FROM digest_sends d JOIN mail_outbox m ON m.id = d.email_id
			WHERE d.user_id = ? AND d.period = ?`, u.ID, p.Key).Scan(&messageID); err != nil {
			t.Fatal(err)
		}
		for header, want := range map[string]string{
			"From":                  `"Jointly" <no-reply@jointly.test>`,
			"To":                    "<" + u.Email + ">",
			"Message-ID":            "<" + messageID + ">",
			"List-Unsubscribe":      "<" + unsubscribe + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"X-Jointly-Kind":        "digest",
		} {
			if got := pm.Get(t, header); got != want {
				t.Errorf("%s: %s is %q, want %q", u.Email, header, got, want)
			}
		}
		if s := pm.Get(t, "Subject"); !strings.HasPrefix(s, "Your Jointly digest: ") || !strings.Contains(s, "library item") {
			t.Errorf("%s: subject %q does not say what the digest holds", u.Email, s)
		}
		if pm.MediaType != "multipart/alternative" {
			t.Errorf("%s: Content-Type %s, want multipart/alternative", u.Email, pm.MediaType)
		}
		text, html := pm.Parts["text/plain"], pm.Parts["text/html"]
		if text == "" || html == "" {
			t.Errorf("%s: parts %v, want text/plain and text/html", u.Email, len(pm.Parts))
			continue
		}

		// Every item listed, with its link, in both parts.
		r := models.DigestRecipient{User: u, Frequency: models.DigestDaily}
		dg, err := builder.Build(ctx, r, p.At)
		if err != nil {
			t.Fatal(err)
		}
		var wantText []string
		for _, c := range dg.DecisionWindows.Items {
			wantText = append(wantText, c.Title, fmt.Sprintf("%s/contracts/%d", baseURL, c.ID))
		}
		for _, m := range dg.PartnerMatches.Items {
			wantText = append(wantText, m.PartnerContractTitle, fmt.Sprintf("%s/contracts/%d/partners", baseURL, m.ContractID))
		}
		for _, a := range dg.BidActivity.Items {
			wantText = append(wantText, a.What)
		}
		for _, it := range dg.Library.Items {
			wantText = append(wantText, fmt.Sprintf("%s/library/%d", baseURL, it.ID))
		}
		if dg.Items() == 0 || len(wantText) == 0 {
			t.Errorf("%s: the model's digest is empty, yet mailed", u.Email)
		}
		for _, s := range wantText {
			if !strings.Contains(text, s) {
				t.Errorf("%s: text part lacks %q", u.Email, s)
			}
			if !strings.Contains(html, htmlEscape(s)) {
				t.Errorf("%s: HTML part lacks %q", u.Email, htmlEscape(s))
			}
		}
		for _, s := range []string{unsubscribe, baseURL + "/account/digest"} {
			if !strings.Contains(text, s) || !strings.Contains(html, `href="`+s+`"`) {
				t.Errorf("%s: footer lacks %s", u.Email, s)
			}
		}
		if u.Role != models.RoleOfficer || u.ID == w.bradford.ID { // the approver is not told of their own approval
			continue
		}
		if !strings.Contains(text, title) || !strings.Contains(html, "Buying &lt;cloud&gt; services: questions &amp; answers") {
			t.Errorf("%s: the new library item is missing or not escaped in HTML", u.Email)
		}
	}
	for _, u := range byAddress {
		t.Errorf("%s got no digest", u.Email)
	}

	// Accessible, simple HTML.
	html := msgs[0].Parse(t).Parts["text/html"]
	for _, want := range []string{"<!DOCTYPE html>", `<html lang="en">`, "<title>Your Jointly digest", "<h1", "<h2", "<ul", "<li"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %s", want)
		}
	}
	for _, bad := range []string{"<script", "<img", "click here"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("HTML part has %s", bad)
		}
	}

	// Again: nothing more is sent.
	runDigest(t, w, p)
	if sent, _, err := w.deps.Sender.DeliverDue(ctx); err != nil || sent != 0 {
		t.Errorf("second run delivered %d (err %v), want none", sent, err)
	}
	if n := len(sink.Received()); n != 5 {
		t.Errorf("the server has %d messages after the second run, want 5", n)
	}
}

// htmlEscape is s as html/template writes it in text.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// A run made later than its scheduled time (a catch-up after downtime, or
// from the command line) covers up to when it starts, and the next digest
// carries on from there: what happened in between is neither missed nor
// sent twice.
func TestDigestLateRunCoversUpToItsStart(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	runDigest(t, w, digestDay(w, 22))

	// The 23rd's run is late: the server came back at 11:00. An item
	// approved at 10:00, after the scheduled 06:00, is in it.
	w.clock.T = time.Date(2026, time.November, 23, 10, 0, 0, 0, models.London())
	id, err := w.db.CreateLibraryItem(ctx, w.leeds, models.LibraryInput{Kind: "playbook", Title: "Exit plans that work",
		Summary: "Before you sign.", Body: "Write the exit plan first.", Audience: "everyone"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.SubmitLibraryItem(ctx, w.leeds, id); err != nil {
		t.Fatal(err)
	}
	if err := w.db.ApproveLibraryItem(ctx, w.bradford, id); err != nil {
		t.Fatal(err)
	}
	late := jobs.PeriodAt(time.Date(2026, time.November, 23, 6, 0, 0, 0, models.London()))
	w.clock.T = time.Date(2026, time.November, 23, 11, 0, 0, 0, models.London())
	c := runDigest(t, w, late)
	if c["sent"] == 0 {
		t.Fatalf("the late run sent nothing (%v): the item approved after its scheduled time was missed", c)
	}
	if since := digestSince(t, w, w.councillor); !since.Equal(w.clock.T) {
		t.Errorf("digest_since %s, want the late run's start %s", since, w.clock.T)
	}
	// The next day's digest has nothing new: the item is not sent again.
	wantCounts(t, "the day after the late run", runDigest(t, w, digestDay(w, 24)), jobs.Counts{"sent": 0})
}
