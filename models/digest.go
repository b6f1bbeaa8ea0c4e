package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The digest: one email per person, daily or on Mondays, grouping what is
// new for them in the window (since, until] — since is the end of what
// their last digest covered, until the digest's scheduled time. What each
// section holds, and who may see it, is decided here by the same rules
// the pages use (bidAccess, bidVisibleSQL, libraryVisibleSQL,
// PartnerMatches); jobs/digest.go only renders and records it.
//
// At national scale (20,000 people, 418 councils) most of the work is the
// same for everyone of one council, role and window, so a DigestBuilder
// computes each part once per run and reuses it: a council's contracts,
// partner matches and bid activity; the public bid activity, new
// opportunities and library items of a window. Per person there is then
// at most one query (a supplier's categories, once per supplier).

// DigestSectionLimit is how many items a section of the digest lists
// before "and N more".
const DigestSectionLimit = 10

// DigestWindowDays is how far ahead a contract's decision window is when
// the digest first mentions it: the "soon" of Contract.WindowStatus.
const DigestWindowDays = 120

// DigestRecipient is a person due a digest.
type DigestRecipient struct {
	User
	Frequency string    // DigestDaily or DigestWeekly
	Since     time.Time // the end of what their last digest covered; zero before the first
}

// Start is the beginning (exclusive) of what r's digest until covers: the
// end of their last digest, or before the first one a day or a week back.
func (r DigestRecipient) Start(until time.Time) time.Time {
	if !r.Since.IsZero() {
		return r.Since
	}
	days := 1
	if r.Frequency == DigestWeekly {
		days = 7
	}
	return until.In(London()).AddDate(0, 0, -days).UTC()
}

// WeeklyDigestStart is the most recent Monday, at at's UK clock time, at
// or before at. A weekly digest is due at at when the last one covered
// less than that, so a run on Tuesday catches up a Monday that was
// missed, and nobody gets two in a week.
func WeeklyDigestStart(at time.Time) time.Time {
	l := at.In(London())
	back := (int(l.Weekday()) + 6) % 7 // days since Monday
	y, m, d := l.Date()
	return time.Date(y, m, d-back, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), London()).UTC()
}

