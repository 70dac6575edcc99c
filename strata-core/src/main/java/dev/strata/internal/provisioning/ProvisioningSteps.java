package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a provisioning does to a tenant's placement, as journalled steps of a
 * {@link RunningOperation}: build the storage ({@link ProvisionStep}), activate the tenant, or
 * roll everything back. Shared by the creation of a tenant and by the recovery of an interrupted
 * one. Every step is idempotent. Thread-safe.
 */
final class ProvisioningSteps {
    private final DataSource management;
    private final Registry registry;
    private final Map<String, TenantDatabases> planes;
    private final Map<String, TenantRemoval> removals;
    private final PlacementGuards guards;
    private final ProvisioningListener listener;
    private final ExternalPlanes external;

    ProvisioningSteps(Registry registry, Map<String, TenantDatabases> planes, Map<String, TenantRemoval> removals,
                      PlacementGuards guards, ProvisioningListener listener, ExternalPlanes external) {
        this.external = external;
        this.management = registry.dataSource();
        this.registry = registry;
        this.planes = planes;
        this.removals = removals;
        this.guards = guards;
        this.listener = listener;
    }

    /** How many steps building the plan takes (and loading data, if it does). */
    static int stepCount(PlacementPlan plan, boolean loadsData) {
        int steps = 2; // database, register_locally
        if (plan.ownsSchema()) {
            steps++;
        }
        if (guardsParentSchema(plan)) {
            steps++;
        }
        return loadsData ? steps + 1 : steps;
    }

    /** The physical steps; each idempotent and journalled. */
    void build(PlacementPlan plan, RunningOperation operation) {
        DatabaseRecord db = plan.database();
        TenantDatabases dbs;
        if (external.handles(db.dataPlane())) {
            if (plan.ownsDatabase()) {
                external.build(plan, operation);
            } else {
                operation.step(ProvisionStep.DATABASE, () -> requireReady(db));
            }
            dbs = external.databases(db.dataPlane(), db.name());
        } else {
            dbs = planeOf(db.dataPlane());
            operation.step(ProvisionStep.DATABASE, () -> ensureDatabaseReady(dbs, db));
        }
        if (plan.ownsSchema()) {
            operation.step(ProvisionStep.SCHEMA, () -> guards.withLock(db.dataPlane(), db.name(), m -> {
                dbs.ensureTenantSchema(db.name(), plan.schema(), plan.tenantId(), db.appRole(),
                        SchemaOwners.inDatabase(m, db.dataPlane(), db.name(), null));
                return null;
            }));
        }
        operation.step(ProvisionStep.REGISTER_LOCALLY,
                () -> dbs.registerLocally(db.name(), plan.tenantId(), plan.slug(), plan.tier(), plan.parentId()));
        if (guardsParentSchema(plan)) {
            // An RLS-mode T2 of a schema-mode T1 lives in the T1's schema: it becomes one of its writers
            // (and one of the tenants the database's app tables refuse).
            operation.step(ProvisionStep.SCHEMA_GUARD, () -> guards.refresh(dbs, db.dataPlane(), db.name(), null));
        }
    }

    private static boolean guardsParentSchema(PlacementPlan plan) {
        return !plan.ownsSchema() && PlacementGuards.isTenantSchema(plan.schema());
    }

