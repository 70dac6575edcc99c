package dev.strata.internal.neon;

import java.time.Instant;

/**
 * A T1's Neon placement as the registry keeps it: where it is ({@link #placement}), how Strata
 * reaches its database (the endpoint's direct and pooled addresses, the owner role's password) and
 * its last wake-up from a cold start; {@code strataDatabase} is the database's name in Strata's
 * registry (in branch placement the Neon database is the template's, of another name). Holds a credential: {@link #toString()} never shows it. Immutable.
 */
public record NeonPlacementRecord(java.util.UUID tenantId, NeonPlacement placement, String ownerPassword, String host,
                                  int port, String pooledHost, Integer pooledPort, long coldStarts, Instant lastWokenAt,
                                  Long lastWakeMillis, String strataDatabase) {
    @Override
    public String toString() {
        return "NeonPlacementRecord[" + tenantId + ", " + placement + ", " + host + ":" + port + "]";
    }
}
