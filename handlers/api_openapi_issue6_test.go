package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"jointly/models"
	"jointly/testutil"
)

// The suppliers' side of joint bids in the OpenAPI conformance test
// (api_openapi_test.go): opportunities, clarification questions, sealed
// responses, evaluation, award and OCDS, every documented response for
// real. The world is made through the model, all Leeds-led with Bradford:
//
//   - open: published now (responses due in 14 days), with an estimate, one
//     question answered and one waiting; Leeds chairs its panel already.
//   - closed: published 40 days ago, so its deadline has passed; Pennine
//     Digital submitted before it. Leeds chairs its panel, declared;
//     Bradford sits on it, undeclared.
//   - draft: never published.
//
// The clock goes back 40 days to publish the closed bid and is put back
// before anything else, so the other files' cases run at the usual time.
// The cases run in order and change the world: the supplier's response to
// the open bid goes from none to draft to submitted to withdrawn, and the
// closed bid is scored and then awarded.

const issue6WakefieldEmail = "procurement@wakefield.gov.uk" // an officer of a council in none of these bids

func init() {
	moreConformanceCases = append(moreConformanceCases, func(t *testing.T, e *env) []conformanceCase {
		ctx := context.Background()
		db := e.app.DB
		user := func(email string) models.User {
			u, err := db.UserByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		check := func(what string, err error) {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		if _, err := db.CreateUser(ctx, 0, models.NewUser{Email: issue6WakefieldEmail, Name: "Will Wakefield",
			Role: models.RoleOfficer, CouncilGSS: wakefield, Password: testutil.Password}); err != nil {
			t.Fatal(err)
		}
		lu, bu, su := user(testutil.OfficerEmail), user(testutil.Officer2Email), user(testutil.SupplierEmail)
		start := func(title string) int64 {
			id, err := db.CreateBid(ctx, lu, models.NewBid{Title: title, Summary: "Leeds and Bradford buy a revenues system together.",
				CategorySlug: "revenues-benefits", PartnerGSS: []string{bradford}})
			check("start "+title, err)
			return id
		}
		publish := func(id int64) models.Bid {
			check("accept", db.AnswerInvitation(ctx, bu, id, bradford, true))
			for _, u := range []models.User{lu, bu} {
				_, err := db.SignOffBid(ctx, u, id)
				check("sign off", err)
			}
			check("publish", db.PublishBid(ctx, lu, id, models.PublishInput{}))
			b, err := db.BidByID(ctx, lu, id)
			check("read", err)
			return b
		}
		answers := func(b models.Bid, text string) []models.AnswerInput {
			var out []models.AnswerInput
			for _, k := range b.Criteria {
				out = append(out, models.AnswerInput{CriterionID: k.ID, Text: text + " on " + k.Name})
			}
			return out
		}

		// The closed bid, 40 days back; the supplier submits before its deadline.
		now := e.app.Clock.T
		e.app.Clock.T = now.AddDate(0, 0, -40)
		closed := publish(start("Conformance closed revenues"))
		price := int64(450_000_00)
		resp, _, err := db.SaveResponse(ctx, su, closed.ID, models.ResponseInput{Answers: answers(closed, "Pennine"), PricePence: &price, Submit: true})
		check("respond to the closed bid", err)
		e.app.Clock.T = now
		if !closed.ResponseDeadline.Before(now) {
			t.Fatalf("the closed bid's deadline %v is not before %v", closed.ResponseDeadline, now)
		}
		check("chair", db.SetPanelMember(ctx, lu, closed.ID, lu.ID, models.PanelChair))
		check("declare", db.DeclareInterests(ctx, lu, closed.ID, false, ""))
		check("evaluator", db.SetPanelMember(ctx, lu, closed.ID, bu.ID, models.PanelEvaluator))

		// The open bid: published now, with an estimate and questions.
		openID := start("Conformance open revenues")
		estimate := int64(900_000_00)
		check("estimate", db.SetBidEstimate(ctx, lu, openID, &estimate))
		open := publish(openID)
		q1, err := db.AskQuestion(ctx, su, open.ID, "Is data migration in scope?")
		check("ask", err)
		_, err = db.AnswerQuestion(ctx, lu, open.ID, q1, "Yes: see the Scope section.")
		check("answer", err)
		q2, err := db.AskQuestion(ctx, su, open.ID, "Who hosts the system?")
		check("ask", err)
		check("chair", db.SetPanelMember(ctx, lu, open.ID, lu.ID, models.PanelChair))
		check("declare", db.DeclareInterests(ctx, lu, open.ID, false, ""))

		draft := start("Conformance draft revenues")

		const (
			form = "application/x-www-form-urlencoded"
			none = 999999
		)
		lo, off, cl, ad, sup, wf := testutil.OfficerEmail, testutil.Officer2Email, testutil.CouncillorEmail, testutil.AdminEmail, testutil.SupplierEmail, issue6WakefieldEmail
		opp := func(id int64) string { return fmt.Sprintf("/api/v1/opportunities/%d", id) }
		bid := apiBidPath
		qs, q2Answer := opp(open.ID)+"/questions", fmt.Sprintf("%s/questions/%d/answer", bid(open.ID), q2)
		myOpen, myClosed := opp(open.ID)+"/response", opp(closed.ID)+"/response"
		scoresOf := func(bidID, rid int64) string { return fmt.Sprintf("%s/responses/%d/scores", bid(bidID), rid) }
		award := bid(closed.ID) + "/award"

		// Bodies.
		var draftAnswers, fullAnswers, lateAnswers, scores []string
		for i, k := range open.Criteria {
			if i == 0 {
				draftAnswers = append(draftAnswers, fmt.Sprintf(`{"criterion_id": %d, "text": "A first go at **%s**."}`, k.ID, k.Name))
			}
			fullAnswers = append(fullAnswers, fmt.Sprintf(`{"criterion_id": %d, "text": "Our answer on %s."}`, k.ID, k.Name))
		}
		for _, k := range closed.Criteria {
			lateAnswers = append(lateAnswers, fmt.Sprintf(`{"criterion_id": %d, "text": "Late on %s."}`, k.ID, k.Name))
			scores = append(scores, fmt.Sprintf(`{"criterion_id": %d, "score": 7, "justification": "Clear on %s."}`, k.ID, k.Name))
		}
		draftBody := `{"answers": [` + strings.Join(draftAnswers, ", ") + `], "price_pence": null}`
		submitBody := `{"answers": [` + strings.Join(fullAnswers, ", ") + `], "price_pence": 41234500, "submit": true}`
		lateBody := `{"answers": [` + strings.Join(lateAnswers, ", ") + `], "price_pence": 1, "submit": true}`
		scoresBody := "[" + strings.Join(scores, ", ") + "]"
		badScores := strings.Replace(scoresBody, `"score": 7`, `"score": 11`, 1)
		awardBody := fmt.Sprintf(`{"response_id": %d, "value_pence": 780000001, "start_date": "2027-04-01", "end_date": "2030-03-31"}`, resp.ID)
		hugeResponse := `{"answers": [], "notes": "` + strings.Repeat("x", 5<<20) + `"}`

		return []conformanceCase{
			// Opportunities: public.
			{user: "", method: "GET", path: "/api/v1/opportunities", status: 200, checkRequest: true},
			{user: sup, method: "GET", path: "/api/v1/opportunities?q=revenues&category=revenues-benefits&min_value=0&max_value=100000000000&closing_before=2027-06-30&include_closed=true&limit=5&offset=0", status: 200, checkRequest: true},
			{user: lo, method: "GET", path: "/api/v1/opportunities?include_closed=false", status: 200, checkRequest: true},
			{user: "", method: "GET", path: "/api/v1/opportunities?min_value=lots", status: 422},
			{user: "", method: "GET", path: "/api/v1/opportunities?closing_before=31/01/2027&limit=0", status: 422},
			{user: "", method: "GET", path: opp(open.ID), status: 200, checkRequest: true},
			{user: sup, method: "GET", path: opp(closed.ID), status: 200, checkRequest: true},
			{user: lo, method: "GET", path: opp(open.ID), status: 200, checkRequest: true},
			{user: lo, method: "GET", path: opp(draft), status: 404},
			{user: "", method: "GET", path: opp(none), status: 404},

			// Clarification questions.
			{user: sup, method: "POST", path: qs, body: `{"question": "Can we propose a hosted option?"}`, status: 201, checkRequest: true},
			{user: sup, method: "POST", path: qs, body: `{"question": "   "}`, status: 422},
			{user: sup, method: "POST", path: qs, body: `{"query": "x"}`, status: 422},
			{user: sup, method: "POST", path: qs, body: `["x"]`, status: 400},
			{user: sup, method: "POST", path: qs, body: "question=x", ctype: form, status: 415},
			{user: sup, method: "POST", path: qs, body: tooLarge(), status: 413},
			{user: lo, method: "POST", path: qs, body: `{"question": "x"}`, status: 403},
			{user: "", method: "POST", path: qs, body: `{"question": "x"}`, status: 401},
			{user: sup, method: "POST", path: opp(draft) + "/questions", body: `{"question": "x"}`, status: 404},
			{user: sup, method: "POST", path: opp(closed.ID) + "/questions", body: `{"question": "Too late?"}`, status: 409},
			{user: lo, method: "POST", path: q2Answer, body: `{"answer": " "}`, status: 422},
			{user: lo, method: "POST", path: q2Answer, body: `[]`, status: 400},
			{user: lo, method: "POST", path: q2Answer, body: "answer=x", ctype: form, status: 415},
			{user: lo, method: "POST", path: q2Answer, body: tooLarge(), status: 413},
			{user: cl, method: "POST", path: q2Answer, body: `{"answer": "x"}`, status: 403},
			{user: sup, method: "POST", path: q2Answer, body: `{"answer": "x"}`, status: 403},
			{user: wf, method: "POST", path: q2Answer, body: `{"answer": "x"}`, status: 404},
			{user: lo, method: "POST", path: fmt.Sprintf("%s/questions/%d/answer", bid(open.ID), none), body: `{"answer": "x"}`, status: 404},
			{user: "", method: "POST", path: q2Answer, body: `{"answer": "x"}`, status: 401},
			{user: off, method: "POST", path: q2Answer, body: `{"answer": "Leeds hosts it, or the supplier does: either may be proposed."}`, status: 200, checkRequest: true},
			{user: lo, method: "POST", path: q2Answer, body: `{"answer": "Again."}`, status: 409},

			// The supplier's response to the open bid: none, a draft, submitted, withdrawn.
			{user: sup, method: "GET", path: myOpen, status: 404},
			{user: sup, method: "PUT", path: myOpen, body: draftBody, status: 200, checkRequest: true},
			{user: sup, method: "GET", path: myOpen, status: 200, checkRequest: true},
			{user: sup, method: "PUT", path: myOpen, body: `{"price_pence": 5}`, status: 422},
			{user: sup, method: "PUT", path: myOpen, body: `{"answers": [], "price_pence": -1}`, status: 422},
			{user: sup, method: "PUT", path: myOpen, body: `[]`, status: 400},
			{user: sup, method: "PUT", path: myOpen, body: "price=1", ctype: form, status: 415},
			{user: sup, method: "PUT", path: myOpen, body: hugeResponse, status: 413},
			{user: lo, method: "PUT", path: myOpen, body: draftBody, status: 403},
			{user: "", method: "PUT", path: myOpen, body: draftBody, status: 401},
			{user: sup, method: "PUT", path: opp(draft) + "/response", body: `{"answers": []}`, status: 404},
			{user: sup, method: "PUT", path: myOpen, body: submitBody, status: 200, checkRequest: true},
			{user: sup, method: "GET", path: myOpen, status: 200, checkRequest: true},
			{user: sup, method: "PUT", path: myOpen, body: draftBody, status: 409},
			{user: sup, method: "POST", path: myOpen + "/withdraw", status: 200, checkRequest: true},
			{user: sup, method: "POST", path: myOpen + "/withdraw", status: 409},
			{user: lo, method: "POST", path: myOpen + "/withdraw", status: 403},
			{user: "", method: "POST", path: myOpen + "/withdraw", status: 401},
			{user: sup, method: "POST", path: opp(draft) + "/response/withdraw", status: 404},
			{user: sup, method: "PUT", path: myClosed, body: lateBody, status: 409},
			{user: sup, method: "POST", path: myClosed + "/withdraw", status: 409},
			{user: cl, method: "GET", path: myOpen, status: 403},
			{user: "", method: "GET", path: myOpen, status: 401},
			{user: sup, method: "GET", path: opp(draft) + "/response", status: 404},

			// The panel: sealed before the close, then its declared members only.
			{user: lo, method: "GET", path: bid(open.ID) + "/responses", status: 403},
			{user: lo, method: "GET", path: bid(closed.ID) + "/responses", status: 200, checkRequest: true},
			{user: off, method: "GET", path: bid(closed.ID) + "/responses", status: 403},
			{user: cl, method: "GET", path: bid(closed.ID) + "/responses", status: 403},
			{user: wf, method: "GET", path: bid(closed.ID) + "/responses", status: 404},
			{user: lo, method: "GET", path: bid(none) + "/responses", status: 404},
			{user: "", method: "GET", path: bid(closed.ID) + "/responses", status: 401},
			{user: lo, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: scoresBody, status: 200, checkRequest: true},
			{user: lo, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: badScores, status: 422},
			{user: lo, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: `[{"criterion_id": 1, "score": 5, "justification": "x", "weight": 3}]`, status: 422},
			{user: lo, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: `{"score": 5}`, status: 400},
			{user: lo, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: "score=5", ctype: form, status: 415},
			{user: lo, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: tooLarge(), status: 413},
			{user: lo, method: "PUT", path: scoresOf(open.ID, resp.ID), body: scoresBody, status: 403},
			{user: off, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: scoresBody, status: 403},
			{user: sup, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: scoresBody, status: 403},
			{user: lo, method: "PUT", path: scoresOf(closed.ID, none), body: scoresBody, status: 404},
			{user: wf, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: scoresBody, status: 404},
			{user: "", method: "PUT", path: scoresOf(closed.ID, resp.ID), body: scoresBody, status: 401},

			// The award, by the chair after the close.
			{user: lo, method: "POST", path: award, body: `{}`, status: 422},
			{user: lo, method: "POST", path: award, body: strings.Replace(awardBody, "2030-03-31", "2026-03-31", 1), status: 422},
			{user: lo, method: "POST", path: award, body: `[1]`, status: 400},
			{user: lo, method: "POST", path: award, body: "value=1", ctype: form, status: 415},
			{user: lo, method: "POST", path: award, body: tooLarge(), status: 413},
			{user: off, method: "POST", path: award, body: awardBody, status: 403},
			{user: cl, method: "POST", path: award, body: awardBody, status: 403},
			{user: wf, method: "POST", path: award, body: awardBody, status: 403},
			{user: lo, method: "POST", path: bid(none) + "/award", body: awardBody, status: 404},
			{user: "", method: "POST", path: award, body: awardBody, status: 401},
			{user: lo, method: "POST", path: bid(open.ID) + "/award", body: awardBody, status: 409},
			{user: lo, method: "POST", path: award, body: awardBody, status: 200, checkRequest: true},
			{user: lo, method: "POST", path: award, body: awardBody, status: 409},
			{user: lo, method: "PUT", path: scoresOf(closed.ID, resp.ID), body: scoresBody, status: 409},
			{user: sup, method: "GET", path: myClosed, status: 200, checkRequest: true},
			{user: lo, method: "GET", path: bid(closed.ID) + "/responses", status: 200, checkRequest: true},

			// OCDS: public once published.
			{user: "", method: "GET", path: bid(open.ID) + "/ocds.json", status: 200, checkRequest: true},
			{user: sup, method: "GET", path: bid(closed.ID) + "/ocds.json", status: 200, checkRequest: true},
			{user: ad, method: "GET", path: bid(closed.ID) + "/ocds.json", status: 200, checkRequest: true},
			{user: lo, method: "GET", path: bid(draft) + "/ocds.json", status: 404},
			{user: "", method: "GET", path: bid(draft) + "/ocds.json", status: 404},
			{user: "", method: "GET", path: bid(none) + "/ocds.json", status: 404},
		}
	})
}
