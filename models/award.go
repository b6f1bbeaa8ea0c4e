package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The award: made by the panel's chair, only after the bid has closed,
// from a submitted response, with the contract's value and dates. It
// creates the resulting contract in every participating council's
// register, linked to the bid and to the contracts it replaces.

// AwardInput is what an award records.
type AwardInput struct {
	ResponseID int64
	ValuePence int64
	StartDate  Date
	EndDate    Date
}

// Award is a bid's award.
type Award struct {
	BidID        int64
	ResponseID   int64
	SupplierID   int64
	SupplierName string
	ValuePence   int64
	StartDate    Date
	EndDate      Date
	AwardedBy    string
	AwardedAt    time.Time
	ContractIDs  []int64 // the contract created in each council's register
}

// AwardBid awards bid bidID to a submitted response.
func (db *DB) AwardBid(ctx context.Context, actor User, bidID int64, in AwardInput) (Award, error) {
	verr := &ValidationError{}
	if in.ResponseID <= 0 {
		verr.Add("response_id", "Choose the response to award")
	}
	if in.ValuePence < 0 {
		verr.Add("value", "Contract value cannot be negative")
	}
	if in.StartDate.IsZero() {
		verr.Add("start_date", "Enter the contract's start date")
	}
	if in.EndDate.IsZero() {
		verr.Add("end_date", "Enter the contract's end date")
	} else if !in.StartDate.IsZero() && in.EndDate.Before(in.StartDate) {
		verr.Add("end_date", "End date must be on or after the start date")
	}
	if err := verr.Err(); err != nil {
		return Award{}, err
	}
	if err := db.closeIfDue(ctx, bidID); err != nil {
		return Award{}, err
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		h, ps, err := awarder(ctx, tx, actor, bidID)
		if err != nil {
			return err
		}
		var supplierID int64
		var supplierName string
		err = tx.QueryRowContext(ctx, `SELECT r.supplier_id, s.name FROM bid_responses r JOIN suppliers s ON s.id = r.supplier_id
			WHERE r.id = ? AND r.bid_id = ? AND r.status = 'submitted'`, in.ResponseID, bidID).Scan(&supplierID, &supplierName)
		if err != nil {
			return &ValidationError{Fields: []FieldError{{"response_id", "Choose one of the submitted responses"}}}
		}
		var title, summary, category string
		if err := tx.QueryRowContext(ctx, `SELECT title, summary, category_slug FROM bids WHERE id = ?`, bidID).Scan(&title, &summary, &category); err != nil {
			return err
		}
		now := dbTime(db.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO bid_awards (bid_id, response_id, value_pence, start_date, end_date, awarded_by, awarded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, bidID, in.ResponseID, in.ValuePence, in.StartDate, in.EndDate, actor.ID, now); err != nil {
			return conflict(err, "award")
		}
		var councils []BidParticipant
		for _, p := range ps {
			if p.Accepted() {
				councils = append(councils, p)
			}
		}
		shares := splitValue(in.ValuePence, councils)
		for i, p := range councils {
			share := shares[i]
			annual := annualValue(share, in.StartDate, in.EndDate)
			id, err := db.insertContract(ctx, tx, actor.ID, p.CouncilGSS, ContractInput{
				Reference:        fmt.Sprintf("JOINTLY-BID-%d", bidID),
				Title:            title,
				Description:      summary,
				SupplierID:       supplierID,
				CategorySlug:     category,
				TotalValuePence:  &share,
				AnnualValuePence: &annual,
				StartDate:        in.StartDate,
				EndDate:          in.EndDate,
				ProcurementRoute: "tender",
				Notes: fmt.Sprintf("Awarded through joint bid %d, led by %s, with %s. Total value across all councils: £%s; this council's share: £%s.",
					bidID, councilName(ctx, tx, h.LeadGSS), Plural(len(councils), "council", "councils"),
					poundsText(in.ValuePence), poundsText(share)),
				Source: "bid",
			})
			if err != nil {
				return fmt.Errorf("contract for %s: %w", p.CouncilGSS, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE contracts SET bid_id = ? WHERE id = ?`, bidID, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO contract_replacements (contract_id, replaces_contract_id)
				SELECT ?, contract_id FROM bid_replaces WHERE bid_id = ? AND council_gss = ?`, id, bidID, p.CouncilGSS); err != nil {
				return err
			}
		}
		note := fmt.Sprintf("Awarded to %s by %s", supplierName, actor.Name)
		if err := db.setBidStatus(ctx, tx, actor, bidID, h.Status, BidAwarded, note); err != nil {
			return err
		}
		if err := db.bidActivity(ctx, tx, actor, bidID, "awarded", "awarded the contract to "+supplierName, 0); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor.ID, "bid.award", "bid", fmt.Sprint(bidID),
			map[string]any{"response_id": in.ResponseID, "value_pence": in.ValuePence, "start": in.StartDate.String(), "end": in.EndDate.String()})
	})
	if err != nil {
		return Award{}, err
	}
	return db.loadAward(ctx, bidID)
}

// AwardRefusal is why actor may not award bid bidID now (the same
// refusal AwardBid would give), or nil when they may: pages ask it before
// showing the award form.
func (db *DB) AwardRefusal(ctx context.Context, actor User, bidID int64) error {
	if err := db.closeIfDue(ctx, bidID); err != nil {
		return err
	}
	_, _, err := awarder(ctx, db.R, actor, bidID)
	return err
}

