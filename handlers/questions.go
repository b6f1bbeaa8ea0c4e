package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Clarification questions: a supplier asks on the opportunity's page (or
// the API) until the clarification deadline; the councils read the
// questions without the asker (models.DB.BidQuestions never reads it) and
// an officer publishes each answer, numbered, to everyone at once. The
// same email goes to every follower and every asker, naming nobody.

func init() {
	flashes["question-asked"] = "Question sent. The councils never see who asked it. When they answer, the question and answer are published here to every supplier at once."
	flashes["answer-published"] = "Answer published to every supplier, and emailed to those following the opportunity or who asked a question."
}

// askQuestion is POST /opportunities/:id/questions (question): a problem
// shows the opportunity again (422) with the question kept; after the
// clarification deadline the answer is 409.
func (h *Handlers) askQuestion(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	text := c.PostForm("question")
	_, err = h.DB.AskQuestion(c.Request.Context(), *currentUser(c), id, text)
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderOpportunity(c, verr, text) },
		"question-asked", opportunityPath(id)+"#questions")
}

// questionView is one question on the councils' page.
type questionView struct {
	models.Question
	QuestionParagraphs, AnswerParagraphs []string
	Field                                string // the answer textarea's id: answer-<question id>
	Draft                                string // the answer as typed, when shown again
}

type bidQuestionsPage struct {
	Page
	Bid        models.Bid
	Unanswered []questionView
	Answered   []questionView
	CanAnswer  bool
	Refusal    string // why the viewer cannot answer, when it is worth saying
	// QuestionsClosed: the clarification deadline has passed.
	QuestionsClosed bool
}

// listBidQuestions is the councils' list of a bid's questions: GET
// /bids/:id/questions. Unanswered ones come first, each with an answer
// form for the officers; the answered ones follow by number.
func (h *Handlers) listBidQuestions(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderBidQuestions(c, b, 0, "", nil)
}

