package dev.strata;

import java.time.Instant;
import java.util.List;

/**
 * Dev and staging branches of T1s on Neon planes: child branches of a T1's production branch, each
 * with its own role and connection string, never routed for the T1's production traffic. Obtained
 * from {@link Strata#branches()}; thread-safe.
 *
 * <p>A tenant key is a T1's id or slug. Every call on a tenant whose data is not on a Neon plane is
 * refused with {@link ErrorCode#PLANE_CANNOT} and changes nothing. Creating and deleting run as
 * journalled operations ({@link OperationKind#DEV_BRANCH}): one interrupted by a crash is finished
 * by recovery.
 */
public interface Branches {

    /**
     * Creates a branch of the T1's production branch at its current state, or as it was at
     * {@code fromTimestamp} (within the plane's history), with a role of its own, and returns once it
     * is ready. The answer carries the branch's connection string, the only time it is shown.
     *
     * @param name 1-40 characters of a-z, 0-9 and '-', starting with a letter
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} (name, timestamp),
     *                         {@link ErrorCode#BRANCH_EXISTS}, {@link ErrorCode#PLANE_CANNOT},
     *                         {@link ErrorCode#INVALID_HIERARCHY} (not a T1),
     *                         {@link ErrorCode#TENANT_NOT_FOUND}, {@link ErrorCode#DATA_PLANE_FAILED}
     */
    DevBranch create(String tenantKey, String name, Instant fromTimestamp);

    /** The T1's branches by name (without connection strings). */
    List<DevBranch> list(String tenantKey);

    /**
     * Deletes a branch (its Neon branch, endpoint and role) and returns once it is gone.
     *
     * @throws StrataException {@link ErrorCode#BRANCH_NOT_FOUND}, {@link ErrorCode#PLANE_CANNOT}
     */
    void delete(String tenantKey, String name);

    /** The same branches, recording {@code actor} in the tenant's history. */
    Branches actingAs(String actor);
}
