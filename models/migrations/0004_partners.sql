-- Partner matching (models/partners.go) and expressions of interest.
--
-- Partner matching walks, for each of a council's contracts, the other
-- councils' contracts with the same product, or the same category, in
-- decision-window order (nearest first on each side): these indexes serve
-- those walks, one per strength. They carry every column the walk's filter
-- reads (council, expiry), so a walk never visits the table.
CREATE INDEX contracts_partner_product ON contracts(product_id, decision_window_date, council_gss,
    end_date, max_extension_date, extension_intended, annual_value_pence)
    WHERE decision_window_date IS NOT NULL AND product_id IS NOT NULL;
CREATE INDEX contracts_partner_supplier ON contracts(category_slug, supplier_id, decision_window_date, council_gss,
    product_id, end_date, max_extension_date, extension_intended, annual_value_pence)
    WHERE decision_window_date IS NOT NULL AND category_slug IS NOT NULL;
CREATE INDEX contracts_partner_category ON contracts(category_slug, decision_window_date, council_gss,
    supplier_id, end_date, max_extension_date, extension_intended, annual_value_pence)
    WHERE decision_window_date IS NOT NULL AND category_slug IS NOT NULL;

-- "We would like to procure this together": one council's officer tells a
-- partner council's officers. The joint bids feature turns these into bids.
CREATE TABLE expressions_of_interest (
    id                  INTEGER PRIMARY KEY,
    from_gss            TEXT NOT NULL REFERENCES councils(gss_code),
    to_gss              TEXT NOT NULL REFERENCES councils(gss_code),
    from_user           INTEGER NOT NULL REFERENCES users(id),
    -- No foreign keys to contracts: an expression outlives a deleted contract,
    -- as contract history does.
    contract_id         INTEGER NOT NULL,
    partner_contract_id INTEGER NOT NULL,
    message             TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    withdrawn_at        TEXT,
    CHECK (from_gss <> to_gss),
    CHECK (contract_id <> partner_contract_id)
);
-- One live expression per pair of contracts.
CREATE UNIQUE INDEX expressions_of_interest_pair ON expressions_of_interest(contract_id, partner_contract_id) WHERE withdrawn_at IS NULL;
CREATE INDEX expressions_of_interest_to ON expressions_of_interest(to_gss, created_at);
CREATE INDEX expressions_of_interest_from ON expressions_of_interest(from_gss, created_at);
