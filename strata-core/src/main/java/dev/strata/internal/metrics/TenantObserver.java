package dev.strata.internal.metrics;

import dev.strata.Activity;
import dev.strata.StrataConfig;
import dev.strata.internal.context.TransactionObserver;
import dev.strata.internal.routing.Route;
import io.micrometer.core.instrument.MeterRegistry;

import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Strata's guard against noisy neighbours, run around every tenant transaction: admission under
 * the tenant's concurrency limit (its own or its tier's, carried by its route; the statement
 * timeout travels in its context), per-tenant Micrometer meters, and the activity counters flushed
 * to the management database every {@code statsFlushInterval} and at close. After each periodic
 * flush, the meters of tenants that are gone (decommissioned, or no longer registered) are dropped:
 * only tenants whose route is no longer cached are looked up, since every change of a tenant drops
 * its route in every process. Thread-safe.
 */
public final class TenantObserver implements TransactionObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantObserver.class);

    private record Admitted(TenantMeters meters, ConcurrencyLimiter.Slots slots, long startNanos) implements Ticket {
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<UUID, TenantMeters> meters = new ConcurrentHashMap<>();
    private final ConcurrencyLimiter limiter = new ConcurrencyLimiter();
    private final ActivityStore activity;
    private final ScheduledFuture<?> flushing;
    private final ScheduledExecutorService scheduler;
    private final DataSource management;
    private final Predicate<UUID> routeCached;

    /**
     * @param routeCached whether a tenant's route is cached now; tenants whose route is not are
     *                    checked for decommissioning after each periodic flush
     */
    public TenantObserver(StrataConfig config, DataSource management, ScheduledExecutorService scheduler,
                          Predicate<UUID> routeCached) {
        this.registry = config.meterRegistry();
        this.scheduler = scheduler;
        this.management = management;
        this.routeCached = routeCached;
        this.activity = new ActivityStore(management, UUID.randomUUID(), meters::values);
        long period = config.statsFlushInterval().toMillis();
        this.flushing = period <= 0 ? null
                : scheduler.scheduleWithFixedDelay(this::housekeep, period, period, TimeUnit.MILLISECONDS);
    }

    private void housekeep() {
        activity.flushQuietly();
        try {
            forgetTenantsThatAreGone();
        } catch (RuntimeException e) {
            LOG.warn("Could not check for decommissioned tenants' meters (tried again after the next flush): {}",
                    e.getMessage());
        }
    }

    /**
     * Drops the meters and transaction slots of tenants that are decommissioned or no longer
     * registered. Their last activity was flushed just before; a transaction still finishing on
     * a tenant being decommissioned may go uncounted.
     */
    private void forgetTenantsThatAreGone() {
        List<UUID> unrouted = meters.keySet().stream().filter(id -> !routeCached.test(id)).toList();
        if (unrouted.isEmpty()) {
            return;
        }
        List<UUID> gone = Jdbc.withConnection(management, "look up decommissioned tenants", c -> {
            List<UUID> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT x.id FROM unnest(?::uuid[]) AS x(id) LEFT JOIN platform.tenants t ON t.id = x.id
                     WHERE t.id IS NULL OR t.status = 'decommissioned'""")) {
                ps.setArray(1, c.createArrayOf("uuid", unrouted.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return out;
        });
        for (UUID id : gone) {
            TenantMeters m = meters.remove(id);
            if (m != null) {
                m.retire();
            }
            limiter.forget(id);
        }
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
