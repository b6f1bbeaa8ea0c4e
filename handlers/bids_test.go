package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// The joint bid pages (bids.go): starting a bid, the overview, invitations,
// details, cancelling, and who sees what through pages and search. The
// test clock stands on 21 November 2026, 10am UTC.

const (
	wakefieldCouncil = "E08000036"
	wakefieldEmail   = "ict@wakefield.gov.uk"
)

// bidPagesUser is a demo user, for driving the model directly.
func bidPagesUser(e *env, email string) models.User {
	e.t.Helper()
	u, err := e.app.DB.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// addWakefieldOfficer makes an officer of Wakefield, a council that takes
// no part in the bids here, who signs in with the demo password.
func addWakefieldOfficer(e *env) {
	e.t.Helper()
	_, err := e.app.DB.CreateUser(context.Background(), 0, models.NewUser{Email: wakefieldEmail, Name: "Wren Wakefield",
		Role: models.RoleOfficer, CouncilGSS: wakefieldCouncil, Password: testutil.Password})
	if err != nil {
		e.t.Fatal(err)
	}
}

// startLeedsBid starts, through the model, a Leeds-led draft inviting
// Bradford, and remembers its id as {bid}.
func startLeedsBid(title string) func(e *env) {
	return func(e *env) {
		e.t.Helper()
		id, err := e.app.DB.CreateBid(context.Background(), bidPagesUser(e, testutil.OfficerEmail), models.NewBid{
			Title: title, Summary: "Leeds and Bradford replace their revenues systems together.",
			CategorySlug: "revenues-benefits", PartnerGSS: []string{bradfordCouncil}})
		if err != nil {
			e.t.Fatalf("start bid: %v", err)
		}
		e.vars["bid"] = fmt.Sprint(id)
	}
}

// bidID is the id captured as {bid}.
func bidID(e *env) int64 {
	e.t.Helper()
	var id int64
	if _, err := fmt.Sscan(e.vars["bid"], &id); err != nil {
		e.t.Fatalf("no bid captured: %v", err)
	}
	return id
}

// captureBid remembers the bid a form redirected to as {bid}.
func captureBid(e *env, r testutil.Response) {
	e.t.Helper()
	id, ok := strings.CutPrefix(r.Location, "/bids/")
	if !ok || strings.Contains(id, "/") {
		e.t.Fatalf("redirect to %q, want /bids/N", r.Location)
	}
	e.vars["bid"] = id
}

// wantBidCount checks how many bids exist at all.
func wantBidCount(n int) func(e *env) {
	return func(e *env) {
		e.t.Helper()
		var got int
		if err := e.app.DB.R.QueryRow(`SELECT count(*) FROM bids`).Scan(&got); err != nil {
			e.t.Fatal(err)
		}
		if got != n {
			e.t.Errorf("%d bids, want %d", got, n)
		}
	}
}

// bidAs loads bid {bid} as email sees it.
func bidAs(e *env, email string) models.Bid {
	e.t.Helper()
	b, err := e.app.DB.BidByID(context.Background(), bidPagesUser(e, email), bidID(e))
	if err != nil {
		e.t.Fatalf("bid as %s: %v", email, err)
	}
	return b
}

// publishLeedsBid takes bid {bid} to published through the model: Bradford
// accepts, Leeds gives a budget, both sign off (the default criteria
// already add up to 100), Leeds publishes with the default deadlines.
func publishLeedsBid(e *env) {
	e.t.Helper()
	ctx := context.Background()
	db, id := e.app.DB, bidID(e)
	leeds, bradford := bidPagesUser(e, testutil.OfficerEmail), bidPagesUser(e, testutil.Officer2Email)
	if b := bidAs(e, testutil.OfficerEmail); b.Participants[1].State == models.InvitationInvited {
		if err := db.AnswerInvitation(ctx, bradford, id, bradfordCouncil, true); err != nil {
			e.t.Fatalf("accept: %v", err)
		}
	}
	budget := int64(12_345_600)
	if err := db.UpdateParticipant(ctx, leeds, id, leedsCouncil, models.ParticipantInput{BudgetPence: &budget,
		Requirements: "Council tax and benefits for 360,000 households."}); err != nil {
		e.t.Fatalf("budget: %v", err)
	}
	for _, u := range []models.User{leeds, bradford} {
		if _, err := db.SignOffBid(ctx, u, id); err != nil {
			e.t.Fatalf("sign off as %s: %v", u.Email, err)
		}
	}
	if err := db.PublishBid(ctx, leeds, id, models.PublishInput{}); err != nil {
		e.t.Fatalf("publish: %v", err)
	}
}

// Edit controls of the overview, none of which a reader may see.
var bidEditControls = []string{`/edit"`, `data-testid="add-section"`, `data-testid="change-criteria"`, `data-testid="invite-council"`,
	`data-testid="cancel-bid"`, `data-testid="sign-off"`, `data-testid="request-signoff"`, `data-testid="publish-bid"`,
	`/move"`, `data-testid="change-participant"`, `data-testid="accept-invitation"`}

func TestBidStartFromScratch(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "an officer starts a bid and Bradford's officer is emailed", steps: []step{
			{name: "the list offers it", user: testutil.OfficerEmail, method: "GET", url: "/bids", status: 200,
				contains: []string{"Joint bids", `href="/bids/new"`, "There are no joint bids you can see yet."}},
			{name: "the empty form", user: testutil.OfficerEmail, method: "GET", url: "/bids/new", status: 200,
				contains: []string{"Start a joint bid", `name="title"`, `name="summary"`, `<option value="revenues-benefits">`,
					`<select class="govuk-select" id="partner_gss" name="partner_gss">`, `<option value="E08000032">Bradford</option>`},
				excludes: []string{`<option value="E08000035">`, `name="replaces_contract_ids"`}},
			{name: "start it", user: testutil.OfficerEmail, method: "POST", url: "/bids",
				form: formOf("title", "Kiosk and self-service replacement", "summary", "One portal for both councils.",
					"category", "revenues-benefits", "partner_gss", bradfordCouncil),
				status: 303, check: captureBid},
			{name: "its overview", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"Joint bid started.", "Kiosk and self-service replacement", "One portal for both councils.",
					"Joint bid led by Leeds · Revenues and benefits", ">Draft<", "Background", "Essential requirements",
					"Bradford has not yet accepted or declined the invitation.", `data-testid="invite-council"`,
					`data-testid="cancel-bid"`, `href="/bids/{bid}/edit"`, "Meets our requirements", "100%",
					"Sam Okafor</strong> (Leeds) started the bid", "Started by Sam Okafor"},
				excludes: []string{`data-testid="bid-invitation"`, `data-testid="sign-off"`, `data-testid="publish-bid"`}},
			{name: "Bradford's invitation email links to the bid", do: func(e *env) {
				if got := emailLink(e.t, e.app, testutil.Officer2Email, "/bids/"); got != "/bids/"+e.vars["bid"] {
					e.t.Errorf("invitation links to %s, want /bids/%s", got, e.vars["bid"])
				}
				for _, raw := range e.app.Outbox(e.t) {
					hdr, body := emailBody(e.t, raw)
					if strings.Contains(hdr.Get("To"), testutil.Officer2Email) &&
						(!strings.Contains(hdr.Get("Subject"), "Kiosk and self-service replacement") || !strings.Contains(body, "Sam Okafor of Leeds has invited Bradford")) {
						e.t.Errorf("invitation: %s\n%s", hdr.Get("Subject"), body)
					}
				}
			}},
		}},
		{name: "problems are shown beside their fields and nothing is written", steps: []step{
			{name: "no title, no category, our own council", user: testutil.OfficerEmail, method: "POST", url: "/bids",
				form:   formOf("title", "  ", "summary", "Kept <summary>", "category", "", "partner_gss", leedsCouncil),
				status: 422,
				contains: []string{"There is a problem", `<a href="#title">Enter a title for the bid</a>`, `id="title-error"`,
					`<a href="#category">Choose a category</a>`, `id="category-error"`,
					`<a href="#partner_gss">Your own council leads the bid: invite other councils as partners</a>`, `id="partner_gss-error"`,
					"Kept &lt;summary&gt;", "<title>Error: Start a joint bid"}},
			{name: "nothing written", do: wantBidCount(0)},
			{name: "a category that does not exist and a contract that is not a number", user: testutil.OfficerEmail, method: "POST", url: "/bids",
				form:     formOf("title", "Kept title", "category", "no-such-category", "replaces_contract_ids", "abc", "offered_contract_ids", "abc"),
				status:   422,
				contains: []string{`<a href="#replaces_contract_ids">Choose the contracts the bid would replace from the list</a>`, `id="replaces_contract_ids"`, `value="Kept title"`}},
			{name: "a category that does not exist", user: testutil.OfficerEmail, method: "POST", url: "/bids",
				form:     formOf("title", "Kept title", "category", "no-such-category", "partner_gss", bradfordCouncil),
				status:   422,
				contains: []string{`<a href="#category">Choose a category from the list</a>`, `<option value="E08000032" selected>Bradford</option>`}},
			{name: "still nothing written", do: wantBidCount(0)},
			{name: "no email sent", do: wantOutbox(0)},
		}},
	})
}

