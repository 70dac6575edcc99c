package dev.strata;

import dev.strata.internal.sql.Secrets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL 17 server run by this process from embedded binaries, its data kept in a directory
 * that survives restarts. Started with {@code wal_level=logical} (online moves need it) and
 * password authentication: the superuser's password is generated on first start and kept in
 * {@code <dir>/pg-superuser-password} (mode 0600). Listens on localhost only.
 *
 * <p>If another process already runs the server of that directory (say {@code strata serve} while
 * {@code strata demo} starts), {@link #start} attaches to it instead: the port comes from line 4 of
 * {@code postmaster.pid}, the password from the password file, and {@link #close()} leaves that
 * server running for its owner.
 *
 * <p>For development, demos and tests; production points Strata at its own servers.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String SUPERUSER = "postgres";

    private static final int PID_FILE_PORT_LINE = 3;
    private static final long ATTACH_WAIT_MILLIS = 15_000;

    /** The server this process started, or {@code null} when attached to another process's server. */
    private final EmbeddedPostgres postgres;
    private final PostgresServer server;

    private LocalPostgres(EmbeddedPostgres postgres, String password) {
        this.postgres = postgres;
        this.server = new PostgresServer("127.0.0.1", postgres.getPort(), SUPERUSER, password, "postgres", Map.of());
    }

    private LocalPostgres(int port, String password) {
        this.postgres = null;
        this.server = new PostgresServer("127.0.0.1", port, SUPERUSER, password, "postgres", Map.of());
    }

    /**
     * Starts the server whose data lives in {@code directory/pg}, creating it on first use, or
     * attaches to it if another process is running it.
     *
     * @throws StrataException {@link ErrorCode#INVALID_CONFIGURATION} if the directory is unusable,
     *         its password file is missing, or the server another process runs on it does not
     *         accept connections
     */
    public static LocalPostgres start(Path directory) {
        return start(directory, true);
    }

    /**
     * {@link #start(Path)}, choosing whether a server this process starts is also stopped when the
     * JVM exits without {@link #close()}. A caller that closes it from a shutdown hook of its own
     * passes {@code false}, so that the server stops after everything that uses it, not
     * concurrently with it.
     */
    public static LocalPostgres start(Path directory, boolean stopAtExit) {
        Path cluster = directory.resolve("pg");
        Path passwordFile = directory.resolve("pg-superuser-password");
        try {
            Files.createDirectories(directory);
            boolean fresh = !Files.exists(cluster.resolve("PG_VERSION"));
            if (fresh) {
                String password = Secrets.randomToken(24);
                EmbeddedPostgres pg = builder(cluster, null, stopAtExit).start();
                secure(pg, cluster, password);
                writeSecret(passwordFile, password);
                return new LocalPostgres(pg, password);
            }
            if (!Files.exists(passwordFile)) {
                throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "The embedded PostgreSQL in " + cluster
                        + " has no " + passwordFile.getFileName() + ": restore that file or start with a new --data-dir");
            }
            String password = Files.readString(passwordFile).trim();
            Path pidFile = cluster.resolve("postmaster.pid");
            if (Files.exists(pidFile)) {
                List<String> lines = Files.readAllLines(pidFile);
                long pid = lines.isEmpty() ? -1 : parsePid(lines.get(0));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    return attach(cluster, pid, lines, password);
                }
            }
            return new LocalPostgres(builder(cluster, password, stopAtExit).start(), password);
        } catch (IOException e) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION,
                    "Cannot start the embedded PostgreSQL in " + cluster + ": " + e.getMessage(), e);
        }
    }

    /** Connects to the server another process runs on the cluster, waiting while it starts up. */
    private static LocalPostgres attach(Path cluster, long pid, List<String> pidFileLines, String password) {
        int port = pidFileLines.size() > PID_FILE_PORT_LINE ? (int) parsePid(pidFileLines.get(PID_FILE_PORT_LINE)) : -1;
        if (port <= 0 || port > 65535) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "The embedded PostgreSQL in " + cluster
                    + " is run by process " + pid + ", but its postmaster.pid names no port");
        }
        LocalPostgres attached = new LocalPostgres(port, password);
        long deadline = System.currentTimeMillis() + ATTACH_WAIT_MILLIS;
        while (true) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    SUPERUSER, password); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return attached;
            } catch (SQLException e) {
                boolean starting = "57P03".equals(e.getSQLState()) || "08001".equals(e.getSQLState());
                if (!starting || System.currentTimeMillis() > deadline) {
                    throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "The embedded PostgreSQL in " + cluster
                            + " is run by process " + pid + " on port " + port + " but does not accept connections ("
                            + e.getMessage() + "): stop that process or use another --data-dir", e);
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StrataException(ErrorCode.INTERNAL, "Interrupted while attaching to the embedded PostgreSQL", e);
            }
        }
    }

    private static EmbeddedPostgres.Builder builder(Path cluster, String password, boolean stopAtExit) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(cluster)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(stopAtExit)
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

    /** How to reach the server as its superuser. */
    public PostgresServer server() {
        return server;
    }

    /**
     * Whether this instance attached to a server another process runs (and {@link #close()} leaves
     * running) rather than starting one.
     */
    public boolean attached() {
        return postgres == null;
    }

    /** Stops the server if this process started it (its data stays); does nothing if attached. */
    @Override
    public void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new StrataException(ErrorCode.INTERNAL, "Stopping the embedded PostgreSQL failed: " + e.getMessage(), e);
        }
    }
}
