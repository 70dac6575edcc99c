package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.Placement;
import dev.strata.PlaneStatus;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.operation.OperationJournal;
import dev.strata.internal.plane.PlaneRegistry;
import dev.strata.internal.provisioning.DatabasePurpose;
import dev.strata.internal.provisioning.DatabaseRecord;
import dev.strata.internal.provisioning.DatabaseStore;
import dev.strata.internal.provisioning.MoveStorage;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.sql.PhysicalNames;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides what a move request means for the tenant's tier and placement, or refuses it, inside the
 * management transaction (holding the T1 subtree lock) that then opens the operation: a refusal
 * changes nothing. Registers the target database if the move needs a new one. Thread-safe.
 *
 * <p>Paths: a T1 goes to a database of its own, a schema of its own in a shared-schema database,
 * or a shared RLS database (the plane's, or {@code into} one), carrying its RLS-mode T2s (they
 * live in its home schema); its T2s with a schema of their own in its database must move first,
 * its database-mode T2s stay where they are. A T2 goes to its T1's home schema (RLS), a schema of
 * its own in its T1's database, or a database of its own (any plane).
 */
final class MovePlanner {
    private final StrataConfig config;
    private final PhysicalNames names;
    private final Registry registry;
    private final OperationJournal journal;

    MovePlanner(StrataConfig config, PhysicalNames names, Registry registry, OperationJournal journal) {
        this.config = config;
        this.names = names;
        this.registry = registry;
        this.journal = journal;
    }

    /** Everything the planner found: the plan and the tenants to register at the target. */
    record Planned(MovePlan plan, List<MoveStorage.LocalTenant> locals, Tenant tenant) {
    }

