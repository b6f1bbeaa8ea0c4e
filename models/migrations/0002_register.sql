-- The contract register: categories (reference data), suppliers' spellings,
-- products, contracts and their change history.

CREATE TABLE categories (
    slug         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    cpv_prefixes TEXT NOT NULL DEFAULT '', -- ';'-separated
    position     INTEGER NOT NULL
);

-- Every spelling of a supplier's name seen, normalised, → the supplier.
CREATE TABLE supplier_aliases (
    normalised_name TEXT PRIMARY KEY,
    supplier_id     INTEGER NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    name            TEXT NOT NULL
);
CREATE INDEX supplier_aliases_supplier ON supplier_aliases(supplier_id);
INSERT OR IGNORE INTO supplier_aliases (normalised_name, supplier_id, name)
    SELECT normalised_name, id, name FROM suppliers;

CREATE TABLE products (
    id                  INTEGER PRIMARY KEY,
    supplier_id         INTEGER NOT NULL REFERENCES suppliers(id),
    name                TEXT NOT NULL,
    normalised_name     TEXT NOT NULL,
    category_slug       TEXT REFERENCES categories(slug),
    end_of_support_date TEXT,
    created_at          TEXT NOT NULL,
    UNIQUE (supplier_id, normalised_name)
);

CREATE TABLE contracts (
    -- AUTOINCREMENT: a deleted contract's history outlives it, so its id
    -- must never be given to a new contract.
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    council_gss             TEXT NOT NULL REFERENCES councils(gss_code),
    reference               TEXT NOT NULL DEFAULT '',
    -- Rows without a reference are keyed by a hash of their content.
    content_key             TEXT NOT NULL DEFAULT '',
    title                   TEXT NOT NULL,
    department              TEXT NOT NULL DEFAULT '',
    description             TEXT NOT NULL DEFAULT '',
    supplier_id             INTEGER NOT NULL REFERENCES suppliers(id),
    product_id              INTEGER REFERENCES products(id),
    category_slug           TEXT REFERENCES categories(slug),
    total_value_pence       INTEGER,
    annual_value_pence      INTEGER,
    irrecoverable_vat_pence INTEGER,
    start_date              TEXT,
    end_date                TEXT,
    review_date             TEXT,
    max_extension_date      TEXT,
    extension_intended      INTEGER NOT NULL DEFAULT 0 CHECK (extension_intended IN (0, 1)),
    times_extended          INTEGER NOT NULL DEFAULT 0 CHECK (times_extended >= 0),
    notice_period_months    INTEGER CHECK (notice_period_months BETWEEN 0 AND 120),
    procurement_route       TEXT NOT NULL DEFAULT '' CHECK (procurement_route IN ('', 'tender', 'quote', 'framework', 'direct', 'other')),
    sme                     INTEGER CHECK (sme IN (0, 1)),
    vcse                    INTEGER CHECK (vcse IN (0, 1)),
    hosting                 TEXT NOT NULL DEFAULT '' CHECK (hosting IN ('', 'on_premises', 'hosted', 'saas')),
    end_of_support_date     TEXT,
    notes                   TEXT NOT NULL DEFAULT '',
    -- Derived on every write (models/contract.go), so it can be filtered
    -- and sorted at national scale.
    decision_window_date    TEXT,
    source                  TEXT NOT NULL DEFAULT 'manual',
    ocid                    TEXT NOT NULL DEFAULT '',
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE UNIQUE INDEX contracts_council_reference ON contracts(council_gss, reference) WHERE reference <> '';
CREATE UNIQUE INDEX contracts_council_content ON contracts(council_gss, content_key) WHERE reference = '';
CREATE INDEX contracts_council_end ON contracts(council_gss, end_date);
CREATE INDEX contracts_council_window ON contracts(council_gss, decision_window_date);
CREATE INDEX contracts_supplier ON contracts(supplier_id);
CREATE INDEX contracts_product ON contracts(product_id);
CREATE INDEX contracts_category ON contracts(category_slug, decision_window_date);

-- Every change to a contract: who, when, which fields, old and new values.
-- Kept after a contract is deleted, so no foreign key to contracts.
CREATE TABLE contract_changes (
    id          INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL,
    council_gss TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    source      TEXT NOT NULL DEFAULT 'manual',
    changes     TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX contract_changes_contract ON contract_changes(contract_id, id);
CREATE INDEX contract_changes_council ON contract_changes(council_gss, id);
CREATE TRIGGER contract_changes_no_update BEFORE UPDATE ON contract_changes
BEGIN SELECT RAISE(ABORT, 'contract_changes is append-only'); END;
CREATE TRIGGER contract_changes_no_delete BEFORE DELETE ON contract_changes
BEGIN SELECT RAISE(ABORT, 'contract_changes is append-only'); END;

-- "Our register is current": who confirmed, when.
CREATE TABLE register_confirmations (
    id           INTEGER PRIMARY KEY,
    council_gss  TEXT NOT NULL REFERENCES councils(gss_code),
    confirmed_by INTEGER NOT NULL REFERENCES users(id),
    confirmed_at TEXT NOT NULL
);
CREATE INDEX register_confirmations_council ON register_confirmations(council_gss, confirmed_at);

-- A council's own names for import columns, remembered for next time.
CREATE TABLE import_mappings (
    council_gss TEXT NOT NULL REFERENCES councils(gss_code),
    header      TEXT NOT NULL, -- normalised header
    field       TEXT NOT NULL,
    PRIMARY KEY (council_gss, header)
);
