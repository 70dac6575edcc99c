package dev.strata.internal.branch;

import dev.strata.DevBranch;

import java.time.Instant;
import java.util.UUID;

/**
 * A dev branch as recorded in {@code platform.tenant_branches}. Immutable.
 *
 * @param state          {@code creating}, {@code ready} or {@code deleting}
 * @param parentBranchId the T1's production branch it was made from
 * @param neonName       the Neon branch's deterministic name
 * @param branchId       the Neon branch's id, {@code null} until recorded
 * @param endpointId     its read-write endpoint, {@code null} until recorded
 */
public record BranchRecord(UUID tenantId, String name, String state, String planeKey, String projectId,
                           String parentBranchId, String neonName, String branchId, String endpointId, String roleName,
                           String databaseName, Instant parentTimestamp, UUID operationId, String createdBy,
                           Instant createdAt) {
    public static final String CREATING = "creating";
    public static final String READY = "ready";
    public static final String DELETING = "deleting";

    /** The public view, without a connection string. */
    public DevBranch view() {
        return new DevBranch(tenantId, name, state, branchId, parentTimestamp, createdAt, roleName, null);
    }

    public BranchRecord withNeon(String newBranchId, String newEndpointId) {
        return new BranchRecord(tenantId, name, state, planeKey, projectId, parentBranchId, neonName, newBranchId,
                newEndpointId, roleName, databaseName, parentTimestamp, operationId, createdBy, createdAt);
    }
}
