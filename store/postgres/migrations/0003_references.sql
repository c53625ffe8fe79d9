-- 0003: the database enforces every reference between objects, so that
-- concurrent transactions cannot leave orphans or dangling references:
--   * a credential owned by an integration or an integration point goes with
--     its owner (ON DELETE CASCADE), and cannot be created for one that no
--     longer exists;
--   * an integration's provider state goes with the integration, and cannot
--     be written for one that no longer exists;
--   * integration_credentials holds the credentials each integration's
--     provider configuration references (written by the store with every
--     integration): a credential still referenced cannot be deleted, and an
--     integration cannot reference a credential that no longer exists.
-- Rows that earlier versions could leave behind are removed first.

DELETE FROM credentials c
 WHERE (c.integration_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM integrations i WHERE i.id = c.integration_id))
    OR (c.integration_point_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM integration_points p WHERE p.id = c.integration_point_id));
ALTER TABLE credentials
    ADD CONSTRAINT credentials_integration_fk FOREIGN KEY (integration_id)
        REFERENCES integrations (id) ON DELETE CASCADE,
    ADD CONSTRAINT credentials_integration_point_fk FOREIGN KEY (integration_point_id)
        REFERENCES integration_points (id) ON DELETE CASCADE;
CREATE INDEX credentials_integration ON credentials (integration_id);
CREATE INDEX credentials_integration_point ON credentials (integration_point_id);

DELETE FROM provider_state s WHERE NOT EXISTS (SELECT 1 FROM integrations i WHERE i.id = s.scope);
ALTER TABLE provider_state
    ADD CONSTRAINT provider_state_integration_fk FOREIGN KEY (scope)
        REFERENCES integrations (id) ON DELETE CASCADE;

CREATE TABLE integration_credentials (
    integration_id TEXT COLLATE "C" NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    credential_id  TEXT COLLATE "C" NOT NULL REFERENCES credentials (id),
    PRIMARY KEY (integration_id, credential_id)
);
CREATE INDEX integration_credentials_credential ON integration_credentials (credential_id);

INSERT INTO integration_credentials (integration_id, credential_id)
SELECT DISTINCT i.id, r.value ->> 'value'
  FROM integrations i,
       jsonb_each(CASE WHEN jsonb_typeof(i.doc::jsonb -> 'provider_config') = 'object'
                       THEN i.doc::jsonb -> 'provider_config' ELSE '{}'::jsonb END) r
 WHERE jsonb_typeof(r.value) = 'object'
   AND r.value ->> 'type' LIKE '%\_id'
   AND EXISTS (SELECT 1 FROM credentials c WHERE c.id = r.value ->> 'value');
