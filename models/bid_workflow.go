package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// NewBid is what starting a joint bid takes. The actor's council leads.
type NewBid struct {
	Title               string
	Summary             string
	CategorySlug        string
	PartnerGSS          []string
	ReplacesContractIDs []int64
	FromInterestID      int64
}

// DefaultCriteria are the criteria a new bid starts with, summing to 100:
// quality first, price, and the social value councils must weigh.
var DefaultCriteria = []Criterion{
	{Name: "Meets our requirements", Description: "How well the solution meets the essential and desirable requirements.", Weight: 40},
	{Name: "Delivery and support", Description: "Implementation plan, migration, training, service levels and support.", Weight: 20},
	{Name: "Social value", Description: "Commitments to local employment, skills, environment and community.", Weight: 10},
	{Name: "Price", Description: "Whole-life cost across every participating council.", Weight: 30},
}

// CreateBid starts a joint bid led by actor's council, inviting the
// partner councils. It starts with the section template and default
// criteria; the invitations are for the caller to email at once.
func (db *DB) CreateBid(ctx context.Context, actor User, in NewBid) (int64, error) {
	if actor.Role != RoleOfficer || actor.CouncilGSS == "" {
		return 0, fmt.Errorf("start a bid: %w", ErrForbidden)
	}
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	verr := &ValidationError{}
	checkBidText(verr, in.Title, in.Summary)
	if in.CategorySlug == "" {
		verr.Add("category", "Choose a category")
	}
	partners := dedupeStrings(in.PartnerGSS)
	if len(partners) > MaxBidPartners {
		verr.Add("partner_gss", fmt.Sprintf("Invite at most %d partner councils", MaxBidPartners))
	}
	if slices.Contains(partners, actor.CouncilGSS) {
		verr.Add("partner_gss", "Your own council leads the bid: invite other councils as partners")
	}
	replaces := dedupeIDs(in.ReplacesContractIDs)
	if len(replaces) > MaxBidReplaces {
		verr.Add("replaces_contract_ids", fmt.Sprintf("A bid can replace at most %d contracts", MaxBidReplaces))
	}
	if err := verr.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM categories WHERE slug = ?`, in.CategorySlug).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			verr.Add("category", "Choose a category from the list")
		}
		for _, gss := range partners {
			var active bool
			err := tx.QueryRowContext(ctx, `SELECT active FROM councils WHERE gss_code = ?`, gss).Scan(&active)
			if err != nil || !active {
				verr.Add("partner_gss", fmt.Sprintf("%s is not a current council's GSS code", gss))
			}
		}
		councils := append([]string{actor.CouncilGSS}, partners...)
		owners, err := replacedOwners(ctx, tx, replaces, councils, verr)
		if err != nil {
			return err
		}
		if err := verr.Err(); err != nil {
			return err
		}
		if in.FromInterestID != 0 {
			var from, to string
			err := tx.QueryRowContext(ctx, `SELECT from_gss, to_gss FROM expressions_of_interest WHERE id = ?`, in.FromInterestID).Scan(&from, &to)
			if err != nil || (from != actor.CouncilGSS && to != actor.CouncilGSS) {
				return notFound(sql.ErrNoRows, fmt.Sprintf("expression of interest %d", in.FromInterestID))
			}
		}
		now := dbTime(db.now())
		var fromInterest any
		if in.FromInterestID != 0 {
			fromInterest = in.FromInterestID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO bids (title, summary, category_slug, lead_gss, from_interest_id,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Title, in.Summary, in.CategorySlug, actor.CouncilGSS, fromInterest, actor.ID, now, now).Scan(&id); err != nil {
			return fmt.Errorf("start bid: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_participants (bid_id, council_gss, role, state, nominee_id,
			invited_by, invited_at, answered_by, answered_at) VALUES (?, ?, 'lead', 'accepted', ?, ?, ?, ?, ?)`,
			id, actor.CouncilGSS, actor.ID, actor.ID, now, actor.ID, now); err != nil {
			return fmt.Errorf("start bid: %w", err)
		}
		for _, gss := range partners {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bid_participants (bid_id, council_gss, role, state, invited_by, invited_at)
				VALUES (?, ?, 'partner', 'invited', ?, ?)`, id, gss, actor.ID, now); err != nil {
				return fmt.Errorf("invite %s: %w", gss, err)
			}
		}
		for _, cid := range replaces {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bid_replaces (bid_id, contract_id, council_gss) VALUES (?, ?, ?)`,
				id, cid, owners[cid]); err != nil {
				return fmt.Errorf("replaced contract %d: %w", cid, err)
			}
		}
		for i, t := range BidSectionTemplate {
			if _, err := insertSection(ctx, tx, id, i+1, t.Heading, t.Body, actor.ID, now); err != nil {
				return err
			}
		}
		if err := insertCriteria(ctx, tx, id, DefaultCriteria); err != nil {
			return err
		}
		if err := db.setBidStatus(ctx, tx, actor, id, "", BidDraft, "Started by "+actor.Name); err != nil {
			return err
		}
		if err := db.bidActivity(ctx, tx, actor, id, "created", "started the bid", 0); err != nil {
			return err
		}
		for _, gss := range partners {
			if err := db.bidActivityCouncil(ctx, tx, actor, id, "invited", "invited "+councilName(ctx, tx, gss), gss); err != nil {
				return err
			}
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.create", "bid", fmt.Sprint(id),
			map[string]any{"partners": partners, "replaces": replaces}); err != nil {
			return err
		}
		return reindexBid(ctx, tx, id)
	})
	return id, err
}

