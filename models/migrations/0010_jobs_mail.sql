-- Scheduled jobs and mail (models/jobrun.go, models/outbox.go,
-- models/digest.go): one row per job and period, a durable outbox, digest
-- preferences, and the records that make every email job send once.

-- Each run of a job for a period: one row, claimed by whoever inserts it
-- (so two servers on one database never run the same period twice). A
-- running row holds a lease its runner renews; a lapsed lease, or a runner
-- on this machine that no longer exists, lets another take the period over.
CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    job         TEXT NOT NULL,
    period      TEXT NOT NULL, -- the scheduled time it is for, UK time: 2026-11-21T06:00
    status      TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    trigger     TEXT NOT NULL, -- schedule, catch-up, command or admin
    attempts    INTEGER NOT NULL DEFAULT 1,
    owner       TEXT NOT NULL, -- host:pid of the runner
    lease_until TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    counts      TEXT NOT NULL DEFAULT '{}', -- JSON object of what it did: {"sent": 12}
    error       TEXT NOT NULL DEFAULT '',
    UNIQUE (job, period)
);
CREATE INDEX job_runs_started ON job_runs(job, started_at);

-- Every request to run a job, including those that found the period done
-- or running elsewhere: what the administrator's jobs page lists.
CREATE TABLE job_run_log (
    id         INTEGER PRIMARY KEY,
    job        TEXT NOT NULL,
    period     TEXT NOT NULL,
    trigger    TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'skipped')),
    detail     TEXT NOT NULL DEFAULT '',
    counts     TEXT NOT NULL DEFAULT '{}',
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    started_at TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX job_run_log_job ON job_run_log(job, id);
CREATE INDEX job_run_log_at ON job_run_log(at);

-- The durable outbox. An email is queued in the same transaction as the
-- change it reports, then a sender delivers it (SMTP, or an .eml file) and
-- marks it sent, retrying with backoff and recording failures.
CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY,
    message_id       TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL DEFAULT '',
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    text_body        TEXT NOT NULL,
    html_body        TEXT NOT NULL DEFAULT '',
    unsubscribe_url  TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    delivered_to     TEXT NOT NULL DEFAULT '', -- smtp://host, or the .eml file
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX mail_outbox_status ON mail_outbox(status, id);
CREATE INDEX mail_outbox_created ON mail_outbox(created_at);

-- Digests: each user chooses daily, weekly (Monday) or off. digest_since
-- is the end of what their last digest covered.
ALTER TABLE users ADD COLUMN digest TEXT NOT NULL DEFAULT 'daily' CHECK (digest IN ('daily', 'weekly', 'off'));
ALTER TABLE users ADD COLUMN digest_since TEXT;
CREATE INDEX users_digest ON users(digest, id);

-- The digest's partner matches look for contracts changed since the last
-- digest.
CREATE INDEX contracts_updated ON contracts(updated_at);

-- One row per user per digest period, written with the email (or with none
-- when there was nothing new): a rerun, or a run restarted after a crash,
-- skips whoever has a row.
CREATE TABLE digest_sends (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    period   TEXT NOT NULL,
    email_id INTEGER REFERENCES mail_outbox(id) ON DELETE SET NULL,
    items    INTEGER NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (user_id, period)
) WITHOUT ROWID;

-- Contract expiry alerts sent: one per contract, threshold (days before the
-- decision window: 120, 60, 30, 0) and window date, so a moved window is
-- alerted afresh.
CREATE TABLE contract_alerts (
    contract_id  INTEGER NOT NULL,
    threshold    INTEGER NOT NULL CHECK (threshold IN (120, 60, 30, 0)),
    window_date  TEXT NOT NULL,
    council_gss  TEXT NOT NULL REFERENCES councils(gss_code),
    at           TEXT NOT NULL,
    PRIMARY KEY (contract_id, threshold, window_date)
) WITHOUT ROWID;

-- Register-freshness nudges sent: one per council per month.
CREATE TABLE register_nudges (
    council_gss TEXT NOT NULL REFERENCES councils(gss_code),
    period      TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (council_gss, period)
) WITHOUT ROWID;

-- Award reminders sent: one per bid, 28 days after it closed unawarded.
CREATE TABLE award_reminders (
    bid_id INTEGER PRIMARY KEY REFERENCES bids(id),
    at     TEXT NOT NULL
);