func TestBidStartFromPartnerMatchAndInterest(t *testing.T) {
	fixtures := step{name: "hand-built registers", do: partnerFixtures}
	runScenarios(t, []scenario{
		{name: "from a partner match", steps: []step{
			fixtures,
			{name: "the partners page offers a joint bid", user: testutil.OfficerEmail, method: "GET", url: "/contracts/{Leeds revenues}/partners", status: 200,
				contains: []string{`href="/bids/new?contract_id={Leeds revenues}&amp;partner_contract_id={Bradford revenues}"`, "Start a joint bid with Bradford"}},
			{name: "so does our partners page", user: testutil.OfficerEmail, method: "GET", url: "/councils/E08000035/partners", status: 200,
				contains: []string{`href="/bids/new?contract_id={Leeds revenues}&amp;partner_contract_id={Bradford revenues}"`}},
			{name: "not for a councillor", user: testutil.CouncillorEmail, method: "GET", url: "/contracts/{Leeds revenues}/partners", status: 200,
				excludes: []string{"/bids/new"}},
			{name: "the form filled in", user: testutil.OfficerEmail, method: "GET", url: "/bids/new?contract_id={Leeds revenues}&partner_contract_id={Bradford revenues}", status: 200,
				contains: []string{`value="Joint procurement: Leeds revenues"`, `<option value="revenues-benefits" selected>`,
					`id="partner_gss-E08000032" name="partner_gss" type="checkbox" value="E08000032" checked`, "Invite Bradford",
					`id="replaces_contract_ids" name="replaces_contract_ids" type="checkbox" value="{Leeds revenues}" checked`,
					`id="replaces_contract_ids-{Bradford revenues}" name="replaces_contract_ids" type="checkbox" value="{Bradford revenues}" checked`,
					">Leeds revenues</label>", "Leeds&#39;s register, with Civica UK Ltd", ">Bradford revenues</label>", "Bradford&#39;s register"},
				excludes: []string{`<option value="E08000032">Bradford</option>`, `name="interest_id"`}},
			{name: "a contract of our own twice is refused", user: testutil.OfficerEmail, method: "GET", url: "/bids/new?contract_id={Leeds revenues}&partner_contract_id={Leeds payroll}", status: 422,
				contains: []string{"A joint bid from a partner match needs one of your council&#39;s contracts and one of another council&#39;s."}},
			{name: "unchecking Bradford keeps it offered when a problem is shown", user: testutil.OfficerEmail, method: "POST", url: "/bids",
				form: url.Values{"title": {""}, "category": {"revenues-benefits"}, "offered_partner_gss": {bradfordCouncil},
					"replaces_contract_ids": {"{Leeds revenues}"}, "offered_contract_ids": {"{Leeds revenues}", "{Bradford revenues}"}},
				status: 422,
				contains: []string{`id="partner_gss-E08000032" name="partner_gss" type="checkbox" value="E08000032">`,
					`value="{Leeds revenues}" checked`, `value="{Bradford revenues}" aria-describedby`, "Enter a title for the bid"}},
			{name: "start it", user: testutil.OfficerEmail, method: "POST", url: "/bids",
				form: url.Values{"title": {"Joint procurement: Leeds revenues"}, "category": {"revenues-benefits"},
					"partner_gss": {bradfordCouncil, ""}, "offered_partner_gss": {bradfordCouncil},
					"replaces_contract_ids": {"{Leeds revenues}", "{Bradford revenues}"}, "offered_contract_ids": {"{Leeds revenues}", "{Bradford revenues}"}},
				status: 303, check: captureBid},
			{name: "the bid replaces both contracts", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{`<a class="govuk-link" href="/contracts/{Leeds revenues}">Leeds revenues</a>, Leeds, with Civica UK Ltd`,
					`<a class="govuk-link" href="/contracts/{Bradford revenues}">Bradford revenues</a>, Bradford`}},
		}},
		{name: "from an expression of interest", steps: []step{
			fixtures,
			{name: "Leeds expresses interest", user: testutil.OfficerEmail, method: "POST", url: "/contracts/{Leeds revenues}/partners/{Bradford revenues}/interest", status: 303},
			{name: "find the interest", do: func(e *env) {
				received, _, err := e.app.DB.ExpressionsOfInterest(context.Background(), bidPagesUser(e, testutil.Officer2Email), bradfordCouncil)
				if err != nil || len(received) != 1 {
					e.t.Fatalf("received %d, %v", len(received), err)
				}
				e.vars["interest"] = fmt.Sprint(received[0].ID)
			}},
			{name: "Bradford's home page offers a joint bid", user: testutil.Officer2Email, method: "GET", url: "/", status: 200,
				contains: []string{`href="/bids/new?interest_id={interest}"`}},
			{name: "so does Leeds's, for the interest it sent", user: testutil.OfficerEmail, method: "GET", url: "/", status: 200,
				contains: []string{`href="/bids/new?interest_id={interest}"`}},
			{name: "not the councillor's", user: testutil.CouncillorEmail, method: "GET", url: "/", status: 200,
				excludes: []string{"/bids/new?interest_id"}},
			{name: "the form filled in for Bradford", user: testutil.Officer2Email, method: "GET", url: "/bids/new?interest_id={interest}", status: 200,
				contains: []string{`value="Joint procurement: Bradford revenues"`, `<input type="hidden" name="interest_id" value="{interest}">`,
					`id="partner_gss-E08000035" name="partner_gss" type="checkbox" value="E08000035" checked`, "Invite Leeds",
					`value="{Bradford revenues}" checked`, `value="{Leeds revenues}" checked`}},
			{name: "a council outside the interest cannot use it", do: addWakefieldOfficer},
			{name: "Wakefield", user: wakefieldEmail, method: "GET", url: "/bids/new?interest_id={interest}", status: 404},
			{name: "no such interest", user: testutil.Officer2Email, method: "GET", url: "/bids/new?interest_id=999999", status: 404},
			{name: "Bradford starts it", user: testutil.Officer2Email, method: "POST", url: "/bids",
				form: url.Values{"title": {"Joint procurement: Bradford revenues"}, "category": {"revenues-benefits"}, "interest_id": {"{interest}"},
					"partner_gss": {leedsCouncil}, "offered_partner_gss": {leedsCouncil},
					"replaces_contract_ids": {"{Bradford revenues}", "{Leeds revenues}"}, "offered_contract_ids": {"{Bradford revenues}", "{Leeds revenues}"}},
				status: 303, check: captureBid},
			{name: "it is Bradford's, from the interest, inviting Leeds", do: func(e *env) {
				b := bidAs(e, testutil.Officer2Email)
				if b.LeadGSS != bradfordCouncil || fmt.Sprint(b.FromInterestID) != e.vars["interest"] || len(b.Replaces) != 2 {
					e.t.Errorf("lead %s, from interest %d, replaces %d", b.LeadGSS, b.FromInterestID, len(b.Replaces))
				}
				if p, ok := b.Participant(leedsCouncil); !ok || p.State != models.InvitationInvited {
					e.t.Errorf("Leeds: %+v", p)
				}
				if got := emailLink(e.t, e.app, testutil.OfficerEmail, "/bids/"); got != "/bids/"+e.vars["bid"] {
					e.t.Errorf("Leeds's invitation links to %s", got)
				}
			}},
		}},
	})
}

