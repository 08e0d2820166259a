-- Initial schema. Never edit this file once released: add 0002_*.sql instead.
-- Timestamps are UTC text in a fixed-width form (2006-01-02T15:04:05.000000000Z) so
-- that text order is time order; dates are YYYY-MM-DD.

-- +goose Up
CREATE TABLE intakes (
    id                    TEXT PRIMARY KEY,            -- random, unguessable
    created_at            TEXT NOT NULL,
    submission_date       TEXT NOT NULL,               -- clinic time zone
    questionnaire_version TEXT NOT NULL,
    lang                  TEXT NOT NULL,
    answers               TEXT NOT NULL CHECK (json_valid(answers)),
    given_name            TEXT NOT NULL,
    family_name           TEXT NOT NULL,
    birth_date            TEXT NOT NULL,
    name_key              TEXT NOT NULL,               -- folded search key, see db/namekey.go
    reviewed_at           TEXT,
    reviewed_by           TEXT,
    voided_at             TEXT,
    voided_by             TEXT,
    void_reason           TEXT
) STRICT;
CREATE INDEX intakes_submission_date ON intakes (submission_date, created_at);
CREATE INDEX intakes_name_key ON intakes (name_key);

-- What the patient sent is never rewritten: only review and void state may change.
-- +goose StatementBegin
CREATE TRIGGER intakes_answers_immutable
BEFORE UPDATE OF id, created_at, submission_date, questionnaire_version, lang, answers,
                 given_name, family_name, birth_date, name_key ON intakes
BEGIN
    SELECT RAISE(ABORT, 'intakes: submitted data is immutable');
END;
-- +goose StatementEnd

CREATE TABLE screenings (
    id               INTEGER PRIMARY KEY,
    intake_id        TEXT NOT NULL REFERENCES intakes (id),
    rules_version    TEXT NOT NULL,
    result           TEXT NOT NULL CHECK (json_valid(result)),
    highest_severity TEXT NOT NULL,
    severity_rank    INTEGER NOT NULL,                 -- 0 emergency .. 4 none
    computed_at      TEXT NOT NULL
) STRICT;
CREATE INDEX screenings_intake ON screenings (intake_id, id);
CREATE INDEX screenings_severity_rank ON screenings (severity_rank);

-- Screening results are added (rescreen), never changed.
-- +goose StatementBegin
CREATE TRIGGER screenings_no_update BEFORE UPDATE ON screenings
BEGIN
    SELECT RAISE(ABORT, 'screenings: rows are immutable');
END;
-- +goose StatementEnd

-- "api:<Idempotency-Key>" and "form:<one-time submission token>".
CREATE TABLE idempotency (
    key        TEXT PRIMARY KEY,
    body_hash  TEXT NOT NULL,
    intake_id  TEXT NOT NULL REFERENCES intakes (id),
    created_at TEXT NOT NULL
) STRICT;

-- Patient confirmation page tokens, valid 24 h.
CREATE TABLE receipts (
    token      TEXT PRIMARY KEY,
    intake_id  TEXT NOT NULL REFERENCES intakes (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX receipts_intake ON receipts (intake_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    hash       TEXT NOT NULL UNIQUE,                    -- hex SHA-256 of the token
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,                         -- user id or cli:<os user>
    action       TEXT NOT NULL,
    intake_id    TEXT,                                  -- no foreign key: failed views are logged too
    export_range TEXT,
    row_count    INTEGER,
    outcome      TEXT NOT NULL,
    client_ip    TEXT
) STRICT;
CREATE INDEX audit_at ON audit (at);

-- +goose StatementBegin
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit: append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit: append-only');
END;
-- +goose StatementEnd

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'therapist', 'frontdesk')),
    password_hash TEXT NOT NULL,
    disabled_at   TEXT,
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    expires_at TEXT                                     -- NULL: no expiry
) STRICT;
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- +goose Down
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE audit;
DROP TABLE api_tokens;
DROP TABLE receipts;
DROP TABLE idempotency;
DROP TABLE screenings;
DROP TABLE intakes;