    /**
     * What a move may do with Neon planes: inside one T1's Neon database a T2 moves between rls and
     * schema mode; a T1 in database mode moves with its database (and the T2s living in it) from a
     * PostgreSQL plane onto a Neon plane (a project or branch of its own, made by the move) or off
     * one onto a PostgreSQL plane. Refused, naming why: a T2 to a database of its own on a Neon plane
     * (a Neon database of its own would be a project or branch), a T2 off its T1's Neon database, a
     * T1 into a shared database onto or off a Neon plane (a Neon T1 is in database mode), and a T1
     * from one Neon plane to another (a T1 has one Neon placement at a time).
     */
    private static void requireNeonPath(Connection c, Tenant tenant, MoveSide source, MoveSide target) throws SQLException {
        List<String> neon = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT key FROM platform.data_planes WHERE kind = 'neon' AND key IN (?, ?) ORDER BY key")) {
            ps.setString(1, source.plane());
            ps.setString(2, target.plane());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    neon.add(rs.getString(1));
                }
            }
        }
        if (neon.isEmpty()) {
            return;
        }
        if (source.plane().equals(target.plane()) && source.database().equals(target.database())) {
            return; // inside one Neon T1's database
        }
        if (tenant.tier() == Tier.T2 && neon.contains(target.plane()) && target.ownsDatabase()) {
            throw refused("T2 tenant '" + tenant.slug() + "' cannot have a database of its own on Neon plane '"
                    + target.plane() + "': a Neon database of its own would be a project or branch of its own. Keep it "
                    + "in rls or schema mode in the database of its T1");
        }
        String plane = neon.contains(source.plane()) ? source.plane() : target.plane();
        String direction = plane.equals(source.plane()) ? "off" : "onto";
        if (tenant.tier() == Tier.T2) {
            throw refused("T2 tenant '" + tenant.slug() + "' would move " + direction + " Neon plane '" + plane
                    + "': a T2 moves only inside its T1's Neon database (between rls and schema mode); move its T1 "
                    + "with it (a T1 carries its RLS-mode T2s), or export and import the T2");
        }
        if (!source.ownsDatabase() || !target.ownsDatabase()) {
            throw refused("Tenant '" + tenant.slug() + "' would move " + direction + " Neon plane '" + plane
                    + "' into or out of a shared database: a T1 on a Neon plane is in database mode (a project or "
                    + "branch of its own). Move it to database mode on its plane first, then onto or off the Neon plane");
        }
        if (neon.contains(source.plane())) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT string_agg(name, ', ' ORDER BY name) FROM platform.tenant_branches WHERE tenant_id = ?")) {
                ps.setObject(1, tenant.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        throw refused("Tenant '" + tenant.slug() + "' has dev branches on Neon plane '" + source.plane()
                                + "' (" + rs.getString(1) + "), children of the branch the move would delete: delete them "
                                + "first ('strata tenants branch delete " + tenant.slug() + " NAME'), then move it");
                    }
                }
            }
        }
        if (neon.size() == 2) {
            throw refused("Tenant '" + tenant.slug() + "' would move from Neon plane '" + source.plane()
                    + "' to Neon plane '" + target.plane() + "': moves between Neon planes are not supported yet (a T1 "
                    + "has one Neon placement at a time). Move it to a PostgreSQL plane first, then onto the other "
                    + "Neon plane");
        }
    }

    Planned plan(Connection c, Tenant tenant, MoveRequest request) throws SQLException {
        requireMovable(c, tenant);
        Placement from = tenant.placement();
        Tenant parent = tenant.tier() == Tier.T2 ? registry.findById(c, tenant.parentId()).orElseThrow() : null;
        if (parent != null) {
            requireParentSteady(c, tenant, parent);
        }
        String plane = request.plane() == null ? from.dataPlane() : request.plane();
        Optional<String> planeRegion = planeRegion(c, plane);
        if (planeRegion == null) {
            throw new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + plane
                    + "' is registered: list them with 'strata planes list' (add one with 'strata planes add')");
        }
        if (!plane.equals(from.dataPlane()) && !request.forceRegion()) {
            String region = tenant.region() != null ? tenant.region() : parent == null ? null : parent.region();
            if (region != null && !region.equals(planeRegion.orElse(null))) {
                throw refused("Tenant '" + tenant.slug() + "' is in region '" + region + "' but data plane '" + plane
                        + "' is in " + planeRegion.map(r -> "region '" + r + "'").orElse("no region")
                        + ": choose a plane of its region, or force it (--force-region) if the data may leave it");
            }
        }
        requireTargetPlaneTakes(c, plane, tenant, request.mode());
        List<UUID> members = new ArrayList<>(List.of(tenant.id()));
        List<MoveStorage.LocalTenant> locals = new ArrayList<>();
        MoveSide target;
        IsolationMode to = request.mode();
        if (tenant.tier() == Tier.T1) {
            for (Tenant child : registry.liveChildren(c, tenant.id())) {
                Placement p = child.placement();
                if (child.status() == TenantStatus.PROVISIONING || child.status() == TenantStatus.MIGRATING
                        || child.status() == TenantStatus.DECOMMISSIONING) {
                    throw new StrataException(ErrorCode.OPERATION_CONFLICT, "T2 tenant '" + child.slug() + "' of '"
                            + tenant.slug() + "' is " + child.status().wireName() + "; move '" + tenant.slug()
                            + "' when that has finished");
                }
                if (journal.hasLiveOperation(c, child.id())) {
                    throw new StrataException(ErrorCode.OPERATION_CONFLICT, "An operation on T2 tenant '" + child.slug()
                            + "' of '" + tenant.slug() + "' is running; move '" + tenant.slug() + "' when it has finished");
                }
                if (p == null || !p.dataPlane().equals(from.dataPlane()) || !p.database().equals(from.database())) {
                    continue; // a database-mode T2: it has a database of its own and stays
                }
                if (!p.schema().equals(from.schema())) {
                    throw refused("T2 tenant '" + child.slug() + "' of '" + tenant.slug() + "' has a schema of its own in "
                            + "the database of '" + tenant.slug() + "': move it to rls or database mode first "
                            + "('strata tenants move " + child.slug() + " --to database'), then move '" + tenant.slug() + "'");
                }
                members.add(child.id());
            }
            locals.add(new MoveStorage.LocalTenant(tenant.id(), tenant.slug(), Tier.T1, tenant.parentId()));
            for (Tenant child : registry.liveChildren(c, tenant.id())) {
                if (members.contains(child.id())) {
                    locals.add(new MoveStorage.LocalTenant(child.id(), child.slug(), Tier.T2, tenant.id()));
                }
            }
            target = t1Target(c, tenant, request, plane);
        } else {
            if (request.into() != null) {
                throw refused("A T2 lives in its T1's database (or a database of its own): --into is for consolidating "
                        + "T1s into a shared RLS database; leave it out");
            }
            Placement home = parent.placement();
            if (to != IsolationMode.DATABASE && !plane.equals(home.dataPlane())) {
                throw refused("A T2 in " + to.wireName() + " mode lives in the database of its T1 '" + parent.slug()
                        + "', on data plane '" + home.dataPlane() + "': only a move to database mode can take it to '"
                        + plane + "'");
            }
            locals.add(new MoveStorage.LocalTenant(parent.id(), parent.slug(), Tier.T1, parent.parentId()));
            locals.add(new MoveStorage.LocalTenant(tenant.id(), tenant.slug(), Tier.T2, parent.id()));
            target = switch (to) {
                case RLS -> new MoveSide(home.dataPlane(), home.database(), home.schema(), false, false);
                case SCHEMA -> {
                    requireSchemaRoom(c, home.dataPlane(), home.database());
                    yield new MoveSide(home.dataPlane(), home.database(), PhysicalNames.tenantSchema(tenant.id()), false, true);
                }
                case DATABASE -> ownDatabase(c, tenant, plane, from);
            };
        }
        if (to == from.mode() && target.plane().equals(from.dataPlane()) && target.database().equals(from.database())
                && target.schema().equals(from.schema())) {
            throw refused("Tenant '" + tenant.slug() + "' is already in " + to.wireName() + " mode in " + from.dataPlane() + "/"
                    + from.database() + ": a move needs another mode, database or data plane");
        }
        if (to == IsolationMode.DATABASE && from.mode() == IsolationMode.DATABASE && target.plane().equals(from.dataPlane())) {
            throw refused("Tenant '" + tenant.slug() + "' already has a database of its own on data plane '"
                    + from.dataPlane() + "': name another plane (--plane) or another mode");
        }
        DatabaseRecord sourceDb = DatabaseStore.find(c, from.dataPlane(), from.database()).orElseThrow();
        boolean ownsDb = sourceDb.purpose() == DatabasePurpose.TENANT && tenant.id().equals(sourceDb.ownerTenantId());
        MoveSide source = new MoveSide(from.dataPlane(), from.database(), from.schema(), ownsDb,
                from.mode() == IsolationMode.SCHEMA);
        requireNeonPath(c, tenant, source, target);
        MovePlan plan = new MovePlan(tenant.id(), tenant.slug(), from.mode(), to, members, source, target,
                request.freezeWait().toMillis());
        return new Planned(plan, locals, tenant);
    }

    private MoveSide t1Target(Connection c, Tenant tenant, MoveRequest request, String plane) throws SQLException {
        switch (request.mode()) {
            case DATABASE -> {
                return ownDatabase(c, tenant, plane, tenant.placement());
            }
            case SCHEMA -> {
                String db = request.into() == null ? names.sharedSchemaDatabase(plane) : request.into();
                shared(c, plane, db, DatabasePurpose.SHARED_SCHEMA, request.into() != null);
                requireSchemaRoom(c, plane, db);
                return new MoveSide(plane, db, PhysicalNames.tenantSchema(tenant.id()), false, true);
            }
            default -> {
                String db = request.into() == null ? names.sharedRlsDatabase(plane) : request.into();
                shared(c, plane, db, DatabasePurpose.SHARED_RLS, request.into() != null);
                return new MoveSide(plane, db, PhysicalNames.APP_SCHEMA, false, false);
            }
        }
    }

    /** A shared database of the purpose: the plane's default one is registered if missing; a named one must exist. */
    private void shared(Connection c, String plane, String db, DatabasePurpose purpose, boolean named) throws SQLException {
        Optional<DatabaseRecord> found = DatabaseStore.find(c, plane, db);
        if (found.isPresent() && !found.get().dropped()) {
            if (found.get().purpose() != purpose) {
                throw refused("Database '" + db + "' on data plane '" + plane + "' is not a shared "
                        + (purpose == DatabasePurpose.SHARED_RLS ? "RLS" : "schema") + " database (it is a "
                        + found.get().purpose().wireName().replace('_', ' ') + " database): name a shared "
                        + (purpose == DatabasePurpose.SHARED_RLS ? "RLS" : "schema") + " database");
            }
            return;
        }
        if (named) {
            throw refused("No shared " + (purpose == DatabasePurpose.SHARED_RLS ? "RLS" : "schema") + " database '" + db
                    + "' on data plane '" + plane + "': leave --into out to use the plane's own ("
                    + (purpose == DatabasePurpose.SHARED_RLS ? names.sharedRlsDatabase(plane) : names.sharedSchemaDatabase(plane)) + ")");
        }
        MoveStorage.register(c, plane, db, purpose, null, names.appRole(db));
    }

    private MoveSide ownDatabase(Connection c, Tenant tenant, String plane, Placement from) throws SQLException {
        String db = names.tenantDatabase(tenant.id());
        if (db.equals(from.database()) || taken(c, plane, db, tenant.id())) {
            db = db + "_" + Long.toHexString(System.nanoTime() & 0xffffffL);
        }
        MoveStorage.register(c, plane, db, DatabasePurpose.TENANT, tenant.id(), names.appRole(db));
        return new MoveSide(plane, db, PhysicalNames.APP_SCHEMA, true, false);
    }

    private static boolean taken(Connection c, String plane, String db, UUID owner) throws SQLException {
        Optional<DatabaseRecord> found = DatabaseStore.find(c, plane, db);
        return found.isPresent() && (!found.get().dropped() || !owner.equals(found.get().ownerTenantId()));
    }

    private void requireSchemaRoom(Connection c, String plane, String db) throws SQLException {
        int schemas = DatabaseStore.countTenantSchemas(c, plane, db);
        if (schemas >= config.schemaLimit()) {
            throw new StrataException(ErrorCode.SCHEMA_LIMIT_REACHED, "Database " + db + " already holds " + schemas
                    + " tenant schemas, the configured limit (" + config.schemaLimit() + "): move the tenant to 'rls' or "
                    + "'database' mode instead");
        }
    }

    /** The plane's region (empty: none), or {@code null} if no such plane is registered. */
    @SuppressWarnings("OptionalAssignedToNull")
    private static Optional<String> planeRegion(Connection c, String plane) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT region FROM platform.data_planes WHERE key = ?")) {
            ps.setString(1, plane);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : null;
            }
        }
    }

    /**
     * A draining plane takes no tenant, and a full one no new T1 database: checked holding the
     * plane's row lock until the move is registered, so concurrent moves (a drain's) keep its capacity.
     */
    private static void requireTargetPlaneTakes(Connection c, String plane, Tenant tenant, IsolationMode to)
            throws SQLException {
        PlaneRegistry.PlacementCandidate target = PlaneRegistry.lockForPlacement(c, List.of(plane)).get(0);
        if (target.status() != PlaneStatus.ACTIVE) {
            throw refused("Data plane '" + plane + "' is draining: no tenant moves onto it. Choose another plane "
                    + "(--plane), or make it take tenants again with 'strata planes activate " + plane + "'");
        }
        if (tenant.tier() == Tier.T1 && to == IsolationMode.DATABASE && !target.hasRoom()) {
            throw refused("Data plane '" + plane + "' is full: it holds " + target.t1Databases() + " T1 databases, its "
                    + "capacity. Choose another plane (--plane) or add one with 'strata planes add'");
        }
    }

    private void requireMovable(Connection c, Tenant tenant) throws SQLException {
        if (tenant.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator holds no tenant data: there is nothing to move");
        }
        switch (tenant.status()) {
            case ACTIVE -> {
            }
            case SUSPENDED -> throw new StrataException(ErrorCode.TENANT_SUSPENDED, "Tenant '" + tenant.slug()
                    + "' is suspended: resume it before moving it");
            case DECOMMISSIONED, DECOMMISSIONING -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                    "Tenant '" + tenant.slug() + "' is " + tenant.status().wireName() + ": its data is gone or going");
            case MIGRATING -> throw new StrataException(ErrorCode.MOVE_CONFLICT, "Tenant '" + tenant.slug()
                    + "' is already being moved: follow the move with 'strata operations list --tenant " + tenant.slug()
                    + "', or resume or abort it");
            default -> throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Tenant '" + tenant.slug() + "' is "
                    + tenant.status().wireName() + "; move it when that has finished");
        }
        if (journal.hasLiveOperation(c, tenant.id())) {
            throw new StrataException(ErrorCode.OPERATION_CONFLICT, "An operation on tenant '" + tenant.slug()
                    + "' is running; move it when that has finished");
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id FROM platform.operations WHERE tenant_id = ? AND kind = 'move' AND state IN ('running', 'failed')
                 ORDER BY started_at DESC LIMIT 1""")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new StrataException(ErrorCode.MOVE_CONFLICT, "Tenant '" + tenant.slug() + "' has an unfinished "
                            + "move (operation " + rs.getObject(1) + "): resume or abort it first ('strata operations "
                            + "resume|abort " + rs.getObject(1) + "')");
                }
            }
        }
    }

    private void requireParentSteady(Connection c, Tenant tenant, Tenant parent) throws SQLException {
        switch (parent.status()) {
            case ACTIVE -> {
            }
            case SUSPENDED -> throw new StrataException(ErrorCode.TENANT_SUSPENDED, "Tenant '" + tenant.slug()
                    + "' belongs to T1 '" + parent.slug() + "', which is suspended: resume it before moving its tenants");
            case MIGRATING -> throw new StrataException(ErrorCode.MOVE_CONFLICT, "T1 '" + parent.slug() + "' of '"
                    + tenant.slug() + "' is being moved; move '" + tenant.slug() + "' when that has finished");
            default -> throw new StrataException(ErrorCode.OPERATION_CONFLICT, "T1 '" + parent.slug() + "' of '"
                    + tenant.slug() + "' is " + parent.status().wireName() + "; move '" + tenant.slug()
                    + "' when that has finished");
        }
        if (journal.hasLiveOperation(c, parent.id())) {
            throw new StrataException(ErrorCode.OPERATION_CONFLICT, "An operation on T1 '" + parent.slug() + "' of '"
                    + tenant.slug() + "' is running; move '" + tenant.slug() + "' when it has finished");
        }
    }

    static StrataException refused(String message) {
        return new StrataException(ErrorCode.MOVE_REFUSED, message);
    }
}