    /**
     * Makes a provisioned tenant active in one transaction with the end of its operation (fenced:
     * only while this process owns it), after re-checking under the subtree lock that its parent
     * still takes children.
     */
    void activate(PlacementPlan plan, RunningOperation operation, Jdbc.SqlAction events) {
        Jdbc.useTransaction(management, "activate tenant '" + plan.slug() + "'", c -> {
            if (plan.tier() == Tier.T2) {
                SubtreeLocks.lockSubtree(c, plan.parentId());
                Tenant parent = registry.findById(c, plan.parentId()).orElseThrow();
                if (parent.status() == TenantStatus.DECOMMISSIONING || parent.status() == TenantStatus.DECOMMISSIONED) {
                    LifecycleRules.requireTakesChildren(parent);
                }
            }
            if (!registry.updateStatus(c, plan.tenantId(), TenantStatus.PROVISIONING, TenantStatus.ACTIVE)) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Tenant '" + plan.slug()
                        + "' is no longer being provisioned by this process");
            }
            registry.setPlacementSchemaVersion(c, plan.tenantId(), DatabaseStore.READY);
            operation.finish(c, OperationState.SUCCEEDED, null);
            events.run(c);
        });
        listener.tenantChanged(plan.tenantId());
    }

    /**
     * Removes what a provisioning built and then its registration, ending the operation
     * {@code end} ({@code rolled_back}, or {@code aborted} when an operator asked). Journalled as
     * the step {@code rollback}, which is fenced: a process that no longer owns the operation
     * compensates nothing. If the removal fails the operation stays running for recovery, which
     * finishes the roll-back.
     *
     * @param keepJournal whether the operation stays in the journal (recovery and operators' aborts,
     *                    which nobody would see otherwise); a creation that failed in its caller's
     *                    thread leaves no trace, as if it had been refused
     */
    void rollBack(PlacementPlan plan, RunningOperation operation, OperationState end, String reason, boolean keepJournal) {
        operation.step(ProvisionStep.ROLLBACK, () -> removeStorage(plan));
        Jdbc.useTransaction(management, "remove the registration of '" + plan.slug() + "'", c -> {
            if (keepJournal) {
                operation.finishDetached(c, end, reason);
            } else {
                operation.finish(c, end, reason);
            }
            registry.deleteTenantCompletely(c, plan.tenantId());
        });
        listener.tenantChanged(plan.tenantId());
    }

    private void removeStorage(PlacementPlan plan) throws SQLException {
        DatabaseRecord db = plan.database();
        Instant now = Instant.now();
        if (external.handles(db.dataPlane())) {
            if (plan.ownsDatabase()) {
                listener.databaseDropping(db.dataPlane(), db.name());
                external.remove(plan.tenantId(), db.dataPlane(), db.name());
                return;
            }
            TenantDatabases dbs = external.databases(db.dataPlane(), db.name());
            TenantRemoval removal = new TenantRemoval(dbs.plane());
            if (plan.ownsSchema()) {
                removal.dropSchema(db.name(), plan.schema(), plan.tenantId(), db.appRole(), now);
            } else {
                removal.deleteRows(db.name(), plan.schema(), plan.tenantId(), db.appRole(), now);
            }
            if (plan.ownsSchema() || PlacementGuards.isTenantSchema(plan.schema())) {
                guards.refresh(dbs, db.dataPlane(), db.name(), plan.tenantId());
            }
            return;
        }
        TenantRemoval removal = removalOf(db.dataPlane());
        if (plan.ownsDatabase()) {
            listener.databaseDropping(db.dataPlane(), db.name());
            removal.dropDatabase(db.name(), db.appRole());
        } else {
            if (plan.ownsSchema()) {
                removal.dropSchema(db.name(), plan.schema(), plan.tenantId(), db.appRole(), now);
            } else {
                removal.deleteRows(db.name(), plan.schema(), plan.tenantId(), db.appRole(), now);
            }
            if (plan.ownsSchema() || PlacementGuards.isTenantSchema(plan.schema())) {
                guards.refresh(planeOf(db.dataPlane()), db.dataPlane(), db.name(), plan.tenantId());
            }
        }
    }

    /** A T2's home database on a plane that is not a server: its T1 built it; it must be complete. */
    private void requireReady(DatabaseRecord db) throws SQLException {
        try (Connection c = management.getConnection()) {
            Optional<DatabaseRecord> current = DatabaseStore.find(c, db.dataPlane(), db.name());
            if (current.isEmpty() || current.get().schemaVersion() < DatabaseStore.READY || current.get().dropped()) {
                throw new StrataException(ErrorCode.INVALID_STATE, "Database " + db.name() + " on data plane '"
                        + db.dataPlane() + "' is not ready: its T1 is still being provisioned or is gone");
            }
        }
    }

    /** Creates a database (own or shared) unless it is already complete; serialised per database. */
    private void ensureDatabaseReady(TenantDatabases dbs, DatabaseRecord db) throws SQLException {
        ensureDatabaseReady(management, dbs, db);
    }

    /** Creates a database (own or shared) unless it is already complete; serialised per database. */
    static void ensureDatabaseReady(DataSource management, TenantDatabases dbs, DatabaseRecord db) throws SQLException {
        try (Connection lock = management.getConnection()) {
            String key = "strata:database:" + db.dataPlane() + "/" + db.name();
            try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
                ps.setString(1, key);
                ps.execute();
            }
            try {
                Optional<DatabaseRecord> current = DatabaseStore.find(lock, db.dataPlane(), db.name());
                if (current.isPresent() && current.get().schemaVersion() >= DatabaseStore.READY
                        && !current.get().dropped()) {
                    return;
                }
                dbs.ensureAppRole(db.appRole(), db.appPassword());
                dbs.ensureDatabase(db.name(), db.appRole());
                dbs.grantBaseAccess(db.name(), db.appRole());
                DatabaseStore.setSchemaVersion(lock, db.dataPlane(), db.name(), DatabaseStore.READY);
            } finally {
                try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                    ps.setString(1, key);
                    ps.execute();
                }
            }
        }
    }

    /** The plan of a tenant registered earlier (to complete or roll back its provisioning). */
    PlacementPlan planOf(Tenant tenant) {
        Placement p = tenant.placement();
        DatabaseRecord db = Jdbc.withConnection(management, "read database",
                c -> DatabaseStore.find(c, p.dataPlane(), p.database())).orElseThrow(() -> new StrataException(
                ErrorCode.INTERNAL, "Tenant '" + tenant.slug() + "' is placed in an unregistered database " + p.database()));
        boolean ownsDb = db.purpose() == DatabasePurpose.TENANT && tenant.id().equals(db.ownerTenantId());
        return new PlacementPlan(tenant.id(), tenant.slug(), tenant.tier(), tenant.parentId(), p.mode(), db,
                p.schema(), ownsDb, p.mode() == IsolationMode.SCHEMA);
    }

    TenantDatabases planeOf(String key) {
        TenantDatabases dbs = planes.get(key);
        if (dbs == null) {
            throw new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + key + "' is registered");
        }
        return dbs;
    }

    private TenantRemoval removalOf(String key) {
        planeOf(key);
        return removals.get(key);
    }
}
