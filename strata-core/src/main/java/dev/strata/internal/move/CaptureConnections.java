package dev.strata.internal.move;

import dev.strata.PostgresServer;
import dev.strata.internal.sql.DataPlane;
import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The connections of a capture, all as the plane's administrator: plain ones, the apply
 * connection of a target (replica session role, triggers and foreign keys off like a logical
 * replication worker) and logical replication connections (for the exported copy snapshot).
 * Every connection is opened for one call and closed by it, so an abandoned capture holds nothing.
 */
final class CaptureConnections {
    private static final Driver DRIVER = new Driver();

    private CaptureConnections() {
    }

    /** An autocommit administrator connection to the endpoint's database. */
    static Connection admin(CopyEndpoint endpoint, String applicationName) throws SQLException {
        PostgresServer server = endpoint.plane().server();
        return endpoint.plane().open(endpoint.database(), server.user(), server.password(), applicationName);
    }

    /**
     * An autocommit administrator connection to the endpoint's server for server-wide objects
     * (replication origins): to the endpoint's database, or the server's own database when that
     * one is gone (an aborted move's dropped target).
     */
    static Connection serverAdmin(CopyEndpoint endpoint, String applicationName) throws SQLException {
        try {
            return admin(endpoint, applicationName);
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) {
                throw e;
            }
            PostgresServer server = endpoint.plane().server();
            return endpoint.plane().open(server.database(), server.user(), server.password(), applicationName);
        }
    }

    /**
     * A connection whose session writes like a replication worker: {@code session_replication_role
     * = replica} (no user triggers, no foreign-key checks) and autocommit off. The role is reset by
     * {@link #closeApply} before the connection is closed. An administrator that is no superuser
     * may not set it (Neon's owner role may not): its session applies with triggers and foreign keys
     * in force ({@link #appliesAsReplica} says which; the copy then goes in foreign-key order and
     * tables with triggers are refused).
     */
    static Connection apply(CopyEndpoint endpoint, String applicationName) throws SQLException {
        Connection c = admin(endpoint, applicationName);
        try (Statement s = c.createStatement()) {
            if (exists(c, "SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper")) {
                s.execute("SET session_replication_role = replica");
            }
            s.execute("SET synchronous_commit = on");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        c.setAutoCommit(false);
        return c;
    }

    /** Whether an apply connection's session writes as a replica (no user triggers, no foreign-key checks). */
    static boolean appliesAsReplica(Connection apply) throws SQLException {
        return "replica".equals(queryString(apply, "SELECT current_setting('session_replication_role')"));
    }

    /** Rolls back what is open, resets the session role and closes; never throws. */
    static void closeApply(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (!c.isClosed()) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                try (Statement s = c.createStatement()) {
                    s.execute("RESET session_replication_role");
                }
            }
        } catch (SQLException ignored) {
            // the connection is closed below either way
        } finally {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing left to release
            }
        }
    }

    /** A logical replication (walsender) connection to the endpoint's database, simple query protocol. */
    static Connection replication(CopyEndpoint endpoint, String applicationName) throws SQLException {
        DataPlane plane = endpoint.plane();
        PostgresServer server = plane.server();
        Properties props = new Properties();
        props.putAll(server.options());
        props.setProperty("user", server.user());
        if (server.password() != null) {
            props.setProperty("password", server.password());
        }
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("assumeMinServerVersion", "15");
        props.setProperty("replication", "database");
        props.setProperty("preferQueryMode", "simple");
        props.putIfAbsent("connectTimeout", "2");
        props.putIfAbsent("loginTimeout", "3");
        Connection c = DRIVER.connect(plane.jdbcUrl(endpoint.database()), props);
        if (c == null) {
            throw new SQLException("The PostgreSQL driver did not accept " + plane.jdbcUrl(endpoint.database()));
        }
        return c;
    }

    /** Settings that make the text of every value the same on both sides of a comparison. */
    static void normaliseOutput(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601';"
                    + " SET extra_float_digits = 1; SET bytea_output = 'hex'");
        }
    }

    /** One text value of a one-row query with string parameters. */
    static String queryString(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Whether a query with parameters returns a row. */
    static boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The server's major version (e.g. 17). */
    static int majorVersion(Connection c) throws SQLException {
        return Integer.parseInt(queryString(c, "SELECT current_setting('server_version_num')")) / 10000;
    }
}
