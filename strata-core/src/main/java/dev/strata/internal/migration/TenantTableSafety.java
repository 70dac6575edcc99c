package dev.strata.internal.migration;

import dev.strata.internal.provisioning.TenantSchemaGuard;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SchemaRelations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.qualified;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * What every tenant table of an app schema gets without a line in the application's migrations,
 * re-applied after every migration (idempotent: only what differs is changed):
 * <ul>
 * <li>{@code ENABLE} and {@code FORCE ROW LEVEL SECURITY} on every table with a {@code tenant_id}
 * column (plain, partitioned, and every partition);</li>
 * <li>the standard permissive policies, under Strata's names ({@link #POLICIES}): reads see the
 * context's own rows, a T1 context (its transactions run as the T1 context role) also its T2s'
 * rows, writes only the context's own rows ({@code WITH CHECK});</li>
 * <li>for every Strata role that already has {@code USAGE} on the schema (the database's app role,
 * the T1 context role): {@code SELECT, INSERT, UPDATE, DELETE} on tenant tables and views,
 * {@code SELECT} on declared reference data ({@code COMMENT ON TABLE t IS 'strata:reference-data'}),
 * {@code USAGE} on the sequences of tenant tables; never TRUNCATE, REFERENCES or TRIGGER;</li>
 * <li>for the T0 reader ({@link PhysicalNames#t0ReaderRole()}, the role of T0 analytics): the
 * policy {@code strata_t0_reads_all}, which lets it read every row under a T0 context (tier 0) and
 * nothing else, {@code USAGE} on the schema and on {@code platform}, and {@code SELECT} only, on
 * tenant tables, views and reference data;</li>
 * <li>in a tenant schema, and in a shared schema beside tenant schemas, the placement guard
 * ({@link TenantSchemaGuard}).</li>
 * </ul>
 * Thread-safe (it remembers only how PostgreSQL prints the standard policies); runs inside the
 * caller's transaction.
 */
public final class TenantTableSafety {
    /** The comment prefix that declares a table without {@code tenant_id} shared reference data. */
    public static final String REFERENCE_DATA = "strata:reference-data";

    /** The names of the standard policies Strata puts on every tenant table. */
    public static final List<String> POLICIES = List.of("strata_tenant_read", "strata_t1_reads_its_t2s",
            "strata_tenant_insert", "strata_tenant_update", "strata_tenant_delete", "strata_t0_reads_all");

    /** The T0 reader's policy: reads only, only for that role, only under a T0 context. */
    public static final String T0_POLICY = "strata_t0_reads_all";
    private static final String T0_CONTEXT = "((SELECT platform.current_tenant_tier()) = 0)";

    private static final String OWN = "(tenant_id = (SELECT platform.current_tenant_id()))";
    private static final String T1_CHILDREN = "(tenant_id = ANY ((SELECT platform.t1_child_tenant_ids())::uuid[]))";
    private static final String PROBE = "strata_policy_probe";

    private final PhysicalNames names;
    /** The standard policies as printed under a search_path: {@link #expected}. */
    private final Map<String, Map<String, Policy>> expectedBySearchPath = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What {@link #secure} reads, in one round trip of prepared statements whose text is the same
     * for every tenant schema (the schema's name and the grantees are parameters), so each is
     * planned once per connection rather than once per target.
     */
    private final String readTenantSchemaSql;
    private final String readAppSql;

    public TenantTableSafety(PhysicalNames names) {
        this.names = Objects.requireNonNull(names, "names");
        this.readTenantSchemaSql = readSql(names.t0ReaderRole(), TenantSchemaGuard.readsSqlWithParameters(false));
        this.readAppSql = readSql(names.t0ReaderRole(), TenantSchemaGuard.readsSqlWithParameters(true));
    }

    /** The reads of {@link #secure}; parameters in this order: the schema twice, the grantees (text[]), the schema three times, then the guard's ({@link TenantSchemaGuard#readsParameters}). */
    private static String readSql(String readerRole, String guardReads) {
        return String.join(";\n",
                RLS_SQL.formatted(SchemaRelations.of("?")),
                EXISTING_POLICIES_SQL.formatted(SchemaRelations.of("?"), textArray(POLICIES)),
                GRANTS_SQL.formatted(literal(REFERENCE_DATA), "?::text[]", SchemaRelations.of("?"),
                        literal(SchemaMigrator.HISTORY_TABLE)),
                readGrantsSql("?", readerRole),
                guardReads);
    }

    /** The standard policies' definitions on {@code table} (a qualified name), in {@link #POLICIES} order. */
    List<String> policyDdl(String table) {
        String t1 = quote(names.t1ContextRole());
        return List.of(
                "CREATE POLICY strata_tenant_read ON " + table + " AS PERMISSIVE FOR SELECT TO PUBLIC USING " + OWN,
                "CREATE POLICY strata_t1_reads_its_t2s ON " + table + " AS PERMISSIVE FOR SELECT TO " + t1
                        + " USING " + T1_CHILDREN,
                "CREATE POLICY strata_tenant_insert ON " + table + " AS PERMISSIVE FOR INSERT TO PUBLIC WITH CHECK " + OWN,
                "CREATE POLICY strata_tenant_update ON " + table + " AS PERMISSIVE FOR UPDATE TO PUBLIC USING " + OWN
                        + " WITH CHECK " + OWN,
                "CREATE POLICY strata_tenant_delete ON " + table + " AS PERMISSIVE FOR DELETE TO PUBLIC USING " + OWN,
                "CREATE POLICY " + T0_POLICY + " ON " + table + " AS PERMISSIVE FOR SELECT TO "
                        + quote(names.t0ReaderRole()) + " USING " + T0_CONTEXT);
    }

    /**
     * The Strata roles (app roles of this installation and the T1 context role) holding
     * {@code USAGE} on the schema: those that get the standard grants.
     */
    public List<String> grantees(Connection c, String schema) throws SQLException {
        List<String> roles = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(granteesQuery(literal(schema), literal(names.t1ContextRole()),
                     literal(names.namespace() + "_app_")))) {
            while (rs.next()) {
                roles.add(rs.getString(1));
            }
        }
        return roles;
    }

    /** The query behind {@link #grantees}, one role name a row, given its three arguments as SQL literals. */
    static String granteesQuery(String schema, String t1Role, String appPrefix) {
        return "SELECT DISTINCT r.rolname FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a "
                + "JOIN pg_roles r ON r.oid = a.grantee WHERE n.nspname = " + schema
                + " AND a.privilege_type = 'USAGE' AND a.grantee <> n.nspowner AND (r.rolname = " + t1Role
                + " OR starts_with(r.rolname, " + appPrefix + ")) ORDER BY r.rolname";
    }

    /**
     * Makes every tenant table of the target's schema safe and grants {@code grantees} the standard
     * rights. Reads what the schema has in one round trip (row security, the standard policies, the
     * grants of {@code grantees} and of the T0 reader, the placement guard) and sends only what
     * differs, in one more.
     */
    public void secure(Connection c, AppSchema target, List<String> grantees) throws SQLException {
        String schema = target.schema();
        boolean app = PhysicalNames.APP_SCHEMA.equals(schema);
        String searchPath;
        Map<String, boolean[]> rls = new java.util.LinkedHashMap<>();
        Map<String, Map<String, Policy>> existing;
        Map<String, List<String>> grants;
        List<String> readGrants;
        TenantSchemaGuard.Fixes guard;
        try (PreparedStatement s = c.prepareStatement(app ? readAppSql : readTenantSchemaSql)) {
            int p = 1;
            s.setString(p++, schema); // row security
            s.setString(p++, schema); // the standard policies
            s.setArray(p++, c.createArrayOf("text", grantees.toArray(String[]::new))); // the grants
            s.setString(p++, schema);
            s.setString(p++, schema); // the T0 reader's grants
            s.setString(p++, schema);
            for (int i = 0; i < TenantSchemaGuard.readsParameters(app); i++) {
                s.setString(p++, schema); // the placement guard
            }
            s.execute();
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                searchPath = rs.getString(1);
                do {
                    if (rs.getString(2) != null) {
                        rls.put(rs.getString(2), new boolean[] {rs.getBoolean(3), rs.getBoolean(4)});
                    }
                } while (rs.next());
            }
            try (ResultSet rs = next(s)) {
                existing = existingPolicies(rs);
            }
            try (ResultSet rs = next(s)) {
                grants = missingGrants(rs, schema);
            }
            try (ResultSet rs = next(s)) {
                readGrants = missingReadGrants(rs, schema, names.t0ReaderRole());
            }
            List<String[]> placement;
            try (ResultSet rs = next(s)) {
                placement = TenantSchemaGuard.placement(rs);
            }
            try (ResultSet states = next(s)) {
                guard = TenantSchemaGuard.fixes(schema, target.tenant(), placement, states);
            }
        }
        List<String> tables = new ArrayList<>(rls.keySet());
        List<String> statements = new ArrayList<>();
        if (!tables.isEmpty()) {
            Map<String, Policy> expected = expected(c, searchPath);
            for (String table : tables) {
                String name = qualified(schema, table);
                boolean[] state = rls.get(table);
                if (!state[0]) {
                    statements.add("ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY");
                }
                if (!state[1]) {
                    statements.add("ALTER TABLE " + name + " FORCE ROW LEVEL SECURITY");
                }
                Map<String, Policy> have = existing.getOrDefault(table, Map.of());
                List<String> ddl = policyDdl(name);
                for (int i = 0; i < POLICIES.size(); i++) {
                    String policy = POLICIES.get(i);
                    Policy current = have.get(policy);
                    if (current == null || !current.equals(expected.get(policy))) {
                        if (current != null) {
                            statements.add("DROP POLICY " + quote(policy) + " ON " + name);
                        }
                        statements.add(ddl.get(i));
                    }
                }
            }
        }
        if (!statements.isEmpty()) {
            // Policy DDL locks each table exclusively: give up rather than queue tenant
            // transactions behind a long one indefinitely (the caller fails and rolls back).
            statements.add(0, "SET LOCAL lock_timeout = '10s'");
        }
        for (String role : grantees) {
            // a grantee holds USAGE on the schema already: that is what made it one
            statements.addAll(grants.getOrDefault(role, List.of()));
        }
        statements.addAll(readGrants);
        // the guard after the standard policies and grants, as before: its ENABLE/FORCE are no-ops then
        statements.addAll(guard.statements());
        executeAll(c, statements);
    }

    private static ResultSet next(Statement s) throws SQLException {
        if (!s.getMoreResults()) {
            throw new IllegalStateException("a query of the safety read gave no answer");
        }
        return s.getResultSet();
    }

    private static String textArray(List<String> values) {
        StringBuilder b = new StringBuilder("ARRAY[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(literal(values.get(i)));
        }
        return b.append("]::text[]").toString();
    }

    private static final String RLS_SQL = """
            SELECT current_setting('search_path'), c.relname, c.relrowsecurity, c.relforcerowsecurity
              FROM (SELECT 1) one
              LEFT JOIN (%s c
                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
                ON c.relkind IN ('r', 'p')
             ORDER BY c.relname""";

    private static final String EXISTING_POLICIES_SQL = """
            SELECT c.relname, p.polname, p.polcmd, p.polpermissive,
                   ARRAY(SELECT unnest(p.polroles)::regrole::text ORDER BY 1)::text,
                   pg_get_expr(p.polqual, p.polrelid, true), pg_get_expr(p.polwithcheck, p.polrelid, true)
              FROM %s c JOIN pg_policy p ON p.polrelid = c.oid
             WHERE p.polname = ANY (%s)""";

    /** Per grantee (in the array's order) and relation: what the standard grants give it, and what it holds. */
    private static final String GRANTS_SQL = """
            SELECT g.rolname, c.relname, c.relkind,
                   coalesce((SELECT true FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                                                              AND NOT a.attisdropped), false) AS tenant,
                   starts_with(coalesce((SELECT d.description FROM pg_description d
                                          WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0),
                                        ''), %1$s) AS reference,
                   c.relkind = 'S' AND EXISTS (
                       SELECT 1 FROM pg_depend d
                         JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')) AS tenant_sequence,
                   ARRAY(SELECT a.privilege_type FROM aclexplode(c.relacl) a
                          WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = g.rolname))::text[] AS held
              FROM unnest(%2$s) WITH ORDINALITY AS g (rolname, position)
             CROSS JOIN %3$s c
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relname <> %4$s
             ORDER BY g.position, c.relname""";

    /** Runs {@code statements} (Strata's own DDL, identifiers quoted) in one round trip. */
    private static void executeAll(Connection c, List<String> statements) throws SQLException {
        if (statements.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(String.join(";\n", statements));
        }
    }

    /**
     * The standard policies as PostgreSQL prints them under {@code searchPath}: read once from a
     * probe on a temporary table, then remembered (they depend on nothing else).
     */
    private Map<String, Policy> expected(Connection c, String searchPath) throws SQLException {
        Map<String, Policy> known = expectedBySearchPath.get(searchPath);
        if (known == null) {
            known = Map.copyOf(expectedPolicies(c));
            expectedBySearchPath.put(searchPath, known);
        }
        return known;
    }

    /**
     * Grants {@code role} what the request path needs in the schema: USAGE on it, SELECT, INSERT,
     * UPDATE, DELETE on tenant tables and views, SELECT on reference data and materialized views
     * declared as such, USAGE on the sequences of tenant tables. Nothing on the history.
     */
    public static void grant(Connection c, String schema, String role) throws SQLException {
        executeAll(c, missingGrants(c, schema, role, true));
    }

    /**
     * The GRANT statements that give {@code role} the standard rights in the schema it does not
     * hold yet (nothing if it holds them all: a GRANT rewrites the catalog row even then).
     */
    private static List<String> missingGrants(Connection c, String schema, String role, boolean schemaUsage)
            throws SQLException {
        List<String> statements = new ArrayList<>();
        if (schemaUsage && !holdsSchemaUsage(c, schema, role)) {
            statements.add("GRANT USAGE ON SCHEMA " + quote(schema) + " TO " + quote(role));
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(GRANTS_SQL.formatted(literal(REFERENCE_DATA), textArray(List.of(role)),
                     SchemaRelations.of(literal(schema)), literal(SchemaMigrator.HISTORY_TABLE)))) {
            statements.addAll(missingGrants(rs, schema).getOrDefault(role, List.of()));
        }
        return statements;
    }

    /** The missing standard grants of each grantee, from the rows of {@link #GRANTS_SQL} (read to the end). */
    private static Map<String, List<String>> missingGrants(ResultSet rs, String schema) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        while (rs.next()) {
            String role = rs.getString(1);
            String name = qualified(schema, rs.getString(2));
            String kind = rs.getString(3);
            boolean tenant = rs.getBoolean(4);
            boolean reference = rs.getBoolean(5);
            String privileges = switch (kind) {
                case "r", "p" -> tenant ? "SELECT, INSERT, UPDATE, DELETE" : reference ? "SELECT" : null;
                case "v" -> "SELECT, INSERT, UPDATE, DELETE";
                case "m" -> reference ? "SELECT" : null;
                default -> rs.getBoolean(6) ? "USAGE" : null;
            };
            if (privileges != null) {
                List<String> held = List.of((String[]) rs.getArray(7).getArray());
                List<String> missing = java.util.Arrays.stream(privileges.split(", "))
                        .filter(p -> !held.contains(p)).toList();
                if (!missing.isEmpty()) {
                    out.computeIfAbsent(role, k -> new ArrayList<>()).add("GRANT " + String.join(", ", missing) + " ON "
                            + ("S".equals(kind) ? "SEQUENCE " : "TABLE ") + name + " TO " + quote(role));
                }
            }
        }
        return out;
    }

    private static boolean holdsSchemaUsage(Connection c, String schema, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
                                WHERE n.nspname = ? AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ?)
                                  AND a.privilege_type = 'USAGE')""")) {
            ps.setString(1, schema);
            ps.setString(2, role);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Grants the T0 reader what analytics need in the schema, and nothing that writes: USAGE on it
     * and on {@code platform} (the context functions its policy calls), SELECT on tenant tables,
     * views, reference data and materialized views declared as such. Nothing on the history.
     */
    public static void grantRead(Connection c, String schema, String role) throws SQLException {
        executeAll(c, missingReadGrants(c, schema, role));
    }

    /**
     * The GRANT statements {@link #grantRead} needs, only for what {@code role} does not hold yet:
     * a GRANT rewrites the catalog row even when nothing changes, and {@code platform}'s row is
     * shared by every schema of the database (concurrent rewrites of it fail with "tuple
     * concurrently updated", and the fan-out would see a write outside the target's schema).
     */
    private static List<String> missingReadGrants(Connection c, String schema, String role) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(readGrantsSql(literal(schema), role))) {
            return missingReadGrants(rs, schema, role);
        }
    }

    /** {@code schema}: the schema's name as an SQL literal or parameter (it appears twice). */
    private static String readGrantsSql(String schema, String role) {
        return """
                WITH r AS (SELECT oid FROM pg_roles WHERE rolname = %1$s)
                SELECT NULL, n.nspname
                  FROM pg_namespace n
                 WHERE n.nspname IN (%2$s, %3$s)
                   AND NOT EXISTS (SELECT 1 FROM aclexplode(n.nspacl) a
                                    WHERE a.grantee = (SELECT oid FROM r) AND a.privilege_type = 'USAGE')
                UNION ALL
                SELECT c.relname, NULL FROM %6$s c
                 WHERE c.relname <> %4$s
                   AND (c.relkind = 'v'
                        OR (c.relkind IN ('r', 'p') AND coalesce((SELECT true FROM pg_attribute a WHERE a.attrelid = c.oid
                                                                   AND a.attname = 'tenant_id' AND NOT a.attisdropped), false))
                        OR (c.relkind IN ('r', 'p', 'm')
                            AND starts_with(coalesce((SELECT d.description FROM pg_description d
                                                       WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass
                                                         AND d.objsubid = 0), ''), %5$s)))
                   AND NOT EXISTS (SELECT 1 FROM aclexplode(c.relacl) a
                                    WHERE a.grantee = (SELECT oid FROM r) AND a.privilege_type = 'SELECT')
                 ORDER BY 1, 2""".formatted(literal(role), schema, literal(PhysicalNames.PLATFORM_SCHEMA),
                literal(SchemaMigrator.HISTORY_TABLE), literal(REFERENCE_DATA), SchemaRelations.of(schema));
    }

    private static List<String> missingReadGrants(ResultSet rs, String schema, String role) throws SQLException {
        List<String> statements = new ArrayList<>();
        while (rs.next()) {
            statements.add(rs.getString(1) == null
                    ? "GRANT USAGE ON SCHEMA " + quote(rs.getString(2)) + " TO " + quote(role)
                    : "GRANT SELECT ON TABLE " + qualified(schema, rs.getString(1)) + " TO " + quote(role));
        }
        return statements;
    }

    /** The tables of a schema holding tenant rows: every table, partitioned table and partition with {@code tenant_id}. */
    public static List<String> tenantTables(Connection c, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.relname FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                 WHERE n.nspname = ? AND c.relkind IN ('r', 'p')
                 ORDER BY c.relname""")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    /**
     * The standard policies as PostgreSQL stores them, read back from a temporary table: what an
     * existing policy must equal to be left alone.
     */
    private Map<String, Policy> expectedPolicies(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + PROBE + " (tenant_id uuid) ON COMMIT DROP");
            s.execute("SAVEPOINT strata_probe");
            try {
                for (String ddl : policyDdl("pg_temp." + PROBE)) {
                    s.execute(ddl);
                }
                Map<String, Policy> out = policies(c, "pg_temp." + PROBE);
                return out;
            } finally {
                s.execute("ROLLBACK TO SAVEPOINT strata_probe");
            }
        }
    }

    private static Map<String, Map<String, Policy>> existingPolicies(ResultSet rs) throws SQLException {
        Map<String, Map<String, Policy>> out = new HashMap<>();
        while (rs.next()) {
            out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                    .put(rs.getString(2), new Policy(rs.getString(3), rs.getBoolean(4), rs.getString(5),
                            rs.getString(6), rs.getString(7)));
        }
        return out;
    }

    private static Map<String, Policy> policies(Connection c, String table) throws SQLException {
        Map<String, Policy> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.polname, p.polcmd, p.polpermissive,
                       ARRAY(SELECT unnest(p.polroles)::regrole::text ORDER BY 1)::text,
                       pg_get_expr(p.polqual, p.polrelid, true), pg_get_expr(p.polwithcheck, p.polrelid, true)
                  FROM pg_policy p WHERE p.polrelid = ?::regclass""")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Policy(rs.getString(2), rs.getBoolean(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
        }
        return out;
    }

    /** A policy as the catalog holds it. */
    private record Policy(String command, boolean permissive, String roles, String using, String check) {
    }
}
