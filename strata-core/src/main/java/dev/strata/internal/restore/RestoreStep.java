package dev.strata.internal.restore;

import dev.strata.internal.operation.OperationStep;

/** The steps of a {@link dev.strata.OperationKind#RESTORE} operation, in order. */
public enum RestoreStep implements OperationStep {
    /** Keeps a backup of the tenant's current state ({@code --preserve-as}); skipped without one. */
    PRESERVE,
    /** Suspends the tenant (if it was active) so that nothing writes while its data is replaced. */
    SUSPEND,
    /** Deletes the tenant's rows and loads the backup's, in one transaction, verified before it commits. */
    REPLACE_DATA,
    /** Lets the tenant work again (if it was active before the restore). */
    RESUME
}
