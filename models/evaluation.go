package models

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Panel evaluation. A panel of officers from the participating councils,
// one of them the chair, evaluates a closed bid's responses. Each member
// declares any conflict of interest before reading a response; a
// conflicted member reads and scores nothing. Each scores every response
// on every criterion alone (0 to 10, with a justification) and sees no one
// else's scores until submitting their own. The chair then records the
// moderated score, from which the weighted totals and the ranking follow.

// Panel roles.
const (
	PanelChair     = "chair"
	PanelEvaluator = "evaluator"
)

// Score limits.
const (
	MaxScore         = 10
	MaxJustification = 5000
)

// PanelMember is one member of a bid's evaluation panel.
type PanelMember struct {
	BidID             int64
	UserID            int64
	Name, Email       string
	CouncilGSS        string
	CouncilName       string
	Role              string
	DeclaredAt        time.Time
	Conflicted        bool
	Declaration       string
	ScoresSubmittedAt time.Time
}

// Declared reports whether the member has declared their interests.
func (m PanelMember) Declared() bool { return !m.DeclaredAt.IsZero() }

// Submitted reports whether the member has submitted their scores.
func (m PanelMember) Submitted() bool { return !m.ScoresSubmittedAt.IsZero() }

// Scoring reports whether the member scores: declared and not conflicted.
func (m PanelMember) Scoring() bool { return m.Declared() && !m.Conflicted }

const panelSelect = `SELECT p.bid_id, p.user_id, u.name, u.email, coalesce(u.council_gss, ''), coalesce(c.name, ''), p.role,
	coalesce(p.declared_at, ''), coalesce(p.conflicted, 0), p.declaration, coalesce(p.scores_submitted_at, '')
	FROM bid_panel p JOIN users u ON u.id = p.user_id LEFT JOIN councils c ON c.gss_code = u.council_gss `

func scanPanelMember(s interface{ Scan(...any) error }) (PanelMember, error) {
	var m PanelMember
	var declared, submitted string
	err := s.Scan(&m.BidID, &m.UserID, &m.Name, &m.Email, &m.CouncilGSS, &m.CouncilName, &m.Role,
		&declared, &m.Conflicted, &m.Declaration, &submitted)
	m.DeclaredAt, _ = parseDBTime(declared)
	m.ScoresSubmittedAt, _ = parseDBTime(submitted)
	return m, err
}

// panelMember is userID's place on bid bidID's panel; the zero member
// (UserID 0) when they are not on it.
func (db *DB) panelMember(ctx context.Context, bidID, userID int64) (PanelMember, error) {
	return panelMemberIn(ctx, db.R, bidID, userID)
}

func panelMemberIn(ctx context.Context, q queryer, bidID, userID int64) (PanelMember, error) {
	m, err := scanPanelMember(q.QueryRowContext(ctx, panelSelect+`WHERE p.bid_id = ? AND p.user_id = ?`, bidID, userID))
	if isNoRows(err) {
		return PanelMember{}, nil
	}
	return m, err
}

