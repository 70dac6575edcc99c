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
 * <p>
 * A data plane may have a <em>pooled endpoint</em> (PgBouncer in transaction mode, Neon's
 * {@code -pooler} host): then the request path's app-role connections go through it
 * ({@link #openTenant}), with pgjdbc's server-side prepared statements off ({@code prepareThreshold=0})
 * and no session-level setting, while the administrator (DDL, migrations, {@code LISTEN}, advisory
 * locks) always connects to the server directly. Thread-safe and immutable.
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
    private final PostgresServer pooled;
    private final Waker waker;
    private final boolean oneDatabase;
    private final java.util.function.Function<String, DataPlane> route;

    /**
     * Opens connections to a server whose compute may be suspended (a Neon endpoint): retries the
     * attempts refused while it wakes, within a bound, and counts the wake-ups. Thread-safe.
     */
    @FunctionalInterface
    public interface Waker {
        Connection connect(Attempt attempt) throws SQLException;
    }

    /** One connection attempt. */
    @FunctionalInterface
    public interface Attempt {
        Connection open() throws SQLException;
    }

    public DataPlane(String key, PostgresServer server) {
        this(key, server, null);
    }

    /**
     * @param server the server, reached directly (its administrator's credentials)
     * @param pooled its pooled endpoint for tenant work, or {@code null} to connect directly; its
     *               user and password are not used (each database's app role logs in)
     */
    public DataPlane(String key, PostgresServer server, PostgresServer pooled) {
        this(key, server, pooled, null);
    }

    /** @param waker how connections are opened to a compute that may be suspended, {@code null} for directly */
    public DataPlane(String key, PostgresServer server, PostgresServer pooled, Waker waker) {
        this(key, server, pooled, waker, false);
    }

    private DataPlane(String key, PostgresServer server, PostgresServer pooled, Waker waker, boolean oneDatabase) {
        this(key, server, pooled, waker, oneDatabase, null);
    }

    private DataPlane(String key, PostgresServer server, PostgresServer pooled, Waker waker, boolean oneDatabase,
                      java.util.function.Function<String, DataPlane> route) {
        this.key = Objects.requireNonNull(key);
        this.server = Objects.requireNonNull(server);
        this.pooled = pooled;
        this.waker = waker;
        this.oneDatabase = oneDatabase;
        this.route = route;
    }

    /**
     * A plane that is no one server (Neon): every connection to a database goes to that database's
     * own address ({@code route}); {@code placeholder} only names the plane (it is no server to
     * connect to: a database no placement holds fails with the route's error).
     */
    public static DataPlane routed(String key, PostgresServer placeholder, java.util.function.Function<String, DataPlane> route) {
        return new DataPlane(key, placeholder, null, null, false, Objects.requireNonNull(route));
    }

    /** Whether each database of this plane has an address of its own ({@link #routed}). */
    public boolean routedPerDatabase() {
        return route != null;
    }

    /**
     * The address of one database (a Neon branch's): every connection goes to {@code server}'s
     * database, whatever name Strata's registry gives it.
     */
    public static DataPlane ofOneDatabase(String key, PostgresServer server, PostgresServer pooled, Waker waker) {
        return new DataPlane(key, server, pooled, waker, true);
    }

    private String db(String requested) {
        return oneDatabase ? server.database() : requested;
    }

    /** Whether the request path goes through a pooled endpoint (see the class comment). */
    public boolean pooled() {
        return pooled != null;
    }

    /** The pooled endpoint, if any. */
    public java.util.Optional<PostgresServer> pooledEndpoint() {
        return java.util.Optional.ofNullable(pooled);
    }

    /**
     * pgjdbc's threshold of executions after which a statement is prepared on the server: 0, never,
     * on a pooled endpoint, where a named statement prepared in one server session would be missing
     * (or, worse, another client's) in the next.
     */
    static final String POOLED_PREPARE_THRESHOLD = "0";

    /** The {@code application_name} of tenant connections. */
    public static final String TENANT_APPLICATION_NAME = "strata";
    /** The same as an SQL literal. */
    public static final String TENANT_APPLICATION_NAME_LITERAL = "'" + TENANT_APPLICATION_NAME + "'";

    /**
     * A new connection for tenant work, as a database's app role: through the pooled endpoint if
     * there is one (no server-side prepared statements), else directly.
     */
    public Connection openTenant(String requestedDatabase, String user, String password) throws SQLException {
        if (route != null) {
            return route.apply(requestedDatabase).openTenant(requestedDatabase, user, password);
        }
        String database = db(requestedDatabase);
        if (pooled == null) {
            return open(database, user, password, TENANT_APPLICATION_NAME);
        }
        Properties props = new Properties();
        props.putAll(pooled.driverOptions());
        props.setProperty("prepareThreshold", POOLED_PREPARE_THRESHOLD);
        return wake(() -> connect(pooled, database, user, password, TENANT_APPLICATION_NAME, props));
    }

    private Connection wake(Attempt attempt) throws SQLException {
        return waker == null ? attempt.open() : waker.connect(attempt);
    }

    public String key() {
        return key;
    }

    public PostgresServer server() {
        return server;
    }

    /** A JDBC URL of a database on this server (no credentials). */
    public String jdbcUrl(String database) {
        if (route != null) {
            return route.apply(database).jdbcUrl(database);
        }
        return server.jdbcUrl(db(database));
    }

    /** A new administrator connection (autocommit on) to a database. */
    public Connection openAdmin(String database) throws SQLException {
        if (route != null) {
            return route.apply(database).openAdmin(database);
        }
        return open(database, server.user(), server.password(), "strata-admin");
    }

    /** A new connection to a database as the given role. */
    public Connection open(String requestedDatabase, String user, String password, String applicationName)
            throws SQLException {
        if (route != null) {
            return route.apply(requestedDatabase).open(requestedDatabase, user, password, applicationName);
        }
        String database = db(requestedDatabase);
        Properties props = new Properties();
        props.putAll(server.driverOptions());
        return wake(() -> connect(server, database, user, password, applicationName, props));
    }

    private static Connection connect(PostgresServer target, String database, String user, String password,
                                      String applicationName, Properties props) throws SQLException {
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
            connection = DRIVER.connect(target.jdbcUrl(database), props);
        } catch (SQLException e) {
            if (SqlStates.OBJECT_NOT_IN_PREREQUISITE_STATE.equals(e.getSQLState())) {
                // "database ... is not currently accepting connections": the server refused the connection
                throw new SQLNonTransientConnectionException(e.getMessage(), REJECTED_CONNECTION, e);
            }
            throw e;
        }
        if (connection == null) {
            throw new SQLException("The PostgreSQL driver did not accept " + target.jdbcUrl(database));
        }
        return connection;
    }

    /** A non-pooled data source of administrator connections to a database (for Flyway). */
    public DataSource adminDataSource(String database) {
        if (route != null) {
            return route.apply(database).adminDataSource(database);
        }
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
        for (Map.Entry<String, String> option : server.driverOptions().entrySet()) {
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
        return key + "=" + server + (pooled == null ? "" : " (pooled endpoint " + pooled.host() + ":" + pooled.port() + ")");
    }
}
