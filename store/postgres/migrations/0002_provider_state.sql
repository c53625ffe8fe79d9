-- 0002: durable state private to one integration's provider driver (the
-- mock ticketing provider keeps its tickets here). id is
-- "<integration id>/<key>"; scope is the integration id.

CREATE TABLE provider_state (
    id         TEXT COLLATE "C" PRIMARY KEY,
    scope      TEXT COLLATE "C" NOT NULL DEFAULT '',
    version    BIGINT NOT NULL,
    doc        TEXT NOT NULL,
    key        TEXT COLLATE "C" NOT NULL DEFAULT '',
    account_id TEXT COLLATE "C" REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE INDEX provider_state_scope ON provider_state (scope, id);
CREATE INDEX provider_state_account ON provider_state (account_id);
