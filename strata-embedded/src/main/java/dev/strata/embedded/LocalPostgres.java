package dev.strata.embedded;

import dev.strata.embedded.internal.HostBasedAuthentication;
import dev.strata.embedded.internal.NewCluster;
import dev.strata.embedded.internal.PostgresBinaries;
import dev.strata.embedded.internal.PostmasterPidFile;
import dev.strata.embedded.internal.PrivateFiles;
import dev.strata.embedded.internal.StartLock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import static dev.strata.embedded.LocalPostgresException.Reason.INTERNAL;
import static dev.strata.embedded.LocalPostgresException.Reason.INVALID_CONFIGURATION;

/**
 * A PostgreSQL 17 server run by this process from embedded binaries, its data kept in
 * {@code <directory>/pg}, which survives restarts.
 *
 * <p><b>Never open without a password.</b> The cluster is created by {@code initdb
 * --auth=scram-sha-256} with a generated superuser password read from
 * {@code <directory>/pg-superuser-password} (created 0600); its {@code pg_hba.conf} allows SCRAM
 * password logins over TCP from 127.0.0.1 and ::1 and nothing else, and is rewritten to exactly
 * that before every start (and when attaching, followed by a reload), which also upgrades clusters
 * created by older versions. The server listens on 127.0.0.1 only and has no Unix socket. The
 * directory is 0700 and the cluster 0700; wider modes found on existing ones are narrowed.
 *
 * <p><b>Durable by default.</b> {@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} are on: a commit that returned survives a crash of the server, of this
 * process or of the machine. Only tests may trade that for speed, with {@link Options#durable
 * durable(false)}. Also {@code wal_level=logical} (online moves need it).
 *
 * <p>If another process already runs the server of that directory (say {@code strata serve} while
 * {@code strata demo} starts), {@link #start} attaches to it instead: the port comes from
 * {@code postmaster.pid}, the password from the password file, and {@link #close()} leaves that
 * server running for its owner. A {@code postmaster.pid} left by a killed server is recognised as
 * stale and the server started anew (PostgreSQL then recovers from its write-ahead log).
 *
 * <p>A client reaches it as {@link #user()} with {@link #password()} on {@link #host()}:{@link
 * #port()}, or through {@link #databaseUrl()}, which {@code dev.strata.PostgresServer.parse} and
 * {@code strata --database-url} accept. This module depends on no other Strata module (strata-core's
 * tests use it), so the adaptation to {@code PostgresServer} is the caller's.
 *
 * <p>For development, demos and tests; production points Strata at its own servers. Instances are
 * thread-safe; starts on one directory are serialised across threads and processes. Failures are
 * {@link LocalPostgresException}s.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

    private static final String HOST = "127.0.0.1";
    private static final String SUPERUSER = "postgres";
    private static final String DATABASE = "postgres";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CLUSTER = "pg";
    private static final String PASSWORD_FILE = "pg-superuser-password";
    private static final long ATTACH_WAIT_MILLIS = 60_000;
    private static final int ATTACH_ATTEMPTS = 3;
    /** How long {@link #close()} waits for the postmaster to exit (a durable shutdown checkpoint flushes everything). */
    private static final long STOP_WAIT_MILLIS = 120_000;
    /** Includes crash recovery after a kill -9, which replays the write-ahead log first. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);

    /** The server this process started, or {@code null} when attached to another process's server. */
    private final EmbeddedPostgres postgres;
    /** The postmaster this process started, empty when attached or unknown. */
    private final Optional<ProcessHandle> postmaster;
    private final int port;
    private final String password;

    private LocalPostgres(EmbeddedPostgres postgres, Optional<ProcessHandle> postmaster, int port, String password) {
        this.postgres = postgres;
        this.postmaster = postmaster;
        this.port = port;
        this.password = password;
    }

    /**
     * How {@link #start(Path, Options)} starts a server; immutable. The defaults: durable, and
     * stopped when the JVM exits.
     */
    public static final class Options {
        private final boolean stopAtExit;
        private final boolean durable;

        private Options(boolean stopAtExit, boolean durable) {
            this.stopAtExit = stopAtExit;
            this.durable = durable;
        }

        /**
         * Whether a server this process starts is also stopped when the JVM exits without
         * {@link #close()}. A caller that closes it from a shutdown hook of its own passes
         * {@code false}, so that the server stops after everything that uses it.
         */
        public Options stopAtExit(boolean stopAtExit) {
            return new Options(stopAtExit, durable);
        }

        /**
         * {@code false} runs a server this process starts with {@code fsync} and
         * {@code synchronous_commit} off: faster, but a crash of the server or the machine can
         * lose committed transactions or corrupt the cluster. For tests and benchmarks only.
         * Has no effect when attaching to a server another process runs.
         */
        public Options durable(boolean durable) {
            return new Options(stopAtExit, durable);
        }

        public boolean stopAtExit() {
            return stopAtExit;
        }

        public boolean durable() {
            return durable;
        }
    }

    /** The default options: durable, stopped when the JVM exits. */
    public static Options options() {
        return new Options(true, true);
    }

    /**
     * Starts the server whose data lives in {@code directory/pg}, creating it on first use, or
     * attaches to it if another process is running it; with the default {@link #options()}.
     *
     * @throws LocalPostgresException {@link LocalPostgresException.Reason#INVALID_CONFIGURATION} if
     *         the directory is unusable (others may write to it, it holds something that is not a
     *         cluster), its password file is missing, or the server another process runs on it does
     *         not accept connections
     */
    public static LocalPostgres start(Path directory) {
        return start(directory, options());
    }

    /** {@link #start(Path)} with {@link Options#stopAtExit(boolean)}. */
    public static LocalPostgres start(Path directory, boolean stopAtExit) {
        return start(directory, options().stopAtExit(stopAtExit));
    }

    /** {@link #start(Path)} with these options. */
    public static LocalPostgres start(Path directory, Options options) {
        Path dir = directory.toAbsolutePath().normalize();
        Path cluster = dir.resolve(CLUSTER);
        Path passwordFile = dir.resolve(PASSWORD_FILE);
        try {
            if (PrivateFiles.directory(dir)) {
                LOG.warn("Narrowed the data directory {} to mode 0700 (only its owner may enter it)", dir);
            }
            try (StartLock ignored = StartLock.acquire(dir)) {
                if (!Files.exists(cluster.resolve("PG_VERSION"))) {
                    return create(cluster, passwordFile, options);
                }
                String password = password(cluster, passwordFile);
                if (PrivateFiles.narrow(cluster, PrivateFiles.DIRECTORY)) {
                    LOG.warn("Narrowed the PostgreSQL cluster {} to mode 0700", cluster);
                }
                for (int attempt = 1; ; attempt++) {
                    Optional<PostmasterPidFile> pidFile = PostmasterPidFile.of(cluster);
                    if (pidFile.isEmpty()) {
                        break;
                    }
                    if (!pidFile.get().isLive(cluster)) {
                        LOG.info("Removing the stale {} of process {} (no longer running this cluster)",
                                pidFile.get().file(), pidFile.get().pid());
                        pidFile.get().delete();
                        break;
                    }
                    Optional<LocalPostgres> attached = attach(cluster, pidFile.get(), password, attempt == ATTACH_ATTEMPTS);
                    if (attached.isPresent()) {
                        return attached.get();
                    }
                    // that server stopped while this process waited for it: start it anew
                }
                if (HostBasedAuthentication.enforce(cluster)) {
                    LOG.warn("Rewrote {}/pg_hba.conf: SCRAM passwords only, from 127.0.0.1 and ::1 only", cluster);
                }
                return run(cluster, password, options);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof LocalPostgresException refused) {
                throw refused;
            }
            throw new LocalPostgresException(INVALID_CONFIGURATION,
                    "Cannot start the embedded PostgreSQL in " + cluster + ": " + e.getMessage(), e);
        }
    }

    /** A new cluster: its password first (so a complete cluster never lacks one), then initdb, then the start. */
    private static LocalPostgres create(Path cluster, Path passwordFile, Options options) throws IOException {
        if (Files.exists(cluster)) {
            try (var entries = Files.list(cluster)) {
                if (entries.findAny().isPresent()) {
                    throw new LocalPostgresException(INVALID_CONFIGURATION, cluster + " exists but is not a"
                            + " PostgreSQL cluster (no PG_VERSION): move it away or start with another --data-dir");
                }
            }
            Files.delete(cluster);
        }
        String password = newPassword();
        PrivateFiles.writeSecret(passwordFile, password + "\n");
        NewCluster.create(cluster, SUPERUSER, passwordFile);
        LOG.info("Created the embedded PostgreSQL cluster {} (SCRAM authentication from the start)", cluster);
        return run(cluster, password, options);
    }

    private static String password(Path cluster, Path passwordFile) throws IOException {
        if (!Files.isRegularFile(passwordFile)) {
            throw new LocalPostgresException(INVALID_CONFIGURATION, "The embedded PostgreSQL in " + cluster
                    + " has no " + passwordFile.getFileName() + ": restore that file or start with a new --data-dir");
        }
        if (PrivateFiles.narrow(passwordFile, PrivateFiles.FILE)) {
            LOG.warn("Narrowed {} to mode 0600: it was readable by others, consider changing the password", passwordFile);
        }
        String password = Files.readString(passwordFile).strip();
        if (password.isEmpty()) {
            throw new LocalPostgresException(INVALID_CONFIGURATION, passwordFile
                    + " is empty: restore the superuser password of the embedded PostgreSQL or start with a new --data-dir");
        }
        return password;
    }

    /** 24 random bytes, URL-safe base64 without padding. */
    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String bootstrapUrl(int port) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static LocalPostgres run(Path cluster, String password, Options options) throws IOException {
        String durable = options.durable ? "on" : "off";
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(cluster)
                .setOverrideWorkingDirectory(PostgresBinaries.workingDirectory().toFile())
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(options.stopAtExit)
                .setPGStartupWait(STARTUP_WAIT)
                // zonky passes -F (fsync off) and synchronous_commit=off; these come later on the command line and win
                .setServerConfig("fsync", durable)
                .setServerConfig("synchronous_commit", durable)
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "''")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_connections", "300")
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("max_replication_slots", "20")
                .setConnectConfig("password", password)
                .start();
        if (!options.durable) {
            LOG.warn("The embedded PostgreSQL in {} runs with fsync and synchronous_commit off:"
                    + " a crash can lose committed data (tests only)", cluster);
        }
        Optional<ProcessHandle> postmaster = PostmasterPidFile.of(cluster).flatMap(f -> ProcessHandle.of(f.pid()));
        return new LocalPostgres(pg, postmaster, pg.getPort(), password);
    }

    /**
     * Connects to the server another process runs on the cluster, waiting while it starts up;
     * empty if it stops meanwhile (and this is not the {@code last} attempt).
     */
    private static Optional<LocalPostgres> attach(Path cluster, PostmasterPidFile pidFile, String password, boolean last)
            throws IOException {
        long deadline = System.currentTimeMillis() + ATTACH_WAIT_MILLIS;
        while (true) {
            if (!last && !pidFile.isLive(cluster)) {
                return Optional.empty();
            }
            int port = pidFile.port();
            if (port > 0) {
                try (Connection c = DriverManager.getConnection(bootstrapUrl(port), SUPERUSER, password);
                     Statement s = c.createStatement()) {
                    if (HostBasedAuthentication.enforce(cluster)) {
                        LOG.warn("Rewrote {}/pg_hba.conf of the running server: SCRAM passwords only, from 127.0.0.1"
                                + " and ::1 only", cluster);
                        s.execute("SELECT pg_reload_conf()");
                    }
                    return Optional.of(new LocalPostgres(null, Optional.empty(), port, password));
                } catch (SQLException e) {
                    boolean transitional = "57P03".equals(e.getSQLState()) || "08001".equals(e.getSQLState());
                    if (!transitional || System.currentTimeMillis() > deadline) {
                        throw new LocalPostgresException(INVALID_CONFIGURATION, "The embedded PostgreSQL in " + cluster
                                + " is run by process " + pidFile.pid() + " on port " + port
                                + " but does not accept connections (" + e.getMessage()
                                + "): stop that process or use another --data-dir", e);
                    }
                }
            } else if (System.currentTimeMillis() > deadline) {
                throw new LocalPostgresException(INVALID_CONFIGURATION, "The embedded PostgreSQL in " + cluster
                        + " is run by process " + pidFile.pid() + ", but its postmaster.pid names no port");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalPostgresException(INTERNAL, "Interrupted while attaching to the embedded PostgreSQL", e);
            }
            pidFile = PostmasterPidFile.of(cluster).orElse(pidFile);
        }
    }

    /** The address the server listens on: {@code 127.0.0.1}, and nothing else. */
    public String host() {
        return HOST;
    }

    /** The TCP port the server listens on. */
    public int port() {
        return port;
    }

    /** The superuser: {@code postgres}. */
    public String user() {
        return SUPERUSER;
    }

    /** The superuser's password (from {@code <directory>/pg-superuser-password}); never log it. */
    public String password() {
        return password;
    }

    /** The database that exists from the start and serves to bootstrap: {@code postgres}. */
    public String database() {
        return DATABASE;
    }

    /**
     * How to reach the server as its superuser, as a libpq URL with the password,
     * {@code postgresql://postgres:<password>@127.0.0.1:<port>/postgres}: what
     * {@code PostgresServer.parse} and {@code strata --database-url} accept. Contains the password;
     * never log it ({@link #toString()} is the printable form).
     */
    public String databaseUrl() {
        return "postgresql://" + encode(SUPERUSER) + ":" + encode(password) + "@" + HOST + ":" + port + "/" + encode(DATABASE);
    }

    /** A JDBC URL for the given database on this server, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + encode(database);
    }

    /** A printable form, with the password replaced by {@code ***}. */
    @Override
    public String toString() {
        return "postgresql://" + SUPERUSER + ":***@" + HOST + ":" + port + "/" + DATABASE + (attached() ? " (attached)" : "");
    }

    /**
     * Whether this instance attached to a server another process runs (and {@link #close()} leaves
     * running) rather than starting one.
     */
    public boolean attached() {
        return postgres == null;
    }

    /**
     * Stops the server if this process started it (its data stays) and waits until it has exited,
     * its shutdown checkpoint written; does nothing if attached.
     */
    @Override
    public void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new LocalPostgresException(INTERNAL, "Stopping the embedded PostgreSQL failed: " + e.getMessage(), e);
        }
        if (postmaster.isPresent()) {
            long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
            while (postmaster.get().isAlive() && System.currentTimeMillis() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (postmaster.get().isAlive()) {
                LOG.warn("The embedded PostgreSQL (process {}) is still shutting down", postmaster.get().pid());
            }
        }
    }
}
