package models

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The evaluation as a spreadsheet: every evaluator's score of every
// response on every criterion, with the chair's moderated score and the
// weighted points it earns. It is read through ScoreSheet, so it obeys the
// same rules as the pages: sealed until the close, only for declared,
// unconflicted panel members, and whole only once the viewer has
// submitted their own scores (or the bid is awarded).

// EvaluationCSVColumns is the header of the evaluation export.
var EvaluationCSVColumns = []string{
	"Response", "Supplier", "Price (£)", "Criterion", "Weight (%)",
	"Evaluator", "Score", "Justification", "Moderated score", "Weighted points",
}

// ExportEvaluationCSV writes bid bidID's evaluation to w as CSV
// (EvaluationCSVColumns), one row per response, criterion and evaluator,
// responses in the order they were submitted and criteria in the bid's
// order. A response and criterion nobody scored still gets a row, with
// the evaluator's cells empty. Weighted points are weight × moderated
// score / 10, so a response's points add up to its total out of 100.
func (db *DB) ExportEvaluationCSV(ctx context.Context, viewer User, w io.Writer, bidID int64) error {
	sheet, err := db.ScoreSheet(ctx, viewer, bidID)
	if err != nil {
		return err
	}
	if !sheet.Open {
		return &PublicError{Status: 403, Message: "Submit your own scores before you download the evaluation: until then other members' scores stay hidden from you."}
	}
	moderated := map[[2]int64]Score{}
	for _, m := range sheet.Moderated {
		moderated[[2]int64{m.ResponseID, m.CriterionID}] = m
	}
	scores := append(append([]Score(nil), sheet.Mine...), sheet.Others...)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(EvaluationCSVColumns); err != nil {
		return err
	}
	for _, r := range sheet.Responses {
		for _, c := range sheet.Criteria {
			modScore, points := "", ""
			if m, ok := moderated[[2]int64{r.ID, c.ID}]; ok {
				modScore = strconv.Itoa(m.Score)
				points = strconv.FormatFloat(float64(c.Weight*m.Score)/MaxScore, 'f', -1, 64)
			}
			row := func(evaluator, score, justification string) error {
				cells := []string{strconv.FormatInt(r.ID, 10), r.SupplierName, csvPounds(r.PricePence), c.Name, strconv.Itoa(c.Weight),
					evaluator, score, justification, modScore, points}
				for i := range cells {
					cells[i] = SpreadsheetSafe(cells[i])
				}
				return cw.Write(cells)
			}
			wrote := false
			for _, s := range evaluationScoresOf(scores, r.ID, c.ID) {
				if err := row(s.EvaluatorName, strconv.Itoa(s.Score), s.Justification); err != nil {
					return err
				}
				wrote = true
			}
			if !wrote {
				if err := row("", "", ""); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write evaluation CSV: %w", err)
	}
	return nil
}

// evaluationScoresOf are the scores of one response on one criterion,
// by evaluator's name.
func evaluationScoresOf(scores []Score, responseID, criterionID int64) []Score {
	var out []Score
	for _, s := range scores {
		if s.ResponseID == responseID && s.CriterionID == criterionID {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Score) int { return strings.Compare(a.EvaluatorName, b.EvaluatorName) })
	return out
}
