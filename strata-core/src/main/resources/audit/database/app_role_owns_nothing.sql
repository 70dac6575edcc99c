-- No app role owns anything here: an owner is exempt from row level security unless the table
-- FORCEs it, may switch FORCE off, may ALTER or DROP, and may grant itself every privilege.
SELECT 'VIOLATION' AS severity, current_database() AS database, o.description AS object,
       format('App role %I owns %s: an owner can switch row level security off, alter or drop it and grant itself '
              || 'every privilege on it. Make the administrator the owner (ALTER ... OWNER TO, or REASSIGN OWNED BY %I).',
              r.rolname, o.description, r.rolname) AS message
  FROM pg_shdepend s
  JOIN app_role r ON r.oid = s.refobjid
 CROSS JOIN LATERAL (SELECT pg_describe_object(s.classid, s.objid, s.objsubid) AS description) o
 WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND s.refclassid = 'pg_authid'::regclass
   AND s.deptype = 'o'
