package dev.strata.bench;

import dev.strata.internal.routing.Route;
import dev.strata.internal.routing.Router;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the cost of routing a request to its tenant's database. Strata's cached route lookup
 * against the specification's per-request management query. Runs in this process ({@code forks(0)})
 * on the router of the running Strata, whose cache is kept fresh by its change listener.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {
    static volatile Router router;
    static volatile UUID[] tenants;
    static volatile DataSource management;

    /** Each benchmark thread walks the tenants in its own order. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        UUID tenant() {
            UUID[] all = tenants;
            next = (next + 7919) % all.length;
            return all[next];
        }
    }

    @Benchmark
    public Route cachedRoute(Cursor cursor) {
        return router.route(cursor.tenant());
    }

    @Benchmark
    public String managementLookup(Cursor cursor) throws SQLException {
        return NaiveRoutingRead.lookup(management, cursor.tenant());
    }

    /** Runs both benchmarks; returns ns/op by benchmark name. */
    static Map<String, Double> run(Router router, UUID[] tenants, DataSource management, boolean quick) throws Exception {
        RoutingBenchmark.router = router;
        RoutingBenchmark.tenants = tenants;
        RoutingBenchmark.management = management;
        for (UUID t : tenants) {
            router.route(t);
        }
        Options options = new OptionsBuilder()
                .include(RoutingBenchmark.class.getName() + "\\.")
                .forks(0)
                .threads(1)
                .warmupIterations(quick ? 2 : 5)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> out = new HashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            out.put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        return out;
    }
}
