-- An app role logs in and does nothing else: no attribute that skips row level security or
-- reaches beyond its database, and no membership through which it could borrow another role's rights.
-- The one membership allowed: in the T1 context role, which a NOINHERIT app role can only SET ROLE to
-- (that role holds the same table grants and no attribute; its policies let a T1 read its T2s).
SELECT 'VIOLATION' AS severity, r.own_database AS database, r.rolname AS object,
       format('App role %I has %s: %s. Run ALTER ROLE %I %s.',
              r.rolname, array_to_string(bad.attributes, ', '),
              'superusers and BYPASSRLS roles skip row level security; CREATEDB, CREATEROLE and REPLICATION reach beyond the tenant''s database',
              r.rolname, (SELECT string_agg('NO' || a, ' ') FROM unnest(bad.attributes) AS a)) AS message
  FROM app_role r
  JOIN pg_roles a ON a.oid = r.oid
 CROSS JOIN LATERAL (
       SELECT array_remove(ARRAY[
                  CASE WHEN a.rolsuper THEN 'SUPERUSER' END,
                  CASE WHEN a.rolbypassrls THEN 'BYPASSRLS' END,
                  CASE WHEN a.rolcreatedb THEN 'CREATEDB' END,
                  CASE WHEN a.rolcreaterole THEN 'CREATEROLE' END,
                  CASE WHEN a.rolreplication THEN 'REPLICATION' END], NULL) AS attributes) bad
 WHERE bad.attributes <> '{}'
UNION ALL
SELECT 'VIOLATION', r.own_database, r.rolname,
       format('App role %I is a member of role %I, so it can use that role''s privileges (SET ROLE or inheritance): '
              || 'the request path must hold only the grants Strata gives it. Run REVOKE %I FROM %I.',
              r.rolname, g.rolname, g.rolname, r.rolname)
  FROM app_role r
  JOIN pg_auth_members m ON m.member = r.oid
  JOIN pg_roles g ON g.oid = m.roleid
 WHERE NOT (g.rolname = CAST(:t1_role AS text) AND r.rolname <> CAST(:t1_role AS text) AND NOT r.rolinherit)
UNION ALL
SELECT 'WARNING', own.database, own.rolname,
       format('App role %I, registered for database %I, does not exist on the server: its tenants cannot be served and '
              || 'nothing about it could be checked. Finish or repair the provisioning of the tenants placed there.',
              own.rolname, own.database)
  FROM unnest(CAST(:app_roles AS text[]), CAST(:app_role_databases AS text[])) AS own (rolname, database)
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = own.rolname)
