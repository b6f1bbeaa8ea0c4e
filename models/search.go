package models

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Search: one full-text search (SQLite FTS5, ranked by bm25) across
// library items, contracts (title, supplier, product), suppliers and
// published bids. Each kind of result is found through its own index and
// joined to its rows under the same rule its page applies, so nothing a
// person may not open appears in their results.

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

// SearchQuery is a search.
type SearchQuery struct {
	Q     string
	Types []string // empty: every type viewer may see
	Limit int      // per type and overall; default 20, at most 100
}

// Search finds what viewer may open that matches q, best first.
func (db *DB) Search(ctx context.Context, viewer User, q SearchQuery) ([]SearchResult, error) {
	match := FTSQuery(q.Q)
	if match == "" {
		return nil, nil
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	want := func(t string) bool { return len(q.Types) == 0 || slices.Contains(q.Types, t) }
	var out []SearchResult
	type part struct {
		typ   string
		allow bool
		sql   string
		args  []any
	}
	snip := func(table string, col int) string {
		return fmt.Sprintf(`snippet(%s, %d, '%s', '%s', '…', 16)`, table, col, SnippetOpen, SnippetClose)
	}
	registers := CanReadRegisters(viewer)
	parts := []part{
		{ResultLibrary, true, `SELECT i.id, v.title, ` + snip("library_fts", -1) + `, i.kind, bm25(library_fts, 10.0, 5.0, 1.0, 3.0)
			FROM library_fts JOIN library_items i ON i.id = library_fts.rowid
			JOIN library_versions v ON v.item_id = i.id AND v.version = coalesce(i.published_version, i.version)
			WHERE library_fts MATCH ? AND ` + libraryVisibleSQL + ` ORDER BY bm25(library_fts, 10.0, 5.0, 1.0, 3.0) LIMIT ?`,
			append(append([]any{match}, libraryVisibleArgs(viewer)...), q.Limit)},
		{ResultContract, registers, `SELECT k.id, k.title, ` + snip("contracts_fts", -1) + `, c.name, bm25(contracts_fts, 5.0, 3.0, 3.0)
			FROM contracts_fts JOIN contracts k ON k.id = contracts_fts.rowid JOIN councils c ON c.gss_code = k.council_gss
			WHERE contracts_fts MATCH ? ORDER BY bm25(contracts_fts, 5.0, 3.0, 3.0) LIMIT ?`, []any{match, q.Limit}},
		{ResultSupplier, registers, `SELECT s.id, s.name, ` + snip("suppliers_fts", 0) + `, coalesce(s.companies_house_number, ''), bm25(suppliers_fts)
			FROM suppliers_fts JOIN suppliers s ON s.id = suppliers_fts.rowid
			WHERE suppliers_fts MATCH ? ORDER BY bm25(suppliers_fts) LIMIT ?`, []any{match, q.Limit}},
		{ResultBid, true, `SELECT b.id, b.title, ` + snip("bids_fts", -1) + `, c.name, bm25(bids_fts, 10.0, 4.0, 1.0)
			FROM bids_fts JOIN bids b ON b.id = bids_fts.rowid JOIN councils c ON c.gss_code = b.lead_gss
			WHERE bids_fts MATCH ? AND ` + bidVisibleSQL + ` ORDER BY bm25(bids_fts, 10.0, 4.0, 1.0) LIMIT ?`,
			append(append([]any{match}, bidVisibleArgs(viewer)...), q.Limit)},
	}
	for _, p := range parts {
		if !p.allow || !want(p.typ) {
			continue
		}
		rows, err := db.R.QueryContext(ctx, p.sql, p.args...)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", p.typ, err)
		}
		for rows.Next() {
			r := SearchResult{Type: p.typ}
			if err := rows.Scan(&r.ID, &r.Title, &r.Snippet, &r.Detail, &r.Rank); err != nil {
				rows.Close()
				return nil, err
			}
			r.URL = resultURL(viewer, r)
			if p.typ == ResultLibrary {
				r.Detail = KindLabel(r.Detail)
			}
			if p.typ == ResultSupplier && r.Detail != "" {
				r.Detail = "Companies House " + r.Detail
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
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
		if viewer.Role == RoleSupplier || viewer.Role == RoleAnonymous {
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
