package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// A joint bid as an OCDS 1.1 release package: one release for the bid's
// contracting process, holding the tender as published and, once awarded,
// the award and the resulting contract in each participating council's
// register. Every participating council is a party with the role buyer,
// and the lead is the release's buyer. Nothing from any response goes in
// but the awarded supplier, and only once the award is made: sealed
// responses and unsuccessful respondents never appear.

// BidOCDSPath is where bid id's release package is served.
func BidOCDSPath(id int64) string { return fmt.Sprintf("/api/v1/bids/%d/ocds.json", id) }

// BidOCID is bid id's Open Contracting ID under prefix.
func BidOCID(prefix string, id int64) string { return prefix + "-bid-" + strconv.FormatInt(id, 10) }

type ocdsBidPackage struct {
	ocdsPackageHead
	Releases []ocdsBidRelease `json:"releases"`
}

type ocdsBidRelease struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language"`
	Parties        []ocdsParty    `json:"parties"`
	Buyer          ocdsOrgRef     `json:"buyer"`
	Tender         ocdsTender     `json:"tender"`
	Awards         []ocdsBidAward `json:"awards,omitempty"`
	Contracts      []ocdsContract `json:"contracts,omitempty"`
}

type ocdsTender struct {
	ID                      string      `json:"id"`
	Title                   string      `json:"title"`
	Description             string      `json:"description,omitempty"`
	Status                  string      `json:"status"`
	Items                   []ocdsItem  `json:"items,omitempty"`
	Value                   *ocdsValue  `json:"value,omitempty"`
	ProcurementMethod       string      `json:"procurementMethod"`
	MainProcurementCategory string      `json:"mainProcurementCategory"`
	AwardCriteria           string      `json:"awardCriteria"`
	AwardCriteriaDetails    string      `json:"awardCriteriaDetails,omitempty"`
	TenderPeriod            ocdsPeriod  `json:"tenderPeriod"`
	EnquiryPeriod           ocdsPeriod  `json:"enquiryPeriod"`
	AwardPeriod             *ocdsPeriod `json:"awardPeriod,omitempty"`
}

type ocdsBidAward struct {
	ID             string       `json:"id"`
	Title          string       `json:"title"`
	Status         string       `json:"status"`
	Date           string       `json:"date"`
	Value          *ocdsValue   `json:"value"`
	Suppliers      []ocdsOrgRef `json:"suppliers"`
	ContractPeriod *ocdsPeriod  `json:"contractPeriod,omitempty"`
}

// BidReleasePackage is bid bidID's OCDS release package as JSON, for
// viewer: anyone once the bid is published (an unpublished bid is not
// found, as its page would be). prefix starts the ocid (DefaultOCIDPrefix
// if ""); baseURL is Jointly's absolute public address.
func (db *DB) BidReleasePackage(ctx context.Context, viewer User, bidID int64, prefix, baseURL string) ([]byte, error) {
	opts := OCDSOptions{OCIDPrefix: prefix, BaseURL: baseURL}
	if err := opts.check(); err != nil {
		return nil, err
	}
	b, err := db.BidByID(ctx, viewer, bidID) // the visibility rule, and closes a bid that is due
	if err != nil {
		return nil, err
	}
	if b.PublishedAt.IsZero() {
		return nil, &PublicError{Status: http.StatusNotFound,
			Message: "This bid has not been published, so it has no OCDS release yet."}
	}
	var award *Award
	if b.Status == BidAwarded {
		a, err := db.loadAward(ctx, bidID)
		if err != nil {
			return nil, err
		}
		award = &a
	}
	rel, err := db.bidRelease(ctx, b, award, opts.OCIDPrefix)
	if err != nil {
		return nil, err
	}
	pkg := ocdsBidPackage{
		ocdsPackageHead: ocdsPackageHead{
			URI: opts.BaseURL + BidOCDSPath(bidID), Version: "1.1", PublishedDate: rel.Date,
			Publisher: ocdsPublisher{Name: opts.Publisher, URI: opts.BaseURL + "/"}, License: OGLv3,
		},
		Releases: []ocdsBidRelease{rel},
	}
	return json.Marshal(pkg)
}

// bidRelease builds the release. Its date is the bid's last status change
// (publishing, closing, the award or cancelling): nothing in it changes
// otherwise, as a published bid's content is fixed.
func (db *DB) bidRelease(ctx context.Context, b Bid, award *Award, prefix string) (ocdsBidRelease, error) {
	ocid := BidOCID(prefix, b.ID)
	date := b.PublishedAt
	for _, h := range b.History {
		if h.At.After(date) {
			date = h.At
		}
	}
	if award != nil && award.AwardedAt.After(date) {
		date = award.AwardedAt
	}
	var buyers []Council
	for _, p := range b.Participants { // the lead first
		if !p.Accepted() {
			continue
		}
		c, err := db.CouncilByGSS(ctx, p.CouncilGSS)
		if err != nil {
			return ocdsBidRelease{}, err
		}
		buyers = append(buyers, c)
	}
	if len(buyers) == 0 {
		return ocdsBidRelease{}, fmt.Errorf("bid %d has no participating council", b.ID)
	}
	parties, buyer := buyerParties(buyers)
	tender, err := db.bidTender(ctx, b)
	if err != nil {
		return ocdsBidRelease{}, err
	}
	rel := ocdsBidRelease{
		OCID: ocid, ID: ocid + "-" + date.UTC().Format("20060102T150405Z"), Date: ocdsTime(date),
		Tag: []string{"tender"}, InitiationType: "tender", Language: "en",
		Buyer: buyer, Tender: tender,
	}
	switch {
	case b.Status == BidCancelled:
		rel.Tag = append(rel.Tag, "tenderCancellation")
	case award != nil:
		rel.Tag = append(rel.Tag, "award", "contract")
		supplier, err := db.awardedSupplierParty(ctx, *award)
		if err != nil {
			return ocdsBidRelease{}, err
		}
		parties = append(parties, supplier)
		awardID := fmt.Sprintf("bid-%d-award", b.ID)
		period := &ocdsPeriod{StartDate: ocdsDate(award.StartDate), EndDate: ocdsDate(award.EndDate)}
		rel.Awards = []ocdsBidAward{{
			ID: awardID, Title: b.Title, Status: "active", Date: ocdsTime(award.AwardedAt),
			Value:          &ocdsValue{Amount: ocdsAmount(award.ValuePence), Currency: "GBP"},
			Suppliers:      []ocdsOrgRef{{ID: supplier.ID, Name: supplier.Name}},
			ContractPeriod: period,
		}}
		rel.Tender.AwardPeriod = &ocdsPeriod{StartDate: ocdsTime(b.ResponseDeadline), EndDate: ocdsTime(award.AwardedAt)}
		if rel.Contracts, err = db.bidContracts(ctx, b.ID, awardID, DateOf(db.now())); err != nil {
			return ocdsBidRelease{}, err
		}
	}
	rel.Parties = parties
	return rel, nil
}