func loadPanel(ctx context.Context, q queryer, bidID int64) ([]PanelMember, error) {
	rows, err := q.QueryContext(ctx, panelSelect+`WHERE p.bid_id = ? ORDER BY p.role = 'evaluator', u.name`, bidID)
	if err != nil {
		return nil, fmt.Errorf("panel of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []PanelMember
	for rows.Next() {
		m, err := scanPanelMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Panel lists bid bidID's panel, chair first, for the councils' side.
func (db *DB) Panel(ctx context.Context, viewer User, bidID int64) ([]PanelMember, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return nil, err
	}
	return loadPanel(ctx, db.R, bidID)
}

// SetPanelMember puts officer userID on bid bidID's panel as chair or
// evaluator, by a lead officer, until the award. A new chair makes the
// old one an evaluator. A member who has submitted scores stays as they are.
func (db *DB) SetPanelMember(ctx context.Context, actor User, bidID, userID int64, role string) error {
	if role != PanelChair && role != PanelEvaluator {
		return &ValidationError{Fields: []FieldError{{"role", "Choose chair or evaluator"}}}
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		h, _, a, err := accessFor(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Lead {
			return &PublicError{Status: 403, Message: "Only the lead council's officers can choose the evaluation panel."}
		}
		if h.Status == BidAwarded || h.Status == BidCancelled {
			return errNotEditable(h, a)
		}
		var ok int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users u JOIN bid_participants p ON p.council_gss = u.council_gss
			WHERE u.id = ? AND u.role = 'officer' AND u.disabled_at IS NULL AND p.bid_id = ? AND p.state = 'accepted'`, userID, bidID).Scan(&ok); err != nil {
			return err
		}
		if ok == 0 {
			return &ValidationError{Fields: []FieldError{{"user_id", "Choose an officer of a participating council"}}}
		}
		cur, err := panelMemberIn(ctx, tx, bidID, userID)
		if err != nil {
			return err
		}
		if cur.Submitted() {
			return &PublicError{Status: 409, Message: cur.Name + " has submitted their scores, so their place on the panel is fixed."}
		}
		if role == PanelChair {
			if _, err := tx.ExecContext(ctx, `UPDATE bid_panel SET role = 'evaluator' WHERE bid_id = ? AND role = 'chair' AND user_id <> ?`, bidID, userID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_panel (bid_id, user_id, role, added_by, added_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (bid_id, user_id) DO UPDATE SET role = excluded.role`, bidID, userID, role, actor.ID, dbTime(db.now())); err != nil {
			return fmt.Errorf("panel member: %w", err)
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.panel.set", "bid", fmt.Sprint(bidID), map[string]any{"user_id": userID, "role": role}); err != nil {
			return err
		}
		return db.bidActivity(ctx, tx, actor, bidID, "panel", "put "+userName(ctx, tx, userID)+" on the evaluation panel as "+role, 0)
	})
}

// RemovePanelMember takes userID off the panel, unless they have scored.
func (db *DB) RemovePanelMember(ctx context.Context, actor User, bidID, userID int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, _, a, err := accessFor(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Lead {
			return &PublicError{Status: 403, Message: "Only the lead council's officers can choose the evaluation panel."}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bid_scores s JOIN bid_responses r ON r.id = s.response_id
			WHERE r.bid_id = ? AND s.evaluator_id = ?`, bidID, userID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &PublicError{Status: 409, Message: "This member has started scoring, so they stay on the panel."}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM bid_panel WHERE bid_id = ? AND user_id = ?`, bidID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(sql.ErrNoRows, "panel member")
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.panel.remove", "bid", fmt.Sprint(bidID), map[string]any{"user_id": userID}); err != nil {
			return err
		}
		return db.bidActivity(ctx, tx, actor, bidID, "panel", "took "+userName(ctx, tx, userID)+" off the evaluation panel", 0)
	})
}

func userName(ctx context.Context, q queryer, id int64) string {
	var name string
	if err := q.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&name); err != nil {
		return fmt.Sprintf("user %d", id)
	}
	return name
}

