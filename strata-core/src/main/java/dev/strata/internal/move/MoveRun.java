package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.TenantStatus;
import dev.strata.internal.operation.JournalDetail;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.plane.DatabaseAddresses;
import dev.strata.internal.provisioning.MoveStorage;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static dev.strata.internal.sql.Identifiers.quote;

/**
 * Runs a move's steps ({@link MoveStep}) under its operation: forward from wherever its journal
 * stands, or backwards (compensation) while the routing has not flipped. Every step is
 * idempotent. A failure before the flip gives the tenant back to its source (unfrozen, target
 * removed) and ends the operation {@code rolled_back}; a failure after it leaves the operation
 * {@code failed} with the tenant served from its target, for {@code resume} to finish the
 * clean-up. Thread-safe (one thread per operation, as the runner's claim guarantees).
 */
final class MoveRun {
    private static final Logger LOG = LoggerFactory.getLogger(MoveRun.class);
    /** How long one round of catching up applies changes. */
    private static final Duration CATCH_UP_ROUND = Duration.ofSeconds(1);
    /** Lag (bytes of captured changes still waiting) small enough to freeze. */
    private static final long SMALL_LAG = 256 * 1024;
    private static final int CATCH_UP_ROUNDS = 60;
    /** How often the cutover is tried again when some router did not acknowledge the freeze in time. */
    private static final int CUTOVER_ATTEMPTS = 3;
    private static final Duration REMOVAL_DRAIN = Duration.ofSeconds(5);

    private final DataSource management;
    private final Registry registry;
    private final ChangeCapture capture;
    private final MoveStorage storage;
    private final MoveFreeze freeze;
    private final DatabaseAddresses planes;
    private final Consumer<UUID> tenantChanged;
    private final String t1ContextRole;

    MoveRun(DataSource management, Registry registry, ChangeCapture capture, MoveStorage storage,
            DatabaseAddresses planes, Consumer<UUID> tenantChanged, String t1ContextRole) {
        this.management = management;
        this.registry = registry;
        this.capture = capture;
        this.storage = storage;
        this.freeze = new MoveFreeze(management);
        this.planes = planes;
        this.tenantChanged = tenantChanged;
        this.t1ContextRole = t1ContextRole;
    }

    static int stepCount() {
        return MoveStep.values().length - 1;
    }

    /**
     * Runs the move to its end from the journal's state: the whole way if the routing has not
     * flipped yet (steps done before are run again, idempotently), else only the clean-up.
     */
    void forward(MovePlan plan, List<MoveStorage.LocalTenant> locals, RunningOperation operation, String actor) {
        operation.plan(stepCount());
        String name = MovePlan.captureName(operation.id());
        if (!flipped(plan)) {
            try {
                beforeFlip(plan, locals, operation, name, actor);
            } catch (RuntimeException e) {
                if (e instanceof StrataException se && se.code() == ErrorCode.OPERATION_CONFLICT) {
                    throw e; // another process owns it now: it does the rest
                }
                if (flipped(plan)) {
                    failAfterFlip(operation, e);
                    throw e;
                }
                LOG.warn("Move of tenant '{}' failed before the routing flipped ({}); returning it to its source",
                        plan.slug(), e.getMessage());
                try {
                    compensate(plan, operation, OperationState.ROLLED_BACK,
                            "The move failed and was rolled back; the tenant is at its source: " + e.getMessage());
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                    failQuietly(operation, "The move failed (" + e.getMessage() + ") and so did its roll-back ("
                            + again.getMessage() + "): resume or abort the operation");
                }
                throw e;
            }
        }
        try {
            afterFlip(plan, operation, name);
        } catch (RuntimeException e) {
            if (!(e instanceof StrataException se && se.code() == ErrorCode.OPERATION_CONFLICT)) {
                failAfterFlip(operation, e);
            }
            throw e;
        }
    }

