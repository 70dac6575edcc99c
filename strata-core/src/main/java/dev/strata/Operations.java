package dev.strata;

import java.util.List;
import java.util.UUID;

/**
 * Long-running operations (provisioning, decommissioning, imports, the migration fan-out): list
 * and inspect them, and resume or abort one whose owning process died. Obtained from
 * {@link Strata#operations()}; thread-safe.
 *
 * <p>An operation is owned by exactly one process, which renews its lease while it works. No
 * process other than its owner resumes or aborts it while that lease runs; once it has expired
 * (the owner died or gave it up), any process may, and the first to claim it is its new owner.
 * Strata also takes such operations over by itself (at start-up and every lease period) unless
 * {@link StrataConfig#automaticRecovery()} is off. A refused call changes nothing.
 */
public interface Operations {

    /**
     * Operations that match the filter, newest first.
     *
     * @throws StrataException {@link ErrorCode#TENANT_NOT_FOUND} if the filter names an unknown tenant
     */
    List<OperationInfo> list(OperationFilter filter);

    /** Every operation, newest first, at most {@value OperationFilter#DEFAULT_LIMIT}. */
    default List<OperationInfo> list() {
        return list(OperationFilter.all());
    }

    /**
     * One operation as journalled now.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_NOT_FOUND}
     */
    OperationInfo show(UUID id);

    /**
     * Takes over an operation whose owner is gone (its lease expired) or that failed, and finishes
     * it in the calling thread: a provisioning is completed, a decommissioning finishes removing
     * the data. Returns the operation as it ended.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_NOT_FOUND}; {@link ErrorCode#OPERATION_CONFLICT} if
     *         its owner's lease still runs (the message names the owner and when the lease ends);
     *         {@link ErrorCode#INVALID_STATE} if it is finished or cannot be resumed (an interrupted
     *         import: its archive is gone, abort it instead); or the error that stopped it again
     */
    OperationInfo resume(UUID id);

    /**
     * Takes over an operation whose owner is gone (its lease expired) or that failed, undoes what
     * it did and marks it {@link OperationState#ABORTED}: a provisioning or import removes the
     * tenant's storage and registration; a decommissioning that has not removed any data yet
     * returns its tenants to the status they had. Returns the operation as it ended.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_NOT_FOUND}; {@link ErrorCode#OPERATION_CONFLICT} if
     *         its owner's lease still runs; {@link ErrorCode#INVALID_STATE} if it is finished or can no
     *         longer be undone (a decommissioning that already removed data: resume it)
     */
    OperationInfo abort(UUID id);
}
