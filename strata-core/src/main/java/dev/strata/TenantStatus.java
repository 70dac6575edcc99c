package dev.strata;

import java.util.Locale;

/**
 * A tenant's life cycle: {@code provisioning → active ⇄ suspended → decommissioning →
 * decommissioned}, and {@code migrating} while its data moves between placements. A
 * {@code decommissioning} tenant (and, in a cascade, each of its T2s) takes no work, no new
 * children and no resume while its data is being dropped; if the drop fails it stays so until
 * decommissioning it again finishes the job.
 */
public enum TenantStatus {
    PROVISIONING, ACTIVE, SUSPENDED, MIGRATING, DECOMMISSIONING, DECOMMISSIONED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TenantStatus parse(String text) {
        for (TenantStatus status : values()) {
            if (status.wireName().equals(text)) {
                return status;
            }
        }
        throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                "Unknown tenant status '" + text + "': use provisioning, active, suspended, migrating, decommissioning or decommissioned");
    }
}