// tenderStatus is the bid's status in OCDS's closed tenderStatus codelist:
// active while open and under evaluation, complete once awarded.
func tenderStatus(s BidStatus) string {
	switch s {
	case BidAwarded:
		return "complete"
	case BidCancelled:
		return "cancelled"
	}
	return "active"
}

func (db *DB) bidTender(ctx context.Context, b Bid) (ocdsTender, error) {
	t := ocdsTender{
		ID: strconv.FormatInt(b.ID, 10), Title: b.Title, Description: b.Summary, Status: tenderStatus(b.Status),
		ProcurementMethod: "open", MainProcurementCategory: "services", AwardCriteria: "ratedCriteria",
		TenderPeriod:  ocdsPeriod{StartDate: ocdsTime(b.PublishedAt), EndDate: ocdsTime(b.ResponseDeadline)},
		EnquiryPeriod: ocdsPeriod{StartDate: ocdsTime(b.PublishedAt), EndDate: ocdsTime(b.ClarificationDeadline)},
	}
	if len(b.Criteria) > 0 {
		parts := make([]string, len(b.Criteria))
		for i, c := range b.Criteria {
			parts[i] = fmt.Sprintf("%s: %d%%", c.Name, c.Weight)
		}
		t.AwardCriteriaDetails = "Responses are scored on each criterion and weighted: " + strings.Join(parts, "; ") + "."
	}
	item := ocdsItem{ID: "1", Description: b.CategoryName}
	if code, label, ok := CategoryCPV(b.CategorySlug); ok {
		item.Classification = &ocdsClassification{Scheme: "CPV", ID: code, Description: label}
	}
	t.Items = []ocdsItem{item}
	// The estimate suppliers filter opportunities by is public.
	var estimate sql.NullInt64
	if err := db.R.QueryRowContext(ctx, `SELECT estimated_value_pence FROM bids WHERE id = ?`, b.ID).Scan(&estimate); err != nil {
		return t, fmt.Errorf("estimate of bid %d: %w", b.ID, err)
	}
	if estimate.Valid {
		t.Value = valueOf(&estimate.Int64)
	}
	return t, nil
}

// awardedSupplierParty is the winning supplier, identified by its
// Companies House number (GB-COH) when the register knows it.
func (db *DB) awardedSupplierParty(ctx context.Context, a Award) (ocdsParty, error) {
	var number string
	if err := db.R.QueryRowContext(ctx, `SELECT coalesce(companies_house_number, '') FROM suppliers WHERE id = ?`, a.SupplierID).
		Scan(&number); err != nil {
		return ocdsParty{}, fmt.Errorf("supplier %d: %w", a.SupplierID, err)
	}
	p := supplierParty(Contract{SupplierID: a.SupplierID, SupplierName: a.SupplierName, SupplierCompanyNumber: number})
	p.Roles = []string{"tenderer", "supplier"}
	return p, nil
}

// bidContracts are the contracts the award created, one in each council's
// register, as they now stand there: value, dates and status as of today.
func (db *DB) bidContracts(ctx context.Context, bidID int64, awardID string, today Date) ([]ocdsContract, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT c.id, c.title, coalesce(nullif(co.official_name, ''), co.name), c.total_value_pence, c.start_date, c.end_date
		FROM contracts c JOIN councils co ON co.gss_code = c.council_gss WHERE c.bid_id = ? ORDER BY c.council_gss, c.id`, bidID)
	if err != nil {
		return nil, fmt.Errorf("contracts of bid %d: %w", bidID, err)
	}
	defer rows.Close()
	var out []ocdsContract
	for rows.Next() {
		var k Contract
		var value sql.NullInt64
		if err := rows.Scan(&k.ID, &k.Title, &k.CouncilName, &value, &k.StartDate, &k.EndDate); err != nil {
			return nil, err
		}
		if value.Valid {
			k.TotalValuePence = &value.Int64
		}
		c := ocdsContract{
			ID: strconv.FormatInt(k.ID, 10), AwardID: awardID, Title: k.Title,
			Description: "The contract in " + k.CouncilName + "'s register, for its share of the joint award.",
			Status:      contractStatus(k, today), Value: valueOf(k.TotalValuePence),
		}
		if p := (ocdsPeriod{StartDate: ocdsDate(k.StartDate), EndDate: ocdsDate(k.EndDate)}); p != (ocdsPeriod{}) {
			c.Period = &p
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
