package dev.strata.testing;

import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.sql.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads and writes the reference table {@code documents} as a tenant, and as the administrator for ground truth. */
public final class Documents {
    /** One row of {@code documents}. */
    public record Doc(UUID tenantId, UUID id, String title) {
    }

    private Documents() {
    }

    /** Inserts a document as the tenant (through Strata) and returns its id. */
    public static UUID insert(Strata strata, UUID tenant, String title) throws SQLException {
        return strata.inTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "INSERT INTO documents (tenant_id, title) VALUES (?, ?) RETURNING id")) {
                ps.setObject(1, scope.tenantId());
                ps.setString(2, title);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getObject(1, UUID.class);
                }
            }
        });
    }

    /** Every document the tenant's context can read in its own schema (no tenant filter in the query). */
    public static List<Doc> visible(Strata strata, UUID tenant) throws SQLException {
        return strata.inTenant(tenant, scope -> read(scope.connection(), "SELECT tenant_id, id, title FROM documents"));
    }

    /** Every document the tenant's context can read in the given schema. */
    public static List<Doc> visibleIn(Strata strata, UUID tenant, String schema) throws SQLException {
        return strata.inTenant(tenant, scope -> read(scope.connection(),
                "SELECT tenant_id, id, title FROM " + Identifiers.qualified(schema, "documents")));
    }

    /** What really is stored for a tenant, read by the administrator with an explicit filter. */
    public static List<Doc> stored(Tenant tenant) throws SQLException {
        Placement p = tenant.placement();
        try (Connection c = TestStrata.admin(p.database());
             PreparedStatement ps = c.prepareStatement("SELECT tenant_id, id, title FROM "
                     + Identifiers.qualified(p.schema(), "documents") + " WHERE tenant_id = ? ORDER BY id")) {
            ps.setObject(1, tenant.id());
            return read(ps);
        }
    }

    /** Every row of a database's schema, read by the administrator. */
    public static List<Doc> allStored(String database, String schema) throws SQLException {
        try (Connection c = TestStrata.admin(database);
             PreparedStatement ps = c.prepareStatement("SELECT tenant_id, id, title FROM "
                     + Identifiers.qualified(schema, "documents") + " ORDER BY id")) {
            return read(ps);
        }
    }

    public static List<Doc> read(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            return read(ps);
        }
    }

    private static List<Doc> read(PreparedStatement ps) throws SQLException {
        List<Doc> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Doc(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)));
            }
        }
        return out;
    }
}
