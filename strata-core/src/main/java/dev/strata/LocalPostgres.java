package dev.strata;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;

/**
 * A PostgreSQL 17 server run by this process from embedded binaries, its data kept in a directory
 * that survives restarts. Started with {@code wal_level=logical} (online moves need it) and
 * password authentication: the superuser's password is generated on first start and kept in
 * {@code <dir>/pg-superuser-password} (mode 0600). Listens on localhost only.
 *
 * <p>For development, demos and tests; production points Strata at its own servers.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;
    private final PostgresServer server;

    private LocalPostgres(EmbeddedPostgres postgres, String password) {
        this.postgres = postgres;
        this.server = new PostgresServer("127.0.0.1", postgres.getPort(), SUPERUSER, password, "postgres", Map.of());
    }

    /**
     * Starts the server whose data lives in {@code directory/pg}, creating it on first use.
     *
     * @throws StrataException {@link ErrorCode#INVALID_CONFIGURATION} if the directory is unusable
     *         or another process is running a server on it
     */
    public static LocalPostgres start(Path directory) {
        Path cluster = directory.resolve("pg");
        Path passwordFile = directory.resolve("pg-superuser-password");
        try {
            Files.createDirectories(directory);
            boolean fresh = !Files.exists(cluster.resolve("PG_VERSION"));
            if (fresh) {
                String password = newPassword();
                EmbeddedPostgres pg = builder(cluster, null).start();
                secure(pg, cluster, password);
                writeSecret(passwordFile, password);
                return new LocalPostgres(pg, password);
            }
            if (Files.exists(cluster.resolve("postmaster.pid"))) {
                String pid = Files.readAllLines(cluster.resolve("postmaster.pid")).stream().findFirst().orElse("?");
                if (ProcessHandle.of(parsePid(pid)).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "The embedded PostgreSQL in " + cluster
                            + " is already running (pid " + pid + "): stop the other Strata process or use another --data-dir");
                }
            }
            if (!Files.exists(passwordFile)) {
                throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "The embedded PostgreSQL in " + cluster
                        + " has no " + passwordFile.getFileName() + ": restore that file or start with a new --data-dir");
            }
            String password = Files.readString(passwordFile).trim();
            return new LocalPostgres(builder(cluster, password).start(), password);
        } catch (IOException e) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION,
                    "Cannot start the embedded PostgreSQL in " + cluster + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedPostgres.Builder builder(Path cluster, String password) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(cluster)
                .setCleanDataDirectory(false)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_connections", "300")
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (password != null) {
            builder.setConnectConfig("password", password);
        }
        return builder;
    }

    /** Gives the superuser a password and switches every connection to password authentication. */
    private static void secure(EmbeddedPostgres pg, Path cluster, String password) throws IOException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
                SUPERUSER, ""); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password + "'");
            Files.writeString(cluster.resolve("pg_hba.conf"), """
                    # Written by Strata: password authentication for everyone.
                    local   all   all                 scram-sha-256
                    host    all   all   127.0.0.1/32  scram-sha-256
                    host    all   all   ::1/128       scram-sha-256
                    """);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("Could not secure the new cluster: " + e.getMessage(), e);
        }
    }

    private static void writeSecret(Path file, String secret) throws IOException {
        Files.writeString(file, secret + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    private static long parsePid(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** How to reach the server as its superuser. */
    public PostgresServer server() {
        return server;
    }

    /** Stops the server; its data stays. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new StrataException(ErrorCode.INTERNAL, "Stopping the embedded PostgreSQL failed: " + e.getMessage(), e);
        }
    }
}
