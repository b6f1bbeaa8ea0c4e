package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"jointly/jobs"
	"jointly/mailer"
	"jointly/models"
	"jointly/testutil"
)

const (
	leedsGSS    = "E08000035"
	bradfordGSS = "E08000032"
	baseURL     = "http://jointly.test"
)

// world is a seeded database on a fixed clock, an outbox in a temporary
// folder, and the demo users the tests need.
type world struct {
	db         *models.DB
	clock      *models.FixedClock
	deps       jobs.Deps
	leeds      models.User
	bradford   models.User
	councillor models.User
	supplier   models.User
	outboxDir  string
}

func newWorld(t *testing.T) world {
	t.Helper()
	db, clock := testutil.SeededDB(t)
	w := world{db: db, clock: clock,
		leeds:      user(t, db, testutil.OfficerEmail),
		bradford:   user(t, db, testutil.Officer2Email),
		councillor: user(t, db, testutil.CouncillorEmail),
		supplier:   user(t, db, testutil.SupplierEmail),
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := filepath.Join(t.TempDir(), "outbox")
	sender := &mailer.Sender{DB: db, Transport: mailer.FileTransport{Dir: dir}, From: "Jointly <no-reply@jointly.test>", Logger: log}
	w.deps = jobs.Deps{DB: db, BaseURL: baseURL + "/", Logger: log, Outbox: &models.Outbox{DB: db}, Sender: sender,
		SigningKey: testutil.SigningKey, BackupDir: filepath.Join(t.TempDir(), "backups"), BackupKeep: 3}
	w.outboxDir = dir
	return w
}

func user(t *testing.T, db *models.DB, email string) models.User {
	t.Helper()
	u, err := db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

func createUser(t *testing.T, db *models.DB, n models.NewUser) models.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), 0, n)
	if err != nil {
		t.Fatalf("create %s: %v", n.Email, err)
	}
	return u
}