func TestBidVisibilityThroughPagesAndSearch(t *testing.T) {
	const title = "Unmistakable kiosk replacement"
	draftReaders := []string{title, "Leeds and Bradford replace their revenues systems together."}
	runScenarios(t, []scenario{
		{name: "a draft is seen only by the councils taking part, then by everyone once published", steps: []step{
			{name: "a Leeds draft inviting Bradford", do: startLeedsBid(title)},
			{name: "and a Wakefield officer", do: addWakefieldOfficer},

			{name: "Wakefield: not found", user: wakefieldEmail, method: "GET", url: "/bids/{bid}", status: 404, excludes: []string{title}},
			{name: "Wakefield: no activity", user: wakefieldEmail, method: "GET", url: "/bids/{bid}/activity", status: 404},
			{name: "Wakefield: not in search", user: wakefieldEmail, method: "GET", url: "/bids?q=kiosk", status: 200,
				contains: []string{"0 bids matching ‘kiosk’"}, excludes: []string{title}},
			{name: "Wakefield: not in the list", user: wakefieldEmail, method: "GET", url: "/bids", status: 200, excludes: []string{title}},
			{name: "Wakefield cannot accept for Leeds's partner", user: wakefieldEmail, method: "POST", url: "/bids/{bid}/invitations/" + bradfordCouncil + "/accept", status: 404},
			{name: "admin: not found", user: testutil.AdminEmail, method: "GET", url: "/bids/{bid}", status: 404, excludes: []string{title}},
			{name: "admin: not in search", user: testutil.AdminEmail, method: "GET", url: "/bids?q=kiosk", status: 200, excludes: []string{title}},
			{name: "a supplier: not at all", user: testutil.SupplierEmail, method: "GET", url: "/bids?q=kiosk", status: 403},

			{name: "the Leeds councillor reads it", user: testutil.CouncillorEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: append(draftReaders, "View comments and versions", "Status history", "Recent activity", `href="/bids/{bid}/activity"`), excludes: bidEditControls},
			{name: "the Leeds councillor finds it", user: testutil.CouncillorEmail, method: "GET", url: "/bids?q=kiosk", status: 200,
				contains: []string{`href="/bids/{bid}">` + title, "1 bid matching ‘kiosk’"}},
			{name: "Bradford, invited, reads it to decide", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}", status: 200,
				contains: append(draftReaders, "Your council is invited to take part in this joint bid",
					`action="/bids/{bid}/invitations/E08000032/accept"`, `action="/bids/{bid}/invitations/E08000032/decline"`),
				excludes: []string{`data-testid="add-section"`, `data-testid="edit-section"`, `data-testid="cancel-bid"`, `data-testid="sign-off"`}},
			{name: "Bradford finds it, marked", user: testutil.Officer2Email, method: "GET", url: "/bids?q=kiosk", status: 200,
				contains: []string{title, "Your council is invited"}},
			{name: "Bradford's home page asks for an answer", user: testutil.Officer2Email, method: "GET", url: "/", status: 200,
				contains: []string{`data-testid="home-bid-invitations"`, `href="/bids/{bid}">` + title + `</a>, led by Leeds`}},
			{name: "the councillor's home page shows it in progress", user: testutil.CouncillorEmail, method: "GET", url: "/", status: 200,
				contains: []string{`data-testid="home-bids"`, title}},
			{name: "filters: Leeds's drafts", user: testutil.OfficerEmail, method: "GET", url: "/bids?status=draft&mine=1", status: 200,
				contains: []string{title, `<option value="draft" selected>Draft</option>`, `id="mine" name="mine" type="checkbox" value="1" checked`}},
			{name: "filters: nothing published", user: testutil.OfficerEmail, method: "GET", url: "/bids?status=published", status: 200,
				excludes: []string{title}, contains: []string{"No bids you can see match."}},
			{name: "search reaches the sections", user: testutil.OfficerEmail, method: "GET", url: "/bids?q=migrate", status: 200,
				contains: []string{title, `data-testid="bid-snippet"`}},

			{name: "Bradford accepts", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/invitations/E08000032/accept", status: 303, location: "/bids/{bid}"},
			{name: "and may now sign off", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"Invitation accepted.", "Sign off for Bradford", `data-testid="add-section"`, `href="/bids/{bid}/participants/E08000032"`},
				excludes: []string{`data-testid="bid-invitation"`, `href="/bids/{bid}/participants/E08000035"`, `data-testid="cancel-bid"`, `href="/bids/{bid}/edit"`}},
			{name: "Leeds may ask for sign-off", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"Ask councils to sign off", "Sign off for Leeds", "Waiting for:"}},

			{name: "publish it", do: publishLeedsBid},
			{name: "Wakefield now reads it", user: wakefieldEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: append(draftReaders, ">Published<", "5 December 2026 at 12:00pm", "30 November 2026 at 12:00pm",
					"Council tax and benefits for 360,000 households."),
				excludes: append(bidEditControls, "£123,456", ">Budget<", "View comments and versions", "Status history", "Recent activity")},
			{name: "and finds it", user: wakefieldEmail, method: "GET", url: "/bids?q=kiosk", status: 200,
				contains: []string{`href="/bids/{bid}">` + title, "5 December 2026 at 12:00pm"}},
			{name: "the admin reads it, without budgets or comments", user: testutil.AdminEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: append(draftReaders, ">Published<"),
				excludes: append(bidEditControls, "£123,456", `data-testid="bid-budget"`, ">Budget<", "View comments and versions", "open comment",
					"Recent activity", "/activity", "Sam Okafor", "Priya Shah")},
			{name: "and finds it", user: testutil.AdminEmail, method: "GET", url: "/bids?q=kiosk", status: 200, contains: []string{title}},
			{name: "the admin sees no activity", user: testutil.AdminEmail, method: "GET", url: "/bids/{bid}/activity", status: 404},
			{name: "Leeds sees its budget and the history", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"£123,456", "Published by Sam Okafor", `data-testid="cancel-bid"`},
				excludes: []string{`data-testid="add-section"`, `data-testid="sign-off"`, `href="/bids/{bid}/edit"`}},
		}},
		{name: "declining hides the draft from the council", steps: []step{
			{name: "a Leeds draft inviting Bradford", do: startLeedsBid(title)},
			{name: "only Bradford's own officers answer for it", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/invitations/E08000032/decline", status: 403},
			{name: "Bradford declines", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/invitations/E08000032/decline", status: 303, location: "/bids"},
			{name: "the list says so", user: testutil.Officer2Email, method: "GET", url: "/bids", status: 200,
				contains: []string{"Invitation declined."}, excludes: []string{title}},
			{name: "and the draft is gone for Bradford", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}", status: 404},
			{name: "answering twice is refused", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/invitations/E08000032/accept", status: 404},
			{name: "Leeds sees the decline", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{">Declined<", "declined the invitation for Bradford", `<option value="E08000032">Bradford</option>`}},
		}},
	})
}

