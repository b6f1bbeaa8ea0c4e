package models

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Sealed responses. A supplier's response to a published bid (an answer
// per criterion and a price) is readable by that supplier alone until the
// bid closes at its response deadline: no council user can read it, its
// supplier's name, or anything derived from it, by any route, because
// every route reads responses through this file. Only the number
// submitted is ever shown before the close. Each submission and
// withdrawal gets a receipt: the time and the SHA-256 of the canonical
// content (ResponseDigest), kept in an append-only table.

// Response statuses.
const (
	ResponseDraft     = "draft"
	ResponseSubmitted = "submitted"
	ResponseWithdrawn = "withdrawn"
)

// MaxResponseAnswer is the longest answer to one criterion, in characters.
const MaxResponseAnswer = 20000

// Response is one supplier's response to one bid.
type Response struct {
	ID           int64
	BidID        int64
	SupplierID   int64
	SupplierName string
	Status       string
	PricePence   *int64
	Answers      []ResponseAnswer // in criteria order, one per criterion
	UpdatedAt    time.Time
	SubmittedAt  time.Time // of the standing submission; zero unless submitted
	SHA256       string    // of the standing submission
}

// ResponseAnswer is the answer to one criterion.
type ResponseAnswer struct {
	CriterionID   int64
	CriterionName string
	Weight        int
	Text          string
}

// Receipt is proof of a submission or withdrawal.
type Receipt struct {
	ResponseID int64
	Kind       string // ResponseSubmitted or ResponseWithdrawn
	SHA256     string
	At         time.Time
}

// AnswerInput is one answer as sent.
type AnswerInput struct {
	CriterionID int64
	Text        string
}

// ResponseInput is a save of a response; Submit submits it (or submits
// the revision of a submitted one).
type ResponseInput struct {
	Answers    []AnswerInput
	PricePence *int64
	Submit     bool
}

// canonicalResponse is what a receipt's hash covers, in this exact JSON
// form: keys in this order, answers by criterion id, no spaces.
type canonicalResponse struct {
	BidID      int64             `json:"bid_id"`
	SupplierID int64             `json:"supplier_id"`
	PricePence int64             `json:"price_pence"`
	Answers    []canonicalAnswer `json:"answers"`
}

type canonicalAnswer struct {
	CriterionID int64  `json:"criterion_id"`
	Text        string `json:"text"`
}

