-- 0001: the tables of the management resources (see package store's schema).
-- Times are BIGINT Unix nanoseconds (UTC). name_key is the lower-cased name
-- (computed by the store). Every text column that is filtered or ordered
-- uses COLLATE "C", so that ORDER BY and comparisons follow the byte order
-- of package filter whatever the database's locale. doc is the JSON text,
-- byte for byte as written.

CREATE TABLE accounts (
    id          TEXT COLLATE "C" PRIMARY KEY,
    scope       TEXT COLLATE "C" NOT NULL DEFAULT '',
    version     BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    fullname    TEXT COLLATE "C" NOT NULL DEFAULT '',
    environment TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    account_id  TEXT COLLATE "C" NOT NULL,
    CONSTRAINT accounts_name_unique UNIQUE (scope, name_key)
);
CREATE INDEX accounts_name ON accounts (name, id);
CREATE INDEX accounts_created_at ON accounts (created_at, id);

CREATE TABLE integration_points (
    id          TEXT COLLATE "C" PRIMARY KEY,
    scope       TEXT COLLATE "C" NOT NULL DEFAULT '',
    version     BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    fullname    TEXT COLLATE "C" NOT NULL DEFAULT '',
    description TEXT COLLATE "C" NOT NULL DEFAULT '',
    connector   TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    account_id  TEXT COLLATE "C",
    CONSTRAINT integration_points_name_unique UNIQUE (scope, name_key)
);
CREATE INDEX integration_points_name ON integration_points (name, id);
CREATE INDEX integration_points_created_at ON integration_points (created_at, id);

CREATE TABLE integrations (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    scope                TEXT COLLATE "C" NOT NULL DEFAULT '',
    version              BIGINT NOT NULL,
    doc                  TEXT NOT NULL,
    name_key             TEXT COLLATE "C" NOT NULL,
    name                 TEXT COLLATE "C" NOT NULL,
    fullname             TEXT COLLATE "C" NOT NULL DEFAULT '',
    account_id           TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    category             TEXT COLLATE "C" NOT NULL DEFAULT '',
    provider_type        TEXT COLLATE "C" NOT NULL DEFAULT '',
    provider_fullname    TEXT COLLATE "C" NOT NULL DEFAULT '',
    integration_point_id TEXT COLLATE "C" REFERENCES integration_points (id) ON DELETE RESTRICT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    CONSTRAINT integrations_name_unique UNIQUE (scope, name_key)
);
CREATE INDEX integrations_name ON integrations (name, id);
CREATE INDEX integrations_account_name ON integrations (account_id, name, id);
CREATE INDEX integrations_created_at ON integrations (created_at, id);
CREATE INDEX integrations_provider_type ON integrations (provider_type);
CREATE INDEX integrations_integration_point ON integrations (integration_point_id);

CREATE TABLE credentials (
    id                      TEXT COLLATE "C" PRIMARY KEY,
    scope                   TEXT COLLATE "C" NOT NULL DEFAULT '',
    version                 BIGINT NOT NULL,
    doc                     TEXT NOT NULL,
    name_key                TEXT COLLATE "C" NOT NULL,
    name                    TEXT COLLATE "C" NOT NULL,
    fullname                TEXT COLLATE "C" NOT NULL DEFAULT '',
    owner_type              TEXT COLLATE "C" NOT NULL DEFAULT '',
    account_id              TEXT COLLATE "C" REFERENCES accounts (id) ON DELETE CASCADE,
    integration_id          TEXT COLLATE "C",
    integration_point_id    TEXT COLLATE "C",
    organization_webhook_id TEXT COLLATE "C",
    managed                 TEXT COLLATE "C" NOT NULL DEFAULT '',
    expires                 BIGINT,
    config_type             TEXT COLLATE "C",
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL,
    sealed                  BYTEA,
    key_id                  TEXT COLLATE "C",
    CONSTRAINT credentials_name_unique UNIQUE (scope, name_key)
);
CREATE INDEX credentials_name ON credentials (name, id);
CREATE INDEX credentials_account_name ON credentials (account_id, name, id);
CREATE INDEX credentials_created_at ON credentials (created_at, id);

CREATE TABLE audit_events (
    id            TEXT COLLATE "C" PRIMARY KEY,
    scope         TEXT COLLATE "C" NOT NULL DEFAULT '',
    version       BIGINT NOT NULL,
    doc           TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    actor         TEXT COLLATE "C" NOT NULL DEFAULT '',
    operation     TEXT COLLATE "C" NOT NULL DEFAULT '',
    resource_type TEXT COLLATE "C" NOT NULL DEFAULT '',
    resource_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    account_id    TEXT COLLATE "C",
    outcome       TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_created_at ON audit_events (created_at, id);
CREATE INDEX audit_events_account_created_at ON audit_events (account_id, created_at, id);
CREATE INDEX audit_events_resource ON audit_events (resource_id);
