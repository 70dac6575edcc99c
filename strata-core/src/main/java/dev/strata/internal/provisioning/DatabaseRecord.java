package dev.strata.internal.provisioning;

import java.util.UUID;

/**
 * A database Strata created, as recorded in {@code platform.databases}. The password is the app
 * role's; it never appears in {@link #toString()}.
 */
public record DatabaseRecord(String dataPlane, String name, DatabasePurpose purpose, UUID ownerTenantId,
                             String appRole, String appPassword, int schemaVersion, boolean dropped) {

    @Override
    public String toString() {
        return "DatabaseRecord[" + dataPlane + "/" + name + ", " + purpose + ", role " + appRole + ", v" + schemaVersion
                + (dropped ? ", dropped" : "") + "]";
    }
}
