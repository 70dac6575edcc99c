-- Every table of an app schema holds tenant rows (a tenant_id column, so row level security and
-- Strata's policies apply) or is declared shared reference data, which tenants may only read. Any
-- other table is outside the isolation model: whoever is granted it sees every tenant's rows.
SELECT 'VIOLATION' AS severity, current_database() AS database, format('%I.%I', n.nspname, c.relname) AS object,
       format('Table %s has no tenant_id column and is not declared shared reference data, so Strata cannot isolate its '
              || 'rows. Add tenant_id uuid NOT NULL REFERENCES platform.tenants (id) (and lead its keys with it), or, if every '
              || 'tenant may read all of it, declare it with a migration: COMMENT ON TABLE %s IS ''strata:reference-data''.',
              format('%I.%I', n.nspname, c.relname), format('%I.%I', n.nspname, c.relname)) AS message
  FROM pg_class c
  JOIN app_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
   AND c.relname <> 'strata_schema_history'
   AND c.oid NOT IN (SELECT oid FROM tenant_table)
   AND c.oid NOT IN (SELECT oid FROM reference_table)
UNION ALL
SELECT 'VIOLATION', current_database(), format('%I.%I', n.nspname, c.relname),
       format('%s is a foreign table in an app schema: its rows are outside row level security and outside the tenant''s '
              || 'database. Drop it.', format('%I.%I', n.nspname, c.relname))
  FROM pg_class c
  JOIN app_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'f'
