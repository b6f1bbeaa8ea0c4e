package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Clarification questions. A supplier asks until the clarification
// deadline; the councils read the question without ever learning who
// asked (nothing here even selects the asker for them); an officer's
// answer is published with the question to every supplier at once,
// numbered in the order answers were published. The asker is kept, for
// the record and to send them the same email as every follower.

// Limits on questions and answers, in characters.
const (
	MaxQuestion = 5000
	MaxAnswer   = 10000
)

// Question is a clarification question as the councils see it: the text
// and when, never who asked.
type Question struct {
	ID         int64
	BidID      int64
	Text       string
	AskedAt    time.Time
	Number     int // 0 until the answer is published
	Answer     string
	AnsweredAt time.Time
}

// Answered reports whether the answer has been published.
func (q Question) Answered() bool { return q.Number > 0 }

// PublishedAnswer is a question and its answer as every supplier reads it.
type PublishedAnswer struct {
	Number     int
	Question   string
	Answer     string
	AnsweredAt time.Time
}

// cleanText trims text and writes its line ends as "\n".
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// AskQuestion records actor's supplier's question about published bid
// bidID, before its clarification deadline (by the server's clock); after
// it the answer is a 409 saying when questions closed. It returns the
// question's id.
func (db *DB) AskQuestion(ctx context.Context, actor User, bidID int64, text string) (int64, error) {
	if actor.Role != RoleSupplier || actor.SupplierID == 0 {
		return 0, fmt.Errorf("ask a question: %w", ErrForbidden)
	}
	if err := db.closeIfDue(ctx, bidID); err != nil {
		return 0, err
	}
	text = cleanText(text)
	var id int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.questionsRefusal(ctx, tx, bidID); err != nil {
			return err
		}
		switch n := utf8.RuneCountInString(text); {
		case n == 0:
			return &ValidationError{Fields: []FieldError{{"question", "Enter your question"}}}
		case n > MaxQuestion:
			return &ValidationError{Fields: []FieldError{{"question", fmt.Sprintf("Question must be %s characters or fewer", formatThousands(MaxQuestion))}}}
		}
		now := dbTime(db.now())
		if err := tx.QueryRowContext(ctx, `INSERT INTO bid_questions (bid_id, asked_by, supplier_id, question, asked_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, bidID, actor.ID, actor.SupplierID, text, now).Scan(&id); err != nil {
			return fmt.Errorf("ask a question: %w", err)
		}
		// The councils hear of it without the asker: the system is the actor.
		if err := db.bidActivity(ctx, tx, System, bidID, "question", "received a clarification question from a supplier", 0); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "question.ask", "bid", fmt.Sprint(bidID), map[string]any{"question_id": id})
	})
	return id, err
}

// QuestionsRefusal says why nobody may ask about bid bidID now, or nil
// while questions are open: ErrNotFound for a bid never published, a 409
// once the clarification deadline has passed (by the server's clock) or
// the bid was cancelled. The API asks it before reading a question.
func (db *DB) QuestionsRefusal(ctx context.Context, bidID int64) error {
	if err := db.closeIfDue(ctx, bidID); err != nil {
		return err
	}
	return db.questionsRefusal(ctx, db.R, bidID)
}

func (db *DB) questionsRefusal(ctx context.Context, q queryer, bidID int64) error {
	var status, clarify string
	err := q.QueryRowContext(ctx, `SELECT status, coalesce(clarification_deadline, '') FROM bids
		WHERE id = ? AND published_at IS NOT NULL`, bidID).Scan(&status, &clarify)
	if err != nil {
		return notFound(err, fmt.Sprintf("opportunity %d", bidID))
	}
	deadline, _ := parseDBTime(clarify)
	switch {
	case BidStatus(status) == BidCancelled:
		return &PublicError{Status: 409, Message: "This opportunity was cancelled, so questions can no longer be asked."}
	case BidStatus(status) != BidPublished || !db.now().Before(deadline):
		return &PublicError{Status: 409, Message: "Questions closed " + FormatUKTime(deadline) + "."}
	}
	return nil
}

// formatThousands writes 5000 as "5,000".
func formatThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// BidQuestions lists bid bidID's questions for its councils' side:
// unanswered ones first, oldest first, then the answered ones by number.
// Who asked is not read.
func (db *DB) BidQuestions(ctx context.Context, viewer User, bidID int64) ([]Question, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id, bid_id, question, asked_at, coalesce(number, 0), coalesce(answer, ''),
		coalesce(answered_at, '') FROM bid_questions WHERE bid_id = ?
		ORDER BY number IS NOT NULL, CASE WHEN number IS NULL THEN asked_at END, number, id`, bidID)
	if err != nil {
		return nil, fmt.Errorf("questions of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var q Question
		var asked, answered string
		if err := rows.Scan(&q.ID, &q.BidID, &q.Text, &asked, &q.Number, &q.Answer, &answered); err != nil {
			return nil, err
		}
		q.AskedAt, _ = parseDBTime(asked)
		q.AnsweredAt, _ = parseDBTime(answered)
		out = append(out, q)
	}
	return out, rows.Err()
}

// answerRefusal says why viewer may not answer bid id's questions now,
// or nil: an officer of a council taking part, while the bid is published
// or closed. Outside the councils' side the bid's questions are not found.
func answerRefusal(id int64, status BidStatus, a BidAccess, viewer User) error {
	switch {
	case !a.Internal:
		return bidNotFound(id)
	case viewer.Role != RoleOfficer:
		return &PublicError{Status: 403, Message: "Only officers of the councils taking part can answer questions."}
	case status != BidPublished && status != BidClosed:
		return &PublicError{Status: 409, Message: fmt.Sprintf("This bid is %s, so its questions cannot be answered.", strings.ToLower(status.Label()))}
	}
	return nil
}

// AnswerRefusal says why viewer may not answer the bid's questions now, or
// nil when they may: the page asks before offering the answer forms.
func (b Bid) AnswerRefusal(viewer User) error {
	return answerRefusal(b.ID, b.Status, b.Access, viewer)
}

// AnswerQuestion publishes an officer's answer to question qid of bid
// bidID, with the next number, to everyone at once. An answer cannot be
// changed: a correction is the answer to another question. The caller
// emails AnswerRecipients.
func (db *DB) AnswerQuestion(ctx context.Context, actor User, bidID, qid int64, answer string) (PublishedAnswer, error) {
	answer = cleanText(answer)
	var out PublishedAnswer
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		h, _, a, err := accessFor(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if err := answerRefusal(bidID, h.Status, a, actor); err != nil {
			return err
		}
		var number sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT question, number FROM bid_questions WHERE id = ? AND bid_id = ?`, qid, bidID).
			Scan(&out.Question, &number)
		if err != nil {
			return notFound(err, fmt.Sprintf("question %d of bid %d", qid, bidID))
		}
		if number.Valid {
			return &PublicError{Status: 409, Message: fmt.Sprintf("This question has already been answered, as question %d.", number.Int64)}
		}
		switch n := utf8.RuneCountInString(answer); {
		case n == 0:
			return &ValidationError{Fields: []FieldError{{"answer", "Enter the answer"}}}
		case n > MaxAnswer:
			return &ValidationError{Fields: []FieldError{{"answer", fmt.Sprintf("Answer must be %s characters or fewer", formatThousands(MaxAnswer))}}}
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) + 1 FROM bid_questions WHERE bid_id = ?`, bidID).
			Scan(&out.Number); err != nil {
			return err
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, `UPDATE bid_questions SET number = ?, answer = ?, answered_by = ?, answered_at = ?
			WHERE id = ? AND number IS NULL`, out.Number, answer, actor.ID, dbTime(now), qid)
		if err != nil {
			return conflict(err, fmt.Sprintf("answer question %d", qid))
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("question %d answered meanwhile: %w", qid, ErrConflict)
		}
		out.Answer = answer
		out.AnsweredAt, _ = parseDBTime(dbTime(now))
		if err := db.bidActivity(ctx, tx, actor, bidID, "answer",
			fmt.Sprintf("published the answer to clarification question %d", out.Number), 0); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "question.answer", "bid", fmt.Sprint(bidID),
			map[string]any{"question_id": qid, "number": out.Number})
	})
	return out, err
}

