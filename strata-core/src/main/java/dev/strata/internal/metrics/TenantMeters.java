package dev.strata.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One tenant's meters in this process: the Micrometer meters ({@code strata.tenant.transactions},
 * {@code strata.tenant.errors}, {@code strata.tenant.throttled}, tagged {@code tenant} and
 * {@code tier}) and the counters not yet flushed to {@code platform.tenant_activity}.
 *
 * <p>Registering Micrometer meters costs tens of microseconds (and more at the tail), too much for
 * a tenant's first transaction in a process; so the meters are created unregistered and
 * {@link #register()} is called off the request path. What is recorded before that waits in a
 * queue and is replayed into the meters when they are registered: nothing is lost. A tenant that
 * records more than {@value #MAX_DEFERRED} events before then registers on the caller's thread.
 * Thread-safe; recording is lock-free.
 */
final class TenantMeters {
    private static final Logger LOG = LoggerFactory.getLogger(TenantMeters.class);
    static final String TRANSACTIONS = "strata.tenant.transactions";
    static final String ERRORS = "strata.tenant.errors";
    static final String THROTTLED = "strata.tenant.throttled";

    /**
     * The latency histogram's buckets: few and fixed, because every tenant gets its own (a
     * percentile histogram would be some 70 buckets per tenant, too many series for thousands).
     */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

    private static final int MAX_DEFERRED = 1_024;

    /** Counters drained for one flush. */
    record Snapshot(UUID tenantId, long transactions, long errors, long throttled, long totalMicros, long maxMicros) {
    }

    /** The registered Micrometer meters. */
    private record Meters(Timer timer, Counter errors, Counter throttled) {
        static Meters in(MeterRegistry registry, Tags tags) {
            return new Meters(
                    Timer.builder(TRANSACTIONS)
                            .description("Tenant transactions, from admission to commit or rollback")
                            .tags(tags)
                            .serviceLevelObjectives(LATENCY_BUCKETS)
                            .distributionStatisticBufferLength(1)
                            .register(registry),
                    Counter.builder(ERRORS).description("Tenant transactions that failed").tags(tags).register(registry),
                    Counter.builder(THROTTLED)
                            .description("Tenant transactions refused because the tenant was at its concurrency limit")
                            .tags(tags).register(registry));
        }

        void transaction(long nanos, boolean failed) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
            if (failed) {
                errors.increment();
            }
        }

        void apply(Deferred d) {
            if (d.throttled()) {
                throttled.increment();
            } else {
                transaction(d.nanos(), d.failed());
            }
        }
    }

    /** A transaction or a refusal recorded before the meters were registered. */
    private record Deferred(long nanos, boolean failed, boolean throttled) {
    }

    final UUID tenantId;
    private final MeterRegistry registry;
    private final Tags tags;
    private volatile Meters meters;
    private boolean retired;
    private final ConcurrentLinkedQueue<Deferred> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicInteger deferredCount = new AtomicInteger();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder totalMicros = new LongAdder();
    private final AtomicLong maxMicros = new AtomicLong();

    /** Creates the meters unregistered: call {@link #register()} once, off the request path. */
    TenantMeters(MeterRegistry registry, UUID tenantId, String slug, String tier) {
        this.tenantId = tenantId;
        this.registry = registry;
        this.tags = Tags.of("tenant", slug, "tier", tier);
    }

    /** Registers the Micrometer meters, if not yet done, and replays what was recorded before. */
    void register() {
        Meters m = meters;
        if (m == null) {
            synchronized (this) {
                m = meters;
                if (m == null) {
                    m = retired ? Meters.in(new SimpleMeterRegistry(), tags) : registerMeters();
                    meters = m;
                }
            }
        }
        replay(m);
    }

    /**
     * Removes the Micrometer meters from the registry, for a tenant that is gone; a registration
     * still to come registers nothing.
     */
    synchronized void retire() {
        retired = true;
        Meters m = meters;
        if (m != null) {
            registry.remove(m.timer());
            registry.remove(m.errors());
            registry.remove(m.throttled());
        }
    }

    /**
     * Registers the three meters. Should the registry refuse them (say, the application registered
     * a meter of another type under the same name and tags), the tenant's work goes on and only its
     * Micrometer metrics are missing: a warning says so.
     */
    private Meters registerMeters() {
        try {
            return Meters.in(registry, tags);
        } catch (RuntimeException e) {
            LOG.warn("The Micrometer meters of tenant {} could not be registered, so they are not published: {}",
                    tenantId, e.getMessage());
            return Meters.in(new SimpleMeterRegistry(), tags);
        }
    }

    private void record(Deferred event) {
        Meters m = meters;
        if (m != null) {
            m.apply(event);
            return;
        }
        deferred.add(event);
        if (deferredCount.incrementAndGet() > MAX_DEFERRED) {
            register();
        } else {
            m = meters;
            if (m != null) {
                replay(m);
            }
        }
    }

    /**
     * Applies the deferred events, each exactly once. A recorder queues before it reads
     * {@code meters} and {@link #register()} publishes {@code meters} before it drains, so an event
     * queued while the meters were being registered is drained by one side or the other.
     */
    private void replay(Meters m) {
        Deferred d;
        while ((d = deferred.poll()) != null) {
            deferredCount.decrementAndGet();
            m.apply(d);
        }
    }

    void transaction(long nanos, boolean failed) {
        Meters m = meters;
        if (m != null) {
            m.transaction(nanos, failed);
        } else {
            record(new Deferred(nanos, failed, false));
        }
        long micros = nanos / 1000;
        transactions.increment();
        totalMicros.add(micros);
        if (micros > maxMicros.get()) {
            maxMicros.accumulateAndGet(micros, Math::max);
        }
        if (failed) {
            errors.increment();
        }
    }

    void throttled() {
        record(new Deferred(0, false, true));
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
