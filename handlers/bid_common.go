package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// What the joint bid pages and API share: reading the bid from the URL
// (and refusing early what the model would refuse), the two ends of every
// bid form (formPage, finishForm), and the emails that go at once
// (invitations and sign-off requests; the rest of a bid's activity waits
// for the digest).

// idParam reads a positive whole-number URL parameter; anything else is
// not found.
func idParam(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, c.Param(name), models.ErrNotFound)
	}
	return id, nil
}

// loadBid is the bid named by :id as the current user may see it: not
// found when they may not know it exists.
func (h *Handlers) loadBid(c *gin.Context) (models.Bid, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return models.Bid{}, err
	}
	return h.DB.BidByID(c.Request.Context(), *currentUser(c), id)
}

// loadBidFor is loadBid, then refusal's explanation when the current
// user may not do what the page is for (a models.Bid method such as
// EditRefusal, or a page's own rule such as cancelRefusal).
func (h *Handlers) loadBidFor(c *gin.Context, refusal func(models.Bid) error) (models.Bid, error) {
	b, err := h.loadBid(c)
	if err != nil {
		return b, err
	}
	return b, refusal(b)
}

// bidPath is a bid's page.
func bidPath(id int64) string { return fmt.Sprintf("/bids/%d", id) }

// formPage is the layout data for a page with a form, and the status to
// answer with: 422 with verr's problems when it has any, else 200.
func (h *Handlers) formPage(c *gin.Context, verr *models.ValidationError) (Page, int) {
	p := h.page(c)
	if verr.Err() == nil {
		return p, http.StatusOK
	}
	p.Errors = verr
	return p, http.StatusUnprocessableEntity
}

// finishForm answers a form's POST once the model has had its say on
// err: the form again with the model's problems (again, which answers
// 422), the one error path for anything else, or the flash and a 303 to
// next.
func (h *Handlers) finishForm(c *gin.Context, err error, again func(*models.ValidationError), flash, next string) {
	var verr *models.ValidationError
	switch {
	case errors.As(err, &verr):
		again(verr)
	case err != nil:
		h.fail(c, err)
	default:
		h.flash(c, flash)
		seeOther(c, next)
	}
}

// emailInvitations emails bid b's invitation to council gss, or to every
// council still invited when gss is "".
func (h *Handlers) emailInvitations(ctx context.Context, b models.Bid, gss string, inviter models.User) {
	for _, p := range b.Participants {
		if p.State == models.InvitationInvited && (gss == "" || p.CouncilGSS == gss) {
			h.emailBidInvitation(ctx, b, p.CouncilGSS, inviter)
		}
	}
}

// emailBidInvitation tells every officer of council gss that it is invited
// to take part in bid b. A failed email is logged, not shown: the
// invitation stands and is on their home page.
func (h *Handlers) emailBidInvitation(ctx context.Context, b models.Bid, gss string, inviter models.User) {
	officers, err := h.DB.CouncilOfficers(ctx, gss)
	if err != nil {
		h.Log.ErrorContext(ctx, "bid invitation recipients", "err", err.Error())
		return
	}
	p, _ := b.Participant(gss)
	base := strings.TrimSuffix(h.Config.BaseURL, "/")
	var t strings.Builder
	fmt.Fprintf(&t, "%s of %s has invited %s to take part in a joint procurement:\n\n", inviter.Name, b.LeadName, firstNonEmpty(p.CouncilName, gss))
	fmt.Fprintf(&t, "%s\nCategory: %s\n\n", b.Title, b.CategoryName)
	fmt.Fprintf(&t, "Read the draft, then accept or decline on Jointly:\n%s%s\n\n", base, bidPath(b.ID))
	t.WriteString("Only officers and councillors of the participating councils can see the draft until it is published.\n")
	for _, o := range officers {
		if _, err := h.Outbox.Send(ctx, models.Email{To: o.Email, Subject: b.LeadName + " invites you to a joint bid: " + b.Title, Text: t.String(), Kind: "bid-invitation"}); err != nil {
			h.Log.ErrorContext(ctx, "email bid invitation", "err", err.Error(), "to", o.Email)
		}
	}
}

// emailSignOffRequests asks each nominated officer whose sign-off is
// missing, other than actor, to sign off bid b.
func (h *Handlers) emailSignOffRequests(ctx context.Context, b models.Bid, actor models.User) {
	base := strings.TrimSuffix(h.Config.BaseURL, "/")
	for _, p := range b.AwaitingSignOff() {
		if p.NomineeEmail == "" || p.NomineeID == actor.ID {
			continue
		}
		var t strings.Builder
		fmt.Fprintf(&t, "%s has asked every participating council to sign off the joint bid:\n\n%s\n\n", actor.Name, b.Title)
		fmt.Fprintf(&t, "You are the officer nominated to sign off for %s. Read the bid and sign it off here:\n%s%s\n\n", p.CouncilName, base, bidPath(b.ID))
		t.WriteString("Any change to the bid after you sign off clears every sign-off, and you will be asked again.\n")
		if _, err := h.Outbox.Send(ctx, models.Email{To: p.NomineeEmail, Subject: "Please sign off the joint bid: " + b.Title, Text: t.String(), Kind: "sign-off-request"}); err != nil {
			h.Log.ErrorContext(ctx, "email sign-off request", "err", err.Error(), "to", p.NomineeEmail)
		}
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
