package dev.strata.bench;

import dev.strata.PostgresServer;
import dev.strata.embedded.LocalPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The PostgreSQL server a run uses: one given by URL, or an embedded PostgreSQL 17 in a temporary
 * directory removed afterwards. Every namespace a run creates is dropped at the end.
 *
 * <p>The embedded server runs non-durable ({@code fsync} and {@code synchronous_commit} off, unlike
 * {@code strata serve}'s), as every published run did: its data is thrown away, and the numbers
 * measure Strata's cost over raw JDBC on the same server, not the disk. Reports say so
 * ({@link #durability()}).
 */
final class BenchServer implements AutoCloseable {
    private final PostgresServer server;
    private final LocalPostgres local;
    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();

    private BenchServer(PostgresServer server, LocalPostgres local, Path dir) {
        this.server = server;
        this.local = local;
        this.dir = dir;
    }

    static BenchServer start(String url) throws IOException {
        if (url != null && !url.isBlank()) {
            return new BenchServer(PostgresServer.parse(url), null, null);
        }
        Path dir = Files.createTempDirectory("strata-bench-pg");
        LocalPostgres pg = LocalPostgres.start(dir, LocalPostgres.options().durable(false));
        return new BenchServer(PostgresServer.parse(pg.databaseUrl()), pg, dir);
    }

    /** A server given as such (not started here): the namespaces of the run are dropped at close. */
    static BenchServer of(PostgresServer server) {
        return new BenchServer(server, null, null);
    }

    PostgresServer server() {
        return server;
    }

    /** A new namespace (dropped at close). */
    String newNamespace(String prefix) {
        String ns = prefix + Long.toHexString(System.nanoTime() & 0xffffffL);
        namespaces.add(ns);
        return ns;
    }

    /** Drops a namespace created by another server's run on this one too (its databases and roles here) at close. */
    void track(String namespace) {
        namespaces.add(namespace);
    }

    Connection admin(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.user());
        if (server.password() != null) {
            props.setProperty("password", server.password());
        }
        return DriverManager.getConnection(server.jdbcUrl(database), props);
    }

    /** The embedded server's CPU meter; empty for a server given by URL (it may be on another machine). */
    Optional<ServerCpu> serverCpu() throws SQLException {
        if (local == null) {
            return Optional.empty();
        }
        try (Connection c = admin(server.database()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return ServerCpu.ofBackend(rs.getLong(1));
        }
    }

    /** The server's durability settings as the report shows them, e.g. {@code fsync=off synchronous_commit=off (not durable)}. */
    String durability() throws SQLException {
        try (Connection c = admin(server.database()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
            rs.next();
            boolean durable = rs.getString(1).equals("on") && !rs.getString(2).equals("off");
            return "fsync=" + rs.getString(1) + " synchronous_commit=" + rs.getString(2) + (durable ? "" : " (not durable)");
        }
    }

    String version() throws SQLException {
        try (Connection c = admin(server.database()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
            return;
        }
        for (String ns : namespaces) {
            try {
                dropNamespace(ns);
            } catch (SQLException e) {
                System.err.println("Could not drop benchmark namespace " + ns + ": " + e.getMessage());
            }
        }
    }

    private void dropNamespace(String ns) throws SQLException {
        try (Connection c = admin(server.database()); Statement s = c.createStatement()) {
            for (String db : names(c, "SELECT datname FROM pg_database WHERE datname = ? OR datname LIKE ? || '\\_%'", ns)) {
                s.execute("ALTER DATABASE \"" + db + "\" WITH IS_TEMPLATE false");
                s.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
            }
            for (String role : names(c, "SELECT rolname FROM pg_roles WHERE rolname = ? OR rolname LIKE ? || '\\_%'", ns)) {
                s.execute("DROP ROLE IF EXISTS \"" + role + "\"");
            }
        }
    }

    private static List<String> names(Connection c, String sql, String ns) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ns);
            ps.setString(2, ns);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
