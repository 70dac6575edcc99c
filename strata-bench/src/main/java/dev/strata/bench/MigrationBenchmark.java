package dev.strata.bench;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataConfig;
import dev.strata.Tenant;
import dev.strata.migration.ApplyRequest;
import dev.strata.migration.MigrationRun;
import dev.strata.migration.MigrationTarget;
import dev.strata.migration.MigrationTargetKind;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Benchmark 7, the schema migration fan-out, on a Strata of its own: {@code schemaTenants}
 * schema-mode T1s (tenant schemas of the shared schema database), {@code databaseTenants}
 * database-mode T1s and one RLS-mode T1 in the shared RLS database with {@code rlsT2s} T2s, all at
 * version 1 of an application schema ({@code items}). Migration 2 (a column plus an index on
 * {@code items}) is then added and applied twice over the same targets, each time from version 1
 * (Strata is restarted to find it; what start-up migrates by itself is undone first):
 * <ol>
 *   <li>{@code strata.migrations().apply(...)}: the fan-out, measured first (colder caches);</li>
 *   <li>the baseline: a sequential loop of {@code Flyway.configure()...migrate()}, one per target
 *       (schema or database), each on the target's own history table, as teams run it today.</li>
 * </ol>
 * Also reported: the floor, migration 2's bare statements and history row per target on one
 * reused connection per database, one target after the other, against the same Flyway loop.
 * Target: the fan-out at least 10x faster than the Flyway loop.
 */
final class MigrationBenchmark {
    private static final String HISTORY = "strata_schema_history";
    private static final String V1 = """
            CREATE TABLE items (
                tenant_id  uuid NOT NULL,
                id         uuid NOT NULL DEFAULT gen_random_uuid(),
                title      text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, id)
            );
            """;
    private static final String V2 = """
            ALTER TABLE items ADD COLUMN tags text;
            CREATE INDEX items_tags_idx ON items (tenant_id, tags);
            """;

    private MigrationBenchmark() {
    }

