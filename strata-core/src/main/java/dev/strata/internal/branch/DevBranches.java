package dev.strata.internal.branch;

import dev.strata.DevBranch;
import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.internal.neon.NeonPlacements;
import dev.strata.internal.operation.JournalDetail;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Dev and staging branches of T1s on Neon planes ({@link dev.strata.Branches}): validates, journals
 * each creation and deletion as a {@link OperationKind#DEV_BRANCH} operation (the record is written
 * in the same transaction that opens it, so a duplicate name is refused before Neon is called), runs
 * it in the caller's thread, and registers the handler that finishes one a crash interrupted. A
 * synchronous creation that fails is undone at once (its operation ends {@code rolled_back}).
 * Thread-safe.
 */
public final class DevBranches {
    private static final Logger LOG = LoggerFactory.getLogger(DevBranches.class);

    private final DataSource management;
    private final Registry registry;
    private final OperationRunner runner;
    private final Supplier<NeonPlacements> placements;
    private final BranchRun run;

    /**
     * @param placements where T1s on Neon planes live (asked on every call: the planes can change)
     */
    public DevBranches(DataSource management, Registry registry, OperationRunner runner, Supplier<NeonPlacements> placements) {
        this.management = management;
        this.registry = registry;
        this.runner = runner;
        this.placements = placements;
        this.run = new BranchRun(management, registry, placements);
        runner.register(new DevBranchHandler(management, run));
    }

