-- 0004: the sync plane (destinations, sync configs, syncs, sync runs) and
-- the event outbox with its webhooks and their deliveries. A sync goes with
-- its integration, its account and its config; a config cannot outlive the
-- use of its destination.

CREATE TABLE destinations (
    id         TEXT PRIMARY KEY,
    scope      TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    name       TEXT NOT NULL,
    fullname   TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    account_id TEXT,
    sealed     BLOB,
    key_id     TEXT,
    UNIQUE (scope, name_key)
) STRICT;
CREATE INDEX destinations_name ON destinations (name, id);

CREATE TABLE sync_configs (
    id                   TEXT PRIMARY KEY,
    scope                TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL,
    doc                  TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    name                 TEXT NOT NULL,
    fullname             TEXT NOT NULL DEFAULT '',
    destination_id       TEXT NOT NULL REFERENCES destinations (id) ON DELETE RESTRICT,
    integration_point_id TEXT REFERENCES integration_points (id) ON DELETE RESTRICT,
    provider_type        TEXT,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    account_id           TEXT,
    UNIQUE (scope, name_key)
) STRICT;
CREATE INDEX sync_configs_name ON sync_configs (name, id);
CREATE INDEX sync_configs_destination ON sync_configs (destination_id);
CREATE INDEX sync_configs_integration_point ON sync_configs (integration_point_id);

CREATE TABLE syncs (
    id             TEXT PRIMARY KEY,
    scope          TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL,
    doc            TEXT NOT NULL,
    sync_config_id TEXT NOT NULL REFERENCES sync_configs (id) ON DELETE CASCADE,
    integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    account_id     TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    object         TEXT NOT NULL DEFAULT '',
    provider_type  TEXT NOT NULL DEFAULT '',
    paused         INTEGER NOT NULL,
    next_run_at    INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX syncs_integration ON syncs (integration_id);
CREATE INDEX syncs_config ON syncs (sync_config_id);
CREATE INDEX syncs_account ON syncs (account_id, id);
CREATE INDEX syncs_due ON syncs (paused, next_run_at);

CREATE TABLE sync_runs (
    id                 TEXT PRIMARY KEY,
    scope              TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL,
    doc                TEXT NOT NULL,
    sync_id            TEXT NOT NULL REFERENCES syncs (id) ON DELETE CASCADE,
    sync_config_id     TEXT NOT NULL DEFAULT '',
    integration_id     TEXT NOT NULL DEFAULT '',
    account_id         TEXT NOT NULL DEFAULT '',
    provider_name      TEXT NOT NULL DEFAULT '',
    object             TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT '',
    strategy           TEXT NOT NULL DEFAULT '',
    start_timestamp    INTEGER NOT NULL,
    end_timestamp      INTEGER,
    num_records_synced REAL NOT NULL
) STRICT;
CREATE INDEX sync_runs_start ON sync_runs (start_timestamp, id);
CREATE INDEX sync_runs_sync ON sync_runs (sync_id, start_timestamp);
CREATE INDEX sync_runs_account ON sync_runs (account_id, start_timestamp, id);

CREATE TABLE events (
    id             TEXT PRIMARY KEY,
    scope          TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL,
    doc            TEXT NOT NULL,
    type           TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    account_id     TEXT,
    integration_id TEXT,
    resource_id    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX events_created_at ON events (created_at, id);
CREATE INDEX events_account_created_at ON events (account_id, created_at, id);

CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY,
    scope      TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    name       TEXT NOT NULL,
    fullname   TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    account_id TEXT,
    sealed     BLOB,
    key_id     TEXT,
    UNIQUE (scope, name_key)
) STRICT;
CREATE INDEX webhooks_name ON webhooks (name, id);

CREATE TABLE webhook_deliveries (
    id         TEXT PRIMARY KEY,
    scope      TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT '',
    attempts   REAL NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    account_id TEXT
) STRICT;
CREATE INDEX webhook_deliveries_created_at ON webhook_deliveries (created_at, id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, status, created_at, id);
