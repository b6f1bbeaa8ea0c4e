-- Indexes for the legacy radar, the ageing platforms list
-- (models/legacy.go) and market concentration (models/concentration.go),
-- measured at national scale (400,000 contracts:
-- BenchmarkLegacyAndConcentration).
--
-- Across a region or the whole country the radar looks only at the
-- contracts that can score as legacy: out of support (by their own date
-- or their product's), started more than ten years ago, or on-premises
-- and extended more than once; ageing platforms at those out of support
-- or on-premises. The query is a UNION with one part per reason, and each
-- part is answered from one index below holding every column the queries
-- read, so SQLite reads neither the table nor the other contracts. Read
-- through the table instead, 50,000 candidates cost a few hundred
-- milliseconds.

-- Out of support by the contract's own date (partial: most contracts
-- give none).
CREATE INDEX contracts_legacy_eos ON contracts(end_of_support_date, end_date, hosting, times_extended, start_date,
    product_id, council_gss, category_slug, decision_window_date) WHERE end_of_support_date IS NOT NULL;

-- Started more than ten years ago.
CREATE INDEX contracts_legacy_start ON contracts(start_date, end_date, end_of_support_date, hosting, times_extended,
    product_id, council_gss, category_slug, decision_window_date);

-- On-premises (partial), by times extended: the radar's "on-premises and
-- extended more than once" and the ageing platforms' "on-premises". It
-- holds hosting too, though every row's is the same: SQLite counts an
-- index as covering only when it holds every column the query names.
CREATE INDEX contracts_legacy_on_premises ON contracts(times_extended, end_date, end_of_support_date, start_date,
    product_id, council_gss, category_slug, decision_window_date, hosting) WHERE hosting = 'on_premises';

-- Out of support by the product's date, for contracts that give none of
-- their own: the product's contracts without a date.
CREATE INDEX contracts_product_eos ON contracts(product_id, end_of_support_date) WHERE product_id IS NOT NULL;
CREATE INDEX products_end_of_support ON products(end_of_support_date) WHERE end_of_support_date IS NOT NULL;

-- Market concentration groups a category's current contracts by
-- supplier and council and adds up their annual values: all of it from
-- this index, in the order the grouping wants.
CREATE INDEX contracts_concentration ON contracts(category_slug, supplier_id, council_gss, end_date, annual_value_pence)
    WHERE category_slug IS NOT NULL;