func checkBidText(verr *ValidationError, title, summary string) {
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		verr.Add("title", "Enter a title for the bid")
	case n > MaxBidTitle:
		verr.Add("title", fmt.Sprintf("Title must be %d characters or fewer", MaxBidTitle))
	}
	if utf8.RuneCountInString(summary) > MaxBidSummary {
		verr.Add("summary", fmt.Sprintf("Summary must be %d characters or fewer", MaxBidSummary))
	}
}

// replacedOwners finds the council of each contract, each of which must be
// in one of councils' registers.
func replacedOwners(ctx context.Context, tx *sql.Tx, ids []int64, councils []string, verr *ValidationError) (map[int64]string, error) {
	owners := map[int64]string{}
	for _, cid := range ids {
		var gss string
		err := tx.QueryRowContext(ctx, `SELECT council_gss FROM contracts WHERE id = ?`, cid).Scan(&gss)
		switch {
		case isNoRows(err):
			verr.Add("replaces_contract_ids", fmt.Sprintf("Contract %d does not exist", cid))
		case err != nil:
			return nil, err
		case !slices.Contains(councils, gss):
			verr.Add("replaces_contract_ids", fmt.Sprintf("Contract %d is not in a participating council's register", cid))
		default:
			owners[cid] = gss
		}
	}
	return owners, nil
}

func councilName(ctx context.Context, q queryer, gss string) string {
	var name string
	if err := q.QueryRowContext(ctx, `SELECT name FROM councils WHERE gss_code = ?`, gss).Scan(&name); err != nil {
		return gss
	}
	return name
}

