package dev.strata.internal.provisioning;

import java.util.UUID;

/** Told about registry changes so that caches and pools in this process follow at once. */
public interface ProvisioningListener {
    /** A tenant's status or placement changed. */
    void tenantChanged(UUID tenantId);

    /** A database is about to be dropped: close its pools. */
    void databaseDropping(String dataPlane, String database);

    /**
     * A decommissioning is about to remove a tenant's own database: remove what hangs off it first
     * (a T1's dev branches on Neon, which Neon would not let its branch be deleted with). Called
     * again if the step is resumed, so it must be idempotent. Nothing by default.
     */
    default void tenantRemoving(UUID tenantId) {
    }
}
