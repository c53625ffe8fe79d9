-- 0004 (PostgreSQL): the sync plane (destinations, sync configs, syncs, sync runs) and
-- the event outbox with its webhooks and their deliveries. A sync goes with
-- its integration, its account and its config; a config cannot outlive the
-- use of its destination.

CREATE TABLE destinations (
    id         TEXT COLLATE "C" PRIMARY KEY,
    scope      TEXT COLLATE "C" NOT NULL DEFAULT '',
    version    BIGINT NOT NULL,
    doc        TEXT NOT NULL,
    name_key   TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    fullname   TEXT COLLATE "C" NOT NULL DEFAULT '',
    type       TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    account_id TEXT COLLATE "C",
    sealed     BYTEA,
    key_id     TEXT COLLATE "C",
    CONSTRAINT destinations_name_unique UNIQUE (scope, name_key)
);
CREATE INDEX destinations_name ON destinations (name, id);

CREATE TABLE sync_configs (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    scope                TEXT COLLATE "C" NOT NULL DEFAULT '',
    version              BIGINT NOT NULL,
    doc                  TEXT NOT NULL,
    name_key             TEXT COLLATE "C" NOT NULL,
    name                 TEXT COLLATE "C" NOT NULL,
    fullname             TEXT COLLATE "C" NOT NULL DEFAULT '',
    destination_id       TEXT COLLATE "C" NOT NULL REFERENCES destinations (id) ON DELETE RESTRICT,
    integration_point_id TEXT COLLATE "C" REFERENCES integration_points (id) ON DELETE RESTRICT,
    provider_type        TEXT COLLATE "C",
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    account_id           TEXT COLLATE "C",
    CONSTRAINT sync_configs_name_unique UNIQUE (scope, name_key)
);
CREATE INDEX sync_configs_name ON sync_configs (name, id);
CREATE INDEX sync_configs_destination ON sync_configs (destination_id);
CREATE INDEX sync_configs_integration_point ON sync_configs (integration_point_id);

CREATE TABLE syncs (
    id             TEXT COLLATE "C" PRIMARY KEY,
    scope          TEXT COLLATE "C" NOT NULL DEFAULT '',
    version        BIGINT NOT NULL,
    doc            TEXT NOT NULL,
    sync_config_id TEXT COLLATE "C" NOT NULL REFERENCES sync_configs (id) ON DELETE CASCADE,
    integration_id TEXT COLLATE "C" NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    account_id     TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    object         TEXT COLLATE "C" NOT NULL DEFAULT '',
    provider_type  TEXT COLLATE "C" NOT NULL DEFAULT '',
    paused         BOOLEAN NOT NULL,
    next_run_at    BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX syncs_integration ON syncs (integration_id);
CREATE INDEX syncs_config ON syncs (sync_config_id);
CREATE INDEX syncs_account ON syncs (account_id, id);
CREATE INDEX syncs_due ON syncs (paused, next_run_at);

CREATE TABLE sync_runs (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    scope              TEXT COLLATE "C" NOT NULL DEFAULT '',
    version            BIGINT NOT NULL,
    doc                TEXT NOT NULL,
    sync_id            TEXT COLLATE "C" NOT NULL REFERENCES syncs (id) ON DELETE CASCADE,
    sync_config_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    integration_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    account_id         TEXT COLLATE "C" NOT NULL DEFAULT '',
    provider_name      TEXT COLLATE "C" NOT NULL DEFAULT '',
    object             TEXT COLLATE "C" NOT NULL DEFAULT '',
    status             TEXT COLLATE "C" NOT NULL DEFAULT '',
    strategy           TEXT COLLATE "C" NOT NULL DEFAULT '',
    start_timestamp    BIGINT NOT NULL,
    end_timestamp      BIGINT,
    num_records_synced DOUBLE PRECISION NOT NULL
);
CREATE INDEX sync_runs_start ON sync_runs (start_timestamp, id);
CREATE INDEX sync_runs_sync ON sync_runs (sync_id, start_timestamp);
CREATE INDEX sync_runs_account ON sync_runs (account_id, start_timestamp, id);

CREATE TABLE events (
    id             TEXT COLLATE "C" PRIMARY KEY,
    scope          TEXT COLLATE "C" NOT NULL DEFAULT '',
    version        BIGINT NOT NULL,
    doc            TEXT NOT NULL,
    type           TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    account_id     TEXT COLLATE "C",
    integration_id TEXT COLLATE "C",
    resource_id    TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX events_created_at ON events (created_at, id);
CREATE INDEX events_account_created_at ON events (account_id, created_at, id);

CREATE TABLE webhooks (
    id         TEXT COLLATE "C" PRIMARY KEY,
    scope      TEXT COLLATE "C" NOT NULL DEFAULT '',
    version    BIGINT NOT NULL,
    doc        TEXT NOT NULL,
    name_key   TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    fullname   TEXT COLLATE "C" NOT NULL DEFAULT '',
    url        TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    account_id TEXT COLLATE "C",
    sealed     BYTEA,
    key_id     TEXT COLLATE "C",
    CONSTRAINT webhooks_name_unique UNIQUE (scope, name_key)
);
CREATE INDEX webhooks_name ON webhooks (name, id);

CREATE TABLE webhook_deliveries (
    id         TEXT COLLATE "C" PRIMARY KEY,
    scope      TEXT COLLATE "C" NOT NULL DEFAULT '',
    version    BIGINT NOT NULL,
    doc        TEXT NOT NULL,
    webhook_id TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id   TEXT COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    event_type TEXT COLLATE "C" NOT NULL DEFAULT '',
    status     TEXT COLLATE "C" NOT NULL DEFAULT '',
    attempts   DOUBLE PRECISION NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    account_id TEXT COLLATE "C"
);
CREATE INDEX webhook_deliveries_created_at ON webhook_deliveries (created_at, id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, status, created_at, id);
