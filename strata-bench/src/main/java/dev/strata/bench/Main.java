package dev.strata.bench;

import dev.strata.Strata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code strata bench [--quick] [--json] [--database-url URL]}: Strata's benchmark suite. Every
 * figure is a ratio to a baseline measured in the same run on the same database.
 */
@Command(name = "strata bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Runs Strata's benchmarks and reports every figure with a baseline measured in the same run:",
                "  1  scoped single-row read transactions vs raw pgjdbc + HikariCP (1 and 8 client threads)",
                "  2  the same vs context as a separate statement, the spec's naive routing, Hibernate 7 multitenancy",
                "  3  routing lookup cost (JMH): cached route vs the per-request management query",
                "  4  density: p99 of a tenant-scoped query over many tenants and documents vs no RLS",
                "  5  cold-tenant acquisition under a connection budget (p50, p99)",
                "  6  T1 onboarding (p50, target <= 250 ms)",
                "  7  schema migration fan-out (schema, database and shared RLS targets) vs a sequential Flyway loop",
                "  8  T0 analytics: one query across every T1 database, in parallel vs a sequential loop",
                "  9  online move of a 1,000,000-row tenant to a second server under 100 writes/s vs a raw COPY pipe",
                "Progress goes to standard error; the report (or its JSON) to standard output."})
public final class Main implements Callable<Integer> {
    /** The benchmarks' application schema: the {@code documents} table they read and write. */
    static final String MIGRATIONS = "classpath:db/bench";


    /** How long one variant runs before the next takes its turn (see {@link Throughput}). */
    private static final Duration SLICE = Duration.ofMillis(250);
    /** Benchmark 8: targets the parallel analytics query runs at once. */
    private static final int ANALYTICS_CONCURRENCY = 8;
    /** The client thread counts of the read benchmarks and the breakdown. */
    private static final int[] THREAD_COUNTS = {1, 8};

    @Option(names = "--quick", description = "Reduced sizes and durations: a few minutes in all.")
    boolean quick;

