package dev.strata.internal.drain;

import dev.strata.IsolationMode;
import dev.strata.Placement;
import dev.strata.PlaneStatus;
import dev.strata.Tenant;
import dev.strata.Tier;
import dev.strata.internal.plane.PlaneRegistry;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a drain moves and where: the live tenants placed on the plane (a T2 living in its T1's
 * schema goes with its T1), and for each the least used other active PostgreSQL plane (a drain
 * places no tenant on a Neon plane; draining a Neon plane moves its T1s off it onto PostgreSQL planes)
 * of the tenant's region (any region for a tenant without one) with room for it. Reads the registry; thread-safe.
 */
final class DrainPlanner {
    private final DataSource management;
    private final Registry registry;

    DrainPlanner(DataSource management, Registry registry) {
        this.management = management;
        this.registry = registry;
    }

    /** The units still on the plane, T1s before T2s, by slug. */
    List<DrainUnit> units(String plane) {
        return Jdbc.withConnection(management, "list the tenants on data plane '" + plane + "'", c -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pl.tenant_id FROM platform.placements pl JOIN platform.tenants t ON t.id = pl.tenant_id
                     WHERE pl.data_plane = ? AND t.status <> 'decommissioned' ORDER BY t.tier, t.slug""")) {
                ps.setString(1, plane);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            List<DrainUnit> out = new ArrayList<>();
            for (UUID id : ids) {
                Tenant t = registry.findById(c, id).orElse(null);
                if (t == null || t.placement() == null) {
                    continue;
                }
                if (t.tier() == Tier.T1) {
                    out.add(new DrainUnit(t.id(), t.slug(), Tier.T1, t.id(), t.placement().mode(), t.region()));
                    continue;
                }
                Tenant parent = registry.findById(c, t.parentId()).orElseThrow();
                if (livesInSchemaOf(t.placement(), parent.placement())) {
                    continue; // moves with its T1
                }
                IsolationMode mode = t.placement().mode();
                out.add(new DrainUnit(t.id(), t.slug(), Tier.T2, parent.id(), mode,
                        t.region() != null ? t.region() : parent.region()));
            }
            return out;
        });
    }

    /** Whether the tenant's placement is still on the plane (a decommissioned tenant's is not). */
    boolean onPlane(UUID tenant, String plane) {
        return Jdbc.withConnection(management, "read the placement of tenant " + tenant, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT 1 FROM platform.placements pl JOIN platform.tenants t ON t.id = pl.tenant_id
                     WHERE pl.tenant_id = ? AND pl.data_plane = ? AND t.status <> 'decommissioned'""")) {
                ps.setObject(1, tenant);
                ps.setString(2, plane);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /**
     * The plane the unit goes to: another active plane of its region with room (a T1 database
     * counts against capacity), the least used first; empty if there is none.
     */
    Optional<String> target(String drained, DrainUnit unit) {
        boolean needsDatabase = unit.tier() == Tier.T1 && unit.mode() == IsolationMode.DATABASE;
        return Jdbc.inTransaction(management, "choose a data plane for tenant '" + unit.slug() + "'", c ->
                PlaneRegistry.lockForPlacement(c, List.of()).stream()
                        .filter(p -> !p.key().equals(drained) && p.status() == PlaneStatus.ACTIVE && !p.neon())
                        .filter(p -> unit.region() == null || unit.region().equals(p.region()))
                        .filter(p -> !needsDatabase || p.hasRoom())
                        .min(Comparator.comparingInt(PlaneRegistry.PlacementCandidate::t1Databases)
                                .thenComparing(PlaneRegistry.PlacementCandidate::key))
                        .map(PlaneRegistry.PlacementCandidate::key));
    }

    /** Why {@link #target} found none, for the drain's report. */
    static String noTarget(DrainUnit unit) {
        boolean needsDatabase = unit.tier() == Tier.T1 && unit.mode() == IsolationMode.DATABASE;
        return "no other active data plane" + (unit.region() == null ? "" : " of region '" + unit.region() + "'")
                + (needsDatabase ? " has room for a T1 database" : " takes tenants") + ": add one with 'strata planes add"
                + (unit.region() == null ? "" : " --region " + unit.region()) + "', then drain again";
    }

    private static boolean livesInSchemaOf(Placement child, Placement parent) {
        return parent != null && child.dataPlane().equals(parent.dataPlane()) && child.database().equals(parent.database())
                && child.schema().equals(parent.schema());
    }
}
