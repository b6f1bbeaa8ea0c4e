package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Search: one full-text search (SQLite FTS5, ranked by bm25) across
// library items, contracts (title, supplier, product), suppliers and
// published bids. Each kind of result is found through its own index and
// joined to its rows under the same rule its page applies, so nothing a
// person may not open appears in their results.
//
// It is built to stay quick over a national register (bench/SEARCH.md):
// each kind is ranked first, with nothing but its id and score, and only
// the results that survive the cut get their text and highlighted snippet.

// Search result types.
const (
	ResultLibrary  = "library"
	ResultContract = "contract"
	ResultSupplier = "supplier"
	ResultBid      = "bid"
)

// SearchTypes lists the result types in the order filters offer them.
var SearchTypes = []string{ResultLibrary, ResultContract, ResultSupplier, ResultBid}

// SearchTypeLabel is a result type in words.
func SearchTypeLabel(t string) string {
	switch t {
	case ResultLibrary:
		return "Library"
	case ResultContract:
		return "Contracts"
	case ResultSupplier:
		return "Suppliers"
	case ResultBid:
		return "Joint bids"
	}
	return t
}

// SearchTypesFor lists the result types viewer may see: contracts and
// suppliers only for those who may read the registers.
func SearchTypesFor(viewer User) []string {
	var out []string
	for _, t := range SearchTypes {
		if (t != ResultContract && t != ResultSupplier) || CanReadRegisters(viewer) {
			out = append(out, t)
		}
	}
	return out
}

// SearchResult is one hit.
type SearchResult struct {
	Type    string
	ID      int64
	Title   string
	URL     string
	Snippet string  // plain text; the matched words are between SnippetOpen and SnippetClose
	Detail  string  // a line of context: council, supplier, kind
	Rank    float64 // bm25: lower is better
}

// Snippet markers: private-use characters no one types, which the page
// turns into <mark> after escaping the rest.
const (
	SnippetOpen  = "\uE000"
	SnippetClose = "\uE001"
)

// Limits.
const (
	// MaxSearchQuery is the longest query, in characters.
	MaxSearchQuery = 200
	// contractCandidates bounds the contracts ranked for one search. A
	// word such as "support" is in most of a national register's 400,000
	// contracts, and scoring them all takes a tenth of a second; their
	// texts repeat (the same product, the same supplier), so the best of
	// the most recent few thousand are as good a first page. A search
	// matching fewer contracts ranks them all.
	contractCandidates = 2000
	// minPrefix is the shortest last word matched as the start of longer
	// words: "rev" finds "revenues", while "s" finds only "s", not every
	// word beginning with it.
	minPrefix = 3
	// commonWord is how many rows a last word must be in, on its own, to
	// be searched for as itself only (see searchMatch): ten pages of
	// results.
	commonWord = 200
)

// SearchQuery is a search.
type SearchQuery struct {
	Q     string
	Types []string // empty: every type viewer may see
	Limit int      // per type and overall; default 20, at most 100
}

// searcher finds one type's best matches: ids, scores, titles and
// details, best first, at most limit, only those viewer may open.
type searcher struct {
	typ     string
	index   string // the FTS5 table
	snippet int    // the column snippets come from (-1: the best)
	tokens  int    // the snippet's length in words
	allowed func(User) bool
	// visible joins the index's rows to what decides who may see them
	// and gives the condition, for searchMatch's probe; nil when the
	// type's rule is by role alone (allowed).
	visible func(User) (join, cond string, args []any)
	find    func(ctx context.Context, db *DB, viewer User, match string, limit int) ([]SearchResult, error)
}

var searchers = []searcher{
	{typ: ResultLibrary, index: "library_fts", snippet: -1, tokens: 24, allowed: func(User) bool { return true },
		visible: func(u User) (string, string, []any) {
			return ` CROSS JOIN library_items i ON i.id = library_fts.rowid`, libraryVisibleSQL, libraryVisibleArgs(u)
		},
		find: findLibrary},
	{typ: ResultContract, index: "contracts_fts", snippet: -1, tokens: 16, allowed: CanReadRegisters, find: findContracts},
	{typ: ResultSupplier, index: "suppliers_fts", snippet: 0, tokens: 16, allowed: CanReadRegisters, find: findSuppliers},
	{typ: ResultBid, index: "bids_fts", snippet: -1, tokens: 24, allowed: func(User) bool { return true },
		visible: func(u User) (string, string, []any) {
			return ` CROSS JOIN bids b ON b.id = bids_fts.rowid`, bidVisibleSQL, bidVisibleArgs(u)
		},
		find: findBids},
}

