package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Joint bids: a lead council and partner councils co-author a procurement
// (sections in Markdown, criteria and weights, each council's own needs),
// every participant's nominated officer signs it off, and the lead
// publishes it to suppliers. This file holds the bid itself and who may
// see it; bid_sections.go the co-authoring; bid_workflow.go invitations,
// sign-off and publishing.

// BidStatus is where a bid is in its life. Every change is kept in the
// bid's status history.
type BidStatus string

const (
	BidDraft      BidStatus = "draft"
	BidSigningOff BidStatus = "signing_off"
	BidPublished  BidStatus = "published"
	BidClosed     BidStatus = "closed"
	BidEvaluating BidStatus = "evaluating"
	BidAwarded    BidStatus = "awarded"
	BidCancelled  BidStatus = "cancelled"
)

// BidStatuses lists every status in life order.
var BidStatuses = []BidStatus{BidDraft, BidSigningOff, BidPublished, BidClosed, BidEvaluating, BidAwarded, BidCancelled}

// Label is the status in words.
func (s BidStatus) Label() string {
	switch s {
	case BidDraft:
		return "Draft"
	case BidSigningOff:
		return "Signing off"
	case BidPublished:
		return "Published"
	case BidClosed:
		return "Closed"
	case BidEvaluating:
		return "Evaluating"
	case BidAwarded:
		return "Awarded"
	case BidCancelled:
		return "Cancelled"
	}
	return string(s)
}

// Editable reports whether the bid's content can still change: until it
// is published.
func (s BidStatus) Editable() bool { return s == BidDraft || s == BidSigningOff }

// bidTransitions are the status changes the model allows.
var bidTransitions = map[BidStatus][]BidStatus{
	BidDraft:      {BidSigningOff, BidCancelled},
	BidSigningOff: {BidPublished, BidCancelled},
	BidPublished:  {BidClosed, BidCancelled},
	BidClosed:     {BidEvaluating, BidAwarded, BidCancelled},
	BidEvaluating: {BidAwarded, BidCancelled},
}

// CanMoveTo reports whether a bid may go from s to next.
func (s BidStatus) CanMoveTo(next BidStatus) bool {
	for _, n := range bidTransitions[s] {
		if n == next {
			return true
		}
	}
	return false
}

// Participant roles and invitation states.
const (
	ParticipantLead    = "lead"
	ParticipantPartner = "partner"

	InvitationInvited  = "invited"
	InvitationAccepted = "accepted"
	InvitationDeclined = "declined"
)

// Limits on what people type.
const (
	MaxBidTitle        = 200
	MaxBidSummary      = 2000
	MaxBidPartners     = 20
	MaxBidReplaces     = 100
	MaxSectionBody     = 50000
	MaxSectionHeading  = 120
	MaxBidSections     = 30
	MaxBidComment      = 5000
	MaxParticipantText = 10000
	MaxCriteria        = 20
	MaxCriterionName   = 200
	MaxStatusNote      = 2000
)

// Bid is a joint procurement with everything a page about it shows.
// Fields marked internal are filled only when Access.Internal.
type Bid struct {
	ID                    int64
	Title, Summary        string
	CategorySlug          string
	CategoryName          string
	LeadGSS, LeadName     string
	Status                BidStatus
	Revision              int
	ResponseDeadline      time.Time // zero until published
	ClarificationDeadline time.Time
	PublishedAt           time.Time
	FromInterestID        int64
	EstimatedValuePence   *int64 // public: what suppliers filter opportunities by
	CreatedBy             int64
	CreatedAt, UpdatedAt  time.Time

	Participants []BidParticipant
	Replaces     []ReplacedContract
	Sections     []BidSection
	Criteria     []Criterion
	History      []BidStatusChange

	Access BidAccess
}

// BidParticipant is one council in a bid.
type BidParticipant struct {
	CouncilGSS, CouncilName string
	Role                    string // ParticipantLead or ParticipantPartner
	State                   string // InvitationInvited, Accepted or Declined
	NomineeID               int64  // the officer who signs off
	NomineeName             string
	NomineeEmail            string // internal
	Requirements, Volumes   string
	BudgetPence             *int64 // internal
	InvitedAt, AnsweredAt   time.Time
	SignedOffBy             int64
	SignedOffByName         string
	SignedOffAt             time.Time
}

// Accepted reports whether the council is taking part (the lead always is).
func (p BidParticipant) Accepted() bool { return p.State == InvitationAccepted }