// ResponseDigest is the SHA-256, in hex, of a response's canonical content:
// the JSON {"bid_id":…,"supplier_id":…,"price_pence":…,"answers":[{"criterion_id":…,"text":…},…]}
// with answers ordered by criterion id, as Go's encoding/json writes it.
// A supplier can recompute it from what it sent.
func ResponseDigest(bidID, supplierID, pricePence int64, answers []AnswerInput) string {
	c := canonicalResponse{BidID: bidID, SupplierID: supplierID, PricePence: pricePence, Answers: []canonicalAnswer{}}
	for _, a := range answers {
		c.Answers = append(c.Answers, canonicalAnswer{CriterionID: a.CriterionID, Text: a.Text})
	}
	slices.SortFunc(c.Answers, func(a, b canonicalAnswer) int { return int(a.CriterionID - b.CriterionID) })
	b, _ := json.Marshal(c) // strings and numbers only: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// openBid checks, inside tx, that bid bidID takes responses now: published
// and before its response deadline by the server's clock.
func (db *DB) openBid(ctx context.Context, tx *sql.Tx, bidID int64) (deadline time.Time, err error) {
	var status, dl string
	err = tx.QueryRowContext(ctx, `SELECT status, coalesce(response_deadline, '') FROM bids WHERE id = ? AND published_at IS NOT NULL`, bidID).
		Scan(&status, &dl)
	if err != nil {
		return deadline, notFound(err, fmt.Sprintf("opportunity %d", bidID))
	}
	deadline, _ = parseDBTime(dl)
	if BidStatus(status) != BidPublished || !db.now().Before(deadline) {
		return deadline, &PublicError{Status: 409, Message: "The deadline for responses (" + FormatUKTime(deadline) +
			") has passed, so responses can no longer be submitted, revised or withdrawn."}
	}
	return deadline, nil
}

// FormatUKTime writes an instant in UK time: "5 December 2026 at 12:00pm (UK time)".
func FormatUKTime(t time.Time) string {
	l := t.In(London())
	return l.Format("2 January 2006") + " at " + strings.ToLower(l.Format("3:04PM")) + " (UK time)"
}

// responder checks actor may respond for a supplier.
func responder(actor User) error {
	if actor.Role != RoleSupplier || actor.SupplierID == 0 {
		return fmt.Errorf("respond: %w", ErrForbidden)
	}
	return nil
}

// SaveResponse saves actor's supplier's response to bid bidID, before the
// deadline. With Submit, every criterion must be answered and a price
// given; the response is submitted and a receipt returned. A submitted
// response can be revised only by submitting again (a new receipt), so a
// submission is never undone by accident; withdraw it to take it back.
func (db *DB) SaveResponse(ctx context.Context, actor User, bidID int64, in ResponseInput) (Response, *Receipt, error) {
	if err := responder(actor); err != nil {
		return Response{}, nil, err
	}
	if err := db.closeIfDue(ctx, bidID); err != nil {
		return Response{}, nil, err
	}
	var receipt *Receipt
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := db.openBid(ctx, tx, bidID); err != nil {
			return err
		}
		criteria, err := loadCriteria(ctx, tx, bidID)
		if err != nil {
			return err
		}
		answers, verr := checkAnswers(criteria, in)
		if err := verr.Err(); err != nil {
			return err
		}
		now := dbTime(db.now())
		var id int64
		var status string
		err = tx.QueryRowContext(ctx, `SELECT id, status FROM bid_responses WHERE bid_id = ? AND supplier_id = ?`, bidID, actor.SupplierID).Scan(&id, &status)
		switch {
		case isNoRows(err):
			if err := tx.QueryRowContext(ctx, `INSERT INTO bid_responses (bid_id, supplier_id, updated_by, updated_at)
				VALUES (?, ?, ?, ?) RETURNING id`, bidID, actor.SupplierID, actor.ID, now).Scan(&id); err != nil {
				return fmt.Errorf("start response: %w", err)
			}
			status = ResponseDraft
		case err != nil:
			return err
		}
		if status == ResponseSubmitted && !in.Submit {
			return &PublicError{Status: 409, Message: "Your response is submitted. To change it, submit the revised response (you get a new receipt), or withdraw it."}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM bid_response_answers WHERE response_id = ?`, id); err != nil {
			return err
		}
		for _, a := range answers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bid_response_answers (response_id, criterion_id, text) VALUES (?, ?, ?)`,
				id, a.CriterionID, a.Text); err != nil {
				return fmt.Errorf("save answer: %w", err)
			}
		}
		if !in.Submit {
			if _, err := tx.ExecContext(ctx, `UPDATE bid_responses SET status = 'draft', price_pence = ?, updated_by = ?, updated_at = ? WHERE id = ?`,
				in.PricePence, actor.ID, now, id); err != nil {
				return err
			}
			return db.audit(ctx, tx, actor.ID, "response.draft", "bid", fmt.Sprint(bidID), map[string]any{"response_id": id})
		}
		sum := ResponseDigest(bidID, actor.SupplierID, *in.PricePence, answers)
		if _, err := tx.ExecContext(ctx, `UPDATE bid_responses SET status = 'submitted', price_pence = ?, updated_by = ?, updated_at = ?,
			submitted_at = ?, sha256 = ? WHERE id = ?`, in.PricePence, actor.ID, now, now, sum, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_response_receipts (response_id, kind, sha256, at, user_id) VALUES (?, 'submitted', ?, ?, ?)`,
			id, sum, now, actor.ID); err != nil {
			return err
		}
		at, _ := parseDBTime(now)
		receipt = &Receipt{ResponseID: id, Kind: ResponseSubmitted, SHA256: sum, At: at}
		return db.audit(ctx, tx, actor.ID, "response.submit", "bid", fmt.Sprint(bidID),
			map[string]any{"response_id": id, "sha256": sum, "revision": status == ResponseSubmitted})
	})
	if err != nil {
		return Response{}, nil, err
	}
	r, _, err := db.MyResponse(ctx, actor, bidID)
	return r, receipt, err
}

// checkAnswers keeps the answers to bid's criteria, in criteria order,
// and checks them; a submission needs every answer and a price.
func checkAnswers(criteria []Criterion, in ResponseInput) ([]AnswerInput, *ValidationError) {
	verr := &ValidationError{}
	byID := map[int64]string{}
	for _, a := range in.Answers {
		if !slices.ContainsFunc(criteria, func(c Criterion) bool { return c.ID == a.CriterionID }) {
			verr.Add("answers", fmt.Sprintf("Criterion %d is not one of this bid's criteria", a.CriterionID))
			continue
		}
		byID[a.CriterionID] = strings.ReplaceAll(a.Text, "\r\n", "\n")
	}
	var out []AnswerInput
	for i, c := range criteria {
		text := byID[c.ID]
		field := fmt.Sprintf("answer-%d", i+1)
		switch n := utf8.RuneCountInString(text); {
		case n > MaxResponseAnswer:
			verr.Add(field, fmt.Sprintf("Your answer to “%s” must be %d characters or fewer", c.Name, MaxResponseAnswer))
		case in.Submit && strings.TrimSpace(text) == "":
			verr.Add(field, fmt.Sprintf("Answer “%s” before submitting", c.Name))
		}
		out = append(out, AnswerInput{CriterionID: c.ID, Text: text})
	}
	switch {
	case in.PricePence != nil && *in.PricePence < 0:
		verr.Add("price", "Price cannot be negative")
	case in.Submit && in.PricePence == nil:
		verr.Add("price", "Enter your price before submitting")
	}
	return out, verr
}

// WithdrawResponse takes back a submitted response before the deadline,
// with a receipt. The text stays as a draft the supplier may submit again.
func (db *DB) WithdrawResponse(ctx context.Context, actor User, bidID int64) (Receipt, error) {
	if err := responder(actor); err != nil {
		return Receipt{}, err
	}
	if err := db.closeIfDue(ctx, bidID); err != nil {
		return Receipt{}, err
	}
	var rc Receipt
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := db.openBid(ctx, tx, bidID); err != nil {
			return err
		}
		var id int64
		var status, sum string
		err := tx.QueryRowContext(ctx, `SELECT id, status, coalesce(sha256, '') FROM bid_responses WHERE bid_id = ? AND supplier_id = ?`,
			bidID, actor.SupplierID).Scan(&id, &status, &sum)
		if err != nil || status != ResponseSubmitted {
			return &PublicError{Status: 409, Message: "You have no submitted response to withdraw."}
		}
		now := dbTime(db.now())
		if _, err := tx.ExecContext(ctx, `UPDATE bid_responses SET status = 'withdrawn', submitted_at = NULL, sha256 = NULL,
			updated_by = ?, updated_at = ? WHERE id = ?`, actor.ID, now, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_response_receipts (response_id, kind, sha256, at, user_id) VALUES (?, 'withdrawn', ?, ?, ?)`,
			id, sum, now, actor.ID); err != nil {
			return err
		}
		rc = Receipt{ResponseID: id, Kind: ResponseWithdrawn, SHA256: sum}
		rc.At, _ = parseDBTime(now)
		return db.audit(ctx, tx, actor.ID, "response.withdraw", "bid", fmt.Sprint(bidID), map[string]any{"response_id": id})
	})
	return rc, err
}

