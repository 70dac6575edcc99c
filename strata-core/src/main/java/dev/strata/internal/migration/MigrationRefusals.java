package dev.strata.internal.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.audit.AuditFinding;
import dev.strata.internal.audit.SchemaRules;
import dev.strata.internal.sql.PhysicalNames;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses what a tenant migration may not do because it would weaken isolation, with
 * {@link ErrorCode#MIGRATION_REFUSED} naming the object and what to change (the caller rolls the
 * target's transaction back, so nothing of it stays). Two kinds of check, both inside the
 * target's transaction:
 * <ul>
 * <li>{@link #requireSafe}: the objects of the migrated schema. Every table has {@code tenant_id}
 * or is declared shared reference data; keys and foreign keys of tenant tables include
 * {@code tenant_id}; views are {@code security_invoker} (both as the audit checks them); no
 * materialized view unless reference data, no foreign table, no rule, no SECURITY DEFINER function
 * (nor a trigger, policy, default or view calling one), no permissive policy but Strata's, no tenant
 * table inheriting from a table without {@code tenant_id}, no privilege for the app roles or PUBLIC
 * beyond the standard ones (never TRUNCATE, REFERENCES, TRIGGER, MAINTAIN, nothing WITH GRANT
 * OPTION, nothing on the history), no app role owning anything or holding role attributes, no
 * default privileges for them.</li>
 * <li>{@link #outside} / {@link #requireUnchangedOutside}: a migration changes its own schema only.
 * A snapshot of what lies outside it (other schemas but tenant schemas, their relations,
 * policies, functions, triggers and rules; event triggers, extensions, foreign servers; the
 * database's privileges and settings, the app roles' settings) is taken before and after each
 * migration; any difference is refused. The placement guards of the other schemas are left out:
 * provisioning changes them while other schemas of the database migrate. Role attributes and memberships of the app roles, which
 * other processes change while provisioning, are checked as they are instead: none but membership
 * in the T1 context role.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class MigrationRefusals {
    private final PhysicalNames names;

    MigrationRefusals(PhysicalNames names) {
        this.names = Objects.requireNonNull(names, "names");
    }

    // ------------------------------------------------------------------ outside the schema

    // Reads only catalogs, never functions that lock the relations they describe (pg_get_expr,
    // pg_get_ruledef take AccessShareLock): the fan-out migrates schemas of one database in
    // parallel, and a lock on a table another target holds exclusively would deadlock.
    private static final String OUTSIDE = """
            WITH p AS (SELECT CAST(? AS text) AS schema, CAST(? AS text) AS t1, CAST(? AS text) AS prefix),
            app_side AS (
                SELECT r.oid, r.rolname FROM pg_roles r, p WHERE r.rolname = p.t1 OR starts_with(r.rolname, p.prefix)),
            other_ns AS (
                SELECT n.oid, n.nspname, n.nspowner, n.nspacl FROM pg_namespace n, p
                 WHERE n.nspname <> p.schema AND n.nspname !~ '^t_[0-9a-f]{32}$'
                   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'),
            other_rel AS (
                SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name, c.relkind, c.relowner, c.relacl,
                       c.relrowsecurity, c.relforcerowsecurity, c.reloptions
                  FROM pg_class c JOIN other_ns n ON n.oid = c.relnamespace
                 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S'))
            SELECT 'schema ' || quote_ident(n.nspname), concat_ws(' ', pg_get_userbyid(n.nspowner), n.nspacl::text)
              FROM other_ns n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
            UNION ALL
            SELECT 'relation ' || r.name, concat_ws(' ', r.relkind, pg_get_userbyid(r.relowner), r.relacl::text,
                   r.relrowsecurity, r.relforcerowsecurity, r.reloptions::text)
              FROM other_rel r
            UNION ALL
            SELECT 'policy ' || quote_ident(pol.polname) || ' on ' || r.name,
                   concat_ws(' ', pol.polcmd, pol.polpermissive, pol.polroles::text, md5(coalesce(pol.polqual::text, '')),
                             md5(coalesce(pol.polwithcheck::text, '')))
              FROM pg_policy pol JOIN other_rel r ON r.oid = pol.polrelid
             WHERE pol.polname <> 'strata_placement_guard'
            UNION ALL
            SELECT 'trigger ' || quote_ident(t.tgname) || ' on ' || r.name, concat_ws(' ', t.tgfoid::regprocedure::text, t.tgenabled)
              FROM pg_trigger t JOIN other_rel r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal
            UNION ALL
            SELECT 'rule ' || quote_ident(w.rulename) || ' on ' || r.name, md5(w.ev_action::text || coalesce(w.ev_qual::text, ''))
              FROM pg_rewrite w JOIN other_rel r ON r.oid = w.ev_class WHERE w.rulename <> '_RETURN'
            UNION ALL
            SELECT 'function ' || format('%I.%I(%s)', n.nspname, f.proname, oidvectortypes(f.proargtypes)),
                   concat_ws(' ', pg_get_userbyid(f.proowner), f.proacl::text, f.prosecdef, f.proleakproof,
                             f.proconfig::text, md5(coalesce(f.prosrc, '')), f.provolatile)
              FROM pg_proc f JOIN other_ns n ON n.oid = f.pronamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
            UNION ALL
            SELECT 'event trigger ' || quote_ident(e.evtname), concat_ws(' ', e.evtevent, e.evtfoid::regprocedure::text, e.evtenabled)
              FROM pg_event_trigger e
            UNION ALL
            SELECT 'extension ' || quote_ident(x.extname), x.extversion FROM pg_extension x
            UNION ALL
            SELECT 'foreign server ' || quote_ident(s.srvname), s.srvacl::text FROM pg_foreign_server s
            UNION ALL
            SELECT 'foreign data wrapper ' || quote_ident(w.fdwname), w.fdwacl::text FROM pg_foreign_data_wrapper w
            UNION ALL
            SELECT 'user mapping for ' || u.usename || ' on ' || quote_ident(u.srvname), '' FROM pg_user_mappings u
            UNION ALL
            SELECT 'database ' || quote_ident(d.datname), concat_ws(' ', pg_get_userbyid(d.datdba), d.datacl::text)
              FROM pg_database d WHERE d.datname = current_database()
            UNION ALL
            SELECT 'settings of role ' || coalesce(quote_ident(pg_get_userbyid(s.setrole)), 'every role')
                   || ' in ' || coalesce((SELECT quote_ident(datname) FROM pg_database WHERE oid = s.setdatabase), 'every database'),
                   s.setconfig::text
              FROM pg_db_role_setting s
             WHERE s.setrole IN (SELECT oid FROM app_side)
                OR (s.setrole = 0 AND s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()))
            """;

    /** A description of everything outside {@code schema} a migration must leave as it is. */
    Set<String> outside(Connection c, String schema) throws SQLException {
        Set<String> rows = new LinkedHashSet<>();
        // Expressions print schema-qualified the same way whatever search_path a migration left behind.
        String searchPath;
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('search_path'), set_config('search_path', 'pg_catalog', true)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            searchPath = rs.getString(1);
        }
        try (PreparedStatement ps = c.prepareStatement(OUTSIDE)) {
            ps.setString(1, schema);
            ps.setString(2, names.t1ContextRole());
            ps.setString(3, names.namespace() + "_app_");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + " = " + rs.getString(2));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, true)")) {
            ps.setString(1, searchPath);
            ps.execute();
        }
        return rows;
    }

    /** Refuses {@code migration} if what lies outside the target's schema differs from {@code before}. */
    void requireUnchangedOutside(Connection c, AppSchema target, TenantMigration migration, Set<String> before)
            throws SQLException {
        Set<String> after = outside(c, target.schema());
        if (after.equals(before)) {
            return;
        }
        Set<String> changed = new LinkedHashSet<>();
        for (String row : after) {
            if (!before.contains(row)) {
                changed.add(identity(row));
            }
        }
        for (String row : before) {
            if (!after.contains(row)) {
                changed.add(identity(row));
            }
        }
        throw refused(target, List.of(migration), "It changes what lies outside schema " + target.schema() + " ("
                + changed.stream().limit(5).collect(Collectors.joining("; ")) + "), and a tenant migration may change "
                + "only the schema it runs in (its search_path): Strata's platform schema, other schemas, roles, default "
                + "privileges, extensions and database settings are not the application's. Remove the statements that "
                + "touch them (create objects unqualified, in the migration's own schema)");
    }

    private static String identity(String row) {
        int at = row.indexOf(" = ");
        return at < 0 ? row : row.substring(0, at);
    }

    // ------------------------------------------------------------------ inside the schema

    private static final String INSIDE = """
            WITH p AS (SELECT CAST(? AS text) AS schema, CAST(? AS text) AS t1, CAST(? AS text) AS prefix,
                              CAST(? AS text[]) AS policies, CAST(? AS text) AS history, CAST(? AS text) AS marker),
            ns AS (SELECT n.oid, n.nspname, n.nspacl FROM pg_namespace n, p WHERE n.nspname = p.schema),
            app_side AS (
                SELECT 0::oid AS oid, 'PUBLIC' AS rolname
                UNION ALL
                SELECT r.oid, quote_ident(r.rolname) FROM pg_roles r, p WHERE r.rolname = p.t1 OR starts_with(r.rolname, p.prefix)),
            rel AS (
                SELECT c.oid, c.relname, c.relkind, c.relacl, format('%I.%I', ns.nspname, c.relname) AS name,
                       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                                                             AND NOT a.attisdropped) AS tenant,
                       (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                                                                AND NOT a.attisdropped) AS tenant_type,
                       starts_with(coalesce(obj_description(c.oid, 'pg_class'), ''), p.marker)
                       OR EXISTS (SELECT 1 FROM pg_inherits i
                                   WHERE i.inhrelid = c.oid
                                     AND starts_with(coalesce(obj_description(i.inhparent, 'pg_class'), ''), p.marker)) AS declared
                  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace CROSS JOIN p
                 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relname <> p.history),
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
            secdef AS (SELECT f.oid FROM pg_proc f WHERE f.prosecdef)
            SELECT r.name,
                   format('table %s has no tenant_id column and is not declared shared reference data, so Strata cannot '
                          || 'isolate its rows. Add tenant_id uuid NOT NULL REFERENCES platform.tenants (id) (and lead its '
                          || 'keys with it), or, if every tenant may read all of it, declare it: COMMENT ON TABLE %I IS '
                          || '''strata:reference-data'' (the app role may then only read it)', r.name, r.relname)
              FROM rel r WHERE r.relkind IN ('r', 'p') AND NOT r.tenant AND NOT r.declared
            UNION ALL
            SELECT r.name, format('the tenant_id column of %s is of type %s: Strata''s policies and placement guard compare '
                                  || 'it with the tenant context, a uuid. Make it tenant_id uuid NOT NULL REFERENCES '
                                  || 'platform.tenants (id)', r.name, format_type(r.tenant_type, NULL))
              FROM rel r WHERE r.relkind IN ('r', 'p') AND r.tenant AND r.tenant_type <> 'uuid'::regtype
            UNION ALL
            SELECT r.name, format('%s is a foreign table: its rows live elsewhere, outside row level security and outside '
                                  || 'the tenant''s database. Remove it from the tenant migrations', r.name)
              FROM rel r WHERE r.relkind = 'f'
            UNION ALL
            SELECT r.name, format('materialized view %s has no row level security: it stores rows as its owner saw them and '
                                  || 'every reader sees all of them. Use a view WITH (security_invoker = true) instead, or, '
                                  || 'if it holds shared reference data only, declare it: COMMENT ON MATERIALIZED VIEW %I IS '
                                  || '''strata:reference-data''', r.name, r.relname)
              FROM rel r WHERE r.relkind = 'm' AND NOT r.declared
            UNION ALL
            SELECT format('%I.%I(%s)', ns.nspname, f.proname, oidvectortypes(f.proargtypes)),
                   format('function %s is SECURITY DEFINER: it runs with the rights of its owner %I, who sees every '
                          || 'tenant''s rows, for whoever calls it. Drop SECURITY DEFINER (functions run as the caller '
                          || 'by default, under its tenant''s policies)',
                          format('%I.%I(%s)', ns.nspname, f.proname, oidvectortypes(f.proargtypes)), pg_get_userbyid(f.proowner))
              FROM pg_proc f JOIN ns ON ns.oid = f.pronamespace WHERE f.prosecdef
            UNION ALL
            SELECT pg_describe_object(d.classid, d.objid, d.objsubid),
                   format('%s calls SECURITY DEFINER function %s, which runs with its owner''s rights (every tenant''s '
                          || 'rows). Call only SECURITY INVOKER functions from triggers, policies, defaults and views',
                          pg_describe_object(d.classid, d.objid, d.objsubid), d.refobjid::regprocedure)
              FROM pg_depend d
             WHERE d.refclassid = 'pg_proc'::regclass AND d.refobjid IN (SELECT oid FROM secdef)
               AND CASE d.classid
                       WHEN 'pg_trigger'::regclass THEN (SELECT tgrelid FROM pg_trigger WHERE oid = d.objid)
                       WHEN 'pg_policy'::regclass THEN (SELECT polrelid FROM pg_policy WHERE oid = d.objid)
                       WHEN 'pg_rewrite'::regclass THEN (SELECT ev_class FROM pg_rewrite WHERE oid = d.objid)
                       WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid)
                       WHEN 'pg_constraint'::regclass THEN (SELECT conrelid FROM pg_constraint WHERE oid = d.objid)
                       WHEN 'pg_class'::regclass THEN d.objid
                   END IN (SELECT oid FROM rel)
            UNION ALL
            SELECT format('policy %I on %s', pol.polname, r.name),
                   format('permissive policy %I on %s was written by the migration: permissive policies are OR-ed with '
                          || 'Strata''s own (%s), so one can only widen what a tenant reads or writes. Drop it: Strata '
                          || 'creates the standard policies itself. To narrow access further, create it AS RESTRICTIVE',
                          pol.polname, r.name, array_to_string(p.policies, ', '))
              FROM pg_policy pol JOIN rel r ON r.oid = pol.polrelid CROSS JOIN p
             WHERE pol.polpermissive AND pol.polname <> ALL (p.policies) AND (r.tenant OR NOT r.declared)
            UNION ALL
            SELECT format('rule %I on %s', w.rulename, r.name),
                   format('rule %I on %s rewrites statements with the rights of the table''s owner, outside the tenant''s '
                          || 'policies. Drop it (a trigger running as the caller can do the same work)', w.rulename, r.name)
              FROM pg_rewrite w JOIN rel r ON r.oid = w.ev_class WHERE w.rulename <> '_RETURN'
            UNION ALL
            SELECT r.name, format('tenant table %s inherits from (or is a partition of) %s, which has no tenant_id: a query '
                                  || 'on %s returns %s''s rows under %s''s privileges and policies. Give %s a tenant_id column '
                                  || '(tenant tables inherit only from tenant tables)', r.name, i.inhparent::regclass,
                                  i.inhparent::regclass, r.name, i.inhparent::regclass, i.inhparent::regclass)
              FROM pg_inherits i JOIN rel r ON r.oid = i.inhrelid
             WHERE r.tenant AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.inhparent
                                                                         AND a.attname = 'tenant_id' AND NOT a.attisdropped)
            UNION ALL
            SELECT ch.oid::regclass::text, format('%s is a %s of tenant table %s without tenant_id or row level security of '
                                  || 'its own (%s). Every child of a tenant table must be a table with tenant_id in the same schema',
                                  ch.oid::regclass, CASE WHEN ch.relispartition THEN 'partition' ELSE 'child' END, r.name,
                                  CASE ch.relkind WHEN 'f' THEN 'a foreign table' ELSE 'another schema or kind' END)
              FROM pg_inherits i JOIN rel r ON r.oid = i.inhparent AND r.tenant JOIN pg_class ch ON ch.oid = i.inhrelid
             WHERE ch.relkind = 'f' OR ch.relnamespace <> (SELECT oid FROM ns)
                OR NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = ch.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
            UNION ALL
            SELECT format('schema %I', ns.nspname),
                   format('%s holds %s%s on schema %I: the app role gets USAGE on its schema from Strata, nothing else '
                          || '(CREATE would let a tenant create objects that shadow the application''s). Remove the GRANT',
                          s.rolname, a.privilege_type, CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END, ns.nspname)
              FROM ns CROSS JOIN LATERAL aclexplode(ns.nspacl) a JOIN app_side s ON s.oid = a.grantee
             WHERE a.grantee = 0 OR a.privilege_type <> 'USAGE' OR a.is_grantable
            UNION ALL
            SELECT r.name,
                   format('%s holds %s%s on %s: beyond the standard rights Strata grants (%s). TRUNCATE, REFERENCES, TRIGGER '
                          || 'and MAINTAIN are not subject to row level security, and a grant option or a grant to PUBLIC '
                          || 'passes rights on. Remove the GRANT: Strata grants the app role what it needs itself',
                          s.rolname, a.privilege_type, CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END, r.name,
                          CASE WHEN cardinality(al.privileges) = 0 THEN 'none' ELSE array_to_string(al.privileges, ', ') END)
              FROM rel r JOIN allowed al ON al.oid = r.oid
             CROSS JOIN LATERAL aclexplode(r.relacl) a JOIN app_side s ON s.oid = a.grantee
             WHERE a.grantee = 0 OR a.is_grantable OR a.privilege_type <> ALL (al.privileges)
            UNION ALL
            SELECT format('%s.%I', r.name, att.attname),
                   format('%s holds %s%s on column %I of %s, beyond the standard rights (%s). Remove the GRANT',
                          s.rolname, a.privilege_type, CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                          att.attname, r.name,
                          CASE WHEN cardinality(al.privileges) = 0 THEN 'none' ELSE array_to_string(al.privileges, ', ') END)
              FROM rel r JOIN allowed al ON al.oid = r.oid
              JOIN pg_attribute att ON att.attrelid = r.oid AND att.attnum > 0 AND att.attacl IS NOT NULL
             CROSS JOIN LATERAL aclexplode(att.attacl) a JOIN app_side s ON s.oid = a.grantee
             WHERE a.grantee = 0 OR a.is_grantable OR a.privilege_type <> ALL (al.privileges)
            UNION ALL
            SELECT format('%I.%I', ns.nspname, h.relname),
                   format('%s holds %s on the migration history %I.%I, which is Strata''s own. Remove the GRANT',
                          s.rolname, a.privilege_type, ns.nspname, h.relname)
              FROM pg_class h JOIN ns ON ns.oid = h.relnamespace CROSS JOIN p
             CROSS JOIN LATERAL aclexplode(h.relacl) a JOIN app_side s ON s.oid = a.grantee
             WHERE h.relname = p.history
            UNION ALL
            SELECT format('%I.%I(%s)', ns.nspname, f.proname, oidvectortypes(f.proargtypes)),
                   format('%s holds EXECUTE WITH GRANT OPTION on %s. Remove the grant option',
                          s.rolname, format('%I.%I(%s)', ns.nspname, f.proname, oidvectortypes(f.proargtypes)))
              FROM pg_proc f JOIN ns ON ns.oid = f.pronamespace
             CROSS JOIN LATERAL aclexplode(f.proacl) a JOIN app_side s ON s.oid = a.grantee
             WHERE a.is_grantable
            UNION ALL
            SELECT pg_describe_object(d.classid, d.objid, d.objsubid),
                   format('app role %s owns %s: an owner can switch row level security off, alter or drop it and grant '
                          || 'itself every privilege. Leave ownership to Strata''s administrator (remove the OWNER TO / '
                          || 'ALTER ... OWNER)', s.rolname, pg_describe_object(d.classid, d.objid, d.objsubid))
              FROM pg_shdepend d JOIN app_side s ON s.oid = d.refobjid AND s.oid <> 0
             WHERE d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND d.refclassid = 'pg_authid'::regclass AND d.deptype = 'o'
            UNION ALL
            SELECT 'role ' || quote_ident(r.rolname),
                   format('app role %I has %s: it would bypass or administer row level security. Remove the ALTER ROLE',
                          r.rolname, concat_ws(', ', CASE WHEN r.rolsuper THEN 'SUPERUSER' END,
                                               CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END,
                                               CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END,
                                               CASE WHEN r.rolcreatedb THEN 'CREATEDB' END,
                                               CASE WHEN r.rolreplication THEN 'REPLICATION' END))
              FROM pg_roles r JOIN app_side s ON s.oid = r.oid
             WHERE r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication
            UNION ALL
            SELECT 'membership of ' || s.rolname || ' in ' || quote_ident(pg_get_userbyid(m.roleid)),
                   format('app role %s was made a member of %I: it would act with that role''s rights, outside the '
                          || 'tenant''s policies. Remove the GRANT ... TO', s.rolname, pg_get_userbyid(m.roleid))
              FROM pg_auth_members m JOIN app_side s ON s.oid = m.member CROSS JOIN p
             WHERE pg_get_userbyid(m.roleid) <> p.t1
            UNION ALL
            SELECT 'default privileges' || coalesce(' in schema ' || quote_ident(n.nspname), ''),
                   format('default privileges (ALTER DEFAULT PRIVILEGES) give %s %s on every new %s: rights beyond the '
                          || 'standard ones, on objects not yet written. Remove the ALTER DEFAULT PRIVILEGES: Strata '
                          || 'grants the app role what it needs after every migration', s.rolname, a.privilege_type,
                          CASE da.defaclobjtype WHEN 'r' THEN 'table' WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'function'
                                                WHEN 'T' THEN 'type' WHEN 'n' THEN 'schema' ELSE 'object' END)
              FROM pg_default_acl da LEFT JOIN pg_namespace n ON n.oid = da.defaclnamespace
             CROSS JOIN LATERAL aclexplode(da.defaclacl) a JOIN app_side s ON s.oid = a.grantee
             WHERE NOT (a.grantee = 0 AND ((da.defaclobjtype = 'f' AND a.privilege_type = 'EXECUTE')
                                           OR (da.defaclobjtype = 'T' AND a.privilege_type = 'USAGE')) AND NOT a.is_grantable)
            """;

    /** Refuses the migrations just applied to {@code target} if its schema now weakens isolation. */
    void requireSafe(Connection c, AppSchema target, List<TenantMigration> applied) throws SQLException {
        Set<String> problems = new LinkedHashSet<>();
        for (AuditFinding finding : SchemaRules.violations(c, target.schema(), names.t1ContextRole())) {
            problems.add(finding.object() + ": " + lowerFirst(finding.message()));
        }
        try (PreparedStatement ps = c.prepareStatement(INSIDE)) {
            ps.setString(1, target.schema());
            ps.setString(2, names.t1ContextRole());
            ps.setString(3, names.namespace() + "_app_");
            ps.setArray(4, c.createArrayOf("text", TenantTableSafety.POLICIES.toArray()));
            ps.setString(5, SchemaMigrator.HISTORY_TABLE);
            ps.setString(6, TenantTableSafety.REFERENCE_DATA);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    problems.add(rs.getString(1) + ": " + rs.getString(2));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw refused(target, applied, String.join("; ", problems.stream().limit(5).toList())
                    + (problems.size() > 5 ? "; and " + (problems.size() - 5) + " more" : ""));
        }
    }

    private static String lowerFirst(String text) {
        return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }

    /** The refusal of {@code migrations} on {@code target}; {@code detail} names the objects and what to change. */
    static StrataException refused(AppSchema target, List<TenantMigration> migrations, String detail) {
        String scripts = migrations.isEmpty() ? "The schema"
                : (migrations.size() == 1 ? "Migration " : "Migrations ")
                  + migrations.stream().map(TenantMigration::script).collect(Collectors.joining(", "));
        return new StrataException(ErrorCode.MIGRATION_REFUSED, scripts + " refused on " + target.name()
                + ", because it would weaken tenant isolation. " + detail + ". Nothing was applied (the transaction was "
                + "rolled back, and no tenant was migrated after a refusal on the template); change the migration and "
                + "apply again");
    }
}
