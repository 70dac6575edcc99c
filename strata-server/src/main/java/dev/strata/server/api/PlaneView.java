package dev.strata.server.api;

import dev.strata.DataPlaneInfo;
import dev.strata.OperationInfo;

import java.time.Instant;
import java.util.UUID;

/**
 * A data plane as the REST API shows it: never a credential ({@code address} is host and port).
 * {@code supports_online_moves} is whether the server runs with {@code wal_level=logical}; {@code placement}
 * is a Neon plane's ({@code project} or {@code branch}), {@code null} for a server; {@code drain} is the
 * progress of its last drain, or {@code null}.
 */
public record PlaneView(String key, String kind, String region, Integer capacity, String status, String address,
                        String serverVersion, String walLevel, boolean supportsOnlineMoves, boolean embedded,
                        int tenants, int t1Databases, int databases, UUID drainOperation, Drain drain, Instant createdAt,
                        String placement) {

    /**
     * The progress of the plane's last drain: {@code done} (moved or failed) of {@code total}
     * tenants, how many were {@code moved}, and the slugs of those that {@code failed}.
     */
    public record Drain(UUID operation, String state, int done, int total, int moved, java.util.List<String> failed,
                        String error) {
        static Drain of(OperationInfo op) {
            java.util.List<String> failed = new java.util.ArrayList<>();
            if (op.report().get("tenants") instanceof java.util.Map<?, ?> tenants) {
                tenants.forEach((slug, row) -> {
                    if (row instanceof java.util.Map<?, ?> r && "failed".equals(r.get("state"))) {
                        failed.add(String.valueOf(slug));
                    }
                });
            }
            int moved = op.report().get("moved") instanceof Number n ? n.intValue() : 0;
            return new Drain(op.id(), op.state().wireName(), op.done(), op.total(), moved, failed, op.error());
        }
    }

    public static PlaneView of(DataPlaneInfo p) {
        return of(p, null);
    }

    /** The plane with the progress of its last drain ({@code null} for none). */
    public static PlaneView of(DataPlaneInfo p, OperationInfo drain) {
        return new PlaneView(p.key(), p.kind(), p.region(), p.capacity(), p.status().wireName(), p.address(),
                p.serverVersion(), p.walLevel(), p.supportsOnlineMoves(), p.embedded(), p.tenants(), p.t1Databases(),
                p.databases(), p.drainOperation(), drain == null ? null : Drain.of(drain), p.createdAt(), p.placement());
    }
}
