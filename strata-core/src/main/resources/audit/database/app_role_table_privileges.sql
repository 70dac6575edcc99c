-- What the app role may touch: SELECT, INSERT, UPDATE, DELETE on tenant tables and on views that
-- read only tenant tables, the local registry or other views; SELECT on platform.tenants and on
-- declared shared reference data; USAGE on
-- sequences owned by tenant tables. Nothing else, never TRUNCATE, REFERENCES or TRIGGER (none of
-- them is subject to row security), nothing on the migration history, nothing at all in the
-- management database. Superuser app roles are reported by app_role_attributes.
SELECT 'VIOLATION' AS severity, current_database() AS database, format('%I.%I', n.nspname, c.relname) AS object,
       format('App role %I holds %s on %s: %s Run REVOKE %s ON %s%s FROM %I (and drop any column-level grant).',
              r.rolname, array_to_string(excess.privileges, ', '), format('%I.%I', n.nspname, c.relname),
              CASE
                  WHEN excess.privileges && ARRAY['TRUNCATE', 'REFERENCES', 'TRIGGER']
                      THEN 'TRUNCATE, REFERENCES and TRIGGER are not subject to row level security (TRUNCATE empties every '
                           || 'tenant''s rows, REFERENCES and TRIGGER expose other tenants'' values).'
                  WHEN CAST(:kind AS text) <> 'tenant'
                      THEN 'the management database holds every tenant''s registry and credentials; app roles get nothing there.'
                  WHEN c.relname = 'strata_schema_history'
                      THEN 'the migration history is Strata''s own; the request path never needs it.'
                  WHEN c.oid IN (SELECT oid FROM reference_table)
                      THEN 'shared reference data is read-only for every tenant.'
                  ELSE 'the request path may use only tenant tables (with tenant_id, under row level security), views over '
                       || 'them, SELECT on declared shared reference data and on platform.tenants.'
              END,
              array_to_string(excess.privileges, ', '), CASE WHEN c.relkind = 'S' THEN 'SEQUENCE ' ELSE '' END,
              format('%I.%I', n.nspname, c.relname), r.rolname) AS message
  FROM audited_role r
 CROSS JOIN pg_class c
  JOIN user_namespace n ON n.oid = c.relnamespace
 CROSS JOIN LATERAL (
       SELECT array_agg(p.privilege ORDER BY p.ord) AS privileges
         FROM unnest(CASE WHEN c.relkind = 'S' THEN ARRAY['USAGE', 'SELECT', 'UPDATE']
                          ELSE ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] END)
              WITH ORDINALITY AS p (privilege, ord)
        WHERE CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(r.oid, c.oid, p.privilege)
                   WHEN p.privilege IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
                       THEN has_any_column_privilege(r.oid, c.oid, p.privilege)
                   ELSE has_table_privilege(r.oid, c.oid, p.privilege) END) held
 CROSS JOIN LATERAL (
       SELECT CASE
                  WHEN CAST(:kind AS text) <> 'tenant' OR c.relname = 'strata_schema_history' THEN '{}'::text[]
                  WHEN c.oid IN (SELECT oid FROM tenant_table) THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']
                  WHEN n.nspname = 'platform' AND c.relname = 'tenants' THEN ARRAY['SELECT']
                  WHEN c.oid IN (SELECT oid FROM reference_table) THEN ARRAY['SELECT']
                  WHEN c.relkind = 'v' AND NOT EXISTS (
                           SELECT 1 FROM view_source v
                             JOIN pg_class s ON s.oid = v.source_oid
                             JOIN pg_namespace sn ON sn.oid = s.relnamespace
                            WHERE v.view_oid = c.oid
                              AND s.oid NOT IN (SELECT oid FROM tenant_table)
                              AND s.relkind <> 'v'
                              AND NOT (sn.nspname = 'platform' AND s.relname = 'tenants'))
                      THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']
                  WHEN c.relkind = 'S' AND EXISTS (
                           SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                              AND d.refobjid IN (SELECT oid FROM tenant_table))
                      THEN ARRAY['USAGE']
                  ELSE '{}'::text[]
              END AS privileges) allowed
 CROSS JOIN LATERAL (
       SELECT array_agg(h ORDER BY o) AS privileges
         FROM unnest(held.privileges) WITH ORDINALITY AS x (h, o)
        WHERE h <> ALL (allowed.privileges)) excess
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
   AND NOT r.rolsuper
   AND excess.privileges IS NOT NULL
