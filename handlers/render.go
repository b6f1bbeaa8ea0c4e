package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// Page is what every page's template data embeds: the layout's needs.
type Page struct {
	User   *models.User
	Nav    []NavItem
	CSRF   string
	Flash  string
	Errors *models.ValidationError
	// SimulatedNow is the server's time when it runs on a simulated
	// clock (serve --now), shown in a banner on every page; zero otherwise.
	SimulatedNow time.Time
}

// NavItem is one link in the service navigation.
type NavItem struct {
	Text, Href string
	Current    bool
}

// page builds the layout data for the current request.
func (h *Handlers) page(c *gin.Context) Page {
	u := currentUser(c)
	p := Page{User: u, Nav: navigation(u, c.Request.URL.Path), CSRF: c.GetString(csrfKey), Flash: h.takeFlash(c)}
	if h.Config.SimulatedClock {
		p.SimulatedNow = h.DB.Clock.Now()
	}
	return p
}

// navigation is the service navigation for a role. Later features add
// their sections here. The current item is the one whose address is the
// longest match for path, so a council's register is "Register" for its
// own officers and councillors, and "Councils" for everyone else.
func navigation(u *models.User, path string) []NavItem {
	var items []NavItem
	// also lists other sections the item stands for, so it is marked
	// current there too.
	var also = map[string][]string{}
	add := func(text, href string, others ...string) {
		items = append(items, NavItem{Text: text, Href: href})
		also[href] = others
	}
	if u == nil {
		add("Councils", "/councils")
		add("Opportunities", "/opportunities")
		add("Library", "/library", "/glossary", "/briefings")
		add("Sign in", "/login")
	} else {
		add("Home", "/")
		add("Councils", "/councils")
		if u.Role.BelongsToCouncil() && u.CouncilGSS != "" {
			add("Register", registerPath(u.CouncilGSS))
			add("Partners", "/councils/"+u.CouncilGSS+"/partners")
		}
		if models.Allowed(u.Role, models.ActionReadRegister) {
			add("Discovery", "/overlaps", "/legacy", "/concentration")
		}
		if models.Allowed(u.Role, models.ActionReadBids) {
			add("Joint bids", "/bids")
		}
		if u.Role == models.RoleCouncillor {
			add("Briefings", "/briefings", "/glossary")
		}
		add("Library", "/library", "/glossary", "/briefings")
		switch u.Role {
		case models.RoleAdmin:
			add("Users", "/admin/users")
			add("Suppliers", "/admin/suppliers")
			add("Glossary", "/admin/glossary")
			add("Jobs", "/admin/jobs")
			add("Mail", "/admin/mail")
		case models.RoleOfficer:
			add("Invite a colleague", "/invitations/new")
		case models.RoleSupplier:
			add("Opportunities", "/opportunities")
			add("Your company", "/supplier/profile")
			add("Invite a colleague", "/invitations/new")
		}
		add("Your account", "/account")
	}
	current := -1
	for i, it := range items {
		matches := false
		for _, href := range append([]string{it.Href}, also[it.Href]...) {
			matches = matches || path == href || (href != "/" && strings.HasPrefix(path, href+"/"))
		}
		if matches && (current < 0 || len(it.Href) > len(items[current].Href)) {
			current = i
		}
	}
	if current >= 0 {
		items[current].Current = true
	}
	return items
}

