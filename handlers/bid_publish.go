package handlers

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Publishing a bid: the lead checks what is left to do and chooses the
// response and clarification deadlines, typed in UK time and stored in
// UTC. The rules (at least 7 days open, questions closing first, every
// council signed off) are the bid model's.

// deadlineParts is a deadline as typed: a GOV.UK date input (name-day,
// name-month, name-year) and a time box (name-time), in UK time.
type deadlineParts struct {
	dateParts
	Time string
}

// Input is the deadline as the page's "dateInput" partial draws it: a
// date input and a time box under a medium legend.
func (d deadlineParts) Input(name, legend, hint string, verr *models.ValidationError) dateInput {
	return dateInput{Name: name, Legend: legend, Hint: hint, Error: verr.Message(name), LegendSize: "m",
		Parts: d.dateParts, WithTime: true, Time: d.Time}
}

// publishPage is the lead's page for publishing a bid, or once it is
// published, its deadlines.
type publishPage struct {
	Page
	Bid                     models.Bid
	Problems                []string
	Awaiting                []models.BidParticipant
	Response, Clarification dateInput
	MinDays                 int
}

// Ready reports whether nothing stands between the bid and publishing.
func (p publishPage) Ready() bool { return len(p.Problems) == 0 && len(p.Awaiting) == 0 }

// CanSignOff reports whether the viewer is the nominee of a council whose
// sign-off is missing, so the page offers to sign off.
func (p publishPage) CanSignOff() bool {
	for _, a := range p.Awaiting {
		if p.Bid.Access.Nominee && a.CouncilGSS == p.Bid.Access.Council {
			return true
		}
	}
	return false
}

// deadlineFromForm reads deadline name's boxes.
func deadlineFromForm(c *gin.Context, name string) deadlineParts {
	return deadlineParts{dateParts: datePartsFromForm(c, name), Time: c.PostForm(name + "-time")}
}

// deadlineInput shows instant t in UK time in a deadline's boxes.
func deadlineInput(t time.Time) deadlineParts {
	l := t.In(models.London())
	return deadlineParts{dateParts: datePartsOf(l), Time: l.Format("15:04")}
}

var clockTime = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$`)

// instant reads the boxes as a time in the UK, whatever the season: 12:00
// on 15 July is 11:00 UTC (British Summer Time), on 15 January 12:00 UTC.
// A problem comes back as the GOV.UK message, which starts with label.
func (d deadlineParts) instant(label string) (time.Time, string) {
	date, msg := dateFromForm(label, d.dateParts)
	switch {
	case msg != "":
		return time.Time{}, msg
	case date.IsZero():
		return time.Time{}, "Enter the date of the " + strings.ToLower(label)
	}
	typed := strings.TrimSpace(d.Time)
	if typed == "" {
		return time.Time{}, "Enter the time of the " + strings.ToLower(label) + ", like 12:00"
	}
	m := clockTime.FindStringSubmatch(typed)
	if m == nil {
		return time.Time{}, label + " time must be on the 24-hour clock, like 12:00 or 17:30"
	}
	hour, _ := strconv.Atoi(m[1])
	minute, _ := strconv.Atoi(m[2])
	day := date.Time()
	return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, models.London()), ""
}

// publishRefusal is why the viewer may not publish b, or nil: only a lead
// officer may, while the bid can still change.
func publishRefusal(b models.Bid) error {
	if err := b.EditRefusal(); err != nil {
		return err
	}
	if !b.Access.Lead {
		return &models.PublicError{Status: http.StatusForbidden, Message: "Only the lead council's officers can publish the bid."}
	}
	return nil
}

func (h *Handlers) renderPublication(c *gin.Context, b models.Bid, response, clarification deadlineParts, verr *models.ValidationError) {
	page, status := h.formPage(c, problemsInOrder(verr, "response_deadline", "clarification_deadline"))
	data := publishPage{Page: page, Bid: b, Problems: b.Problems(), Awaiting: b.AwaitingSignOff(), MinDays: models.MinResponseDays,
		Response: response.Input("response_deadline", "Response deadline",
			"When responses are due. Late responses are refused. For example, 27 3 2027", verr),
		Clarification: clarification.Input("clarification_deadline", "Clarification deadline",
			"When suppliers' questions close: before the response deadline. For example, 22 3 2027", verr)}
	h.render(c, status, "bid_publish", data)
}

// newPublication is the lead's publishing page: GET /bids/:id/publish.
// Once the bid is published it shows the deadlines chosen.
func (h *Handlers) newPublication(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !b.PublishedAt.IsZero() && b.Access.Lead {
		h.render(c, http.StatusOK, "bid_publish", publishPage{Page: h.page(c), Bid: b, MinDays: models.MinResponseDays})
		return
	}
	if err := publishRefusal(b); err != nil {
		h.fail(c, err)
		return
	}
	response, clarification := models.DefaultDeadlines(h.DB.Clock.Now())
	h.renderPublication(c, b, deadlineInput(response), deadlineInput(clarification), nil)
}

// publishBid publishes the bid to suppliers: POST /bids/:id/publish, then
// 303 to the bid.
func (h *Handlers) publishBid(c *gin.Context) {
	b, err := h.loadBidFor(c, publishRefusal)
	if err != nil {
		h.fail(c, err)
		return
	}
	response, clarification := deadlineFromForm(c, "response_deadline"), deadlineFromForm(c, "clarification_deadline")
	verr := &models.ValidationError{}
	var in models.PublishInput
	var msg string
	if in.ResponseDeadline, msg = response.instant("Response deadline"); msg != "" {
		verr.Add("response_deadline", msg)
	}
	if in.ClarificationDeadline, msg = clarification.instant("Clarification deadline"); msg != "" {
		verr.Add("clarification_deadline", msg)
	}
	if verr.Has("clarification_deadline") && !verr.Has("response_deadline") {
		// Say at once what is wrong with the response deadline too; the
		// clarification deadline's rules need both.
		_, more := models.ValidateDeadlines(h.DB.Clock.Now(), models.PublishInput{ResponseDeadline: in.ResponseDeadline})
		if msg := more.Message("response_deadline"); msg != "" {
			verr.Add("response_deadline", msg)
		}
	}
	if verr.Err() != nil {
		h.renderPublication(c, b, response, clarification, verr)
		return
	}
	err = h.DB.PublishBid(c.Request.Context(), *currentUser(c), b.ID, in)
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderPublication(c, b, response, clarification, verr) },
		"bid-published", bidPath(b.ID))
}
