package dev.strata.bench;

import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.pool.DatabaseKey;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmarks 5 and 6 on a Strata of their own: {@code databases} T1 tenants, each with a database
 * from the template, under a connection budget much smaller than their number.
 * <ul>
 *   <li>6, onboarding: the time to create each T1 (database from the template, app role,
 *       privileges, registration), against a bare {@code CREATE DATABASE ... TEMPLATE} measured in
 *       the same run;</li>
 *   <li>5, cold-tenant acquisition: once the budget is full of other databases' idle pools, a
 *       transaction for a database without an open pool (evict the least recently used pool,
 *       open a connection, run {@code SELECT 1}), against the same transaction right after, warm.</li>
 * </ul>
 */
final class ColdTenantsBenchmark {
    private ColdTenantsBenchmark() {
    }

    static List<Result> run(BenchServer server, int databases, int budget, int samples) throws Exception {
        String namespace = server.newNamespace("cold");
        List<Result> out = new ArrayList<>();
        try (Strata strata = Strata.configure().server(server.server()).namespace(namespace)
                .connectionBudget(budget).poolSizePerDatabase(2).connectionTimeout(Duration.ofSeconds(30))
                .statsFlushInterval(Duration.ofSeconds(10)).tenantMigrations(Main.MIGRATIONS).start()) {
            Latencies onboarding = new Latencies();
            List<Tenant> t1s = new ArrayList<>();
            for (int i = 0; i < databases; i++) {
                long a = System.nanoTime();
                t1s.add(strata.tenants().create(NewTenant.t1("cold-" + i)));
                onboarding.add(System.nanoTime() - a);
                if ((i + 1) % 100 == 0) {
                    System.err.printf("    %d of %d T1 databases created%n", i + 1, databases);
                }
            }
            Latencies bare = bareCreateDatabase(server, strata.internals().names().templateDatabase(),
                    namespace, Math.max(5, Math.min(20, databases / 10)));
            out.add(Result.valueAtMost("t1_onboarding_p50", onboarding.percentileMillis(50), "ms",
                    bare.percentileMillis(50), 250));
            out.add(Result.reported("t1_onboarding_p99", onboarding.percentileMillis(99), "ms", bare.percentileMillis(99)));

            for (int i = 0; i < Math.min(budget, t1s.size()); i++) {
                selectOne(strata, t1s.get(i));
            }
            Latencies cold = new Latencies();
            Latencies warm = new Latencies();
            int attempts = 0;
            while (cold.count() < samples && attempts++ < samples * 20) {
                Tenant t = t1s.get(ThreadLocalRandom.current().nextInt(t1s.size()));
                Set<DatabaseKey> open = strata.internals().pools().openDatabases();
                if (open.contains(new DatabaseKey(t.placement().dataPlane(), t.placement().database()))) {
                    continue;
                }
                long a = System.nanoTime();
                selectOne(strata, t);
                long b = System.nanoTime();
                selectOne(strata, t);
                long c = System.nanoTime();
                cold.add(b - a);
                warm.add(c - b);
            }
            Latencies connect = newConnections(server, namespace, t1s, Math.min(samples, 50));
            out.add(Result.reported("cold_tenant_acquisition_p50", cold.percentileMillis(50), "ms", warm.percentileMillis(50)));
            out.add(Result.reported("cold_tenant_acquisition_p99", cold.percentileMillis(99), "ms", warm.percentileMillis(99)));
            out.add(Result.reported("cold_tenant_acquisition_vs_new_connection_p50", cold.percentileMillis(50), "ms",
                    connect.percentileMillis(50)));
            System.err.printf("    budget %d: %d connections in use, %d pools open after %d cold acquisitions%n", budget,
                    strata.internals().pools().budget("default").inUse(), strata.internals().pools().openPools(), cold.count());
        }
        return out;
    }

    private static void selectOne(Strata strata, Tenant t) throws SQLException {
        strata.inTenant(t.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /**
     * The floor of a cold acquisition: a new pgjdbc connection as a database's app role (TCP,
     * SCRAM authentication, a new backend), {@code SELECT 1}, close; no pool, no budget.
     */
    private static Latencies newConnections(BenchServer server, String namespace, List<Tenant> t1s, int count)
            throws SQLException {
        Latencies out = new Latencies();
        for (int i = 0; i < count; i++) {
            Tenant t = t1s.get(ThreadLocalRandom.current().nextInt(t1s.size()));
            String[] credentials = ReadFixture.appCredentials(server, namespace, t.placement().database());
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", credentials[0]);
            props.setProperty("password", credentials[1]);
            long a = System.nanoTime();
            try (Connection c = java.sql.DriverManager.getConnection(server.server().jdbcUrl(t.placement().database()), props);
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            out.add(System.nanoTime() - a);
        }
        return out;
    }

    /** The floor of onboarding: copying the template alone, then dropping the copy. */
    private static Latencies bareCreateDatabase(BenchServer server, String template, String namespace, int count)
            throws SQLException {
        Latencies out = new Latencies();
        try (Connection c = server.admin(server.server().database()); Statement s = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                String name = namespace + "_probe_" + i;
                long a = System.nanoTime();
                s.execute("CREATE DATABASE \"" + name + "\" TEMPLATE \"" + template + "\" STRATEGY WAL_LOG");
                out.add(System.nanoTime() - a);
                s.execute("DROP DATABASE \"" + name + "\"");
            }
        }
        return out;
    }
}
