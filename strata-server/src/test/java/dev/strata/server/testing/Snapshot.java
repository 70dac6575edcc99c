package dev.strata.server.testing;

import dev.strata.Strata;
import dev.strata.testing.TestStrata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a refused request must not have changed: the registry's tenants and placements, the
 * history, the operations journal, the tenants' own limits and the databases and roles on the server.
 */
public record Snapshot(long tenants, long placements, long events, long operations, long limits, long databases,
                       long roles) {

    public static Snapshot of(Strata strata) {
        String ns = strata.config().namespace();
        try (Connection m = TestStrata.admin(ns); Connection p = TestStrata.admin("postgres")) {
            return new Snapshot(
                    count(m, "SELECT count(*) FROM platform.tenants"),
                    count(m, "SELECT count(*) FROM platform.placements"),
                    count(m, "SELECT count(*) FROM platform.tenant_events"),
                    count(m, "SELECT count(*) FROM platform.operations"),
                    count(m, "SELECT count(*) FROM platform.tenant_limits"),
                    count(p, "SELECT count(*) FROM pg_database WHERE datname LIKE '" + ns + "\\_%'"),
                    count(p, "SELECT count(*) FROM pg_roles WHERE rolname LIKE '" + ns + "\\_%'"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows of a table in the management database matching a condition with one parameter. */
    public static long countWhere(Strata strata, String sql, Object parameter) {
        try (Connection m = TestStrata.admin(strata.config().namespace()); PreparedStatement ps = m.prepareStatement(sql)) {
            ps.setObject(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