func dedupeStrings(in []string) []string {
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func dedupeIDs(in []int64) []int64 {
	var out []int64
	for _, id := range in {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// BidDraftFor fills in a new bid from a partner match: viewer's contract
// and the partner council's contract. Either may be viewer's council's;
// the other council is invited. Category and title come from viewer's
// council's contract.
func (db *DB) BidDraftFor(ctx context.Context, viewer User, contractID, partnerContractID int64) (NewBid, error) {
	if viewer.Role != RoleOfficer {
		return NewBid{}, fmt.Errorf("start a bid: %w", ErrForbidden)
	}
	a, err := db.ContractByID(ctx, viewer, contractID)
	if err != nil {
		return NewBid{}, err
	}
	b, err := db.ContractByID(ctx, viewer, partnerContractID)
	if err != nil {
		return NewBid{}, err
	}
	if b.CouncilGSS == viewer.CouncilGSS {
		a, b = b, a
	}
	if a.CouncilGSS != viewer.CouncilGSS || b.CouncilGSS == viewer.CouncilGSS {
		return NewBid{}, &PublicError{Status: 422, Message: "A joint bid from a partner match needs one of your council's contracts and one of another council's."}
	}
	return NewBid{
		Title:               "Joint procurement: " + a.Title,
		CategorySlug:        firstNonEmpty(a.CategorySlug, b.CategorySlug),
		PartnerGSS:          []string{b.CouncilGSS},
		ReplacesContractIDs: []int64{a.ID, b.ID},
	}, nil
}

// BidDraftFromInterest fills in a new bid from an expression of interest
// that viewer's council sent or received.
func (db *DB) BidDraftFromInterest(ctx context.Context, viewer User, interestID int64) (NewBid, error) {
	e, err := db.expressionByID(ctx, interestID)
	if err != nil {
		return NewBid{}, err
	}
	if viewer.CouncilGSS == "" || (e.FromGSS != viewer.CouncilGSS && e.ToGSS != viewer.CouncilGSS) {
		return NewBid{}, bidNotFound(0)
	}
	nb, err := db.BidDraftFor(ctx, viewer, e.ContractID, e.PartnerContractID)
	if err != nil {
		return NewBid{}, err
	}
	nb.FromInterestID = interestID
	return nb, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// bidEdited records, inside the transaction of an edit, that the bid's
// content changed: the revision goes up, every sign-off is cleared (the
// rule: any edit after a sign-off clears them all), the activity feed and
// search index are updated.
func (db *DB) bidEdited(ctx context.Context, tx *sql.Tx, actor User, bidID int64, kind, summary string, sectionID int64) error {
	now := dbTime(db.now())
	if _, err := tx.ExecContext(ctx, `UPDATE bids SET revision = revision + 1, updated_at = ? WHERE id = ?`, now, bidID); err != nil {
		return fmt.Errorf("bid %d edited: %w", bidID, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE bid_participants SET signed_off_by = NULL, signed_off_at = NULL, signed_off_revision = NULL
		WHERE bid_id = ? AND signed_off_at IS NOT NULL`, bidID)
	if err != nil {
		return fmt.Errorf("clear sign-offs of bid %d: %w", bidID, err)
	}
	if err := db.bidActivity(ctx, tx, actor, bidID, kind, summary, sectionID); err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		if err := db.bidActivity(ctx, tx, actor, bidID, "signoffs-cleared",
			fmt.Sprintf("changed the bid, so %s cleared", Plural(int(n), "sign-off was", "sign-offs were")), 0); err != nil {
			return err
		}
	}
	return reindexBid(ctx, tx, bidID)
}

// Plural is "1 thing" or "n things".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func (db *DB) bidActivity(ctx context.Context, tx *sql.Tx, actor User, bidID int64, kind, summary string, sectionID int64) error {
	var section any
	if sectionID != 0 {
		section = sectionID
	}
	return db.insertActivity(ctx, tx, actor, bidID, kind, summary, section, nil)
}

func (db *DB) bidActivityCouncil(ctx context.Context, tx *sql.Tx, actor User, bidID int64, kind, summary, gss string) error {
	return db.insertActivity(ctx, tx, actor, bidID, kind, summary, nil, gss)
}

func (db *DB) insertActivity(ctx context.Context, tx *sql.Tx, actor User, bidID int64, kind, summary string, section, gss any) error {
	var actorID any
	if actor.ID != 0 {
		actorID = actor.ID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO bid_activity (bid_id, actor_id, at, kind, summary, section_id, council_gss)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, bidID, actorID, dbTime(db.now()), kind, summary, section, gss)
	if err != nil {
		return fmt.Errorf("bid activity: %w", err)
	}
	// Everything in a bid's feed is also in the hash-chained audit trail,
	// so no bid event (a comment, a move, a sign-off request) escapes it.
	detail := map[string]any{"summary": summary}
	if section != nil {
		detail["section_id"] = section
	}
	if gss != nil {
		detail["council"] = gss
	}
	return db.audit(ctx, tx, actor.ID, "bid.activity."+kind, "bid", fmt.Sprint(bidID), detail)
}

// setBidStatus moves a bid from one status to the next, if the model
// allows it, and appends the change to its history. from "" is creation.
func (db *DB) setBidStatus(ctx context.Context, tx *sql.Tx, actor User, bidID int64, from, to BidStatus, note string) error {
	if from != "" {
		if !from.CanMoveTo(to) {
			return &PublicError{Status: 409, Message: fmt.Sprintf("A bid that is %s cannot become %s.", strings.ToLower(from.Label()), strings.ToLower(to.Label()))}
		}
		res, err := tx.ExecContext(ctx, `UPDATE bids SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
			string(to), dbTime(db.now()), bidID, string(from))
		if err != nil {
			return fmt.Errorf("bid %d status: %w", bidID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("bid %d status changed meanwhile: %w", bidID, ErrConflict)
		}
	}
	var actorID any
	if actor.ID != 0 {
		actorID = actor.ID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO bid_status_history (bid_id, status, actor_id, at, note) VALUES (?, ?, ?, ?, ?)`,
		bidID, string(to), actorID, dbTime(db.now()), note); err != nil {
		return fmt.Errorf("bid %d history: %w", bidID, err)
	}
	return db.audit(ctx, tx, actor.ID, "bid.status", "bid", fmt.Sprint(bidID), map[string]any{"from": from, "to": to, "note": note})
}

// UpdateBidDetails changes a bid's title, summary and category: the lead's
// officers only.
func (db *DB) UpdateBidDetails(ctx context.Context, actor User, bidID int64, title, summary, category string) error {
	title, summary = strings.TrimSpace(title), strings.TrimSpace(summary)
	verr := &ValidationError{}
	checkBidText(verr, title, summary)
	if category == "" {
		verr.Add("category", "Choose a category")
	}
	if err := verr.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, _, a, err := editableBid(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Lead {
			return &PublicError{Status: 403, Message: "Only the lead council's officers can change the bid's title, summary and category."}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM categories WHERE slug = ?`, category).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return &ValidationError{Fields: []FieldError{{"category", "Choose a category from the list"}}}
		}
		res, err := tx.ExecContext(ctx, `UPDATE bids SET title = ?, summary = ?, category_slug = ? WHERE id = ?
			AND (title <> ? OR summary <> ? OR category_slug <> ?)`, title, summary, category, bidID, title, summary, category)
		if err != nil {
			return fmt.Errorf("update bid %d: %w", bidID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return db.bidEdited(ctx, tx, actor, bidID, "details", "changed the title, summary or category", 0)
	})
}

// InviteCouncil invites another council to take part (or again, after a
// decline). The lead's officers only, before publishing.
func (db *DB) InviteCouncil(ctx context.Context, actor User, bidID int64, gss string) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, ps, a, err := editableBid(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Lead {
			return &PublicError{Status: 403, Message: "Only the lead council's officers can invite councils."}
		}
		var active bool
		if err := tx.QueryRowContext(ctx, `SELECT active FROM councils WHERE gss_code = ?`, gss).Scan(&active); err != nil || !active {
			return &ValidationError{Fields: []FieldError{{"partner_gss", "Choose a current council"}}}
		}
		partners := 0
		for _, p := range ps {
			if p.CouncilGSS == gss && p.State != InvitationDeclined {
				return &ValidationError{Fields: []FieldError{{"partner_gss", p.CouncilName + " is already " + p.State}}}
			}
			if p.Role == ParticipantPartner && p.State != InvitationDeclined {
				partners++
			}
		}
		if partners >= MaxBidPartners {
			return &ValidationError{Fields: []FieldError{{"partner_gss", fmt.Sprintf("A bid can have at most %d partner councils", MaxBidPartners)}}}
		}
		now := dbTime(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_participants (bid_id, council_gss, role, state, invited_by, invited_at)
			VALUES (?, ?, 'partner', 'invited', ?, ?)
			ON CONFLICT (bid_id, council_gss) DO UPDATE SET state = 'invited', invited_by = excluded.invited_by,
			invited_at = excluded.invited_at, answered_by = NULL, answered_at = NULL, nominee_id = NULL`,
			bidID, gss, actor.ID, now); err != nil {
			return fmt.Errorf("invite %s: %w", gss, err)
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.invite", "bid", fmt.Sprint(bidID), map[string]any{"council": gss}); err != nil {
			return err
		}
		return db.bidEdited(ctx, tx, actor, bidID, "invited", "invited "+councilName(ctx, tx, gss), 0)
	})
}

// AnswerInvitation accepts or declines council gss's invitation, by one of
// its officers, before publishing. The officer who accepts is nominated
// to sign off for the council. Either answer changes who takes part, so
// it clears sign-offs.
func (db *DB) AnswerInvitation(ctx context.Context, actor User, bidID int64, gss string, accept bool) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		h, ps, a, err := accessFor(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if actor.Role != RoleOfficer || actor.CouncilGSS != gss || a.Council != gss {
			return fmt.Errorf("answer invitation for %s: %w", gss, ErrForbidden)
		}
		var mine BidParticipant
		for _, p := range ps {
			if p.CouncilGSS == gss {
				mine = p
			}
		}
		if mine.State != InvitationInvited {
			return &PublicError{Status: 409, Message: fmt.Sprintf("%s has already %s this invitation.", mine.CouncilName, mine.State)}
		}
		if !h.Status.Editable() {
			return errNotEditable(h, a)
		}
		state, nominee := InvitationDeclined, any(nil)
		if accept {
			state, nominee = InvitationAccepted, actor.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bid_participants SET state = ?, nominee_id = ?, answered_by = ?, answered_at = ?
			WHERE bid_id = ? AND council_gss = ?`, state, nominee, actor.ID, dbTime(db.now()), bidID, gss); err != nil {
			return fmt.Errorf("answer invitation: %w", err)
		}
		if !accept {
			if _, err := tx.ExecContext(ctx, `DELETE FROM bid_replaces WHERE bid_id = ? AND council_gss = ?`, bidID, gss); err != nil {
				return err
			}
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.invitation."+state, "bid", fmt.Sprint(bidID), map[string]any{"council": gss}); err != nil {
			return err
		}
		verb := "accepted"
		if !accept {
			verb = "declined"
		}
		return db.bidEdited(ctx, tx, actor, bidID, "invitation-"+verb, verb+" the invitation for "+mine.CouncilName, 0)
	})
}

// ParticipantInput is what a participating council says about its own
// needs. Replaces nil leaves the council's replaced contracts as they are.
type ParticipantInput struct {
	Requirements string
	Volumes      string
	BudgetPence  *int64
	NomineeID    int64 // 0 leaves the nominee as it is
	Replaces     *[]int64
}

// UpdateParticipant saves council gss's requirements, volumes, budget,
// nominated officer and replaced contracts, by one of its own officers.
// A change of content clears sign-offs; a new nominee clears only the
// council's own.
func (db *DB) UpdateParticipant(ctx context.Context, actor User, bidID int64, gss string, in ParticipantInput) error {
	in.Requirements = strings.TrimSpace(strings.ReplaceAll(in.Requirements, "\r\n", "\n"))
	in.Volumes = strings.TrimSpace(strings.ReplaceAll(in.Volumes, "\r\n", "\n"))
	verr := &ValidationError{}
	if utf8.RuneCountInString(in.Requirements) > MaxParticipantText {
		verr.Add("requirements", fmt.Sprintf("Requirements must be %d characters or fewer", MaxParticipantText))
	}
	if utf8.RuneCountInString(in.Volumes) > MaxParticipantText {
		verr.Add("volumes", fmt.Sprintf("Volumes must be %d characters or fewer", MaxParticipantText))
	}
	if in.BudgetPence != nil && *in.BudgetPence < 0 {
		verr.Add("budget", "Budget cannot be negative")
	}
	if in.Replaces != nil && len(*in.Replaces) > MaxBidReplaces {
		verr.Add("replaces_contract_ids", fmt.Sprintf("A bid can replace at most %d contracts", MaxBidReplaces))
	}
	if err := verr.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, ps, a, err := editableBid(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if a.Council != gss {
			return &PublicError{Status: 403, Message: "Only a council's own officers can change what it needs from the bid."}
		}
		var cur BidParticipant
		for _, p := range ps {
			if p.CouncilGSS == gss {
				cur = p
			}
		}
		if in.NomineeID != 0 && in.NomineeID != cur.NomineeID {
			var ok int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ? AND council_gss = ? AND role = 'officer'
				AND disabled_at IS NULL`, in.NomineeID, gss).Scan(&ok); err != nil {
				return err
			}
			if ok == 0 {
				return &ValidationError{Fields: []FieldError{{"nominee", "Choose an officer of " + cur.CouncilName}}}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE bid_participants SET nominee_id = ?, signed_off_by = NULL,
				signed_off_at = NULL, signed_off_revision = NULL WHERE bid_id = ? AND council_gss = ?`, in.NomineeID, bidID, gss); err != nil {
				return err
			}
			if err := db.bidActivityCouncil(ctx, tx, actor, bidID, "nominee", "changed who signs off for "+cur.CouncilName, gss); err != nil {
				return err
			}
		}
		changed := in.Requirements != cur.Requirements || in.Volumes != cur.Volumes || !samePence(in.BudgetPence, cur.BudgetPence)
		if changed {
			if _, err := tx.ExecContext(ctx, `UPDATE bid_participants SET requirements = ?, volumes = ?, budget_pence = ?
				WHERE bid_id = ? AND council_gss = ?`, in.Requirements, in.Volumes, in.BudgetPence, bidID, gss); err != nil {
				return fmt.Errorf("update participant: %w", err)
			}
		}
		if in.Replaces != nil {
			ids := dedupeIDs(*in.Replaces)
			if _, err := replacedOwners(ctx, tx, ids, []string{gss}, verr); err != nil {
				return err
			}
			if err := verr.Err(); err != nil {
				return err
			}
			var before []int64
			rows, err := tx.QueryContext(ctx, `SELECT contract_id FROM bid_replaces WHERE bid_id = ? AND council_gss = ? ORDER BY contract_id`, bidID, gss)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					_ = rows.Close()
					return err
				}
				before = append(before, id)
			}
			_ = rows.Close()
			slices.Sort(ids)
			if !slices.Equal(before, ids) {
				changed = true
				if _, err := tx.ExecContext(ctx, `DELETE FROM bid_replaces WHERE bid_id = ? AND council_gss = ?`, bidID, gss); err != nil {
					return err
				}
				for _, id := range ids {
					if _, err := tx.ExecContext(ctx, `INSERT INTO bid_replaces (bid_id, contract_id, council_gss) VALUES (?, ?, ?)`, bidID, id, gss); err != nil {
						return err
					}
				}
			}
		}
		if !changed {
			return nil
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.participant", "bid", fmt.Sprint(bidID), map[string]any{"council": gss}); err != nil {
			return err
		}
		return db.bidEdited(ctx, tx, actor, bidID, "participant", "changed what "+cur.CouncilName+" needs", 0)
	})
}