    @Option(names = "--json", description = "Print {\"results\": [...], \"machine\": {...}} instead of a table.")
    boolean json;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "A PostgreSQL server to run on (as a superuser); default: an embedded PostgreSQL in a temporary directory.")
    String databaseUrl;

    @Option(names = "--breakdown", description = "Also measure where Strata's cost over raw JDBC goes, layer by layer (1 and 8 threads).")
    boolean breakdown;

    @Option(names = "--only", split = ",", paramLabel = "N",
            description = "Run only these benchmarks (1-9, comma-separated); 1 and 2 always run together.")
    Set<Integer> only;

    @Option(names = "--migration-concurrency", paramLabel = "N", defaultValue = "4",
            description = "Benchmark 7: targets the fan-out migrates at once (default: ${DEFAULT-VALUE}).")
    int migrationConcurrency;

    @Option(names = "--second-database-url", paramLabel = "URL",
            description = "Benchmark 9: the second server the tenant moves to (as a superuser, wal_level=logical); "
                    + "default: a second embedded PostgreSQL.")
    String secondDatabaseUrl;

    /** Benchmark 9: the writer's rate during the move. */
    private static final int MOVE_WRITES_PER_SECOND = 100;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    private boolean selected(int benchmark) {
        return only == null || only.isEmpty() || only.contains(benchmark)
                || (benchmark <= 2 && (only.contains(1) || only.contains(2)));
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("org.jooq.no-logo", "true");
        Report report = new Report();
        Map<String, Object> machine;
        long started = System.nanoTime();
        try (BenchServer server = BenchServer.start(databaseUrl)) {
            machine = MachineInfo.describe(server.version(), quick);
            machine.put("postgresql_durability", server.durability());
            if (selected(1) || selected(3) || selected(4)) {
                String namespace = server.newNamespace("bench");
                try (Strata strata = Strata.configure().server(server.server()).namespace(namespace)
                        .statsFlushInterval(Duration.ofSeconds(10)).tenantMigrations(MIGRATIONS).start()) {
                    if (selected(1) || selected(3)) {
                        readBenchmarks(server, strata, report);
                    }
                    if (selected(4)) {
                        System.err.println("4. density");
                        DensityBenchmark.run(server, strata, quick ? 1_000 : 10_000, quick ? 200_000 : 10_000_000,
                                20_000).forEach(report::add);
                    }
                }
            }
            if (selected(5) || selected(6)) {
                System.err.println("5, 6. cold tenants under a connection budget, T1 onboarding");
                ColdTenantsBenchmark.run(server, quick ? 100 : 1_000, quick ? 10 : 100, quick ? 50 : 300)
                        .forEach(report::add);
            }
            if (selected(7)) {
                int schemas = quick ? 100 : 1_000;
                int databases = quick ? 10 : 100;
                int t2s = quick ? 100 : 1_000;
                System.err.printf("7. schema migration fan-out: %d schema tenants, %d database tenants, %d RLS T2s%n",
                        schemas, databases, t2s);
                MigrationBenchmark.run(server, schemas, databases, t2s, migrationConcurrency).forEach(report::add);
                machine.put("migration_concurrency", migrationConcurrency);
            }
            if (selected(8)) {
                int databases = quick ? 20 : 100;
                System.err.printf("8. T0 analytics over %d T1 databases, concurrency %d vs sequential%n", databases,
                        ANALYTICS_CONCURRENCY);
                AnalyticsBenchmark.run(server, databases, quick ? 100 : 1_000, ANALYTICS_CONCURRENCY, quick ? 3 : 7)
                        .forEach(report::add);
                machine.put("analytics_concurrency", ANALYTICS_CONCURRENCY);
            }
            if (selected(9)) {
                long rows = quick ? 100_000 : 1_000_000;
                System.err.printf("9. online move of a %,d-row tenant RLS -> database on a second server under %d writes/s%n",
                        rows, MOVE_WRITES_PER_SECOND);
                try (BenchServer second = BenchServer.start(secondDatabaseUrl)) {
                    MoveBenchmark.run(server, second, rows, MOVE_WRITES_PER_SECOND, Duration.ofSeconds(quick ? 3 : 5))
                            .results().forEach(report::add);
                }
                machine.put("move_writes_per_second", MOVE_WRITES_PER_SECOND);
                machine.put("load_average_at_end", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
            }
        }
        machine.put("duration_seconds", Math.round((System.nanoTime() - started) / 1e9));
        if (json) {
            report.printJson(System.out, machine);
        } else {
            report.printTable(System.out, machine);
        }
        return 0;
    }

    private void readBenchmarks(BenchServer server, Strata strata, Report report) throws Exception {
        int tenants = quick ? 100 : 1_000;
        System.err.printf("1, 2. read transactions over %d tenants: setting up%n", tenants);
        try (ReadFixture fx = ReadFixture.create(server, strata, tenants, 10, 10)) {
            Duration warmup = Duration.ofSeconds(quick ? 3 : 10);
            Duration measured = Duration.ofSeconds(quick ? 6 : 50);
            if (selected(1)) {
                List<ReadVariant> variants = List.of(new RawRead(fx), new StrataRead(fx), new SeparateStatementRead(fx),
                        new NaiveRoutingRead(fx), new HibernateRead(fx));
                try {
                    for (int threads : THREAD_COUNTS) {
                        Map<String, Double> tps = Throughput.measure(variants, threads, warmup, measured, SLICE);
                        String suffix = threads == 1 ? "_1_thread" : "_" + threads + "_threads";
                        double raw = tps.get("raw");
                        double strataTps = tps.get("strata");
                        report.add(Result.atLeast("read_tx_strata_vs_raw" + suffix, strataTps, "tx/s", raw,
                                threads == 1 ? 0.95 : 0.90));
                        for (String other : List.of("separate-statement", "naive-routing", "hibernate-multitenancy")) {
                            report.add(Result.reported("read_tx_strata_vs_" + other.replace('-', '_') + suffix, strataTps,
                                    "tx/s", tps.get(other)));
                        }
                        for (String other : List.of("separate-statement", "naive-routing", "hibernate-multitenancy")) {
                            report.add(Result.reported("read_tx_" + other.replace('-', '_') + "_vs_raw" + suffix,
                                    tps.get(other), "tx/s", raw));
                        }
                    }
                } finally {
                    variants.forEach(ReadVariant::close);
                }
            }
            if (breakdown) {
                ServerCpu serverCpu = server.serverCpu().orElse(null);
                for (int threads : THREAD_COUNTS) {
                    System.err.printf("cost breakdown, %d thread(s)%n", threads);
                    String suffix = threads == 1 ? "" : "_" + threads + "_threads";
                    Map<String, Throughput.Measurement> layers =
                            CostBreakdown.run(fx, serverCpu, threads, warmup, measured, SLICE);
                    Throughput.Measurement raw = layers.get("raw");
                    layers.forEach((name, m) -> {
                        String key = "breakdown_" + name.replace('-', '_');
                        if (!name.equals("raw")) {
                            report.add(Result.reported(key + "_vs_raw" + suffix, m.tps(), "tx/s", raw.tps()));
                        }
                        report.add(Result.reported(key + "_client_cpu_per_tx" + suffix, m.clientCpuMicros(), "us",
                                raw.clientCpuMicros()));
                        if (serverCpu != null) {
                            report.add(Result.reported(key + "_server_cpu_per_tx" + suffix, m.serverCpuMicros(), "us",
                                    raw.serverCpuMicros()));
                        }
                    });
                    // What the pooled-connection guarantees cost, measured against Strata without them in the same run.
                    Throughput.Measurement without = layers.get("strata-without-pooled-guarantees");
                    report.add(Result.reported("breakdown_pooled_guarantees_strata_vs_without" + suffix,
                            layers.get("strata").tps(), "tx/s", without.tps()));
                }
            }
            if (selected(3)) {
                System.err.println("3. routing lookup (JMH)");
                Map<String, Double> ns = RoutingBenchmark.run(strata.internals().router(), fx.tenants, fx.management, quick);
                report.add(Result.reported("routing_cached_route_lookup", ns.get("cachedRoute"), "ns/op",
                        ns.get("managementLookup")));
            }
        }
    }
}
