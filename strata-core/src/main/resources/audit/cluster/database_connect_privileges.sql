-- Who may connect to Strata's databases: never PUBLIC; a tenant or shared database only its own
-- app role (and the administrator who owns it); the management database and the template no app role.
SELECT 'VIOLATION' AS severity, d.datname AS database, 'PUBLIC' AS object,
       format('PUBLIC has %s on database %I, so every role on the server (other tenants'' app roles included) may %s. '
              || 'Run REVOKE ALL ON DATABASE %I FROM PUBLIC.',
              string_agg(a.privilege_type, ' and ' ORDER BY a.privilege_type), d.datname,
              CASE WHEN bool_or(a.privilege_type = 'CONNECT') THEN 'connect to it' ELSE 'create temporary objects in it' END,
              d.datname) AS message
  FROM strata_database d
 CROSS JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
 WHERE a.grantee = 0 AND a.privilege_type IN ('CONNECT', 'TEMPORARY')
 GROUP BY d.datname
UNION ALL
-- Roles other than app roles (those are covered below) granted CONNECT on a database that has an app role.
SELECT 'VIOLATION', d.datname, g.rolname,
       format('Role %I has CONNECT on database %I, whose only client should be its app role %I. Run REVOKE CONNECT ON DATABASE %I FROM %I.',
              g.rolname, d.datname, own.rolname, d.datname, g.rolname)
  FROM strata_database d
  JOIN app_role own ON own.own_database = d.datname
 CROSS JOIN LATERAL aclexplode(d.datacl) a
  JOIN pg_roles g ON g.oid = a.grantee
 WHERE a.privilege_type = 'CONNECT' AND a.grantee <> d.datdba
   AND NOT EXISTS (SELECT 1 FROM app_role r WHERE r.oid = a.grantee)
   -- the T0 reader of analytics (SELECT only, under a T0 context) connects to every tenant database
   AND NOT (g.rolname = CAST(:t0_role AS text) AND NOT g.rolsuper AND NOT g.rolbypassrls)
UNION ALL
-- Every app role against every Strata database but its own. Superusers are reported by
-- app_role_attributes, and a PUBLIC grant once above.
SELECT 'VIOLATION', d.datname, r.rolname,
       format('App role %I can connect to database %I, which is not its own (%s): one tenant''s credentials must not reach '
              || 'another''s data or the registry. Run REVOKE CONNECT ON DATABASE %I FROM %I.',
              r.rolname, d.datname, coalesce(quote_ident(r.own_database), 'none'), d.datname, r.rolname)
  FROM app_role r
 CROSS JOIN strata_database d
 WHERE d.datname IS DISTINCT FROM r.own_database
   AND NOT r.rolsuper
   AND has_database_privilege(r.oid, d.oid, 'CONNECT')
   AND NOT EXISTS (SELECT 1 FROM aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
                    WHERE a.grantee = 0 AND a.privilege_type = 'CONNECT')