// MyResponse is actor's supplier's own response to bid bidID (ErrNotFound
// when it has none) and its receipts, newest first.
func (db *DB) MyResponse(ctx context.Context, actor User, bidID int64) (Response, []Receipt, error) {
	if err := responder(actor); err != nil {
		return Response{}, nil, err
	}
	var id int64
	err := db.R.QueryRowContext(ctx, `SELECT id FROM bid_responses WHERE bid_id = ? AND supplier_id = ?`, bidID, actor.SupplierID).Scan(&id)
	if err != nil {
		return Response{}, nil, notFound(err, fmt.Sprintf("your response to %d", bidID))
	}
	r, err := db.loadResponse(ctx, id)
	if err != nil {
		return r, nil, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT response_id, kind, sha256, at FROM bid_response_receipts WHERE response_id = ? ORDER BY id DESC`, id)
	if err != nil {
		return r, nil, err
	}
	defer rows.Close()
	var rcs []Receipt
	for rows.Next() {
		var rc Receipt
		var at string
		if err := rows.Scan(&rc.ResponseID, &rc.Kind, &rc.SHA256, &at); err != nil {
			return r, nil, err
		}
		rc.At, _ = parseDBTime(at)
		rcs = append(rcs, rc)
	}
	return r, rcs, rows.Err()
}

// loadResponse reads one response with its answers. It is private: every
// exported read checks who is asking and whether the bid has closed.
func (db *DB) loadResponse(ctx context.Context, id int64) (Response, error) {
	var r Response
	var price sql.NullInt64
	var updated, submitted string
	err := db.R.QueryRowContext(ctx, `SELECT r.id, r.bid_id, r.supplier_id, s.name, r.status, r.price_pence, r.updated_at,
		coalesce(r.submitted_at, ''), coalesce(r.sha256, '')
		FROM bid_responses r JOIN suppliers s ON s.id = r.supplier_id WHERE r.id = ?`, id).
		Scan(&r.ID, &r.BidID, &r.SupplierID, &r.SupplierName, &r.Status, &price, &updated, &submitted, &r.SHA256)
	if err != nil {
		return r, notFound(err, fmt.Sprintf("response %d", id))
	}
	if price.Valid {
		r.PricePence = &price.Int64
	}
	r.UpdatedAt, _ = parseDBTime(updated)
	r.SubmittedAt, _ = parseDBTime(submitted)
	rows, err := db.R.QueryContext(ctx, `SELECT c.id, c.name, c.weight, coalesce(a.text, '')
		FROM bid_criteria c LEFT JOIN bid_response_answers a ON a.criterion_id = c.id AND a.response_id = ?
		WHERE c.bid_id = ? ORDER BY c.position, c.id`, id, r.BidID)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var a ResponseAnswer
		if err := rows.Scan(&a.CriterionID, &a.CriterionName, &a.Weight, &a.Text); err != nil {
			return r, err
		}
		r.Answers = append(r.Answers, a)
	}
	return r, rows.Err()
}

// SubmittedResponseCount is how many responses to bid bidID stand
// submitted: the one figure about responses anyone on the councils' side
// may see before the close.
func (db *DB) SubmittedResponseCount(ctx context.Context, viewer User, bidID int64) (int, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return 0, err
	}
	var n int
	err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM bid_responses WHERE bid_id = ? AND status = 'submitted'`, bidID).Scan(&n)
	return n, err
}

