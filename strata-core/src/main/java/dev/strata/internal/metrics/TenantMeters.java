package dev.strata.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One tenant's meters in this process: the Micrometer meters ({@code strata.tenant.transactions},
 * {@code strata.tenant.errors}, {@code strata.tenant.throttled}, tagged {@code tenant} and
 * {@code tier}) and the counters not yet flushed to {@code platform.tenant_activity}.
 * Thread-safe; recording is lock-free.
 */
final class TenantMeters {
    static final String TRANSACTIONS = "strata.tenant.transactions";
    static final String ERRORS = "strata.tenant.errors";
    static final String THROTTLED = "strata.tenant.throttled";

    /**
     * The latency histogram's buckets: few and fixed, because every tenant gets its own (a
     * percentile histogram would be some 70 buckets per tenant, too many series for thousands).
     */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    /** Counters drained for one flush. */
    record Snapshot(UUID tenantId, long transactions, long errors, long throttled, long totalMicros, long maxMicros) {
    }

    final UUID tenantId;
    private final Timer timer;
    private final Counter errorCounter;
    private final Counter throttledCounter;
    private final LongAdder transactions = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder totalMicros = new LongAdder();
    private final AtomicLong maxMicros = new AtomicLong();

    TenantMeters(MeterRegistry registry, UUID tenantId, String slug, String tier) {
        this.tenantId = tenantId;
        Tags tags = Tags.of("tenant", slug, "tier", tier);
        this.timer = Timer.builder(TRANSACTIONS)
                .description("Tenant transactions, from admission to commit or rollback")
                .tags(tags)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .distributionStatisticBufferLength(1)
                .register(registry);
        this.errorCounter = Counter.builder(ERRORS).description("Tenant transactions that failed").tags(tags)
                .register(registry);
        this.throttledCounter = Counter.builder(THROTTLED)
                .description("Tenant transactions refused because the tenant was at its concurrency limit")
                .tags(tags).register(registry);
    }

    void transaction(long nanos, boolean failed) {
        timer.record(nanos, TimeUnit.NANOSECONDS);
        long micros = nanos / 1000;
        transactions.increment();
        totalMicros.add(micros);
        if (micros > maxMicros.get()) {
            maxMicros.accumulateAndGet(micros, Math::max);
        }
        if (failed) {
            errorCounter.increment();
            errors.increment();
        }
    }

    void throttled() {
        throttledCounter.increment();
        throttled.increment();
    }

    /** Takes the counters since the last drain, or {@code null} if there was no activity. */
    Snapshot drain() {
        long tx = transactions.sumThenReset();
        long err = errors.sumThenReset();
        long thr = throttled.sumThenReset();
        long total = totalMicros.sumThenReset();
        long max = maxMicros.getAndSet(0);
        if (tx == 0 && err == 0 && thr == 0) {
            return null;
        }
        return new Snapshot(tenantId, tx, err, thr, total, max);
    }

    /** Puts back counters whose flush failed, so the next flush writes them. */
    void restore(Snapshot s) {
        transactions.add(s.transactions());
        errors.add(s.errors());
        throttled.add(s.throttled());
        totalMicros.add(s.totalMicros());
        maxMicros.accumulateAndGet(s.maxMicros(), Math::max);
    }
}
