package dev.strata.internal.provisioning;

import java.util.UUID;

/** Told about registry changes so that caches and pools in this process follow at once. */
public interface ProvisioningListener {
    /** A tenant's status or placement changed. */
    void tenantChanged(UUID tenantId);

    /** A database is about to be dropped: close its pools. */
    void databaseDropping(String dataPlane, String database);
}
