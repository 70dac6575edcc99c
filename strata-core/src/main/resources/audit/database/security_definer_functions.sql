-- A SECURITY DEFINER function runs with its owner's rights (the administrator's: every tenant's
-- rows). Tolerable off the data path only with a fixed search_path and EXECUTE revoked from PUBLIC.
SELECT CASE WHEN f.fixed_search_path AND NOT f.public_execute THEN 'WARNING' ELSE 'VIOLATION' END AS severity,
       current_database() AS database,
       p.name AS object,
       CASE WHEN f.fixed_search_path AND NOT f.public_execute
            THEN format('Function %s is SECURITY DEFINER: it runs with the rights of %I, who sees every tenant''s rows. '
                        || 'Its search_path is fixed and PUBLIC cannot execute it; keep it off the request path and review '
                        || 'who can.', p.name,
                        pg_get_userbyid(p.proowner))
            ELSE format('Function %s is SECURITY DEFINER: it runs with the rights of %I, who sees every tenant''s rows, '
                        || 'and %s. Make it SECURITY INVOKER, or %s.',
                        p.name,
                        pg_get_userbyid(p.proowner),
                        concat_ws('; ',
                                  CASE WHEN NOT f.fixed_search_path THEN 'has no fixed search_path, so a caller can '
                                       || 'substitute its own objects' END,
                                  CASE WHEN f.public_execute THEN 'PUBLIC may execute it, so every tenant can call it' END),
                        concat_ws(' and ',
                                  CASE WHEN NOT f.fixed_search_path THEN format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp',
                                       p.name) END,
                                  CASE WHEN f.public_execute THEN format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC',
                                       p.name) END))
       END AS message
  FROM user_routine p
 CROSS JOIN LATERAL (
       SELECT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS s WHERE s LIKE 'search\_path=%') AS fixed_search_path,
              EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) AS a
                       WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public_execute) f
 WHERE p.prosecdef
