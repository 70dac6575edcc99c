package dev.strata.internal.provisioning;

import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SchemaRelations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.qualified;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * The placement guard: the rows of each schema of a tenant database can be written only by the
 * tenants placed in that schema. The app role has {@code USAGE} on every schema of its database and
 * the permissive policies only compare {@code tenant_id} with the context, so without the guard any
 * tenant of the database could write rows carrying its own id into another tenant's tables.
 *
 * <ul>
 * <li>In a tenant schema ({@code t_<id>}), whose tenants are the schema-mode tenant and, for a
 * schema-mode T1, its RLS-mode T2s, every tenant table gets the restrictive policy {@value #POLICY}
 * for all commands and roles, {@code USING} and {@code WITH CHECK} limiting {@code tenant_id} to
 * those tenants as constants:
 * <pre>
 * CREATE POLICY strata_placement_guard ON t_&lt;id&gt;.documents AS RESTRICTIVE FOR ALL
 *     USING (tenant_id = '&lt;id&gt;'::uuid) WITH CHECK (tenant_id = '&lt;id&gt;'::uuid)
 * </pre>
 * A constant comparison costs nothing on the request path: the planner merges it with the
 * context's equality into a once-per-statement test and keeps the index condition. Reads still
 * admit a T1 reading its schema-mode T2's rows (they carry the T2's id).</li>
 * <li>In the shared {@code app} schema of a database that also holds tenant schemas, every tenant
 * table gets the same policy with {@code USING (true)} (reads are untouched) and a
 * {@code WITH CHECK} refusing the tenants placed in the database's other schemas:
 * {@code (tenant_id <> ALL ('{...}'::uuid[]))}. A database without tenant schemas needs none.</li>
 * </ul>
 * Restrictive policies are AND-ed with the permissive ones, so a write passes only when the
 * context's tenant is placed in the schema: INSERT (also {@code INSERT ... SELECT},
 * {@code ON CONFLICT DO UPDATE}, {@code MERGE}) and UPDATE everywhere, and in tenant schemas
 * DELETE too. The tables of tenant schemas are also made {@code ENABLE} + {@code FORCE ROW LEVEL
 * SECURITY} (without it no policy applies).
 *
 * <p>{@link #ensure} is idempotent and changes only what differs, so it runs after every migration
 * of a tenant schema, whenever the tenants placed in a database's schemas change, and over every
 * database at start-up (which brings an existing installation up to date). A table whose
 * {@code tenant_id} is not a {@code uuid} is left alone with a warning (the audit reports it).
 * Stateless and thread-safe; callers serialise changes to one database.
 */
public final class TenantSchemaGuard {
    /** The name of the guard policy on every tenant table of a database with tenant schemas. */
    public static final String POLICY = "strata_placement_guard";

    private static final Logger LOG = LoggerFactory.getLogger(TenantSchemaGuard.class);
    private static final String LOCK_TIMEOUT = "10s";

    private TenantSchemaGuard() {
    }

    /**
     * The guard's expression admitting a set of tenants, in the form PostgreSQL prints it back
     * ({@code pg_get_expr}): {@code (tenant_id = '<id>'::uuid)} for one tenant,
     * {@code (tenant_id = ANY ('{<id>,...}'::uuid[]))} otherwise, ids sorted. No tenant admits nothing.
     */
    public static String admitting(Collection<UUID> tenants) {
        TreeSet<String> ids = sorted(tenants);
        if (ids.size() == 1) {
            return "(tenant_id = " + literal(ids.first()) + "::uuid)";
        }
        return "(tenant_id = ANY (" + literal("{" + String.join(",", ids) + "}") + "::uuid[]))";
    }

    /** The guard's expression refusing a non-empty set of tenants, in the form PostgreSQL prints it back. */
    public static String refusing(Collection<UUID> tenants) {
        TreeSet<String> ids = sorted(tenants);
        if (ids.size() == 1) {
            return "(tenant_id <> " + literal(ids.first()) + "::uuid)";
        }
        return "(tenant_id <> ALL (" + literal("{" + String.join(",", ids) + "}") + "::uuid[]))";
    }

    private static TreeSet<String> sorted(Collection<UUID> tenants) {
        TreeSet<String> ids = new TreeSet<>();
        for (UUID tenant : tenants) {
            ids.add(tenant.toString());
        }
        return ids;
    }

    /**
     * Puts the guard on every tenant table of the database {@code c} is connected to (as the
     * administrator), in one transaction: on the tables of the given tenant schemas, and on the
     * tables of the {@code app} schema against every tenant of those schemas.
     *
     * @param ownersBySchema every tenant schema of the database, with the tenants placed in it
     * @return the number of tables changed
     */
    public static int ensure(Connection c, Map<String, ? extends Collection<UUID>> ownersBySchema) throws SQLException {
        Set<UUID> placedElsewhere = new HashSet<>();
        ownersBySchema.forEach((schema, owners) -> placedElsewhere.addAll(owners));
        List<String> schemas = new ArrayList<>(ownersBySchema.keySet());
        schemas.add(PhysicalNames.APP_SCHEMA);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            List<String> statements = new ArrayList<>();
            int changed = 0;
            for (GuardState table : read(c, schemas)) {
                List<String> fixes;
                if (PhysicalNames.APP_SCHEMA.equals(table.schema)) {
                    fixes = placedElsewhere.isEmpty() ? table.withoutGuard() : table.fixes("true", refusing(placedElsewhere), false);
                } else {
                    String admitted = admitting(ownersBySchema.get(table.schema));
                    fixes = table.fixes(admitted, admitted, true);
                }
                if (!fixes.isEmpty()) {
                    statements.addAll(fixes);
                    changed++;
                }
            }
            try (Statement s = c.createStatement()) {
                if (!statements.isEmpty()) {
                    // Policy DDL takes an exclusive lock on each table: give up rather than queue tenant
                    // transactions behind a long one indefinitely (the caller fails and rolls back).
                    s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                }
                for (String statement : statements) {
                    s.execute(statement);
                }
            }
            c.commit();
            return changed;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static final java.util.regex.Pattern UUID_TEXT = java.util.regex.Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final java.util.regex.Pattern TENANT_SCHEMA = java.util.regex.Pattern.compile("t_([0-9a-f]{32})");

    /**
     * Inside the caller's transaction (no commit): puts the guard on the tenant tables of one schema
     * that lack it or differ, keeping the tenants the schema's guards already admit (or, in the
     * {@code app} schema, refuse). Used after a migration, which may add tables: the new tables get
     * the same guard as their siblings. A tenant schema admits at least {@code tenant} (or the tenant
     * its name encodes); the {@code app} schema refuses every tenant of the database's tenant schemas.
     *
     * @return the number of tables changed
     */
    public static int guardSchema(Connection c, String schema, UUID tenant) throws SQLException {
        Fixes fixes;
        try (Statement s = c.createStatement()) {
            s.execute(readsSql(schema));
            List<String[]> placement;
            try (ResultSet rs = s.getResultSet()) {
                placement = placement(rs);
            }
            if (!s.getMoreResults()) {
                throw new IllegalStateException("no answer to the guard's second query");
            }
            try (ResultSet states = s.getResultSet()) {
                fixes = fixes(schema, tenant, placement, states);
            }
        }
        try (Statement s = c.createStatement()) {
            if (!fixes.statements().isEmpty()) {
                s.execute(String.join(";\n", fixes.statements()));
            }
        }
        return fixes.changed();
    }

    /** The rows of the first query of {@link #readsSql} (schema, guard USING, guard WITH CHECK), read to the end. */
    public static List<String[]> placement(ResultSet rs) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
        return rows;
    }

    /** What {@link #guardSchema} changes: its statements (a lock timeout first) and the number of tables they change. */
    public record Fixes(List<String> statements, int changed) {
    }

    /**
     * The two queries {@link #fixes} reads, as one SQL text of two statements (names inlined as
     * literals): the schema's guards and the tenant schemas that matter to it, then the guard state
     * of its tenant tables. A tenant schema reads only its own guards and name: pg_get_expr locks
     * the table it describes, and other schemas of the database may be migrating (holding their
     * tables exclusively) at the same time. Only the shared app schema needs every schema's.
     */
    public static String readsSql(String schema) {
        return reads(literal(schema), PhysicalNames.APP_SCHEMA.equals(schema));
    }

    /**
     * {@link #readsSql} with the schema's name a parameter ({@code ?}) wherever it appears, the
     * same text for every tenant schema (and another for the app schema), so a prepared statement
     * is planned once per connection; {@link #readsParameters} says how many to bind.
     */
    public static String readsSqlWithParameters(boolean appSchema) {
        return reads("?", appSchema);
    }

    /** How many times {@link #readsSqlWithParameters} takes the schema's name. */
    public static int readsParameters(boolean appSchema) {
        return appSchema ? 1 : 3;
    }

    private static String reads(String s, boolean app) {
        // a tenant schema's own guards through the indexes (SchemaRelations); the app schema's
        // question is about every schema of the database, asked once per database
        String guards = app ? """
                SELECT n.nspname, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
                  FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE p.polname = %1$s
                UNION ALL
                SELECT n.nspname, NULL, NULL FROM pg_namespace n WHERE n.nspname ~ '^t_[0-9a-f]{32}$';
                """.formatted(literal(POLICY)) : """
                SELECT c.nspname, pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
                  FROM %2$s c JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = %1$s
                UNION ALL
                SELECT n.nspname, NULL, NULL FROM pg_namespace n
                 WHERE n.nspname = %3$s AND n.nspname ~ '^t_[0-9a-f]{32}$';
                """.formatted(literal(POLICY), SchemaRelations.of(s), s);
        return guards + stateOfSchemaSql(s);
    }

    /**
     * The statements that give one schema's tenant tables the guard they lack, from the two
     * results of {@link #readsSql} (the first as {@link #placement} read it; the second read to its end): keeps the tenants the schema's guards
     * already admit (or, in the {@code app} schema, refuse); a tenant schema admits at least
     * {@code tenant} (or the tenant its name encodes).
     */
    public static Fixes fixes(String schema, UUID tenant, List<String[]> placement, ResultSet states) throws SQLException {
        Set<UUID> placedHere = new HashSet<>();
        Set<UUID> placedElsewhere = new HashSet<>();
        for (String[] row : placement) {
            String in = row[0];
            Set<UUID> ids = new HashSet<>();
            java.util.regex.Matcher name = TENANT_SCHEMA.matcher(in);
            if (name.matches()) {
                ids.add(fromHex(name.group(1)));
            }
            for (String expr : new String[] {row[1], row[2]}) {
                if (expr != null) {
                    java.util.regex.Matcher m = UUID_TEXT.matcher(expr);
                    while (m.find()) {
                        ids.add(UUID.fromString(m.group()));
                    }
                }
            }
            if (in.equals(schema)) {
                placedHere.addAll(ids);
            } else if (PhysicalNames.APP_SCHEMA.equals(schema) && name.matches()) {
                placedElsewhere.addAll(ids);
            }
        }
        boolean app = PhysicalNames.APP_SCHEMA.equals(schema);
        if (!app && tenant != null) {
            placedHere.add(tenant);
        }
        if (app) {
            placedElsewhere.addAll(placedHere);
        }
        List<String> statements = new ArrayList<>();
        int changed = 0;
        for (GuardState table : states(states)) {
            List<String> fixes;
            if (app) {
                fixes = placedElsewhere.isEmpty() ? table.withoutGuard() : table.fixes("true", refusing(placedElsewhere), false);
            } else if (placedHere.isEmpty()) {
                LOG.warn("Schema {} encodes no tenant and has no placement guard yet: its tables get none now", schema);
                fixes = List.of();
            } else {
                String admitted = admitting(placedHere);
                fixes = table.fixes(admitted, admitted, true);
            }
            if (!fixes.isEmpty()) {
                statements.addAll(fixes);
                changed++;
            }
        }
        if (!statements.isEmpty()) {
            statements.add(0, "SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
        }
        return new Fixes(List.copyOf(statements), changed);
    }

    private static UUID fromHex(String hex) {
        return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20));
    }

    /**
     * The guard state of the tenant tables of some schemas (parameters: {@link #POLICY}, then the
     * schemas' names as text[]), from a scan of pg_class: every tenant table, for {@link #ensure}.
     */
    private static final String STATE_SQL = """
            SELECT n.nspname, c.relname, a.atttypid = 'uuid'::regtype, c.relrowsecurity, c.relforcerowsecurity,
                   p.polname IS NOT NULL, NOT coalesce(p.polpermissive, true) AND p.polcmd = '*' AND p.polroles = '{0}',
                   pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
              LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = ?
             WHERE n.nspname = ANY (?::text[]) AND c.relkind IN ('r', 'p')
             ORDER BY n.nspname, c.relname""";

    /**
     * The same for one schema after a migration ({@link #readsSql}), through the indexes
     * ({@link SchemaRelations}): the checks that follow a migration see any table it misses.
     * {@code schema}: the name as an SQL literal or parameter.
     */
    private static String stateOfSchemaSql(String schema) {
        return """
                SELECT c.nspname, c.relname, a.atttypid = 'uuid'::regtype, c.relrowsecurity, c.relforcerowsecurity,
                       p.polname IS NOT NULL, NOT coalesce(p.polpermissive, true) AND p.polcmd = '*' AND p.polroles = '{0}',
                       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
                  FROM %s c
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                  LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = %s
                 WHERE c.relkind IN ('r', 'p')
                 ORDER BY c.nspname, c.relname""".formatted(SchemaRelations.of(schema), literal(POLICY));
    }

    private static List<GuardState> read(Connection c, Collection<String> schemas) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STATE_SQL)) {
            ps.setString(1, POLICY);
            Array names = c.createArrayOf("text", schemas.toArray(String[]::new));
            ps.setArray(2, names);
            try (ResultSet rs = ps.executeQuery()) {
                return states(rs);
            }
        }
    }

    private static List<GuardState> states(ResultSet rs) throws SQLException {
        List<GuardState> out = new ArrayList<>();
        while (rs.next()) {
            out.add(new GuardState(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                    rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getString(8), rs.getString(9)));
        }
        return out;
    }

    /** What one tenant table has now. */
    private record GuardState(String schema, String table, boolean uuidTyped, boolean rowSecurity, boolean forced,
                              boolean hasPolicy, boolean policyShaped, String using, String check) {

        /** The statements that give it exactly the guard {@code USING (using) WITH CHECK (check)}. */
        List<String> fixes(String wantUsing, String wantCheck, boolean forceRowSecurity) {
            List<String> out = new ArrayList<>();
            String name = qualified(schema, table);
            if (!uuidTyped) {
                LOG.warn("Table {} has a tenant_id column that is not a uuid: it gets no placement guard, so other tenants "
                        + "of the database may write into it. Make tenant_id a uuid referencing platform.tenants (id)", name);
                return out;
            }
            if (forceRowSecurity && !rowSecurity) {
                out.add("ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY");
            }
            if (forceRowSecurity && !forced) {
                out.add("ALTER TABLE " + name + " FORCE ROW LEVEL SECURITY");
            }
            if (hasPolicy && !policyShaped) {
                out.add("DROP POLICY " + quote(POLICY) + " ON " + name);
            }
            if (!hasPolicy || !policyShaped) {
                out.add("CREATE POLICY " + quote(POLICY) + " ON " + name + " AS RESTRICTIVE FOR ALL TO PUBLIC USING ("
                        + wantUsing + ") WITH CHECK (" + wantCheck + ")");
            } else if (!wantUsing.equals(using) || !wantCheck.equals(check)) {
                out.add("ALTER POLICY " + quote(POLICY) + " ON " + name + " USING (" + wantUsing + ") WITH CHECK ("
                        + wantCheck + ")");
            }
            return out;
        }

        /** The statements that remove the guard (a shared table of a database without tenant schemas). */
        List<String> withoutGuard() {
            return hasPolicy ? List.of("DROP POLICY " + quote(POLICY) + " ON " + qualified(schema, table)) : List.of();
        }
    }
}