// Search finds what viewer may open that matches q, best first.
func (db *DB) Search(ctx context.Context, viewer User, q SearchQuery) ([]SearchResult, error) {
	if FTSQuery(q.Q) == "" {
		return nil, nil
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	var out []SearchResult
	matches := map[string]string{}
	for _, s := range searchers {
		if !s.allowed(viewer) || (len(q.Types) > 0 && !slices.Contains(q.Types, s.typ)) {
			continue
		}
		match, err := db.searchMatch(ctx, s, viewer, q.Q)
		if err != nil {
			return nil, err
		}
		matches[s.typ] = match
		rs, err := s.find(ctx, db, viewer, match, q.Limit)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", s.typ, err)
		}
		out = append(out, rs...)
	}
	// bm25 scores from different indexes are compared as they are: each
	// weighs a match in a title above one in a body, and a rare word
	// above a common one.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	for _, s := range searchers {
		if err := db.addSnippets(ctx, s, matches[s.typ], out); err != nil {
			return nil, fmt.Errorf("search %s: %w", s.typ, err)
		}
	}
	for i := range out {
		out[i].URL = resultURL(viewer, out[i])
	}
	return out, nil
}

// searchMatch is the FTS5 query for q in s's index, as viewer searches
// it: every word required, and the last one also as the start of longer
// words when it has at least minPrefix characters, unless it is common
// on its own in what viewer may see of the index (commonWord rows or
// more). A prefix query reads every word it could be, so "support*" over
// 400,000 contracts costs many times "support", which (stemmed) already
// finds "supported" and "supports", and finds plenty. Only rows viewer
// may open are counted, so what is hidden from them never changes what
// they find.
func (db *DB) searchMatch(ctx context.Context, s searcher, viewer User, q string) (string, error) {
	match := FTSQuery(q)
	exact := strings.TrimSuffix(match, "*")
	if exact == match {
		return match, nil
	}
	last := exact[strings.LastIndexByte(exact, ' ')+1:] // words never hold spaces or quotes
	if utf8.RuneCountInString(last)-2 < minPrefix {
		return exact, nil
	}
	rows, args := `SELECT 1 FROM `+s.index+` WHERE `+s.index+` MATCH ?`, []any{last}
	if s.visible != nil {
		join, cond, more := s.visible(viewer)
		rows, args = `SELECT 1 FROM `+s.index+join+` WHERE `+s.index+` MATCH ? AND `+cond, append(args, more...)
	}
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM (`+rows+` LIMIT ?)`, append(args, commonWord)...).Scan(&n); err != nil {
		return "", fmt.Errorf("search %s: %w", s.index, err)
	}
	if n >= commonWord {
		return exact, nil
	}
	return match, nil
}

func findLibrary(ctx context.Context, db *DB, viewer User, match string, limit int) ([]SearchResult, error) {
	// CROSS JOIN keeps the index outermost, so FTS5 hands rows over best
	// first (ORDER BY rank) and the join stops at the limit.
	rows, err := db.R.QueryContext(ctx, `SELECT h.id, h.r, v.title, i.kind, coalesce(c.name, 'CIO council'), i.status
		FROM (SELECT i.id AS id, library_fts.rank AS r FROM library_fts CROSS JOIN library_items i ON i.id = library_fts.rowid
		      WHERE library_fts MATCH ? AND library_fts.rank MATCH 'bm25(10.0, 5.0, 1.0, 3.0)' AND `+libraryVisibleSQL+`
		      ORDER BY library_fts.rank LIMIT ?) h
		JOIN library_items i ON i.id = h.id
		JOIN library_versions v ON v.item_id = i.id AND v.version = coalesce(i.published_version, i.version)
		LEFT JOIN councils c ON c.gss_code = i.council_gss
		ORDER BY h.r, h.id`, append(append([]any{match}, libraryVisibleArgs(viewer)...), limit)...)
	return scanResults(rows, err, ResultLibrary, func(r *SearchResult, kind, council, status string) {
		r.Detail = KindLabel(kind) + " · " + council
		switch status {
		case LibraryDraft:
			r.Detail += " · Draft"
		case LibraryInReview:
			r.Detail += " · In review"
		}
	})
}

func findContracts(ctx context.Context, db *DB, _ User, match string, limit int) ([]SearchResult, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT k.id, h.r, k.title, c.name, s.name, ''
		FROM (SELECT id, r FROM (SELECT rowid AS id, bm25(contracts_fts, 5.0, 3.0, 3.0) AS r FROM contracts_fts
		                         WHERE contracts_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
		      ORDER BY r, id DESC LIMIT ?) h
		JOIN contracts k ON k.id = h.id JOIN councils c ON c.gss_code = k.council_gss JOIN suppliers s ON s.id = k.supplier_id
		ORDER BY h.r, h.id DESC`, match, contractCandidates, limit)
	return scanResults(rows, err, ResultContract, func(r *SearchResult, council, supplier, _ string) {
		r.Detail = council + " · " + supplier
	})
}

