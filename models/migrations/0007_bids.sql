-- Joint bids (models/bid*.go): a lead council and partner councils
-- co-author a procurement, sign it off and publish it. The supplier side
-- (questions, sealed responses, evaluation, award) builds on these tables.
CREATE TABLE bids (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    title                  TEXT NOT NULL,
    summary                TEXT NOT NULL DEFAULT '',
    category_slug          TEXT NOT NULL REFERENCES categories(slug),
    lead_gss               TEXT NOT NULL REFERENCES councils(gss_code),
    status                 TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
                           ('draft', 'signing_off', 'published', 'closed', 'evaluating', 'awarded', 'cancelled')),
    -- Goes up by one with every edit of the content that is signed off;
    -- a sign-off names the revision it approved.
    revision               INTEGER NOT NULL DEFAULT 1,
    response_deadline      TEXT,
    clarification_deadline TEXT,
    published_at           TEXT,
    from_interest_id       INTEGER REFERENCES expressions_of_interest(id),
    created_by             INTEGER NOT NULL REFERENCES users(id),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    CHECK (clarification_deadline IS NULL OR clarification_deadline < response_deadline)
);
CREATE INDEX bids_status ON bids(status, response_deadline);
CREATE INDEX bids_lead ON bids(lead_gss);

-- The councils taking part. The lead is a participant with role 'lead',
-- accepted from the start; partners are invited and accept or decline.
CREATE TABLE bid_participants (
    bid_id            INTEGER NOT NULL REFERENCES bids(id),
    council_gss       TEXT NOT NULL REFERENCES councils(gss_code),
    role              TEXT NOT NULL CHECK (role IN ('lead', 'partner')),
    state             TEXT NOT NULL CHECK (state IN ('invited', 'accepted', 'declined')),
    -- The officer who signs off for the council.
    nominee_id        INTEGER REFERENCES users(id),
    requirements      TEXT NOT NULL DEFAULT '',
    volumes           TEXT NOT NULL DEFAULT '',
    budget_pence      INTEGER CHECK (budget_pence IS NULL OR budget_pence >= 0),
    invited_by        INTEGER REFERENCES users(id),
    invited_at        TEXT NOT NULL,
    answered_by       INTEGER REFERENCES users(id),
    answered_at       TEXT,
    signed_off_by     INTEGER REFERENCES users(id),
    signed_off_at     TEXT,
    signed_off_revision INTEGER,
    PRIMARY KEY (bid_id, council_gss)
) WITHOUT ROWID;
CREATE INDEX bid_participants_council ON bid_participants(council_gss, state);
CREATE UNIQUE INDEX bid_participants_one_lead ON bid_participants(bid_id) WHERE role = 'lead';

-- The contracts a bid would replace, in participants' registers. No
-- foreign key: a bid outlives a deleted contract, as its history does.
CREATE TABLE bid_replaces (
    bid_id      INTEGER NOT NULL REFERENCES bids(id),
    contract_id INTEGER NOT NULL,
    council_gss TEXT NOT NULL REFERENCES councils(gss_code),
    PRIMARY KEY (bid_id, contract_id)
) WITHOUT ROWID;
CREATE INDEX bid_replaces_contract ON bid_replaces(contract_id);

-- Sections, co-authored in Markdown. version is the latest version's
-- number; every version is kept in bid_section_versions.
CREATE TABLE bid_sections (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    bid_id     INTEGER NOT NULL REFERENCES bids(id),
    position   INTEGER NOT NULL,
    heading    TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
);
CREATE INDEX bid_sections_bid ON bid_sections(bid_id, position);

CREATE TABLE bid_section_versions (
    section_id INTEGER NOT NULL REFERENCES bid_sections(id),
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    author_id  INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (section_id, version)
) WITHOUT ROWID;
CREATE TRIGGER bid_section_versions_no_update BEFORE UPDATE ON bid_section_versions
BEGIN SELECT RAISE(ABORT, 'bid_section_versions is append-only'); END;
CREATE TRIGGER bid_section_versions_no_delete BEFORE DELETE ON bid_section_versions
BEGIN SELECT RAISE(ABORT, 'bid_section_versions is append-only'); END;

CREATE TABLE bid_comments (
    id          INTEGER PRIMARY KEY,
    section_id  INTEGER NOT NULL REFERENCES bid_sections(id),
    author_id   INTEGER NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    resolved_by INTEGER REFERENCES users(id),
    resolved_at TEXT
);
CREATE INDEX bid_comments_section ON bid_comments(section_id, created_at);

-- Evaluation criteria; weights sum to 100 before publishing.
CREATE TABLE bid_criteria (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    bid_id      INTEGER NOT NULL REFERENCES bids(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    weight      INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100)
);
CREATE INDEX bid_criteria_bid ON bid_criteria(bid_id, position);

-- Every status change: append-only.
CREATE TABLE bid_status_history (
    id       INTEGER PRIMARY KEY,
    bid_id   INTEGER NOT NULL REFERENCES bids(id),
    status   TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    at       TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bid_status_history_bid ON bid_status_history(bid_id, id);
CREATE TRIGGER bid_status_history_no_update BEFORE UPDATE ON bid_status_history
BEGIN SELECT RAISE(ABORT, 'bid_status_history is append-only'); END;
CREATE TRIGGER bid_status_history_no_delete BEFORE DELETE ON bid_status_history
BEGIN SELECT RAISE(ABORT, 'bid_status_history is append-only'); END;

-- What happened in a bid, in words, for its activity feed and the digest.
CREATE TABLE bid_activity (
    id          INTEGER PRIMARY KEY,
    bid_id      INTEGER NOT NULL REFERENCES bids(id),
    actor_id    INTEGER REFERENCES users(id),
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    section_id  INTEGER,
    council_gss TEXT
);
CREATE INDEX bid_activity_bid ON bid_activity(bid_id, id);
CREATE INDEX bid_activity_at ON bid_activity(at);

-- Full-text search over bids: title, summary and every section, kept by
-- the model on each save. Who may see a hit is decided by joining bids.
CREATE VIRTUAL TABLE bids_fts USING fts5(title, summary, body, tokenize = 'porter unicode61');
