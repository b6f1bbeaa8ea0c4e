package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"jointly/models"
)

func answersFor(t *testing.T, b models.Bid, text string) []models.AnswerInput {
	t.Helper()
	var out []models.AnswerInput
	for _, c := range b.Criteria {
		out = append(out, models.AnswerInput{CriterionID: c.ID, Text: text + " for " + c.Name})
	}
	return out
}

func wantPublic(t *testing.T, err error, status int, contains string) {
	t.Helper()
	var pub *models.PublicError
	if !errors.As(err, &pub) || pub.Status != status || !strings.Contains(pub.Message, contains) {
		t.Fatalf("got %v, want a %d saying %q", err, status, contains)
	}
}

func TestSealedResponseToAward(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t)
	id := w.publishedBid(t)
	b, _ := w.db.BidByID(ctx, w.leeds, id)
	price := int64(120_000_00)

	// A draft, then a submission with a receipt over the canonical content.
	if _, _, err := w.db.SaveResponse(ctx, w.supplier, id, models.ResponseInput{Answers: answersFor(t, b, "Draft")}); err != nil {
		t.Fatal(err)
	}
	answers := answersFor(t, b, "Final")
	r, receipt, err := w.db.SaveResponse(ctx, w.supplier, id, models.ResponseInput{Answers: answers, PricePence: &price, Submit: true})
	if err != nil {
		t.Fatal(err)
	}
	if receipt == nil || receipt.SHA256 != models.ResponseDigest(id, w.supplier.SupplierID, price, answers) || r.Status != models.ResponseSubmitted {
		t.Fatalf("receipt %+v, status %s", receipt, r.Status)
	}
	// A draft save cannot undo the submission.
	_, _, err = w.db.SaveResponse(ctx, w.supplier, id, models.ResponseInput{Answers: answers})
	wantPublic(t, err, 409, "submit the revised response")

	// Sealed: nobody on the councils' side reads it, the panel included.
	if err := w.db.SetPanelMember(ctx, w.leeds, id, w.leeds.ID, models.PanelChair); err != nil {
		t.Fatal(err)
	}
	if err := w.db.SetPanelMember(ctx, w.leeds, id, w.bradford.ID, models.PanelEvaluator); err != nil {
		t.Fatal(err)
	}
	for _, u := range []models.User{w.leeds, w.bradford} {
		if err := w.db.DeclareInterests(ctx, u, id, false, ""); err != nil {
			t.Fatal(err)
		}
		_, err := w.db.BidResponses(ctx, u, id)
		wantPublic(t, err, 403, "1 response has been submitted")
		if n, err := w.db.SubmittedResponseCount(ctx, u, id); err != nil || n != 1 {
			t.Fatalf("count %d, %v", n, err)
		}
	}

	// The deadline passes: late submissions are refused; reads close the bid.
	w.clock.T = b.ResponseDeadline
	_, _, err = w.db.SaveResponse(ctx, w.supplier, id, models.ResponseInput{Answers: answers, PricePence: &price, Submit: true})
	wantPublic(t, err, 409, "has passed")
	if _, err := w.db.WithdrawResponse(ctx, w.supplier, id); err == nil {
		t.Fatal("withdrew after the deadline")
	}
	rs, err := w.db.BidResponses(ctx, w.leeds, id)
	if err != nil || len(rs) != 1 || rs[0].SupplierName == "" {
		t.Fatalf("after the close: %d responses, %v", len(rs), err)
	}
	b, _ = w.db.BidByID(ctx, w.leeds, id)
	if b.Status != models.BidClosed {
		t.Fatalf("status %s, want closed", b.Status)
	}

	// Each scores alone; others' scores stay hidden until one submits.
	scores := func(n int) []models.ScoreInput {
		var out []models.ScoreInput
		for _, c := range b.Criteria {
			out = append(out, models.ScoreInput{CriterionID: c.ID, Score: n, Justification: "Because"})
		}
		return out
	}
	if err := w.db.SaveScores(ctx, w.bradford, id, rs[0].ID, scores(6)); err != nil {
		t.Fatal(err)
	}
	sheet, err := w.db.ScoreSheet(ctx, w.leeds, id)
	if err != nil || len(sheet.Others) != 0 || !sheet.OthersHidden {
		t.Fatalf("chair before submitting sees %d others' scores (hidden %v), %v", len(sheet.Others), sheet.OthersHidden, err)
	}
	if err := w.db.SaveScores(ctx, w.leeds, id, rs[0].ID, scores(8)); err != nil {
		t.Fatal(err)
	}
	err = w.db.SaveModeratedScores(ctx, w.leeds, id, rs[0].ID, scores(7))
	wantPublic(t, err, 409, "2 members are still to submit")
	for _, u := range []models.User{w.leeds, w.bradford} {
		if err := w.db.SubmitScores(ctx, u, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.db.SaveModeratedScores(ctx, w.bradford, id, rs[0].ID, scores(7)); err == nil {
		t.Fatal("an evaluator moderated")
	}
	if err := w.db.SaveModeratedScores(ctx, w.leeds, id, rs[0].ID, scores(7)); err != nil {
		t.Fatal(err)
	}
	sheet, _ = w.db.ScoreSheet(ctx, w.leeds, id)
	if len(sheet.Others) != len(b.Criteria) || len(sheet.Ranking) != 1 || sheet.Ranking[0].Total != 70 || !sheet.Ranking[0].Complete {
		t.Fatalf("sheet after moderation: %d others, ranking %+v", len(sheet.Others), sheet.Ranking)
	}

	// The chair awards; each council's register gains the contract.
	before := count(t, w.db, "contracts")
	award, err := w.db.AwardBid(ctx, w.leeds, id, models.AwardInput{ResponseID: rs[0].ID, ValuePence: 1_000_001,
		StartDate: models.NewDate(2027, time.April, 1), EndDate: models.NewDate(2030, time.March, 31)})
	if err != nil {
		t.Fatal(err)
	}
	if got := count(t, w.db, "contracts") - before; got != 2 || len(award.ContractIDs) != 2 {
		t.Fatalf("%d contracts created, want one per council", got)
	}
	var total int64
	for _, cid := range award.ContractIDs {
		k, err := w.db.ContractByID(ctx, models.System, cid)
		if err != nil {
			t.Fatal(err)
		}
		total += *k.TotalValuePence
		// 1 April 2027 to 31 March 2030 is 1,096 days: the annual value
		// is the share spread over them.
		if want := (*k.TotalValuePence*365 + 548) / 1096; k.AnnualValuePence == nil || *k.AnnualValuePence != want {
			t.Errorf("contract %d: annual value %v, want %d", cid, k.AnnualValuePence, want)
		}
	}
	if total != 1_000_001 {
		t.Fatalf("shares add up to %d", total)
	}
	out, err := w.db.ResponseOutcome(ctx, w.supplier, id)
	if err != nil || !out.Won {
		t.Fatalf("outcome %+v, %v", out, err)
	}
	if _, err := w.db.AwardBid(ctx, w.leeds, id, models.AwardInput{ResponseID: rs[0].ID, ValuePence: 1,
		StartDate: models.NewDate(2027, time.April, 1), EndDate: models.NewDate(2030, time.March, 31)}); err == nil {
		t.Fatal("awarded twice")
	}
	if n, err := w.db.VerifyAuditChain(ctx); err != nil || n == 0 {
		t.Fatalf("audit chain: %d checked, %v", n, err)
	}
}
