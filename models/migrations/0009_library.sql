-- The library (models/library*.go): playbooks, councillor briefings,
-- templates and case studies, with versions, review, adoption and
-- adaptation; the glossary; councils' generated briefings; and full-text
-- search over everything a person may open.
CREATE TABLE library_items (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slug          TEXT UNIQUE,              -- starter content shipped in data/library
    kind          TEXT NOT NULL CHECK (kind IN ('playbook', 'briefing', 'template', 'case_study')),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    body          TEXT NOT NULL DEFAULT '',
    audience      TEXT NOT NULL CHECK (audience IN ('officers', 'councillors', 'suppliers', 'everyone')),
    -- The council that wrote it; NULL for the CIO council's own items.
    council_gss   TEXT REFERENCES councils(gss_code),
    -- The state of the latest version. Readers see the last approved one
    -- (published_version), so an edit never hides a published item.
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published')),
    version       INTEGER NOT NULL DEFAULT 1,
    published_version INTEGER,
    review_date   TEXT,
    adapted_from  INTEGER REFERENCES library_items(id),
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_by    INTEGER REFERENCES users(id),
    updated_at    TEXT NOT NULL,
    submitted_by  INTEGER REFERENCES users(id),
    submitted_at  TEXT,
    approved_by   INTEGER REFERENCES users(id),
    published_at  TEXT
);
CREATE INDEX library_items_status ON library_items(status, audience, updated_at);
CREATE INDEX library_items_council ON library_items(council_gss, status);
CREATE INDEX library_items_adapted ON library_items(adapted_from);

CREATE TABLE library_tags (
    item_id INTEGER NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
) WITHOUT ROWID;
CREATE INDEX library_tags_tag ON library_tags(tag);

CREATE TABLE library_categories (
    item_id       INTEGER NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
    category_slug TEXT NOT NULL REFERENCES categories(slug),
    PRIMARY KEY (item_id, category_slug)
) WITHOUT ROWID;

-- Every save is a version: append-only.
CREATE TABLE library_versions (
    item_id    INTEGER NOT NULL REFERENCES library_items(id),
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    body       TEXT NOT NULL,
    -- What readers see changes only at approval, so a version carries its
    -- kind, audience, tags and categories (comma-separated) with its text.
    kind       TEXT NOT NULL,
    audience   TEXT NOT NULL,
    tags       TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '',
    author_id  INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (item_id, version)
) WITHOUT ROWID;
CREATE TRIGGER library_versions_no_update BEFORE UPDATE ON library_versions
BEGIN SELECT RAISE(ABORT, 'library_versions is append-only'); END;
CREATE TRIGGER library_versions_no_delete BEFORE DELETE ON library_versions
BEGIN SELECT RAISE(ABORT, 'library_versions is append-only'); END;

-- Councils that adopted an item as it stands.
CREATE TABLE library_adoptions (
    item_id     INTEGER NOT NULL REFERENCES library_items(id),
    council_gss TEXT NOT NULL REFERENCES councils(gss_code),
    adopted_by  INTEGER NOT NULL REFERENCES users(id),
    adopted_at  TEXT NOT NULL,
    PRIMARY KEY (item_id, council_gss)
) WITHOUT ROWID;

-- Attachments, stored under data/uploads by content hash.
CREATE TABLE library_attachments (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES library_items(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES users(id),
    uploaded_at  TEXT NOT NULL,
    removed_at   TEXT
);
CREATE INDEX library_attachments_item ON library_attachments(item_id);

CREATE TABLE glossary_terms (
    id         INTEGER PRIMARY KEY,
    term       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    definition TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at TEXT NOT NULL
);

-- Each council's briefing, generated nightly from its own data.
CREATE TABLE council_briefings (
    council_gss  TEXT PRIMARY KEY REFERENCES councils(gss_code),
    body         TEXT NOT NULL,
    generated_at TEXT NOT NULL
);

-- Full-text search. Library items are indexed by the model on each save;
-- contracts and suppliers by triggers, so every write path (forms, API,
-- imports, merges) keeps the index right. Each index keeps its own copy of
-- the text (for snippets); search joins back to the rows to apply who may
-- see what.
CREATE VIRTUAL TABLE library_fts USING fts5(title, summary, body, tags, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE contracts_fts USING fts5(title, supplier, product, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE suppliers_fts USING fts5(name, tokenize = 'porter unicode61');

INSERT INTO contracts_fts (rowid, title, supplier, product)
    SELECT k.id, k.title, s.name, coalesce(p.name, '') FROM contracts k
    JOIN suppliers s ON s.id = k.supplier_id LEFT JOIN products p ON p.id = k.product_id;
INSERT INTO suppliers_fts (rowid, name) SELECT id, name FROM suppliers;

CREATE TRIGGER contracts_fts_insert AFTER INSERT ON contracts BEGIN
    INSERT INTO contracts_fts (rowid, title, supplier, product)
    VALUES (new.id, new.title, (SELECT name FROM suppliers WHERE id = new.supplier_id),
            coalesce((SELECT name FROM products WHERE id = new.product_id), ''));
END;
CREATE TRIGGER contracts_fts_delete AFTER DELETE ON contracts BEGIN
    DELETE FROM contracts_fts WHERE rowid = old.id;
END;
CREATE TRIGGER contracts_fts_update AFTER UPDATE OF title, supplier_id, product_id ON contracts BEGIN
    DELETE FROM contracts_fts WHERE rowid = old.id;
    INSERT INTO contracts_fts (rowid, title, supplier, product)
    VALUES (new.id, new.title, (SELECT name FROM suppliers WHERE id = new.supplier_id),
            coalesce((SELECT name FROM products WHERE id = new.product_id), ''));
END;
CREATE TRIGGER suppliers_fts_insert AFTER INSERT ON suppliers BEGIN
    INSERT INTO suppliers_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER suppliers_fts_delete AFTER DELETE ON suppliers BEGIN
    DELETE FROM suppliers_fts WHERE rowid = old.id;
END;
-- A renamed supplier renames it in its contracts' entries too.
CREATE TRIGGER suppliers_fts_update AFTER UPDATE OF name ON suppliers BEGIN
    DELETE FROM suppliers_fts WHERE rowid = old.id;
    INSERT INTO suppliers_fts (rowid, name) VALUES (new.id, new.name);
    UPDATE contracts_fts SET supplier = new.name WHERE rowid IN (SELECT id FROM contracts WHERE supplier_id = new.id);
END;
