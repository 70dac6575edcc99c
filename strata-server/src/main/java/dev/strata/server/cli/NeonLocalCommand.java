package dev.strata.server.cli;

import dev.strata.ErrorCode;
import dev.strata.PostgresServer;
import dev.strata.StrataException;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.NeonLocalOptions;
import dev.strata.server.Main;
import dev.strata.server.runtime.Environment;
import dev.strata.server.runtime.PostgresBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code strata neon-local}: runs a local stand-in of the part of Neon's API that Strata's Neon
 * plane uses, backed by a PostgreSQL server of its own (an embedded one in its data directory unless
 * {@code --database-url}), until SIGINT or SIGTERM. Its API key is generated on first start and
 * kept (mode 0600) in the data directory, where {@code strata planes add --kind neon --api-key-file}
 * reads it.
 */
@Command(name = "neon-local", mixinStandardHelpOptions = true,
        description = "Run a local stand-in of Neon's API (the part Strata uses), backed by a real PostgreSQL, "
                + "to try the Neon plane without a Neon account.")
public final class NeonLocalCommand implements Callable<Integer> {
    static final String KEY_FILE = "neon-api-key";

    @Option(names = "--port", defaultValue = "4444", paramLabel = "PORT",
            description = "HTTP port of the API (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Its data directory: the embedded PostgreSQL behind it and its API key "
                    + "(default: <Strata's data directory>/neon-local).")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "A PostgreSQL server to back it instead of the embedded one (a role with CREATEDB and CREATEROLE).")
    String databaseUrl;

    @Option(names = "--region", defaultValue = "local-1", paramLabel = "REGION",
            description = "The region its projects are in (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--operation-delay", defaultValue = "300ms", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long an asynchronous operation runs (default: ${DEFAULT-VALUE}).")
    Duration operationDelay;

    @Option(names = "--cold-start", defaultValue = "400ms", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long the first connection to a suspended compute waits (default: ${DEFAULT-VALUE}).")
    Duration coldStart;

    @Option(names = "--suspend-after", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long a compute without connections stays up (default: ${DEFAULT-VALUE}).")
    Duration suspendAfter;

    @Option(names = "--branch-limit", defaultValue = "500", paramLabel = "N",
            description = "Most branches per project (default: ${DEFAULT-VALUE}).")
    int branchLimit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Environment env = ((Main) spec.root().userObject()).environment();
        PrintWriter out = spec.commandLine().getOut();
        Path home = dataDir != null ? dataDir : env.dataDir(null).resolve("neon-local");
        if (port < 0 || port > 65535) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "--port " + port + " is out of range 0-65535");
        }
        if (branchLimit < 1) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "--branch-limit must be at least 1");
        }
        if (suspendAfter.isZero() || suspendAfter.isNegative() || coldStart.isNegative() || operationDelay.isNegative()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "--suspend-after must be positive, --cold-start and --operation-delay not negative");
        }
        Files.createDirectories(home);
        PostgresBackend backend = PostgresBackend.open(databaseUrl, home.resolve("postgres"), false);
        String key = apiKey(home);
        PostgresServer pg = backend.server();
        NeonLocalOptions options = NeonLocalOptions.defaults(pg.host(), pg.port(), pg.user(), pg.password(), key)
                .withHttpPort(port).withRegion(region).withTiming(operationDelay, coldStart, suspendAfter)
                .withLimits(700, 40, branchLimit);
        NeonLocal neon;
        try {
            neon = NeonLocal.start(options);
        } catch (IOException e) {
            backend.close();
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "neon-local cannot listen on port " + port + ": "
                    + e.getMessage() + " (choose another with --port)");
        }
        out.println("neon-local: Neon API v2 stand-in at " + neon.apiUrl() + ", backed by " + backend.description());
        out.println("API key in " + home.resolve(KEY_FILE) + ": add the plane with");
        out.println("  strata planes add neon-local --kind neon --api-url " + neon.apiUrl() + " --api-key-file "
                + home.resolve(KEY_FILE));
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            neon.close();
            backend.close();
            stopped.countDown();
        }, "neon-local-shutdown"));
        stopped.await();
        return 0;
    }

    /** The stand-in's API key, made on first start and kept with mode 0600. */
    static String apiKey(Path home) throws IOException {
        Path file = home.resolve(KEY_FILE);
        if (Files.isRegularFile(file)) {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (key.length() >= 16) {
                return key;
            }
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String key = "neonlocal_" + HexFormat.of().formatHex(bytes);
        Path temp = home.resolve("." + KEY_FILE + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        }
        Files.writeString(temp, key + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return key;
    }
}
