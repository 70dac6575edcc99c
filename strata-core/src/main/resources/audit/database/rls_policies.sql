-- Every tenant table has policies for SELECT, INSERT, UPDATE and DELETE that apply to the app
-- role, and every permissive policy is scoped by the tenant context: each of its expressions
-- compares tenant_id with platform.current_tenant_id() or platform.visible_tenant_ids().
-- This recognises the shape of a scoped policy; it cannot prove an arbitrary expression correct,
-- so a disjunction in one is reported for review.
SELECT f.severity, current_database() AS database, cov.name AS object, f.message
  FROM (SELECT t.name,
               array_agg(cmd.name ORDER BY cmd.ord) FILTER (WHERE NOT p.permissive AND NOT p.restrictive) AS missing,
               array_agg(cmd.name ORDER BY cmd.ord) FILTER (WHERE NOT p.permissive AND p.restrictive) AS restrictive_only
          FROM tenant_table t
         CROSS JOIN (VALUES (1, 'r', 'SELECT'), (2, 'a', 'INSERT'), (3, 'w', 'UPDATE'), (4, 'd', 'DELETE')) AS cmd (ord, code, name)
         CROSS JOIN LATERAL (
               SELECT coalesce(bool_or(pol.polpermissive), false) AS permissive,
                      coalesce(bool_or(NOT pol.polpermissive), false) AS restrictive
                 FROM pg_policy pol
                WHERE pol.polrelid = t.oid
                  AND pol.polcmd IN (cmd.code, '*')
                  AND (pol.polroles = '{0}' OR pol.polroles && ARRAY(SELECT oid FROM audited_role))) p
         GROUP BY t.name) cov
 CROSS JOIN LATERAL (VALUES
       ('VIOLATION',
        CASE WHEN cov.missing IS NOT NULL
             THEN format('Table %s has no policy for %s that applies to the app role: under row level security those '
                         || 'commands fail for every tenant, and such gaps tend to get "fixed" with USING (true). Create '
                         || 'scoped policies, e.g. CREATE POLICY tenant_isolation ON %s FOR ALL USING (tenant_id = (SELECT '
                         || 'platform.current_tenant_id())) WITH CHECK (tenant_id = (SELECT platform.current_tenant_id())).',
                         cov.name, array_to_string(cov.missing, ', '), cov.name) END),
       ('WARNING',
        CASE WHEN cov.restrictive_only IS NOT NULL
             THEN format('Table %s has only RESTRICTIVE policies for %s: without a PERMISSIVE policy they deny every row. '
                         || 'Add a permissive policy scoped by tenant_id.', cov.name, array_to_string(cov.restrictive_only, ', ')) END)
       ) AS f (severity, message)
 WHERE f.message IS NOT NULL
UNION ALL
SELECT CASE WHEN s.scoped THEN 'WARNING' ELSE 'VIOLATION' END, current_database(), t.name,
       CASE WHEN s.scoped
            THEN format('Permissive policy %I on %s combines conditions with OR (%s): check that no branch admits rows of '
                        || 'other tenants.', pol.polname, t.name, s.expressions)
            ELSE format('Permissive policy %I on %s is not scoped by the tenant context (%s): it admits rows of every tenant, '
                        || 'and permissive policies are OR-ed together. Drop it or rewrite each expression as '
                        || 'tenant_id = (SELECT platform.current_tenant_id()) (reads may use '
                        || 'tenant_id = ANY ((SELECT platform.visible_tenant_ids())::uuid[])).',
                        pol.polname, t.name, s.expressions)
       END
  FROM tenant_table t
  JOIN pg_policy pol ON pol.polrelid = t.oid AND pol.polpermissive
 CROSS JOIN LATERAL (
       SELECT pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
              pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr) e
 CROSS JOIN LATERAL (
       SELECT concat_ws(', ', 'USING (' || e.using_expr || ')', 'WITH CHECK (' || e.check_expr || ')') AS expressions,
              (e.using_expr IS NOT NULL OR e.check_expr IS NOT NULL)
              AND coalesce(e.using_expr ~ '\mtenant_id\M' AND e.using_expr ~ '\m(current_tenant_id|visible_tenant_ids|t1_child_tenant_ids)\(', true)
              AND coalesce(e.check_expr ~ '\mtenant_id\M' AND e.check_expr ~ '\m(current_tenant_id|visible_tenant_ids|t1_child_tenant_ids)\(', true)
              AND EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.classid = 'pg_policy'::regclass AND d.objid = pol.oid
                             AND d.refclassid = 'pg_proc'::regclass
                             AND d.refobjid IN (to_regprocedure('platform.current_tenant_id()'),
                                                to_regprocedure('platform.visible_tenant_ids()'),
                                                to_regprocedure('platform.t1_child_tenant_ids()'))) AS scoped) s
 WHERE (NOT s.scoped
    OR concat_ws(' ', e.using_expr, e.check_expr) ~* '\mOR\M')
   -- The T0 reader's own policy (reads only, that role only, under a T0 context): T0 analytics.
   AND NOT (pol.polname = 'strata_t0_reads_all' AND pol.polcmd = 'r'
            AND pol.polroles = ARRAY(SELECT oid FROM pg_roles WHERE rolname = CAST(:t0_role AS text))
            AND e.check_expr IS NULL
            AND e.using_expr ~ '^\(\( SELECT platform\.current_tenant_tier\(\) AS current_tenant_tier\) = 0\)$')
