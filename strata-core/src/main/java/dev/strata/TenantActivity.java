package dev.strata;

import java.time.Duration;
import java.util.UUID;

/**
 * One tenant's activity over a recent window, summed over every Strata process that worked for it
 * (each flushes its counters to the management database every {@code statsFlushInterval}).
 *
 * @param tenantId     the tenant
 * @param slug         its slug
 * @param tier         its tier
 * @param transactions transactions it ran (committed or failed; throttled ones did not run)
 * @param tps          transactions per second over the window
 * @param errors       transactions that failed (the work threw or the commit failed)
 * @param throttled    transactions refused with {@link ErrorCode#TENANT_THROTTLED}
 * @param meanLatency  mean duration of a transaction, from admission to commit or rollback
 * @param maxLatency   longest transaction
 */
public record TenantActivity(UUID tenantId, String slug, Tier tier, long transactions, double tps, long errors,
                             long throttled, Duration meanLatency, Duration maxLatency) {
}
