-- No app role may create anything in a database it can reach: not schemas (CREATE) and not
-- temporary tables or functions (TEMPORARY), which are searched before everything else.
SELECT 'VIOLATION' AS severity, d.datname AS database, r.rolname AS object,
       format('App role %I has %s on database %I: it could create objects that shadow Strata''s or run non-LEAKPROOF '
              || 'code against tenant rows. Run REVOKE %s ON DATABASE %I FROM %I (and FROM PUBLIC).',
              r.rolname, array_to_string(held.privileges, ' and '), d.datname,
              array_to_string(held.privileges, ', '), d.datname, r.rolname) AS message
  FROM app_role r
  JOIN strata_database d ON d.datname = r.own_database OR has_database_privilege(r.oid, d.oid, 'CONNECT')
 CROSS JOIN LATERAL (
       SELECT array_agg(p ORDER BY p) AS privileges
         FROM unnest(ARRAY['CREATE', 'TEMPORARY']) AS p
        WHERE has_database_privilege(r.oid, d.oid, p)) held
 WHERE NOT r.rolsuper AND held.privileges IS NOT NULL
