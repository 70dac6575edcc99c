package dev.strata.testing;

import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.audit.AuditSeverity;
import dev.strata.internal.sql.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Probes of the placement guard (the policy {@code strata_placement_guard} that lets only the
 * tenants placed in a schema write its rows) for tests, on any plane: a write a tenant attempts, the
 * guard's expressions as the catalog holds them, and the audit's violations. Stateless.
 */
public final class PlacementGuardProbes {
    private PlacementGuardProbes() {
    }

    /**
     * Inserts, in a transaction of {@code tenant}, a row of {@code table} ({@code tenant_id, title})
     * carrying the tenant's own id: {@code null} if written, else the SQLSTATE of the refusal.
     */
    public static String insertOwnRow(Strata strata, Tenant tenant, String table) {
        try {
            strata.useTenant(tenant.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement("INSERT INTO " + table
                        + " (tenant_id, title) VALUES (?, 'written by " + tenant.slug() + "')")) {
                    ps.setObject(1, tenant.id());
                    ps.executeUpdate();
                }
            });
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** The guard's USING expression on a table, on a connection to its database; {@code null} without a guard. */
    public static String using(Connection c, String table) throws SQLException {
        return expression(c, table, "polqual");
    }

    /** The guard's WITH CHECK expression on a table, on a connection to its database; {@code null} without a guard. */
    public static String withCheck(Connection c, String table) throws SQLException {
        return expression(c, table, "polwithcheck");
    }

    private static String expression(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_expr(" + column + ", polrelid) FROM pg_policy"
                + " WHERE polrelid = ?::regclass AND polname = 'strata_placement_guard'")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * The statements that add a tenant table {@code table} ({@code tenant_id, id, title}) the way a
     * migration run by hand would: row level security enabled and forced, the tenant isolation
     * policy, the app role's grants, and no placement guard (Strata adds that at its next start).
     */
    public static String[] unguardedTenantTable(String table, String appRole) {
        return new String[] {
                "CREATE TABLE " + table + " (tenant_id uuid NOT NULL REFERENCES platform.tenants (id),"
                        + " id uuid NOT NULL DEFAULT gen_random_uuid(), title text NOT NULL, PRIMARY KEY (tenant_id, id))",
                "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY",
                "CREATE POLICY tenant_isolation ON " + table + " USING (tenant_id = (SELECT platform.current_tenant_id()))"
                        + " WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()))",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + Identifiers.quote(appRole)};
    }

    /** "check object" of every violation the audit reports. */
    public static List<String> violations(Strata strata) {
        return violations(strata, database -> true);
    }

    /** "check object" of every violation the audit reports in the databases {@code database} accepts. */
    public static List<String> violations(Strata strata, Predicate<String> database) {
        return strata.audit().findings().stream().filter(f -> f.severity() == AuditSeverity.VIOLATION)
                .filter(f -> database.test(f.database()))
                .map(f -> f.check() + " " + f.object()).toList();
    }
}