// ErrSealed is the refusal of any council read of responses before the
// bid closes. It says when they open and how many stand submitted.
func errSealed(deadline time.Time, submitted int) error {
	return &PublicError{Status: 403, Message: fmt.Sprintf(
		"Responses are sealed until the response deadline, %s. %s submitted so far; nobody can read any of them, or who sent them, until then.",
		FormatUKTime(deadline), Plural(submitted, "response has been", "responses have been"))}
}

// unsealedFor checks that viewer may read bid bidID's responses: the bid
// has closed (it is closed, evaluating or awarded), and viewer sits on its
// panel, has declared no conflict of interest. Before the close the answer
// is errSealed for everyone, the panel included.
func (db *DB) unsealedFor(ctx context.Context, viewer User, bidID int64) error {
	if err := db.closeIfDue(ctx, bidID); err != nil {
		return err
	}
	_, _, a, err := accessFor(ctx, db.R, viewer, bidID)
	if err != nil {
		return err
	}
	if !a.Internal {
		return bidNotFound(bidID)
	}
	var closed, deadline string
	if err := db.R.QueryRowContext(ctx, `SELECT coalesce(closed_at, ''), coalesce(response_deadline, '') FROM bids WHERE id = ?`, bidID).
		Scan(&closed, &deadline); err != nil {
		return err
	}
	if deadline == "" {
		return &PublicError{Status: 403, Message: "This bid has not been published, so it has no responses."}
	}
	if closed == "" {
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM bid_responses WHERE bid_id = ? AND status = 'submitted'`, bidID).Scan(&n); err != nil {
			return err
		}
		d, _ := parseDBTime(deadline)
		return errSealed(d, n)
	}
	m, err := db.panelMember(ctx, bidID, viewer.ID)
	if err != nil {
		return err
	}
	switch {
	case m.UserID == 0:
		return &PublicError{Status: 403, Message: "Only members of this bid's evaluation panel can read its responses."}
	case m.DeclaredAt.IsZero():
		return &PublicError{Status: 403, Message: "Declare any conflict of interest before you read the responses."}
	case m.Conflicted:
		return &PublicError{Status: 403, Message: "You declared a conflict of interest, so you cannot read or score the responses."}
	}
	return nil
}

// BidResponses lists the submitted responses to bid bidID for a panel
// member once the bid has closed, in the order they were submitted.
func (db *DB) BidResponses(ctx context.Context, viewer User, bidID int64) ([]Response, error) {
	if err := db.unsealedFor(ctx, viewer, bidID); err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id FROM bid_responses WHERE bid_id = ? AND status = 'submitted' ORDER BY submitted_at, id`, bidID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			_ = rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	_ = rows.Close()
	out := make([]Response, 0, len(ids))
	for _, id := range ids {
		r, err := db.loadResponse(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// BidResponse is one submitted response to bid bidID, for a panel member
// once the bid has closed.
func (db *DB) BidResponse(ctx context.Context, viewer User, bidID, responseID int64) (Response, error) {
	if err := db.unsealedFor(ctx, viewer, bidID); err != nil {
		return Response{}, err
	}
	r, err := db.loadResponse(ctx, responseID)
	if err != nil || r.BidID != bidID || r.Status != ResponseSubmitted {
		return Response{}, notFound(sql.ErrNoRows, fmt.Sprintf("response %d", responseID))
	}
	return r, nil
}
