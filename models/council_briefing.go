package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// A council's generated briefing: a plain-English summary, for its
// councillors, of what Jointly's data says about the council's technology
// contracts: what comes up for decision in the next year, its legacy
// systems, the councils it could buy with, and where one supplier holds
// most of a market it buys in. It is Markdown, written from the registers
// each night (jobs.RefreshBriefings) and kept in council_briefings, so a
// page shows it without running the discovery queries.

// CouncilBriefing is one council's generated briefing.
type CouncilBriefing struct {
	CouncilGSS   string
	CouncilName  string
	OfficialName string
	Body         string // Markdown
	GeneratedAt  time.Time
}

// ReadingMinutes is how long the briefing takes to read at 200 words a
// minute, at least one (as LibraryItem.ReadingMinutes).
func (b CouncilBriefing) ReadingMinutes() int {
	return max(1, (len(strings.Fields(b.Body))+199)/200)
}

// How much of each finding a briefing lists.
const (
	briefingTopContracts = 3
	briefingTopLegacy    = 3
	briefingTopPartners  = 3
	briefingTopMarkets   = 3
	// BriefingMarketShare is the share of councils' spending in a
	// category at or above which one supplier "holds most of the market".
	BriefingMarketShare = 0.5
)

// CouncilBriefing returns council gss's briefing, generating it if there
// is none yet, for anyone who may read registers.
func (db *DB) CouncilBriefing(ctx context.Context, viewer User, gss string) (CouncilBriefing, error) {
	if !CanReadRegisters(viewer) {
		return CouncilBriefing{}, fmt.Errorf("briefing for %s: %w", gss, ErrForbidden)
	}
	c, err := db.CouncilByGSS(ctx, gss)
	if err != nil {
		return CouncilBriefing{}, err
	}
	b := CouncilBriefing{CouncilGSS: c.GSSCode, CouncilName: c.Name, OfficialName: c.OfficialName}
	var at string
	err = db.R.QueryRowContext(ctx, `SELECT body, generated_at FROM council_briefings WHERE council_gss = ?`, gss).Scan(&b.Body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return db.GenerateCouncilBriefing(ctx, gss)
	}
	if err != nil {
		return b, fmt.Errorf("briefing for %s: %w", gss, err)
	}
	b.GeneratedAt, err = parseDBTime(at)
	return b, err
}

