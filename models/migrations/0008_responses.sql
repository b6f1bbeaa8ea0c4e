-- The supplier side of joint bids: self-registered suppliers, questions and
-- answers, sealed responses with receipts, panel evaluation and award, and
-- a hash chain over the audit trail.

-- Self-registration. A registered company is a suppliers row; the number it
-- claims is kept aside until an administrator links it to the register's
-- supplier of that number (a claim is not proof).
ALTER TABLE suppliers ADD COLUMN claimed_company_number TEXT;
ALTER TABLE suppliers ADD COLUMN sme INTEGER CHECK (sme IN (0, 1));
ALTER TABLE suppliers ADD COLUMN vcse INTEGER CHECK (vcse IN (0, 1));
ALTER TABLE suppliers ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE suppliers ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE suppliers ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE suppliers ADD COLUMN registered_at TEXT;
CREATE TABLE supplier_categories (
    supplier_id   INTEGER NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    category_slug TEXT NOT NULL REFERENCES categories(slug),
    PRIMARY KEY (supplier_id, category_slug)
) WITHOUT ROWID;
CREATE INDEX supplier_categories_category ON supplier_categories(category_slug);

-- Accounts made by self-registration cannot sign in until their email is
-- verified; every other way of making an account proves the address.
ALTER TABLE users ADD COLUMN awaiting_verification INTEGER NOT NULL DEFAULT 0 CHECK (awaiting_verification IN (0, 1));
CREATE TABLE email_verifications (
    secret_hash TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);

-- A bid's public estimate, for suppliers to filter opportunities by.
ALTER TABLE bids ADD COLUMN estimated_value_pence INTEGER CHECK (estimated_value_pence IS NULL OR estimated_value_pence >= 0);
ALTER TABLE bids ADD COLUMN closed_at TEXT;
-- Set once participants and respondents have been told the bid closed.
ALTER TABLE bids ADD COLUMN close_notified_at TEXT;

-- Suppliers following an opportunity hear of each published answer.
CREATE TABLE opportunity_followers (
    bid_id     INTEGER NOT NULL REFERENCES bids(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (bid_id, user_id)
) WITHOUT ROWID;

-- Clarification questions. The asker is kept for the record but never shown
-- to councils; number is given when the answer is published.
CREATE TABLE bid_questions (
    id          INTEGER PRIMARY KEY,
    bid_id      INTEGER NOT NULL REFERENCES bids(id),
    asked_by    INTEGER NOT NULL REFERENCES users(id),
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    question    TEXT NOT NULL,
    asked_at    TEXT NOT NULL,
    number      INTEGER,
    answer      TEXT,
    answered_by INTEGER REFERENCES users(id),
    answered_at TEXT,
    UNIQUE (bid_id, number)
);
CREATE INDEX bid_questions_bid ON bid_questions(bid_id, asked_at);

-- Sealed responses: one per supplier per bid. Nothing here is readable by
-- a council before the bid closes (models/response.go).
CREATE TABLE bid_responses (
    id           INTEGER PRIMARY KEY,
    bid_id       INTEGER NOT NULL REFERENCES bids(id),
    supplier_id  INTEGER NOT NULL REFERENCES suppliers(id),
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    price_pence  INTEGER CHECK (price_pence IS NULL OR price_pence >= 0),
    updated_by   INTEGER NOT NULL REFERENCES users(id),
    updated_at   TEXT NOT NULL,
    submitted_at TEXT,
    sha256       TEXT,
    UNIQUE (bid_id, supplier_id)
);
CREATE TABLE bid_response_answers (
    response_id  INTEGER NOT NULL REFERENCES bid_responses(id),
    criterion_id INTEGER NOT NULL REFERENCES bid_criteria(id),
    text         TEXT NOT NULL,
    PRIMARY KEY (response_id, criterion_id)
) WITHOUT ROWID;
-- Every submission and withdrawal, with its receipt: append-only.
CREATE TABLE bid_response_receipts (
    id          INTEGER PRIMARY KEY,
    response_id INTEGER NOT NULL REFERENCES bid_responses(id),
    kind        TEXT NOT NULL CHECK (kind IN ('submitted', 'withdrawn')),
    sha256      TEXT NOT NULL,
    at          TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX bid_response_receipts_response ON bid_response_receipts(response_id, id);
CREATE TRIGGER bid_response_receipts_no_update BEFORE UPDATE ON bid_response_receipts
BEGIN SELECT RAISE(ABORT, 'bid_response_receipts is append-only'); END;
CREATE TRIGGER bid_response_receipts_no_delete BEFORE DELETE ON bid_response_receipts
BEGIN SELECT RAISE(ABORT, 'bid_response_receipts is append-only'); END;

-- The evaluation panel: officers of participating councils, one chair.
CREATE TABLE bid_panel (
    bid_id          INTEGER NOT NULL REFERENCES bids(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL CHECK (role IN ('chair', 'evaluator')),
    added_by        INTEGER NOT NULL REFERENCES users(id),
    added_at        TEXT NOT NULL,
    -- Declared before seeing any response: conflicted members see none.
    declared_at     TEXT,
    conflicted      INTEGER CHECK (conflicted IN (0, 1)),
    declaration     TEXT NOT NULL DEFAULT '',
    -- When the member submitted their own scores; others' scores stay hidden until then.
    scores_submitted_at TEXT,
    PRIMARY KEY (bid_id, user_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX bid_panel_one_chair ON bid_panel(bid_id) WHERE role = 'chair';

-- Each evaluator's own score of each response on each criterion (0 to 10).
CREATE TABLE bid_scores (
    response_id   INTEGER NOT NULL REFERENCES bid_responses(id),
    criterion_id  INTEGER NOT NULL REFERENCES bid_criteria(id),
    evaluator_id  INTEGER NOT NULL REFERENCES users(id),
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    justification TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (response_id, criterion_id, evaluator_id)
) WITHOUT ROWID;

-- The chair's moderated score, from which weighted totals follow.
CREATE TABLE bid_moderated_scores (
    response_id   INTEGER NOT NULL REFERENCES bid_responses(id),
    criterion_id  INTEGER NOT NULL REFERENCES bid_criteria(id),
    score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    note          TEXT NOT NULL DEFAULT '',
    chair_id      INTEGER NOT NULL REFERENCES users(id),
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (response_id, criterion_id)
) WITHOUT ROWID;

CREATE TABLE bid_awards (
    bid_id      INTEGER PRIMARY KEY REFERENCES bids(id),
    response_id INTEGER NOT NULL REFERENCES bid_responses(id),
    value_pence INTEGER NOT NULL CHECK (value_pence >= 0),
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    awarded_by  INTEGER NOT NULL REFERENCES users(id),
    awarded_at  TEXT NOT NULL,
    CHECK (start_date <= end_date)
);

-- A contract that came from a joint bid, and the contracts it replaces.
ALTER TABLE contracts ADD COLUMN bid_id INTEGER REFERENCES bids(id);
CREATE TABLE contract_replacements (
    contract_id          INTEGER NOT NULL,
    replaces_contract_id INTEGER NOT NULL,
    PRIMARY KEY (contract_id, replaces_contract_id)
) WITHOUT ROWID;
CREATE INDEX contract_replacements_replaced ON contract_replacements(replaces_contract_id);

-- The audit trail becomes a hash chain: each entry carries the hash of the
-- one before, so altering or removing an entry breaks every later link
-- (jointly audit verify). Entries written before this migration have no
-- hash and stand before the chain's start.
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