func TestBidInvitationsDetailsAndCancelling(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "the lead invites another council", steps: []step{
			{name: "a Leeds draft inviting Bradford", do: startLeedsBid("Joint planning portal")},
			{name: "and a Wakefield officer", do: addWakefieldOfficer},
			{name: "inviting nobody", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/invitations", form: formOf("partner_gss", ""), status: 422,
				contains: []string{`<a href="#partner_gss">Choose a current council</a>`, `id="partner_gss-error"`, "Joint planning portal", "Background"}},
			{name: "inviting Bradford again", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/invitations", form: formOf("partner_gss", bradfordCouncil), status: 422,
				contains: []string{"Bradford is already invited", `govuk-select--error`}},
			{name: "a partner may not invite", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/invitations", form: formOf("partner_gss", wakefieldCouncil), status: 403},
			{name: "inviting Wakefield", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/invitations", form: formOf("partner_gss", wakefieldCouncil), status: 303, location: "/bids/{bid}"},
			{name: "Wakefield's officer is emailed", do: func(e *env) {
				if got := emailLink(e.t, e.app, wakefieldEmail, "/bids/"); got != "/bids/"+e.vars["bid"] {
					e.t.Errorf("Wakefield's invitation links to %s", got)
				}
			}},
			{name: "and can read the draft", user: wakefieldEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"Your council is invited", `action="/bids/{bid}/invitations/E08000036/accept"`}},
			{name: "the overview lists Wakefield as invited", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"Invitation sent.", "Wakefield</th>", "invited Wakefield"}, excludes: []string{`<option value="E08000036">`}},
		}},
		{name: "the lead changes the details", steps: []step{
			{name: "a Leeds draft inviting Bradford", do: startLeedsBid("Joint planning portal")},
			{name: "the form, filled in", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/edit", status: 200,
				contains: []string{`value="Joint planning portal"`, "Leeds and Bradford replace their revenues systems together.</textarea>", `<option value="revenues-benefits" selected>`}},
			{name: "Bradford, invited, may not", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/edit", status: 403},
			{name: "the councillor may not", user: testutil.CouncillorEmail, method: "GET", url: "/bids/{bid}/edit", status: 403},
			{name: "a title is needed", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}",
				form: formOf("title", "", "summary", "New summary", "category", "revenues-benefits"), status: 422,
				contains: []string{`<a href="#title">Enter a title for the bid</a>`, "New summary</textarea>"}},
			{name: "saved", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}",
				form: formOf("title", "Joint planning and building control portal", "summary", "New summary", "category", "revenues-benefits"), status: 303, location: "/bids/{bid}"},
			{name: "shown", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"Bid details saved.", "Joint planning and building control portal", "New summary", "changed the title, summary or category"}},
		}},
		{name: "the lead cancels, with a reason", steps: []step{
			{name: "a Leeds draft inviting Bradford", do: startLeedsBid("Joint planning portal")},
			{name: "Bradford accepts", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/invitations/E08000032/accept", status: 303},
			{name: "a partner may not cancel", user: testutil.Officer2Email, method: "GET", url: "/bids/{bid}/cancel", status: 403},
			{name: "nor post it", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/cancel", form: formOf("note", "We changed our minds"), status: 403},
			{name: "the question", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/cancel", status: 200,
				contains: []string{"Are you sure you want to cancel ‘Joint planning portal’?", `name="note"`}},
			{name: "a reason is needed", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/cancel", form: formOf("note", "   "), status: 422,
				contains: []string{`<a href="#note">Say why the bid is cancelled</a>`, `id="note-error"`}},
			{name: "still a draft", do: func(e *env) {
				if s := bidAs(e, testutil.OfficerEmail).Status; s != models.BidDraft {
					e.t.Errorf("status %s after a refused cancel", s)
				}
			}},
			{name: "cancelled", user: testutil.OfficerEmail, method: "POST", url: "/bids/{bid}/cancel", form: formOf("note", "Bradford's budget was withdrawn"), status: 303, location: "/bids/{bid}"},
			{name: "shown, with the reason, and nothing left to change", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"Bid cancelled.", ">Cancelled<", "Bradford&#39;s budget was withdrawn"}, excludes: bidEditControls},
			{name: "cannot cancel twice", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}/cancel", status: 409},
		}},
	})
}

