package models

import (
	"fmt"
	"slices"
	"strings"
)

// partnerSQL is partner matching as one query (see partners.go):
//
//   - mine: the council's current contracts with a decision window, each
//     with, for every strength and side, the date of its
//     PartnerCandidatesPerSide-th nearest candidate (one probe of the
//     walk's index, NULL when there are fewer, when the window's edge
//     bounds the walk instead);
//   - cand: for every strength and side, a range join on the walk's
//     covering index up to that date, so no candidate row is ever read
//     from the table;
//   - scored and ranked: the score table of partners.go, ranked, limited;
//   - then names for the ranked few.
//
// Strengths are disjoint by construction (a supplier match has another
// product or none; a category match another supplier), so each pair of
// contracts is found once, at its strongest. mineWhere narrows "mine" to
// one contract; strengths (1 product, 2 supplier, 3 category) are the
// walks to take.
func partnerSQL(mineWhere string, strengths ...int) string {
	var bounds, arms []string
	for _, w := range partnerWalks {
		if !slices.Contains(strengths, w.strength) {
			continue
		}
		for _, side := range []struct {
			name, rng, order, edge string
		}{
			// After (or on) its window, up to N months later: hi is exact.
			{"a", `z.decision_window_date >= m.w AND z.decision_window_date <= %s`, `z.decision_window_date`, "m.hi"},
			// Before it: lo bounds the walk a few days wide; the exact test
			// is that the earlier window plus N months reaches the later.
			{"b", `z.decision_window_date < m.w AND z.decision_window_date >= %s AND date(z.decision_window_date, :ahead, 'floor') >= m.w`, `z.decision_window_date DESC`, "m.lo"},
		} {
			col := fmt.Sprintf("%s%d", side.name, w.strength)
			filter := fmt.Sprintf(`%s AND z.decision_window_date IS NOT NULL AND z.council_gss <> :gss AND %s`, w.match, partnerCurrent)
			bounds = append(bounds, fmt.Sprintf(`(SELECT z.decision_window_date FROM contracts z INDEXED BY %s
				WHERE %s AND %s ORDER BY %s LIMIT 1 OFFSET :per_side - 1) AS %s`,
				w.index, filter, fmt.Sprintf(side.rng, side.edge), side.order, col))
			arms = append(arms, fmt.Sprintf(`SELECT m.id AS mid, z.id AS pid, %d AS s, m.w AS w, m.v AS v,
				z.council_gss AS pgss, z.decision_window_date AS pw, z.annual_value_pence AS pv
			  FROM mine m CROSS JOIN contracts z INDEXED BY %s
			 WHERE %s AND %s`, w.strength, w.index, filter, fmt.Sprintf(side.rng, "coalesce(m."+col+", "+side.edge+")")))
		}
	}
	return `WITH base AS MATERIALIZED (
		SELECT id, product_id, supplier_id, category_slug, decision_window_date AS w, annual_value_pence AS v,
		       date(decision_window_date, :back, 'floor', '-3 days') AS lo, date(decision_window_date, :ahead, 'floor') AS hi
		  FROM contracts
		 WHERE council_gss = :gss AND decision_window_date IS NOT NULL
		   AND coalesce(CASE WHEN extension_intended = 1 THEN max_extension_date END, end_date) >= :today` + mineWhere + `),
	mine AS MATERIALIZED (
		SELECT m.*, ` + strings.Join(bounds, ",\n\t\t") + `
		  FROM base m),
	cand AS (` + strings.Join(arms, "\n\t\tUNION ALL\n\t\t") + `),
	scored AS (
		SELECT c.mid, c.pid, c.s, c.v, c.pv, co.name AS pname, co.region_id AS pregion,
		       CAST(abs(julianday(c.pw) - julianday(c.w)) AS INTEGER) AS days
		  FROM cand c CROSS JOIN councils co ON co.gss_code = c.pgss),
	ranked AS (
		SELECT mid, pid, s, days, pname, pregion,
		       (CASE s WHEN 1 THEN :p_product WHEN 2 THEN :p_supplier ELSE :p_category END)
		       + max(0, CAST(:p_close * (1.0 - days / (:n * :days_per_month)) + 0.5 AS INTEGER))
		       + (CASE WHEN pregion = :region THEN :p_region ELSE 0 END)
		       + (CASE WHEN v > 0 AND pv > 0 THEN CAST(:p_value * 1.0 * min(v, pv) / max(v, pv) + 0.5 AS INTEGER) ELSE 0 END) AS score
		  FROM scored
		 ORDER BY score DESC, days, pname, mid, pid
		 LIMIT :limit)
	SELECT r.mid, r.pid, r.s, r.days, r.score,
	       k.title, k.decision_window_date, k.annual_value_pence,
	       x.council_gss, r.pname, r.pregion, rg.name,
	       x.title, x.decision_window_date, x.annual_value_pence,
	       coalesce(p.name, ''), s.name, coalesce(cat.name, '')
	  FROM ranked r
	  CROSS JOIN contracts k ON k.id = r.mid -- CROSS: the ranked few first, never a scan of contracts
	  CROSS JOIN contracts x ON x.id = r.pid
	  JOIN regions rg ON rg.id = r.pregion
	  JOIN suppliers s ON s.id = x.supplier_id
	  LEFT JOIN products p ON p.id = x.product_id
	  LEFT JOIN categories cat ON cat.slug = x.category_slug
	 ORDER BY r.score DESC, r.days, r.pname, r.mid, r.pid`
}

// partnerCurrent: a candidate z has not expired (its end, or maximum
// extension date when the council will extend, is today or later). Every
// column it reads is in each walk's index.
const partnerCurrent = `coalesce(CASE WHEN z.extension_intended = 1 THEN z.max_extension_date END, z.end_date) >= :today`

// partnerWalks are the strengths, each with its index (migration 0004) and
// what a candidate z shares with the council's contract m.
var partnerWalks = []struct {
	strength int
	index    string
	match    string
}{
	{1, "contracts_partner_product", `z.product_id = m.product_id AND z.product_id IS NOT NULL`},
	{2, "contracts_partner_supplier", `z.category_slug = m.category_slug AND z.category_slug IS NOT NULL AND z.supplier_id = m.supplier_id
		AND coalesce(z.product_id <> m.product_id, 1)`},
	{3, "contracts_partner_category", `z.category_slug = m.category_slug AND z.category_slug IS NOT NULL AND z.supplier_id <> m.supplier_id`},
}
