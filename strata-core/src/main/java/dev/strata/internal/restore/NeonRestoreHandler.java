package dev.strata.internal.restore;

import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.RunningOperation;

/**
 * Finishes a {@link OperationKind#POINT_IN_TIME_RESTORE} a crash (or a failure) interrupted: the
 * restore is done again unless the preserved branch shows it was done, then the connections are
 * dropped. One that has not reached Neon can be aborted; one that has cannot (restore again to
 * undo it: the previous state is the preserved branch).
 */
final class NeonRestoreHandler implements OperationHandler {
    private final NeonPointInTimeRestore restore;

    NeonRestoreHandler(NeonPointInTimeRestore restore) {
        this.restore = restore;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.POINT_IN_TIME_RESTORE;
    }

    @Override
    public void recover(JournalEntry entry, RunningOperation operation) {
        resume(entry, operation);
    }

    @Override
    public void resume(JournalEntry entry, RunningOperation operation) {
        restore.run(NeonPointInTimeRestore.Detail.of(entry.tenantId(), entry.detailJson()), operation);
    }

    @Override
    public void requireAbortable(JournalEntry entry) {
        if (entry.started(NeonRestoreStep.RESTORE_BRANCH)) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Restore " + entry.id() + " already asked Neon to restore"
                    + " the branch: it cannot be aborted. Resume it (strata operations resume " + entry.id() + ")");
        }
    }

    @Override
    public void abort(JournalEntry entry, RunningOperation operation) {
        operation.finish(OperationState.ABORTED, "Aborted by an operator before Neon was asked: nothing was restored");
    }
}
