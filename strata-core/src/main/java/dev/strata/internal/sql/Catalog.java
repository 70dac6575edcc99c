package dev.strata.internal.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Questions to the server's shared catalogs that provisioning and start-up ask before creating things. */
public final class Catalog {
    private Catalog() {
    }

    public static boolean databaseExists(Connection c, String database) throws SQLException {
        return exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database);
    }

    public static boolean roleExists(Connection c, String role) throws SQLException {
        return exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role);
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
