package dev.strata.internal.operation;

/**
 * The steps of a decommissioning ({@link dev.strata.OperationKind#DECOMMISSION}). The removal
 * steps run once per member of a cascade, qualified with the member's slug (the root's without).
 */
public enum DecommissionStep implements OperationStep {
    /** Transactions already in flight in the members' databases end (bounded), then blockers are ended. */
    DRAIN,
    /** A member's own database is dropped. */
    DROP_DATABASE,
    /** A schema-mode member's schema is dropped. */
    DROP_SCHEMA,
    /** An RLS-mode member's rows are deleted from its shared tables. */
    DELETE_ROWS;

    /** Whether running this step removes data (after which a decommissioning can no longer be undone). */
    public boolean removesData() {
        return this != DRAIN;
    }
}
