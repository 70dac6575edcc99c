package dev.strata.server.api;

import dev.strata.DataPlaneInfo;

import java.time.Instant;
import java.util.UUID;

/**
 * A data plane as the REST API shows it: never a credential ({@code address} is host and port).
 * {@code supports_online_moves} is whether the server runs with {@code wal_level=logical}; {@code placement}
 * is a Neon plane's ({@code project} or {@code branch}), {@code null} for a server.
 */
public record PlaneView(String key, String kind, String region, Integer capacity, String status, String address,
                        String serverVersion, String walLevel, boolean supportsOnlineMoves, boolean embedded,
                        int tenants, int t1Databases, int databases, UUID drainOperation, Instant createdAt,
                        String placement) {

    public static PlaneView of(DataPlaneInfo p) {
        return new PlaneView(p.key(), p.kind(), p.region(), p.capacity(), p.status().wireName(), p.address(),
                p.serverVersion(), p.walLevel(), p.supportsOnlineMoves(), p.embedded(), p.tenants(), p.t1Databases(),
                p.databases(), p.drainOperation(), p.createdAt(), p.placement());
    }
}
