package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jointly/models"
)

// What the joint bid pages and API share: reading the bid from the URL,
// and the emails that go at once (invitations and sign-off requests; the
// rest of a bid's activity waits for the digest).

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

// bidPath is a bid's page.
func bidPath(id int64) string { return fmt.Sprintf("/bids/%d", id) }

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
		if _, err := h.Outbox.Send(ctx, models.Email{To: o.Email, Subject: b.LeadName + " invites you to a joint bid: " + b.Title, Text: t.String()}); err != nil {
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
		if _, err := h.Outbox.Send(ctx, models.Email{To: p.NomineeEmail, Subject: "Please sign off the joint bid: " + b.Title, Text: t.String()}); err != nil {
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
