-- Ownership recorded in pg_shdepend that no per-database check can see: shared objects
-- (databases, tablespaces) and objects in the template, which accepts no connections and which
-- every new tenant database copies.
SELECT 'VIOLATION' AS severity,
       coalesce((SELECT db.datname FROM pg_database db WHERE s.classid = 'pg_database'::regclass AND db.oid = s.objid),
                r.own_database) AS database,
       o.description AS object,
       format('App role %I owns %s: an owner has every privilege on it and may grant them on. '
              || 'Run ALTER %s %s OWNER TO the administrator role.',
              r.rolname, o.description, upper(split_part(o.description, ' ', 1)),
              substr(o.description, length(split_part(o.description, ' ', 1)) + 2)) AS message
  FROM pg_shdepend s
  JOIN app_role r ON r.oid = s.refobjid
 CROSS JOIN LATERAL (SELECT pg_describe_object(s.classid, s.objid, 0) AS description) o
 WHERE s.refclassid = 'pg_authid'::regclass AND s.deptype = 'o' AND s.dbid = 0
UNION ALL
SELECT 'VIOLATION', d.datname, r.rolname,
       format('App role %I owns %s object(s) in the template %I (%s); every tenant database created from the template '
              || 'inherits them. Open the template and run REASSIGN OWNED BY %I TO the administrator role.',
              r.rolname, count(*), d.datname, string_agg(DISTINCT s.classid::regclass::text, ', '), r.rolname)
  FROM pg_shdepend s
  JOIN app_role r ON r.oid = s.refobjid
  JOIN strata_database d ON d.oid = s.dbid AND d.is_template
 WHERE s.refclassid = 'pg_authid'::regclass AND s.deptype = 'o'
 GROUP BY d.datname, r.rolname
