package dev.strata;

import java.util.Locale;

/**
 * A tenant's life cycle: {@code provisioning → active ⇄ suspended → decommissioned}, and
 * {@code migrating} while its data moves between placements.
 */
public enum TenantStatus {
    PROVISIONING, ACTIVE, SUSPENDED, MIGRATING, DECOMMISSIONED;

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
                "Unknown tenant status '" + text + "': use provisioning, active, suspended, migrating or decommissioned");
    }
}