// SignedOff reports whether the council's sign-off stands.
func (p BidParticipant) SignedOff() bool { return !p.SignedOffAt.IsZero() }

// ReplacedContract is a contract a bid would replace.
type ReplacedContract struct {
	ContractID   int64
	CouncilGSS   string
	CouncilName  string
	Title        string // "" when the contract has been deleted
	SupplierName string
	EndDate      Date
}

// Criterion is one evaluation criterion and its weight (percent).
type Criterion struct {
	ID          int64
	Name        string
	Description string
	Weight      int
}

// BidStatusChange is one line of a bid's status history.
type BidStatusChange struct {
	Status    BidStatus
	ActorID   int64
	ActorName string
	At        time.Time
	Note      string
}

// BidAccess is what one viewer may do with one bid.
type BidAccess struct {
	// Read: the viewer may know the bid exists and read its content.
	Read bool
	// Internal: the viewer is on the councils' side of the bid, so sees
	// comments, versions, budgets, the activity feed, and who made each
	// status change and why. Everyone else sees each status change's
	// status and time, and the reason only for a cancellation, which
	// suppliers are owed.
	Internal bool
	// Edit: the viewer may change the content now (an officer of an
	// accepted participant, while the bid is a draft or signing off).
	Edit bool
	// Lead: the viewer is an officer of the lead council.
	Lead bool
	// Council is the viewer's council when it is a participant (invited,
	// accepted or declined); "" otherwise.
	Council string
	// Invited: the viewer is an officer of a council invited and not yet
	// answered, who may accept or decline.
	Invited bool
	// Nominee: the viewer signs off for their council.
	Nominee bool
}

// bidAccess decides access from the bid's status and the viewer's
// council's place in it. It is the one place the visibility rule lives:
// only officers of participating councils read and edit a draft,
// councillors of participating councils read it, officers of an invited
// council read it to decide, and nobody else learns it exists until it is
// published.
func bidAccess(viewer User, status BidStatus, published bool, participants []BidParticipant) BidAccess {
	var a BidAccess
	var mine *BidParticipant
	if viewer.Role.BelongsToCouncil() && viewer.CouncilGSS != "" {
		for i := range participants {
			if participants[i].CouncilGSS == viewer.CouncilGSS {
				mine = &participants[i]
			}
		}
	}
	if mine != nil {
		a.Council = mine.CouncilGSS
		switch {
		case mine.State == InvitationAccepted:
			a.Read, a.Internal = true, true
			if viewer.Role == RoleOfficer {
				a.Edit = status.Editable()
				a.Lead = mine.Role == ParticipantLead
				a.Nominee = mine.NomineeID == viewer.ID
			}
		case mine.State == InvitationInvited && viewer.Role == RoleOfficer && status.Editable():
			// Only while the invitation can still be answered, as in
			// bidVisibleSQL: a bid cancelled before the council answered
			// is not theirs to see.
			a.Read, a.Internal, a.Invited = true, true, true
		}
	}
	if published {
		a.Read = true
	}
	return a
}

// bidVisibleSQL is bidAccess's Read rule as a condition on bids b, with
// three parameters: the viewer's council (or ""), and twice whether the
// viewer is an officer (1 or 0). Lists and search use it, so they never
// show a bid its page would refuse.
const bidVisibleSQL = `(b.published_at IS NOT NULL OR EXISTS (SELECT 1 FROM bid_participants vp
	WHERE vp.bid_id = b.id AND vp.council_gss = ?
	  AND (vp.state = 'accepted' OR (vp.state = 'invited' AND ? = 1 AND b.status IN ('draft', 'signing_off')))))`

func bidVisibleArgs(viewer User) []any {
	gss := ""
	if viewer.Role.BelongsToCouncil() {
		gss = viewer.CouncilGSS
	}
	officer := 0
	if viewer.Role == RoleOfficer {
		officer = 1
	}
	return []any{gss, officer}
}

// bidHead is a bid's row without its parts, for rules inside a
// transaction.
type bidHead struct {
	ID          int64
	Title       string
	LeadGSS     string
	Status      BidStatus
	Revision    int
	PublishedAt string
}

