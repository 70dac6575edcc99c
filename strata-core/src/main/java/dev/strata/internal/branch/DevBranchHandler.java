package dev.strata.internal.branch;

import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.util.Optional;

/**
 * Finishes a {@link OperationKind#DEV_BRANCH} operation a crash interrupted: a creation is carried
 * forward (the Neon branch and role found by their deterministic names), a deletion is finished.
 * Aborting a creation deletes what it made; a deletion that reached Neon cannot be aborted.
 */
final class DevBranchHandler implements OperationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DevBranchHandler.class);
    private static final String RECOVERY = "strata-recovery";

    private final DataSource management;
    private final BranchRun run;

    DevBranchHandler(DataSource management, BranchRun run) {
        this.management = management;
        this.run = run;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.DEV_BRANCH;
    }

    @Override
    public void recover(JournalEntry entry, RunningOperation operation) {
        resume(entry, operation);
    }

    @Override
    public void resume(JournalEntry entry, RunningOperation operation) {
        Optional<BranchRecord> record = record(entry);
        if (record.isEmpty()) {
            operation.finish(OperationState.SUCCEEDED, null);
            return;
        }
        if (creating(entry)) {
            LOG.warn("Finishing the interrupted creation of dev branch '{}' of tenant {}", record.get().name(), entry.tenantId());
            run.create(record.get(), operation, true, RECOVERY);
        } else {
            LOG.warn("Finishing the interrupted deletion of dev branch '{}' of tenant {}", record.get().name(), entry.tenantId());
            run.delete(record.get(), operation, OperationState.SUCCEEDED, RECOVERY);
        }
    }

    @Override
    public void requireAbortable(JournalEntry entry) {
        if (!creating(entry) && entry.started(BranchStep.DELETE_BRANCH)) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Operation " + entry.id() + " already asked Neon to delete"
                    + " branch '" + entry.detail("name") + "': it cannot be undone; resume it instead");
        }
    }

    @Override
    public void abort(JournalEntry entry, RunningOperation operation) {
        Optional<BranchRecord> record = record(entry);
        if (record.isEmpty()) {
            operation.finish(OperationState.ABORTED, "Nothing was left to undo");
            return;
        }
        if (creating(entry)) {
            run.delete(record.get(), operation, OperationState.ABORTED, "strata-operator");
        } else {
            Jdbc.useTransaction(management, "keep branch " + record.get().name(), c -> {
                BranchStore.setState(c, entry.tenantId(), record.get().name(), BranchRecord.READY, entry.id());
                operation.finish(c, OperationState.ABORTED, "Aborted by an operator: the branch was kept");
            });
        }
    }

    private static boolean creating(JournalEntry entry) {
        return entry.detail("action") != null && "create".equals(entry.detail("action").asText());
    }

    private Optional<BranchRecord> record(JournalEntry entry) {
        if (entry.detail("name") == null || entry.tenantId() == null) {
            return Optional.empty();
        }
        String name = entry.detail("name").asText();
        return Jdbc.inTransaction(management, "read branch " + name, c -> BranchStore.find(c, entry.tenantId(), name, false));
    }
}