func findSuppliers(ctx context.Context, db *DB, _ User, match string, limit int) ([]SearchResult, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT s.id, h.r, s.name, coalesce(s.companies_house_number, ''), '', ''
		FROM (SELECT rowid AS id, rank AS r FROM suppliers_fts WHERE suppliers_fts MATCH ? AND rank MATCH 'bm25(10.0)'
		      ORDER BY rank LIMIT ?) h
		JOIN suppliers s ON s.id = h.id ORDER BY h.r, h.id`, match, limit)
	return scanResults(rows, err, ResultSupplier, func(r *SearchResult, number, _, _ string) {
		r.Detail = "Supplier"
		if number != "" {
			r.Detail += " · Companies House " + number
		}
	})
}

func findBids(ctx context.Context, db *DB, viewer User, match string, limit int) ([]SearchResult, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT b.id, h.r, b.title, c.name, b.status, ''
		FROM (SELECT b.id AS id, bids_fts.rank AS r FROM bids_fts CROSS JOIN bids b ON b.id = bids_fts.rowid
		      WHERE bids_fts MATCH ? AND bids_fts.rank MATCH 'bm25(10.0, 4.0, 1.0)' AND `+bidVisibleSQL+`
		      ORDER BY bids_fts.rank LIMIT ?) h
		JOIN bids b ON b.id = h.id JOIN councils c ON c.gss_code = b.lead_gss
		ORDER BY h.r, h.id`, append(append([]any{match}, bidVisibleArgs(viewer)...), limit)...)
	return scanResults(rows, err, ResultBid, func(r *SearchResult, lead, status, _ string) {
		r.Detail = "Led by " + lead + " · " + BidStatus(status).Label()
	})
}

// scanResults reads rows of (id, rank, title, three texts for detail).
func scanResults(rows *sql.Rows, err error, typ string, detail func(r *SearchResult, a, b, c string)) ([]SearchResult, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SearchResult
	for rows.Next() {
		r := SearchResult{Type: typ}
		var a, b, c string
		if err := rows.Scan(&r.ID, &r.Rank, &r.Title, &a, &b, &c); err != nil {
			return nil, err
		}
		detail(&r, a, b, c)
		out = append(out, r)
	}
	return out, rows.Err()
}

// addSnippets fills in the snippets of the results of s's type, in one
// pass over the index between the lowest and highest of their ids. The
// snippet is worked out only for those rows (CASE is lazy), so its cost
// is a handful of snippets however many rows the words are in.
func (db *DB) addSnippets(ctx context.Context, s searcher, match string, results []SearchResult) error {
	at := map[int64]int{}
	var ids []any
	lo, hi := int64(0), int64(0)
	for i, r := range results {
		if r.Type != s.typ {
			continue
		}
		at[r.ID] = i
		ids = append(ids, r.ID)
		if len(ids) == 1 || r.ID < lo {
			lo = r.ID
		}
		hi = max(hi, r.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := db.R.QueryContext(ctx, fmt.Sprintf(`SELECT rowid, CASE WHEN rowid IN (%s) THEN snippet(%s, %d, '%s', '%s', '…', %d) END
		FROM %s WHERE %s MATCH ? AND rowid BETWEEN ? AND ?`, strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","),
		s.index, s.snippet, SnippetOpen, SnippetClose, s.tokens, s.index, s.index), append(ids, match, lo, hi)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var snip sql.NullString
		if err := rows.Scan(&id, &snip); err != nil {
			return err
		}
		if i, ok := at[id]; ok && snip.Valid {
			results[i].Snippet = snip.String
		}
	}
	return rows.Err()
}

func resultURL(viewer User, r SearchResult) string {
	switch r.Type {
	case ResultLibrary:
		return fmt.Sprintf("/library/%d", r.ID)
	case ResultContract:
		return fmt.Sprintf("/contracts/%d", r.ID)
	case ResultSupplier:
		return fmt.Sprintf("/overlaps/suppliers/%d", r.ID)
	case ResultBid:
		if !Allowed(viewer.Role, ActionReadBids) {
			return fmt.Sprintf("/opportunities/%d", r.ID)
		}
		return fmt.Sprintf("/bids/%d", r.ID)
	}
	return "/"
}

// PlainSnippet drops the snippet markers.
func PlainSnippet(s string) string {
	return strings.NewReplacer(SnippetOpen, "", SnippetClose, "").Replace(s)
}
