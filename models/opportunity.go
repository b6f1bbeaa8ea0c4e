package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Opportunities: published joint bids as suppliers see them, readable
// without signing in. What an opportunity shows is the bid's public
// content (BidByID as an outsider sees it) with its estimated value and
// the published questions and answers. Drafts never appear: every query
// here applies the bid visibility rule as the public sees it, which is
// "published at some point" (bidVisibleSQL with nobody's council).

// MaxEstimatePence caps a bid's estimated value (under £1 trillion).
const MaxEstimatePence = 100_000_000_000_000

// Opportunity is one line of the opportunities list.
type Opportunity struct {
	ID                    int64
	Title                 string
	Summary               string
	CategorySlug          string
	CategoryName          string
	LeadGSS, LeadName     string
	Status                BidStatus
	Councils              int    // accepted participants, the lead included
	EstimatedValuePence   *int64 // nil when the councils gave no estimate
	ResponseDeadline      time.Time
	ClarificationDeadline time.Time
	PublishedAt           time.Time
	Snippet               string // search only: the matching text, plain
}

// Open reports whether the opportunity takes responses at now.
func (o Opportunity) Open(now time.Time) bool {
	return o.Status == BidPublished && now.Before(o.ResponseDeadline)
}

// OpportunityFilter narrows the opportunities list. Value bounds leave
// out opportunities with no estimate.
type OpportunityFilter struct {
	Q             string // full-text search over title, summary and sections
	Category      string // a category slug; "" for any
	MinValuePence *int64
	MaxValuePence *int64
	ClosingBefore Date // responses due before the start of this day, UK time
	Open          bool // only those taking responses now
	Limit         int  // default 50, at most 200
	Offset        int
}

// publicBidArgs are bidVisibleSQL's arguments for someone outside every
// council: what the public may see, whoever is asking.
func publicBidArgs() []any { return bidVisibleArgs(User{}) }

// Opportunities lists published joint bids: open ones first, closing
// soonest first, then the rest most recently closed first (or best match
// first when searching). Anybody may call it; viewer does not widen it, so
// a council officer sees exactly what a supplier sees.
func (db *DB) Opportunities(ctx context.Context, viewer User, f OpportunityFilter) ([]Opportunity, int, error) {
	_ = viewer // the list is the same for everyone
	if err := db.closeAnyDue(ctx); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	f.Offset = max(f.Offset, 0)
	search := bidTextSearch(f.Q, `(b.status = 'published') DESC, CASE WHEN b.status = 'published' THEN b.response_deadline END ASC,
		b.response_deadline DESC, b.id DESC`)
	from := `FROM bids b JOIN categories k ON k.slug = b.category_slug JOIN councils c ON c.gss_code = b.lead_gss ` + search.join
	fromArgs := search.args
	where := []string{bidVisibleSQL, `b.published_at IS NOT NULL`}
	args := publicBidArgs()
	if f.Category != "" {
		where = append(where, `b.category_slug = ?`)
		args = append(args, f.Category)
	}
	if f.MinValuePence != nil {
		where = append(where, `b.estimated_value_pence >= ?`)
		args = append(args, *f.MinValuePence)
	}
	if f.MaxValuePence != nil {
		where = append(where, `b.estimated_value_pence <= ?`)
		args = append(args, *f.MaxValuePence)
	}
	if !f.ClosingBefore.IsZero() {
		t := f.ClosingBefore.Time()
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, London())
		where = append(where, `b.response_deadline < ?`)
		args = append(args, dbTime(day))
	}
	if f.Open {
		where = append(where, `b.status = 'published' AND b.response_deadline > ?`)
		args = append(args, dbTime(db.now()))
	}
	cond := ` WHERE ` + strings.Join(where, " AND ")
	all := append(append([]any{}, fromArgs...), args...)
	var total int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) `+from+cond, all...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count opportunities: %w", err)
	}
	// #nosec G202 -- from, cond and search's snippet and order are constant fragments; every value is a bound parameter.
	rows, err := db.R.QueryContext(ctx, `SELECT b.id, b.title, b.summary, b.category_slug, k.name, b.lead_gss, c.name, b.status,
		(SELECT count(*) FROM bid_participants a WHERE a.bid_id = b.id AND a.state = 'accepted'),
		b.estimated_value_pence, b.response_deadline, b.clarification_deadline, b.published_at, `+search.snippet+` `+
		from+cond+` ORDER BY `+search.order+` LIMIT ? OFFSET ?`, append(all, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list opportunities: %w", err)
	}
	defer rows.Close()
	var out []Opportunity
	for rows.Next() {
		var o Opportunity
		var value sql.NullInt64
		var respond, clarify, published string
		if err := rows.Scan(&o.ID, &o.Title, &o.Summary, &o.CategorySlug, &o.CategoryName, &o.LeadGSS, &o.LeadName, &o.Status,
			&o.Councils, &value, &respond, &clarify, &published, &o.Snippet); err != nil {
			return nil, 0, err
		}
		if value.Valid {
			o.EstimatedValuePence = &value.Int64
		}
		o.ResponseDeadline, _ = parseDBTime(respond)
		o.ClarificationDeadline, _ = parseDBTime(clarify)
		o.PublishedAt, _ = parseDBTime(published)
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// OpportunityDetail is one opportunity's page: the bid as the public sees
// it, whoever asks, and what the viewer may do with it.
type OpportunityDetail struct {
	Bid                 Bid // public content only: no budgets, nominees or comments
	EstimatedValuePence *int64
	QA                  []PublishedAnswer
	// QuestionsOpen: suppliers may ask questions now (published, before
	// the clarification deadline).
	QuestionsOpen bool
	// ResponsesOpen: suppliers may submit, revise or withdraw now.
	ResponsesOpen bool
	// Following: the viewer, a supplier, follows the opportunity.
	Following bool
}

// OpportunityByID is published bid id as an opportunity: ErrNotFound for a
// bid never published, exactly as for one that does not exist, whoever
// asks. The content is the public's view even for the councils taking
// part, so the page shows what every supplier reads.
func (db *DB) OpportunityByID(ctx context.Context, viewer User, id int64) (OpportunityDetail, error) {
	b, err := db.BidByID(ctx, User{}, id)
	if err != nil {
		return OpportunityDetail{}, err
	}
	if b.PublishedAt.IsZero() {
		return OpportunityDetail{}, bidNotFound(id) // BidByID already refuses: kept as the rule's second lock
	}
	d := OpportunityDetail{Bid: b}
	var value sql.NullInt64
	if err := db.R.QueryRowContext(ctx, `SELECT estimated_value_pence FROM bids WHERE id = ?`, id).Scan(&value); err != nil {
		return d, notFound(err, fmt.Sprintf("opportunity %d", id))
	}
	if value.Valid {
		d.EstimatedValuePence = &value.Int64
	}
	if d.QA, err = db.PublishedQA(ctx, id); err != nil {
		return d, err
	}
	now := db.now()
	d.QuestionsOpen = b.Status == BidPublished && now.Before(b.ClarificationDeadline)
	d.ResponsesOpen = b.Status == BidPublished && now.Before(b.ResponseDeadline)
	if viewer.Role == RoleSupplier && viewer.ID != 0 {
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM opportunity_followers WHERE bid_id = ? AND user_id = ?`,
			id, viewer.ID).Scan(&n); err != nil {
			return d, err
		}
		d.Following = n > 0
	}
	return d, nil
}

