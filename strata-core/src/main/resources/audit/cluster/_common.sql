-- Shared by every cluster-wide check; these read the server's shared catalogs (roles, databases,
-- role settings) once, over the management database's connection.
--
-- Parameters:
--   app_roles, app_role_databases  every app role Strata registered and, at the same position,
--                                   the database it belongs to; also the T1 context role (no database)
--   t1_role                         the role T1 transactions switch to (SET LOCAL ROLE)
--   databases                       every Strata database: management, template, tenant, shared
--   template                        the template database's name
WITH app_role AS (
    SELECT r.oid, r.rolname, r.rolsuper, r.rolinherit, own.database AS own_database
      FROM unnest(CAST(:app_roles AS text[]), CAST(:app_role_databases AS text[])) AS own (rolname, database)
      JOIN pg_roles r ON r.rolname = own.rolname
),
strata_database AS (
    SELECT d.oid, d.datname, d.datdba, d.datacl, d.datname = CAST(:template AS text) AS is_template
      FROM pg_database d
     WHERE d.datname = ANY (CAST(:databases AS text[]))
)
