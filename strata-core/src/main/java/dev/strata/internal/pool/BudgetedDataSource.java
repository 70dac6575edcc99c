package dev.strata.internal.pool;

import dev.strata.internal.sql.Availability;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.DelegatingConnection;
import dev.strata.internal.sql.Identifiers;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The source of physical connections for one database's pool, as its app role. Each connection
 * holds a permit of its data plane's {@link ConnectionBudget} from open to close.
 */
final class BudgetedDataSource implements DataSource {
    private final DataPlane plane;
    private final String database;
    private final String role;
    private final String password;
    private final ConnectionBudget budget;
    private final BooleanSupplier evictor;
    private final long timeoutNanos;
    private final Availability availability;
    private final String description;

    /**
     * @param availability where each connection attempt is reported (as {@code description}): an
     *                     unreachable database marks it down, a connection marks it up
     */
    BudgetedDataSource(DataPlane plane, String database, String role, String password, ConnectionBudget budget,
                       BooleanSupplier evictor, long timeoutNanos, Availability availability, String description) {
        this.availability = availability;
        this.description = description;
        this.plane = plane;
        this.database = database;
        this.role = role;
        this.password = password;
        this.budget = budget;
        this.evictor = evictor;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            if (!budget.acquire(timeoutNanos, evictor)) {
                throw new SQLTransientConnectionException("The connection budget of data plane '" + budget.dataPlane()
                        + "' (" + budget.size() + " connections) is exhausted", BudgetedDataSource.BUDGET_EXHAUSTED);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("Interrupted while waiting for a connection", e);
        }
        Connection physical = null;
        try {
            physical = plane.openTenant(database, role, password);
            if (!plane.pooled()) {
                // through a pooler a session setting would land on whichever server session is free;
                // there every context sets search_path itself, transaction-locally
                try (Statement s = physical.createStatement()) {
                    s.execute(DEFAULT_SEARCH_PATH);
                }
            }
            availability.succeeded(description);
            return new BudgetedConnection(physical, budget);
        } catch (SQLException | RuntimeException e) {
            if (SqlStates.isUnavailableAtConnect(e)) {
                availability.failed(description, e);
            }
            if (physical != null) {
                try {
                    physical.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            budget.release();
            throw e;
        }
    }

    /**
     * Every tenant connection starts on the shared {@code app} schema, so the context of tenants
     * whose tables are there (all but schema-mode tenants and their T2s) need not set
     * {@code search_path} in every transaction; the others set it transaction-locally.
     */
    static final String DEFAULT_SEARCH_PATH = "SET search_path TO " + Identifiers.quote(PhysicalNames.APP_SCHEMA)
            + ", " + Identifiers.quote(PhysicalNames.PLATFORM_SCHEMA);

    /** SQLSTATE of the budget-exhausted failure (class 53: insufficient resources). */
    static final String BUDGET_EXHAUSTED = "53300";

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        throw new SQLFeatureNotSupportedException("Tenant pools connect only as their database's app role");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 5;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("Not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }

    /** A physical connection that gives its budget permit back exactly once when closed. */
    private static final class BudgetedConnection extends DelegatingConnection {
        private final ConnectionBudget budget;
        private final AtomicBoolean released = new AtomicBoolean();

        BudgetedConnection(Connection delegate, ConnectionBudget budget) {
            super(delegate);
            this.budget = budget;
        }

        @Override
        public void close() throws SQLException {
            try {
                delegate.close();
            } finally {
                giveBack();
            }
        }

        @Override
        public void abort(java.util.concurrent.Executor executor) throws SQLException {
            try {
                delegate.abort(executor);
            } finally {
                giveBack();
            }
        }

        private void giveBack() {
            if (released.compareAndSet(false, true)) {
                budget.release();
            }
        }
    }
}
