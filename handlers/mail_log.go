package handlers

import (
	"net/http"
	"net/mail"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// The administrator's mail log: GET /admin/mail[?status=&to=&page=].

// mailPerPage is how many messages a page of the mail log lists.
const mailPerPage = 50

// mailStatuses are the states a message in the outbox can be in.
var mailStatuses = []string{"queued", "sent", "failed"}

type mailLogPage struct {
	Page
	Emails     []mailRow
	Total      int
	Status, To string
	// Statuses are the filter's choices, each with how many messages
	// (of all, not only those matching) are in that state.
	Statuses   []mailStatus
	Pagination *pagination
}

type mailStatus struct {
	Value, Label string
	Count        int
}

// mailRow is what the mail log shows of one message: who it went to, what
// it was about and how its delivery went. It deliberately has no body.
// Password reset, invitation and email verification messages carry
// single-use links that sign a person in or set their password, and
// digests carry the one-click unsubscribe link: an administrator who could
// read them here could take over the account before its owner did.
type mailRow struct {
	ID            int64
	CreatedAt     time.Time
	To, Subject   string
	Kind          string
	Tag           statusTag
	Status        string
	Attempts      int
	SentAt        time.Time
	NextAttemptAt time.Time
	LastError     string
	DeliveredTo   string
}

// listMail is the mail log: the outbox, newest first, filtered by status
// and recipient, with how many messages are queued, sent and failed.
func (h *Handlers) listMail(c *gin.Context) {
	ctx := c.Request.Context()
	status := c.Query("status")
	if !slices.Contains(mailStatuses, status) {
		status = ""
	}
	to := strings.TrimSpace(c.Query("to"))
	if r := []rune(to); len(r) > 254 { // longer than any email address
		to = string(r[:254])
	}
	page := min(pageParam(c.Query("page")), 100_000)
	emails, total, err := h.DB.MailLog(ctx, models.MailLogFilter{Status: status, To: to, Page: page, Per: mailPerPage})
	if err != nil {
		h.fail(c, err)
		return
	}
	counts, err := h.DB.MailCounts(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	rows := make([]mailRow, len(emails))
	for i, e := range emails {
		rows[i] = mailRow{ID: e.ID, CreatedAt: e.CreatedAt, To: addressInWords(e.To), Subject: e.Subject, Kind: e.Kind,
			Tag: tagFor(e.Status), Status: e.Status, Attempts: e.Attempts, SentAt: e.SentAt,
			NextAttemptAt: e.NextAttemptAt, LastError: e.LastError, DeliveredTo: deliveredInWords(e.DeliveredTo)}
	}
	href := func(n int) string {
		v := url.Values{}
		if status != "" {
			v.Set("status", status)
		}
		if to != "" {
			v.Set("to", to)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/admin/mail"
		}
		return "/admin/mail?" + v.Encode()
	}
	statuses := make([]mailStatus, len(mailStatuses))
	for i, s := range mailStatuses {
		statuses[i] = mailStatus{Value: s, Label: tagFor(s).Text, Count: counts[s]}
	}
	h.render(c, http.StatusOK, "admin_mail", mailLogPage{Page: h.page(c), Emails: rows, Total: total,
		Status: status, To: to, Statuses: statuses,
		Pagination: paginate("Pages of the mail log", page, pageCount(total, mailPerPage), href)})
}

// addressInWords shows an address as the outbox keeps it ("<a@b.example>",
// or with a name, "Name <a@b.example>") without the brackets when there
// is no name.
func addressInWords(to string) string {
	a, err := mail.ParseAddress(to)
	if err != nil || a.Name != "" {
		return to
	}
	return a.Address
}

// deliveredInWords says where a message went: the SMTP server as the
// sender names it, or, for a message written to the outbox folder (no
// SMTP server), the folder and the file's name (the whole path is too
// long to read in a table, and the folder is the same for every message).
func deliveredInWords(where string) string {
	if filepath.IsAbs(where) {
		return "Outbox folder: " + filepath.Base(where)
	}
	return where
}
