package dev.strata.internal.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.ErrorCode;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.internal.sql.Availability;
import dev.strata.internal.plane.PlaneRegistry;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.SqlStates;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Connection pools of the request path: one HikariCP pool per tenant database, created on first
 * use as that database's app role, all pools of a data plane sharing one {@link ConnectionBudget}.
 * Pools unused for {@code poolIdleTimeout} are closed; under budget pressure the connections of
 * idle pools are closed at once, least recently used first. Thread-safe.
 */
public final class TenantPools implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantPools.class);

    /** App-role credentials of a database. */
    public record Credentials(String role, String password) {
        @Override
        public String toString() {
            return "Credentials[" + role + "]";
        }
    }

    /** A borrowed connection; closing the lease returns it to its pool. */
    public static final class Lease implements AutoCloseable {
        private final DatabasePool pool;
        private final Connection connection;

        private Lease(DatabasePool pool, Connection connection) {
            this.pool = pool;
            this.connection = connection;
        }

        public Connection connection() {
            return connection;
        }

        @Override
        public void close() throws SQLException {
            try {
                connection.close();
            } finally {
                pool.release();
            }
        }

        /**
         * Closes the physical connection instead of returning it: it may carry state that must
         * reach no one else (an open transaction, driver-side settings). Never fails.
         */
        public void retire() {
            try {
                try {
                    connection.rollback();
                } catch (SQLException | RuntimeException ignored) {
                    // closing ends the transaction anyway
                }
                pool.dataSource.evictConnection(connection);
            } catch (RuntimeException e) {
                LOG.warn("Retiring a connection of pool {} failed: {}", pool.key, e.toString());
            } finally {
                pool.release();
            }
        }

        /**
         * Returns a connection that may carry session state after bringing it back to the state a
         * new connection starts in: {@code DISCARD ALL} (settings, role, prepared statements,
         * cursors, temporary objects, LISTEN registrations, session advisory locks), then the pool's
         * session defaults again. If any of that fails, or a transaction is still open, the
         * connection is retired instead. Never fails.
         */
        public void cleanAndClose() {
            boolean clean = false;
            try {
                connection.setAutoCommit(true);
                try (Statement s = connection.createStatement()) {
                    s.execute("DISCARD ALL");
                    s.execute(BudgetedDataSource.DEFAULT_SEARCH_PATH);
                }
                connection.setAutoCommit(false);
                clean = connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Cleaning a connection of pool {} failed, retiring it: {}", pool.key, e.toString());
            }
            if (!clean) {
                retire();
                return;
            }
            try {
                close();
            } catch (SQLException e) {
                LOG.debug("Returning a cleaned connection of pool {} failed: {}", pool.key, e.toString());
            }
        }
    }

    private final StrataConfig config;
    private final PlaneRegistry planes;
    private final ConcurrentHashMap<String, ConnectionBudget> budgets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<DatabaseKey, DatabasePool> pools = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final Availability availability = new Availability();

    /** @param planes where each data plane is; each plane gets a budget of its own on first use */
    public TenantPools(StrataConfig config, PlaneRegistry planes, ScheduledExecutorService scheduler) {
        this.config = config;
        this.planes = planes;
        this.scheduler = scheduler;
        long period = Math.max(1000, Math.min(30_000, config.poolIdleTimeout().toMillis() / 2));
        scheduler.scheduleWithFixedDelay(this::closeIdlePools, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Borrows a connection (in a transaction: autocommit off) to a database as its app role.
     *
     * @throws StrataException {@link ErrorCode#CONNECTION_BUDGET_EXHAUSTED} when the data plane's
     *         budget stays exhausted for the connection timeout, {@link ErrorCode#DATABASE_UNAVAILABLE}
     *         when the database cannot be reached (at once while it is known to be down, else as soon
     *         as a connection attempt fails), {@link ErrorCode#DATABASE_ERROR} for other failures
     */
    public Lease lease(DatabaseKey key, Credentials credentials) {
        while (true) {
            DatabasePool pool = pools.get(key);
            if (pool == null) {
                pool = pools.computeIfAbsent(key, k -> newPool(k, credentials));
            }
            if (!pool.retain()) {
                pools.remove(key, pool);
                continue;
            }
            try {
                DatabasePool p = pool;
                return new Lease(pool, availability.connect(describe(key),
                        () -> p.dataSource.getDataSource().getConnection(), p.dataSource::getConnection));
            } catch (SQLException e) {
                pool.release();
                throw translate(key, e);
            } catch (RuntimeException e) {
                pool.release();
                throw e;
            }
        }
    }

    /** Closes a database's pool at once, in use or not (the database is being dropped or moved). */
    public void closePool(DatabaseKey key) {
        DatabasePool pool = pools.remove(key);
        if (pool != null) {
            pool.forceClose();
        }
    }

    /**
     * Whether a database's connections go through a pooled endpoint (PgBouncer in transaction mode),
     * where only transaction-scoped state may be relied on.
     */
    public boolean pooledEndpoint(DatabaseKey key) {
        return planes.forDatabase(key.dataPlane(), key.database()).pooled();
    }

    /** The budget of a data plane. */
    public ConnectionBudget budget(String dataPlane) {
        return budgets.computeIfAbsent(dataPlane, k -> new ConnectionBudget(k, config.connectionBudget()));
    }

    /**
     * Closes the idle connections of the least recently used idle pool of a data plane, to free
     * permits of its budget for a connection opened outside the pools (the migration fan-out's
     * administrator connections). Returns whether it closed any.
     */
    public boolean evictIdle(String dataPlane) {
        return evictLeastRecentlyUsed(new DatabaseKey(dataPlane, ""));
    }

    /** Pools open now (a point-in-time count). */
    public int openPools() {
        return pools.size();
    }

    /** Databases whose pools hold connections now (a point-in-time snapshot). */
    public java.util.Set<DatabaseKey> openDatabases() {
        java.util.Set<DatabaseKey> out = new java.util.HashSet<>();
        pools.forEach((key, pool) -> {
            if (pool.openConnections() > 0) {
                out.add(key);
            }
        });
        return java.util.Set.copyOf(out);
    }

    @Override
    public void close() {
        pools.values().forEach(DatabasePool::forceClose);
        pools.clear();
    }

    private DatabasePool newPool(DatabaseKey key, Credentials credentials) {
        DataPlane plane = planes.forDatabase(key.dataPlane(), key.database());
        ConnectionBudget budget = budget(key.dataPlane());
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("strata:" + key);
        hc.setDataSource(new BudgetedDataSource(plane, key.database(), credentials.role(), credentials.password(), budget,
                () -> evictLeastRecentlyUsed(key), config.connectionTimeout().toNanos(), availability, describe(key)));
        hc.setMaximumPoolSize(config.poolSizePerDatabase());
        hc.setMinimumIdle(0);
        hc.setAutoCommit(false);
        hc.setConnectionTimeout(Math.max(250, config.connectionTimeout().toMillis()));
        hc.setIdleTimeout(Math.max(10_000, config.poolIdleTimeout().toMillis()));
        hc.setMaxLifetime(TimeUnit.MINUTES.toMillis(30));
        hc.setKeepaliveTime(0);
        hc.setInitializationFailTimeout(-1);
        hc.setScheduledExecutor(scheduler);
        hc.setRegisterMbeans(false);
        // Hikari's own meters (hikaricp_connections_*, tag pool), removed again when the pool closes
        hc.setMetricRegistry(config.meterRegistry());
        return new DatabasePool(key, new HikariDataSource(hc));
    }

    /**
     * Closes the connections of the least recently used idle pool of the same data plane that holds
     * any. The pool itself stays (empty, it costs no connection and no thread) so that its database
     * is served again without building a pool; it is closed after {@code poolIdleTimeout} unused.
     * Closing connections instead of shutting the pool down keeps the waiter's path short: the
     * permits come back as soon as the sockets are closed.
     */
    private boolean evictLeastRecentlyUsed(DatabaseKey requester) {
        Optional<DatabasePool> victim = pools.values().stream()
                .filter(p -> p.key.dataPlane().equals(requester.dataPlane()) && !p.key.equals(requester))
                .filter(p -> p.idle() && p.openConnections() > 0)
                .min(Comparator.comparingLong(DatabasePool::lastUsedNanos));
        if (victim.isPresent() && victim.get().evictConnections()) {
            LOG.debug("Closed the connections of idle pool {} to stay within the connection budget", victim.get().key);
            return true;
        }
        return false;
    }

    private void closeIdlePools() {
        long cutoff = System.nanoTime() - config.poolIdleTimeout().toNanos();
        for (DatabasePool pool : pools.values()) {
            if (pool.lastUsedNanos() < cutoff && pool.tryClose()) {
                pools.remove(pool.key, pool);
                LOG.debug("Closed pool {} after {} idle", pool.key, config.poolIdleTimeout());
            }
        }
    }

    private StrataException translate(DatabaseKey key, SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && BudgetedDataSource.BUDGET_EXHAUSTED.equals(s.getSQLState())) {
                return new StrataException(ErrorCode.CONNECTION_BUDGET_EXHAUSTED, "No connection to " + key + " within "
                        + config.connectionTimeout().toMillis() + " ms: all " + config.connectionBudget()
                        + " connections of the connection budget of data plane '" + key.dataPlane() + "' are in use. "
                        + "Raise connectionBudget or shorten transactions", e);
            }
        }
        ConnectionBudget budget = budgets.get(key.dataPlane());
        if (budget != null && budget.inUse() >= budget.size()) {
            return new StrataException(ErrorCode.CONNECTION_BUDGET_EXHAUSTED, "No connection to " + key + " within "
                    + config.connectionTimeout().toMillis() + " ms: the connection budget of data plane '"
                    + key.dataPlane() + "' (" + budget.size() + ") is exhausted", e);
        }
        if (SqlStates.isUnavailableAtConnect(e)) {
            return Availability.unavailableError(describe(key), e);
        }
        return new StrataException(ErrorCode.DATABASE_ERROR, "Cannot connect to database " + key + ": " + e.getMessage(), e);
    }

    /** How logs and errors name a tenant database. */
    private static String describe(DatabaseKey key) {
        return "tenant database '" + key.database() + "'"
                + (DataPlane.DEFAULT_KEY.equals(key.dataPlane()) ? "" : " on data plane '" + key.dataPlane() + "'");
    }
}