// DueDigests lists, in id order after afterID, up to limit people due
// their digest for period (scheduled at at, covering up to until, which is
// at or, for a run made later, when it started): active and verified,
// daily, or weekly with no digest since the last Monday at at's time (a
// weekly person who never had one only on a Monday), whose last digest
// ended before until, and
// who have no digest recorded for period, so a rerun after a crash
// carries on where the last one stopped.
func (db *DB) DueDigests(ctx context.Context, period string, at, until time.Time, afterID int64, limit int) ([]DigestRecipient, error) {
	monday := WeeklyDigestStart(at)
	isMonday := monday.Equal(at.UTC())
	// +u.digest: walk users by id (the order wanted), not users_digest.
	rows, err := db.R.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.role, coalesce(u.council_gss, ''), coalesce(c.name, ''),
		coalesce(u.supplier_id, 0), coalesce(s.name, ''), u.digest, coalesce(u.digest_since, '')
		FROM users u LEFT JOIN councils c ON c.gss_code = u.council_gss LEFT JOIN suppliers s ON s.id = u.supplier_id
		WHERE u.id > ? AND u.disabled_at IS NULL AND u.awaiting_verification = 0
		  AND (u.digest_since IS NULL OR u.digest_since < ?)
		  AND (+u.digest = 'daily' OR (+u.digest = 'weekly' AND (u.digest_since < ? OR (u.digest_since IS NULL AND ?))))
		  AND NOT EXISTS (SELECT 1 FROM digest_sends d WHERE d.user_id = u.id AND d.period = ?)
		ORDER BY u.id LIMIT ?`, afterID, dbTime(until), dbTime(monday), isMonday, period, limit)
	if err != nil {
		return nil, fmt.Errorf("people due a digest: %w", err)
	}
	defer rows.Close()
	var out []DigestRecipient
	for rows.Next() {
		var r DigestRecipient
		var since string
		if err := rows.Scan(&r.ID, &r.Email, &r.Name, &r.Role, &r.CouncilGSS, &r.CouncilName, &r.SupplierID, &r.SupplierName,
			&r.Frequency, &since); err != nil {
			return nil, err
		}
		r.Since, _ = parseDBTime(since)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordDigestTx records, inside tx, person userID's digest for period:
// how many items it held and the email e (nil when there was nothing new,
// so no email), queued in the same transaction, and moves the end of what
// their digests have covered on to until. It returns false, doing
// nothing, when their digest for period is already recorded.
func RecordDigestTx(ctx context.Context, tx *sql.Tx, now time.Time, userID int64, period string, until time.Time, items int, e *Email) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO digest_sends (user_id, period, email_id, items, at) VALUES (?, ?, NULL, ?, ?)
		ON CONFLICT (user_id, period) DO NOTHING`, userID, period, items, dbTime(now))
	if err != nil {
		return false, fmt.Errorf("record digest for user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if e != nil {
		id, err := QueueEmail(ctx, tx, now, *e)
		if err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE digest_sends SET email_id = ? WHERE user_id = ? AND period = ?`, id, userID, period); err != nil {
			return false, fmt.Errorf("record digest for user %d: %w", userID, err)
		}
	}
	// Never backwards: a forced run for an earlier period leaves a later
	// digest's end where it is.
	if _, err := tx.ExecContext(ctx, `UPDATE users SET digest_since = ? WHERE id = ? AND (digest_since IS NULL OR digest_since < ?)`,
		dbTime(until), userID, dbTime(until)); err != nil {
		return false, fmt.Errorf("record digest for user %d: %w", userID, err)
	}
	return true, nil
}

// DigestSection is one section of a digest: its first DigestSectionLimit
// items and how many there are in all.
type DigestSection[T any] struct {
	Items []T
	Total int
}

// More is how many items the section does not list.
func (s DigestSection[T]) More() int { return s.Total - len(s.Items) }

func section[T any](all []T) DigestSection[T] {
	return DigestSection[T]{Items: all[:min(len(all), DigestSectionLimit)], Total: len(all)}
}

// Digest is what one person's digest holds. A section a person's role
// does not get is empty.
type Digest struct {
	Recipient    DigestRecipient
	Since, Until time.Time
	// Officers and councillors: their council's contracts whose decision
	// window came within DigestWindowDays in the window.
	DecisionWindows DigestSection[DigestContract]
	// Officers: other councils' contracts, created or changed in the
	// window, among their council's partner matches.
	PartnerMatches DigestSection[PartnerMatch]
	// Activity in joint bids: for officers and councillors, in bids their
	// council takes part in (not their own doing); for suppliers, the
	// public news of opportunities they follow or responded to.
	BidActivity DigestSection[DigestActivity]
	// Suppliers: opportunities published in the window in their
	// categories, still open.
	Opportunities DigestSection[Opportunity]
	// Everyone: library items approved in the window, for their audience.
	Library DigestSection[DigestLibraryItem]
}

// Items is how many items the digest holds in all.
func (d Digest) Items() int {
	return d.DecisionWindows.Total + d.PartnerMatches.Total + d.BidActivity.Total + d.Opportunities.Total + d.Library.Total
}

// DigestContract is a contract whose decision window is coming up.
type DigestContract struct {
	ID           int64
	Title        string
	SupplierName string
	Window       Date
	End          Date // when it really ends (Contract.EffectiveEnd)
}

// DigestActivity is one thing that happened in a joint bid.
type DigestActivity struct {
	ID       int64
	BidID    int64
	BidTitle string
	ActorID  int64
	// What happened, as a sentence: "Sam Okafor commented on “Scope”" for
	// the councils' side; for suppliers, without the officer's name.
	What string
	At   time.Time
}

// DigestLibraryItem is a library item approved in the window.
type DigestLibraryItem struct {
	ID          int64
	Kind        string
	Title       string
	Summary     string
	CouncilName string // "" for the CIO council's own items
	Updated     bool   // a new version of an item published before
	ApprovedBy  int64
	PublishedAt time.Time
}

// supplierActivityKinds are the bid events suppliers may hear of: answers
// to clarification questions, closing and the award, all public on the
// opportunity's page. Nothing sealed is ever in the activity feed.
var supplierActivityKinds = []string{"answer", "closed", "awarded"}

// DigestBuilder computes digests for one run, keeping what is the same for
// many people. It is not safe for concurrent use.
type DigestBuilder struct {
	db         *DB
	cache      map[string]any
	categories map[int64][]string
}

// digestCacheSize bounds the builder's memory: when full it starts again
// (people come in id order, so mostly one window; a cleared entry is
// merely computed again).
const digestCacheSize = 5000

// NewDigestBuilder starts a run's digests.
func (db *DB) NewDigestBuilder() *DigestBuilder {
	return &DigestBuilder{db: db, cache: map[string]any{}, categories: map[int64][]string{}}
}

// cached returns the value kept under key, computing it the first time.
func cached[T any](b *DigestBuilder, key string, compute func() (T, error)) (T, error) {
	if v, ok := b.cache[key]; ok {
		return v.(T), nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	if len(b.cache) >= digestCacheSize {
		b.cache = map[string]any{}
	}
	b.cache[key] = v
	return v, nil
}

// Build is r's digest for the window ending at until.
func (b *DigestBuilder) Build(ctx context.Context, r DigestRecipient, until time.Time) (Digest, error) {
	d := Digest{Recipient: r, Since: r.Start(until), Until: until.UTC()}
	w := digestWindow{since: d.Since, until: d.Until}
	var err error
	switch r.Role {
	case RoleOfficer, RoleCouncillor:
		if r.CouncilGSS == "" {
			break
		}
		if d.DecisionWindows, err = b.decisionWindows(ctx, r.CouncilGSS, w); err != nil {
			return d, err
		}
		if r.Role == RoleOfficer {
			if d.PartnerMatches, err = b.partnerMatches(ctx, r.User, w); err != nil {
				return d, err
			}
		}
		if d.BidActivity, err = b.councilActivity(ctx, r.User, w); err != nil {
			return d, err
		}
	case RoleSupplier:
		if d.BidActivity, err = b.supplierActivity(ctx, r.User, w); err != nil {
			return d, err
		}
		if d.Opportunities, err = b.opportunities(ctx, r.User, w); err != nil {
			return d, err
		}
	}
	if d.Library, err = b.library(ctx, r.User, w); err != nil {
		return d, err
	}
	return d, nil
}

// digestWindow is (since, until].
type digestWindow struct{ since, until time.Time }

func (w digestWindow) key() string { return dbTime(w.since) + "|" + dbTime(w.until) }

// currentContractSQL is Contract.Expired's rule turned round, as SQL on
// contracts k with today as its parameter: the contract ends (at its
// maximum extension when the council means to extend) today or later.
// partnerCurrent is the same rule for partner matching's candidates.
const currentContractSQL = `coalesce(CASE WHEN k.extension_intended = 1 THEN k.max_extension_date END, k.end_date) >= ?`

// decisionWindows lists council gss's contracts whose decision window
// came within DigestWindowDays in the window, by UK date: each contract on
// the one day it crosses, never one already expired or whose window has
// passed.
func (b *DigestBuilder) decisionWindows(ctx context.Context, gss string, w digestWindow) (DigestSection[DigestContract], error) {
	all, err := cached(b, "windows|"+gss+"|"+w.key(), func() ([]DigestContract, error) {
		today := DateOf(b.db.now())
		from := DateOf(w.since).AddDays(DigestWindowDays)
		to := DateOf(w.until).AddDays(DigestWindowDays)
		rows, err := b.db.R.QueryContext(ctx, `SELECT k.id, k.title, s.name, k.decision_window_date,
			coalesce(CASE WHEN k.extension_intended = 1 THEN k.max_extension_date END, k.end_date)
			FROM contracts k JOIN suppliers s ON s.id = k.supplier_id
			WHERE k.council_gss = ? AND k.decision_window_date > ? AND k.decision_window_date <= ? AND k.decision_window_date >= ?
			  AND `+currentContractSQL+`
			ORDER BY k.decision_window_date, k.title, k.id`, gss, from, to, today, today)
		if err != nil {
			return nil, fmt.Errorf("decision windows of %s: %w", gss, err)
		}
		defer rows.Close()
		var out []DigestContract
		for rows.Next() {
			var c DigestContract
			if err := rows.Scan(&c.ID, &c.Title, &c.SupplierName, &c.Window, &c.End); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	})
	return section(all), err
}

// partnerMatches is officer u's council's partner matches (PartnerMatches,
// as the partners page lists them) whose partner contract was created or
// last changed in the window. PartnerMatches is the costly part (tens of
// milliseconds a council at national scale), so it runs once per council
// and window, and only for a council with a contract sharing a product or
// a category with one changed in the window: no other can have a new match.
func (b *DigestBuilder) partnerMatches(ctx context.Context, u User, w digestWindow) (DigestSection[PartnerMatch], error) {
	changed, err := cached(b, "changed|"+w.key(), func() (changedContracts, error) {
		return b.db.changedContracts(ctx, w)
	})
	if err != nil || changed.none {
		return DigestSection[PartnerMatch]{}, err
	}
	all, err := cached(b, "partners|"+u.CouncilGSS+"|"+w.key(), func() ([]PartnerMatch, error) {
		var related bool
		if err := b.db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM contracts k
			WHERE k.council_gss = ? AND k.decision_window_date IS NOT NULL
			  AND (k.category_slug IN (SELECT value FROM json_each(?)) OR k.product_id IN (SELECT value FROM json_each(?))))`,
			u.CouncilGSS, changed.categories, changed.products).Scan(&related); err != nil || !related {
			return nil, err
		}
		ms, err := b.db.PartnerMatches(ctx, u, u.CouncilGSS, PartnerOptions{})
		if err != nil || len(ms) == 0 {
			return nil, err
		}
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.PartnerContractID
		}
		fresh, err := b.db.idSet(ctx, `SELECT id FROM contracts WHERE id IN (SELECT value FROM json_each(?))
			AND updated_at > ? AND updated_at <= ?`, jsonIDs(ids), dbTime(w.since), dbTime(w.until))
		if err != nil {
			return nil, fmt.Errorf("new partner matches of %s: %w", u.CouncilGSS, err)
		}
		return slices.DeleteFunc(ms, func(m PartnerMatch) bool { return !fresh[m.PartnerContractID] }), nil
	})
	return section(all), err
}

