package dev.strata.internal.neon;

import dev.strata.internal.sql.DataPlane;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Cold starts of Neon computes. A connection to a suspended compute is refused while it starts
 * (SQLSTATE 57P03, or the TCP connection refused): {@link #waker} retries such attempts with a short
 * back-off within the plane's bound, and a connection that needed a retry counts as a wake-up:
 * {@value #COLD_STARTS} (tag {@code plane}, {@code _total} in Prometheus), the timer
 * {@value #WAKE_TIME}, and the placement's record ({@code tenants show}: when the compute was last
 * woken and how long it took). Thread-safe.
 */
public final class ColdStarts {
    private static final Logger LOG = LoggerFactory.getLogger(ColdStarts.class);
    public static final String COLD_STARTS = "strata.neon.cold.starts";
    public static final String WAKE_TIME = "strata.neon.wake.time";

    private final MeterRegistry registry;
    private final NeonPlacementStore store;

    public ColdStarts(MeterRegistry registry, NeonPlacementStore store) {
        this.registry = registry;
        this.store = store;
    }

    /** How connections to one Neon database are opened: retried within {@code bound} while its compute wakes. */
    public DataPlane.Waker waker(String planeKey, String database, Duration bound) {
        return attempt -> connect(planeKey, database, bound, attempt);
    }

    private Connection connect(String planeKey, String database, Duration bound, DataPlane.Attempt attempt)
            throws SQLException {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        long pause = 25;
        int refusals = 0;
        while (true) {
            try {
                Connection c = attempt.open();
                if (refusals > 0) {
                    woke(planeKey, database, Duration.ofNanos(System.nanoTime() - start), refusals);
                }
                return c;
            } catch (SQLException e) {
                if (!waking(e) || System.nanoTime() + pause * 1_000_000 > deadline) {
                    if (waking(e)) {
                        throw new SQLException("The Neon compute of database " + database + " on plane '" + planeKey
                                + "' did not wake within " + bound.toMillis() + " ms (" + refusals
                                + " attempts refused): " + e.getMessage(), e.getSQLState(), e);
                    }
                    throw e;
                }
                refusals++;
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = Math.min(500, pause * 2);
            }
        }
    }

    private void woke(String planeKey, String database, Duration took, int refusals) {
        LOG.info("The Neon compute of database {} on plane '{}' woke in {} ms ({} attempts refused while it started)",
                database, planeKey, took.toMillis(), refusals);
        if (registry != null) {
            Counter.builder(COLD_STARTS).description("Connections that found a Neon compute suspended and waited for it")
                    .tag("plane", planeKey).register(registry).increment();
            Timer.builder(WAKE_TIME).description("How long a suspended Neon compute took to accept a connection")
                    .tag("plane", planeKey).register(registry).record(took);
        }
        try {
            store.recordWake(planeKey, database, Instant.now(), took.toMillis());
        } catch (RuntimeException e) {
            LOG.warn("Could not record the cold start of database {}: {}", database, e.getMessage());
        }
    }

    /** Whether a failed attempt is a compute still starting: 57P03 (cannot connect now) or a refused TCP connection. */
    static boolean waking(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "57P03".equals(s.getSQLState())) {
                return true;
            }
            if (t instanceof ConnectException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