// awarder checks that actor may award bid bidID now: the panel's chair,
// declared and unconflicted, once the bid has closed and before any award.
func awarder(ctx context.Context, q queryer, actor User, bidID int64) (bidHead, []BidParticipant, error) {
	h, ps, _, err := accessFor(ctx, q, actor, bidID)
	if err != nil {
		return h, nil, err
	}
	m, err := panelMemberIn(ctx, q, bidID, actor.ID)
	if err != nil {
		return h, nil, err
	}
	if m.Role != PanelChair || !m.Scoring() {
		return h, nil, &PublicError{Status: 403, Message: "Only the evaluation panel's chair, having declared no conflict of interest, can make the award."}
	}
	if h.Status != BidClosed && h.Status != BidEvaluating {
		return h, nil, &PublicError{Status: 409, Message: "A bid can be awarded only after it has closed, and only once."}
	}
	return h, ps, nil
}

// annualValue spreads a contract's total value evenly over its length,
// start and end dates included, as the register's annual value.
func annualValue(total int64, start, end Date) int64 {
	days := int64(start.DaysUntil(end)) + 1
	if days < 365 {
		return total
	}
	return (total*365 + days/2) / days
}

// splitValue shares a joint contract's value between the councils: in
// proportion to their stated budgets when every council stated one, else
// equally; the lead takes any rounding remainder.
func splitValue(total int64, councils []BidParticipant) []int64 {
	shares := make([]int64, len(councils))
	if len(councils) == 0 {
		return shares
	}
	var budgets int64
	all := true
	for _, p := range councils {
		if p.BudgetPence == nil || *p.BudgetPence <= 0 {
			all = false
			break
		}
		budgets += *p.BudgetPence
	}
	var given int64
	lead := 0
	for i, p := range councils {
		if p.Role == ParticipantLead {
			lead = i
		}
		if all {
			shares[i] = total * *p.BudgetPence / budgets
		} else {
			shares[i] = total / int64(len(councils))
		}
		given += shares[i]
	}
	shares[lead] += total - given
	return shares
}

func poundsText(pence int64) string {
	s := fmt.Sprintf("%d", pence/100)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if p := pence % 100; p != 0 {
		return fmt.Sprintf("%s.%02d", out, p)
	}
	return string(out)
}

func (db *DB) loadAward(ctx context.Context, bidID int64) (Award, error) {
	var a Award
	var at string
	err := db.R.QueryRowContext(ctx, `SELECT w.bid_id, w.response_id, r.supplier_id, s.name, w.value_pence, w.start_date, w.end_date,
		u.name, w.awarded_at FROM bid_awards w JOIN bid_responses r ON r.id = w.response_id JOIN suppliers s ON s.id = r.supplier_id
		JOIN users u ON u.id = w.awarded_by WHERE w.bid_id = ?`, bidID).
		Scan(&a.BidID, &a.ResponseID, &a.SupplierID, &a.SupplierName, &a.ValuePence, &a.StartDate, &a.EndDate, &a.AwardedBy, &at)
	if err != nil {
		return a, notFound(err, fmt.Sprintf("award of bid %d", bidID))
	}
	a.AwardedAt, _ = parseDBTime(at)
	rows, err := db.R.QueryContext(ctx, `SELECT id FROM contracts WHERE bid_id = ? ORDER BY council_gss`, bidID)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return a, err
		}
		a.ContractIDs = append(a.ContractIDs, id)
	}
	return a, rows.Err()
}

// BidAward is bid bidID's award, public once made: who won, the value and
// the dates. ErrNotFound before the award or when viewer may not see the bid.
func (db *DB) BidAward(ctx context.Context, viewer User, bidID int64) (Award, error) {
	if _, _, _, err := accessFor(ctx, db.R, viewer, bidID); err != nil {
		return Award{}, err
	}
	return db.loadAward(ctx, bidID)
}

// Outcome is what a respondent is told once a bid is awarded.
type Outcome struct {
	Awarded    bool   // the bid has been awarded
	Won        bool   // to this supplier
	WinnerName string // the supplier awarded
	ValuePence int64
	StartDate  Date
	EndDate    Date
}

// ResponseOutcome is the outcome of bid bidID for actor's supplier.
func (db *DB) ResponseOutcome(ctx context.Context, actor User, bidID int64) (Outcome, error) {
	if err := responder(actor); err != nil {
		return Outcome{}, err
	}
	a, err := db.loadAward(ctx, bidID)
	if errors.Is(err, ErrNotFound) {
		return Outcome{}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{Awarded: true, Won: a.SupplierID == actor.SupplierID, WinnerName: a.SupplierName,
		ValuePence: a.ValuePence, StartDate: a.StartDate, EndDate: a.EndDate}, nil
}

// Respondents lists the users of every supplier that submitted a response
// to bid bidID, each with whether theirs won, for telling the outcome.
func (db *DB) Respondents(ctx context.Context, bidID int64) (winners, others []User, err error) {
	if winners, err = db.usersWhere(ctx, `u.role = 'supplier' AND u.supplier_id IN (SELECT r.supplier_id FROM bid_awards w
		JOIN bid_responses r ON r.id = w.response_id WHERE w.bid_id = ?)`, bidID); err != nil {
		return nil, nil, err
	}
	others, err = db.usersWhere(ctx, `u.role = 'supplier' AND u.supplier_id IN (SELECT r.supplier_id FROM bid_responses r
		WHERE r.bid_id = ? AND r.status = 'submitted' AND r.id NOT IN (SELECT response_id FROM bid_awards))`, bidID)
	return winners, others, err
}