// CouncilBriefingsDue lists the active councils whose briefing is missing
// or was generated before since, by GSS code.
func (db *DB) CouncilBriefingsDue(ctx context.Context, since time.Time) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT c.gss_code FROM councils c LEFT JOIN council_briefings b ON b.council_gss = c.gss_code
		WHERE c.active = 1 AND (b.generated_at IS NULL OR b.generated_at < ?) ORDER BY c.gss_code`, dbTime(since))
	if err != nil {
		return nil, fmt.Errorf("briefings due: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var gss string
		if err := rows.Scan(&gss); err != nil {
			return nil, err
		}
		out = append(out, gss)
	}
	return out, rows.Err()
}

// GenerateCouncilBriefing writes council gss's briefing from today's data
// and stores it, replacing the last one.
func (db *DB) GenerateCouncilBriefing(ctx context.Context, gss string) (CouncilBriefing, error) {
	var w briefingWriter
	return w.generate(ctx, db, gss)
}

// GenerateCouncilBriefings generates the briefings of councils gss, one
// after another, reading the national market once for all of them, and
// says how many it wrote. A council that has gone meanwhile is skipped. It
// stops when ctx ends; the briefings written by then are kept.
func (db *DB) GenerateCouncilBriefings(ctx context.Context, gss []string) (int, error) {
	var w briefingWriter
	n := 0
	for _, g := range gss {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		_, err := w.generate(ctx, db, g)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// briefingWriter writes briefings, keeping the national market overview
// (the same for every council) between them.
type briefingWriter struct {
	market []CategoryConcentration
	read   bool
}

func (w *briefingWriter) generate(ctx context.Context, db *DB, gss string) (CouncilBriefing, error) {
	c, err := db.CouncilByGSS(ctx, gss)
	if err != nil {
		return CouncilBriefing{}, err
	}
	if !w.read {
		if w.market, err = db.ConcentrationOverview(ctx, System, ""); err != nil {
			return CouncilBriefing{}, err
		}
		w.read = true
	}
	now := db.now()
	today := DateOf(now)
	var body strings.Builder
	fmt.Fprintf(&body, "Jointly wrote this briefing from %s's contract register, and the registers of other councils, as they stood on %s. "+
		"It is refreshed every night, so it changes when the registers do.\n\n", mdEscape(c.OfficialName), today.Long())
	for _, section := range []func(context.Context, *DB, Council, Date, *strings.Builder) error{
		writeBriefingWindows, writeBriefingLegacy, writeBriefingPartners, w.writeMarkets,
	} {
		if err := section(ctx, db, c, today, &body); err != nil {
			return CouncilBriefing{}, fmt.Errorf("briefing for %s: %w", gss, err)
		}
	}
	b := CouncilBriefing{CouncilGSS: c.GSSCode, CouncilName: c.Name, OfficialName: c.OfficialName, Body: body.String(), GeneratedAt: now}
	_, err = db.W.ExecContext(ctx, `INSERT INTO council_briefings (council_gss, body, generated_at) VALUES (?, ?, ?)
		ON CONFLICT (council_gss) DO UPDATE SET body = excluded.body, generated_at = excluded.generated_at`, gss, b.Body, dbTime(now))
	if err != nil {
		return CouncilBriefing{}, fmt.Errorf("store briefing for %s: %w", gss, err)
	}
	return b, nil
}

// BriefingWindows is what a briefing says about decision windows: the
// council's contracts whose window falls in the next 12 months, by value
// (largest first, unknown last), and how many still running have a
// window already passed.
type BriefingWindows struct {
	Coming []Contract
	Passed int
}

// CouncilBriefingWindows reads the contracts a briefing's first section
// is about, on day today.
func (db *DB) CouncilBriefingWindows(ctx context.Context, gss string, today Date) (BriefingWindows, error) {
	var w BriefingWindows
	f := ContractFilter{CouncilGSS: gss, WindowWithinDays: today.DaysUntil(today.AddMonths(12)), Today: today, Sort: SortWindow, Limit: 500}
	for {
		page, err := db.Contracts(ctx, System, f)
		if err != nil {
			return w, err
		}
		for _, c := range page.Contracts {
			switch {
			case !c.DecisionWindow.Before(today):
				w.Coming = append(w.Coming, c)
			case !c.Expired(today):
				w.Passed++
			}
		}
		if len(page.Contracts) < f.Limit {
			break
		}
		f.Offset += f.Limit
	}
	sort.SliceStable(w.Coming, func(i, j int) bool { return briefingValue(w.Coming[i]) > briefingValue(w.Coming[j]) })
	return w, nil
}

// briefingValue orders contracts by value as the register's value sort
// does: annual value, else total, else unknown (last).
func briefingValue(c Contract) int64 {
	switch {
	case c.AnnualValuePence != nil:
		return *c.AnnualValuePence
	case c.TotalValuePence != nil:
		return *c.TotalValuePence
	}
	return -1
}

// BriefingPartner is one partner council in a briefing: its best match
// and how many of the council's contracts match one of its.
type BriefingPartner struct {
	Best      PartnerMatch
	Contracts int
}

// PartnersOfMatches groups ranked matches by partner council, best first.
func PartnersOfMatches(ms []PartnerMatch) []BriefingPartner {
	var out []BriefingPartner
	at := map[string]int{}
	seen := map[[2]any]bool{}
	for _, m := range ms {
		i, ok := at[m.PartnerGSS]
		if !ok {
			i = len(out)
			at[m.PartnerGSS] = i
			out = append(out, BriefingPartner{Best: m})
		}
		if k := [2]any{m.PartnerGSS, m.ContractID}; !seen[k] {
			seen[k] = true
			out[i].Contracts++
		}
	}
	return out
}

// BriefingMarket is a category the council buys in where one supplier
// holds most of councils' spending nationally.
type BriefingMarket struct {
	CategoryConcentration
	CouncilUsesTop bool // the council buys from that supplier there
}

// CouncilBriefingMarkets picks from market (ConcentrationOverview) the
// categories council gss buys in (a current contract) whose largest
// supplier has at least BriefingMarketShare of the spending, largest
// share first.
func (db *DB) CouncilBriefingMarkets(ctx context.Context, gss string, today Date, market []CategoryConcentration) ([]BriefingMarket, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT DISTINCT c.category_slug, c.supplier_id FROM contracts c
		WHERE c.council_gss = ? AND c.category_slug IS NOT NULL AND `+concentrationCurrent, gss, today.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	suppliers := map[string]map[int64]bool{}
	for rows.Next() {
		var slug string
		var supplier int64
		if err := rows.Scan(&slug, &supplier); err != nil {
			return nil, err
		}
		if suppliers[slug] == nil {
			suppliers[slug] = map[int64]bool{}
		}
		suppliers[slug][supplier] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []BriefingMarket
	for _, m := range market {
		if s, ok := suppliers[m.Category.Slug]; ok && m.HasHHI && m.TopShare >= BriefingMarketShare {
			out = append(out, BriefingMarket{CategoryConcentration: m, CouncilUsesTop: s[m.TopSupplierID]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].TopShare > out[j].TopShare })
	return out, nil
}
