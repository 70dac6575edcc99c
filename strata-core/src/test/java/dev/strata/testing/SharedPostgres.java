package dev.strata.testing;

import dev.strata.PostgresServer;
import dev.strata.embedded.LocalPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one PostgreSQL server of a test JVM: embedded PostgreSQL 17 in a temporary directory, started
 * on first use and stopped when the JVM exits; or, when {@code STRATA_TEST_DATABASE_URL} (or the
 * system property {@code strata.test.databaseUrl}) is set, that external server.
 *
 * <p>The embedded server trades durability for speed ({@code fsync} and {@code synchronous_commit}
 * off, {@link LocalPostgres.Options#durable(boolean) durable(false)}): its data is thrown away with
 * the JVM anyway. This is the only place that does so; tests of durability itself start a
 * {@link LocalPostgres} of their own with the durable defaults.
 */
public final class SharedPostgres {
    private static PostgresServer server;

    private SharedPostgres() {
    }

    public static synchronized PostgresServer server() {
        if (server == null) {
            String url = System.getProperty("strata.test.databaseUrl", System.getenv("STRATA_TEST_DATABASE_URL"));
            if (url != null && !url.isBlank()) {
                server = PostgresServer.parse(url);
            } else {
                server = startEmbedded();
            }
        }
        return server;
    }

    private static PostgresServer startEmbedded() {
        return startEmbedded("strata-test-pg");
    }

    /**
     * A non-durable embedded server in a new temporary directory named after {@code name}, stopped
     * and deleted when the JVM exits (also {@link SecondPostgres}'s).
     */
    static PostgresServer startEmbedded(String name) {
        try {
            Path dir = Files.createTempDirectory(name);
            LocalPostgres pg = LocalPostgres.start(dir, LocalPostgres.options().durable(false));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                pg.close();
                deleteQuietly(dir);
            }, name + "-stop"));
            return PostgresServer.parse(pg.databaseUrl());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
