package dev.strata.internal.routing;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This process as a router of tenant transactions, registered in {@code platform.routers} with a
 * lease its heartbeat renews, so that a move knows whom to wait for: when a placement is frozen
 * (seen on the routing channel, or found when the channel listens again) the process
 * {@link FreezeGate#hold holds} the tenant, waits for its transactions of that tenant in flight
 * to end and records an acknowledgement in {@code platform.route_acks}. A move flips the routing
 * only once every router with a live lease has acknowledged.
 *
 * <p>Fail closed: while its lease is not known to run (the heartbeat could not renew it) the
 * process serves no tenant transaction ({@link #requireServing}), because a move may have frozen
 * a tenant meanwhile and counted this process as gone. After a lapse it re-reads every frozen
 * placement before it serves again. Thread-safe.
 */
public final class RouterPresence implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterPresence.class);
    /** How long an acknowledgement waits for the tenant's transactions in flight before it retries. */
    private static final Duration QUIET_WAIT = Duration.ofSeconds(30);

    private final UUID id = UUID.randomUUID();
    private final DataSource management;
    private final Router router;
    private final Duration lease;
    private final String description;
    private final ExecutorService acks;
    private volatile long validUntilNanos;
    private volatile boolean lapsed;
    private volatile boolean closed;

    public RouterPresence(DataSource management, Router router, Duration lease, String description) {
        this.management = management;
        this.router = router;
        this.lease = lease;
        this.description = description;
        this.acks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "strata-freeze-acks");
            t.setDaemon(true);
            return t;
        });
    }

    /** This router's id in {@code platform.routers}. */
    public UUID id() {
        return id;
    }

    /** Registers the router and renews its lease every third of the lease period on {@code scheduler}. */
    public void start(ScheduledExecutorService scheduler) {
        renew();
        long period = Math.max(50, lease.toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::renewQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * @throws StrataException {@link ErrorCode#DATABASE_UNAVAILABLE} while this process's routing lease is not known to run
     */
    public void requireServing() {
        if (lapsed || System.nanoTime() - validUntilNanos > 0) {
            throw new StrataException(ErrorCode.DATABASE_UNAVAILABLE, "This Strata process could not renew its routing "
                    + "lease in the management database, so it cannot know whether a tenant is being moved; it runs no "
                    + "tenant transaction until the lease is renewed. Retry shortly");
        }
    }

    /** A tenant's status or placement changed: acknowledge a freeze, or end a hold. */
    public void changed(UUID tenant) {
        if (!closed) {
            acks.execute(() -> check(tenant));
        }
    }

    /** The routing channel listens (again): every frozen placement and every hold is checked anew. */
    public void listening() {
        if (closed) {
            return;
        }
        acks.execute(() -> {
            try {
                Map<UUID, Long> frozen = frozenPlacements();
                for (UUID tenant : frozen.keySet()) {
                    check(tenant);
                }
                for (UUID tenant : router.gate().heldTenants()) {
                    if (!frozen.containsKey(tenant)) {
                        check(tenant);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not read the frozen placements: {}", e.getMessage());
            }
        });
    }

    private void check(UUID tenant) {
        try {
            long[] placement = Jdbc.withConnection(management, "check the freeze of tenant " + tenant, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT version, frozen_by IS NOT NULL FROM platform.placements WHERE tenant_id = ?")) {
                    ps.setObject(1, tenant);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? new long[] {rs.getLong(1), rs.getBoolean(2) ? 1 : 0} : null;
                    }
                }
            });
            if (placement == null) {
                return;
            }
            long version = placement[0];
            if (placement[1] == 0) {
                router.gate().release(tenant, version, false);
                return;
            }
            router.gate().hold(tenant, version);
            router.invalidate(tenant);
            while (!router.gate().awaitQuiet(tenant, QUIET_WAIT)) {
                LOG.warn("Transactions of tenant {} are still running here {} after its freeze; the move waits for them",
                        tenant, QUIET_WAIT);
            }
            Jdbc.useTransaction(management, "acknowledge the freeze of tenant " + tenant, c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO platform.route_acks (router_id, tenant_id, version) VALUES (?, ?, ?)
                        ON CONFLICT (router_id, tenant_id) DO UPDATE SET version = EXCLUDED.version, at = now()""")) {
                    ps.setObject(1, id);
                    ps.setObject(2, tenant);
                    ps.setLong(3, version);
                    ps.executeUpdate();
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Could not acknowledge the freeze of tenant {}: {}", tenant, e.getMessage());
        }
    }

    private Map<UUID, Long> frozenPlacements() {
        return Jdbc.withConnection(management, "read the frozen placements", c -> {
            Map<UUID, Long> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT tenant_id, version FROM platform.placements WHERE frozen_by IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
            return out;
        });
    }

    private void renewQuietly() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.warn("Could not renew this process's routing lease: {}", e.getMessage());
        }
    }

    private void renew() {
        if (closed) {
            return;
        }
        long asked = System.nanoTime();
        boolean wasLapsed = lapsed || asked - validUntilNanos > 0;
        Jdbc.useTransaction(management, "renew the routing lease", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO platform.routers (id, description, lease_expires_at) VALUES (?, ?, now() + ?::interval)
                    ON CONFLICT (id) DO UPDATE SET lease_expires_at = EXCLUDED.lease_expires_at""")) {
                ps.setObject(1, id);
                ps.setString(2, description);
                ps.setString(3, lease.toMillis() + " milliseconds");
                ps.executeUpdate();
            }
        });
        if (wasLapsed && validUntilNanos != 0) {
            // A move may have counted this process as gone: forget every route and re-read the freezes first.
            lapsed = true;
            router.invalidateAll();
            listening();
            acks.execute(() -> lapsed = false);
        }
        // Counted from before the request: the management database's lease runs at least this long.
        validUntilNanos = asked + lease.toNanos();
    }

    /** Unregisters the router (its acknowledgements go with it). */
    @Override
    public void close() {
        closed = true;
        acks.shutdownNow();
        try {
            Jdbc.useTransaction(management, "unregister the router", c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM platform.routers WHERE id = ?")) {
                    ps.setObject(1, id);
                    ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("Could not unregister router {} (its lease expires by itself): {}", id, e.getMessage());
        }
    }
}
