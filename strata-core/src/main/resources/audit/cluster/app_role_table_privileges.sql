-- Grants to app roles inside the template (seen through pg_shdepend, since the template accepts
-- no connections): every tenant database created from it would inherit them.
SELECT 'VIOLATION' AS severity, d.datname AS database, r.rolname AS object,
       format('App role %I holds privileges on %s object(s) in the template %I (%s); every tenant database created from '
              || 'the template inherits them. Open the template and revoke them: app roles get their grants per database.',
              r.rolname, count(*), d.datname,
              string_agg(DISTINCT s.classid::regclass::text, ', ')) AS message
  FROM pg_shdepend s
  JOIN app_role r ON r.oid = s.refobjid
  JOIN strata_database d ON d.oid = s.dbid AND d.is_template
 WHERE s.refclassid = 'pg_authid'::regclass AND s.deptype = 'a'
 GROUP BY d.datname, r.rolname
