package dev.strata.server.testing;

import dev.strata.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own (not the shared one), which the test can stop and start
 * again on the same port and data: for outages of the management database.
 */
public final class StoppablePostgres implements AutoCloseable {
    private final Path dir;
    private final int port;
    private EmbeddedPostgres running;

    private StoppablePostgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static StoppablePostgres start() {
        try {
            StoppablePostgres pg = new StoppablePostgres(Files.createTempDirectory("strata-stoppable-pg"), freePort());
            pg.startAgain();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Superuser access (trust authentication on 127.0.0.1). */
    public PostgresServer server() {
        return new PostgresServer("127.0.0.1", port, "postgres", null, "postgres", Map.of());
    }

    /** Stops the server; its data stays. */
    public void stop() {
        if (running != null) {
            try {
                running.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                running = null;
            }
        }
    }

    /** Starts the stopped server again on the same port and data. */
    public void startAgain() {
        try {
            running = EmbeddedPostgres.builder()
                    .setDataDirectory(dir.resolve("pg"))
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
