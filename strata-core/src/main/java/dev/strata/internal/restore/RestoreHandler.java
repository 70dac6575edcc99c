package dev.strata.internal.restore;

import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.StrataException;
import dev.strata.internal.StrataEngine;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.RunningOperation;

/**
 * Finishes or undoes a restore from a backup that a crash interrupted. Recovery and resume run the
 * remaining steps (the replacement is one transaction, so running it again is safe); abort gives
 * the tenant back as it was, and is refused once the replacement has started, since it may have
 * committed. Thread-safe.
 */
public final class RestoreHandler implements OperationHandler {
    private final StrataEngine engine;

    public RestoreHandler(StrataEngine engine) {
        this.engine = engine;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.RESTORE;
    }

    @Override
    public void recover(JournalEntry entry, RunningOperation operation) {
        new TenantRestores(engine).resume(entry, operation);
    }

    @Override
    public void resume(JournalEntry entry, RunningOperation operation) {
        new TenantRestores(engine).resume(entry, operation);
    }

    @Override
    public void requireAbortable(JournalEntry entry) {
        if (entry.started(RestoreStep.REPLACE_DATA)) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Restore " + entry.id() + " has started replacing the "
                    + "tenant's data, which may have committed: it cannot be undone. Resume it to finish "
                    + "(strata operations resume " + entry.id() + ")");
        }
    }

    @Override
    public void abort(JournalEntry entry, RunningOperation operation) {
        new TenantRestores(engine).abort(entry, operation);
    }
}
