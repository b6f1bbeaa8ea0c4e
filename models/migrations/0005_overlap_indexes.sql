-- Indexes for overlaps (models/overlaps.go): who runs a product, buys from
-- a supplier or buys in a category, per council, with spend and an expiry
-- timeline, at national scale (400,000 contracts: BenchmarkOverlap).
--
-- Each holds every column the overlap queries read, so they are answered
-- from the index alone, never the table: the subject, then the council (so
-- grouping by council walks the index in order, and a region's councils
-- are found by seeking), then the decision window, the annual value and
-- what says whether the contract is still current (end date, maximum
-- extension date and whether the council means to extend).

CREATE INDEX contracts_overlap_product ON contracts(product_id, council_gss, decision_window_date, annual_value_pence,
    end_date, max_extension_date, extension_intended) WHERE product_id IS NOT NULL;
CREATE INDEX contracts_overlap_supplier ON contracts(supplier_id, council_gss, decision_window_date, annual_value_pence,
    end_date, max_extension_date, extension_intended);
CREATE INDEX contracts_overlap_category ON contracts(category_slug, council_gss, decision_window_date, annual_value_pence,
    end_date, max_extension_date, extension_intended) WHERE category_slug IS NOT NULL;