// renderBidQuestions shows bid b's questions, with the answer to question
// qid as typed and its problems (422) when an answer was refused.
func (h *Handlers) renderBidQuestions(c *gin.Context, b models.Bid, qid int64, draft string, verr *models.ValidationError) {
	u := currentUser(c)
	qs, err := h.DB.BidQuestions(c.Request.Context(), *u, b.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	page, status := h.formPage(c, verr)
	data := bidQuestionsPage{Page: page, Bid: b, QuestionsClosed: !h.DB.Clock.Now().Before(b.ClarificationDeadline)}
	refusal := b.AnswerRefusal(*u)
	data.CanAnswer = refusal == nil
	var pub *models.PublicError
	if errors.As(refusal, &pub) {
		data.Refusal = pub.Message
	}
	for _, q := range qs {
		v := questionView{Question: q, QuestionParagraphs: bidParagraphs(q.Text), AnswerParagraphs: bidParagraphs(q.Answer),
			Field: fmt.Sprintf("answer-%d", q.ID)}
		if q.Answered() {
			data.Answered = append(data.Answered, v)
			continue
		}
		if q.ID == qid {
			v.Draft = draft
		}
		data.Unanswered = append(data.Unanswered, v)
	}
	h.render(c, status, "bid_questions", data)
}

// questionToAnswer loads the bid of the URL, refusing anyone who may not
// answer its questions, and reads the question's id (:qid).
func (h *Handlers) questionToAnswer(c *gin.Context) (models.Bid, int64, error) {
	u := currentUser(c)
	b, err := h.loadBidFor(c, func(b models.Bid) error { return b.AnswerRefusal(*u) })
	if err != nil {
		return b, 0, err
	}
	qid, err := idParam(c, "qid")
	return b, qid, err
}

// answerQuestion publishes an answer: POST /bids/:id/questions/:qid/answer
// (answer). The answer is emailed at once to every follower and asker.
func (h *Handlers) answerQuestion(c *gin.Context) {
	u := currentUser(c)
	b, qid, err := h.questionToAnswer(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	text := c.PostForm("answer")
	a, err := h.DB.AnswerQuestion(c.Request.Context(), *u, b.ID, qid, text)
	var verr *models.ValidationError
	if errors.As(err, &verr) {
		// The page has one answer box per question: name this one's.
		field := &models.ValidationError{}
		for _, f := range verr.Fields {
			field.Add(fmt.Sprintf("answer-%d", qid), f.Message)
		}
		h.renderBidQuestions(c, b, qid, text, field)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.emailAnswer(c.Request.Context(), b, a)
	h.flash(c, "answer-published")
	seeOther(c, fmt.Sprintf("/bids/%d/questions#answer-number-%d", b.ID, a.Number))
}

// emailAnswer sends the published answer to every follower of the
// opportunity and every supplier user who asked about it: one email each,
// the same words for all, naming nobody. A failed email is logged; the
// answer stands on the opportunity's page.
func (h *Handlers) emailAnswer(ctx context.Context, b models.Bid, a models.PublishedAnswer) {
	to, err := h.DB.AnswerRecipients(ctx, b.ID)
	if err != nil {
		h.Log.ErrorContext(ctx, "answer recipients", "err", err.Error())
		return
	}
	base := strings.TrimSuffix(h.Config.BaseURL, "/")
	var t strings.Builder
	fmt.Fprintf(&t, "The councils have answered a clarification question about the opportunity:\n\n%s\n\n", b.Title)
	fmt.Fprintf(&t, "Question %d\n\n%s\n\nAnswer\n\n%s\n\n", a.Number, a.Question, a.Answer)
	fmt.Fprintf(&t, "Published %s to every supplier at once. Read every question and answer:\n%s%s#questions\n\n",
		models.FormatUKTime(a.AnsweredAt), base, opportunityPath(b.ID))
	t.WriteString("You get this email because you follow this opportunity or asked a question about it. Askers are never named.\n")
	subject := fmt.Sprintf("Answer to clarification question %d: %s", a.Number, b.Title)
	for _, u := range to {
		if _, err := h.Outbox.Send(ctx, models.Email{To: u.Email, Subject: subject, Text: t.String(), Kind: "clarification-answer"}); err != nil {
			h.Log.ErrorContext(ctx, "email answer", "err", err.Error(), "to", u.Email)
		}
	}
}

// apiQuestionBody is what POST /api/v1/opportunities/:id/questions takes.
type apiQuestionBody struct {
	Question *string `json:"question"`
}

// apiAnswerBody is what POST /api/v1/bids/:id/questions/:qid/answer takes.
type apiAnswerBody struct {
	Answer *string `json:"answer"`
}

// apiAskQuestion: POST /api/v1/opportunities/:id/questions {question} →
// 201 {id, status: "awaiting answer"}. Once questions have closed the
// answer is a 409 problem, whatever the body.
func (h *Handlers) apiAskQuestion(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := idParam(c, "id")
	if err == nil {
		err = h.DB.QuestionsRefusal(ctx, id)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	var in apiQuestionBody
	if !h.readAPIObject(c, "the question", &in, `The body must be one JSON object: {"question": …}.`, nil) {
		return
	}
	if in.Question == nil {
		h.validationProblem(c, &models.ValidationError{Fields: []models.FieldError{{Field: "question", Message: "Give your question in question"}}})
		return
	}
	qid, err := h.DB.AskQuestion(ctx, *currentUser(c), id, *in.Question)
	if err != nil {
		h.apiFail(c, err)
		return
	}
	h.json(c, http.StatusCreated, gin.H{"id": qid, "status": "awaiting answer"})
}

// apiAnswerQuestion: POST /api/v1/bids/:id/questions/:qid/answer {answer}
// → 200 {number, question, answer, answered_at}, published and emailed at
// once.
func (h *Handlers) apiAnswerQuestion(c *gin.Context) {
	u := currentUser(c)
	b, qid, err := h.questionToAnswer(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var in apiAnswerBody
	if !h.readAPIObject(c, "the answer", &in, `The body must be one JSON object: {"answer": …}.`, nil) {
		return
	}
	if in.Answer == nil {
		h.validationProblem(c, &models.ValidationError{Fields: []models.FieldError{{Field: "answer", Message: "Give the answer in answer"}}})
		return
	}
	a, err := h.DB.AnswerQuestion(c.Request.Context(), *u, b.ID, qid, *in.Answer)
	if err != nil {
		h.apiFail(c, err)
		return
	}
	h.emailAnswer(c.Request.Context(), b, a)
	h.json(c, http.StatusOK, apiPublishedAnswerOf(a))
}
