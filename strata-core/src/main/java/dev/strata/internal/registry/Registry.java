package dev.strata.internal.registry;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.Placement;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads and writes the tenant registry in the management database ({@code platform.tenants},
 * {@code platform.placements}, {@code platform.databases}, {@code platform.tenant_events}).
 * Thread-safe; every method either runs in its own transaction or in the one it is given.
 */
public final class Registry {
    private static final String SELECT_TENANT = """
            SELECT t.id, t.slug, t.display_name, t.tier, t.parent_id, t.status, t.region,
                   t.created_at, t.updated_at, p.mode, p.data_plane, p.database_name, p.schema_name, p.version
              FROM platform.tenants t
              LEFT JOIN platform.placements p ON p.tenant_id = t.id
            """;

    private final DataSource management;

    public Registry(DataSource management) {
        this.management = management;
    }

    public DataSource dataSource() {
        return management;
    }

    public Optional<Tenant> findById(UUID id) {
        return Jdbc.withConnection(management, "read tenant " + id, c -> findById(c, id));
    }

    public Optional<Tenant> findById(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_TENANT + " WHERE t.id = ?")) {
            ps.setObject(1, id);
            return first(ps);
        }
    }

    /** The live tenant with this slug, else the most recently decommissioned one. */
    public Optional<Tenant> findBySlug(Connection c, String slug) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_TENANT
                + " WHERE t.slug = ? ORDER BY (t.status = 'decommissioned'), t.decommissioned_at DESC NULLS LAST LIMIT 1")) {
            ps.setString(1, slug);
            return first(ps);
        }
    }

    /**
     * Finds a tenant by id or slug.
     *
     * @throws StrataException {@link ErrorCode#TENANT_NOT_FOUND} or {@link ErrorCode#INVALID_ARGUMENT}
     */
    public Tenant resolve(String key) {
        return Jdbc.withConnection(management, "look up tenant", c -> resolve(c, key));
    }

    public Tenant resolve(Connection c, String key) throws SQLException {
        Optional<UUID> id = TenantRules.parseIdOrValidateSlug(key);
        Optional<Tenant> found = id.isPresent() ? findById(c, id.get()) : findBySlug(c, key.trim());
        return found.orElseThrow(() -> new StrataException(ErrorCode.TENANT_NOT_FOUND,
                "No tenant with " + (id.isPresent() ? "id " : "slug ") + "'" + TenantRules.printable(key.trim()) + "'"));
    }

    /** Every tenant, T0 first, then by tier and slug. */
    public List<Tenant> list() {
        return Jdbc.withConnection(management, "list tenants", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_TENANT + " ORDER BY t.tier, t.slug, t.created_at")) {
                return all(ps);
            }
        });
    }

    /** Children of a tenant that are not decommissioned. */
    public List<Tenant> liveChildren(Connection c, UUID parent) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_TENANT
                + " WHERE t.parent_id = ? AND t.status <> 'decommissioned' ORDER BY t.slug")) {
            ps.setObject(1, parent);
            return all(ps);
        }
    }

    public Optional<Tenant> t0(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_TENANT + " WHERE t.tier = 0")) {
            return first(ps);
        }
    }

    /** Inserts a tenant row (no placement yet). */
    public void insertTenant(Connection c, UUID id, String slug, String displayName, Tier tier, UUID parentId,
                             TenantStatus status, String region) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform.tenants (id, slug, display_name, tier, parent_id, status, region)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, id);
            ps.setString(2, slug);
            ps.setString(3, displayName);
            ps.setInt(4, tier.level());
            ps.setObject(5, parentId);
            ps.setString(6, status.wireName());
            ps.setString(7, region);
            ps.executeUpdate();
        }
    }

    public void insertPlacement(Connection c, UUID tenantId, IsolationMode mode, String dataPlane, String database,
                                String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform.placements (tenant_id, mode, data_plane, database_name, schema_name)
                VALUES (?, ?, ?, ?, ?)""")) {
            ps.setObject(1, tenantId);
            ps.setString(2, mode.wireName());
            ps.setString(3, dataPlane);
            ps.setString(4, database);
            ps.setString(5, schema);
            ps.executeUpdate();
        }
    }

    /** Records that a tenant schema (or a tenant's shared tables) is at a schema version. */
    public void setPlacementSchemaVersion(Connection c, UUID tenantId, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE platform.placements SET schema_version = ? WHERE tenant_id = ?")) {
            ps.setInt(1, version);
            ps.setObject(2, tenantId);
            ps.executeUpdate();
        }
    }

    /**
     * Changes a tenant's status, bumping its placement version (routing caches compare it).
     *
     * @return whether a row changed
     */
    public boolean updateStatus(Connection c, UUID id, TenantStatus from, TenantStatus to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE platform.tenants
                   SET status = ?, updated_at = now(),
                       decommissioned_at = CASE WHEN ? = 'decommissioned' THEN now() ELSE decommissioned_at END
                 WHERE id = ? AND status = ?""")) {
            ps.setString(1, to.wireName());
            ps.setString(2, to.wireName());
            ps.setObject(3, id);
            ps.setString(4, from.wireName());
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE platform.placements SET version = version + 1, updated_at = now() WHERE tenant_id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
        return true;
    }

    /** Appends to a tenant's audit trail. */
    public void recordEvent(Connection c, UUID tenantId, String action, String actor, String detailJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO platform.tenant_events (tenant_id, action, actor, detail) VALUES (?, ?, ?, ?::jsonb)")) {
            ps.setObject(1, tenantId);
            ps.setString(2, action);
            ps.setString(3, actor);
            ps.setString(4, detailJson == null ? "{}" : detailJson);
            ps.executeUpdate();
        }
    }

    /** Removes every management row of a tenant whose provisioning was rolled back. */
    public void deleteTenantCompletely(Connection c, UUID id) throws SQLException {
        for (String sql : List.of(
                "DELETE FROM platform.tenant_events WHERE tenant_id = ?",
                "DELETE FROM platform.operations WHERE tenant_id = ?",
                "DELETE FROM platform.placements WHERE tenant_id = ?",
                "DELETE FROM platform.databases WHERE owner_tenant_id = ?",
                "DELETE FROM platform.tenants WHERE id = ?")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, id);
                ps.executeUpdate();
            }
        }
    }

    private static Optional<Tenant> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static List<Tenant> all(PreparedStatement ps) throws SQLException {
        List<Tenant> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    private static Tenant map(ResultSet rs) throws SQLException {
        String mode = rs.getString("mode");
        Placement placement = mode == null ? null : new Placement(IsolationMode.parse(mode), rs.getString("data_plane"),
                rs.getString("database_name"), rs.getString("schema_name"), rs.getLong("version"));
        return new Tenant(
                rs.getObject("id", UUID.class),
                rs.getString("slug"),
                rs.getString("display_name"),
                Tier.ofLevel(rs.getInt("tier")),
                rs.getObject("parent_id", UUID.class),
                TenantStatus.parse(rs.getString("status")),
                rs.getString("region"),
                placement,
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static java.time.Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
