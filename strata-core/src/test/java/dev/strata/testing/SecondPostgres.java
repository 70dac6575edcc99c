package dev.strata.testing;

import dev.strata.PostgresServer;
import dev.strata.embedded.LocalPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A second PostgreSQL server for a test JVM, to be a second data plane: embedded PostgreSQL 17 in
 * a temporary directory ({@code wal_level=logical}, as {@link LocalPostgres} sets it), started on
 * first use and stopped when the JVM exits; or, when {@code STRATA_TEST_SECOND_DATABASE_URL} (or
 * the system property {@code strata.test.secondDatabaseUrl}) is set, that external server. Like
 * {@link SharedPostgres} it trades durability for speed. Test classes keep apart on it by
 * namespace, as on the first; {@link TestStrata#dropNamespace} cleans both.
 */
public final class SecondPostgres {
    private static PostgresServer server;

    private SecondPostgres() {
    }

    /** The second server, started on first use. */
    public static synchronized PostgresServer server() {
        if (server == null) {
            String url = System.getProperty("strata.test.secondDatabaseUrl", System.getenv("STRATA_TEST_SECOND_DATABASE_URL"));
            server = url != null && !url.isBlank() ? PostgresServer.parse(url) : startEmbedded();
        }
        return server;
    }

    /** The second server if something started it already, else {@code null} (nothing to clean). */
    static synchronized PostgresServer startedOrNull() {
        return server;
    }

    /** The second server's URL with its administrator's credentials, as {@code strata planes add --url} takes it. */
    public static String url() {
        PostgresServer s = server();
        return "postgresql://" + s.user() + (s.password() == null ? "" : ":" + encode(s.password())) + "@" + s.host() + ":"
                + s.port() + "/" + s.database();
    }

    /** An administrator connection to a database on the second server. */
    public static Connection admin(String database) throws SQLException {
        return admin(server(), database);
    }

    static Connection admin(PostgresServer s, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", s.user());
        if (s.password() != null) {
            props.setProperty("password", s.password());
        }
        return DriverManager.getConnection(s.jdbcUrl(database), props);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static PostgresServer startEmbedded() {
        return SharedPostgres.startEmbedded("strata-test-pg2");
    }
}
