-- CREATE on a schema lets the app role add functions, operators or tables that shadow Strata's
-- through the search_path, or run non-LEAKPROOF code against rows it should not see.
SELECT 'VIOLATION' AS severity, current_database() AS database, n.nspname AS object,
       format('App role %I has CREATE on schema %I: it could create objects that shadow Strata''s or leak rows through '
              || 'non-LEAKPROOF functions. Run REVOKE CREATE ON SCHEMA %I FROM %I (and FROM PUBLIC).',
              r.rolname, n.nspname, n.nspname, r.rolname) AS message
  FROM audited_role r
 CROSS JOIN user_namespace n
 WHERE NOT r.rolsuper
   AND has_schema_privilege(r.oid, n.oid, 'CREATE')