func samePence(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// CriterionInput is one criterion as entered.
type CriterionInput struct {
	Name        string
	Description string
	Weight      int
}

// ValidateCriteria checks criteria: each named once, each weight a whole
// number from 1 to 100, and the weights summing to exactly 100. Fields
// are name-N and weight-N (N from 1), and weights for the sum.
func ValidateCriteria(cs []CriterionInput) *ValidationError {
	verr := &ValidationError{}
	if len(cs) == 0 {
		verr.Add("weights", "Add at least one criterion")
	}
	if len(cs) > MaxCriteria {
		verr.Add("weights", fmt.Sprintf("Use at most %d criteria", MaxCriteria))
	}
	seen := map[string]bool{}
	total := 0
	for i, c := range cs {
		n := i + 1
		name := strings.TrimSpace(c.Name)
		switch {
		case name == "":
			verr.Add(fmt.Sprintf("name-%d", n), fmt.Sprintf("Enter a name for criterion %d", n))
		case utf8.RuneCountInString(name) > MaxCriterionName:
			verr.Add(fmt.Sprintf("name-%d", n), fmt.Sprintf("Criterion %d's name must be %d characters or fewer", n, MaxCriterionName))
		case seen[strings.ToLower(name)]:
			verr.Add(fmt.Sprintf("name-%d", n), fmt.Sprintf("Criterion %d has the same name as another", n))
		}
		seen[strings.ToLower(name)] = true
		if utf8.RuneCountInString(c.Description) > MaxBidSummary {
			verr.Add(fmt.Sprintf("description-%d", n), fmt.Sprintf("Criterion %d's description must be %d characters or fewer", n, MaxBidSummary))
		}
		if c.Weight < 1 || c.Weight > 100 {
			verr.Add(fmt.Sprintf("weight-%d", n), fmt.Sprintf("Criterion %d's weight must be a whole number from 1 to 100", n))
		}
		total += c.Weight
	}
	if len(cs) > 0 && total != 100 && !verr.Has("weights") {
		verr.Add("weights", fmt.Sprintf("Weights must add up to 100; they add up to %d", total))
	}
	return verr
}

// SetCriteria replaces a bid's evaluation criteria. Weights must sum to 100.
func (db *DB) SetCriteria(ctx context.Context, actor User, bidID int64, cs []CriterionInput) error {
	if err := ValidateCriteria(cs).Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, _, err := editableBid(ctx, tx, actor, bidID); err != nil {
			return err
		}
		cur, err := loadCriteria(ctx, tx, bidID)
		if err != nil {
			return err
		}
		next := make([]Criterion, len(cs))
		for i, c := range cs {
			next[i] = Criterion{Name: strings.TrimSpace(c.Name), Description: strings.TrimSpace(c.Description), Weight: c.Weight}
		}
		if sameCriteria(cur, next) {
			return nil
		}
		// Criteria are fixed before publishing, so nothing refers to them yet.
		if _, err := tx.ExecContext(ctx, `DELETE FROM bid_criteria WHERE bid_id = ?`, bidID); err != nil {
			return fmt.Errorf("replace criteria: %w", err)
		}
		if err := insertCriteria(ctx, tx, bidID, next); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.criteria", "bid", fmt.Sprint(bidID), map[string]any{"count": len(next)}); err != nil {
			return err
		}
		return db.bidEdited(ctx, tx, actor, bidID, "criteria", "changed the evaluation criteria", 0)
	})
}

