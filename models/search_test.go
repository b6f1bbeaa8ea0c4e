package models_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"jointly/models"
)

// Search (models/search.go) over the seeded database: what a query
// matches, how results rank and are marked, and that the shortcuts taken
// for speed never widen what anyone sees.

// searchFor runs a search and returns its results' titles, failing on error.
func searchFor(t *testing.T, db *models.DB, viewer models.User, q models.SearchQuery) ([]models.SearchResult, []string) {
	t.Helper()
	rs, err := db.Search(context.Background(), viewer, q)
	if err != nil {
		t.Fatalf("search %q: %v", q.Q, err)
	}
	var titles []string
	for _, r := range rs {
		titles = append(titles, r.Title)
	}
	return rs, titles
}

func mustLibraryItem(t *testing.T, db *models.DB, author models.User, title, body, audience string) int64 {
	t.Helper()
	id, err := db.CreateLibraryItem(context.Background(), author, models.LibraryInput{Kind: models.KindPlaybook, Title: title,
		Body: body, Audience: audience})
	if err != nil {
		t.Fatalf("library item %q: %v", title, err)
	}
	return id
}

func mustPublish(t *testing.T, db *models.DB, id int64, author, approver models.User) {
	t.Helper()
	ctx := context.Background()
	if err := db.SubmitLibraryItem(ctx, author, id); err != nil {
		t.Fatal(err)
	}
	if err := db.ApproveLibraryItem(ctx, approver, id); err != nil {
		t.Fatal(err)
	}
}

func TestSearchQueriesAreOnlyText(t *testing.T) {
	w := newBidWorld(t)
	for _, q := range []string{`"`, `*`, `OR`, `civica OR`, `NEAR(civica revenues)`, `title:civica`, `-civica`, `^civica`,
		`{title supplier}: civica`, `(`, `'`, `civica"*`, `"civica" AND "x`, `;DROP TABLE contracts;--`, `\u0000`, "é", strings.Repeat("civica ", 40)} {
		if _, err := w.db.Search(context.Background(), w.leeds, models.SearchQuery{Q: q}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
	if rs, _ := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: ` "*() `}); rs != nil {
		t.Errorf("punctuation found %d results", len(rs))
	}
}

func TestSearchMarksTheWordsFound(t *testing.T) {
	w := newBidWorld(t)
	mustLibraryItem(t, w.db, w.leeds, "Pruning plan", "Before the Zanzibar workshop, read the pruning plan.", models.AudienceOfficers)
	rs, _ := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: "zanzibar"})
	if len(rs) != 1 {
		t.Fatalf("%d results", len(rs))
	}
	r := rs[0]
	if r.Type != models.ResultLibrary || r.URL != "/library/"+strconv.FormatInt(r.ID, 10) || r.Detail != "Playbook · Leeds · Draft" {
		t.Errorf("result %+v", r)
	}
	if !strings.Contains(r.Snippet, models.SnippetOpen+"Zanzibar"+models.SnippetClose) {
		t.Errorf("snippet %q does not mark the word", r.Snippet)
	}
	if p := models.PlainSnippet(r.Snippet); p != "Before the Zanzibar workshop, read the pruning plan." {
		t.Errorf("plain snippet %q", p)
	}
}

func TestSearchRanksTitlesFirst(t *testing.T) {
	w := newBidWorld(t)
	mustLibraryItem(t, w.db, w.leeds, "Notes on procurement", "Greengage appears once, in the body.", models.AudienceOfficers)
	mustLibraryItem(t, w.db, w.leeds, "Greengage contracts", "The body says nothing of it.", models.AudienceOfficers)
	_, titles := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: "greengage"})
	if !slices.Equal(titles, []string{"Greengage contracts", "Notes on procurement"}) {
		t.Errorf("order %q", titles)
	}
}

