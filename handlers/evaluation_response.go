package handlers

import (
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
	"jointly/templates"
)

// One response as a panel member reads it: each criterion's answer, the
// viewer's scoring form (until they submit), then everyone's scores and,
// for the chair once every member has submitted, the moderation form.
// Like the list, it reads through models.ScoreSheet (evaluation_scores.go).

// scoredCriterionView is one criterion of a response: the answer, and the
// scores the viewer may see or enter.
type scoredCriterionView struct {
	N          int
	Criterion  models.Criterion
	AnswerHTML template.HTML
	// Score and Justification are the viewer's own, or as typed.
	Score, Justification string
	Others               []models.Score
	// Moderated and Note are the chair's, or as typed.
	Moderated, Note string
	IsModerated     bool
}

type scoredResponsePage struct {
	Page
	Bid      models.Bid
	Sheet    models.ScoreSheet
	Response models.Response
	Rows     []scoredCriterionView
	Ranked   *models.RankedResponse
	CanScore bool
	// CanModerate: the viewer chairs the panel and may moderate now.
	CanModerate bool
	Waiting     []models.PanelMember
}

// ScoreChoices are the scores a member may give.
func (scoredResponsePage) ScoreChoices() []string {
	out := make([]string, models.MaxScore+1)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}

// MaxScore is the highest score a member may give.
func (scoredResponsePage) MaxScore() int { return models.MaxScore }

// Points shows a weighted total.
func (scoredResponsePage) Points(total float64) string { return formatPoints(total) }

// panelResponse loads the score sheet of the bid of the URL and, from
// it, the response :rid: a response not on the sheet is not found.
func (h *Handlers) panelResponse(c *gin.Context) (models.Bid, models.ScoreSheet, models.Response, error) {
	b, sheet, err := h.scoreSheet(c)
	if err != nil {
		return b, sheet, models.Response{}, err
	}
	rid, err := idParam(c, "rid")
	if err != nil {
		return b, sheet, models.Response{}, err
	}
	for _, r := range sheet.Responses {
		if r.ID == rid {
			return b, sheet, r, nil
		}
	}
	return b, sheet, models.Response{}, fmt.Errorf("response %d: %w", rid, models.ErrNotFound)
}

// showResponse is one response with the scoring form: GET
// /bids/:id/responses/:rid.
func (h *Handlers) showResponse(c *gin.Context) {
	b, sheet, r, err := h.panelResponse(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderScoredResponse(c, b, sheet, r, nil, nil)
}

// renderScoredResponse shows response r; posted holds a form's values to show
// again (score-N, justification-N, moderated-N) with verr's problems.
func (h *Handlers) renderScoredResponse(c *gin.Context, b models.Bid, sheet models.ScoreSheet, r models.Response, posted map[string]string, verr *models.ValidationError) {
	page, status := h.formPage(c, verr)
	data := scoredResponsePage{Page: page, Bid: b, Sheet: sheet, Response: r, Ranked: rankOf(sheet, r.ID),
		CanScore: canScore(b, sheet), Waiting: waitingMembers(sheet)}
	data.CanModerate = sheet.Me.Role == models.PanelChair && sheet.Me.Submitted() && len(data.Waiting) == 0 &&
		(b.Status == models.BidClosed || b.Status == models.BidEvaluating)
	answers := map[int64]string{}
	for _, a := range r.Answers {
		answers[a.CriterionID] = a.Text
	}
	for i, k := range sheet.Criteria {
		v := scoredCriterionView{N: i + 1, Criterion: k, AnswerHTML: templates.RenderMarkdown(answers[k.ID])}
		for _, s := range sheet.Mine {
			if s.ResponseID == r.ID && s.CriterionID == k.ID {
				v.Score, v.Justification = strconv.Itoa(s.Score), s.Justification
			}
		}
		for _, s := range sheet.Others {
			if s.ResponseID == r.ID && s.CriterionID == k.ID {
				v.Others = append(v.Others, s)
			}
		}
		for _, s := range sheet.Moderated {
			if s.ResponseID == r.ID && s.CriterionID == k.ID {
				v.Moderated, v.Note, v.IsModerated = strconv.Itoa(s.Score), s.Justification, true
			}
		}
		if posted != nil {
			n := strconv.Itoa(v.N)
			if m, ok := posted["moderated-"+n]; ok {
				v.Moderated, v.Note = m, posted["justification-"+n]
			} else {
				v.Score, v.Justification = posted["score-"+n], posted["justification-"+n]
			}
		}
		data.Rows = append(data.Rows, v)
	}
	h.render(c, status, "bid_response", data)
}

// readScoreForm reads field-N and justification-N for each criterion.
// A blank score is left out, so the model asks for it; one that is not a
// whole number is a problem here.
func readScoreForm(c *gin.Context, criteria []models.Criterion, field string) ([]models.ScoreInput, map[string]string, *models.ValidationError) {
	var in []models.ScoreInput
	posted := map[string]string{}
	verr := &models.ValidationError{}
	for i, k := range criteria {
		n := strconv.Itoa(i + 1)
		score, just := strings.TrimSpace(c.PostForm(field+"-"+n)), c.PostForm("justification-"+n)
		posted[field+"-"+n], posted["justification-"+n] = score, just
		if score == "" {
			continue
		}
		v, err := strconv.Atoi(score)
		if err != nil {
			verr.Add(field+"-"+n, fmt.Sprintf("Score for “%s” must be a whole number from 0 to %d", k.Name, models.MaxScore))
			continue
		}
		in = append(in, models.ScoreInput{CriterionID: k.ID, Score: v, Justification: just})
	}
	return in, posted, verr
}

// saveScores saves the viewer's scores for one response: POST
// /bids/:id/responses/:rid/scores, then 303 to the list.
func (h *Handlers) saveScores(c *gin.Context) { h.saveScoreForm(c, "score") }

// saveModeration saves the chair's moderated scores for one response:
// POST /bids/:id/responses/:rid/moderation, then 303 to the list.
func (h *Handlers) saveModeration(c *gin.Context) { h.saveScoreForm(c, "moderated") }

func (h *Handlers) saveScoreForm(c *gin.Context, field string) {
	b, sheet, r, err := h.panelResponse(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	in, posted, verr := readScoreForm(c, sheet.Criteria, field)
	ctx, u := c.Request.Context(), *currentUser(c)
	flash := "scores-saved"
	if field == "moderated" {
		err, flash = h.DB.SaveModeratedScores(ctx, u, b.ID, r.ID, in), "moderation-saved"
	} else {
		err = h.DB.SaveScores(ctx, u, b.ID, r.ID, in)
	}
	// A score that is not a number was left out, so the model refused the
	// form too (asking for that score): show the form's problems and the
	// model's others together.
	var merr *models.ValidationError
	if verr.Err() != nil && errors.As(err, &merr) {
		for _, f := range merr.Fields {
			if !verr.Has(f.Field) {
				verr.Add(f.Field, f.Message)
			}
		}
		err = verr
	}
	h.finishForm(c, err, func(verr *models.ValidationError) {
		h.renderScoredResponse(c, b, sheet, r, posted, problemsInOrder(verr, scoreFieldOrder(field, len(sheet.Criteria))...))
	}, flash, panelResponsesPath(b.ID))
}

// scoreFieldOrder lists a score form's fields in page order.
func scoreFieldOrder(field string, criteria int) []string {
	var out []string
	for i := 1; i <= criteria; i++ {
		out = append(out, fmt.Sprintf("%s-%d", field, i), fmt.Sprintf("justification-%d", i))
	}
	return out
}
