package dev.strata.server.api;

import dev.strata.TenantActivity;

import java.time.Duration;
import java.util.UUID;

/**
 * One tenant's activity over a window as the REST API shows it ({@code GET /v1/tenants/top}):
 * counts summed over every Strata process, latencies in milliseconds (microsecond precision).
 */
public record ActivityView(UUID id, String slug, int tier, long transactions, double tps, long errors, long throttled,
                           double meanLatencyMs, double maxLatencyMs) {

    public static ActivityView of(TenantActivity a) {
        return new ActivityView(a.tenantId(), a.slug(), a.tier().level(), a.transactions(), a.tps(), a.errors(),
                a.throttled(), millis(a.meanLatency()), millis(a.maxLatency()));
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1_000 / 1_000.0;
    }
}