// FollowOpportunity makes a supplier's user follow published bid bidID
// (or stop, with follow false): followers are emailed each answer to a
// clarification question as it is published. Doing it twice is harmless.
func (db *DB) FollowOpportunity(ctx context.Context, actor User, bidID int64, follow bool) error {
	if actor.Role != RoleSupplier || actor.ID == 0 {
		return fmt.Errorf("follow an opportunity: %w", ErrForbidden)
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bids WHERE id = ? AND published_at IS NOT NULL`, bidID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return bidNotFound(bidID)
		}
		if !follow {
			_, err := tx.ExecContext(ctx, `DELETE FROM opportunity_followers WHERE bid_id = ? AND user_id = ?`, bidID, actor.ID)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO opportunity_followers (bid_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (bid_id, user_id) DO NOTHING`, bidID, actor.ID, dbTime(db.now()))
		return err
	})
}

// BidEstimate is bid id's estimated value, as viewer may see it: nil when
// none was given. Suppliers see it once the bid is published.
func (db *DB) BidEstimate(ctx context.Context, viewer User, id int64) (*int64, error) {
	if _, _, _, err := accessFor(ctx, db.R, viewer, id); err != nil {
		return nil, err
	}
	var value sql.NullInt64
	if err := db.R.QueryRowContext(ctx, `SELECT estimated_value_pence FROM bids WHERE id = ?`, id).Scan(&value); err != nil {
		return nil, notFound(err, fmt.Sprintf("bid %d", id))
	}
	if !value.Valid {
		return nil, nil
	}
	return &value.Int64, nil
}

// SetBidEstimate sets (or, with nil, clears) the estimated value suppliers
// filter opportunities by: the lead's officers only, while the bid is
// editable. A change is an edit like any other, so it clears sign-offs.
func (db *DB) SetBidEstimate(ctx context.Context, actor User, bidID int64, pence *int64) error {
	if pence != nil && (*pence < 0 || *pence >= MaxEstimatePence) {
		return &ValidationError{Fields: []FieldError{{"estimated_value", "Estimated value must be from £0 to less than £1 trillion"}}}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, _, a, err := editableBid(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Lead {
			return &PublicError{Status: 403, Message: "Only the lead council's officers can change the bid's estimated value."}
		}
		var cur sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT estimated_value_pence FROM bids WHERE id = ?`, bidID).Scan(&cur); err != nil {
			return err
		}
		if (pence == nil && !cur.Valid) || (pence != nil && cur.Valid && *pence == cur.Int64) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bids SET estimated_value_pence = ? WHERE id = ?`, pence, bidID); err != nil {
			return fmt.Errorf("estimate of bid %d: %w", bidID, err)
		}
		summary := "removed the estimated value"
		if pence != nil {
			summary = "changed the estimated value"
		}
		return db.bidEdited(ctx, tx, actor, bidID, "details", summary, 0)
	})
}
