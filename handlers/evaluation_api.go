package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// The evaluation's JSON API: a closed bid's responses for a panel member,
// and the member's scores of one. The rules are the pages' (the model's):
// 404 for a bid the caller may not know, 403 before the close for
// everyone (the panel included) and after it for anyone not a declared,
// unconflicted panel member, 409 once scores are submitted.

type apiPanelAnswer struct {
	CriterionID int64  `json:"criterion_id"`
	Criterion   string `json:"criterion"`
	Text        string `json:"text"`
}

type apiPanelResponse struct {
	ID          int64            `json:"id"`
	Supplier    string           `json:"supplier"`
	PricePence  *int64           `json:"price_pence"`
	SubmittedAt time.Time        `json:"submitted_at"`
	SHA256      string           `json:"sha256"`
	Answers     []apiPanelAnswer `json:"answers"`
}

type apiPanelScore struct {
	CriterionID   int64  `json:"criterion_id"`
	Criterion     string `json:"criterion"`
	Score         int    `json:"score"`
	Justification string `json:"justification"`
}

// apiPanelScoreBody is one element of the scores PUT body.
type apiPanelScoreBody struct {
	CriterionID   *int64 `json:"criterion_id"`
	Score         *int   `json:"score"`
	Justification string `json:"justification"`
}

// apiListResponses: GET /api/v1/bids/:id/responses, the submitted
// responses in the order they came.
func (h *Handlers) apiListResponses(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	rs, err := h.DB.BidResponses(c.Request.Context(), *currentUser(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiPanelResponse, len(rs))
	for i, r := range rs {
		out[i] = apiPanelResponse{ID: r.ID, Supplier: r.SupplierName, PricePence: r.PricePence, SubmittedAt: r.SubmittedAt.UTC(),
			SHA256: r.SHA256, Answers: make([]apiPanelAnswer, len(r.Answers))}
		for j, a := range r.Answers {
			out[i].Answers[j] = apiPanelAnswer{CriterionID: a.CriterionID, Criterion: a.CriterionName, Text: a.Text}
		}
	}
	h.json(c, http.StatusOK, gin.H{"responses": out})
}

// apiSaveScores: PUT /api/v1/bids/:id/responses/:rid/scores with a JSON
// array [{criterion_id, score, justification}], one per criterion. It
// answers with the caller's scores of the response as saved. Problems
// name scores[i].criterion_id, scores[i].score or scores[i].justification
// (i from 0, as in the array), or scores for the list as a whole.
func (h *Handlers) apiSaveScores(c *gin.Context) {
	ctx, u := c.Request.Context(), *currentUser(c)
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	rid, err := idParam(c, "rid")
	if err != nil {
		h.fail(c, err)
		return
	}
	// The response first: sealed, not found or not the caller's to read
	// is the answer whatever the body says.
	r, err := h.DB.BidResponse(ctx, u, id, rid)
	if err != nil {
		h.fail(c, err)
		return
	}
	data, ok := h.readAPIBody(c, "the scores", false)
	if !ok {
		return
	}
	in, verr, ok := h.readAPIScores(c, data)
	if !ok {
		return
	}
	if verr.Err() == nil {
		err = h.DB.SaveScores(ctx, u, id, rid, in)
		if errors.As(err, &verr) {
			verr = apiScoreFields(verr, r, in)
		} else if err != nil {
			h.fail(c, err)
			return
		}
	}
	if verr.Err() != nil {
		h.validationProblem(c, verr)
		return
	}
	sheet, err := h.DB.ScoreSheet(ctx, u, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	names := map[int64]string{}
	for _, a := range r.Answers {
		names[a.CriterionID] = a.CriterionName
	}
	out := []apiPanelScore{}
	for _, s := range scoresOf(sheet.Mine, rid) {
		out = append(out, apiPanelScore{CriterionID: s.CriterionID, Criterion: names[s.CriterionID], Score: s.Score, Justification: s.Justification})
	}
	h.json(c, http.StatusOK, gin.H{"scores": out})
}

// readAPIScores decodes the scores array. A body that is not an array of
// objects is answered 400 here (ok false); a field's problem is in verr.
func (h *Handlers) readAPIScores(c *gin.Context, data []byte) ([]models.ScoreInput, *models.ValidationError, bool) {
	const notArray = `The body must be one JSON array of scores: [{"criterion_id": …, "score": …, "justification": …}].`
	var raw []json.RawMessage
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("[")) || json.Unmarshal(data, &raw) != nil {
		h.problem(c, http.StatusBadRequest, "Bad Request", notArray)
		return nil, nil, false
	}
	verr := &models.ValidationError{}
	seen := map[int64]bool{}
	var in []models.ScoreInput
	for i, m := range raw {
		var s apiPanelScoreBody
		path := fmt.Sprintf("scores[%d]", i)
		err := decodeStrict(m, &s, path)
		var serr *models.ValidationError
		switch {
		case errors.As(err, &serr):
			verr.Fields = append(verr.Fields, serr.Fields...)
			continue
		case err != nil:
			h.problem(c, http.StatusBadRequest, "Bad Request", notArray)
			return nil, nil, false
		}
		switch {
		case s.CriterionID == nil:
			verr.Add(path+".criterion_id", "Give the criterion's id in criterion_id")
		case seen[*s.CriterionID]:
			verr.Add(path+".criterion_id", fmt.Sprintf("Criterion %d is scored twice", *s.CriterionID))
		}
		if s.Score == nil {
			verr.Add(path+".score", fmt.Sprintf("Give a whole-number score from 0 to %d in score", models.MaxScore))
		}
		if s.CriterionID != nil && s.Score != nil && !seen[*s.CriterionID] {
			seen[*s.CriterionID] = true
			in = append(in, models.ScoreInput{CriterionID: *s.CriterionID, Score: *s.Score, Justification: s.Justification})
		}
	}
	return in, verr, true
}

// apiScoreFields renames the model's form fields (score-N and
// justification-N, N counting r's criteria from 1; scores) to the body's:
// scores[i].score and scores[i].justification for the element that scored
// that criterion, or scores when the body left the criterion out. The
// model is asked only when every element was read, so in[i] is the
// body's element i.
func apiScoreFields(verr *models.ValidationError, r models.Response, in []models.ScoreInput) *models.ValidationError {
	out := &models.ValidationError{}
	for _, f := range verr.Fields {
		name, num, _ := strings.Cut(f.Field, "-")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > len(r.Answers) {
			out.Add("scores", f.Message)
			continue
		}
		crit := r.Answers[n-1]
		i := slices.IndexFunc(in, func(s models.ScoreInput) bool { return s.CriterionID == crit.CriterionID })
		if i < 0 {
			out.Add("scores", fmt.Sprintf("Score criterion %d, “%s”", crit.CriterionID, crit.CriterionName))
			continue
		}
		out.Add(fmt.Sprintf("scores[%d].%s", i, name), f.Message)
	}
	return out
}