func TestSearchPrefixes(t *testing.T) {
	w := newBidWorld(t)
	ctx := context.Background()
	for _, title := range []string{"Marmot One support", "Marmoset burrowing works", "Catalogue system"} {
		if _, err := w.db.CreateContract(ctx, w.leeds, leedsGSS, models.ContractInput{Title: title, SupplierName: "Acme Ltd"}); err != nil {
			t.Fatal(err)
		}
	}
	insertContracts(t, w.db, 250, "Cat welfare service")
	mustLibraryItem(t, w.db, w.leeds, "Zanzibar planning", "Islands.", models.AudienceOfficers)
	contracts := []string{models.ResultContract}
	cases := []struct {
		q     string
		types []string
		want  []string // all of these, first, in any order
		not   string   // and not this
	}{
		// The last word is also the start of longer words, from three letters.
		{q: "marmo", types: contracts, want: []string{"Marmot One support", "Marmoset burrowing works"}},
		{q: "zan", want: []string{"Zanzibar planning"}},
		{q: "cata", types: contracts, want: []string{"Catalogue system"}},
		// Two letters are a word, not a prefix.
		{q: "za", not: "Zanzibar planning"},
		// Stemming: burrows, burrowing.
		{q: "burrows", types: contracts, want: []string{"Marmoset burrowing works"}},
		// Every word must be there.
		{q: "marmot works", types: contracts},
		{q: "marmoset works", types: contracts, want: []string{"Marmoset burrowing works"}},
		// A word common on its own is only itself: cat, not catalogue.
		{q: "cat", types: contracts, not: "Catalogue system"},
	}
	for _, tc := range cases {
		_, titles := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: tc.q, Types: tc.types, Limit: 100})
		first := slices.Clone(titles[:min(len(titles), len(tc.want))])
		slices.Sort(first)
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(first, want) || (tc.want == nil && tc.not == "" && len(titles) > 0) {
			t.Errorf("%q: %q, want %q first", tc.q, titles, tc.want)
		}
		if tc.not != "" && slices.Contains(titles, tc.not) {
			t.Errorf("%q finds %q", tc.q, tc.not)
		}
	}
	if _, titles := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: "cat", Types: contracts}); len(titles) != 20 {
		t.Errorf("cat finds %d", len(titles))
	}
}

