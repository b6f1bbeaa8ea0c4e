package models

import (
	"context"
	"fmt"
)

// SeedDemoBids adds two joint bids to the demo, so a first visit has
// something to look at: a draft led by Leeds awaiting Bradford's answer,
// and a bid led by Bradford with Leeds, signed off and published. Each is
// built through the same functions the pages call, so it obeys every
// rule. It does nothing when any bid exists, so seeding twice is harmless.
func (db *DB) SeedDemoBids(ctx context.Context) error {
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM bids`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	leeds, err := db.UserByEmail(ctx, "cio@leeds.gov.uk")
	if err != nil {
		return fmt.Errorf("demo bids: %w", err)
	}
	bradford, err := db.UserByEmail(ctx, "digital@bradford.gov.uk")
	if err != nil {
		return fmt.Errorf("demo bids: %w", err)
	}
	replaces := func(gss, category string) []int64 {
		var id int64
		err := db.R.QueryRowContext(ctx, `SELECT id FROM contracts WHERE council_gss = ? AND category_slug = ?
			ORDER BY decision_window_date IS NULL, decision_window_date, id LIMIT 1`, gss, category).Scan(&id)
		if err != nil {
			return nil
		}
		return []int64{id}
	}

	// A draft: Leeds has invited Bradford, which has not answered yet.
	ids := append(replaces(leeds.CouncilGSS, "revenues-benefits"), replaces(bradford.CouncilGSS, "revenues-benefits")...)
	if _, err := db.CreateBid(ctx, leeds, NewBid{
		Title:               "Revenues and benefits system for Leeds and Bradford",
		Summary:             "Replacing two on-premises revenues and benefits systems with one hosted service, procured once.",
		CategorySlug:        "revenues-benefits",
		PartnerGSS:          []string{bradford.CouncilGSS},
		ReplacesContractIDs: ids,
	}); err != nil {
		return fmt.Errorf("demo draft bid: %w", err)
	}

	// Published: Bradford leads, Leeds accepted, both signed off.
	id, err := db.CreateBid(ctx, bradford, NewBid{
		Title:        "Shared cyber security monitoring service",
		Summary:      "A security operations centre watching both councils' networks around the clock.",
		CategorySlug: "cyber-security",
		PartnerGSS:   []string{leeds.CouncilGSS},
	})
	if err != nil {
		return fmt.Errorf("demo published bid: %w", err)
	}
	if err := db.AnswerInvitation(ctx, leeds, id, leeds.CouncilGSS, true); err != nil {
		return fmt.Errorf("demo published bid: %w", err)
	}
	budget := int64(45_000_000)
	if err := db.UpdateParticipant(ctx, leeds, id, leeds.CouncilGSS, ParticipantInput{
		Requirements: "Cover for 14,000 staff devices and 400 servers across two data centres.",
		Volumes:      "14,000 endpoints; 400 servers; 2 data centres.", BudgetPence: &budget,
	}); err != nil {
		return fmt.Errorf("demo published bid: %w", err)
	}
	for _, u := range []User{bradford, leeds} {
		if _, err := db.SignOffBid(ctx, u, id); err != nil {
			return fmt.Errorf("demo published bid: %w", err)
		}
	}
	if err := db.PublishBid(ctx, bradford, id, PublishInput{}); err != nil {
		return fmt.Errorf("demo published bid: %w", err)
	}
	return nil
}
