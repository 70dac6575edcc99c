package dev.strata.internal.restore;

import dev.strata.internal.operation.OperationStep;

/** The steps of a {@link dev.strata.OperationKind#POINT_IN_TIME_RESTORE} operation, in order. */
public enum NeonRestoreStep implements OperationStep {
    /**
     * Neon restores the production branch from its own history, keeping its state before under the
     * preserved name (skipped when that branch exists: an earlier attempt did it).
     */
    RESTORE_BRANCH,
    /** Every process's routes of the T1 and its T2s are dropped, and this process's pools to them closed. */
    DROP_CONNECTIONS
}
