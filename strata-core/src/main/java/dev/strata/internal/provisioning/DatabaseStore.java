package dev.strata.internal.provisioning;

import dev.strata.internal.sql.Secrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes {@code platform.databases} in the management database. */
public final class DatabaseStore {
    /**
     * The value of the registry's integer {@code schema_version} columns once a database (or a
     * placement) is completely built; 0 before. Not a schema version any more: versions come from
     * the configured migrations and each schema's history.
     */
    public static final int READY = 1;

    private static final String SELECT = """
            SELECT data_plane, name, purpose, owner_tenant_id, app_role, app_password, schema_version, dropped_at
              FROM platform.databases""";

    private DatabaseStore() {
    }

    public static Optional<DatabaseRecord> find(Connection c, String dataPlane, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE data_plane = ? AND name = ?")) {
            ps.setString(1, dataPlane);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Locks a database's row until the transaction ends (serialises schema counting and creation). */
    public static Optional<DatabaseRecord> lock(Connection c, String dataPlane, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE data_plane = ? AND name = ? FOR UPDATE")) {
            ps.setString(1, dataPlane);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Every database not dropped. */
    public static List<DatabaseRecord> live(Connection c) throws SQLException {
        List<DatabaseRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE dropped_at IS NULL ORDER BY data_plane, name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    /**
     * Registers a database with a freshly generated app-role password, unless a row exists (a
     * shared database registered by another tenant, or a dropped one being reused: it is built again,
     * its schema version back at 0).
     */
    public static DatabaseRecord insertIfAbsent(Connection c, String dataPlane, String name, DatabasePurpose purpose,
                                                UUID ownerTenantId, String appRole) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform.databases (data_plane, name, purpose, owner_tenant_id, app_role, app_password)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (data_plane, name) DO UPDATE SET dropped_at = NULL, schema_version = 0
                  WHERE platform.databases.dropped_at IS NOT NULL""")) {
            ps.setString(1, dataPlane);
            ps.setString(2, name);
            ps.setString(3, purpose.wireName());
            ps.setObject(4, ownerTenantId);
            ps.setString(5, appRole);
            ps.setString(6, Secrets.randomToken(24));
            ps.executeUpdate();
        }
        return lock(c, dataPlane, name).orElseThrow();
    }

    public static void setSchemaVersion(Connection c, String dataPlane, String name, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE platform.databases SET schema_version = ? WHERE data_plane = ? AND name = ?")) {
            ps.setInt(1, version);
            ps.setString(2, dataPlane);
            ps.setString(3, name);
            ps.executeUpdate();
        }
    }

    public static void markDropped(Connection c, String dataPlane, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE platform.databases SET dropped_at = now() WHERE data_plane = ? AND name = ?")) {
            ps.setString(1, dataPlane);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    /** How many schema-mode tenants (not decommissioned) a database holds. */
    public static int countTenantSchemas(Connection c, String dataPlane, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FROM platform.placements p JOIN platform.tenants t ON t.id = p.tenant_id
                 WHERE p.data_plane = ? AND p.database_name = ? AND p.mode = 'schema' AND t.status <> 'decommissioned'""")) {
            ps.setString(1, dataPlane);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static DatabaseRecord map(ResultSet rs) throws SQLException {
        return new DatabaseRecord(rs.getString("data_plane"), rs.getString("name"),
                DatabasePurpose.parse(rs.getString("purpose")), rs.getObject("owner_tenant_id", UUID.class),
                rs.getString("app_role"), rs.getString("app_password"), rs.getInt("schema_version"),
                rs.getTimestamp("dropped_at") != null);
    }
}