    private void beforeFlip(MovePlan plan, List<MoveStorage.LocalTenant> locals, RunningOperation operation, String name,
                            String actor) {
        CopyEndpoint source = endpoint(plan.source());
        CopyScope[] scope = new CopyScope[1];
        operation.step(MoveStep.VALIDATE, () -> {
            scope[0] = scope(plan);
            capture.requireCapturable(source, scope[0]);
        });
        MoveSide t = plan.target();
        if (storage.externalDatabase(t.plane(), t.ownsDatabase())) {
            // a Neon project or branch of its own, as provisioning makes one (journalled steps of this move)
            storage.buildExternalTarget(plan.tenantId(), plan.slug(), registry.findById(plan.tenantId()).orElseThrow()
                    .parentId(), t.plane(), t.database(), operation);
        }
        operation.step(MoveStep.PROVISION_TARGET, () -> {
            storage.buildTarget(t.plane(), t.database(), t.schema(), t.ownsSchema(), locals, plan.members(),
                    sameDatabase(plan));
            requireSameTables(plan, scope[0]);
        });
        CopyEndpoint target = endpoint(t); // a Neon target is reached once its placement exists
        operation.step(MoveStep.START_CAPTURE, () -> capture.start(name, source, scope[0]));
        MoveProgress progress = new MoveProgress(operation);
        operation.step(MoveStep.INITIAL_COPY, () -> progress.copy(source, target, scope[0],
                () -> capture.initialCopy(name, source, target, scope[0])));
        operation.step(MoveStep.CATCH_UP, () -> {
            for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
                long lag = capture.catchUp(name, source, target, scope[0], CATCH_UP_ROUND);
                progress.lag(MoveStep.CATCH_UP, lag);
                if (lag <= SMALL_LAG) {
                    return;
                }
            }
        });
        try (VerifyBaseline baseline = verifyBaseline(plan, source, target, scope[0])) {
            cutover(plan, operation, name, source, target, scope[0], actor, baseline, progress);
        }
    }

    /**
     * The sums of both sides before the freeze, so that the verification inside it reads only what
     * changed since; none for a move within one database (the cutover alters the placement guard
     * of the target's tables, which the baseline's open snapshots would block) or if it cannot be
     * taken (the verification then compares every row, as without one).
     */
    private VerifyBaseline verifyBaseline(MovePlan plan, CopyEndpoint source, CopyEndpoint target, CopyScope scope) {
        if (sameDatabase(plan)) {
            return VerifyBaseline.NONE;
        }
        try {
            return capture.verifyBaseline(source, target, scope);
        } catch (RuntimeException e) {
            LOG.warn("No verification baseline for the move of tenant '{}' ({}): its verification compares every row",
                    plan.slug(), e.getMessage());
            return VerifyBaseline.NONE;
        }
    }

    private void cutover(MovePlan plan, RunningOperation operation, String name, CopyEndpoint source,
                         CopyEndpoint target, CopyScope scope, String actor, VerifyBaseline baseline,
                         MoveProgress progress) {
        Duration wait = Duration.ofMillis(plan.freezeWaitMillis());
        for (int attempt = 1; ; attempt++) {
            List<String> missing = List.of();
            try {
                final List<String>[] holdouts = new List[1];
                operation.step(MoveStep.FREEZE, () -> {
                    List<Long> versions = freeze.freeze(operation.id(), plan.members(), plan.freezeWaitMillis());
                    holdouts[0] = freeze.awaitAcknowledgements(plan.members(), versions, wait);
                    if (holdouts[0].isEmpty()) {
                        fenceSource(plan, true);
                        if (sameDatabase(plan)) {
                            MoveSide t = plan.target();
                            storage.guardForCutover(t.plane(), t.database(), t.schema(), plan.members());
                        }
                    }
                });
                missing = holdouts[0];
            } catch (RuntimeException e) {
                freeze.unfreeze(operation.id());
                throw e;
            }
            if (!missing.isEmpty()) {
                freeze.unfreeze(operation.id());
                if (attempt >= CUTOVER_ATTEMPTS) {
                    throw new StrataException(ErrorCode.TENANT_MOVING, "The cutover of tenant '" + plan.slug()
                            + "' was given up: " + missing.size() + " Strata process(es) did not acknowledge its freeze in "
                            + wait.toMillis() + " ms (" + String.join(", ", missing) + "). Their transactions of the tenant "
                            + "may still run, or they cannot reach the management database; move it again later");
                }
                LOG.warn("Routers {} did not acknowledge the freeze of tenant '{}' in time; trying the cutover again",
                        missing, plan.slug());
                sleep(Math.min(1000, wait.toMillis()));
                continue;
            }
            break;
        }
        operation.step(MoveStep.FINAL_CATCH_UP, () -> {
            for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
                long lag = capture.catchUp(name, source, target, scope, CATCH_UP_ROUND);
                progress.lag(MoveStep.FINAL_CATCH_UP, lag);
                if (lag == 0) {
                    return;
                }
            }
            throw new StrataException(ErrorCode.INTERNAL, "The target of tenant '" + plan.slug()
                    + "' did not catch up with its frozen source");
        });
        operation.step(MoveStep.VERIFY, () -> {
            List<TableCheck> checks = capture.verify(source, target, scope, baseline);
            List<TableCheck> bad = checks.stream().filter(c -> !c.matches()).toList();
            if (!bad.isEmpty()) {
                throw new StrataException(ErrorCode.INTERNAL, "Verification of the move of tenant '" + plan.slug()
                        + "' failed, the source is kept: " + bad.stream().map(b -> b.table() + " (source " + b.sourceRows()
                        + " rows, target " + b.targetRows() + ")").reduce((a, b) -> a + ", " + b).orElse(""));
            }
        });
        operation.step(MoveStep.SYNC_SEQUENCES, () -> capture.syncSequences(source, target, scope));
        operation.step(MoveStep.FLIP, () -> flip(plan, operation.id(), actor));
    }

    private void afterFlip(MovePlan plan, RunningOperation operation, String name) {
        // a Neon source whose project or branch a resumed removal already deleted took its slot along
        CopyEndpoint source = reachable(plan.source());
        MoveSide t = plan.target();
        storage.refreshGuard(t.plane(), t.database());
        // The slot lives in the source database: drop it before the database can be dropped.
        operation.step(MoveStep.STOP_CAPTURE, () -> {
            if (source == null) {
                capture.stop(name, endpoint(t));
            } else {
                capture.stop(name, source, endpoint(t));
            }
        });
        operation.step(MoveStep.REMOVE_SOURCE, () -> {
            MoveSide s = plan.source();
            deleteSharedRows(plan, s);
            storage.remove(s.plane(), s.database(), s.schema(), s.ownsDatabase(), s.ownsSchema(), plan.members(),
                    Instant.now().plus(REMOVAL_DRAIN));
            if (sameDatabase(plan)) {
                reRegister(plan);
            }
        });
        operation.finish(OperationState.SUCCEEDED, null);
        LOG.info("Moved tenant '{}' from {} to {}", plan.slug(), plan.source().name(), plan.target().name());
    }

    /**
     * Gives the tenant back to its source: unfrozen (source fence lifted), active, capture
     * stopped, the target's copy removed; ends the operation {@code end}.
     *
     * @throws StrataException {@link ErrorCode#INVALID_STATE} once the routing flipped
     */
    void compensate(MovePlan plan, RunningOperation operation, OperationState end, String reason) {
        if (flipped(plan)) {
            throw afterFlipRefusal(plan, operation.id());
        }
        operation.step(MoveStep.ABORT, () -> {
            fenceSource(plan, false); // before the freeze lifts: released transactions find the source open
            Jdbc.useTransaction(management, "give tenant '" + plan.slug() + "' back to its source", c -> {
                SubtreeLocks.lockSubtree(c, subtree(c, plan.tenantId()));
                freeze.unfreeze(c, operation.id());
                activate(c, plan);
                clearAcks(c, plan.members());
            });
            plan.members().forEach(tenantChanged);
            String name = MovePlan.captureName(operation.id());
            CopyEndpoint target = reachable(plan.target());
            if (target == null) {
                capture.stop(name, endpoint(plan.source())); // a Neon target never placed holds nothing of the capture
            } else {
                capture.stop(name, endpoint(plan.source()), target);
            }
            MoveSide t = plan.target();
            deleteSharedRows(plan, t);
            storage.remove(t.plane(), t.database(), t.schema(), t.ownsDatabase(), t.ownsSchema(), plan.members(),
                    Instant.now().plus(REMOVAL_DRAIN));
            if (sameDatabase(plan)) {
                reRegister(plan);
            }
            MoveSide s = plan.source();
            storage.refreshGuard(s.plane(), s.database());
        });
        operation.finish(end, reason);
    }

    /** Whether the members' placement is the target's already (the flip committed). */
    boolean flipped(MovePlan plan) {
        return Jdbc.withConnection(management, "read the placement of '" + plan.slug() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT 1 FROM platform.placements
                     WHERE tenant_id = ? AND data_plane = ? AND database_name = ? AND schema_name = ? AND mode = ?""")) {
                ps.setObject(1, plan.tenantId());
                ps.setString(2, plan.target().plane());
                ps.setString(3, plan.target().database());
                ps.setString(4, plan.target().schema());
                ps.setString(5, plan.toMode().wireName());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    static StrataException afterFlipRefusal(MovePlan plan, UUID operation) {
        return new StrataException(ErrorCode.INVALID_STATE, "The move of tenant '" + plan.slug() + "' cannot be aborted: "
                + "its routing has flipped and it is served from " + plan.target().name() + "; the move is finished but "
                + "for the clean-up of its source: resume it ('strata operations resume " + operation + "')");
    }

    private void flip(MovePlan plan, UUID operation, String actor) throws SQLException {
        MoveSide t = plan.target();
        Jdbc.useTransaction(management, "flip the routing of tenant '" + plan.slug() + "'", c -> {
            SubtreeLocks.lockSubtree(c, subtree(c, plan.tenantId()));
            for (UUID member : plan.members()) {
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE platform.placements
                           SET mode = CASE WHEN tenant_id = ? THEN ? ELSE mode END,
                               data_plane = ?, database_name = ?, schema_name = ?,
                               frozen_by = NULL, frozen_wait_ms = NULL, version = version + 1, updated_at = now()
                         WHERE tenant_id = ? AND frozen_by = ?""")) {
                    ps.setObject(1, plan.tenantId());
                    ps.setString(2, plan.toMode().wireName());
                    ps.setString(3, t.plane());
                    ps.setString(4, t.database());
                    ps.setString(5, t.schema());
                    ps.setObject(6, member);
                    ps.setObject(7, operation);
                    if (ps.executeUpdate() != 1) {
                        throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Tenant " + member
                                + " is no longer frozen by move " + operation + ": the routing was not flipped");
                    }
                }
            }
            activate(c, plan);
            clearAcks(c, plan.members());
            registry.recordEvent(c, plan.tenantId(), "moved", actor, JournalDetail.json("operation", operation.toString(),
                    "from", plan.source().name(), "to", t.name(), "mode", plan.toMode().wireName()));
        });
        plan.members().forEach(tenantChanged);
    }

    /**
     * Where it touches only the moving tenants, the source is closed to the roles that write there
     * while frozen, and opened again when the cutover is given up, so that a process that missed
     * the freeze cannot write to the old place: a source database of their own gets its app role
     * locked out ({@code NOLOGIN}, sessions ended); a schema of their own in a shared database has
     * {@code USAGE} revoked from the database's app role and the T1 context role (nothing in it can
     * be read or written but by its owner). Rows in a shared RLS schema cannot be fenced apart from
     * their neighbours': the freeze and the routers' acknowledgements guard them.
     */
    private void fenceSource(MovePlan plan, boolean fenced) {
        MoveSide s = plan.source();
        if (!s.ownsDatabase()) {
            if (s.ownsSchema()) {
                fenceSchema(plan, fenced);
            }
            return;
        }
        String role = storage.record(s.plane(), s.database()).appRole();
        DataPlane plane = planes.of(s.plane(), s.database());
        try (Connection c = plane.openAdmin(plane.server().database()); Statement st = c.createStatement()) {
            if (!dev.strata.internal.sql.Catalog.roleExists(c, role)) {
                return;
            }
            st.execute("ALTER ROLE " + quote(role) + (fenced ? " NOLOGIN" : " LOGIN"));
            if (fenced) {
                // a Neon database's connection is to the database itself, whose name there is Neon's own
                endSessions(c, role, plane.routedPerDatabase() || storage.externalDatabase(s.plane(), true) ? null : s.database());
            }
        } catch (SQLException e) {
            throw Jdbc.databaseError((fenced ? "fence" : "unfence") + " the source of tenant '" + plan.slug() + "'", e);
        }
    }

    /**
     * Ends the role's sessions in the database. An administrator that is no superuser (Neon's owner)
     * may end only the sessions of roles whose privileges it has: it administers the app role (it made
     * it), so it makes itself a member of it for that, and no longer. {@code database} {@code null}: the
     * connection's own.
     */
    private static void endSessions(Connection c, String role, String database) throws SQLException {
        String sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ? AND datname = "
                + "coalesce(?, current_database())";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, role);
            ps.setString(2, database);
            ps.execute();
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            try (Statement st = c.createStatement()) {
                st.execute("GRANT " + quote(role) + " TO CURRENT_USER");
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, role);
                    ps.setString(2, database);
                    ps.execute();
                } finally {
                    // only for this: the administrator keeps no membership (a rolled-back move leaves none behind)
                    st.execute("REVOKE " + quote(role) + " FROM CURRENT_USER");
                }
            }
        }
    }

    private void fenceSchema(MovePlan plan, boolean fenced) {
        MoveSide s = plan.source();
        String appRole = storage.record(s.plane(), s.database()).appRole();
        try (Connection c = planes.of(s.plane(), s.database()).openAdmin(s.database()); Statement st = c.createStatement()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
                ps.setString(1, s.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                }
            }
            for (String role : List.of(appRole, t1ContextRole)) {
                if (dev.strata.internal.sql.Catalog.roleExists(c, role)) {
                    st.execute((fenced ? "REVOKE" : "GRANT") + " USAGE ON SCHEMA " + quote(s.schema())
                            + (fenced ? " FROM " : " TO ") + quote(role));
                }
            }
        } catch (SQLException e) {
            if (dev.strata.internal.sql.SqlStates.is(e, dev.strata.internal.sql.SqlStates.INVALID_CATALOG_NAME)) {
                return;
            }
            throw Jdbc.databaseError((fenced ? "fence" : "unfence") + " the source schema of tenant '" + plan.slug() + "'", e);
        }
    }

    private void requireSameTables(MovePlan plan, CopyScope scope) throws SQLException {
        MoveSide t = plan.target();
        try (Connection c = planes.of(t.plane(), t.database()).openAdmin(t.database())) {
            List<String> targetTables = dev.strata.internal.provisioning.TenantDatabases.tenantTables(c, t.schema());
            HashSet<String> missing = new HashSet<>(scope.tables());
            missing.removeAll(targetTables);
            if (!missing.isEmpty()) {
                throw new StrataException(ErrorCode.MOVE_REFUSED, "The target " + t.name() + " lacks the tenant tables "
                        + missing + " of the source: the source's app schema is not the application's migrations' "
                        + "(a table created by hand?). Bring both to the same schema version first");
            }
        }
    }

    /**
     * Deletes the members' rows from a side that is not their own database, children before
     * parents (the foreign keys), before the side's schema or registration goes.
     */
    private void deleteSharedRows(MovePlan plan, MoveSide side) throws SQLException {
        if (side.ownsDatabase() || !schemaPresent(side)) {
            return;
        }
        capture.deleteRows(endpoint(side), scope(plan));
    }

    private boolean schemaPresent(MoveSide side) throws SQLException {
        try (Connection c = planes.of(side.plane(), side.database()).openAdmin(side.database());
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, side.schema());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            if (dev.strata.internal.sql.SqlStates.is(e, dev.strata.internal.sql.SqlStates.INVALID_CATALOG_NAME)) {
                return false;
            }
            throw e;
        }
    }

    private CopyScope scope(MovePlan plan) throws SQLException {
        MoveSide s = plan.source();
        try (Connection c = planes.of(s.plane(), s.database()).openAdmin(s.database())) {
            List<String> roots = new java.util.ArrayList<>();
            for (String table : dev.strata.internal.provisioning.TenantDatabases.tenantTables(c, s.schema())) {
                try (PreparedStatement ps = c.prepareStatement("SELECT NOT cl.relispartition FROM pg_class cl "
                        + "JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = ? AND cl.relname = ?")) {
                    ps.setString(1, s.schema());
                    ps.setString(2, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getBoolean(1)) {
                            roots.add(table); // a partition's rows are copied, captured and verified through its root
                        }
                    }
                }
            }
            return new CopyScope(roots, plan.members());
        }
    }

    /** The side's endpoint, or {@code null} for a database of its own on a Neon plane that has no placement (yet). */
    private CopyEndpoint reachable(MoveSide side) {
        try {
            return endpoint(side);
        } catch (StrataException e) {
            if (e.code() == ErrorCode.PLANE_NOT_FOUND && storage.externalDatabase(side.plane(), side.ownsDatabase())) {
                return null;
            }
            throw e;
        }
    }

    private CopyEndpoint endpoint(MoveSide side) {
        return new CopyEndpoint(planes.of(side.plane(), side.database()), side.database(), side.schema());
    }

    private static boolean sameDatabase(MovePlan plan) {
        return plan.source().plane().equals(plan.target().plane())
                && plan.source().database().equals(plan.target().database());
    }

    /** Source and target share a database (and its local registry): the removal must not unregister the tenants. */
    private void reRegister(MovePlan plan) throws SQLException {
        List<MoveStorage.LocalTenant> locals = new java.util.ArrayList<>();
        for (UUID member : plan.members()) {
            var tenant = registry.findById(member).orElseThrow();
            locals.add(new MoveStorage.LocalTenant(member, tenant.slug(), tenant.tier(), tenant.parentId()));
        }
        storage.registerLocally(plan.target().plane(), plan.target().database(), locals);
    }

    /** The moving tenant and the T2s it carries are {@code active} again (a suspended T2 stays suspended). */
    private void activate(Connection c, MovePlan plan) throws SQLException {
        for (UUID member : plan.members()) {
            registry.updateStatus(c, member, TenantStatus.MIGRATING, TenantStatus.ACTIVE);
        }
    }

    private static void clearAcks(Connection c, List<UUID> members) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM platform.route_acks WHERE tenant_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", members.toArray()));
            ps.executeUpdate();
        }
    }

    private UUID subtree(Connection c, UUID tenant) throws SQLException {
        var t = registry.findById(c, tenant).orElseThrow();
        return t.tier() == dev.strata.Tier.T2 ? t.parentId() : t.id();
    }

    private void failAfterFlip(RunningOperation operation, RuntimeException e) {
        failQuietly(operation, "The tenant is served from its target, but the clean-up of its source failed: "
                + e.getMessage() + ". Resume the operation to finish it");
    }

    private static void failQuietly(RunningOperation operation, String message) {
        try {
            operation.finish(OperationState.FAILED, message);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the failure of move {}: {}", operation.id(), e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
