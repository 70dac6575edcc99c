package dev.strata;

import java.time.Instant;
import java.util.UUID;

/**
 * A registered data plane as {@link Planes} reports it. Never carries credentials: the address is
 * host and port only. Immutable.
 *
 * @param key            the plane's key ({@code default} for the configured server)
 * @param kind           {@code postgres} or {@code neon}
 * @param region         its data-residency label, or {@code null}
 * @param capacity       the most T1 databases it takes, {@code null} for no limit
 * @param status         whether new T1s may land here
 * @param address        {@code host:port}; a Neon plane's API URL
 * @param serverVersion  the PostgreSQL version the server reported, {@code null} if not known yet
 * @param walLevel       the server's {@code wal_level} when last checked; online moves onto or off
 *                       the plane need {@code logical}
 * @param embedded       whether it is an embedded server Strata runs in its data directory
 * @param tenants        live tenants whose data is on the plane (any tier, any mode)
 * @param t1Databases    live databases of T1s in database mode (what {@code capacity} limits)
 * @param databases      live databases Strata created there (tenant and shared ones)
 * @param drainOperation the DRAIN operation started by the last {@link Planes#drain}, or {@code null}
 * @param createdAt      when it was registered
 * @param placement      a Neon plane's placement ({@code project} or {@code branch}), {@code null} for a server
 */
public record DataPlaneInfo(String key, String kind, String region, Integer capacity, PlaneStatus status,
                            String address, String serverVersion, String walLevel, boolean embedded, int tenants,
                            int t1Databases, int databases, UUID drainOperation, Instant createdAt,
                            String placement) {

    /** Whether tenants can be moved onto or off this plane online ({@code wal_level=logical}). */
    public boolean supportsOnlineMoves() {
        return "logical".equals(walLevel);
    }

    /** Whether a new T1 in database mode fits (active, below its capacity). */
    public boolean hasRoom() {
        return status == PlaneStatus.ACTIVE && (capacity == null || t1Databases < capacity);
    }
}