func sameCriteria(a, b []Criterion) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Description != b[i].Description || a[i].Weight != b[i].Weight {
			return false
		}
	}
	return true
}

func insertCriteria(ctx context.Context, tx *sql.Tx, bidID int64, cs []Criterion) error {
	for i, c := range cs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_criteria (bid_id, position, name, description, weight) VALUES (?, ?, ?, ?, ?)`,
			bidID, i+1, c.Name, c.Description, c.Weight); err != nil {
			return fmt.Errorf("criterion %q: %w", c.Name, err)
		}
	}
	return nil
}

// notReady is the refusal of a sign-off or publication while problems remain.
func notReady(action string, problems []string) error {
	return &PublicError{Status: 409, Message: "The bid cannot be " + action + " yet. " + strings.Join(problems, " ")}
}

// RequestSignOff moves a draft to signing off, by a lead officer, once it
// is ready. The nominated officers are then asked (the caller emails them).
func (db *DB) RequestSignOff(ctx context.Context, actor User, bidID int64) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		h, ps, a, err := editableBid(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Lead {
			return &PublicError{Status: 403, Message: "Only the lead council's officers can ask for sign-off."}
		}
		if h.Status == BidSigningOff {
			return nil
		}
		cs, err := loadCriteria(ctx, tx, bidID)
		if err != nil {
			return err
		}
		if p := bidProblems(ps, cs); len(p) > 0 {
			return notReady("signed off", p)
		}
		if err := db.setBidStatus(ctx, tx, actor, bidID, h.Status, BidSigningOff, "Sign-off requested by "+actor.Name); err != nil {
			return err
		}
		return db.bidActivity(ctx, tx, actor, bidID, "signoff-requested", "asked every council to sign off", 0)
	})
}

// SignOffBid records actor's sign-off for their council, at the bid's
// current revision. Only the council's nominated officer may, and only
// when the bid is ready; the first sign-off moves a draft to signing off.
// It reports whether the bid moved to signing off, so the caller can ask
// the other nominees.
func (db *DB) SignOffBid(ctx context.Context, actor User, bidID int64) (started bool, err error) {
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		h, ps, a, err := editableBid(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Nominee {
			return &PublicError{Status: 403, Message: "Only the officer nominated by your council can sign off for it."}
		}
		cs, err := loadCriteria(ctx, tx, bidID)
		if err != nil {
			return err
		}
		if p := bidProblems(ps, cs); len(p) > 0 {
			return notReady("signed off", p)
		}
		for _, p := range ps {
			if p.CouncilGSS == a.Council && p.SignedOff() {
				return nil
			}
		}
		if h.Status == BidDraft {
			started = true
			if err := db.setBidStatus(ctx, tx, actor, bidID, BidDraft, BidSigningOff, "First sign-off, by "+actor.Name); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bid_participants SET signed_off_by = ?, signed_off_at = ?, signed_off_revision = ?
			WHERE bid_id = ? AND council_gss = ?`, actor.ID, dbTime(db.now()), h.Revision, bidID, a.Council); err != nil {
			return fmt.Errorf("sign off: %w", err)
		}
		if err := db.audit(ctx, tx, actor.ID, "bid.signoff", "bid", fmt.Sprint(bidID),
			map[string]any{"council": a.Council, "revision": h.Revision}); err != nil {
			return err
		}
		return db.bidActivityCouncil(ctx, tx, actor, bidID, "signoff", "signed off for "+councilName(ctx, tx, a.Council), a.Council)
	})
	return started, err
}