// changedContracts is what the contracts created or changed in a window
// that could be partners (they have a decision window) share with others:
// their products and categories, as JSON arrays.
type changedContracts struct {
	none                 bool
	products, categories string
}

func (db *DB) changedContracts(ctx context.Context, w digestWindow) (changedContracts, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT DISTINCT coalesce(product_id, 0), coalesce(category_slug, '') FROM contracts
		WHERE updated_at > ? AND updated_at <= ? AND decision_window_date IS NOT NULL`, dbTime(w.since), dbTime(w.until))
	if err != nil {
		return changedContracts{}, fmt.Errorf("contracts changed: %w", err)
	}
	defer rows.Close()
	var products []int64
	categories := []string{}
	seen := map[string]bool{}
	for rows.Next() {
		var product int64
		var category string
		if err := rows.Scan(&product, &category); err != nil {
			return changedContracts{}, err
		}
		if product != 0 {
			products = append(products, product)
		}
		if category != "" && !seen[category] {
			seen[category] = true
			categories = append(categories, category)
		}
	}
	cats, _ := json.Marshal(categories)
	return changedContracts{none: len(products) == 0 && len(categories) == 0, products: jsonIDs(products), categories: string(cats)},
		rows.Err()
}

// councilActivity is what happened in the window in the joint bids u's
// council takes part in or is invited to, that u may follow (bidAccess:
// the councils' side of the bid), newest first: not cancelled bids, and
// not u's own doing.
func (b *DigestBuilder) councilActivity(ctx context.Context, u User, w digestWindow) (DigestSection[DigestActivity], error) {
	all, err := cached(b, "activity|"+u.CouncilGSS+"|"+string(u.Role)+"|"+w.key(), func() ([]DigestActivity, error) {
		rows, err := b.db.R.QueryContext(ctx, `SELECT a.id, a.bid_id, b.title, b.status, b.published_at IS NOT NULL,
			coalesce(a.actor_id, 0), coalesce(n.name, 'Jointly'), a.summary, a.at
			FROM bid_participants p JOIN bids b ON b.id = p.bid_id
			JOIN bid_activity a ON a.bid_id = p.bid_id LEFT JOIN users n ON n.id = a.actor_id
			WHERE p.council_gss = ? AND p.state IN ('accepted', 'invited') AND b.status <> 'cancelled'
			  AND a.at > ? AND a.at <= ?
			ORDER BY a.at DESC, a.id DESC`, u.CouncilGSS, dbTime(w.since), dbTime(w.until))
		if err != nil {
			return nil, fmt.Errorf("bid activity of %s: %w", u.CouncilGSS, err)
		}
		type bidState struct {
			status    BidStatus
			published bool
		}
		var out []DigestActivity
		bids := map[int64]bidState{}
		for rows.Next() {
			var a DigestActivity
			var s bidState
			var actor, summary, at string
			if err := rows.Scan(&a.ID, &a.BidID, &a.BidTitle, &s.status, &s.published, &a.ActorID, &actor, &summary, &at); err != nil {
				_ = rows.Close()
				return nil, err
			}
			a.What = actor + " " + summary
			a.At, _ = parseDBTime(at)
			bids[a.BidID] = s
			out = append(out, a)
		}
		_ = rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		// The councils' side only: the rule is bidAccess's, asked per bid.
		viewer := User{Role: u.Role, CouncilGSS: u.CouncilGSS}
		internal := map[int64]bool{}
		for id, s := range bids {
			ps, err := loadParticipants(ctx, b.db.R, id)
			if err != nil {
				return nil, err
			}
			internal[id] = bidAccess(viewer, s.status, s.published, ps).Internal
		}
		return slices.DeleteFunc(out, func(a DigestActivity) bool { return !internal[a.BidID] }), nil
	})
	if err != nil {
		return DigestSection[DigestActivity]{}, err
	}
	return section(slices.DeleteFunc(slices.Clone(all), func(a DigestActivity) bool { return a.ActorID == u.ID })), nil
}

// publicActivity is the window's public news of published bids, with who
// follows each bid and which suppliers responded to it.
type publicActivity struct {
	items      []DigestActivity
	followers  map[int64]map[int64]bool // bid → user
	responders map[int64]map[int64]bool // bid → supplier
}

// supplierActivity is the public news, in the window, of the
// opportunities supplier user u follows or u's company responded to,
// newest first: answers to clarification questions, closing and the
// award, never of a cancelled bid.
func (b *DigestBuilder) supplierActivity(ctx context.Context, u User, w digestWindow) (DigestSection[DigestActivity], error) {
	pa, err := cached(b, "public-activity|"+w.key(), func() (publicActivity, error) {
		return b.db.publicActivity(ctx, w)
	})
	if err != nil {
		return DigestSection[DigestActivity]{}, err
	}
	var mine []DigestActivity
	for _, a := range pa.items {
		if pa.followers[a.BidID][u.ID] || (u.SupplierID != 0 && pa.responders[a.BidID][u.SupplierID]) {
			mine = append(mine, a)
		}
	}
	return section(mine), nil
}

func (db *DB) publicActivity(ctx context.Context, w digestWindow) (publicActivity, error) {
	pa := publicActivity{followers: map[int64]map[int64]bool{}, responders: map[int64]map[int64]bool{}}
	kinds, _ := json.Marshal(supplierActivityKinds)
	rows, err := db.R.QueryContext(ctx, `SELECT a.id, a.bid_id, b.title, a.kind, a.summary, a.at
		FROM bid_activity a JOIN bids b ON b.id = a.bid_id
		WHERE a.at > ? AND a.at <= ? AND a.kind IN (SELECT value FROM json_each(?)) AND b.status <> 'cancelled'
		  AND b.published_at IS NOT NULL AND `+bidVisibleSQL+`
		ORDER BY a.at DESC, a.id DESC`, append([]any{dbTime(w.since), dbTime(w.until), string(kinds)}, publicBidArgs()...)...)
	if err != nil {
		return pa, fmt.Errorf("public bid activity: %w", err)
	}
	var bids []int64
	for rows.Next() {
		var a DigestActivity
		var kind, summary, at string
		if err := rows.Scan(&a.ID, &a.BidID, &a.BidTitle, &kind, &summary, &at); err != nil {
			_ = rows.Close()
			return pa, err
		}
		a.What = publicActivityText(kind, summary)
		a.At, _ = parseDBTime(at)
		pa.items = append(pa.items, a)
		if pa.followers[a.BidID] == nil {
			pa.followers[a.BidID], pa.responders[a.BidID] = map[int64]bool{}, map[int64]bool{}
			bids = append(bids, a.BidID)
		}
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil || len(bids) == 0 {
		return pa, err
	}
	for _, q := range []struct {
		sql string
		to  map[int64]map[int64]bool
	}{
		{`SELECT bid_id, user_id FROM opportunity_followers WHERE bid_id IN (SELECT value FROM json_each(?))`, pa.followers},
		{`SELECT bid_id, supplier_id FROM bid_responses WHERE bid_id IN (SELECT value FROM json_each(?))`, pa.responders},
	} {
		rows, err := db.R.QueryContext(ctx, q.sql, jsonIDs(bids))
		if err != nil {
			return pa, fmt.Errorf("followers of bids: %w", err)
		}
		for rows.Next() {
			var bid, who int64
			if err := rows.Scan(&bid, &who); err != nil {
				_ = rows.Close()
				return pa, err
			}
			q.to[bid][who] = true
		}
		_ = rows.Close()
		if err := rows.Err(); err != nil {
			return pa, err
		}
	}
	return pa, nil
}

// publicActivityText is a public bid event in words for suppliers: the
// councils act as one, and no officer is named (as on the opportunity's
// page, which shows no one's name in the history).
func publicActivityText(kind, summary string) string {
	switch kind {
	case "closed":
		return "Closed for responses"
	case "awarded", "answer":
		return "The councils " + summary
	}
	return summary
}

// opportunities lists the bids published in the window in one of
// supplier u's categories that still take responses, closing soonest
// first.
func (b *DigestBuilder) opportunities(ctx context.Context, u User, w digestWindow) (DigestSection[Opportunity], error) {
	all, err := cached(b, "opportunities|"+w.key(), func() ([]Opportunity, error) {
		return b.db.newOpportunities(ctx, w)
	})
	if err != nil || len(all) == 0 || u.SupplierID == 0 {
		return DigestSection[Opportunity]{}, err
	}
	cats, ok := b.categories[u.SupplierID]
	if !ok {
		if cats, err = b.db.SupplierCategories(ctx, u.SupplierID); err != nil {
			return DigestSection[Opportunity]{}, err
		}
		if len(b.categories) >= digestCacheSize {
			b.categories = map[int64][]string{}
		}
		b.categories[u.SupplierID] = cats
	}
	var mine []Opportunity
	for _, o := range all {
		if slices.Contains(cats, o.CategorySlug) {
			mine = append(mine, o)
		}
	}
	return section(mine), nil
}

// newOpportunities is every bid published in the window still taking
// responses now, as Opportunities lists them to the public.
func (db *DB) newOpportunities(ctx context.Context, w digestWindow) ([]Opportunity, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT b.id, b.title, b.summary, b.category_slug, k.name, b.lead_gss, c.name, b.status,
		(SELECT count(*) FROM bid_participants a WHERE a.bid_id = b.id AND a.state = 'accepted'),
		b.estimated_value_pence, b.response_deadline, b.clarification_deadline, b.published_at
		FROM bids b JOIN categories k ON k.slug = b.category_slug JOIN councils c ON c.gss_code = b.lead_gss
		WHERE b.status = 'published' AND b.response_deadline > ? AND b.published_at > ? AND b.published_at <= ? AND `+bidVisibleSQL+`
		ORDER BY b.response_deadline, b.id`, append([]any{dbTime(db.now()), dbTime(w.since), dbTime(w.until)}, publicBidArgs()...)...)
	if err != nil {
		return nil, fmt.Errorf("new opportunities: %w", err)
	}
	defer rows.Close()
	var out []Opportunity
	for rows.Next() {
		var o Opportunity
		var value sql.NullInt64
		var respond, clarify, published string
		if err := rows.Scan(&o.ID, &o.Title, &o.Summary, &o.CategorySlug, &o.CategoryName, &o.LeadGSS, &o.LeadName, &o.Status,
			&o.Councils, &value, &respond, &clarify, &published); err != nil {
			return nil, err
		}
		if value.Valid {
			o.EstimatedValuePence = &value.Int64
		}
		o.ResponseDeadline, _ = parseDBTime(respond)
		o.ClarificationDeadline, _ = parseDBTime(clarify)
		o.PublishedAt, _ = parseDBTime(published)
		out = append(out, o)
	}
	return out, rows.Err()
}