func loadBidHead(ctx context.Context, q queryer, id int64) (bidHead, error) {
	var h bidHead
	var pub sql.NullString
	err := q.QueryRowContext(ctx, `SELECT id, title, lead_gss, status, revision, published_at FROM bids WHERE id = ?`, id).
		Scan(&h.ID, &h.Title, &h.LeadGSS, &h.Status, &h.Revision, &pub)
	h.PublishedAt = pub.String
	if err != nil {
		return h, notFound(err, fmt.Sprintf("bid %d", id))
	}
	return h, nil
}

// queryer is what both *sql.DB and *sql.Tx offer for reading.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const participantSelect = `SELECT p.council_gss, c.name, p.role, p.state, coalesce(p.nominee_id, 0), coalesce(n.name, ''),
	coalesce(n.email, ''), p.requirements, p.volumes, p.budget_pence, p.invited_at, coalesce(p.answered_at, ''),
	coalesce(p.signed_off_by, 0), coalesce(s.name, ''), coalesce(p.signed_off_at, '')
	FROM bid_participants p
	JOIN councils c ON c.gss_code = p.council_gss
	LEFT JOIN users n ON n.id = p.nominee_id
	LEFT JOIN users s ON s.id = p.signed_off_by
	WHERE p.bid_id = ?
	ORDER BY p.role = 'partner', c.name`

func loadParticipants(ctx context.Context, q queryer, bidID int64) ([]BidParticipant, error) {
	rows, err := q.QueryContext(ctx, participantSelect, bidID)
	if err != nil {
		return nil, fmt.Errorf("participants of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []BidParticipant
	for rows.Next() {
		var p BidParticipant
		var budget sql.NullInt64
		var invited, answered, signed string
		if err := rows.Scan(&p.CouncilGSS, &p.CouncilName, &p.Role, &p.State, &p.NomineeID, &p.NomineeName,
			&p.NomineeEmail, &p.Requirements, &p.Volumes, &budget, &invited, &answered,
			&p.SignedOffBy, &p.SignedOffByName, &signed); err != nil {
			return nil, err
		}
		if budget.Valid {
			p.BudgetPence = &budget.Int64
		}
		p.InvitedAt, _ = parseDBTime(invited)
		p.AnsweredAt, _ = parseDBTime(answered)
		p.SignedOffAt, _ = parseDBTime(signed)
		out = append(out, p)
	}
	return out, rows.Err()
}

// accessFor loads what viewer may do with bid id inside a transaction or
// on the reader: ErrNotFound when the viewer may not know it exists.
func accessFor(ctx context.Context, q queryer, viewer User, id int64) (bidHead, []BidParticipant, BidAccess, error) {
	h, err := loadBidHead(ctx, q, id)
	if err != nil {
		return h, nil, BidAccess{}, err
	}
	ps, err := loadParticipants(ctx, q, id)
	if err != nil {
		return h, nil, BidAccess{}, err
	}
	a := bidAccess(viewer, h.Status, h.PublishedAt != "", ps)
	if !a.Read {
		return h, nil, a, notFound(sql.ErrNoRows, fmt.Sprintf("bid %d", id))
	}
	return h, ps, a, nil
}

// BidByID is bid id with its participants, replaced contracts, sections,
// criteria and history, as viewer may see it. A bid the viewer may not
// know about is ErrNotFound, exactly as one that does not exist.
func (db *DB) BidByID(ctx context.Context, viewer User, id int64) (Bid, error) {
	if err := db.closeIfDue(ctx, id); err != nil {
		return Bid{}, err
	}
	h, ps, access, err := accessFor(ctx, db.R, viewer, id)
	if err != nil {
		return Bid{}, err
	}
	var b Bid
	var respond, clarify, published, created, updated string
	var fromInterest, estimate sql.NullInt64
	err = db.R.QueryRowContext(ctx, `SELECT b.id, b.title, b.summary, b.category_slug, k.name, b.lead_gss, c.name,
		b.status, b.revision, coalesce(b.response_deadline, ''), coalesce(b.clarification_deadline, ''),
		coalesce(b.published_at, ''), b.from_interest_id, b.created_by, b.created_at, b.updated_at, b.estimated_value_pence
		FROM bids b JOIN categories k ON k.slug = b.category_slug JOIN councils c ON c.gss_code = b.lead_gss
		WHERE b.id = ?`, h.ID).Scan(&b.ID, &b.Title, &b.Summary, &b.CategorySlug, &b.CategoryName, &b.LeadGSS, &b.LeadName,
		&b.Status, &b.Revision, &respond, &clarify, &published, &fromInterest, &b.CreatedBy, &created, &updated, &estimate)
	if estimate.Valid {
		b.EstimatedValuePence = &estimate.Int64
	}
	if err != nil {
		return Bid{}, notFound(err, fmt.Sprintf("bid %d", id))
	}
	b.ResponseDeadline, _ = parseDBTime(respond)
	b.ClarificationDeadline, _ = parseDBTime(clarify)
	b.PublishedAt, _ = parseDBTime(published)
	b.CreatedAt, _ = parseDBTime(created)
	b.UpdatedAt, _ = parseDBTime(updated)
	b.FromInterestID = fromInterest.Int64
	b.Access = access
	b.Participants = ps
	if !access.Internal {
		// Outside the councils' side: who takes part and what each needs,
		// but not budgets, nominees or declined invitations.
		var public []BidParticipant
		for _, p := range ps {
			if p.Accepted() {
				public = append(public, BidParticipant{CouncilGSS: p.CouncilGSS, CouncilName: p.CouncilName,
					Role: p.Role, State: p.State, Requirements: p.Requirements, Volumes: p.Volumes})
			}
		}
		b.Participants = public
	}
	if b.Replaces, err = db.bidReplaces(ctx, b.ID); err != nil {
		return Bid{}, err
	}
	if b.Sections, err = db.bidSections(ctx, b.ID, access.Internal); err != nil {
		return Bid{}, err
	}
	if b.Criteria, err = loadCriteria(ctx, db.R, b.ID); err != nil {
		return Bid{}, err
	}
	if b.History, err = db.bidHistory(ctx, b.ID); err != nil {
		return Bid{}, err
	}
	if !access.Internal {
		for i, h := range b.History {
			b.History[i] = BidStatusChange{Status: h.Status, At: h.At}
			if h.Status == BidCancelled {
				b.History[i].Note = h.Note
			}
		}
	}
	return b, nil
}

// Participant returns the bid's participant gss.
func (b Bid) Participant(gss string) (BidParticipant, bool) {
	for _, p := range b.Participants {
		if p.CouncilGSS == gss {
			return p, true
		}
	}
	return BidParticipant{}, false
}

// CriteriaTotal is the sum of the criteria's weights.
func (b Bid) CriteriaTotal() int { return criteriaTotal(b.Criteria) }

func criteriaTotal(cs []Criterion) int {
	n := 0
	for _, c := range cs {
		n += c.Weight
	}
	return n
}

// Problems lists, in words, what stands between the bid and sign-off: the
// same checks SignOffBid and PublishBid make. Empty means ready.
func (b Bid) Problems() []string {
	return bidProblems(b.Participants, b.Criteria)
}

func bidProblems(ps []BidParticipant, cs []Criterion) []string {
	var out []string
	partners := 0
	for _, p := range ps {
		switch {
		case p.State == InvitationInvited:
			out = append(out, p.CouncilName+" has not yet accepted or declined the invitation.")
		case p.Accepted() && p.NomineeID == 0:
			out = append(out, p.CouncilName+" has not nominated an officer to sign off.")
		}
		if p.Accepted() && p.Role == ParticipantPartner {
			partners++
		}
	}
	if partners == 0 {
		out = append([]string{"No partner council has accepted yet: a joint bid needs at least one."}, out...)
	}
	if len(cs) == 0 {
		out = append(out, "Add evaluation criteria: their weights must add up to 100.")
	} else if t := criteriaTotal(cs); t != 100 {
		out = append(out, fmt.Sprintf("The evaluation criteria's weights add up to %d: they must add up to 100.", t))
	}
	return out
}

// AwaitingSignOff lists the accepted participants whose sign-off is missing.
func (b Bid) AwaitingSignOff() []BidParticipant {
	var out []BidParticipant
	for _, p := range b.Participants {
		if p.Accepted() && !p.SignedOff() {
			out = append(out, p)
		}
	}
	return out
}

func (db *DB) bidReplaces(ctx context.Context, bidID int64) ([]ReplacedContract, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT r.contract_id, r.council_gss, c.name, coalesce(k.title, ''),
		coalesce(s.name, ''), coalesce(k.end_date, '')
		FROM bid_replaces r JOIN councils c ON c.gss_code = r.council_gss
		LEFT JOIN contracts k ON k.id = r.contract_id LEFT JOIN suppliers s ON s.id = k.supplier_id
		WHERE r.bid_id = ? ORDER BY c.name, r.contract_id`, bidID)
	if err != nil {
		return nil, fmt.Errorf("contracts replaced by bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []ReplacedContract
	for rows.Next() {
		var r ReplacedContract
		var end string
		if err := rows.Scan(&r.ContractID, &r.CouncilGSS, &r.CouncilName, &r.Title, &r.SupplierName, &end); err != nil {
			return nil, err
		}
		r.EndDate, _ = ParseISODate(end)
		out = append(out, r)
	}
	return out, rows.Err()
}

func loadCriteria(ctx context.Context, q queryer, bidID int64) ([]Criterion, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, description, weight FROM bid_criteria
		WHERE bid_id = ? ORDER BY position, id`, bidID)
	if err != nil {
		return nil, fmt.Errorf("criteria of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []Criterion
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.Name, &c.Description, &c.Weight); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (db *DB) bidHistory(ctx context.Context, bidID int64) ([]BidStatusChange, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT h.status, coalesce(h.actor_id, 0), coalesce(u.name, 'Jointly'), h.at, h.note
		FROM bid_status_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.bid_id = ? ORDER BY h.id`, bidID)
	if err != nil {
		return nil, fmt.Errorf("history of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []BidStatusChange
	for rows.Next() {
		var c BidStatusChange
		var at string
		if err := rows.Scan(&c.Status, &c.ActorID, &c.ActorName, &at, &c.Note); err != nil {
			return nil, err
		}
		c.At, _ = parseDBTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// BidSummary is one line of a list of bids.
type BidSummary struct {
	ID                int64
	Title             string
	CategorySlug      string
	CategoryName      string
	LeadGSS, LeadName string
	Status            BidStatus
	Councils          int // accepted participants, the lead included
	ResponseDeadline  time.Time
	UpdatedAt         time.Time
	// MyState is the viewer's council's invitation state, "" when it is
	// not a participant.
	MyState string
	Snippet string // search only: the matching text, plain
}

// BidFilter narrows a list of bids.
type BidFilter struct {
	Q      string    // full-text search over title, summary and sections
	Status BidStatus // "" for any
	Mine   bool      // only bids the viewer's council takes part in or is invited to
	Limit  int       // default 50, at most 200
	Offset int
}

// bidSearch is a bid list's full-text search over the bids' title, summary
// and sections: the join on the matches (with its arguments), the order
// (best match first, the title weighing most) and each bid's snippet of
// text around the match.
type bidSearch struct {
	join    string
	args    []any
	order   string
	snippet string
}

// bidTextSearch searches for q when it has words to search for; otherwise
// it joins nothing, keeps the list's own order and gives no snippets.
func bidTextSearch(q, order string) bidSearch {
	if fts := FTSQuery(q); fts != "" {
		return bidSearch{join: `JOIN bids_fts ON bids_fts.rowid = b.id AND bids_fts MATCH ? `, args: []any{fts},
			order: `bm25(bids_fts, 10.0, 4.0, 1.0), b.id DESC`, snippet: `snippet(bids_fts, -1, '', '', '…', 24)`}
	}
	return bidSearch{order: order, snippet: `''`}
}

// Bids lists the bids viewer may see, newest activity first (or best
// match first when searching): published bids, and the drafts of the
// viewer's own council's bids. It applies exactly BidByID's rule, so no
// list or search shows a bid its page would refuse.
func (db *DB) Bids(ctx context.Context, viewer User, f BidFilter) ([]BidSummary, int, error) {
	if err := db.closeAnyDue(ctx); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	where := []string{bidVisibleSQL}
	args := bidVisibleArgs(viewer)
	gss, _ := args[0].(string)
	search := bidTextSearch(f.Q, `b.updated_at DESC, b.id DESC`)
	from := `FROM bids b JOIN categories k ON k.slug = b.category_slug JOIN councils c ON c.gss_code = b.lead_gss
		LEFT JOIN bid_participants mine ON mine.bid_id = b.id AND mine.council_gss = ? ` + search.join
	fromArgs := append([]any{gss}, search.args...)
	if f.Status != "" {
		where = append(where, `b.status = ?`)
		args = append(args, string(f.Status))
	}
	if f.Mine {
		where = append(where, `mine.state IN ('accepted', 'invited')`)
	}
	cond := ` WHERE ` + strings.Join(where, " AND ")
	all := append(append([]any{}, fromArgs...), args...)
	var total int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) `+from+cond, all...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count bids: %w", err)
	}
	// #nosec G202 -- from, cond and search's join, snippet and order are constant fragments of this file; every value is a bound parameter.
	rows, err := db.R.QueryContext(ctx, `SELECT b.id, b.title, b.category_slug, k.name, b.lead_gss, c.name, b.status,
		(SELECT count(*) FROM bid_participants a WHERE a.bid_id = b.id AND a.state = 'accepted'),
		coalesce(b.response_deadline, ''), b.updated_at, coalesce(mine.state, ''), `+search.snippet+` `+
		from+cond+` ORDER BY `+search.order+` LIMIT ? OFFSET ?`, append(all, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list bids: %w", err)
	}
	defer rows.Close()
	var out []BidSummary
	for rows.Next() {
		var s BidSummary
		var deadline, updated string
		if err := rows.Scan(&s.ID, &s.Title, &s.CategorySlug, &s.CategoryName, &s.LeadGSS, &s.LeadName, &s.Status,
			&s.Councils, &deadline, &updated, &s.MyState, &s.Snippet); err != nil {
			return nil, 0, err
		}
		s.ResponseDeadline, _ = parseDBTime(deadline)
		s.UpdatedAt, _ = parseDBTime(updated)
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// FTSQuery turns what someone typed into a safe FTS5 query: each word
// quoted (so FTS5 operators and punctuation are just text), all words
// required, the last one matched as a prefix so results come as you type.
// It returns "" when nothing searchable was typed.
func FTSQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool {
		return !(r == '-' || r == '\'' || r == '_' || isWordRune(r))
	})
	var terms []string
	for _, w := range words {
		w = strings.Trim(w, "-'_")
		if w == "" {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		if len(terms) == 12 {
			break
		}
	}
	if len(terms) == 0 {
		return ""
	}
	terms[len(terms)-1] += "*"
	return strings.Join(terms, " ")
}

func isWordRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
}

// reindexBid rewrites bid id's search entry from its title, summary and
// sections, inside the transaction that changed them.
func reindexBid(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM bids_fts WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("reindex bid %d: %w", id, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO bids_fts (rowid, title, summary, body)
		SELECT b.id, b.title, b.summary,
		       coalesce((SELECT group_concat(s.heading || char(10) || s.body, char(10) || char(10))
		                   FROM (SELECT heading, body FROM bid_sections WHERE bid_id = b.id ORDER BY position) s), '')
		FROM bids b WHERE b.id = ?`, id)
	if err != nil {
		return fmt.Errorf("reindex bid %d: %w", id, err)
	}
	return nil
}

// bidNotFound is the error for a bid the actor may not know about.
func bidNotFound(id int64) error {
	return fmt.Errorf("bid %d: %w", id, ErrNotFound)
}

// errNotEditable explains why a readable bid cannot be changed by actor.
func errNotEditable(h bidHead, a BidAccess) error {
	switch {
	case !h.Status.Editable():
		return &PublicError{Status: 409, Message: fmt.Sprintf("This bid is %s, so it can no longer be changed.", strings.ToLower(h.Status.Label()))}
	case a.Invited:
		return &PublicError{Status: 403, Message: "Accept the invitation to take part before changing this bid."}
	}
	return fmt.Errorf("edit bid %d: %w", h.ID, ErrForbidden)
}

// editableBid checks, inside tx, that actor may change bid id's content now.
func editableBid(ctx context.Context, tx *sql.Tx, actor User, id int64) (bidHead, []BidParticipant, BidAccess, error) {
	h, ps, a, err := accessFor(ctx, tx, actor, id)
	if err != nil {
		return h, ps, a, err
	}
	if !a.Edit {
		return h, ps, a, errNotEditable(h, a)
	}
	return h, ps, a, nil
}

// EditRefusal is why the viewer may not change the bid's content now
// (the same explanation a save would get: the bid is no longer a draft,
// the viewer's council has not yet accepted, or they are not an officer
// of a participant), or nil when they may. Pages ask it before showing a
// form that could only be refused.
func (b Bid) EditRefusal() error {
	if b.Access.Edit {
		return nil
	}
	return errNotEditable(b.head(), b.Access)
}

// head is the bid's row as the rules inside a transaction see it.
func (b Bid) head() bidHead {
	return bidHead{ID: b.ID, Title: b.Title, LeadGSS: b.LeadGSS, Status: b.Status, Revision: b.Revision}
}

// isNoRows reports whether err is sql.ErrNoRows.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
