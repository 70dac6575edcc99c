package dev.strata.server.cli;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.archive.ArchiveLimits;
import dev.strata.server.api.ApiKeys;
import dev.strata.server.api.ApiServer;
import dev.strata.server.runtime.AdminKeyFile;
import dev.strata.server.runtime.Environment;
import dev.strata.server.runtime.PostgresBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code strata serve}: runs the control plane until SIGINT or SIGTERM, then stops the HTTP
 * server, closes Strata and stops the embedded PostgreSQL (if it started it), in that order.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Strata control plane: REST API on 127.0.0.1, embedded PostgreSQL unless --database-url.")
public final class ServeCommand implements Callable<Integer> {
    /** The logger, created when {@code serve} first logs: building the command tree (help, completion) starts no Logback. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    }

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Anything else exposes the API to the network.")
    String bind;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory: embedded PostgreSQL and the admin key (default: $STRATA_HOME, else ~/.strata).")
    Path dataDir;

    @Option(names = "--backup-dir", paramLabel = "DIR",
            description = "Where tenant backups are written (made 0700, files 0600; default: <data-dir>/backups).")
    Path backupDir;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "PostgreSQL server to use instead of the embedded one (default: $STRATA_DATABASE_URL), "
                    + "as postgresql://user:password@host:port/db or a JDBC URL.")
    String databaseUrl;

    @Option(names = "--pooled-url", paramLabel = "URL",
            description = "A pooled endpoint of that server for tenant work: PgBouncer in transaction mode, or Neon's "
                    + "-pooler host (default: $STRATA_POOLED_URL), e.g. postgresql://strata@pgbouncer:6432/postgres?pgbouncer=true. "
                    + "Administration (DDL, migrations, LISTEN) still connects to --database-url directly.")
    String pooledUrl;

    @Option(names = "--max-import-bytes", paramLabel = "SIZE",
            description = "Largest archive an import may upload (default: $STRATA_MAX_IMPORT_BYTES, else 256m); "
                    + "a larger Content-Length is refused before the body is read.")
    String maxImportBytes;

    @Option(names = "--max-import-inflated-bytes", paramLabel = "SIZE",
            description = "Most bytes an imported archive's entries may inflate to, in total and each "
                    + "(default: $STRATA_MAX_IMPORT_INFLATED_BYTES, else 512m).")
    String maxImportInflatedBytes;

    @Option(names = "--max-import-entries", paramLabel = "N",
            description = "Most entries an imported archive may hold (default: $STRATA_MAX_IMPORT_ENTRIES, else 1000).")
    String maxImportEntries;

    @Option(names = "--migrations", paramLabel = "LOCATION",
            description = "The application's tenant migrations, a Flyway location: classpath:<path> or filesystem:<dir> "
                    + "with V<version>__<description>.sql scripts (repeatable; default: $STRATA_MIGRATIONS, comma-separated, "
                    + "else none). Apply them to every tenant with 'strata migrate apply'.")
    java.util.List<String> migrations;

    @Option(names = "--embedded-planes", paramLabel = "N", defaultValue = "1",
            description = "How many embedded PostgreSQL servers to run as data planes (1-4, default 1): the 2nd, 3rd, ... "
                    + "live in <data-dir>/planes/local-<n> and are the planes local-2, local-3, ... (to try moves across servers).")
    int embeddedPlanes;

    @Option(names = "--namespace", hidden = true, defaultValue = "strata", description = "Prefix of every database and role (tests).")
    String namespace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Environment env = ((dev.strata.server.runtime.CommandRoot) spec.root().userObject()).environment();
        PrintWriter out = spec.commandLine().getOut();
        Path home = env.dataDir(dataDir);
        String url = databaseUrl != null ? databaseUrl : env.get("STRATA_DATABASE_URL").orElse(null);

        if (embeddedPlanes < 1 || embeddedPlanes > 4) {
            throw new ParameterException(spec.commandLine(), "Invalid value for --embedded-planes: " + embeddedPlanes
                    + ": use 1 to 4");
        }
        ArchiveLimits limits = archiveLimits(env);
        java.util.List<String> locations = MigrationLocations.resolve(spec, migrations, env, java.util.List.of());
        String pooled = pooledUrl != null ? pooledUrl : env.get("STRATA_POOLED_URL").orElse(null);
        Path backups = backupDir != null ? backupDir : home.resolve("backups");
        Running running = Running.start(home, backups, url, pooled, namespace, bind, port, limits, locations, embeddedPlanes, out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "strata-shutdown"));
        stopped.await();
        return 0;
    }

    /** The import bounds from the options, else the environment, else the defaults; refused if malformed. */
    ArchiveLimits archiveLimits(Environment env) {
        ArchiveLimits limits = ArchiveLimits.DEFAULT;
        Long upload = size("--max-import-bytes", maxImportBytes, env, "STRATA_MAX_IMPORT_BYTES");
        if (upload != null) {
            limits = limits.withMaxArchiveBytes(upload);
        }
        Long inflated = size("--max-import-inflated-bytes", maxImportInflatedBytes, env, "STRATA_MAX_IMPORT_INFLATED_BYTES");
        if (inflated != null) {
            limits = limits.withMaxInflatedBytes(inflated).withMaxEntryBytes(inflated);
        }
        String entriesText = maxImportEntries != null ? maxImportEntries : env.get("STRATA_MAX_IMPORT_ENTRIES").orElse(null);
        if (entriesText != null) {
            String source = maxImportEntries != null ? "--max-import-entries" : "STRATA_MAX_IMPORT_ENTRIES";
            if (!entriesText.strip().matches("[1-9][0-9]{0,8}") || Integer.parseInt(entriesText.strip()) < 2) {
                throw new ParameterException(spec.commandLine(), "Invalid value for " + source + ": '" + entriesText
                        + "': use a whole number of 2 or more");
            }
            limits = limits.withMaxEntries(Integer.parseInt(entriesText.strip()));
        }
        return limits;
    }

