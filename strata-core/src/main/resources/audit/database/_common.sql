-- Shared by every per-database check, run inside the database being audited.
--
-- Parameters:
--   kind       'tenant' (a tenant or shared database) or 'management'
--   own_role   the database's app role (null in the management database)
--   app_roles  every app role Strata registered, and the role of T1 contexts
--   t1_role    the role T1 transactions switch to (SET LOCAL ROLE): a request-path role in every tenant database
--   schema     null (the audit: every schema), or the one schema a migration is checked in
WITH user_namespace AS (
    SELECT n.oid, n.nspname
      FROM pg_namespace n
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND (CAST(:schema AS text) IS NULL OR n.nspname = CAST(:schema AS text))
       AND n.nspname NOT LIKE 'pg\_toast%'
       AND n.nspname NOT LIKE 'pg\_temp\_%'
),
-- Tables that hold tenant rows: every table or partitioned table with a tenant_id column.
tenant_table AS (
    SELECT c.oid, n.nspname, c.relname, format('%I.%I', n.nspname, c.relname) AS name,
           a.attnum AS tenant_attnum, c.relrowsecurity, c.relforcerowsecurity
      FROM pg_class c
      JOIN user_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p')
),
-- The relations each view or materialized view reads directly.
view_source AS (
    SELECT DISTINCT w.ev_class AS view_oid, d.refobjid AS source_oid
      FROM pg_rewrite w
      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                      AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> w.ev_class
),
-- Functions and procedures outside the system schemas, named with their argument types.
user_routine AS (
    SELECT p.oid, p.proname, p.proowner, p.proacl, p.proconfig, p.prosecdef, p.proleakproof,
           format('%I.%I(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes)) AS name
      FROM pg_proc p
      JOIN user_namespace n ON n.oid = p.pronamespace
),
app_role AS (
    SELECT r.oid, r.rolname, r.rolsuper
      FROM pg_roles r
     WHERE r.rolname = ANY (CAST(:app_roles AS text[]))
),
-- Whose privileges matter here: the database's own app role and the T1 context role; in the
-- management database, all of them.
audited_role AS (
    SELECT * FROM app_role
     WHERE CAST(:kind AS text) <> 'tenant' OR rolname = CAST(:own_role AS text) OR rolname = CAST(:t1_role AS text)
)
