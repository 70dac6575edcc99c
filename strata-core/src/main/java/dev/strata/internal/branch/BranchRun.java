package dev.strata.internal.branch;

import dev.strata.DevBranch;
import dev.strata.ErrorCode;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.internal.neon.NeonApi;
import dev.strata.internal.neon.NeonBranch;
import dev.strata.internal.neon.NeonPlacements;
import dev.strata.internal.operation.JournalDetail;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs the steps of creating and deleting a dev branch under a {@link RunningOperation}. Every
 * step can run again after a crash: the Neon branch and role are looked up by their deterministic
 * names before anything is made, and deleting what is gone is harmless. Thread-safe.
 */
final class BranchRun {
    private static final Logger LOG = LoggerFactory.getLogger(BranchRun.class);

    private final DataSource management;
    private final Registry registry;
    private final Supplier<NeonPlacements> placements;

    BranchRun(DataSource management, Registry registry, Supplier<NeonPlacements> placements) {
        this.management = management;
        this.registry = registry;
        this.placements = placements;
    }

    /**
     * Creates the branch (or finishes creating it) and ends the operation succeeded.
     *
     * @param resuming whether an earlier attempt may have made the branch or role already
     * @return the branch, with its connection string
     */
    DevBranch create(BranchRecord record, RunningOperation operation, boolean resuming, String actor) {
        NeonApi api = placements.get().api(record.planeKey());
        operation.plan(4);
        NeonBranch[] made = {null};
        operation.step(BranchStep.CREATE_BRANCH, () -> made[0] = findOrCreate(api, record));
        BranchRecord withNeon = record.withNeon(made[0].id(), made[0].endpointId());
        operation.step(BranchStep.RECORD_BRANCH, () -> Jdbc.useTransaction(management, "record branch " + record.name(),
                c -> BranchStore.setNeon(c, record.tenantId(), record.name(), made[0].id(), made[0].endpointId())));
        operation.step(BranchStep.CREATE_ROLE, () -> ensureRole(api, withNeon, resuming));
        operation.step(BranchStep.GRANT_ACCESS, () -> {
            URI admin = api.connectionUri(record.projectId(), withNeon.branchId(), record.databaseName(), ownerRole(record), false);
            BranchAccess.grant(admin, api.connectionUri(record.projectId(), withNeon.branchId(), record.databaseName(),
                    record.roleName(), false));
        });
        Jdbc.useTransaction(management, "make branch " + record.name() + " ready", c -> {
            BranchStore.setState(c, record.tenantId(), record.name(), BranchRecord.READY, operation.id());
            registry.recordEvent(c, record.tenantId(), "branch_created", actor, JournalDetail.object("branch", record.name(),
                    "neon_branch", withNeon.branchId(), "from_timestamp", record.parentTimestamp() == null ? null
                            : record.parentTimestamp().toString()).toString());
            operation.finish(c, OperationState.SUCCEEDED, null);
        });
        URI uri = api.connectionUri(record.projectId(), withNeon.branchId(), record.databaseName(), record.roleName(), false);
        LOG.info("Dev branch '{}' of tenant {} is ready (Neon branch {})", record.name(), record.tenantId(), withNeon.branchId());
        return new DevBranch(record.tenantId(), record.name(), BranchRecord.READY, withNeon.branchId(),
                record.parentTimestamp(), record.createdAt(), record.roleName(), uri.toString());
    }

    /** Deletes the Neon branch (if there is one) and the record, and ends the operation. */
    void delete(BranchRecord record, RunningOperation operation, OperationState end, String actor) {
        NeonApi api = placements.get().api(record.planeKey());
        operation.plan(1);
        operation.step(BranchStep.DELETE_BRANCH, () -> {
            Optional<NeonBranch> found = record.branchId() != null
                    ? Optional.of(new NeonBranch(record.projectId(), record.branchId(), record.neonName(), null, false, null))
                    : byName(api, record);
            if (found.isPresent()) {
                api.deleteBranch(record.projectId(), found.get().id());
            }
        });
        Jdbc.useTransaction(management, "forget branch " + record.name(), c -> {
            BranchStore.delete(c, record.tenantId(), record.name());
            registry.recordEvent(c, record.tenantId(), end == OperationState.SUCCEEDED ? "branch_deleted" : "branch_creation_undone",
                    actor, JournalDetail.json("branch", record.name()));
            operation.finish(c, end, end == OperationState.SUCCEEDED ? null : "The branch's creation was undone");
        });
        LOG.info("Dev branch '{}' of tenant {} is gone", record.name(), record.tenantId());
    }

    private static NeonBranch findOrCreate(NeonApi api, BranchRecord record) {
        Optional<NeonBranch> existing = byName(api, record);
        if (existing.isPresent()) {
            LOG.info("Neon branch {} already exists (an earlier attempt made it): using it", record.neonName());
            return existing.get();
        }
        try {
            return api.createBranch(record.projectId(), record.parentBranchId(), record.neonName(), record.parentTimestamp());
        } catch (StrataException e) {
            if (record.parentTimestamp() != null && e.code() == ErrorCode.DATA_PLANE_FAILED && e.getMessage().contains("HTTP 400")) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Cannot branch tenant production at "
                        + record.parentTimestamp() + ": the moment must lie within the branch's history. " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static Optional<NeonBranch> byName(NeonApi api, BranchRecord record) {
        return api.listBranches(record.projectId()).stream().filter(b -> b.name().equals(record.neonName())).findFirst();
    }

    private static void ensureRole(NeonApi api, BranchRecord record, boolean resuming) {
        if (resuming) {
            try {
                api.revealPassword(record.projectId(), record.branchId(), record.roleName());
                return;
            } catch (StrataException e) {
                LOG.debug("Role {} is not on branch {} yet: creating it", record.roleName(), record.branchId());
            }
        }
        api.createRole(record.projectId(), record.branchId(), record.roleName());
    }

    private String ownerRole(BranchRecord record) {
        return placements.get().of(record.tenantId()).map(p -> p.ownerRole()).orElseThrow(() -> new StrataException(
                ErrorCode.PLANE_CANNOT, "Tenant " + record.tenantId() + " is no longer on a Neon plane"));
    }
}
