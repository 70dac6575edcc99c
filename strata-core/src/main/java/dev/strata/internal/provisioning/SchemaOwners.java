package dev.strata.internal.provisioning;

import dev.strata.internal.sql.PhysicalNames;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The tenants placed in each tenant schema ({@code t_<id>}, every schema but {@code app}) as the
 * management registry records them: the schema-mode tenant and, for a schema-mode T1, its
 * RLS-mode T2s. Decommissioned tenants are not counted. The source of {@link TenantSchemaGuard}'s
 * owner lists and of the audit's expectation. Stateless; reads committed rows only.
 */
public final class SchemaOwners {
    private static final String LIVE = """
            SELECT p.data_plane, p.database_name, p.schema_name, p.tenant_id
              FROM platform.placements p JOIN platform.tenants t ON t.id = p.tenant_id
             WHERE t.status <> 'decommissioned' AND p.schema_name <> ?""";

    /** A database of a data plane. */
    public record Database(String dataPlane, String name) {
    }

    private SchemaOwners() {
    }

    /** Every tenant schema of every database with the tenants placed in it. */
    public static Map<Database, Map<String, Set<UUID>>> all(Connection management) throws SQLException {
        Map<Database, Map<String, Set<UUID>>> out = new TreeMap<>(
                Comparator.comparing(Database::dataPlane).thenComparing(Database::name));
        try (PreparedStatement ps = management.prepareStatement(LIVE)) {
            ps.setString(1, PhysicalNames.APP_SCHEMA);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(new Database(rs.getString(1), rs.getString(2)), k -> new TreeMap<>())
                            .computeIfAbsent(rs.getString(3), k -> new HashSet<>())
                            .add(rs.getObject(4, UUID.class));
                }
            }
        }
        return out;
    }

    /** The tenant schemas of one database with the tenants placed in each, leaving out {@code leaving} (may be null). */
    public static Map<String, Set<UUID>> inDatabase(Connection management, String dataPlane, String database, UUID leaving)
            throws SQLException {
        Map<String, Set<UUID>> out = new TreeMap<>();
        try (PreparedStatement ps = management.prepareStatement(LIVE + " AND p.data_plane = ? AND p.database_name = ?")) {
            ps.setString(1, PhysicalNames.APP_SCHEMA);
            ps.setString(2, dataPlane);
            ps.setString(3, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID tenant = rs.getObject(4, UUID.class);
                    if (!tenant.equals(leaving)) {
                        out.computeIfAbsent(rs.getString(3), k -> new HashSet<>()).add(tenant);
                    }
                }
            }
        }
        return out;
    }
}