// Deadline rules.
const (
	MinResponseDays     = 7
	DefaultResponseDays = 14
	// DefaultClarificationDays is how long before the response deadline
	// clarification questions close, unless the lead says otherwise.
	DefaultClarificationDays = 5
)

// DefaultDeadlines are the deadlines a bid published at now gets unless
// the lead chooses: responses at noon UK time 14 days on, clarification
// questions at noon 5 days before that.
func DefaultDeadlines(now time.Time) (response, clarification time.Time) {
	l := now.In(London())
	d := time.Date(l.Year(), l.Month(), l.Day()+DefaultResponseDays, 12, 0, 0, 0, London())
	c := time.Date(d.Year(), d.Month(), d.Day()-DefaultClarificationDays, 12, 0, 0, 0, London())
	return d.UTC(), c.UTC()
}

// PublishInput is the deadlines chosen at publishing; zero takes the default.
type PublishInput struct {
	ResponseDeadline      time.Time
	ClarificationDeadline time.Time
}

// ValidateDeadlines checks deadlines for a bid published at now: responses
// at least 7 days on, clarification questions closing after now and
// before the response deadline. Zero deadlines are first replaced by the
// defaults; the checked values come back in UTC.
func ValidateDeadlines(now time.Time, in PublishInput) (PublishInput, *ValidationError) {
	dr, dc := DefaultDeadlines(now)
	if in.ResponseDeadline.IsZero() {
		in.ResponseDeadline = dr
		if in.ClarificationDeadline.IsZero() {
			in.ClarificationDeadline = dc
		}
	}
	if in.ClarificationDeadline.IsZero() {
		in.ClarificationDeadline = in.ResponseDeadline.AddDate(0, 0, -DefaultClarificationDays)
	}
	in.ResponseDeadline, in.ClarificationDeadline = in.ResponseDeadline.UTC().Truncate(time.Second), in.ClarificationDeadline.UTC().Truncate(time.Second)
	verr := &ValidationError{}
	earliest := now.Add(MinResponseDays * 24 * time.Hour)
	if in.ResponseDeadline.Before(earliest) {
		verr.Add("response_deadline", fmt.Sprintf("Response deadline must be at least %d days after publishing, so %s or later",
			MinResponseDays, earliest.In(London()).Format("2 January 2006 at 3:04pm")))
	}
	switch {
	case !in.ClarificationDeadline.After(now):
		verr.Add("clarification_deadline", "Clarification deadline must be in the future")
	case !in.ClarificationDeadline.Before(in.ResponseDeadline):
		verr.Add("clarification_deadline", "Clarification deadline must be before the response deadline")
	}
	return in, verr
}

