package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.Placement;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.Tier;
import dev.strata.PlaneStatus;
import dev.strata.internal.plane.PlaneRegistry;
import dev.strata.internal.plane.PlaneRegistry.PlacementCandidate;
import dev.strata.internal.plane.PlaneRules;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.UUID;

/**
 * Chooses where a new tenant goes: its own database, a schema of its own, or rows in shared
 * tables (its T1's, or a shared database's), within the configured schema limits. Runs inside the
 * registration transaction and registers a new database if the tenant needs one. Thread-safe.
 */
final class PlacementPlanner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlacementPlanner.class);
    private final StrataConfig config;
    private final PhysicalNames names;

    PlacementPlanner(StrataConfig config, PhysicalNames names) {
        this.config = config;
        this.names = names;
    }

    /**
     * The data plane a new tenant's data goes to, with the plane rows locked until the
     * registration commits (so capacity holds under concurrent creations and a plane being
     * drained takes no new T1):
     * <ul>
     *   <li>a T2: its T1's plane (a different {@code requestedPlane} is refused; a {@code region}
     *       other than that plane's is refused);</li>
     *   <li>a T1 with {@code requestedPlane}: that plane, if it is active, of the {@code region}
     *       asked for (if any), and, for a T1 database, below its capacity;</li>
     *   <li>a T1 with a {@code region}: the least used active plane of that region with room,
     *       once any plane declares a region (until then the region is a label: a warning);</li>
     *   <li>otherwise the default plane, or, while it is draining or full, the least used active plane with room.</li>
     * </ul>
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND}, {@link ErrorCode#MOVE_REFUSED} (no room,
     *         draining, another region), {@link ErrorCode#INVALID_ARGUMENT} (a malformed key, a plane for a T2)
     */
    PlaneChoice choosePlane(Connection c, Tier tier, IsolationMode mode, String requestedPlane, String region,
                            Tenant parent) throws SQLException {
        if (requestedPlane != null) {
            PlaneRules.requireValidKey(requestedPlane);
        }
        boolean needsDatabase = mode == IsolationMode.DATABASE;
        if (tier == Tier.T2) {
            String home = parent.placement().dataPlane();
            if (requestedPlane != null && !requestedPlane.equals(home)) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A T2 lives where its T1's database is: '"
                        + parent.slug() + "' is on data plane '" + home + "', not '" + requestedPlane
                        + "'. Create the T2 without a plane (or move its T1)");
            }
            if (region != null) {
                PlaneRegistry.lockForPlacement(c, List.of(home)).stream().findFirst()
                        .filter(p -> p.region() != null && !p.region().equals(region))
                        .ifPresent(p -> {
                            throw new StrataException(ErrorCode.MOVE_REFUSED, "A T2 lives where its T1's database is: '"
                                    + parent.slug() + "' is on data plane '" + home + "' in region '" + p.region()
                                    + "', not '" + region + "'. Create the T2 without a region or with '" + p.region() + "'");
                        });
            }
            if (needsDatabase && PlaneRegistry.lockForPlacement(c, List.of(home)).stream().anyMatch(PlacementCandidate::neon)) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "'" + parent.slug() + "' is on Neon plane '" + home
                        + "', where a T1's tenants share its Neon database: create the T2 in mode 'rls' or 'schema'");
            }
            return new PlaneChoice(home, null);
        }
        if (requestedPlane != null) {
            PlacementCandidate p = PlaneRegistry.lockForPlacement(c, List.of(requestedPlane)).stream().findFirst()
                    .orElseThrow(() -> new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + requestedPlane
                            + "' is registered: `strata planes list` shows the planes, `strata planes add` adds one"));
            if (p.status() != PlaneStatus.ACTIVE) {
                throw new StrataException(ErrorCode.MOVE_REFUSED, "Data plane '" + p.key()
                        + "' is draining: no new tenant lands there. Choose another plane");
            }
            if (p.neon() && !needsDatabase) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Data plane '" + p.key() + "' is a Neon plane: a T1"
                        + " there gets a Neon project or branch of its own, so it must be in mode 'database' (its T2s may"
                        + " use 'rls' or 'schema')");
            }
            if (region != null && !region.equals(p.region())) {
                throw new StrataException(ErrorCode.MOVE_REFUSED, "Data plane '" + p.key() + "' is "
                        + (p.region() == null ? "in no region" : "in region '" + p.region() + "'") + ", not '" + region
                        + "': choose a plane of region '" + region + "', or leave out one of --plane and --region");
            }
            if (needsDatabase && !p.hasRoom()) {
                throw new StrataException(ErrorCode.MOVE_REFUSED, "Data plane '" + p.key() + "' is full: it holds "
                        + p.t1Databases() + " T1 databases, its capacity. Choose another plane or add one with "
                        + "`strata planes add`");
            }
            return new PlaneChoice(p.key(), p.region());
        }
        List<PlacementCandidate> all = PlaneRegistry.lockForPlacement(c, List.of());
        if (region != null) {
            if (all.stream().anyMatch(p -> p.region() != null)) {
                List<PlacementCandidate> inRegion = all.stream().filter(p -> region.equals(p.region())).toList();
                return leastUsed(inRegion, needsDatabase).orElseThrow(() -> new StrataException(ErrorCode.MOVE_REFUSED,
                        "No data plane in region '" + region + "' has room for a new T1 ("
                                + (inRegion.isEmpty() ? "there is none" : describe(inRegion)) + "): add one with "
                                + "`strata planes add KEY --url postgresql://... --region " + region + "`"));
            }
            LOG.warn("No data plane declares a region, so region '{}' is a label only: add planes with "
                    + "`strata planes add ... --region` to place tenants by region", region);
        }
        PlacementCandidate standard = all.stream().filter(p -> DataPlane.DEFAULT_KEY.equals(p.key())).findFirst()
                .orElse(null);
        if (standard != null && standard.status() == PlaneStatus.ACTIVE && (!needsDatabase || standard.hasRoom())) {
            return new PlaneChoice(standard.key(), standard.region());
        }
        return leastUsed(all, needsDatabase).orElseThrow(() -> new StrataException(ErrorCode.MOVE_REFUSED,
                "No data plane has room for a new T1 (" + describe(all) + "): add one with `strata planes add`"));
    }

    private static java.util.Optional<PlaneChoice> leastUsed(List<PlacementCandidate> candidates, boolean needsDatabase) {
        return candidates.stream()
                .filter(p -> p.status() == PlaneStatus.ACTIVE && (!needsDatabase || p.hasRoom()) && (needsDatabase || !p.neon()))
                .min(Comparator.comparingInt(PlacementCandidate::t1Databases).thenComparing(PlacementCandidate::key))
                .map(p -> new PlaneChoice(p.key(), p.region()));
    }

    private static String describe(List<PlacementCandidate> planes) {
        return planes.stream().map(p -> "'" + p.key() + "' " + (p.status() != PlaneStatus.ACTIVE ? "is draining"
                        : "holds " + p.t1Databases() + (p.capacity() == null ? "" : " of " + p.capacity()) + " T1 databases"))
                .collect(Collectors.joining(", "));
    }

    /**
     * Where {@link #choosePlane} put a new tenant.
     *
     * @param key    the plane's key
     * @param region the plane's region (for a T1 without one of its own), {@code null} for a T2
     */
    record PlaneChoice(String key, String region) {
    }

    /** The plan for a new tenant on {@code plane}; schema-limit warnings are added to {@code warnings}. */
    PlacementPlan plan(Connection c, UUID id, String slug, Tier tier, IsolationMode mode, Tenant parent,
                       String plane, List<String> warnings) throws SQLException {
        if (mode == IsolationMode.DATABASE) {
            String database = names.tenantDatabase(id);
            DatabaseRecord db = DatabaseStore.insertIfAbsent(c, plane, database, DatabasePurpose.TENANT, id,
                    names.appRole(database));
            return new PlacementPlan(id, slug, tier, parent.id(), mode, db, PhysicalNames.APP_SCHEMA, true, false);
        }
        DatabaseRecord db;
        String parentSchema = PhysicalNames.APP_SCHEMA;
        if (tier == Tier.T1) {
            String shared = mode == IsolationMode.RLS ? names.sharedRlsDatabase(plane) : names.sharedSchemaDatabase(plane);
            DatabasePurpose purpose = mode == IsolationMode.RLS ? DatabasePurpose.SHARED_RLS : DatabasePurpose.SHARED_SCHEMA;
            db = DatabaseStore.insertIfAbsent(c, plane, shared, purpose, null, names.appRole(shared));
        } else {
            Placement home = parent.placement();
            db = DatabaseStore.lock(c, home.dataPlane(), home.database()).orElseThrow(() -> new StrataException(
                    ErrorCode.INTERNAL, "Parent '" + parent.slug() + "' is placed in an unknown database " + home.database()));
            parentSchema = home.schema();
        }
        if (mode == IsolationMode.RLS) {
            return new PlacementPlan(id, slug, tier, parent.id(), mode, db, parentSchema, false, false);
        }
        int schemas = DatabaseStore.countTenantSchemas(c, plane, db.name());
        if (schemas >= config.schemaLimit()) {
            throw new StrataException(ErrorCode.SCHEMA_LIMIT_REACHED, "Database " + db.name() + " already holds " + schemas
                    + " tenant schemas, the configured limit (" + config.schemaLimit() + "): every schema adds catalog "
                    + "entries that slow the whole database down. Create the tenant with mode 'rls' (shared tables) or "
                    + "'database' (a database of its own) instead");
        }
        if (schemas + 1 > config.schemaWarnThreshold()) {
            warnings.add("Database " + db.name() + " now holds " + (schemas + 1) + " tenant schemas, above the warning "
                    + "threshold of " + config.schemaWarnThreshold() + " (limit " + config.schemaLimit()
                    + "); prefer 'rls' or 'database' mode for new tenants");
        }
        return new PlacementPlan(id, slug, tier, parent.id(), mode, db, PhysicalNames.tenantSchema(id), false, true);
    }
}

