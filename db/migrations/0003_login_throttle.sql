-- Login throttling (issue 4): failed staff logins and the locks they cause,
-- kept in the database so that a restart does not reset them. account is an
-- opaque key the web layer derives from the typed email (a hash), never the
-- email itself; "" in login_locks.account means the whole IP is locked.

-- +goose Up
CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    ip      TEXT NOT NULL,
    account TEXT NOT NULL,
    at      TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_ip ON login_failures (ip, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE login_locks (
    ip      TEXT NOT NULL,
    account TEXT NOT NULL,
    until   TEXT NOT NULL,
    PRIMARY KEY (ip, account)
) STRICT;

-- The audit page filters by actor and action.
CREATE INDEX audit_actor ON audit (actor, id);
CREATE INDEX audit_action ON audit (action, id);

-- +goose Down
DROP INDEX audit_action;
DROP INDEX audit_actor;
DROP TABLE login_locks;
DROP TABLE login_failures;
