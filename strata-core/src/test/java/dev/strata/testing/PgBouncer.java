package dev.strata.testing;

import dev.strata.PostgresServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's {@code pgbouncer} in front of the tests' shared server ({@link SharedPostgres}), started
 * once per test JVM on first use and stopped when the JVM exits: transaction pooling, a server pool
 * of ONE connection per database and role (so the next client surely gets the server session the
 * previous one used), up to 1000 clients, in a temporary directory on a free port. Clients log in
 * with SCRAM against the role's secret, which PgBouncer reads with {@code auth_query} as the
 * administrator (the only entry of the generated {@code auth_file}), and PgBouncer passes the SCRAM
 * proof on to the server. It never resets server sessions itself ({@code server_reset_query} is not
 * used in transaction mode): whatever one client leaves in a session, the next one finds.
 *
 * <p>When the binary is missing (looked up as {@code $STRATA_PGBOUNCER}, then {@code pgbouncer} on
 * the {@code PATH}, {@code /usr/sbin}, {@code /usr/bin}) the tests that need it are skipped with a
 * message saying so, or fail when {@code STRATA_REQUIRE_PGBOUNCER} is set (as {@code .ci/run} does).
 * Usable as a JUnit extension ({@code @ExtendWith(PgBouncer.class)}) or through {@link #endpoint()}.
 */
public final class PgBouncer implements BeforeAllCallback {
    private static Started started;
    private static String unavailable;

    /** A running PgBouncer. */
    private record Started(int port, Path directory, Process process) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        endpoint();
    }

    /**
     * The pooled endpoint of the shared server ({@code pgbouncer=true}), starting PgBouncer if needed.
     * Aborts the calling test (skipped, with the reason) when PgBouncer is not installed.
     */
    public static PostgresServer endpoint() {
        Started s = start();
        return new PostgresServer("127.0.0.1", s.port(), "strata", null, "postgres",
                Map.of(PostgresServer.POOLED_PARAMETER, "true"));
    }

    private static synchronized Started start() {
        if (started != null) {
            return started;
        }
        if (unavailable == null) {
            Path binary = binary();
            if (binary == null) {
                unavailable = "PgBouncer is not installed (no pgbouncer on the PATH, in /usr/sbin or /usr/bin, and "
                        + "STRATA_PGBOUNCER is not set): the tests behind a pooled endpoint are SKIPPED. Install it "
                        + "(apt-get install -y pgbouncer) to run them";
            } else {
                try {
                    started = launch(binary);
                    return started;
                } catch (IOException e) {
                    throw new UncheckedIOException("PgBouncer (" + binary + ") did not start", e);
                }
            }
        }
        if (System.getenv("STRATA_REQUIRE_PGBOUNCER") != null) {
            throw new IllegalStateException(unavailable + " (STRATA_REQUIRE_PGBOUNCER is set: failing instead)");
        }
        Assumptions.abort(unavailable);
        throw new AssertionError("unreachable");
    }

    private static Path binary() {
        String configured = System.getenv("STRATA_PGBOUNCER");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? Path.of(configured) : null;
        }
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "pgbouncer"));
            }
        }
        candidates.add(Path.of("/usr/sbin/pgbouncer"));
        candidates.add(Path.of("/usr/bin/pgbouncer"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static Started launch(Path binary) throws IOException {
        PostgresServer server = SharedPostgres.server();
        Path dir = Files.createTempDirectory("strata-test-pgbouncer");
        int port = freePort();
        Path users = dir.resolve("userlist.txt");
        Files.writeString(users, quoted(server.user()) + " " + quoted(server.password() == null ? "" : server.password())
                + "\n", StandardCharsets.UTF_8);
        Path log = dir.resolve("pgbouncer.log");
        String ini = String.join("\n",
                "[databases]",
                "* = host=" + server.host() + " port=" + server.port(),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = scram-sha-256",
                "auth_file = " + users,
                "auth_user = " + server.user(),
                "auth_query = SELECT rolname::text, CASE WHEN rolvaliduntil < now() THEN NULL ELSE rolpassword END "
                        + "FROM pg_catalog.pg_authid WHERE rolname = $1 AND rolcanlogin",
                "pool_mode = transaction",
                "default_pool_size = 1",
                "min_pool_size = 0",
                "reserve_pool_size = 0",
                "max_client_conn = 1000",
                "ignore_startup_parameters = extra_float_digits",
                "logfile = " + log,
                "pidfile = " + dir.resolve("pgbouncer.pid"),
                "");
        Path config = dir.resolve("pgbouncer.ini");
        Files.writeString(config, ini, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("unshare"); // PgBouncer refuses to run as root; as PostgreSQL, it runs in a user namespace
            command.add("-U");
        }
        command.add(binary.toString());
        command.add(config.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pgbouncer.out").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "strata-test-pgbouncer-stop"));
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("PgBouncer exited with " + process.exitValue() + ": " + tail(dir));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new Started(port, dir, process);
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while PgBouncer started", e);
                }
            }
        }
        process.destroy();
        throw new IOException("PgBouncer did not listen on port " + port + " within 15 s: " + tail(dir));
    }

    private static String tail(Path dir) {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("pgbouncer.out", "pgbouncer.log")) {
            try {
                Path p = dir.resolve(name);
                if (Files.exists(p)) {
                    out.append(Files.readString(p, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // best effort
            }
        }
        return out.toString();
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
