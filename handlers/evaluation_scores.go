package handlers

import (
	"bytes"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Reading and scoring a closed bid's responses. Every page here reads
// through models.ScoreSheet, which reads through models/response.go: before
// the close everyone is refused (403, saying how many responses stand
// submitted, and nothing else), and after it only declared, unconflicted
// panel members read. The sheet also hides other members' scores until
// the viewer has submitted their own.

func init() {
	flashes["scores-saved"] = "Scores saved. You can change them until you submit your scores."
	flashes["scores-submitted"] = "Scores submitted. You can now see the other members' scores."
	flashes["moderation-saved"] = "Moderated scores saved."
}

// panelResponseRow is one response in the list, with the viewer's progress.
type panelResponseRow struct {
	models.Response
	Scored, Criteria int // criteria the viewer has scored, of all
	Ranked           *models.RankedResponse
}

type panelResponsesPage struct {
	Page
	Bid   models.Bid
	Sheet models.ScoreSheet
	Rows  []panelResponseRow
	// CanScore: the viewer may still change their scores.
	CanScore  bool
	AllScored bool
	// Waiting are the members who have yet to submit before the chair can
	// moderate.
	Waiting []models.PanelMember
}

// MaxScore is the highest score a member may give.
func (panelResponsesPage) MaxScore() int { return models.MaxScore }

// Points shows a weighted total: 72.5, or 70 when whole.
func (panelResponsesPage) Points(total float64) string { return formatPoints(total) }

// formatPoints rounds to the tenth a weighted score can reach, so a sum
// of tenths never shows as 72.30000000000001.
func formatPoints(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// scoreSheet loads bid :id and the viewer's score sheet: the one read of
// responses every page here makes, so each is refused alike.
func (h *Handlers) scoreSheet(c *gin.Context) (models.Bid, models.ScoreSheet, error) {
	b, err := h.loadBid(c)
	if err != nil {
		return b, models.ScoreSheet{}, err
	}
	sheet, err := h.DB.ScoreSheet(c.Request.Context(), *currentUser(c), b.ID)
	return b, sheet, err
}

// canScore reports whether the viewer may still change their own scores.
func canScore(b models.Bid, s models.ScoreSheet) bool {
	return (b.Status == models.BidClosed || b.Status == models.BidEvaluating) && !s.Me.Submitted()
}

// waitingMembers are the members, undeclared ones included, whose scores
// the chair waits for before moderating (as SaveModeratedScores counts).
func waitingMembers(s models.ScoreSheet) []models.PanelMember {
	var out []models.PanelMember
	for _, m := range s.Panel {
		if !m.Conflicted && !m.Submitted() {
			out = append(out, m)
		}
	}
	return out
}

func scoresOf(scores []models.Score, responseID int64) []models.Score {
	var out []models.Score
	for _, s := range scores {
		if s.ResponseID == responseID {
			out = append(out, s)
		}
	}
	return out
}

func rankOf(s models.ScoreSheet, responseID int64) *models.RankedResponse {
	for i := range s.Ranking {
		if s.Ranking[i].ResponseID == responseID {
			return &s.Ranking[i]
		}
	}
	return nil
}

// listResponses is a closed bid's responses for a panel member: GET
// /bids/:id/responses.
func (h *Handlers) listResponses(c *gin.Context) {
	b, sheet, err := h.scoreSheet(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	data := panelResponsesPage{Page: h.page(c), Bid: b, Sheet: sheet, CanScore: canScore(b, sheet), AllScored: true,
		Waiting: waitingMembers(sheet)}
	for _, r := range sheet.Responses {
		row := panelResponseRow{Response: r, Scored: len(scoresOf(sheet.Mine, r.ID)), Criteria: len(sheet.Criteria), Ranked: rankOf(sheet, r.ID)}
		data.AllScored = data.AllScored && row.Scored == row.Criteria
		data.Rows = append(data.Rows, row)
	}
	h.render(c, http.StatusOK, "bid_responses", data)
}

// submitScores fixes the viewer's scores once every response is scored
// on every criterion: POST /bids/:id/scores/submit.
func (h *Handlers) submitScores(c *gin.Context) {
	b, _, err := h.scoreSheet(c)
	if err == nil {
		err = h.DB.SubmitScores(c.Request.Context(), *currentUser(c), b.ID)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "scores-submitted")
	seeOther(c, panelResponsesPath(b.ID))
}

// showEvaluationCSV downloads every score of the evaluation:
// GET /bids/:id/evaluation.csv, for panel members who have submitted.
func (h *Handlers) showEvaluationCSV(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := h.DB.ExportEvaluationCSV(c.Request.Context(), *currentUser(c), &buf, b.ID); err != nil {
		h.fail(c, err)
		return
	}
	name := fmt.Sprintf("bid-%d-evaluation-%s.csv", b.ID, models.DateOf(h.DB.Clock.Now()).String())
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// panelResponsesPath is the list of a bid's responses.
func panelResponsesPath(bidID int64) string { return bidPath(bidID) + "/responses" }