    private Long size(String option, String value, Environment env, String variable) {
        String text = value != null ? value : env.get(variable).orElse(null);
        if (text == null) {
            return null;
        }
        return ByteSize.parse(text).orElseThrow(() -> new ParameterException(spec.commandLine(), "Invalid value for "
                + (value != null ? option : variable) + ": '" + text + "': use " + ByteSize.ACCEPTED));
    }

    /** Everything serve runs, closed in reverse order of start. */
    private record Running(PostgresBackend backend, java.util.List<PostgresBackend> planes, Strata strata, ApiServer api,
                           AutoCloseable backupScheduler)
            implements AutoCloseable {
        /** How often serve looks for due scheduled backups. */
        private static final java.time.Duration BACKUP_CHECK = java.time.Duration.ofSeconds(15);

        static Running start(Path home, Path backupDir, String url, String pooledUrl, String namespace, String bind, int port,
                             ArchiveLimits limits, java.util.List<String> migrations, int embeddedPlanes, PrintWriter out) {
            // closed by serve's own shutdown hook, after the HTTP server and Strata
            PostgresBackend backend = PostgresBackend.open(url, home, false);
            java.util.List<PostgresBackend> planes = new java.util.ArrayList<>();
            Strata strata = null;
            try {
                for (int n = 2; n <= embeddedPlanes; n++) {
                    planes.add(PostgresBackend.open(null, home.resolve("planes").resolve("local-" + n), false));
                }
                strata = Strata.configure().server(backend.server()).namespace(namespace).archiveLimits(limits)
                        .meterRegistry(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))
                        .pooledUrl(pooledUrl == null || pooledUrl.isBlank() ? null : pooledUrl)
                        .tenantMigrations(migrations.toArray(String[]::new)).start();
                out.println("Strata " + StrataVersion.current() + ": namespace '" + namespace + "' on " + backend.description());
                for (int n = 2; n <= embeddedPlanes; n++) {
                    PostgresBackend plane = planes.get(n - 2);
                    EmbeddedPlanes.register(strata, "local-" + n, plane.server());
                    out.println("Data plane 'local-" + n + "' on " + plane.description());
                }
                out.println(migrations.isEmpty() ? "Tenant migrations: none (give --migrations LOCATION or STRATA_MIGRATIONS)"
                        : "Tenant migrations: " + String.join(", ", migrations));
                ApiKeys keys = new ApiKeys(strata.serverHooks().management());
                Optional<ApiKeys.Created> admin = keys.createAdminKeyIfNone(secret -> AdminKeyFile.write(home, secret));
                if (admin.isPresent()) {
                    out.println("Admin API key (shown once, also saved to " + AdminKeyFile.in(home) + "): " + admin.get().secret());
                } else if (java.nio.file.Files.exists(AdminKeyFile.in(home))) {
                    out.println("Admin API key: in " + AdminKeyFile.in(home) + " (created on the first start)");
                } else {
                    out.println("API keys exist in the management database, but " + AdminKeyFile.in(home)
                            + " does not: use a key you were given (--key or STRATA_API_KEY), or recover the admin key with "
                            + "'strata keys reset-admin --data-dir " + home + "'" + (url == null ? "" : " --database-url <url>"));
                }
                ApiServer api;
                try {
                    api = ApiServer.start(strata, keys, bind, port, strata.backups(backupDir));
                } catch (RuntimeException e) {
                    throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Cannot listen on " + bind + ":" + port
                            + " (" + e.getMessage() + "): pass another --port or --bind", e);
                }
                if (!isLoopback(bind)) {
                    Log.LOG.warn("Listening on {}: the API is reachable from the network and API keys travel unencrypted "
                            + "over HTTP; put a TLS proxy in front of it", bind);
                }
                AutoCloseable scheduler = strata.backups(backupDir).startScheduler(BACKUP_CHECK);
                out.println("Tenant backups: " + backupDir.toAbsolutePath() + " (scheduled ones checked every "
                        + BACKUP_CHECK.toSeconds() + " s)");
                out.println("REST API on " + api.baseUri() + " (GET /v1/openapi.json describes it); stop with Ctrl-C");
                out.flush();
                return new Running(backend, planes, strata, api, scheduler);
            } catch (RuntimeException e) {
                if (strata != null) {
                    strata.close();
                }
                planes.forEach(PostgresBackend::close);
                backend.close();
                throw e;
            }
        }

        private static boolean isLoopback(String address) {
            try {
                return java.net.InetAddress.getByName(address).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        @Override
        public void close() {
            Log.LOG.info("Shutting down: HTTP server, Strata, then PostgreSQL");
            try {
                backupScheduler.close();
            } catch (Exception e) {
                Log.LOG.warn("Stopping the backup scheduler failed: {}", e.toString());
            }
            try {
                api.close();
            } catch (RuntimeException e) {
                Log.LOG.warn("Stopping the HTTP server failed: {}", e.toString());
            }
            try {
                strata.close();
            } catch (RuntimeException e) {
                Log.LOG.warn("Closing Strata failed: {}", e.toString());
            }
            for (PostgresBackend plane : planes) {
                try {
                    plane.close();
                } catch (RuntimeException e) {
                    Log.LOG.warn("Stopping an embedded data plane failed: {}", e.toString());
                }
            }
            backend.close();
            Log.LOG.info("Stopped");
        }
    }
}
