package dev.strata.internal.migration;

import dev.strata.internal.sql.PhysicalNames;

import org.postgresql.PGStatement;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * What the fan-out compares a migrated tenant target with, instead of re-running every refusal
 * check on it: a digest of everything in the schema that the refusals and the audit look at, and
 * the evidence that nothing outside the schema was touched. Read in ONE query inside the target's
 * transaction: {@code pg_class}, {@code pg_proc} and {@code pg_type} have no index on the schema,
 * so each is scanned once (for the schema and for the few non-tenant schemas together; these scans
 * see every relation and function, whatever else the catalogs say about them), everything else
 * through indexes from there.
 *
 * <ul>
 * <li>{@link Snapshot#schema()}: a line for each of the schema's relations (kind, row security, options,
 * persistence, declared reference data, app-role owner), columns (type, nullability, identity,
 * generated, default), constraints, indexes, policies (their roles and expressions; of the
 * placement guard, whose expression is tenant-specific and which {@link TenantTableSafety#secure}
 * has just put right, only whether each tenant table has one exactly where it must: in a tenant
 * schema, and in a shared schema beside tenant schemas), triggers, rules, view definitions,
 * inheritance, functions (security definer, leakproof, settings, body), types, and the privileges
 * beyond the standard ones Strata grants the app roles (every grant to PUBLIC, anything with grant
 * option, anything a tenant table, view, reference table or sequence would not get from Strata).
 * Names are printed relative to the schema (its qualification replaced by {@code @.}), roles as {@code PUBLIC},
 * {@code APP} (this installation's app roles and the T1 context role) or their names, the owner
 * left out: a tenant target equals its template exactly when the schema has the same objects with
 * the same security-relevant properties.</li>
 * <li>{@link Snapshot#touchedOutside()}: whether a catalog row outside the schema (other schemas but
 * tenant schemas, their relations, columns, policies, triggers, rules and functions; event
 * triggers, extensions, foreign servers and wrappers, default privileges, the database, role
 * settings, the app roles' memberships) was written by this transaction or one after it (its
 * {@code xmin} not older than this transaction's id); or whether an app role holds a role attribute
 * or a membership other than the T1 context role.</li>
 * <li>{@link Snapshot#outsideCounts()}: how many of those objects exist, compared with the count
 * taken before the database's first target, so a deletion outside is seen too.</li>
 * </ul>
 * A tenant target whose snapshot differs in any of the three is not accepted on this evidence: the
 * fan-out rolls it back and migrates it again under the full checks ({@link MigrationRefusals}),
 * which refuse it or find the difference harmless. Stateless and thread-safe.
 */
final class SchemaFingerprint {
    /**
     * One reading; {@code schema} (one line per object, sorted) is {@code null} when only the
     * outside was read.
     */
    record Snapshot(String schema, boolean touchedOutside, String outsideCounts) {
        /** The first lines of {@code schema} that {@code other}'s lacks, and the other way round: for the log. */
        String difference(Snapshot other) {
            java.util.Set<String> mine = new java.util.LinkedHashSet<>(java.util.List.of(String.valueOf(schema).split("\n")));
            java.util.Set<String> theirs = new java.util.LinkedHashSet<>(java.util.List.of(String.valueOf(other.schema).split("\n")));
            java.util.List<String> out = new java.util.ArrayList<>();
            mine.stream().filter(l -> !theirs.contains(l)).limit(3).forEach(l -> out.add("+ " + l));
            theirs.stream().filter(l -> !mine.contains(l)).limit(3).forEach(l -> out.add("- " + l));
            return String.join("; ", out);
        }
    }

    private final PhysicalNames names;

    SchemaFingerprint(PhysicalNames names) {
        this.names = Objects.requireNonNull(names, "names");
    }

    private static final String PARAMS = """
            WITH p AS (SELECT x.*, quote_ident(x.schema) || '.' AS q
                         FROM (SELECT CAST(%s AS text) AS schema, CAST(%s AS text) AS t1, CAST(%s AS text) AS prefix,
                                      CAST(%s AS text) AS marker) x),
            app_side AS (
                SELECT 0::oid AS oid
                UNION ALL
                SELECT r.oid FROM pg_roles r, p WHERE r.rolname = p.t1 OR starts_with(r.rolname, p.prefix)),
            ns AS (SELECT n.oid, n.nspowner, n.nspacl FROM pg_namespace n, p WHERE n.nspname = p.schema),
            outside_ns AS (
                SELECT n.oid, n.xmin FROM pg_namespace n, p
                 -- not a tenant schema: NOT nspname ~ '^t_[0-9a-f]{32}$', without a regular expression
                 -- per schema of the database (the costliest part of this scan with many of them)
                 WHERE n.nspname <> p.schema
                   AND NOT (starts_with(n.nspname, 't_') AND length(n.nspname) = 34
                            AND ltrim(substr(n.nspname, 3), '0123456789abcdef') = '')
                   AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema')),
            -- pg_class and pg_proc have no index on the schema: each is scanned once, for the
            -- schema and for what lies outside it together
            scanned_ns AS (SELECT oid FROM outside_ns UNION ALL SELECT oid FROM ns),
            cls AS MATERIALIZED (
                SELECT c.oid, c.relnamespace, c.xmin FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM scanned_ns)),
            procs AS MATERIALIZED (
                SELECT f.oid, f.pronamespace, f.xmin FROM pg_proc f WHERE f.pronamespace IN (SELECT oid FROM scanned_ns)),
            outside_rel AS MATERIALIZED (
                SELECT c.oid, c.xmin FROM cls c WHERE c.relnamespace IN (SELECT oid FROM outside_ns)),
            -- one scan of each catalog: how many rows, and whether one is as new as this transaction
            seen AS (
                SELECT 'schemas' AS k, count(*) AS n, coalesce(bool_or(age(x.xmin) <= 0), false) AS fresh FROM outside_ns x
                UNION ALL
                SELECT 'relations', count(*), coalesce(bool_or(age(x.xmin) <= 0), false) FROM outside_rel x
                UNION ALL
                SELECT 'columns', count(*) FILTER (WHERE x.attnum > 0 AND NOT x.attisdropped),
                       coalesce(bool_or(age(x.xmin) <= 0), false)
                  FROM outside_rel r CROSS JOIN LATERAL (
                           SELECT x.attnum, x.attisdropped, x.xmin FROM pg_attribute x WHERE x.attrelid = r.oid OFFSET 0) x
                UNION ALL
                SELECT 'policies', count(*), coalesce(bool_or(age(x.xmin) <= 0), false)
                  FROM outside_rel r CROSS JOIN LATERAL (
                           SELECT x.xmin FROM pg_policy x WHERE x.polrelid = r.oid AND x.polname <> 'strata_placement_guard'
                           OFFSET 0) x
                UNION ALL
                SELECT 'triggers', count(*), coalesce(bool_or(age(x.xmin) <= 0), false)
                  FROM outside_rel r CROSS JOIN LATERAL (
                           SELECT x.xmin FROM pg_trigger x WHERE x.tgrelid = r.oid AND NOT x.tgisinternal OFFSET 0) x
                UNION ALL
                SELECT 'rules', count(*), coalesce(bool_or(age(x.xmin) <= 0), false)
                  FROM outside_rel r CROSS JOIN LATERAL (
                           SELECT x.xmin FROM pg_rewrite x WHERE x.ev_class = r.oid OFFSET 0) x
                UNION ALL
                SELECT 'functions', count(*), coalesce(bool_or(age(x.xmin) <= 0), false)
                  FROM procs x WHERE x.pronamespace IN (SELECT oid FROM outside_ns)
                UNION ALL
                SELECT 'event triggers', count(*), coalesce(bool_or(age(x.xmin) <= 0), false) FROM pg_event_trigger x
                UNION ALL
                SELECT 'extensions', count(*), coalesce(bool_or(age(x.xmin) <= 0), false) FROM pg_extension x
                UNION ALL
                SELECT 'servers', count(*), coalesce(bool_or(age(x.xmin) <= 0), false) FROM pg_foreign_server x
                UNION ALL
                SELECT 'wrappers', count(*), coalesce(bool_or(age(x.xmin) <= 0), false) FROM pg_foreign_data_wrapper x
                UNION ALL
                SELECT 'default privileges', count(*), coalesce(bool_or(age(x.xmin) <= 0), false) FROM pg_default_acl x
                UNION ALL
                SELECT 'role settings', count(*), coalesce(bool_or(age(x.xmin) <= 0), false) FROM pg_db_role_setting x
                UNION ALL
                SELECT 'memberships', count(*), coalesce(bool_or(age(x.xmin) <= 0), false)
                  FROM pg_auth_members x WHERE x.member IN (SELECT oid FROM app_side)
                UNION ALL
                SELECT 'database', 0, coalesce(bool_or(age(x.xmin) <= 0), false)
                  FROM pg_database x WHERE x.datname = current_database()),
            outside AS (
                SELECT string_agg(k || '=' || n, ' ' ORDER BY k) AS counts,
                       bool_or(fresh)
                       OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid IN (SELECT oid FROM app_side)
                                     AND (r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication))
                       OR EXISTS (SELECT 1 FROM pg_auth_members m CROSS JOIN p WHERE m.member IN (SELECT oid FROM app_side)
                                     AND pg_get_userbyid(m.roleid) <> p.t1) AS touched
                  FROM seen)
            """;

    private static final String OUTSIDE_ONLY = """
            SELECT NULL, o.touched, o.counts FROM outside o
            """;

    private static final String FULL = """
            , rel AS MATERIALIZED (
                SELECT c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity,
                       c.reloptions, c.relpersistence, c.relispartition,
                       EXISTS (SELECT 1 FROM pg_policy g WHERE g.polrelid = c.oid AND g.polname = 'strata_placement_guard'
                                                         AND NOT g.polpermissive AND g.polcmd = '*' AND g.polroles = '{0}')
                           AS guarded,
                       coalesce((SELECT true FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                                                                  AND NOT a.attisdropped), false) AS tenant,
                       starts_with(coalesce(obj_description(c.oid, 'pg_class'), ''), p.marker)
                       OR EXISTS (SELECT 1 FROM pg_inherits i
                                   WHERE i.inhrelid = c.oid
                                     AND starts_with(coalesce(obj_description(i.inhparent, 'pg_class'), ''), p.marker)) AS declared
                  FROM cls x JOIN pg_class c ON c.oid = x.oid CROSS JOIN p WHERE x.relnamespace = (SELECT oid FROM ns)),
            -- a tenant schema's tenant tables carry the placement guard, and so do those of a shared
            -- schema beside tenant schemas; none other does (its expression is tenant-specific)
            guard AS (
                SELECT p.schema ~ '^t_[0-9a-f]{32}$'
                       OR EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname ~ '^t_[0-9a-f]{32}$') AS expected
                  FROM p),
            allowed AS (
                SELECT r.oid, CASE
                           WHEN r.relkind IN ('r', 'p') AND r.tenant THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']
                           WHEN r.relkind IN ('r', 'p', 'm') AND r.declared THEN ARRAY['SELECT']
                           WHEN r.relkind = 'v' THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']
                           WHEN r.relkind = 'S' AND EXISTS (
                                    SELECT 1 FROM pg_depend d JOIN rel t ON t.oid = d.refobjid AND t.tenant
                                     WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid
                                       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
                               THEN ARRAY['USAGE']
                           ELSE '{}'::text[] END AS privileges
                  FROM rel r),
            lines AS (
                SELECT 'schema ' || coalesce((
                           SELECT string_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC' WHEN a.grantee IN (SELECT oid FROM app_side)
                                                  THEN 'APP' ELSE pg_get_userbyid(a.grantee) END
                                             || ':' || a.privilege_type || ':' || a.is_grantable, ',' ORDER BY 1)
                             FROM aclexplode(ns.nspacl) a
                            WHERE a.grantee <> ns.nspowner
                              AND NOT (a.grantee <> 0 AND a.grantee IN (SELECT oid FROM app_side)
                                       AND a.privilege_type = 'USAGE' AND NOT a.is_grantable)), '') AS line
                  FROM ns
                UNION ALL
                SELECT concat_ws(' ', 'relation', quote_ident(r.relname), r.relkind, r.relrowsecurity, r.relforcerowsecurity,
                                 r.reloptions::text, r.relpersistence, r.relispartition, r.tenant, r.declared,
                                 r.relowner IN (SELECT oid FROM app_side),
                                 CASE WHEN r.tenant AND r.relkind IN ('r', 'p')
                                      THEN 'guard ' || (r.guarded = (SELECT expected FROM guard)) END,
                                 (SELECT string_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                                         WHEN a.grantee IN (SELECT oid FROM app_side) THEN 'APP'
                                                         ELSE pg_get_userbyid(a.grantee) END
                                                    || ':' || a.privilege_type || ':' || a.is_grantable, ',' ORDER BY 1)
                                    FROM aclexplode(r.relacl) a
                                   WHERE a.grantee <> r.relowner
                                     AND NOT (a.grantee <> 0 AND a.grantee IN (SELECT oid FROM app_side) AND NOT a.is_grantable
                                              AND a.privilege_type = ANY (al.privileges))),
                                 CASE WHEN r.relkind IN ('v', 'm') THEN md5(replace(pg_get_viewdef(r.oid, true), (SELECT q FROM p), '@.')) END)
                  FROM rel r JOIN allowed al ON al.oid = r.oid
                UNION ALL
                SELECT concat_ws(' ', 'column', quote_ident(r.relname), quote_ident(a.attname),
                                 replace(format_type(a.atttypid, a.atttypmod), (SELECT q FROM p), '@.'), a.attnotnull, a.attidentity, a.attgenerated,
                                 (SELECT md5(replace(pg_get_expr(d.adbin, d.adrelid, true), (SELECT q FROM p), '@.')) FROM pg_attrdef d
                                   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum),
                                 (SELECT string_agg(CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                                                         WHEN x.grantee IN (SELECT oid FROM app_side) THEN 'APP'
                                                         ELSE pg_get_userbyid(x.grantee) END
                                                    || ':' || x.privilege_type || ':' || x.is_grantable, ',' ORDER BY 1)
                                    FROM aclexplode(a.attacl) x
                                   WHERE x.grantee <> r.relowner
                                     AND NOT (x.grantee <> 0 AND x.grantee IN (SELECT oid FROM app_side) AND NOT x.is_grantable
                                              AND x.privilege_type = ANY (al.privileges))))
                  FROM rel r JOIN allowed al ON al.oid = r.oid
                  CROSS JOIN LATERAL (SELECT a.* FROM pg_attribute a
                                       WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped OFFSET 0) a
                UNION ALL
                SELECT concat_ws(' ', 'constraint', quote_ident(r.relname), quote_ident(k.conname), k.contype,
                                 replace(pg_get_constraintdef(k.oid, true), (SELECT q FROM p), '@.'))
                  FROM rel r CROSS JOIN LATERAL (SELECT k.* FROM pg_constraint k WHERE k.conrelid = r.oid OFFSET 0) k
                UNION ALL
                SELECT concat_ws(' ', 'index', quote_ident(r.relname), replace(pg_get_indexdef(i.indexrelid, 0, true), (SELECT q FROM p), '@.'))
                  FROM rel r CROSS JOIN LATERAL (SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = r.oid OFFSET 0) i
                UNION ALL
                SELECT concat_ws(' ', 'policy', quote_ident(r.relname), quote_ident(pol.polname), pol.polcmd, pol.polpermissive,
                                 ARRAY(SELECT CASE WHEN x = 0 THEN 'PUBLIC' WHEN x IN (SELECT oid FROM app_side) THEN 'APP'
                                                   ELSE pg_get_userbyid(x) END
                                         FROM unnest(pol.polroles) x ORDER BY 1)::text,
                                 md5(coalesce(replace(pg_get_expr(pol.polqual, pol.polrelid, true), (SELECT q FROM p), '@.'), '')),
                                 md5(coalesce(replace(pg_get_expr(pol.polwithcheck, pol.polrelid, true), (SELECT q FROM p), '@.'), '')))
                  FROM rel r CROSS JOIN LATERAL (SELECT pol.* FROM pg_policy pol
                                                  WHERE pol.polrelid = r.oid AND pol.polname <> 'strata_placement_guard'
                                                  OFFSET 0) pol
                UNION ALL
                SELECT concat_ws(' ', 'trigger', quote_ident(r.relname), quote_ident(t.tgname), t.tgenabled,
                                 md5(replace(pg_get_triggerdef(t.oid, true), (SELECT q FROM p), '@.')))
                  FROM rel r CROSS JOIN LATERAL (SELECT t.* FROM pg_trigger t WHERE t.tgrelid = r.oid AND NOT t.tgisinternal
                                                  OFFSET 0) t
                UNION ALL
                SELECT concat_ws(' ', 'rule', quote_ident(r.relname), quote_ident(w.rulename), w.ev_enabled,
                                 md5(replace(pg_get_ruledef(w.oid, true), (SELECT q FROM p), '@.')))
                  FROM rel r CROSS JOIN LATERAL (SELECT w.* FROM pg_rewrite w WHERE w.ev_class = r.oid AND w.rulename <> '_RETURN'
                                                  OFFSET 0) w
                UNION ALL
                SELECT concat_ws(' ', 'inherits', quote_ident(r.relname), replace(i.inhparent::regclass::text, (SELECT q FROM p), '@.'), i.inhseqno)
                  FROM rel r CROSS JOIN LATERAL (SELECT i.* FROM pg_inherits i WHERE i.inhrelid = r.oid OFFSET 0) i
                UNION ALL
                SELECT concat_ws(' ', 'function', quote_ident(f.proname), replace(oidvectortypes(f.proargtypes), (SELECT q FROM p), '@.'), f.prokind, f.prosecdef,
                                 f.proleakproof, f.proconfig::text, f.provolatile, md5(coalesce(f.prosrc, '')),
                                 replace(f.prorettype::regtype::text, (SELECT q FROM p), '@.'), f.proowner IN (SELECT oid FROM app_side),
                                 (SELECT string_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                                         WHEN a.grantee IN (SELECT oid FROM app_side) THEN 'APP'
                                                         ELSE pg_get_userbyid(a.grantee) END
                                                    || ':' || a.privilege_type || ':' || a.is_grantable, ',' ORDER BY 1)
                                    FROM aclexplode(f.proacl) a
                                   WHERE a.grantee <> f.proowner AND (a.is_grantable OR a.grantee NOT IN (SELECT oid FROM app_side))))
                  FROM procs x JOIN pg_proc f ON f.oid = x.oid WHERE x.pronamespace = (SELECT oid FROM ns)
                UNION ALL
                SELECT concat_ws(' ', 'type', quote_ident(t.typname), t.typtype, t.typowner IN (SELECT oid FROM app_side))
                  FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM ns))
            SELECT (SELECT coalesce(string_agg(line, E'\\n' ORDER BY line), '') FROM lines),
                   o.touched, o.counts
              FROM outside o
            """;

    /**
     * The whole snapshot of {@code schema}, inside the caller's transaction (whose settings it
     * leaves as they were).
     */
    Snapshot read(Connection c, String schema) throws SQLException {
        return query(c, schema, readSql);
    }

    /** Only what lies outside {@code schema}: the counts a later {@link #read} is compared with. */
    Snapshot outside(Connection c, String schema) throws SQLException {
        return query(c, schema, outsideSql);
    }

    /**
     * The query as one prepared statement whose text is the same for every schema (names are
     * parameters), planned once per connection: a generic plan ({@code plan_cache_mode}), under a
     * fixed {@code search_path} ({@code pg_catalog}: a cached plan is made again whenever the
     * search_path changes). So PostgreSQL prints the schema's own objects qualified, and the
     * query replaces {@code <schema>.} by {@code @.} wherever names are printed: the lines read
     * alike on every schema, while objects of other schemas keep their qualification (and
     * {@code pg_catalog}'s none). Both settings are saved, set and put back around it in the same
     * round trip.
     */
    private static String prepared(String query) {
        return "SELECT set_config('strata.fingerprint_search_path', current_setting('search_path'), true), "
                + "set_config('strata.fingerprint_plan_cache_mode', current_setting('plan_cache_mode'), true), "
                + "set_config('search_path', 'pg_catalog', true), set_config('plan_cache_mode', 'force_generic_plan', true);\n"
                + query.formatted("?", "?", "?", "?") + ";\n"
                + "SELECT set_config('search_path', current_setting('strata.fingerprint_search_path'), true), "
                + "set_config('plan_cache_mode', current_setting('strata.fingerprint_plan_cache_mode'), true)";
    }

    private final String readSql = prepared(PARAMS + FULL);
    private final String outsideSql = prepared(PARAMS + OUTSIDE_ONLY);

    private Snapshot query(Connection c, String schema, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (ps.isWrapperFor(PGStatement.class)) {
                ps.unwrap(PGStatement.class).setPrepareThreshold(1); // a named statement from the first use
            }
            ps.setString(1, schema);
            ps.setString(2, names.t1ContextRole());
            ps.setString(3, names.namespace() + "_app_");
            ps.setString(4, TenantTableSafety.REFERENCE_DATA);
            ps.execute(); // the settings saved and set
            if (!ps.getMoreResults()) {
                throw new IllegalStateException("no answer to the fingerprint query");
            }
            Snapshot snapshot;
            try (ResultSet rs = ps.getResultSet()) {
                rs.next();
                snapshot = new Snapshot(rs.getString(1), rs.getBoolean(2), rs.getString(3));
            }
            ps.getMoreResults(); // the settings put back
            return snapshot;
        }
    }
}
