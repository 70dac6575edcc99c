package dev.strata.server.api;

import dev.strata.Tenant;
import dev.strata.TenantLimits;

import java.util.UUID;

/**
 * The limits a tenant runs with as the REST API shows it: {@code source} is {@code tenant} when
 * it has limits of its own, {@code tier} when it runs with its tier's. Timeouts in milliseconds;
 * a {@code statement_timeout_ms} of 0 means none.
 */
public record LimitsView(UUID tenantId, String slug, String source, int maxConcurrentTransactions,
                         long acquireTimeoutMs, long statementTimeoutMs) {

    /** Where the limits come from. */
    enum Source {
        TENANT, TIER;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static LimitsView of(Tenant tenant, TenantLimits limits, Source source) {
        return new LimitsView(tenant.id(), tenant.slug(), source.wireName(), limits.maxConcurrentTransactions(),
                limits.acquireTimeout().toMillis(), limits.statementTimeout().toMillis());
    }
}
