-- Foundation: regions, councils, people, sessions, tokens, audit trail.
-- Instants are TEXT in UTC, fixed width (see models/clock.go); calendar
-- dates are TEXT YYYY-MM-DD.

CREATE TABLE regions (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE,
    slug   TEXT NOT NULL UNIQUE,
    nation TEXT NOT NULL
);

CREATE TABLE councils (
    gss_code      TEXT PRIMARY KEY CHECK (length(gss_code) = 9),
    name          TEXT NOT NULL,
    official_name TEXT NOT NULL,
    type_code     TEXT NOT NULL,
    region_id     INTEGER NOT NULL REFERENCES regions(id),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    end_date      TEXT,
    population    INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX councils_region ON councils(region_id, type_code, name);
CREATE INDEX councils_name ON councils(name);

-- Email domains decide which council a first single sign-on joins.
CREATE TABLE council_domains (
    domain   TEXT PRIMARY KEY COLLATE NOCASE,
    gss_code TEXT NOT NULL REFERENCES councils(gss_code) ON DELETE CASCADE
);
CREATE INDEX council_domains_council ON council_domains(gss_code);

-- Supplier organisations. The register issue adds registration numbers'
-- matching rules and aliases; a supplier user belongs to one.
CREATE TABLE suppliers (
    id                     INTEGER PRIMARY KEY,
    name                   TEXT NOT NULL,
    normalised_name        TEXT NOT NULL,
    companies_house_number TEXT UNIQUE,
    created_at             TEXT NOT NULL
);
CREATE INDEX suppliers_normalised_name ON suppliers(normalised_name);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'councillor', 'supplier')),
    council_gss   TEXT REFERENCES councils(gss_code),
    supplier_id   INTEGER REFERENCES suppliers(id),
    password_hash TEXT,
    disabled_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    -- Officers and councillors belong to a council, suppliers to a supplier.
    CHECK ((role IN ('officer', 'councillor')) = (council_gss IS NOT NULL)),
    CHECK ((role = 'supplier') = (supplier_id IS NOT NULL))
);
CREATE INDEX users_council ON users(council_gss);
CREATE INDEX users_supplier ON users(supplier_id);

-- Single sign-on identities: (provider, subject) → local user.
CREATE TABLE identities (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_user ON identities(user_id);

-- Server-side sessions. Only a hash of the cookie's secret is stored.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Failed sign-ins, for rate limiting per account and per address.
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    ip    TEXT NOT NULL,
    at    TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

-- Single-use links sent by email: password resets and invitations.
CREATE TABLE password_resets (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_resets_user ON password_resets(user_id);

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE,
    email       TEXT NOT NULL COLLATE NOCASE,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'councillor', 'supplier')),
    council_gss TEXT REFERENCES councils(gss_code),
    supplier_id INTEGER REFERENCES suppliers(id),
    invited_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    accepted_at TEXT
);
CREATE INDEX invitations_email ON invitations(email);

-- Short-lived single sign-on attempts: the state sent to the provider and
-- the provider's session, used once on the callback.
CREATE TABLE sso_states (
    state_hash BLOB PRIMARY KEY,
    provider   TEXT NOT NULL,
    session    TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Who changed what: append-only.
CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_entity ON audit_events(entity, entity_id, at);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- Instance settings, such as the key that signs form tokens when none is
-- configured, so every process on one database agrees on it.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
