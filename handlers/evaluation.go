package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// A bid's evaluation panel: who sits on it (chair first), each member's
// declaration of interests, and, for the lead council's officers, the
// form to choose the panel. The rules (only lead officers choose, only
// officers of accepted participants sit on it, a declaration is made once
// and before any response is read) are models/evaluation.go's. Reading
// and scoring the responses is evaluation_scores.go's; before the close
// the only fact about responses any page here shows is how many stand
// submitted.

func init() {
	flashes["panel-member-added"] = "Panel updated."
	flashes["panel-member-removed"] = "Taken off the panel."
	flashes["interests-declared"] = "Declaration recorded."
}

// panelForm is the "Add to the panel" form as typed.
type panelForm struct {
	UserID string `form:"user_id"`
	Role   string `form:"role"`
}

// declarationForm is a member's declaration of interests as typed.
type declarationForm struct {
	Conflicted  string `form:"conflicted"` // "yes" or "no"
	Declaration string `form:"declaration"`
}

// panelMemberView is one member ready to show.
type panelMemberView struct {
	models.PanelMember
	RoleLabel string
	CanRemove bool
}

// panelCandidates are one council's officers, offered for the panel.
type panelCandidates struct {
	CouncilName string
	Officers    []models.User
}

type panelPage struct {
	Page
	Bid   models.Bid
	Panel []panelMemberView
	// Me is the viewer's place on the panel; zero (UserID 0) when not on it.
	Me models.PanelMember
	// Submitted is how many responses stand submitted: the one fact about
	// responses the councils may know before the close.
	Submitted int
	Published bool
	// Closed: the responses are open to the panel (closed, evaluating or awarded).
	Closed bool
	// CanChoose: the viewer leads and the panel can still change.
	CanChoose   bool
	Candidates  []panelCandidates
	Form        panelForm
	Declaration declarationForm
}

// CanDeclare reports whether the viewer owes a declaration.
func (p panelPage) CanDeclare() bool { return p.Me.UserID != 0 && !p.Me.Declared() }

// CanRead reports whether the viewer may read the responses now.
func (p panelPage) CanRead() bool { return p.Closed && p.Me.Scoring() }

// showPanel is a bid's evaluation panel: GET /bids/:id/panel, for the
// councils' side.
func (h *Handlers) showPanel(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderPanel(c, b, panelForm{Role: models.PanelEvaluator}, declarationForm{}, nil)
}

func (h *Handlers) renderPanel(c *gin.Context, b models.Bid, f panelForm, d declarationForm, verr *models.ValidationError) {
	ctx, u := c.Request.Context(), *currentUser(c)
	panel, err := h.DB.Panel(ctx, u, b.ID) // ErrNotFound outside the councils' side
	if err != nil {
		h.fail(c, err)
		return
	}
	n, err := h.DB.SubmittedResponseCount(ctx, u, b.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	page, status := h.formPage(c, problemsInOrder(verr, "user_id", "role", "conflicted", "declaration"))
	data := panelPage{Page: page, Bid: b, Submitted: n, Published: !b.PublishedAt.IsZero(), Form: f, Declaration: d,
		Closed:    b.Status == models.BidClosed || b.Status == models.BidEvaluating || b.Status == models.BidAwarded,
		CanChoose: b.Access.Lead && b.Status != models.BidAwarded && b.Status != models.BidCancelled}
	for _, m := range panel {
		if m.UserID == u.ID {
			data.Me = m
		}
		v := panelMemberView{PanelMember: m, RoleLabel: "Evaluator", CanRemove: data.CanChoose && !m.Submitted()}
		if m.Role == models.PanelChair {
			v.RoleLabel = "Chair"
		}
		data.Panel = append(data.Panel, v)
	}
	if data.CanChoose {
		for _, p := range b.Participants {
			if !p.Accepted() {
				continue
			}
			officers, err := h.DB.CouncilOfficers(ctx, p.CouncilGSS)
			if err != nil {
				h.fail(c, err)
				return
			}
			data.Candidates = append(data.Candidates, panelCandidates{CouncilName: p.CouncilName, Officers: officers})
		}
	}
	h.render(c, status, "bid_panel", data)
}

// addPanelMember puts an officer on the panel as chair or evaluator (or
// changes their role): POST /bids/:id/panel, by a lead officer.
func (h *Handlers) addPanelMember(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var f panelForm
	if err := c.ShouldBind(&f); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The form could not be read."})
		return
	}
	verr := &models.ValidationError{}
	userID, perr := strconv.ParseInt(strings.TrimSpace(f.UserID), 10, 64)
	if perr != nil || userID <= 0 {
		verr.Add("user_id", "Choose an officer of a participating council")
	}
	if f.Role != models.PanelChair && f.Role != models.PanelEvaluator {
		verr.Add("role", "Choose chair or evaluator")
	}
	if verr.Err() == nil {
		err = h.DB.SetPanelMember(c.Request.Context(), *currentUser(c), b.ID, userID, f.Role)
	} else {
		err = verr
	}
	h.finishForm(c, err, func(verr *models.ValidationError) { h.renderPanel(c, b, f, declarationForm{}, verr) },
		"panel-member-added", panelPath(b.ID))
}

// removePanelMember takes a member off the panel, unless they have begun
// scoring: POST /bids/:id/panel/:user_id/delete, by a lead officer.
func (h *Handlers) removePanelMember(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		h.fail(c, err)
		return
	}
	userID, err := idParam(c, "user_id")
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.DB.RemovePanelMember(c.Request.Context(), *currentUser(c), id, userID); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, "panel-member-removed")
	seeOther(c, panelPath(id))
}

// declareInterests records the viewer's declaration, once: POST
// /bids/:id/panel/declaration.
func (h *Handlers) declareInterests(c *gin.Context) {
	b, err := h.loadBid(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var d declarationForm
	if err := c.ShouldBind(&d); err != nil {
		h.fail(c, &models.PublicError{Status: http.StatusBadRequest, Message: "The form could not be read."})
		return
	}
	if d.Conflicted != "yes" && d.Conflicted != "no" {
		err = &models.ValidationError{Fields: []models.FieldError{{Field: "conflicted", Message: "Say whether you have a conflict of interest"}}}
	} else {
		err = h.DB.DeclareInterests(c.Request.Context(), *currentUser(c), b.ID, d.Conflicted == "yes", d.Declaration)
	}
	h.finishForm(c, err, func(verr *models.ValidationError) {
		h.renderPanel(c, b, panelForm{Role: models.PanelEvaluator}, d, verr)
	}, "interests-declared", panelPath(b.ID))
}

// panelPath is a bid's panel page.
func panelPath(bidID int64) string { return bidPath(bidID) + "/panel" }
