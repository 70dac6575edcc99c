package dev.strata.internal.neon;

import java.util.Objects;

/**
 * Where a T1 placed on a Neon plane lives: its project, its production branch, the compute endpoint
 * that serves that branch, and the database and role Strata uses there. Immutable.
 *
 * @param planeKey     the Neon plane's key
 * @param projectId    the Neon project holding the T1's branch
 * @param branchId     the T1's production branch (the one routed for its traffic)
 * @param endpointId   the read-write compute endpoint of that branch
 * @param databaseName the database on that branch holding the T1's data
 * @param ownerRole    the Neon role Strata administers the branch as
 */
public record NeonPlacement(String planeKey, String projectId, String branchId, String endpointId,
                            String databaseName, String ownerRole) {
    public NeonPlacement {
        Objects.requireNonNull(planeKey, "planeKey");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(branchId, "branchId");
    }
}