// PublishedQA is published bid bidID's answered questions, by number:
// the question and answer only, for every supplier alike.
func (db *DB) PublishedQA(ctx context.Context, bidID int64) ([]PublishedAnswer, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT q.number, q.question, q.answer, q.answered_at FROM bid_questions q
		JOIN bids b ON b.id = q.bid_id AND b.published_at IS NOT NULL
		WHERE q.bid_id = ? AND q.number IS NOT NULL ORDER BY q.number`, bidID)
	if err != nil {
		return nil, fmt.Errorf("answers of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []PublishedAnswer
	for rows.Next() {
		var p PublishedAnswer
		var at string
		if err := rows.Scan(&p.Number, &p.Question, &p.Answer, &at); err != nil {
			return nil, err
		}
		p.AnsweredAt, _ = parseDBTime(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// AnswerRecipients are the supplier users told of each answer to bid
// bidID's questions: everyone following the opportunity and everyone who
// asked a question about it, once each, in no order that tells which.
func (db *DB) AnswerRecipients(ctx context.Context, bidID int64) ([]User, error) {
	return db.usersWhere(ctx, `u.role = 'supplier' AND u.id IN
		(SELECT user_id FROM opportunity_followers WHERE bid_id = ?1 UNION SELECT asked_by FROM bid_questions WHERE bid_id = ?1)`, bidID)
}
