package dev.strata.internal.provisioning;

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
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.qualified;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * The owner guard of tenant schemas ({@code t_<id>}): makes the tables of such a schema writable
 * only by the tenants placed in it, the schema-mode tenant itself and, for a schema-mode T1, its
 * RLS-mode T2s. The app role has {@code USAGE} on every tenant schema of its database and the
 * permissive policies only compare {@code tenant_id} with the context, so without the guard any
 * tenant of the database could write rows carrying its own id into another tenant's tables.
 *
 * <p>Every table with a {@code tenant_id} column in the schema gets the restrictive policy
 * {@value #POLICY}, for all commands and all roles, whose {@code USING} and {@code WITH CHECK}
 * limit {@code tenant_id} to those tenants as constants:
 * <pre>
 * CREATE POLICY strata_schema_owner ON t_&lt;id&gt;.documents AS RESTRICTIVE FOR ALL
 *     USING (tenant_id = '&lt;id&gt;'::uuid) WITH CHECK (tenant_id = '&lt;id&gt;'::uuid)
 * </pre>
 * Restrictive policies are AND-ed with the permissive ones ({@code tenant_id = current tenant}),
 * so a write passes only when the context is one of the schema's tenants, for INSERT (also
 * {@code INSERT ... SELECT}, {@code ON CONFLICT DO UPDATE}, {@code MERGE}), UPDATE and DELETE alike;
 * reads still admit a T1 reading its schema-mode T2's rows (those rows carry the T2's id). A
 * constant comparison costs nothing on the request path: the planner merges it with the context's
 * equality into a once-per-statement test and keeps the index condition. The tables are also made
 * {@code ENABLE} + {@code FORCE ROW LEVEL SECURITY} (without it no policy applies).
 *
 * <p>{@link #ensure} is idempotent and changes only what differs, so it runs after every
 * migration of a tenant schema, whenever the tenants placed in a schema change, and over every
 * tenant schema at start-up (which brings the schemas of an existing installation up to date).
 * A table whose {@code tenant_id} is not a {@code uuid} is left alone with a warning (the audit
 * reports it). Stateless and thread-safe; callers serialise changes to one database.
 */
public final class TenantSchemaGuard {
    /** The name of the guard policy on every tenant table of a tenant schema. */
    public static final String POLICY = "strata_schema_owner";

    private static final Logger LOG = LoggerFactory.getLogger(TenantSchemaGuard.class);

    private TenantSchemaGuard() {
    }

    /**
     * The guard's expression for a set of tenants, in the form PostgreSQL prints it back
     * ({@code pg_get_expr}): {@code (tenant_id = '<id>'::uuid)} for one tenant,
     * {@code (tenant_id = ANY ('{<id>,...}'::uuid[]))} otherwise, ids sorted. No tenant admits nothing.
     */
    public static String expression(Collection<UUID> owners) {
        TreeSet<String> ids = new TreeSet<>();
        for (UUID owner : owners) {
            ids.add(owner.toString());
        }
        if (ids.size() == 1) {
            return "(tenant_id = " + literal(ids.first()) + "::uuid)";
        }
        return "(tenant_id = ANY (" + literal("{" + String.join(",", ids) + "}") + "::uuid[]))";
    }

    /**
     * Puts the guard on every tenant table of the given schemas of the database {@code c} is
     * connected to (as the administrator), in one transaction.
     *
     * @param ownersBySchema for each tenant schema, the tenants placed in it
     * @return the number of tables changed
     */
    public static int ensure(Connection c, Map<String, ? extends Collection<UUID>> ownersBySchema) throws SQLException {
        if (ownersBySchema.isEmpty()) {
            return 0;
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            List<String> statements = new ArrayList<>();
            int changed = 0;
            for (GuardState table : read(c, ownersBySchema.keySet())) {
                List<String> fixes = table.fixes(expression(ownersBySchema.get(table.schema)));
                if (!fixes.isEmpty()) {
                    statements.addAll(fixes);
                    changed++;
                }
            }
            try (Statement s = c.createStatement()) {
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

    private static List<GuardState> read(Connection c, Collection<String> schemas) throws SQLException {
        List<GuardState> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname, c.relname, a.atttypid = 'uuid'::regtype, c.relrowsecurity, c.relforcerowsecurity,
                       p.polname IS NOT NULL, NOT coalesce(p.polpermissive, true) AND p.polcmd = '*' AND p.polroles = '{0}',
                       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
                  FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                  LEFT JOIN pg_policy p ON p.polrelid = c.oid AND p.polname = ?
                 WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p')
                 ORDER BY n.nspname, c.relname""")) {
            ps.setString(1, POLICY);
            Array names = c.createArrayOf("text", schemas.toArray(String[]::new));
            ps.setArray(2, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new GuardState(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                            rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7), rs.getString(8), rs.getString(9)));
                }
            }
        }
        return out;
    }

    /** What one tenant table has now. */
    private record GuardState(String schema, String table, boolean uuidTyped, boolean rowSecurity, boolean forced,
                              boolean hasPolicy, boolean policyShaped, String using, String check) {

        /** The statements that give it exactly the guard {@code expression}. */
        List<String> fixes(String expression) {
            List<String> out = new ArrayList<>();
            String name = qualified(schema, table);
            if (!uuidTyped) {
                LOG.warn("Table {} has a tenant_id column that is not a uuid: it gets no owner guard, so other tenants of "
                        + "the database may write into it. Make tenant_id a uuid referencing platform.tenants (id)", name);
                return out;
            }
            if (!rowSecurity) {
                out.add("ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY");
            }
            if (!forced) {
                out.add("ALTER TABLE " + name + " FORCE ROW LEVEL SECURITY");
            }
            if (hasPolicy && !policyShaped) {
                out.add("DROP POLICY " + quote(POLICY) + " ON " + name);
            }
            if (!hasPolicy || !policyShaped) {
                out.add("CREATE POLICY " + quote(POLICY) + " ON " + name + " AS RESTRICTIVE FOR ALL TO PUBLIC USING "
                        + expression + " WITH CHECK " + expression);
            } else if (!expression.equals(using) || !expression.equals(check)) {
                out.add("ALTER POLICY " + quote(POLICY) + " ON " + name + " USING " + expression + " WITH CHECK " + expression);
            }
            return out;
        }
    }
}
