-- A view runs with its owner's rights unless it is security_invoker, and the owner (Strata's
-- administrator) is exempt from row level security; a materialized view holds whatever its owner saw.
SELECT 'VIOLATION' AS severity, current_database() AS database, format('%I.%I', n.nspname, c.relname) AS object,
       format('View %s runs with the rights of its owner %I, not of the querying tenant, so row level security of the '
              || 'tables it reads is applied to the owner (or skipped): a tenant may see other tenants'' rows. '
              || 'Run ALTER VIEW %s SET (security_invoker = true).',
              format('%I.%I', n.nspname, c.relname), pg_get_userbyid(c.relowner), format('%I.%I', n.nspname, c.relname)) AS message
  FROM pg_class c
  JOIN user_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'v'
   AND NOT coalesce((SELECT o.option_value::boolean FROM pg_options_to_table(c.reloptions) AS o
                      WHERE o.option_name = 'security_invoker'), false)
UNION ALL
SELECT 'VIOLATION', current_database(), format('%I.%I', n.nspname, c.relname),
       format('Materialized view %s stores rows of tenant table(s) %s as its owner saw them, and row level security does '
              || 'not apply to it. Drop it, or replace it with a security_invoker view or a table with tenant_id under row '
              || 'level security.',
              format('%I.%I', n.nspname, c.relname), string_agg(DISTINCT t.name, ', '))
  FROM pg_class c
  JOIN user_namespace n ON n.oid = c.relnamespace
  JOIN (WITH RECURSIVE reads (view_oid, source_oid) AS (
            SELECT view_oid, source_oid FROM view_source
            UNION
            SELECT r.view_oid, v.source_oid FROM reads r JOIN view_source v ON v.view_oid = r.source_oid)
        SELECT * FROM reads) r ON r.view_oid = c.oid
  JOIN tenant_table t ON t.oid = r.source_oid
 WHERE c.relkind = 'm'
 GROUP BY n.nspname, c.relname
