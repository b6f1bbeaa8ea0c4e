package models_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"jointly/models"
)

func TestClarificationQuestions(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	draft, id := w.readyBid(t), w.publishedBid(t)
	b := w.read(t, w.leeds, id)
	other := mustCreateUser(t, w.db, models.NewUser{Email: "bids@northern-cloud.example", Name: "Nia North",
		Role: models.RoleSupplier, SupplierName: "Northern Cloud Ltd"})
	follower := mustCreateUser(t, w.db, models.NewUser{Email: "watch@northern-cloud.example", Name: "Will Watcher",
		Role: models.RoleSupplier, SupplierID: other.SupplierID})

	// Who may ask, what, and about which bid.
	if _, err := w.db.AskQuestion(ctx, w.leeds, id, "Why?"); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("an officer asked: %v", err)
	}
	if _, err := w.db.AskQuestion(ctx, w.supplier, draft, "Why?"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("asked about a draft: %v", err)
	}
	for text, want := range map[string]string{"   ": "Enter your question", strings.Repeat("é", models.MaxQuestion+1): "5,000 characters or fewer"} {
		var verr *models.ValidationError
		if _, err := w.db.AskQuestion(ctx, w.supplier, id, text); !errors.As(err, &verr) || !strings.Contains(verr.Message("question"), want) {
			t.Errorf("question of %d characters: %v", len(text), err)
		}
	}
	q1, err := w.db.AskQuestion(ctx, w.supplier, id, "  Is data migration in scope?\r\nWe would need the schema.  ")
	if err != nil {
		t.Fatal(err)
	}
	q2, err := w.db.AskQuestion(ctx, other, id, "How many users does each council have?")
	if err != nil {
		t.Fatal(err)
	}
	q3, err := w.db.AskQuestion(ctx, w.supplier, id, strings.Repeat("x", models.MaxQuestion))
	if err != nil {
		t.Fatal(err)
	}

	// The councils' side reads them without the asker; nobody else at all.
	qs, err := w.db.BidQuestions(ctx, w.bradford, id)
	if err != nil || len(qs) != 3 || qs[0].ID != q1 || qs[0].Text != "Is data migration in scope?\nWe would need the schema." || qs[0].Answered() {
		t.Fatalf("questions %+v, %v", qs, err)
	}
	if fields := reflect.VisibleFields(reflect.TypeOf(models.Question{})); len(fields) != 7 {
		t.Errorf("Question has %d fields: check none names the asker", len(fields))
	}
	for _, u := range []models.User{w.supplier, w.wakefield, w.admin, {}} {
		if _, err := w.db.BidQuestions(ctx, u, id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%q read the questions: %v", u.Email, err)
		}
	}
	if _, err := w.db.BidQuestions(ctx, w.councillor, id); err != nil {
		t.Errorf("a Leeds councillor cannot read the questions: %v", err)
	}

	// Answers: officers of the councils taking part, numbered in order.
	if _, err := w.db.AnswerQuestion(ctx, w.wakefield, id, q2, "No."); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a non-participant officer answered: %v", err)
	}
	_, err = w.db.AnswerQuestion(ctx, w.councillor, id, q2, "No.")
	wantPublic(t, err, 403, "Only officers")
	if _, err := w.db.AnswerQuestion(ctx, w.leeds, id, 999999, "No."); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("answered a question that does not exist: %v", err)
	}
	var verr *models.ValidationError
	if _, err := w.db.AnswerQuestion(ctx, w.leeds, id, q2, " "); !errors.As(err, &verr) || !verr.Has("answer") {
		t.Errorf("empty answer: %v", err)
	}
	a1, err := w.db.AnswerQuestion(ctx, w.bradford, id, q2, "About 4,000 in Leeds and 2,500 in Bradford.")
	if err != nil || a1.Number != 1 || a1.Question != "How many users does each council have?" {
		t.Fatalf("first answer %+v, %v", a1, err)
	}
	_, err = w.db.AnswerQuestion(ctx, w.leeds, id, q2, "Again")
	wantPublic(t, err, 409, "already been answered, as question 1")
	a2, err := w.db.AnswerQuestion(ctx, w.leeds, id, q1, "Yes: see the Scope section.")
	if err != nil || a2.Number != 2 {
		t.Fatalf("second answer %+v, %v", a2, err)
	}

	// Published: answered ones only, by number; unanswered first on the councils' side.
	qa, err := w.db.PublishedQA(ctx, id)
	if err != nil || len(qa) != 2 || qa[0].Number != 1 || qa[1].Number != 2 || qa[1].Answer != "Yes: see the Scope section." {
		t.Fatalf("published %+v, %v", qa, err)
	}
	d, err := w.db.OpportunityByID(ctx, models.User{}, id)
	if err != nil || len(d.QA) != 2 {
		t.Fatalf("opportunity Q&A %+v, %v", d.QA, err)
	}
	qs, _ = w.db.BidQuestions(ctx, w.leeds, id)
	if len(qs) != 3 || qs[0].ID != q3 || qs[1].Number != 1 || qs[2].Number != 2 {
		t.Errorf("council order: %+v", qs)
	}

	// Told of answers: followers and askers, each once, suppliers only.
	if err := w.db.FollowOpportunity(ctx, follower, id, true); err != nil {
		t.Fatal(err)
	}
	if err := w.db.FollowOpportunity(ctx, w.supplier, id, true); err != nil {
		t.Fatal(err)
	}
	to, err := w.db.AnswerRecipients(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, u := range to {
		emails = append(emails, u.Email)
	}
	if want := []string{w.supplier.Email, other.Email, follower.Email}; !reflect.DeepEqual(emails, want) {
		t.Errorf("recipients %v, want %v", emails, want)
	}

	// After the clarification deadline: no more questions; answers still.
	w.clock.T = b.ClarificationDeadline
	_, err = w.db.AskQuestion(ctx, w.supplier, id, "Too late?")
	wantPublic(t, err, 409, "Questions closed "+models.FormatUKTime(b.ClarificationDeadline))
	if _, err := w.db.AnswerQuestion(ctx, w.leeds, id, q3, "Answered after questions closed."); err != nil {
		t.Errorf("answer after the clarification deadline: %v", err)
	}
	if err := w.db.CancelBid(ctx, w.leeds, id, "Withdrawn"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.AnswerQuestion(ctx, w.leeds, id, q1, "x"); err == nil {
		t.Error("answered on a cancelled bid")
	}

	// Every ask and answer is in the chained audit trail, which holds.
	trail, err := w.db.AuditTrail(ctx, "bid", fmt.Sprint(id), 100)
	if err != nil {
		t.Fatal(err)
	}
	asks, answers := 0, 0
	for _, e := range trail {
		switch e.Action {
		case "question.ask":
			asks++
		case "question.answer":
			answers++
		}
	}
	if asks != 3 || answers != 3 {
		t.Errorf("audit: %d asks and %d answers, want 3 and 3", asks, answers)
	}
	if _, err := w.db.VerifyAuditChain(ctx); err != nil {
		t.Errorf("audit chain: %v", err)
	}

	// The councils' activity feed says a question came, never from whom.
	feed, err := w.db.BidActivityFeed(ctx, w.leeds, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range feed {
		if a.Kind == "question" && (a.ActorName != "Jointly" || strings.Contains(a.Summary, w.supplier.SupplierName)) {
			t.Errorf("activity names the asker: %+v", a)
		}
	}
}
