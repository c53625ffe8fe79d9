-- 0003: the database enforces every reference between objects (see the
-- PostgreSQL migration of the same number): credentials owned by an
-- integration or an integration point, and an integration's provider state,
-- go with their owner and cannot be written for one that no longer exists;
-- integration_credentials holds the credentials each integration references,
-- so a referenced credential cannot be deleted. SQLite cannot add a foreign
-- key to a table, so credentials and provider_state are rebuilt. Rows that
-- earlier versions could leave behind are removed first.

DELETE FROM credentials
 WHERE (integration_id IS NOT NULL AND integration_id NOT IN (SELECT id FROM integrations))
    OR (integration_point_id IS NOT NULL AND integration_point_id NOT IN (SELECT id FROM integration_points));

CREATE TABLE credentials_new (
    id                      TEXT PRIMARY KEY,
    scope                   TEXT NOT NULL DEFAULT '',
    version                 INTEGER NOT NULL,
    doc                     TEXT NOT NULL,
    name_key                TEXT NOT NULL,
    name                    TEXT NOT NULL,
    fullname                TEXT NOT NULL DEFAULT '',
    owner_type              TEXT NOT NULL DEFAULT '',
    account_id              TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    integration_id          TEXT REFERENCES integrations (id) ON DELETE CASCADE,
    integration_point_id    TEXT REFERENCES integration_points (id) ON DELETE CASCADE,
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
INSERT INTO credentials_new (id, scope, version, doc, name_key, name, fullname, owner_type, account_id,
        integration_id, integration_point_id, organization_webhook_id, managed, expires, config_type,
        created_at, updated_at, sealed, key_id)
    SELECT id, scope, version, doc, name_key, name, fullname, owner_type, account_id,
        integration_id, integration_point_id, organization_webhook_id, managed, expires, config_type,
        created_at, updated_at, sealed, key_id
    FROM credentials;
DROP TABLE credentials;
ALTER TABLE credentials_new RENAME TO credentials;
CREATE INDEX credentials_name ON credentials (name, id);
CREATE INDEX credentials_account_name ON credentials (account_id, name, id);
CREATE INDEX credentials_created_at ON credentials (created_at, id);
CREATE INDEX credentials_integration ON credentials (integration_id);
CREATE INDEX credentials_integration_point ON credentials (integration_point_id);

DELETE FROM provider_state WHERE scope NOT IN (SELECT id FROM integrations);
CREATE TABLE provider_state_new (
    id         TEXT PRIMARY KEY,
    scope      TEXT NOT NULL DEFAULT '' REFERENCES integrations (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    key        TEXT NOT NULL DEFAULT '',
    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE
) STRICT;
INSERT INTO provider_state_new (id, scope, version, doc, key, account_id)
    SELECT id, scope, version, doc, key, account_id FROM provider_state;
DROP TABLE provider_state;
ALTER TABLE provider_state_new RENAME TO provider_state;
CREATE INDEX provider_state_scope ON provider_state (scope, id);
CREATE INDEX provider_state_account ON provider_state (account_id);

CREATE TABLE integration_credentials (
    integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    credential_id  TEXT NOT NULL REFERENCES credentials (id),
    PRIMARY KEY (integration_id, credential_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX integration_credentials_credential ON integration_credentials (credential_id);

INSERT OR IGNORE INTO integration_credentials (integration_id, credential_id)
SELECT i.id, json_extract(r.value, '$.value')
  FROM integrations i, json_each(i.doc, '$.provider_config') r
 WHERE json_type(i.doc, '$.provider_config') = 'object'
   AND r.type = 'object'
   AND json_extract(r.value, '$.type') LIKE '%\_id' ESCAPE '\'
   AND json_extract(r.value, '$.value') IN (SELECT id FROM credentials);