// DeclareInterests records actor's declaration for bid bidID's panel:
// whether they have a conflict of interest, and in what. It is made once,
// before reading any response, and cannot be changed afterwards.
func (db *DB) DeclareInterests(ctx context.Context, actor User, bidID int64, conflicted bool, statement string) error {
	statement = strings.TrimSpace(statement)
	verr := &ValidationError{}
	switch n := utf8.RuneCountInString(statement); {
	case conflicted && n == 0:
		verr.Add("declaration", "Describe your conflict of interest")
	case n > MaxJustification:
		verr.Add("declaration", fmt.Sprintf("Declaration must be %d characters or fewer", MaxJustification))
	}
	if err := verr.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, _, err := accessFor(ctx, tx, actor, bidID); err != nil {
			return err
		}
		m, err := panelMemberIn(ctx, tx, bidID, actor.ID)
		if err != nil {
			return err
		}
		if m.UserID == 0 {
			return &PublicError{Status: 403, Message: "You are not on this bid's evaluation panel."}
		}
		if m.Declared() {
			return &PublicError{Status: 409, Message: "You have already declared your interests for this bid."}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bid_panel SET declared_at = ?, conflicted = ?, declaration = ? WHERE bid_id = ? AND user_id = ?`,
			dbTime(db.now()), conflicted, statement, bidID, actor.ID); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.panel.declare", "bid", fmt.Sprint(bidID),
			map[string]any{"conflicted": conflicted, "declaration": statement}); err != nil {
			return err
		}
		what := "declared no conflict of interest"
		if conflicted {
			what = "declared a conflict of interest and stands aside from scoring"
		}
		return db.bidActivity(ctx, tx, actor, bidID, "panel", what, 0)
	})
}

// ScoreInput is one score as entered.
type ScoreInput struct {
	CriterionID   int64
	Score         int
	Justification string
}

// Score is one evaluator's (or the chair's moderated) score.
type Score struct {
	ResponseID    int64
	CriterionID   int64
	EvaluatorID   int64 // 0 for the moderated score
	EvaluatorName string
	Score         int
	Justification string
}

// scorer checks, inside tx, that actor may score bid bidID now: the bid
// has closed and is not yet awarded, and actor is a declared, unconflicted
// panel member who has not yet submitted.
func (db *DB) scorer(ctx context.Context, tx *sql.Tx, actor User, bidID int64) (PanelMember, BidStatus, error) {
	h, _, _, err := accessFor(ctx, tx, actor, bidID)
	if err != nil {
		return PanelMember{}, "", err
	}
	if h.Status != BidClosed && h.Status != BidEvaluating {
		return PanelMember{}, h.Status, &PublicError{Status: 409, Message: "Responses can be scored only after the bid closes and before the award."}
	}
	m, err := panelMemberIn(ctx, tx, bidID, actor.ID)
	if err != nil {
		return m, h.Status, err
	}
	switch {
	case m.UserID == 0:
		return m, h.Status, &PublicError{Status: 403, Message: "You are not on this bid's evaluation panel."}
	case !m.Declared():
		return m, h.Status, &PublicError{Status: 403, Message: "Declare any conflict of interest before you score."}
	case m.Conflicted:
		return m, h.Status, &PublicError{Status: 403, Message: "You declared a conflict of interest, so you cannot score."}
	}
	return m, h.Status, nil
}

func checkScores(criteria []Criterion, in []ScoreInput, field string) (*ValidationError, map[int64]ScoreInput) {
	verr := &ValidationError{}
	byID := map[int64]ScoreInput{}
	for _, s := range in {
		byID[s.CriterionID] = s
	}
	for i, c := range criteria {
		s, ok := byID[c.ID]
		f := fmt.Sprintf("%s-%d", field, i+1)
		if !ok {
			verr.Add(f, fmt.Sprintf("Score “%s”", c.Name))
			continue
		}
		if s.Score < 0 || s.Score > MaxScore {
			verr.Add(f, fmt.Sprintf("Score for “%s” must be a whole number from 0 to %d", c.Name, MaxScore))
		}
		j := strings.TrimSpace(s.Justification)
		switch n := utf8.RuneCountInString(j); {
		case n == 0 && field == "score":
			verr.Add("justification-"+fmt.Sprint(i+1), fmt.Sprintf("Justify your score for “%s”", c.Name))
		case n > MaxJustification:
			verr.Add("justification-"+fmt.Sprint(i+1), fmt.Sprintf("Justification must be %d characters or fewer", MaxJustification))
		}
		s.Justification = j
		byID[c.ID] = s
	}
	for id := range byID {
		known := false
		for _, c := range criteria {
			known = known || c.ID == id
		}
		if !known {
			verr.Add(field+"s", fmt.Sprintf("Criterion %d is not one of this bid's criteria", id))
		}
	}
	return verr, byID
}

// SaveScores records actor's own scores for one response, one per
// criterion with a justification. The first score moves a closed bid to
// evaluating. Scores can change until actor submits them.
func (db *DB) SaveScores(ctx context.Context, actor User, bidID, responseID int64, in []ScoreInput) error {
	if err := db.closeIfDue(ctx, bidID); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		m, status, err := db.scorer(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if m.Submitted() {
			return &PublicError{Status: 409, Message: "You have submitted your scores, so they can no longer change."}
		}
		if err := submittedResponseOf(ctx, tx, bidID, responseID); err != nil {
			return err
		}
		criteria, err := loadCriteria(ctx, tx, bidID)
		if err != nil {
			return err
		}
		verr, byID := checkScores(criteria, in, "score")
		if err := verr.Err(); err != nil {
			return err
		}
		now := dbTime(db.now())
		for _, c := range criteria {
			s := byID[c.ID]
			if _, err := tx.ExecContext(ctx, `INSERT INTO bid_scores (response_id, criterion_id, evaluator_id, score, justification, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (response_id, criterion_id, evaluator_id)
				DO UPDATE SET score = excluded.score, justification = excluded.justification, updated_at = excluded.updated_at`,
				responseID, c.ID, actor.ID, s.Score, s.Justification, now); err != nil {
				return fmt.Errorf("save score: %w", err)
			}
		}
		if status == BidClosed {
			if err := db.setBidStatus(ctx, tx, actor, bidID, BidClosed, BidEvaluating, "Evaluation started by "+actor.Name); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor.ID, "bid.score", "bid", fmt.Sprint(bidID), map[string]any{"response_id": responseID})
	})
}

func submittedResponseOf(ctx context.Context, tx *sql.Tx, bidID, responseID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bid_responses WHERE id = ? AND bid_id = ? AND status = 'submitted'`,
		responseID, bidID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return notFound(sql.ErrNoRows, fmt.Sprintf("response %d", responseID))
	}
	return nil
}

// SubmitScores fixes actor's scores, once every submitted response has a
// score for every criterion. Only then may actor see other members' scores.
func (db *DB) SubmitScores(ctx context.Context, actor User, bidID int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		m, _, err := db.scorer(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if m.Submitted() {
			return nil
		}
		var missing int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bid_responses r JOIN bid_criteria c ON c.bid_id = r.bid_id
			WHERE r.bid_id = ? AND r.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM bid_scores s
			  WHERE s.response_id = r.id AND s.criterion_id = c.id AND s.evaluator_id = ?)`, bidID, actor.ID).Scan(&missing); err != nil {
			return err
		}
		if missing > 0 {
			return &PublicError{Status: 409, Message: fmt.Sprintf("Score every response on every criterion before submitting: %s missing.", Plural(missing, "score is", "scores are"))}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bid_panel SET scores_submitted_at = ? WHERE bid_id = ? AND user_id = ?`,
			dbTime(db.now()), bidID, actor.ID); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.scores.submit", "bid", fmt.Sprint(bidID), nil); err != nil {
			return err
		}
		return db.bidActivity(ctx, tx, actor, bidID, "scores", "submitted their scores", 0)
	})
}

