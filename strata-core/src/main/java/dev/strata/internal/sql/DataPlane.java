package dev.strata.internal.sql;

import dev.strata.PostgresServer;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * One PostgreSQL server holding tenant databases, and how Strata connects to it: as its
 * administrator for DDL and maintenance, or as a database's app role for tenant work.
 * Thread-safe and immutable.
 */
public final class DataPlane {
    /** Key of the data plane given by the configuration's server. */
    public static final String DEFAULT_KEY = "default";

    private static final Driver DRIVER = new Driver();
    /**
     * pgjdbc's TCP connect and login time-outs (seconds) unless the server's options set their own:
     * an unreachable server is reported within about two seconds, not after pgjdbc's ten (connect)
     * or never (login).
     */
    static final String CONNECT_TIMEOUT_SECONDS = "2";
    static final String LOGIN_TIMEOUT_SECONDS = "3";
    /** SQLSTATE 08004: the server rejected the connection. */
    static final String REJECTED_CONNECTION = "08004";

    private final String key;
    private final PostgresServer server;

    public DataPlane(String key, PostgresServer server) {
        this.key = Objects.requireNonNull(key);
        this.server = Objects.requireNonNull(server);
    }

    public String key() {
        return key;
    }

    public PostgresServer server() {
        return server;
    }

    /** A JDBC URL of a database on this server (no credentials). */
    public String jdbcUrl(String database) {
        return server.jdbcUrl(database);
    }

    /** A new administrator connection (autocommit on) to a database. */
    public Connection openAdmin(String database) throws SQLException {
        return open(database, server.user(), server.password(), "strata-admin");
    }

    /** A new connection to a database as the given role. */
    public Connection open(String database, String user, String password, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.putAll(server.options());
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("assumeMinServerVersion", "15");
        props.setProperty("tcpKeepAlive", "true");
        props.putIfAbsent("connectTimeout", CONNECT_TIMEOUT_SECONDS);
        props.putIfAbsent("loginTimeout", LOGIN_TIMEOUT_SECONDS);
        Connection connection;
        try {
            connection = DRIVER.connect(jdbcUrl(database), props);
        } catch (SQLException e) {
            if (SqlStates.OBJECT_NOT_IN_PREREQUISITE_STATE.equals(e.getSQLState())) {
                // "database ... is not currently accepting connections": the server refused the connection
                throw new SQLNonTransientConnectionException(e.getMessage(), REJECTED_CONNECTION, e);
            }
            throw e;
        }
        if (connection == null) {
            throw new SQLException("The PostgreSQL driver did not accept " + jdbcUrl(database));
        }
        return connection;
    }

    /** A non-pooled data source of administrator connections to a database (for Flyway). */
    public DataSource adminDataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl(database));
        ds.setUser(server.user());
        if (server.password() != null) {
            ds.setPassword(server.password());
        }
        ds.setApplicationName("strata-admin");
        ds.setAssumeMinServerVersion("15");
        ds.setConnectTimeout(Integer.parseInt(CONNECT_TIMEOUT_SECONDS));
        ds.setLoginTimeout(Integer.parseInt(LOGIN_TIMEOUT_SECONDS));
        for (Map.Entry<String, String> option : server.options().entrySet()) {
            try {
                ds.setProperty(option.getKey(), option.getValue());
            } catch (SQLException e) {
                throw new IllegalArgumentException("Unknown connection option " + option.getKey(), e);
            }
        }
        return ds;
    }

    @Override
    public String toString() {
        return key + "=" + server;
    }
}
