-- 0001: the tables of the management resources (see package store's schema).
-- Times are INTEGER Unix nanoseconds (UTC). name_key is lower(name).

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    scope       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    name        TEXT NOT NULL,
    fullname    TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    account_id  TEXT NOT NULL,
    UNIQUE (scope, name_key)
) STRICT;
CREATE INDEX accounts_name ON accounts (name, id);
CREATE INDEX accounts_created_at ON accounts (created_at, id);

CREATE TABLE integration_points (
    id          TEXT PRIMARY KEY,
    scope       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    name        TEXT NOT NULL,
    fullname    TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    connector   TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    account_id  TEXT,
    UNIQUE (scope, name_key)
) STRICT;
CREATE INDEX integration_points_name ON integration_points (name, id);
CREATE INDEX integration_points_created_at ON integration_points (created_at, id);

CREATE TABLE integrations (
    id                   TEXT PRIMARY KEY,
    scope                TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL,
    doc                  TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    name                 TEXT NOT NULL,
    fullname             TEXT NOT NULL DEFAULT '',
    account_id           TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    category             TEXT NOT NULL DEFAULT '',
    provider_type        TEXT NOT NULL DEFAULT '',
    provider_fullname    TEXT NOT NULL DEFAULT '',
    integration_point_id TEXT REFERENCES integration_points (id) ON DELETE RESTRICT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (scope, name_key)
) STRICT;
CREATE INDEX integrations_name ON integrations (name, id);
CREATE INDEX integrations_account_name ON integrations (account_id, name, id);
CREATE INDEX integrations_created_at ON integrations (created_at, id);
CREATE INDEX integrations_provider_type ON integrations (provider_type);
CREATE INDEX integrations_integration_point ON integrations (integration_point_id);

CREATE TABLE credentials (
    id                      TEXT PRIMARY KEY,
    scope                   TEXT NOT NULL DEFAULT '',
    version                 INTEGER NOT NULL,
    doc                     TEXT NOT NULL,
    name_key                TEXT NOT NULL,
    name                    TEXT NOT NULL,
    fullname                TEXT NOT NULL DEFAULT '',
    owner_type              TEXT NOT NULL DEFAULT '',
    account_id              TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    integration_id          TEXT,
    integration_point_id    TEXT,
    organization_webhook_id TEXT,
    managed                 TEXT NOT NULL DEFAULT '',
    expires                 INTEGER,
    config_type             TEXT,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    sealed                  BLOB,
    key_id                  TEXT,
    UNIQUE (scope, name_key)
) STRICT;
CREATE INDEX credentials_name ON credentials (name, id);
CREATE INDEX credentials_account_name ON credentials (account_id, name, id);
CREATE INDEX credentials_created_at ON credentials (created_at, id);

CREATE TABLE audit_events (
    id            TEXT PRIMARY KEY,
    scope         TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    doc           TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    actor         TEXT NOT NULL DEFAULT '',
    operation     TEXT NOT NULL DEFAULT '',
    resource_type TEXT NOT NULL DEFAULT '',
    resource_id   TEXT NOT NULL DEFAULT '',
    account_id    TEXT,
    outcome       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_events_created_at ON audit_events (created_at, id);
CREATE INDEX audit_events_account_created_at ON audit_events (account_id, created_at, id);
CREATE INDEX audit_events_resource ON audit_events (resource_id);
