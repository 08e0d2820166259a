-- Server-side secrets (HMAC keys for patient-form CSRF tokens), kept in the
-- database so that one file holds all state and a restart keeps open forms valid.

-- +goose Up
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL CHECK (length(value) >= 32),
    created_at TEXT NOT NULL
) STRICT;

-- +goose Down
DROP TABLE secrets;