    static List<Result> run(BenchServer server, int schemaTenants, int databaseTenants, int rlsT2s, int concurrency)
            throws Exception {
        String namespace = server.newNamespace("mig");
        Path dir = Files.createTempDirectory("strata-bench-migrations");
        try {
            Files.writeString(dir.resolve("V1__items.sql"), V1, StandardCharsets.UTF_8);
            StrataConfig.Builder config = Strata.configure().server(server.server()).namespace(namespace)
                    .schemaLimits(schemaTenants + 100, schemaTenants + 200).poolSizePerDatabase(2)
                    .connectionBudget(40).connectionTimeout(Duration.ofSeconds(60))
                    .statsFlushInterval(Duration.ofSeconds(30)).tenantMigrations("filesystem:" + dir);
            try (Strata strata = config.start()) {
                provision(strata, schemaTenants, databaseTenants, rlsT2s);
            }
            Files.writeString(dir.resolve("V2__items_tags.sql"), V2, StandardCharsets.UTF_8);
            try (Strata strata = config.start()) {
                // start-up fans version 2 out by itself, in the background: wait for it, then undo it
                awaitCurrent(strata, concurrency);
                resetToVersion1(server, strata.migrations().status());
                List<MigrationTarget> before = strata.migrations().status();
                long pending = before.stream().filter(t -> t.pending().contains("2")).count();
                System.err.printf("    %d targets (%s), %d with version 2 pending%n", before.size(), byKind(before), pending);
                if (pending != before.size() - 1) {
                    throw new IllegalStateException((before.size() - 1 - pending) + " tenant targets do not have version 2 pending");
                }
                long a = System.nanoTime();
                MigrationRun run = strata.migrations().apply(ApplyRequest.builder().concurrency(concurrency).build());
                long strataNanos = System.nanoTime() - a;
                if (!run.succeeded()) {
                    throw new IllegalStateException(run.failed() + " targets failed: " + run.failures());
                }
                System.err.printf("    strata.migrations().apply: %d targets (%d migrated, %d up to date) in %d ms; %s%n",
                        run.total(), run.migrated(), run.upToDate(), strataNanos / 1_000_000,
                        strata.operations().show(run.operation()).report());
                List<MigrationTarget> migrated = strata.migrations().status();
                resetToVersion1(server, migrated);

                long b = System.nanoTime();
                int flywayRuns = flywayLoop(server, dir, migrated);
                long flywayNanos = System.nanoTime() - b;
                System.err.printf("    Flyway loop: %d migrate() calls in %d ms%n", flywayRuns, flywayNanos / 1_000_000);
                long stillPending = strata.migrations().status().stream().filter(t -> !t.upToDate()).count();
                if (stillPending != 0) {
                    throw new IllegalStateException(stillPending + " targets are behind after the Flyway loop");
                }

                // the floor: the migration's bare DDL and history row, a transaction per target, on
                // one reused connection per database, one target after the other (no check at all)
                resetToVersion1(server, strata.migrations().status());
                long f = System.nanoTime();
                int rawRuns = rawDdlLoop(server, migrated);
                long rawNanos = System.nanoTime() - f;
                System.err.printf("    bare DDL loop: %d targets in %d ms%n", rawRuns, rawNanos / 1_000_000);

                double strataMs = strataNanos / 1e6;
                double flywayMs = flywayNanos / 1e6;
                double rawMs = rawNanos / 1e6;
                List<Result> out = new ArrayList<>();
                out.add(Result.atMost("migration_fanout_wall_time", strataMs, "ms", flywayMs, 0.1));
                out.add(Result.reported("migration_fanout_time_per_target", strataMs / run.total(), "ms",
                        flywayMs / flywayRuns));
                out.add(Result.reported("migration_fanout_bare_ddl_floor", rawMs, "ms", flywayMs));
                return out;
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /**
     * Returns once no other fan-out is live and every target is current: an apply of everything
     * that is refused while start-up's own run goes on ({@code OPERATION_CONFLICT}), retried.
     */
    static void awaitCurrent(Strata strata, int concurrency) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (true) {
            try {
                MigrationRun run = strata.migrations().apply(ApplyRequest.builder().concurrency(concurrency).build());
                if (!run.succeeded()) {
                    throw new IllegalStateException(run.failed() + " targets failed to migrate: " + run.failures());
                }
                return;
            } catch (dev.strata.StrataException e) {
                if (e.code() != dev.strata.ErrorCode.OPERATION_CONFLICT || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** The tenants, created on a few threads (each creation is a transaction of its own). */
    private static void provision(Strata strata, int schemaTenants, int databaseTenants, int rlsT2s) throws Exception {
        long a = System.nanoTime();
        strata.tenants().create(NewTenant.t1("mig-rls").withMode(IsolationMode.RLS));
        List<NewTenant> requests = new ArrayList<>();
        for (int i = 0; i < databaseTenants; i++) {
            requests.add(NewTenant.t1("mig-db-" + i).withMode(IsolationMode.DATABASE));
        }
        for (int i = 0; i < schemaTenants; i++) {
            requests.add(NewTenant.t1("mig-schema-" + i).withMode(IsolationMode.SCHEMA));
        }
        for (int i = 0; i < rlsT2s; i++) {
            requests.add(NewTenant.t2("mig-rls-" + i, "mig-rls"));
        }
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Tenant>> futures = new ArrayList<>();
            for (NewTenant request : requests) {
                futures.add(pool.submit(() -> {
                    Tenant t = strata.tenants().create(request);
                    int n = done.incrementAndGet();
                    if (n % 200 == 0) {
                        System.err.printf("    %d of %d tenants created%n", n, requests.size());
                    }
                    return t;
                }));
            }
            for (Future<Tenant> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        System.err.printf("    %d tenants created in %d s%n", requests.size() + 1, (System.nanoTime() - a) / 1_000_000_000L);
    }

    private static Map<MigrationTargetKind, Integer> byKind(List<MigrationTarget> targets) {
        Map<MigrationTargetKind, Integer> counts = new EnumMap<>(MigrationTargetKind.class);
        targets.forEach(t -> counts.merge(t.kind(), 1, Integer::sum));
        return counts;
    }

    /** {@code <data plane>/<database>/<schema>}: the database and the schema. */
    private static String[] databaseAndSchema(MigrationTarget t) {
        String[] parts = t.target().split("/");
        return new String[] {parts[parts.length - 2], parts[parts.length - 1]};
    }

    /**
     * Undoes migration 2 wherever it is applied (one connection per database): back at version 1.
     * The template stays at version 2 (it accepts no connections; start-up keeps it current).
     */
    private static void resetToVersion1(BenchServer server, List<MigrationTarget> targets) throws SQLException {
        Map<String, List<String>> schemasByDatabase = new LinkedHashMap<>();
        for (MigrationTarget t : targets) {
            if (!"2".equals(t.version()) || t.kind() == MigrationTargetKind.TEMPLATE) {
                continue;
            }
            String[] ds = databaseAndSchema(t);
            schemasByDatabase.computeIfAbsent(ds[0], k -> new ArrayList<>()).add(ds[1]);
        }
        for (Map.Entry<String, List<String>> e : schemasByDatabase.entrySet()) {
            try (Connection c = server.admin(e.getKey()); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                for (String schema : e.getValue()) {
                    String q = "\"" + schema.replace("\"", "\"\"") + "\"";
                    s.execute("DROP INDEX " + q + ".items_tags_idx");
                    s.execute("ALTER TABLE " + q + ".items DROP COLUMN tags");
                    s.execute("DELETE FROM " + q + "." + HISTORY + " WHERE version = '2'");
                    c.commit();
                }
            }
        }
    }

    /**
     * The floor no fan-out can beat on one connection per database: migration 2's statements and
     * its history row, in a transaction per target, targets one after the other (the template is
     * current already). No lock, no check, no safety work.
     */
    private static int rawDdlLoop(BenchServer server, List<MigrationTarget> targets) throws SQLException {
        Map<String, List<String>> schemasByDatabase = new LinkedHashMap<>();
        for (MigrationTarget t : targets) {
            if (t.kind() != MigrationTargetKind.TEMPLATE) {
                String[] ds = databaseAndSchema(t);
                schemasByDatabase.computeIfAbsent(ds[0], k -> new ArrayList<>()).add(ds[1]);
            }
        }
        int runs = 0;
        for (Map.Entry<String, List<String>> e : schemasByDatabase.entrySet()) {
            try (Connection c = server.admin(e.getKey()); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                for (String schema : e.getValue()) {
                    String q = "\"" + schema.replace("\"", "\"\"") + "\"";
                    s.execute("SET LOCAL search_path = " + q + ";\n" + V2 + "INSERT INTO " + q + "." + HISTORY
                            + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time,"
                            + " success) SELECT max(installed_rank) + 1, '2', 'items tags', 'SQL', 'V2__items_tags.sql', 0,"
                            + " current_user, 0, true FROM " + q + "." + HISTORY);
                    c.commit();
                    runs++;
                }
            }
        }
        return runs;
    }

    /** The baseline: one Flyway migrate() per target, one after the other (the template is current already). */
    private static int flywayLoop(BenchServer server, Path dir, List<MigrationTarget> targets) {
        int runs = 0;
        for (MigrationTarget t : targets) {
            if (t.kind() == MigrationTargetKind.TEMPLATE) {
                continue;
            }
            String[] ds = databaseAndSchema(t);
            Flyway.configure(MigrationBenchmark.class.getClassLoader())
                    .dataSource(server.server().jdbcUrl(ds[0]), server.server().user(), server.server().password())
                    .schemas(ds[1])
                    .defaultSchema(ds[1])
                    .table(HISTORY)
                    .locations("filesystem:" + dir)
                    .load()
                    .migrate();
            runs++;
        }
        return runs;
    }
}
