-- The tenant context protocol: the accessors fail closed (NULLIF turns the '' left by an earlier
-- transaction into NULL), are STABLE so the planner evaluates them once per query, and like the
-- setter and the visibility function run with the caller's rights; the setter is transaction-local.
SELECT 'VIOLATION' AS severity, current_database() AS database, f.signature AS object,
       format('%s %s. %s', f.signature, array_to_string(x.problems, '; '),
              'Restore it as Strata''s migration db/tenant-platform defines it.') AS message
  FROM (VALUES ('platform.current_tenant_id()', 'accessor', 'app.tenant_id'),
               ('platform.current_tenant_tier()', 'accessor', 'app.tenant_tier'),
               ('platform.visible_tenant_ids()', 'reader', NULL),
               ('platform.set_tenant_context(uuid, integer)', 'setter', NULL)) AS f (signature, kind, setting)
  LEFT JOIN pg_proc p ON p.oid = to_regprocedure(f.signature)
 CROSS JOIN LATERAL (
       SELECT array_remove(ARRAY[
                  CASE WHEN p.oid IS NULL
                       THEN 'is missing: the row level security policies and Strata''s context protocol depend on it' END,
                  CASE WHEN p.prosecdef
                       THEN 'is SECURITY DEFINER: it must run with the caller''s rights (and SECURITY DEFINER stops inlining)' END,
                  CASE WHEN f.kind IN ('accessor', 'reader') AND p.provolatile <> 's'
                       THEN 'is not STABLE: the planner evaluates it per row and cannot use indexes on tenant_id' END,
                  CASE WHEN f.kind = 'accessor'
                            AND NOT (p.prosrc ~* '\mnullif\s*\(' AND strpos(p.prosrc, '''' || f.setting || '''') > 0)
                       THEN format('does not read %s through NULLIF(current_setting(''%s'', true), ''''): after an earlier '
                                   || 'transaction on the same connection the setting is '''' and the context must fail closed',
                                   f.setting, f.setting) END,
                  CASE WHEN f.kind = 'setter'
                            AND (p.prosrc ~* '\mset_config\s*\([^;]*,\s*(false|''f''|''false'')\s*\)'
                                 OR p.prosrc ~* '\mSET\s+(SESSION\s+)?app\.')
                       THEN 'sets the context for the session instead of the transaction: a pooled connection would hand '
                            || 'it to the next tenant' END], NULL) AS problems) x
 WHERE x.problems <> '{}'
