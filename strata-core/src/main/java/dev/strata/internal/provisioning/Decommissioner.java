package dev.strata.internal.provisioning;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.operation.DecommissionStep;
import dev.strata.internal.operation.JournalDetail;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationJournal;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Decommissions a tenant (and, in a cascade, its T2s) in three phases:
 * <ol>
 *   <li>under the T1 subtree lock, re-validate and mark every tenant it removes
 *       {@code decommissioning} and open the journalled operation: from then on they take no
 *       work (routing refuses them), no new children and no resume;</li>
 *   <li>without any registry lock: let transactions already in flight drain (bounded), then drop
 *       the data, ending the sessions that still hold it up ({@link TenantRemoval});</li>
 *   <li>in one transaction, mark them {@code decommissioned} and close the operation.</li>
 * </ol>
 * A failure in phase 2 leaves the tenants {@code decommissioning} with the operation
 * {@code failed}; decommissioning any of them again claims that operation and finishes it. An
 * interrupted operation is taken over by recovery once its lease has expired
 * ({@link DecommissionHandler}). The operation's detail records the status each member had
 * before, so an operator can abort it while no data has been removed yet. Thread-safe.
 */
final class Decommissioner {
    private static final Logger LOG = LoggerFactory.getLogger(Decommissioner.class);
    /** Journal detail key: each member's status before the decommissioning, by tenant id (what an abort restores). */
    static final String PREVIOUS_STATUSES = "previous_statuses";

    private final StrataConfig config;
    private final Registry registry;
    private final DataSource management;
    private final OperationJournal journal;
    private final OperationRunner runner;
    private final Map<String, TenantRemoval> removals;
    private final PlacementGuards guards;
    private final Map<String, TenantDatabases> planes;
    private final ProvisioningListener listener;
    private final ExternalPlanes external;

    Decommissioner(StrataConfig config, Registry registry, OperationRunner runner,
                   Map<String, TenantRemoval> removals, PlacementGuards guards, Map<String, TenantDatabases> planes,
                   ProvisioningListener listener, ExternalPlanes external) {
        this.external = external;
        this.config = config;
        this.registry = registry;
        this.management = registry.dataSource();
        this.journal = runner.journal();
        this.runner = runner;
        this.removals = removals;
        this.guards = guards;
        this.planes = planes;
        this.listener = listener;
    }

    /** The operation to run and the tenant it decommissions. */
    private record Start(UUID operation, UUID tenantId, JournalEntry claimed) {
    }

