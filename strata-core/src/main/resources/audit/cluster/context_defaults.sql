-- A default value for a context setting (ALTER ROLE/DATABASE ... SET app.tenant_id) gives every
-- new session a tenant identity before Strata sets one: a forgotten context no longer fails closed.
SELECT 'VIOLATION' AS severity, coalesce(d.datname, r.own_database) AS database, coalesce(r.rolname, 'ALL') AS object,
       format('%s sets %s by default, so a session without a Strata context acts as that tenant instead of seeing nothing. '
              || 'Run ALTER ROLE %s%s RESET %s.',
              CASE WHEN r.rolname IS NULL THEN 'Every role' ELSE format('Role %I', r.rolname) END
                  || CASE WHEN d.datname IS NULL THEN '' ELSE format(' in database %I', d.datname) END,
              cfg.setting, coalesce(quote_ident(r.rolname), 'ALL'),
              CASE WHEN d.datname IS NULL THEN '' ELSE format(' IN DATABASE %I', d.datname) END,
              split_part(cfg.setting, '=', 1)) AS message
  FROM pg_db_role_setting s
  LEFT JOIN pg_database d ON d.oid = s.setdatabase
  LEFT JOIN app_role r ON r.oid = s.setrole
 CROSS JOIN LATERAL unnest(s.setconfig) AS cfg (setting)
 WHERE (s.setdatabase = 0 OR s.setdatabase IN (SELECT oid FROM strata_database))
   AND (s.setrole = 0 OR s.setrole IN (SELECT oid FROM app_role))
   AND cfg.setting ILIKE 'app.%'
UNION ALL
-- Any other session default on an app role (ALTER ROLE ... SET search_path, role,
-- default_transaction_read_only, row_security, ...): Strata sets none, and tenant connections refuse
-- ALTER ROLE; one would start every new connection of that app role redirected or broken.
SELECT 'VIOLATION', coalesce(d.datname, r.own_database), r.rolname,
       format('App role %I has the session default %s%s: every new tenant connection of that role starts with it, '
              || 'which can redirect or break other tenants'' transactions. Strata sets no role defaults. '
              || 'Run ALTER ROLE %I%s RESET %s.',
              r.rolname, cfg.setting,
              CASE WHEN d.datname IS NULL THEN '' ELSE format(' in database %I', d.datname) END,
              r.rolname, CASE WHEN d.datname IS NULL THEN '' ELSE format(' IN DATABASE %I', d.datname) END,
              split_part(cfg.setting, '=', 1))
  FROM pg_db_role_setting s
  JOIN app_role r ON r.oid = s.setrole
  LEFT JOIN pg_database d ON d.oid = s.setdatabase
 CROSS JOIN LATERAL unnest(s.setconfig) AS cfg (setting)
 WHERE cfg.setting NOT ILIKE 'app.%'