// digestAudiences is whose library items a role's digest brings: their
// own audience and everyone's. Officers may read every published item,
// but their digest brings only what is written for them; administrators,
// who look after the library, hear of all of it.
func digestAudiences(r Role) []string {
	switch r {
	case RoleOfficer:
		return []string{AudienceOfficers, AudienceEveryone}
	case RoleCouncillor:
		return []string{AudienceCouncillors, AudienceEveryone}
	case RoleSupplier:
		return []string{AudienceSuppliers, AudienceEveryone}
	case RoleAdmin:
		return Audiences
	}
	return []string{AudienceEveryone}
}

// library lists the items whose published version was approved in the
// window, newest first, that u may read (libraryVisibleSQL) and that are
// written for u's audience; not those u approved.
func (b *DigestBuilder) library(ctx context.Context, u User, w digestWindow) (DigestSection[DigestLibraryItem], error) {
	all, err := cached(b, "library|"+string(u.Role)+"|"+w.key(), func() ([]DigestLibraryItem, error) {
		// Published items are the same for everyone of one role.
		viewer := User{Role: u.Role}
		aud, _ := json.Marshal(digestAudiences(u.Role))
		rows, err := b.db.R.QueryContext(ctx, `SELECT i.id, i.kind, v.title, v.summary, coalesce(c.name, ''), coalesce(i.approved_by, 0),
			i.published_at,
			EXISTS (SELECT 1 FROM audit_events e WHERE e.entity = 'library_item' AND e.entity_id = CAST(i.id AS TEXT)
			         AND e.at <= ? AND e.action = 'library.approve')
			  OR (i.slug IS NOT NULL AND i.created_at <= ?)
			FROM library_items i JOIN library_versions v ON v.item_id = i.id AND v.version = i.published_version
			LEFT JOIN councils c ON c.gss_code = i.council_gss
			WHERE i.published_version IS NOT NULL AND i.published_at > ? AND i.published_at <= ?
			  AND i.audience IN (SELECT value FROM json_each(?)) AND `+libraryVisibleSQL+`
			ORDER BY i.published_at DESC, i.id DESC`,
			append([]any{dbTime(w.since), dbTime(w.since), dbTime(w.since), dbTime(w.until), string(aud)}, libraryVisibleArgs(viewer)...)...)
		if err != nil {
			return nil, fmt.Errorf("new library items: %w", err)
		}
		defer rows.Close()
		var out []DigestLibraryItem
		for rows.Next() {
			var it DigestLibraryItem
			var published string
			if err := rows.Scan(&it.ID, &it.Kind, &it.Title, &it.Summary, &it.CouncilName, &it.ApprovedBy, &published, &it.Updated); err != nil {
				return nil, err
			}
			it.PublishedAt, _ = parseDBTime(published)
			out = append(out, it)
		}
		return out, rows.Err()
	})
	if err != nil {
		return DigestSection[DigestLibraryItem]{}, err
	}
	return section(slices.DeleteFunc(slices.Clone(all), func(it DigestLibraryItem) bool { return it.ApprovedBy == u.ID })), nil
}

// idSet runs a query of one id column into a set.
func (db *DB) idSet(ctx context.Context, query string, args ...any) (map[int64]bool, error) {
	rows, err := db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// jsonIDs is ids as a JSON array, for json_each: one parameter however
// many ids.
func jsonIDs(ids []int64) string {
	b := make([]byte, 0, len(ids)*8+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}
