package dev.strata.testing;

import dev.strata.Strata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a Strata namespace has written: registry row counts, databases, roles and schemas.
 * Two equal snapshots mean an operation wrote nothing.
 */
public record ServerSnapshot(List<String> registryCounts, List<String> databases, List<String> roles, List<String> schemas) {

    public static ServerSnapshot of(Strata strata) {
        String ns = strata.config().namespace();
        try (Connection c = TestStrata.admin(ns)) {
            List<String> counts = new ArrayList<>();
            for (String table : List.of("tenants", "placements", "databases", "operations", "tenant_events")) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM platform." + table)) {
                    rs.next();
                    counts.add(table + "=" + rs.getLong(1));
                }
            }
            List<String> databases = list(c, "SELECT datname FROM pg_database WHERE datname LIKE ? || '%' ORDER BY 1", ns);
            List<String> roles = list(c, "SELECT rolname FROM pg_roles WHERE rolname LIKE ? || '%' ORDER BY 1", ns);
            List<String> schemas = new ArrayList<>();
            for (String db : databases) {
                if (db.equals(ns + "_template")) {
                    continue;
                }
                try (Connection d = TestStrata.admin(db)) {
                    for (String schema : list(d, "SELECT nspname FROM pg_namespace WHERE nspname LIKE ? || '%' ORDER BY 1", "t_")) {
                        schemas.add(db + "." + schema);
                    }
                }
            }
            return new ServerSnapshot(counts, databases, roles, schemas);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(Connection c, String sql, String arg) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
