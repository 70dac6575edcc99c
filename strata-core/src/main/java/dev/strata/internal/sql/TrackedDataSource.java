package dev.strata.internal.sql;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * A data source that reports each connection attempt to an {@link Availability}: a failure that
 * says the database is unreachable marks it down, a success marks it up. Thread-safe if its
 * delegate is.
 */
public final class TrackedDataSource implements DataSource {
    private final DataSource delegate;
    private final Availability availability;
    private final String database;

    public TrackedDataSource(DataSource delegate, Availability availability, String database) {
        this.delegate = delegate;
        this.availability = availability;
        this.database = database;
    }

    /** How logs and errors name the database. */
    public String database() {
        return database;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return tracked(delegate::getConnection);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return tracked(() -> delegate.getConnection(username, password));
    }

    private Connection tracked(Availability.Connector connector) throws SQLException {
        try {
            Connection c = connector.open();
            availability.succeeded(database);
            return c;
        } catch (SQLException e) {
            if (SqlStates.isUnavailableAtConnect(e)) {
                availability.failed(database, e);
            }
            throw e;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