// render writes a page with status. The template renders into a buffer
// first, so an error never sends half a page with 200.
func (h *Handlers) render(c *gin.Context, status int, page string, data any) {
	var buf bytes.Buffer
	if err := h.pages.Render(&buf, page, data); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

type errorPage struct {
	Page
	Heading    string
	Paragraphs []string
	RequestID  string
}

// fail is the one error path: not found → 404, forbidden → 403, conflict
// → 409, a public error → its status and message, anything else → 500
// with the request ID. The internal error goes to the log, never the page.
func (h *Handlers) fail(c *gin.Context, err error) {
	defer c.Abort()
	status, title, detail := http.StatusInternalServerError, "Sorry, there is a problem with Jointly", ""
	var pub *models.PublicError
	switch {
	case errors.Is(err, models.ErrNotFound):
		status, title, detail = http.StatusNotFound, "Page not found", "If you typed the web address, check it is correct. If you followed a link, the page may have moved or you may not have access to it."
	case errors.Is(err, models.ErrForbidden):
		status, title, detail = http.StatusForbidden, "You cannot do that", "Your account does not allow this. If you think it should, ask your council's Jointly officer or the administrator."
	case errors.Is(err, models.ErrConflict):
		status, title, detail = http.StatusConflict, "That has changed", "Someone else changed this at the same time. Go back, reload the page and try again."
	case errors.As(err, &pub):
		status, title, detail = pub.Status, http.StatusText(pub.Status), pub.Message
	}
	reqID := RequestID(c.Request.Context())
	if status >= 500 {
		h.Log.ErrorContext(c.Request.Context(), "request failed", "err", err.Error(), "path", c.Request.URL.Path)
		if pub == nil { // a PublicError's message is meant for the user
			detail = "Try again later. Nothing you entered has been saved unless the page said so."
		}
	}
	if isAPI(c) {
		h.problem(c, status, title, detail)
		return
	}
	data := errorPage{Page: h.page(c), Heading: title, Paragraphs: []string{detail}}
	if status >= 500 {
		data.RequestID = reqID
	}
	var buf bytes.Buffer
	if rerr := h.pages.Render(&buf, "error", data); rerr != nil {
		h.Log.ErrorContext(c.Request.Context(), "render error page", "err", rerr.Error())
		c.Data(status, "text/plain; charset=utf-8", []byte(title+"\nReference: "+reqID+"\n"))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// problem writes an RFC 9457 problem document.
func (h *Handlers) problem(c *gin.Context, status int, title, detail string) {
	defer c.Abort()
	body := map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail,
		"instance": c.Request.URL.Path, "request_id": RequestID(c.Request.Context())}
	h.writeJSON(c, status, "application/problem+json", body)
}

// validationProblem is a 422 problem listing each field's message.
func (h *Handlers) validationProblem(c *gin.Context, verr *models.ValidationError) {
	errs := make([]map[string]string, len(verr.Fields))
	for i, f := range verr.Fields {
		errs[i] = map[string]string{"field": f.Field, "message": f.Message}
	}
	h.writeJSON(c, http.StatusUnprocessableEntity, "application/problem+json", map[string]any{
		"type": "about:blank", "title": "Invalid input", "status": http.StatusUnprocessableEntity,
		"detail": verr.Error(), "errors": errs, "request_id": RequestID(c.Request.Context()),
	})
	c.Abort()
}

func (h *Handlers) json(c *gin.Context, status int, body any) {
	h.writeJSON(c, status, "application/json", body)
}

func (h *Handlers) writeJSON(c *gin.Context, status int, contentType string, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		h.Log.ErrorContext(c.Request.Context(), "encode json", "err", err.Error())
		status, b, contentType = http.StatusInternalServerError, []byte(`{"title":"Internal Server Error","status":500}`), "application/problem+json"
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, contentType+"; charset=utf-8", b)
}

// Flash messages survive one redirect in a short-lived cookie holding a
// key (never text from the user); the text is looked up here.
var flashes = map[string]string{
	"invited":        "Invitation sent.",
	"signed-out-all": "You have been signed out everywhere, including here.",
	"token-revoked":  "API token revoked.",
	"password-set":   "Your password has been changed.",
	"domains-saved":  "Email domains saved.",
	"welcome":        "Your account is ready.",
	"signed-out":     "You have signed out.",
	// The register (register.go, contract_edit.go, contracts.go, suppliers.go).
	"contract-added":     "Contract added to the register.",
	"contract-saved":     "Contract saved.",
	"contract-deleted":   "Contract deleted. Its change history is kept.",
	"register-confirmed": "Register confirmed as current.",
	"suppliers-merged":   "Suppliers merged.",
	// Imports (imports.go).
	"contracts-imported": "Contracts imported.",
	// Partner matching (partners.go).
	"interest-expressed": "Interest expressed. The partner council's officers have been emailed and will see it on their home page.",
	// Joint bids (bids.go, bid_sections.go, bid_signoff.go).
	"bid-created":         "Joint bid started. The partner councils' officers have been emailed an invitation.",
	"bid-saved":           "Bid details saved.",
	"bid-invited":         "Invitation sent. The council's officers have been emailed.",
	"invitation-accepted": "Invitation accepted. You are nominated to sign off for your council.",
	"invitation-declined": "Invitation declined.",
	"bid-cancelled":       "Bid cancelled.",
	"section-saved":       "Section saved.",
	"section-unchanged":   "Nothing had changed, so no new version was saved.",
	"section-added":       "Section added.",
	"section-moved":       "Section moved.",
	"comment-added":       "Comment added.",
	"comment-resolved":    "Comment resolved.",
	"criteria-saved":      "Evaluation criteria saved.",
	"participant-saved":   "Your council's details saved.",
	"signoff-requested":   "Sign-off requested. Each council's nominated officer has been emailed.",
	"signed-off":          "Signed off for your council.",
	"bid-published":       "Bid published to suppliers.",
}

func (h *Handlers) flash(c *gin.Context, key string) { h.setCookie(c, "jointly_flash", key, 60) }

func (h *Handlers) takeFlash(c *gin.Context) string {
	key := h.cookie(c, "jointly_flash")
	if key == "" {
		return ""
	}
	h.setCookie(c, "jointly_flash", "", -1)
	return flashes[key]
}

// seeOther redirects after a successful form.
func seeOther(c *gin.Context, to string) { c.Redirect(http.StatusSeeOther, to) }
