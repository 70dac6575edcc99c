package dev.strata.internal.sql;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether each database Strata connects to is reachable, as its connection attempts last said. The
 * first failed attempt of an outage logs one WARN line and the first successful one after it one
 * INFO line; nothing in between, however many requests fail. While a database is down, a caller
 * waiting for a pooled connection to it is woken by the next failed attempt instead of waiting out
 * the pool's time-out, and new callers try one connection of their own instead of waiting for the
 * pool. Thread-safe.
 */
public final class Availability {
    private static final Logger LOG = LoggerFactory.getLogger(Availability.class);
    /** After a failed attempt, callers fail at once for this long instead of trying again themselves. */
    private static final long RETRY_NANOS = 250_000_000L;

    /** Opens one connection (closed by the caller). */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private static final class State {
        volatile boolean down;
        volatile long downSinceNanos;
        volatile long lastFailureNanos;
        volatile Throwable lastFailure;
    }

    /** A caller blocked in a pool; {@code woken} is set under the lock by the failure that interrupted it. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        boolean woken;
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();

    /**
     * Records a failed connection attempt to {@code database} (a description such as "the
     * management database"). Callers record only failures that {@link SqlStates#isUnavailableAtConnect}
     * classifies as the database being unreachable.
     */
    public void failed(String database, Throwable cause) {
        State state = states.computeIfAbsent(database, d -> new State());
        long now = System.nanoTime();
        state.lastFailure = cause;
        state.lastFailureNanos = now;
        boolean started;
        synchronized (state) {
            started = !state.down;
            if (started) {
                state.down = true;
                state.downSinceNanos = now;
            }
        }
        if (started) {
            LOG.warn("{} is unavailable ({}); requests that need it fail with {} until it is back",
                    capitalized(database), SqlStates.rootMessage(cause), ErrorCode.DATABASE_UNAVAILABLE);
        }
        wakeWaiters(database);
    }

    /** Records a successful connection to {@code database}. */
    public void succeeded(String database) {
        State state = states.get(database);
        if (state == null || !state.down) {
            return;
        }
        boolean ended;
        long since;
        synchronized (state) {
            ended = state.down;
            since = state.downSinceNanos;
            state.down = false;
            state.lastFailure = null;
        }
        if (ended) {
            LOG.info("{} is available again after {} s", capitalized(database),
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - since) / 1e9));
        }
    }

    /** Whether the last connection attempt to {@code database} failed (a point-in-time answer). */
    public boolean isDown(String database) {
        State state = states.get(database);
        return state != null && state.down;
    }

    /**
     * Gets a pooled connection to {@code database}. While the database is down, tries one
     * connection of its own first ({@code probe}, closed at once) and fails at once if that fails
     * too; while it is up, waits in the pool ({@code pooled}) but is woken by the next failed
     * connection attempt.
     *
     * @throws SQLException the pool's failure, or an {@link SQLTransientConnectionException}
     *                      wrapping the failed attempt that says the database is unavailable
     */
    public Connection connect(String database, Connector probe, Connector pooled) throws SQLException {
        State state = states.get(database);
        if (state != null && state.down) {
            Throwable recent = state.lastFailure;
            if (recent != null && System.nanoTime() - state.lastFailureNanos < RETRY_NANOS) {
                throw unavailable(database, recent);
            }
            long before = System.nanoTime();
            try (Connection ignored = probe.open()) {
                succeeded(database);
            } catch (SQLException | RuntimeException e) {
                if (state.down && state.lastFailureNanos - before >= 0) {
                    throw unavailable(database, e); // the probe's own attempt failed and was recorded
                }
                throw e;
            }
        }
        Waiter me = new Waiter();
        Set<Waiter> mine = waiters.computeIfAbsent(database, d -> ConcurrentHashMap.newKeySet());
        synchronized (me) {
            mine.add(me);
        }
        boolean woken;
        try {
            return pooled.open();
        } catch (SQLException e) {
            synchronized (me) {
                woken = me.woken;
            }
            State now = states.get(database);
            if (woken && now != null && now.lastFailure != null) {
                throw unavailable(database, now.lastFailure);
            }
            throw e;
        } finally {
            synchronized (me) {
                mine.remove(me);
                woken = me.woken;
            }
            if (woken) {
                Thread.interrupted(); // our wake-up, not the caller's interrupt
            }
        }
    }

    private void wakeWaiters(String database) {
        Set<Waiter> mine = waiters.get(database);
        if (mine == null) {
            return;
        }
        for (Waiter w : mine) {
            synchronized (w) {
                if (mine.contains(w) && !w.woken) {
                    w.woken = true;
                    w.thread.interrupt();
                }
            }
        }
    }

    /** The {@link ErrorCode#DATABASE_UNAVAILABLE} answer for a database that cannot be reached. */
    public static StrataException unavailableError(String database, Throwable cause) {
        return new StrataException(ErrorCode.DATABASE_UNAVAILABLE, capitalized(database) + " is unavailable ("
                + SqlStates.rootMessage(cause) + "): retry once it is back; Strata reconnects by itself", cause);
    }

    private static SQLTransientConnectionException unavailable(String database, Throwable cause) {
        String state = cause instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() : "08001";
        return new SQLTransientConnectionException(capitalized(database) + " is unavailable: "
                + SqlStates.rootMessage(cause), state, cause);
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
