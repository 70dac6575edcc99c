package dev.strata.internal.move;

import dev.strata.internal.operation.OperationStep;

/**
 * The steps of a move ({@link dev.strata.OperationKind#MOVE}), in the order they run. Each is
 * idempotent, so a resumed move runs the unfinished ones again; the source is removed only after
 * {@link #VERIFY} passed and the routing flipped.
 */
public enum MoveStep implements OperationStep {
    /** The request is checked again against the registry and the source (capturable, same schema). */
    VALIDATE,
    /** The target exists at the tenant's schema version: a database, a schema, or a shared database's tables. */
    PROVISION_TARGET,
    /** The publication and the logical slot capture the tenant's changes from now on. */
    START_CAPTURE,
    /** The tenant's rows as of the start are copied. */
    INITIAL_COPY,
    /** Captured changes are applied until the target lags little. */
    CATCH_UP,
    /** The tenant's new transactions wait; every router acknowledged that none of its transactions still runs. */
    FREEZE,
    /** The last captured changes are applied. */
    FINAL_CATCH_UP,
    /** Counts and checksums of every table agree, source against target. */
    VERIFY,
    /** The target's sequences are at least the source's. */
    SYNC_SEQUENCES,
    /** One management transaction: the new placement, the freeze cleared, the tenant active again. */
    FLIP,
    /** The source's rows, schema or database (and its role) are removed. */
    REMOVE_SOURCE,
    /** The slot and the publication are dropped. */
    STOP_CAPTURE,
    /** Compensation (abort): the tenant is back at its source, the target removed. */
    ABORT
}