    /** See {@link dev.strata.Branches#create}. */
    public DevBranch create(String tenantKey, String name, Instant fromTimestamp, String actor) {
        BranchNames.require(name);
        if (fromTimestamp != null && fromTimestamp.isAfter(Instant.now())) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The timestamp " + fromTimestamp
                    + " is in the future: a branch can start from a moment of the past (or from now, without a timestamp)");
        }
        Tenant t1 = t1(tenantKey);
        if (t1.status() != TenantStatus.ACTIVE) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Tenant '" + t1.slug() + "' is " + t1.status().name()
                    .toLowerCase() + ": branches are made of active tenants only");
        }
        NeonPlacement placement = neonPlacement(t1);
        Instant at = fromTimestamp == null ? null : fromTimestamp.truncatedTo(ChronoUnit.MICROS);
        BranchRecord record = Jdbc.inTransaction(management, "start branch '" + name + "' of '" + t1.slug() + "'", c -> {
            SubtreeLocks.lockSubtree(c, t1.id());
            Tenant now = registry.findById(c, t1.id()).orElseThrow();
            if (now.status() != TenantStatus.ACTIVE) {
                throw new StrataException(ErrorCode.INVALID_STATE, "Tenant '" + t1.slug() + "' is no longer active");
            }
            if (BranchStore.find(c, t1.id(), name, false).isPresent()) {
                throw exists(t1, name);
            }
            UUID operation = runner.open(c, OperationKind.DEV_BRANCH, t1.id(), JournalDetail.json("action", "create",
                    "name", name));
            BranchRecord r = new BranchRecord(t1.id(), name, BranchRecord.CREATING, placement.planeKey(),
                    placement.projectId(), placement.branchId(), BranchNames.neonBranch(t1.id(), name), null, null,
                    BranchNames.role(t1.id(), name), databaseName(placement), at, operation, actor, Instant.now());
            try {
                BranchStore.insert(c, r);
            } catch (SQLException e) {
                if (SqlStates.is(e, SqlStates.UNIQUE_VIOLATION)) {
                    throw exists(t1, name);
                }
                throw e;
            }
            return r;
        });
        LOG.info("Creating dev branch '{}' of tenant '{}' (operation {})", name, t1.slug(), record.operationId());
        try (RunningOperation operation = runner.track(record.operationId(), OperationKind.DEV_BRANCH)) {
            try {
                return run.create(record, operation, false, actor);
            } catch (RuntimeException e) {
                undo(record, operation, actor, e);
                throw e;
            }
        }
    }

    /** See {@link dev.strata.Branches#list}. */
    public List<DevBranch> list(String tenantKey) {
        Tenant t1 = t1(tenantKey);
        neonPlacement(t1);
        return Jdbc.inTransaction(management, "list branches of '" + t1.slug() + "'",
                c -> BranchStore.list(c, t1.id()).stream().map(BranchRecord::view).toList());
    }

    /** See {@link dev.strata.Branches#delete}. */
    public void delete(String tenantKey, String name, String actor) {
        BranchNames.require(name);
        Tenant t1 = t1(tenantKey);
        neonPlacement(t1);
        deleteOne(t1, name, actor);
    }

    /**
     * Deletes every branch of a T1 (its decommissioning does this before its own branch or project
     * goes: Neon does not delete a branch that has children). Nothing for a T1 without branches.
     */
    public void deleteAll(UUID t1Id, String actor) {
        List<BranchRecord> branches = Jdbc.inTransaction(management, "list branches of " + t1Id,
                c -> BranchStore.list(c, t1Id));
        if (branches.isEmpty()) {
            return;
        }
        Tenant t1 = registry.findById(t1Id).orElseThrow();
        for (BranchRecord b : branches) {
            deleteOne(t1, b.name(), actor);
        }
    }

    private void deleteOne(Tenant t1, String name, String actor) {
        BranchRecord record = Jdbc.inTransaction(management, "start deleting branch '" + name + "' of '" + t1.slug() + "'", c -> {
            SubtreeLocks.lockSubtree(c, t1.id());
            BranchRecord found = BranchStore.find(c, t1.id(), name, true).orElseThrow(() -> new StrataException(
                    ErrorCode.BRANCH_NOT_FOUND, "Tenant '" + t1.slug() + "' has no branch '" + name
                    + "': list them with 'strata tenants branch list " + t1.slug() + "'"));
            if (found.state().equals(BranchRecord.CREATING)) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Branch '" + name + "' of tenant '" + t1.slug()
                        + "' is still being created by operation " + found.operationId()
                        + ": wait for it, or abort it with 'strata operations abort " + found.operationId() + "'");
            }
            if (found.state().equals(BranchRecord.DELETING)) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Branch '" + name + "' of tenant '" + t1.slug()
                        + "' is already being deleted by operation " + found.operationId());
            }
            UUID operation = runner.open(c, OperationKind.DEV_BRANCH, t1.id(), JournalDetail.json("action", "delete",
                    "name", name));
            BranchStore.setState(c, t1.id(), name, BranchRecord.DELETING, operation);
            return new BranchRecord(found.tenantId(), found.name(), BranchRecord.DELETING, found.planeKey(),
                    found.projectId(), found.parentBranchId(), found.neonName(), found.branchId(), found.endpointId(),
                    found.roleName(), found.databaseName(), found.parentTimestamp(), operation, found.createdBy(),
                    found.createdAt());
        });
        LOG.info("Deleting dev branch '{}' of tenant '{}' (operation {})", name, t1.slug(), record.operationId());
        try (RunningOperation operation = runner.track(record.operationId(), OperationKind.DEV_BRANCH)) {
            try {
                run.delete(record, operation, OperationState.SUCCEEDED, actor);
            } catch (RuntimeException e) {
                operation.finish(OperationState.FAILED, e.getMessage());
                throw e;
            }
        }
    }

    /** Undoes a creation that failed in this thread; if even that fails, the operation ends failed (resume or abort it). */
    private void undo(BranchRecord record, RunningOperation operation, String actor, RuntimeException cause) {
        LOG.warn("Creating dev branch '{}' of tenant {} failed ({}); undoing it", record.name(), record.tenantId(),
                cause.getMessage());
        try {
            BranchRecord now = Jdbc.inTransaction(management, "read branch", c -> BranchStore.find(c, record.tenantId(),
                    record.name(), false)).orElse(record);
            run.delete(now, operation, OperationState.ROLLED_BACK, actor);
        } catch (RuntimeException e) {
            LOG.error("Could not undo the creation of dev branch '{}' of tenant {}: {}", record.name(), record.tenantId(),
                    e.getMessage());
            try {
                operation.finish(OperationState.FAILED, cause.getMessage() + "; undoing it failed too: " + e.getMessage());
            } catch (RuntimeException ignored) {
                // the lease expires when the operation is closed: recovery takes it over
            }
        }
    }

    /** The T1 a key names, refusing T0s, T2s and decommissioned tenants with the reason. */
    Tenant t1(String tenantKey) {
        Tenant t = registry.resolve(tenantKey);
        if (t.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator holds no tenant data: it has no branches");
        }
        if (t.tier() == Tier.T2) {
            String parent = registry.findById(t.parentId()).map(Tenant::slug).orElse(String.valueOf(t.parentId()));
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "Branches belong to T1s: T2 '" + t.slug()
                    + "' lives in T1 '" + parent + "', whose branches hold its data too");
        }
        if (t.status() == TenantStatus.DECOMMISSIONED) {
            throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED, "Tenant '" + t.slug() + "' was decommissioned");
        }
        return t;
    }

    private NeonPlacement neonPlacement(Tenant t1) {
        return placements.get().of(t1.id()).orElseThrow(() -> new StrataException(ErrorCode.PLANE_CANNOT, "Tenant '"
                + t1.slug() + "' lives on data plane '" + (t1.placement() == null ? "?" : t1.placement().dataPlane())
                + "', a PostgreSQL server, which has no branches: dev and staging branches need a T1 on a Neon plane"
                + " (add one with 'strata planes add KEY --kind neon' and move the tenant there). On PostgreSQL, export"
                + " the tenant and import the archive as a new T1 to get a copy to work on"));
    }

    private static String databaseName(NeonPlacement p) {
        if (p.databaseName() == null || p.ownerRole() == null) {
            throw new StrataException(ErrorCode.INTERNAL, "The Neon placement of project " + p.projectId()
                    + " names no database or owner role");
        }
        return p.databaseName();
    }

    private static StrataException exists(Tenant t1, String name) {
        return new StrataException(ErrorCode.BRANCH_EXISTS, "Tenant '" + t1.slug() + "' already has a branch '" + name
                + "': choose another name, or delete it first with 'strata tenants branch delete " + t1.slug() + " " + name + "'");
    }
}