func TestBidOverviewKeepsMarkupInert(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "script and javascript: links in a section and the title", steps: []step{
			{name: "a Leeds draft with a hostile title", do: startLeedsBid(`<img src=x onerror=alert(1)> portal`)},
			{name: "a hostile section", do: func(e *env) {
				b := bidAs(e, testutil.OfficerEmail)
				s := b.Sections[0]
				body := "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<a href=\"javascript:alert(2)\">y</a> **bold**"
				if _, err := e.app.DB.SaveSection(context.Background(), bidPagesUser(e, testutil.OfficerEmail), b.ID, s.ID, body, s.Version); err != nil {
					e.t.Fatal(err)
				}
			}},
			{name: "the overview", user: testutil.OfficerEmail, method: "GET", url: "/bids/{bid}", status: 200,
				contains: []string{"<strong>bold</strong>", "&lt;img src=x onerror=alert(1)&gt; portal"},
				excludes: []string{"<script>alert", "javascript:", "<img src=x", "onerror=alert(1)>"}},
			{name: "the list", user: testutil.OfficerEmail, method: "GET", url: "/bids?q=portal", status: 200,
				contains: []string{"&lt;img src=x onerror=alert(1)&gt; portal"}, excludes: []string{"<img src=x", "<script>alert"}},
		}},
	})
}

func TestBidActivityPage(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "the whole feed, for the councils' side", steps: []step{
			{name: "a Leeds draft inviting Bradford", do: startLeedsBid("Joint planning portal")},
			{name: "Bradford accepts", user: testutil.Officer2Email, method: "POST", url: "/bids/{bid}/invitations/E08000032/accept", status: 303},
			{name: "the feed, newest first", user: testutil.CouncillorEmail, method: "GET", url: "/bids/{bid}/activity", status: 200,
				contains: []string{"Activity on ‘Joint planning portal’", "<strong>Priya Shah</strong> (Bradford) accepted the invitation for Bradford",
					"<strong>Sam Okafor</strong> (Leeds) started the bid", "21 November 2026 at 10:00am"},
				check: textsInOrder("accepted the invitation", "invited Bradford", "started the bid")},
		}},
	})
}
