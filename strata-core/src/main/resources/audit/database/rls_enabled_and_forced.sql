-- Row level security on every tenant table, FORCEd so that the owner (who runs maintenance) is
-- held to it too; and enabled on the local registry the app role reads.
SELECT 'VIOLATION' AS severity, current_database() AS database, t.name AS object,
       format('Table %s has a tenant_id column but row level security is %s: %s Run ALTER TABLE %s %s.',
              t.name,
              CASE WHEN NOT t.relrowsecurity THEN 'disabled' ELSE 'not forced' END,
              CASE WHEN NOT t.relrowsecurity THEN 'every role with a privilege on it sees every tenant''s rows.'
                   ELSE 'its owner, and whoever runs as the owner, sees every tenant''s rows.' END,
              t.name,
              concat_ws(', ', CASE WHEN NOT t.relrowsecurity THEN 'ENABLE ROW LEVEL SECURITY' END,
                              CASE WHEN NOT t.relforcerowsecurity THEN 'FORCE ROW LEVEL SECURITY' END)) AS message
  FROM tenant_table t
 WHERE NOT (t.relrowsecurity AND t.relforcerowsecurity)
UNION ALL
SELECT 'VIOLATION', current_database(), 'platform.tenants',
       'Table platform.tenants (the local tenant registry) has row level security disabled: every tenant of this '
       || 'database can list its neighbours. Run ALTER TABLE platform.tenants ENABLE ROW LEVEL SECURITY.'
  FROM pg_class c
 WHERE c.oid = to_regclass('platform.tenants') AND NOT c.relrowsecurity
