package dev.strata.internal.migration;

import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.sql.DataPlane;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * An administrator connection (autocommit off) to one tenant database that holds a permit of its
 * data plane's connection budget while open, so the fan-out never takes more server connections
 * than the budget the request path shares (idle tenant pools are evicted to make room, as for a
 * pool of its own). Used by one thread; closing it gives the permit back.
 */
final class AdminConnection implements AutoCloseable {
    private final Connection connection;
    private final Runnable release;

    private AdminConnection(Connection connection, Runnable release) {
        this.connection = connection;
        this.release = release;
    }

    /**
     * Opens a connection, waiting at most {@code timeout} for a permit.
     *
     * @throws SQLTransientConnectionException (SQLSTATE 53300) if the budget stays exhausted
     */
    static AdminConnection open(DataPlane plane, String database, TenantPools pools, Duration timeout) throws SQLException {
        var budget = pools.budget(plane.key());
        boolean permit;
        try {
            permit = budget == null || budget.acquire(timeout.toNanos(), () -> pools.evictIdle(plane.key()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("Interrupted while waiting for a connection to " + database, "53300", e);
        }
        if (!permit) {
            throw new SQLTransientConnectionException("No connection to " + database + " within " + timeout.toMillis()
                    + " ms: the connection budget of data plane '" + plane.key() + "' is in use; lower the concurrency "
                    + "or raise the connection budget", "53300");
        }
        Runnable release = budget == null ? () -> { } : budget::release;
        try {
            Connection c = plane.openAdmin(database);
            c.setAutoCommit(false);
            return new AdminConnection(c, release);
        } catch (SQLException | RuntimeException e) {
            release.run();
            throw e;
        }
    }

    Connection connection() {
        return connection;
    }

    /** Whether the connection still works (after a failed target). */
    boolean usable() {
        try {
            return !connection.isClosed() && connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the permit is given back all the same
        } finally {
            release.run();
        }
    }
}
