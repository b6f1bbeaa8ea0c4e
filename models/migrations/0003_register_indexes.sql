-- Indexes for a council's register filtered by category or by supplier,
-- measured at national scale (400,000 contracts: BenchmarkRegister).
--
-- Jointly never runs ANALYZE, so SQLite takes an equality on any indexed
-- column as equally selective. "council = ? AND category = ?" therefore
-- walked contracts_category: every council's contracts in that category
-- (about 15,000) to find one council's hundred, 65 ms a page; and
-- "council = ? AND supplier = ?" walked contracts_supplier, where a large
-- supplier holds a fifth of all contracts, 95 ms. With the council and the
-- filter in one index each reads only that council's rows: under 1 ms.

-- The register filtered by category (sorted by decision window or not);
-- also one council's contracts in a category, as discovery asks.
CREATE INDEX contracts_council_category ON contracts(council_gss, category_slug, decision_window_date);

-- The register filtered by supplier (and hosting); it also covers the
-- register's list of its suppliers, counted.
CREATE INDEX contracts_council_supplier ON contracts(council_gss, supplier_id);