// publishedBid is a Leeds-led bid with Bradford, signed off by both and
// published with the default deadlines.
func (w world) publishedBid(t *testing.T, title string) models.Bid {
	t.Helper()
	ctx := context.Background()
	id, err := w.db.CreateBid(ctx, w.leeds, models.NewBid{Title: title, CategorySlug: "revenues-benefits", PartnerGSS: []string{bradfordGSS}})
	if err != nil {
		t.Fatalf("create bid: %v", err)
	}
	if err := w.db.AnswerInvitation(ctx, w.bradford, id, bradfordGSS, true); err != nil {
		t.Fatalf("accept: %v", err)
	}
	for _, u := range []models.User{w.leeds, w.bradford} {
		if _, err := w.db.SignOffBid(ctx, u, id); err != nil {
			t.Fatalf("sign-off by %s: %v", u.Email, err)
		}
	}
	if err := w.db.PublishBid(ctx, w.leeds, id, models.PublishInput{}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	b, err := w.db.BidByID(ctx, w.leeds, id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// respond saves supplier u's response to b, submitted when submit is set.
func respond(t *testing.T, db *models.DB, u models.User, b models.Bid, submit bool) {
	t.Helper()
	var answers []models.AnswerInput
	for _, c := range b.Criteria {
		answers = append(answers, models.AnswerInput{CriterionID: c.ID, Text: "Our answer on " + c.Name})
	}
	price := int64(250_000_00)
	if _, _, err := db.SaveResponse(context.Background(), u, b.ID, models.ResponseInput{Answers: answers, PricePence: &price, Submit: submit}); err != nil {
		t.Fatalf("response by %s: %v", u.Email, err)
	}
}

// sent is one email from the outbox, decoded.
type sent struct{ to, subject, text string }

func outbox(t *testing.T, w world) []sent {
	t.Helper()
	if _, _, err := w.deps.Sender.DeliverDue(context.Background()); err != nil {
		t.Fatalf("deliver the outbox: %v", err)
	}
	var out []sent
	for _, raw := range testutil.ReadOutbox(t, w.outboxDir) {
		m, err := mail.ReadMessage(strings.NewReader(raw))
		if err != nil {
			t.Fatalf("%v:\n%s", err, raw)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		to, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sent{to: to.Address, subject: subject, text: strings.ReplaceAll(string(body), "\r\n", "\n")})
	}
	return out
}

func TestCloseBidsClosesAndTellsEachRecipientOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)

	// Recipients and bystanders beyond the demo users.
	leeds2 := createUser(t, w.db, models.NewUser{Email: "procurement@leeds.gov.uk", Name: "Pat Procurement", Role: models.RoleOfficer, CouncilGSS: leedsGSS})
	wakefield := createUser(t, w.db, models.NewUser{Email: "ict@wakefield.gov.uk", Name: "Wren Wakefield", Role: models.RoleOfficer, CouncilGSS: "E08000036"})
	supplier2 := createUser(t, w.db, models.NewUser{Email: "tenders@penninedigital.example", Name: "Tess Tenders", Role: models.RoleSupplier, SupplierID: w.supplier.SupplierID})
	zephyr := createUser(t, w.db, models.NewUser{Email: "bids@zephyr.example", Name: "Zed Zephyr", Role: models.RoleSupplier, SupplierName: "Zephyr Systems Ltd"})
	drafter := createUser(t, w.db, models.NewUser{Email: "bids@drafty.example", Name: "Dee Draft", Role: models.RoleSupplier, SupplierName: "Drafty Ltd"})
	withdrawer := createUser(t, w.db, models.NewUser{Email: "bids@withdrawn.example", Name: "Will Withdrawn", Role: models.RoleSupplier, SupplierName: "Withdrawn Ltd"})

	b := w.publishedBid(t, "Joint revenues and benefits system")
	respond(t, w.db, w.supplier, b, true)
	respond(t, w.db, zephyr, b, true)
	respond(t, w.db, drafter, b, false)
	respond(t, w.db, withdrawer, b, true)
	if _, err := w.db.WithdrawResponse(ctx, withdrawer, b.ID); err != nil {
		t.Fatal(err)
	}

	// Before the deadline the job closes and tells nothing.
	w.clock.T = b.ResponseDeadline.Add(-time.Second)
	if _, err := jobs.CloseBids(ctx, w.deps, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := outbox(t, w); len(got) != 0 {
		t.Fatalf("%d emails before the deadline: %+v", len(got), got)
	}
	if status := bidStatus(t, w.db, b.ID); status != "published" {
		t.Fatalf("status %s before the deadline", status)
	}

	// Past the deadline, with nobody reading the bid: the job closes it. A
	// second run (the next minute) tells nobody again.
	w.clock.T = b.ResponseDeadline.Add(90 * time.Second)
	for range 2 {
		if _, err := jobs.CloseBids(ctx, w.deps, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if status := bidStatus(t, w.db, b.ID); status != "closed" {
		t.Fatalf("status %s after the job, want closed", status)
	}
	var closedAt string
	if err := w.db.R.QueryRow(`SELECT closed_at FROM bids WHERE id = ?`, b.ID).Scan(&closedAt); err != nil {
		t.Fatal(err)
	}
	if want := b.ResponseDeadline.UTC().Format(time.RFC3339); !strings.HasPrefix(closedAt, strings.TrimSuffix(want, "Z")) {
		t.Errorf("closed at %s, want the deadline %s", closedAt, want)
	}

	got := outbox(t, w)
	byTo := map[string][]sent{}
	for _, m := range got {
		byTo[m.to] = append(byTo[m.to], m)
	}
	councils := []string{w.leeds.Email, leeds2.Email, w.bradford.Email}
	respondents := []string{w.supplier.Email, supplier2.Email, zephyr.Email}
	var want []string
	want = append(append(want, councils...), respondents...)
	var gotTo []string
	for to, ms := range byTo {
		gotTo = append(gotTo, to)
		if len(ms) != 1 {
			t.Errorf("%s got %d emails, want 1", to, len(ms))
		}
	}
	slices.Sort(want)
	slices.Sort(gotTo)
	if !slices.Equal(gotTo, want) {
		t.Fatalf("emailed %v\nwant      %v\n(not the councillor %s, Wakefield %s, the drafter %s or the withdrawer %s)",
			gotTo, want, w.councillor.Email, wakefield.Email, drafter.Email, withdrawer.Email)
	}

	when := models.FormatUKTime(b.ResponseDeadline)
	for _, to := range councils {
		m := byTo[to][0]
		for _, s := range []string{
			b.Title + " closed at " + when + ": 2 responses were submitted.",
			fmt.Sprintf("The evaluation panel can now read them: %s/bids/%d/responses\n", baseURL, b.ID),
		} {
			if !strings.Contains(m.text, s) {
				t.Errorf("email to %s lacks %q:\n%s", to, s, m.text)
			}
		}
		if m.subject != "Responses are in: "+b.Title {
			t.Errorf("email to %s: subject %q", to, m.subject)
		}
	}
	for _, to := range respondents {
		m := byTo[to][0]
		s := b.Title + " has closed. Your response is with the councils' evaluation panel; you will be told the outcome."
		if !strings.Contains(m.text, s) {
			t.Errorf("email to %s lacks %q:\n%s", to, s, m.text)
		}
		// A respondent learns nothing of the others.
		for _, other := range []string{"Pennine", "Zephyr", "2 responses"} {
			if strings.Contains(m.text, other) || strings.Contains(m.subject, other) {
				t.Errorf("email to %s mentions %q:\n%s", to, other, m.text)
			}
		}
	}
}

// A bid closed by a read before the job ran is still told about, once;
// with no responses the councils hear that, and nobody else hears at all.
func TestCloseBidsTellsOfABidClosedByARead(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	b := w.publishedBid(t, "Joint library management system")
	w.clock.T = b.ResponseDeadline
	read, err := w.db.BidByID(ctx, w.bradford, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if read.Status != models.BidClosed {
		t.Fatalf("status %s after a read at the deadline, want closed", read.Status)
	}
	for range 2 {
		if _, err := jobs.CloseBids(ctx, w.deps, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	got := outbox(t, w)
	var to []string
	for _, m := range got {
		to = append(to, m.to)
		if want := b.Title + " closed at " + models.FormatUKTime(b.ResponseDeadline) + ": no responses were submitted."; !strings.Contains(m.text, want) {
			t.Errorf("email to %s lacks %q:\n%s", m.to, want, m.text)
		}
		if m.subject != "Closed with no responses: "+b.Title {
			t.Errorf("email to %s: subject %q", m.to, m.subject)
		}
		if strings.Contains(m.text, "/responses") {
			t.Errorf("email to %s points the panel at responses there are not:\n%s", m.to, m.text)
		}
	}
	slices.Sort(to)
	if want := []string{w.leeds.Email, w.bradford.Email}; !slices.Equal(to, want) {
		t.Fatalf("emailed %v, want %v", to, want)
	}
}

func bidStatus(t *testing.T, db *models.DB, id int64) string {
	t.Helper()
	var s string
	if err := db.R.QueryRow(`SELECT status FROM bids WHERE id = ?`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