// PublishBid publishes a bid to suppliers, by a lead officer, once every
// participating council has signed off the current text.
func (db *DB) PublishBid(ctx context.Context, actor User, bidID int64, in PublishInput) error {
	now := db.now()
	in, verr := ValidateDeadlines(now, in)
	if err := verr.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		h, ps, a, err := editableBid(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Lead {
			return &PublicError{Status: 403, Message: "Only the lead council's officers can publish the bid."}
		}
		cs, err := loadCriteria(ctx, tx, bidID)
		if err != nil {
			return err
		}
		problems := bidProblems(ps, cs)
		for _, p := range ps {
			if p.Accepted() && !p.SignedOff() {
				problems = append(problems, p.CouncilName+" has not signed off.")
			}
		}
		if len(problems) > 0 {
			return notReady("published", problems)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bids SET response_deadline = ?, clarification_deadline = ?, published_at = ?
			WHERE id = ?`, dbTime(in.ResponseDeadline), dbTime(in.ClarificationDeadline), dbTime(now), bidID); err != nil {
			return fmt.Errorf("publish bid %d: %w", bidID, err)
		}
		note := "Published by " + actor.Name + "; responses due " + in.ResponseDeadline.In(London()).Format("2 January 2006 at 3:04pm") + " UK time"
		if err := db.setBidStatus(ctx, tx, actor, bidID, h.Status, BidPublished, note); err != nil {
			return err
		}
		return db.bidActivity(ctx, tx, actor, bidID, "published", "published the bid to suppliers", 0)
	})
}

// CancelBid cancels a bid, by a lead officer, with a reason, at any point
// before the award.
func (db *DB) CancelBid(ctx context.Context, actor User, bidID int64, note string) error {
	note = strings.TrimSpace(note)
	verr := &ValidationError{}
	switch n := utf8.RuneCountInString(note); {
	case n == 0:
		verr.Add("note", "Say why the bid is cancelled")
	case n > MaxStatusNote:
		verr.Add("note", fmt.Sprintf("Reason must be %d characters or fewer", MaxStatusNote))
	}
	if err := verr.Err(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		h, _, a, err := accessFor(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		if !a.Lead {
			return &PublicError{Status: 403, Message: "Only the lead council's officers can cancel the bid."}
		}
		if err := db.setBidStatus(ctx, tx, actor, bidID, h.Status, BidCancelled, note); err != nil {
			return err
		}
		return db.bidActivity(ctx, tx, actor, bidID, "cancelled", "cancelled the bid", 0)
	})
}

// BidActivity is one entry in a bid's activity feed.
type BidActivity struct {
	ID         int64
	At         time.Time
	ActorName  string
	ActorGSS   string
	Kind       string
	Summary    string // "edited “Scope” (version 3)", following the actor's name
	SectionID  int64
	CouncilGSS string
}

// BidActivityFeed lists what happened in a bid, newest first, for the
// councils' side.
func (db *DB) BidActivityFeed(ctx context.Context, viewer User, bidID int64, limit int) ([]BidActivity, error) {
	if err := db.requireInternal(ctx, viewer, bidID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := db.R.QueryContext(ctx, `SELECT a.id, a.at, coalesce(u.name, 'Jointly'), coalesce(u.council_gss, ''), a.kind, a.summary,
		coalesce(a.section_id, 0), coalesce(a.council_gss, '')
		FROM bid_activity a LEFT JOIN users u ON u.id = a.actor_id WHERE a.bid_id = ? ORDER BY a.id DESC LIMIT ?`, bidID, limit)
	if err != nil {
		return nil, fmt.Errorf("activity of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []BidActivity
	for rows.Next() {
		var a BidActivity
		var at string
		if err := rows.Scan(&a.ID, &at, &a.ActorName, &a.ActorGSS, &a.Kind, &a.Summary, &a.SectionID, &a.CouncilGSS); err != nil {
			return nil, err
		}
		a.At, _ = parseDBTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