// ScoreSheet is what one panel member may see of a bid's scoring.
type ScoreSheet struct {
	Me        PanelMember
	Panel     []PanelMember
	Criteria  []Criterion
	Responses []Response
	// Mine are the viewer's own scores; Others are every other member's,
	// filled only once the viewer has submitted their own.
	Mine, Others []Score
	Moderated    []Score
	// Ranking is every response with its weighted total, best first,
	// once the viewer has submitted (or the bid is awarded).
	Ranking []RankedResponse
	// OthersHidden says others' scores exist but stay hidden until the
	// viewer submits.
	OthersHidden bool
	// Open says others' scores, the moderated scores and the ranking are
	// shown: the viewer has submitted, or the bid is awarded.
	Open bool
}

// RankedResponse is a response's weighted total from moderated scores.
type RankedResponse struct {
	ResponseID   int64
	SupplierName string
	PricePence   int64
	// Total is Σ weight × moderated score / 10: out of 100.
	Total    float64
	Complete bool // every criterion has a moderated score
	Rank     int
}

// ScoreSheet is bid bidID's scoring as viewer, a panel member, may see it.
func (db *DB) ScoreSheet(ctx context.Context, viewer User, bidID int64) (ScoreSheet, error) {
	var sheet ScoreSheet
	responses, err := db.BidResponses(ctx, viewer, bidID) // refuses unless unsealed for viewer
	if err != nil {
		return sheet, err
	}
	sheet.Responses = responses
	if sheet.Me, err = db.panelMember(ctx, bidID, viewer.ID); err != nil {
		return sheet, err
	}
	if sheet.Panel, err = loadPanel(ctx, db.R, bidID); err != nil {
		return sheet, err
	}
	if sheet.Criteria, err = loadCriteria(ctx, db.R, bidID); err != nil {
		return sheet, err
	}
	head, err := loadBidHead(ctx, db.R, bidID)
	if err != nil {
		return sheet, err
	}
	// Others' scores and the ranking open once the viewer has submitted,
	// or once the award has been made and scoring is over for everyone.
	open := sheet.Me.Submitted() || head.Status == BidAwarded
	sheet.Open = open
	rows, err := db.R.QueryContext(ctx, `SELECT s.response_id, s.criterion_id, s.evaluator_id, u.name, s.score, s.justification
		FROM bid_scores s JOIN bid_responses r ON r.id = s.response_id JOIN users u ON u.id = s.evaluator_id
		WHERE r.bid_id = ? ORDER BY s.response_id, s.criterion_id, u.name`, bidID)
	if err != nil {
		return sheet, err
	}
	for rows.Next() {
		var s Score
		if err := rows.Scan(&s.ResponseID, &s.CriterionID, &s.EvaluatorID, &s.EvaluatorName, &s.Score, &s.Justification); err != nil {
			_ = rows.Close()
			return sheet, err
		}
		switch {
		case s.EvaluatorID == viewer.ID:
			sheet.Mine = append(sheet.Mine, s)
		case open:
			sheet.Others = append(sheet.Others, s)
		default:
			sheet.OthersHidden = true
		}
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return sheet, err
	}
	if !open {
		return sheet, nil
	}
	if sheet.Moderated, err = db.moderatedScores(ctx, bidID); err != nil {
		return sheet, err
	}
	sheet.Ranking = rankResponses(responses, sheet.Criteria, sheet.Moderated)
	return sheet, nil
}

