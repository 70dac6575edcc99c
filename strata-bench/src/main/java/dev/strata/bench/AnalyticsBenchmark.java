package dev.strata.bench;

import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.analytics.AnalyticsOptions;
import dev.strata.analytics.AnalyticsResult;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark 8, T0 analytics on a Strata of its own: {@code databases} T1 tenants, each with a
 * database of its own holding {@code rowsPerTenant} documents. The wall time of one query across
 * every tenant database run in parallel ({@code Strata.analytics()} at {@code concurrency}) against
 * the same query run as a sequential loop over the same databases (the same code at concurrency 1),
 * in the same run, alternating, the median of {@code rounds} each.
 */
final class AnalyticsBenchmark {
    static final String QUERY = "SELECT tenant_id, count(*) AS documents, max(length(title)) AS longest "
            + "FROM documents GROUP BY tenant_id";

    private AnalyticsBenchmark() {
    }

    static List<Result> run(BenchServer server, int databases, int rowsPerTenant, int concurrency, int rounds)
            throws Exception {
        String namespace = server.newNamespace("analytics");
        List<Result> out = new ArrayList<>();
        try (Strata strata = Strata.configure().server(server.server()).namespace(namespace)
                .connectionBudget(Math.max(40, concurrency * 2)).poolSizePerDatabase(2)
                .connectionTimeout(Duration.ofSeconds(30)).statsFlushInterval(Duration.ZERO)
                .tenantMigrations(Main.MIGRATIONS).start()) {
            for (int i = 0; i < databases; i++) {
                Tenant t = strata.tenants().create(NewTenant.t1("an-" + i));
                strata.useTenant(t.id(), scope -> {
                    try (PreparedStatement ps = scope.connection().prepareStatement(
                            "INSERT INTO documents (tenant_id, title) SELECT ?, 'document ' || g FROM generate_series(1, ?) g")) {
                        ps.setObject(1, scope.tenantId());
                        ps.setInt(2, rowsPerTenant);
                        ps.executeUpdate();
                    }
                });
                if ((i + 1) % 25 == 0) {
                    System.err.printf("    %d of %d T1 databases created%n", i + 1, databases);
                }
            }
            AnalyticsOptions parallel = AnalyticsOptions.defaults().withConcurrency(concurrency);
            AnalyticsOptions sequential = AnalyticsOptions.defaults().withConcurrency(1);
            once(strata, parallel, databases); // warm-up: the server's caches, the JIT
            once(strata, sequential, databases);
            List<Long> parallelNanos = new ArrayList<>();
            List<Long> sequentialNanos = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                parallelNanos.add(once(strata, parallel, databases));
                sequentialNanos.add(once(strata, sequential, databases));
            }
            double p = median(parallelNanos) / 1e6;
            double s = median(sequentialNanos) / 1e6;
            out.add(Result.reported("analytics_all_tenants_parallel_" + concurrency + "_vs_sequential", p, "ms", s));
        }
        return out;
    }

    /** One run over every database; fails the benchmark if any target failed or a row is missing. */
    private static long once(Strata strata, AnalyticsOptions options, int databases) {
        AtomicLong rows = new AtomicLong();
        long a = System.nanoTime();
        AnalyticsResult result = strata.analytics().queryAllTenants(QUERY, options, row -> rows.incrementAndGet());
        long elapsed = System.nanoTime() - a;
        if (!result.complete() || result.targets() != databases || rows.get() != databases) {
            throw new IllegalStateException("The analytics query did not answer for every database: " + result);
        }
        return elapsed;
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
