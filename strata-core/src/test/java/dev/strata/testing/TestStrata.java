package dev.strata.testing;

import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.StrataConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Starts Strata for a test class on the shared server under a namespace of its own, so that test
 * classes never see each other's databases or roles, and removes that namespace afterwards.
 */
public final class TestStrata {
    private TestStrata() {
    }

    /** The tests' application schema: {@code documents} (strata-core/src/test/resources/db/test-app). */
    public static final String MIGRATIONS = "classpath:db/test-app";

    /** A fresh namespace such as {@code t3f9a0c1d}. */
    public static String newNamespace() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    public static StrataConfig.Builder configure() {
        return StrataConfig.builder()
                .server(SharedPostgres.server())
                .namespace(newNamespace())
                .statsFlushInterval(java.time.Duration.ZERO)
                .tenantMigrations(MIGRATIONS);
    }

    public static Strata start() {
        return configure().start();
    }

    public static Strata start(UnaryOperator<StrataConfig.Builder> customize) {
        return customize.apply(configure()).start();
    }

    /** Closes Strata and drops every database and role of its namespace. */
    public static void stopAndDrop(Strata strata) {
        if (strata == null) {
            return;
        }
        String namespace = strata.config().namespace();
        strata.close();
        dropNamespace(namespace);
    }

    /**
     * Drops every database and role of a namespace on the shared server, and on the
     * {@link SecondPostgres second server} if that one runs.
     */
    public static void dropNamespace(String namespace) {
        dropNamespace(SharedPostgres.server(), namespace);
        PostgresServer second = SecondPostgres.startedOrNull();
        if (second != null) {
            dropNamespace(second, namespace);
        }
    }

    private static void dropNamespace(PostgresServer server, String namespace) {
        try (Connection c = SecondPostgres.admin(server, "postgres"); Statement s = c.createStatement()) {
            List<String> databases = names(c, "SELECT datname FROM pg_database WHERE datname = ? OR datname LIKE ? || '\\_%'", namespace);
            for (String db : databases) {
                s.execute("ALTER DATABASE \"" + db + "\" WITH IS_TEMPLATE false");
                s.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
            }
            for (String role : names(c, "SELECT rolname FROM pg_roles WHERE rolname LIKE ? || '\\_%' AND rolname LIKE ? || '\\_%'", namespace)) {
                s.execute("DROP ROLE IF EXISTS \"" + role + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not drop namespace " + namespace, e);
        }
    }

    /**
     * An administrator connection to a database: on the shared server, or, where the database is
     * not there and the {@link SecondPostgres second server} runs, on that one (database names are
     * unique across planes, so a test helper reaches a tenant's database wherever its plane is).
     */
    public static Connection admin(String database) throws SQLException {
        try {
            return SecondPostgres.admin(SharedPostgres.server(), database);
        } catch (SQLException e) {
            PostgresServer second = SecondPostgres.startedOrNull();
            if (second == null || !"3D000".equals(e.getSQLState())) {
                throw e;
            }
            return SecondPostgres.admin(second, database);
        }
    }

    /** A connection to a database as a given role (for attacks the request path never makes), on either server as {@link #admin}. */
    public static Connection as(String database, String role, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        try {
            return DriverManager.getConnection(SharedPostgres.server().jdbcUrl(database), props);
        } catch (SQLException e) {
            PostgresServer second = SecondPostgres.startedOrNull();
            if (second == null || !("3D000".equals(e.getSQLState()) || "28P01".equals(e.getSQLState()))) {
                throw e;
            }
            return DriverManager.getConnection(second.jdbcUrl(database), props);
        }
    }

    private static List<String> names(Connection c, String sql, String namespace) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, namespace);
            ps.setString(2, namespace);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