// insertContracts adds n of Leeds's contracts titled "title N" straight
// into the table (the index follows by its triggers), which is quicker
// than the model for numbers that only matter to search.
func insertContracts(t *testing.T, db *models.DB, n int, title string) {
	t.Helper()
	if _, err := db.W.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?4)
		INSERT INTO contracts (council_gss, content_key, reference, title, supplier_id, created_at, updated_at)
		SELECT ?1, ?2 || i, ?2 || i, ?3 || ' ' || i, (SELECT id FROM suppliers WHERE name = 'Acme Ltd'), '2026-11-21 10:00:00', '2026-11-21 10:00:00' FROM n`,
		leedsGSS, "search-test-"+title, title, n); err != nil {
		t.Fatal(err)
	}
}

// TestSearchPrefixesLeakNothing: whether the last word is common on its
// own is decided only over what the searcher may see, so drafts holding
// the word never change what anyone else finds.
func TestSearchPrefixesLeakNothing(t *testing.T) {
	w := newBidWorld(t)
	for i := range 210 {
		mustLibraryItem(t, w.db, w.leeds, "Secret notes "+strconv.Itoa(i), "The draft says plumb.", models.AudienceOfficers)
	}
	pub := mustLibraryItem(t, w.db, w.bradford, "Plumbers for everyone", "Pipes.", models.AudienceEveryone)
	mustPublish(t, w.db, pub, w.bradford, w.leeds)
	library := []string{models.ResultLibrary}
	for _, u := range []models.User{w.bradford, w.wakefield, w.councillor, w.supplier, {}} {
		_, titles := searchFor(t, w.db, u, models.SearchQuery{Q: "plumb", Types: library})
		if len(titles) == 0 || titles[0] != "Plumbers for everyone" {
			t.Errorf("%s finds %q", u.Email, titles)
		}
		for _, title := range titles {
			if strings.HasPrefix(title, "Secret notes") {
				t.Errorf("%s finds a draft, %q", u.Email, title)
			}
		}
	}
	// The drafts' own council reads them, so for them plumb is common.
	_, titles := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: "plumb", Types: library})
	if len(titles) != 20 || slices.Contains(titles, "Plumbers for everyone") {
		t.Errorf("Leeds finds %q", titles)
	}
}

func TestSearchTypesAndRoles(t *testing.T) {
	w := newBidWorld(t)
	if got := models.SearchTypesFor(w.supplier); !slices.Equal(got, []string{models.ResultLibrary, models.ResultBid}) {
		t.Errorf("a supplier's types %v", got)
	}
	if got := models.SearchTypesFor(w.councillor); !slices.Equal(got, models.SearchTypes) {
		t.Errorf("a councillor's types %v", got)
	}
	types := func(rs []models.SearchResult) []string {
		var out []string
		for _, r := range rs {
			if !slices.Contains(out, r.Type) {
				out = append(out, r.Type)
			}
		}
		slices.Sort(out)
		return out
	}
	rs, _ := searchFor(t, w.db, w.councillor, models.SearchQuery{Q: "civica"})
	if got := types(rs); !slices.Equal(got, []string{models.ResultContract, models.ResultSupplier}) {
		t.Errorf("a councillor finds %v", got)
	}
	rs, _ = searchFor(t, w.db, w.councillor, models.SearchQuery{Q: "civica", Types: []string{models.ResultSupplier}})
	if got := types(rs); !slices.Equal(got, []string{models.ResultSupplier}) || rs[0].Title != "Civica UK Ltd" || rs[0].URL != "/overlaps/suppliers/"+strconv.FormatInt(rs[0].ID, 10) {
		t.Errorf("suppliers only: %+v", rs)
	}
	for _, u := range []models.User{w.supplier, {}} {
		if rs, _ := searchFor(t, w.db, u, models.SearchQuery{Q: "civica", Types: []string{models.ResultContract, models.ResultSupplier}}); len(rs) != 0 {
			t.Errorf("%q reads the registers through search: %d results", u.Email, len(rs))
		}
	}
}

func TestSearchLimits(t *testing.T) {
	w := newBidWorld(t)
	for _, tc := range []struct{ limit, want int }{{3, 3}, {0, 20}, {500, 20}, {40, 40}} {
		if rs, _ := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: "system", Limit: tc.limit}); len(rs) != tc.want {
			t.Errorf("limit %d: %d results, want %d", tc.limit, len(rs), tc.want)
		}
	}
}

// TestSearchRanksRecentContracts: a word in more contracts than search
// ranks (contractCandidates, 2,000) is ranked among the most recently added
// of them, so an old contract, however well it matches, can be left out.
func TestSearchRanksRecentContracts(t *testing.T) {
	w := newBidWorld(t)
	ctx := context.Background()
	add := func(title, reference string) int64 {
		k, err := w.db.CreateContract(ctx, w.leeds, leedsGSS, models.ContractInput{Reference: reference, Title: title, SupplierName: "Acme Ltd"})
		if err != nil {
			t.Fatal(err)
		}
		return k.ID
	}
	old := add("Wombat", "W-OLD")
	if rs, _ := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: "wombat", Types: []string{models.ResultContract}}); len(rs) != 1 || rs[0].ID != old {
		t.Fatalf("wombat finds %+v", rs)
	}
	// 2,000 newer contracts that match less well (longer titles), and one as good.
	insertContracts(t, w.db, 2000, "Wombat and other marsupials care service number")
	recent := add("Wombat", "W-NEW")
	rs, titles := searchFor(t, w.db, w.leeds, models.SearchQuery{Q: "wombat", Types: []string{models.ResultContract}, Limit: 3})
	if rs[0].ID != recent || titles[0] != "Wombat" || titles[1] == "Wombat" {
		t.Errorf("ranked %q (first id %d, want %d)", titles, rs[0].ID, recent)
	}
}