    Tenant decommission(String key, boolean cascade, String actor) {
        Tenant found = registry.resolve(key);
        if (found.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator cannot be decommissioned");
        }
        Start start = Jdbc.inTransaction(management, "start decommissioning '" + found.slug() + "'", c -> {
            SubtreeLocks.lockSubtree(c, LifecycleRules.subtreeOf(found));
            Tenant tenant = registry.findById(c, found.id()).orElseThrow();
            switch (tenant.status()) {
                case DECOMMISSIONED -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                        "Tenant '" + tenant.slug() + "' is already decommissioned");
                case DECOMMISSIONING -> {
                    return retry(c, tenant);
                }
                case ACTIVE, SUSPENDED -> {
                    return begin(c, tenant, cascade);
                }
                default -> throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Tenant '" + tenant.slug() + "' is "
                        + tenant.status().wireName() + " and cannot be decommissioned now; try again when it is active");
            }
        });
        listener.tenantChanged(found.id());
        if (start.claimed() != null) {
            try (RunningOperation operation = runner.track(start.claimed())) {
                return finish(start.tenantId(), operation, actor);
            }
        }
        try (RunningOperation operation = runner.track(start.operation(), OperationKind.DECOMMISSION)) {
            return finish(start.tenantId(), operation, actor);
        }
    }

    /** Phase 1 for a live tenant: validate its children, mark the subtree, open the operation. */
    private Start begin(Connection c, Tenant tenant, boolean cascade) throws SQLException {
        List<Tenant> children = tenant.tier() == Tier.T1 ? registry.liveChildren(c, tenant.id()) : List.of();
        for (Tenant child : children) {
            if (child.status() == TenantStatus.PROVISIONING || child.status() == TenantStatus.MIGRATING) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "T2 tenant '" + child.slug() + "' of '"
                        + tenant.slug() + "' is " + child.status().wireName() + "; decommission '" + tenant.slug()
                        + "' when that has finished");
            }
            if (child.status() == TenantStatus.DECOMMISSIONING && journal.hasLiveOperation(c, child.id())) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "T2 tenant '" + child.slug() + "' of '"
                        + tenant.slug() + "' is being decommissioned; try again when that has finished");
            }
        }
        if (!children.isEmpty() && !cascade) {
            throw new StrataException(ErrorCode.HAS_CHILDREN, "Tenant '" + tenant.slug() + "' still has " + children.size()
                    + " live T2 tenant(s) (" + children.stream().map(Tenant::slug).limit(5).reduce((a, b) -> a + ", " + b).orElse("")
                    + "): decommission them first or ask for a cascade");
        }
        ObjectNode detail = JournalDetail.object("previous_status", tenant.status().wireName(),
                "cascade", Boolean.toString(!children.isEmpty()));
        ObjectNode previous = detail.putObject(PREVIOUS_STATUSES);
        for (Tenant child : children) {
            previous.put(child.id().toString(), child.status().wireName());
            registry.updateStatus(c, child.id(), child.status(), TenantStatus.DECOMMISSIONING);
        }
        previous.put(tenant.id().toString(), tenant.status().wireName());
        registry.updateStatus(c, tenant.id(), tenant.status(), TenantStatus.DECOMMISSIONING);
        UUID operation = runner.open(c, OperationKind.DECOMMISSION, tenant.id(), detail.toString());
        return new Start(operation, tenant.id(), null);
    }

    /**
     * A tenant already decommissioning: take over its decommission (its own, or its T1's cascade)
     * if nobody works on it (it failed, or its owner's lease expired); refuse if somebody does.
     */
    private Start retry(Connection c, Tenant tenant) throws SQLException {
        List<UUID> covering = new ArrayList<>(List.of(tenant.id()));
        if (tenant.tier() == Tier.T2) {
            registry.findById(c, tenant.parentId()).filter(p -> p.status() == TenantStatus.DECOMMISSIONING)
                    .ifPresent(p -> covering.add(p.id()));
        }
        Optional<JournalEntry> pending = journal.latestUnfinished(c, OperationKind.DECOMMISSION, covering);
        if (pending.isEmpty()) {
            return new Start(runner.open(c, OperationKind.DECOMMISSION, tenant.id(),
                    JournalDetail.json("previous_status", tenant.status().wireName())), tenant.id(), null);
        }
        if (!journal.claim(c, pending.get().id())) {
            throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Tenant '" + tenant.slug() + "' is being "
                    + "decommissioned (operation " + pending.get().id() + " of process " + pending.get().owner()
                    + "); try again when it has finished");
        }
        LOG.warn("Resuming the unfinished decommissioning of tenant '{}' (operation {})", tenant.slug(), pending.get().id());
        return new Start(pending.get().id(), pending.get().tenantId(), pending.get());
    }

    /**
     * Phases 2 and 3 of an operation this process owns. Also the recovery of one journalled
     * before tenants were marked: the subtree is marked first.
     */
    Tenant finish(UUID tenantId, RunningOperation operation, String actor) {
        List<Tenant> members = Jdbc.inTransaction(management, "mark tenants decommissioning", c -> mark(c, tenantId));
        Tenant root = members.get(members.size() - 1);
        members.forEach(m -> listener.tenantChanged(m.id()));
        String previousMdc = MDC.get("tenant");
        MDC.put("tenant", tenantId.toString());
        try {
            removeData(root, members, operation);
            Tenant done = Jdbc.inTransaction(management, "mark '" + root.slug() + "' decommissioned", c -> {
                SubtreeLocks.lockSubtree(c, LifecycleRules.subtreeOf(root));
                for (Tenant member : members) {
                    if (registry.updateStatus(c, member.id(), TenantStatus.DECOMMISSIONING, TenantStatus.DECOMMISSIONED)) {
                        Placement p = member.placement();
                        registry.recordEvent(c, member.id(), "decommissioned", actor, p == null ? null : JournalDetail.json(
                                "mode", p.mode().wireName(), "database", p.database(), "schema", p.schema()));
                    }
                }
                operation.finish(c, OperationState.SUCCEEDED, null);
                return registry.findById(c, root.id()).orElseThrow();
            });
            members.forEach(m -> listener.tenantChanged(m.id()));
            LOG.info("Decommissioned tenant '{}'{}", root.slug(),
                    members.size() > 1 ? " and its " + (members.size() - 1) + " T2 tenant(s)" : "");
            return done;
        } catch (RuntimeException e) {
            try {
                operation.finish(OperationState.FAILED, e.getMessage());
            } catch (RuntimeException notOwner) {
                e.addSuppressed(notOwner);
            }
            ErrorCode code = e instanceof StrataException se ? se.code() : ErrorCode.INTERNAL;
            throw new StrataException(code, "Decommissioning '" + root.slug() + "' failed: " + e.getMessage()
                    + ". It stays decommissioning (it takes no work and cannot be resumed); decommission it again to finish", e);
        } finally {
            if (previousMdc == null) {
                MDC.remove("tenant");
            } else {
                MDC.put("tenant", previousMdc);
            }
        }
    }

    /** Marks the tenant and its live T2s decommissioning (if not yet); returns them, T2s first, the tenant last. */
    private List<Tenant> mark(Connection c, UUID tenantId) throws SQLException {
        Tenant found = registry.findById(c, tenantId).orElseThrow();
        SubtreeLocks.lockSubtree(c, LifecycleRules.subtreeOf(found));
        Tenant tenant = registry.findById(c, tenantId).orElseThrow();
        List<Tenant> members = new ArrayList<>();
        if (tenant.tier() == Tier.T1) {
            for (Tenant child : registry.liveChildren(c, tenant.id())) {
                if (child.status() == TenantStatus.PROVISIONING || child.status() == TenantStatus.MIGRATING) {
                    throw new StrataException(ErrorCode.OPERATION_CONFLICT, "T2 tenant '" + child.slug() + "' is "
                            + child.status().wireName() + "; the decommissioning of '" + tenant.slug() + "' waits for it");
                }
                members.add(markOne(c, child));
            }
        }
        if (tenant.status() != TenantStatus.DECOMMISSIONED) {
            members.add(markOne(c, tenant));
        } else {
            members.add(tenant);
        }
        return members;
    }

    private Tenant markOne(Connection c, Tenant tenant) throws SQLException {
        if (tenant.status() == TenantStatus.ACTIVE || tenant.status() == TenantStatus.SUSPENDED) {
            registry.updateStatus(c, tenant.id(), tenant.status(), TenantStatus.DECOMMISSIONING);
            return registry.findById(c, tenant.id()).orElseThrow();
        }
        return tenant;
    }

    /** Phase 2: drains, then removes each member's data (what lies in the root's own database goes with it). */
    private void removeData(Tenant root, List<Tenant> members, RunningOperation operation) {
        Instant deadline = Instant.now().plus(config.decommissionDrainTimeout());
        Map<String, DatabaseRecord> databases = new LinkedHashMap<>();
        Map<UUID, DatabaseRecord> homes = new LinkedHashMap<>();
        Jdbc.withConnection(management, "read the tenants' databases", c -> {
            for (Tenant member : members) {
                Placement p = member.placement();
                if (p != null) {
                    Optional<DatabaseRecord> db = DatabaseStore.find(c, p.dataPlane(), p.database());
                    db.ifPresent(record -> {
                        homes.put(member.id(), record);
                        databases.putIfAbsent(record.dataPlane() + "/" + record.name(), record);
                    });
                }
            }
            return null;
        });
        DatabaseRecord rootHome = homes.get(root.id());
        boolean rootOwnsDatabase = rootHome != null && ownsDatabase(root, rootHome);
        List<Tenant> removed = members.stream()
                .filter(m -> removesOwnData(m, root, homes.get(m.id()), rootOwnsDatabase, rootHome)).toList();
        operation.plan(1 + removed.size());
        operation.step(DecommissionStep.DRAIN, () -> {
            for (DatabaseRecord db : databases.values()) {
                if (!db.dropped()) {
                    removal(db).drain(db.name(), db.appRole(), deadline);
                }
            }
        });
        for (Tenant member : removed) {
            DatabaseRecord db = homes.get(member.id());
            String qualifier = member == root ? null : member.slug();
            Placement p = member.placement();
            TenantRemoval removal = removal(db);
            if (ownsDatabase(member, db)) {
                operation.step(DecommissionStep.DROP_DATABASE, qualifier, () -> {
                    listener.tenantRemoving(member.id());
                    listener.databaseDropping(db.dataPlane(), db.name());
                    if (external.handles(db.dataPlane())) {
                        external.remove(member.id(), db.dataPlane(), db.name());
                    } else {
                        removal.dropDatabase(db.name(), db.appRole());
                    }
                    try (Connection c = management.getConnection()) {
                        DatabaseStore.markDropped(c, db.dataPlane(), db.name());
                    }
                });
            } else if (p.mode() == IsolationMode.SCHEMA) {
                operation.step(DecommissionStep.DROP_SCHEMA, qualifier, () -> {
                    removal.dropSchema(db.name(), p.schema(), member.id(), db.appRole(), deadline);
                    refreshGuard(db, member.id());
                });
            } else {
                operation.step(DecommissionStep.DELETE_ROWS, qualifier, () -> {
                    removal.deleteRows(db.name(), p.schema(), member.id(), db.appRole(), deadline);
                    if (PlacementGuards.isTenantSchema(p.schema())) {
                        refreshGuard(db, member.id());
                    }
                });
            }
        }
    }

    /**
     * Whether a member's data needs a removal step of its own: it has storage not dropped yet,
     * and not in the root's own database (which goes with the root).
     */
    private static boolean removesOwnData(Tenant member, Tenant root, DatabaseRecord db, boolean rootOwnsDatabase,
                                          DatabaseRecord rootHome) {
        if (db == null || db.dropped()) {
            return false;
        }
        return !(rootOwnsDatabase && member != root && db.name().equals(rootHome.name())
                && db.dataPlane().equals(rootHome.dataPlane()));
    }

    /** The tenants placed in the database's tenant schemas changed: the placement guard follows, without {@code leaving}. */
    private void refreshGuard(DatabaseRecord db, UUID leaving) {
        TenantDatabases dbs = external.handles(db.dataPlane()) ? external.databases(db.dataPlane(), db.name())
                : planes.get(db.dataPlane());
        if (dbs == null) {
            throw new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + db.dataPlane() + "' is registered");
        }
        guards.refresh(dbs, db.dataPlane(), db.name(), leaving);
    }

    private static boolean ownsDatabase(Tenant tenant, DatabaseRecord db) {
        return db.purpose() == DatabasePurpose.TENANT && tenant.id().equals(db.ownerTenantId());
    }

    private TenantRemoval removal(DatabaseRecord db) {
        if (external.handles(db.dataPlane())) {
            return new TenantRemoval(external.databases(db.dataPlane(), db.name()).plane());
        }
        TenantRemoval removal = removals.get(db.dataPlane());
        if (removal == null) {
            throw new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + db.dataPlane() + "' is registered");
        }
        return removal;
    }
}
