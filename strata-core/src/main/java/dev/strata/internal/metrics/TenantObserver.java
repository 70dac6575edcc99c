package dev.strata.internal.metrics;

import dev.strata.Activity;
import dev.strata.StrataConfig;
import dev.strata.internal.context.TransactionObserver;
import dev.strata.internal.routing.Route;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Strata's guard against noisy neighbours, run around every tenant transaction: admission under
 * the tenant's concurrency limit (its own or its tier's, carried by its route; the statement
 * timeout travels in its context), per-tenant Micrometer meters, and the activity counters flushed
 * to the management database every {@code statsFlushInterval} and at close. Thread-safe.
 */
public final class TenantObserver implements TransactionObserver, AutoCloseable {

    private record Admitted(TenantMeters meters, ConcurrencyLimiter.Slots slots, long startNanos) implements Ticket {
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<UUID, TenantMeters> meters = new ConcurrentHashMap<>();
    private final ConcurrencyLimiter limiter = new ConcurrencyLimiter();
    private final ActivityStore activity;
    private final ScheduledFuture<?> flushing;
    private final ScheduledExecutorService scheduler;

    public TenantObserver(StrataConfig config, DataSource management, ScheduledExecutorService scheduler) {
        this.registry = config.meterRegistry();
        this.scheduler = scheduler;
        this.activity = new ActivityStore(management, UUID.randomUUID(), meters::values);
        long period = config.statsFlushInterval().toMillis();
        this.flushing = period <= 0 ? null
                : scheduler.scheduleWithFixedDelay(activity::flushQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public Ticket begin(Route route) {
        TenantMeters m = meters.get(route.tenantId());
        if (m == null) {
            m = firstTransaction(route);
        }
        ConcurrencyLimiter.Slots slots;
        try {
            slots = limiter.admit(route);
        } catch (RuntimeException e) {
            m.throttled();
            throw e;
        }
        return new Admitted(m, slots, System.nanoTime());
    }

    /** The tenant's meters, registered with Micrometer on the housekeeping thread (see {@link TenantMeters}). */
    private TenantMeters firstTransaction(Route route) {
        TenantMeters created = new TenantMeters(registry, route.tenantId(), route.slug(), route.tier().name());
        TenantMeters raced = meters.putIfAbsent(route.tenantId(), created);
        if (raced != null) {
            return raced;
        }
        try {
            scheduler.execute(created::register);
        } catch (RejectedExecutionException e) {
            created.register();
        }
        return created;
    }

    @Override
    public void end(Ticket ticket, boolean failed) {
        Admitted a = (Admitted) ticket;
        try {
            a.meters().transaction(System.nanoTime() - a.startNanos(), failed);
        } finally {
            limiter.release(a.slots());
        }
    }

    /** Callers of a tenant waiting for a transaction slot now (a point-in-time count). */
    public int waiting(UUID tenantId) {
        return limiter.waiting(tenantId);
    }

    /** The activity of every process, this one's flushed on demand. */
    public Activity activity() {
        return activity;
    }

    /** Stops the periodic flush and flushes what is left. */
    @Override
    public void close() {
        if (flushing != null) {
            flushing.cancel(false);
        }
        activity.flushQuietly();
    }
}
