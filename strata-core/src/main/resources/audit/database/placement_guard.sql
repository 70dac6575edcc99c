-- The rows of each schema are writable only by the tenants the registry places in it. The app
-- role has USAGE on every schema of its database, so:
-- * every tenant table of a tenant schema (t_<id>: the schema-mode tenant and, for a schema-mode
--   T1, its RLS-mode T2s) needs a RESTRICTIVE policy for all commands and roles whose USING and
--   WITH CHECK both limit tenant_id to a constant set of those tenants;
-- * every tenant table of the shared app schema of a database that also holds tenant schemas
--   needs a RESTRICTIVE policy for all commands and roles whose WITH CHECK refuses a constant set
--   including every tenant placed in those schemas.
-- Restrictive policies are AND-ed, so one such guard is enough.
--
-- Parameters: owner_schemas, owner_ids  (parallel arrays) the tenant schemas of this database and
-- the tenants placed in each, from the management registry. Tenant schemas are those, and any
-- schema named like one.
SELECT f.severity, current_database() AS database, g.name AS object, f.message
  FROM (SELECT t.name, t.nspname, e.owners,
               bool_or(p.admitted IS NOT NULL) AS has_guard,
               bool_or(p.admitted <@ e.owners) AS guarded,
               bool_or(p.admitted <@ e.owners AND e.owners <@ p.admitted) AS complete,
               string_agg(DISTINCT (SELECT string_agg(x::text, ', ' ORDER BY x) FROM unnest(p.admitted) AS x
                                      WHERE x <> ALL (e.owners)), '; ') AS strangers
          FROM tenant_table t
         CROSS JOIN LATERAL (
               SELECT coalesce(array_agg(o.id::uuid ORDER BY o.id), '{}'::uuid[]) AS owners
                 FROM unnest(CAST(:owner_schemas AS text[]), CAST(:owner_ids AS text[])) AS o (schema_name, id)
                WHERE o.schema_name = t.nspname) e
          LEFT JOIN LATERAL (
               SELECT CASE
                          WHEN x.using_expr IS DISTINCT FROM x.check_expr THEN NULL
                          WHEN x.using_expr ~ '^\(tenant_id = ''[0-9a-f-]{36}''::uuid\)$'
                              THEN ARRAY[substring(x.using_expr FROM '''([0-9a-f-]{36})''')::uuid]
                          WHEN x.using_expr ~ '^\(tenant_id = ANY \(''\{[0-9a-f,-]*\}''::uuid\[\]\)\)$'
                              THEN string_to_array(substring(x.using_expr FROM '\{([0-9a-f,-]*)\}'), ',')::uuid[]
                      END AS admitted
                 FROM pg_policy pol
                CROSS JOIN LATERAL (
                      SELECT pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
                             pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr) x
                WHERE pol.polrelid = t.oid AND NOT pol.polpermissive AND pol.polcmd = '*' AND pol.polroles = '{0}') p
            ON true
         WHERE t.nspname = ANY (CAST(:owner_schemas AS text[])) OR t.nspname ~ '^t_[0-9a-f]{32}$'
         GROUP BY t.name, t.nspname, e.owners) g
 CROSS JOIN LATERAL (VALUES
       ('VIOLATION',
        CASE WHEN NOT coalesce(g.has_guard, false)
             THEN format('Table %s in tenant schema %I has no placement guard: every tenant of this database may write '
                         || 'rows carrying its own tenant_id into it. Restart Strata (it puts the guard on every tenant '
                         || 'table of a tenant schema at start-up), or run CREATE POLICY strata_placement_guard ON %s AS '
                         || 'RESTRICTIVE FOR ALL USING (tenant_id = %L::uuid) WITH CHECK (tenant_id = %L::uuid).',
                         g.name, g.nspname, g.name, coalesce(g.owners[1]::text, '<owner id>'),
                         coalesce(g.owners[1]::text, '<owner id>'))
             WHEN NOT coalesce(g.guarded, false)
             THEN format('The placement guard of table %s admits tenant(s) %s, which the registry does not place in schema '
                         || '%I: they may write into it. Restart Strata to rebuild the guard from the registry.',
                         g.name, g.strangers, g.nspname) END),
       ('WARNING',
        CASE WHEN g.guarded AND NOT g.complete
             THEN format('The placement guard of table %s refuses writes of tenant(s) the registry places in schema %I: '
                         || 'their writes fail. Restart Strata to rebuild the guard from the registry.', g.name, g.nspname) END)
       ) AS f (severity, message)
 WHERE f.message IS NOT NULL
UNION ALL
SELECT 'VIOLATION', current_database(), t.name,
       format('Tenants placed in other schemas of this database (%s) may write rows carrying their own tenant_id into '
              || 'shared table %s: %s. Restart Strata (it refuses them with a placement guard at start-up), or run '
              || 'CREATE POLICY strata_placement_guard ON %s AS RESTRICTIVE FOR ALL USING (true) '
              || 'WITH CHECK (tenant_id <> ALL (%L::uuid[])).',
              array_to_string(ARRAY(SELECT x FROM unnest(e.elsewhere) AS x WHERE x <> ALL (r.refused) ORDER BY x), ', '),
              t.name,
              CASE WHEN r.guards = 0 THEN 'it has no placement guard' ELSE 'its placement guard lets them' END,
              t.name, e.elsewhere::text)
  FROM tenant_table t
 CROSS JOIN LATERAL (
       SELECT array_agg(DISTINCT o.id::uuid ORDER BY o.id::uuid) AS elsewhere
         FROM unnest(CAST(:owner_ids AS text[])) AS o (id)) e
 CROSS JOIN LATERAL (
       SELECT count(*) AS guards,
              coalesce(array_agg(x.refused_id) FILTER (WHERE x.refused_id IS NOT NULL), '{}'::uuid[]) AS refused
         FROM pg_policy pol
        CROSS JOIN LATERAL (SELECT pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr) c
         LEFT JOIN LATERAL unnest(CASE
                   WHEN c.check_expr ~ '^\(tenant_id <> ''[0-9a-f-]{36}''::uuid\)$'
                       THEN ARRAY[substring(c.check_expr FROM '''([0-9a-f-]{36})''')::uuid]
                   WHEN c.check_expr ~ '^\(tenant_id <> ALL \(''\{[0-9a-f,-]*\}''::uuid\[\]\)\)$'
                       THEN string_to_array(substring(c.check_expr FROM '\{([0-9a-f,-]*)\}'), ',')::uuid[]
               END) AS x (refused_id) ON true
        WHERE pol.polrelid = t.oid AND NOT pol.polpermissive AND pol.polcmd = '*' AND pol.polroles = '{0}'
          AND c.check_expr ~ '^\(tenant_id <> ') r
 WHERE t.nspname = 'app'
   AND e.elsewhere IS NOT NULL
   AND NOT e.elsewhere <@ r.refused