func (db *DB) moderatedScores(ctx context.Context, bidID int64) ([]Score, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT m.response_id, m.criterion_id, m.score, m.note FROM bid_moderated_scores m
		JOIN bid_responses r ON r.id = m.response_id WHERE r.bid_id = ? ORDER BY m.response_id, m.criterion_id`, bidID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Score
	for rows.Next() {
		var s Score
		if err := rows.Scan(&s.ResponseID, &s.CriterionID, &s.Score, &s.Justification); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// rankResponses totals each response's moderated scores by the criteria's
// weights and ranks them, best first; ties share a rank.
func rankResponses(responses []Response, criteria []Criterion, moderated []Score) []RankedResponse {
	weight := map[int64]int{}
	for _, c := range criteria {
		weight[c.ID] = c.Weight
	}
	out := make([]RankedResponse, 0, len(responses))
	for _, r := range responses {
		rr := RankedResponse{ResponseID: r.ID, SupplierName: r.SupplierName}
		if r.PricePence != nil {
			rr.PricePence = *r.PricePence
		}
		n := 0
		for _, m := range moderated {
			if m.ResponseID == r.ID {
				rr.Total += float64(weight[m.CriterionID]*m.Score) / MaxScore
				n++
			}
		}
		rr.Complete = n == len(criteria)
		out = append(out, rr)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Total == out[i-1].Total {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// SaveModeratedScores records the chair's moderated scores for one
// response, once every scoring member has submitted their own.
func (db *DB) SaveModeratedScores(ctx context.Context, actor User, bidID, responseID int64, in []ScoreInput) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		m, _, err := db.scorer(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if m.Role != PanelChair {
			return &PublicError{Status: 403, Message: "Only the panel's chair records moderated scores."}
		}
		var waiting int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM bid_panel WHERE bid_id = ? AND coalesce(conflicted, 0) = 0
			AND scores_submitted_at IS NULL`, bidID).Scan(&waiting); err != nil {
			return err
		}
		if waiting > 0 {
			return &PublicError{Status: 409, Message: fmt.Sprintf("Moderate once every panel member has submitted their scores: %s still to submit.", Plural(waiting, "member is", "members are"))}
		}
		if err := submittedResponseOf(ctx, tx, bidID, responseID); err != nil {
			return err
		}
		criteria, err := loadCriteria(ctx, tx, bidID)
		if err != nil {
			return err
		}
		verr, byID := checkScores(criteria, in, "moderated")
		if err := verr.Err(); err != nil {
			return err
		}
		now := dbTime(db.now())
		for _, c := range criteria {
			s := byID[c.ID]
			if _, err := tx.ExecContext(ctx, `INSERT INTO bid_moderated_scores (response_id, criterion_id, score, note, chair_id, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (response_id, criterion_id)
				DO UPDATE SET score = excluded.score, note = excluded.note, chair_id = excluded.chair_id, updated_at = excluded.updated_at`,
				responseID, c.ID, s.Score, s.Justification, actor.ID, now); err != nil {
				return fmt.Errorf("moderated score: %w", err)
			}
		}
		return db.audit(ctx, tx, actor.ID, "bid.moderate", "bid", fmt.Sprint(bidID), map[string]any{"response_id": responseID})
	})
}
