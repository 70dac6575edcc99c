package dev.strata;

import java.time.Duration;
import java.util.List;

/**
 * Per-tenant activity across every Strata process sharing the management database, for finding
 * noisy neighbours (what {@code strata tenants top} shows, like Citus's {@code citus_stat_tenants}).
 * Obtained from {@link Strata#activity()}; thread-safe.
 *
 * <p>Live per-tenant metrics go to the configured Micrometer registry as well:
 * {@code strata.tenant.transactions} (a timer with a latency histogram), {@code strata.tenant.errors}
 * and {@code strata.tenant.throttled}, each tagged {@code tenant} (the slug) and {@code tier}. A
 * tenant's meters are registered in the background just after its first transaction in the process
 * (registration is too slow for the request path); what it records before then is counted once
 * they appear.
 */
public interface Activity {

    /**
     * The busiest tenants over the last {@code window}: most transactions first, then most time
     * spent. This process's counters are flushed first, so its own latest work is included; other
     * processes' work appears once they have flushed (within their {@code statsFlushInterval}).
     * The window is rounded down to whole minutes at its start.
     *
     * @param limit  at most this many tenants (1-1000)
     * @param window how far back to look (at least one minute)
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} for a limit or window out of range
     */
    List<TenantActivity> top(int limit, Duration window);

    /** Writes this process's counters to the management database now (also done periodically and at close). */
    void flush();
}
