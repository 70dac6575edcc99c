package dev.strata.bench;

import dev.strata.Strata;
import dev.strata.internal.StrataEngine;
import dev.strata.internal.context.PooledGuarantees;
import dev.strata.internal.context.TenantTransactions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the pooled-connection guarantees cost (not part of the suite; {@code java -cp
 * strata-bench.jar dev.strata.bench.ContextCostProbe [rounds] [tx-per-round]}): one client thread,
 * variants in interleaved rounds (shuffled each round), each transaction's client CPU (this
 * thread), server CPU (every server process, from {@code /proc/<pid>/schedstat}, nanosecond
 * resolution) and wall time. Two groups:
 * <ul>
 *   <li>{@code ctx:*}: one pgjdbc connection as the app role, no Strata code: a context statement
 *       of the given shape and the T2 read under RLS in one round trip, then commit. Isolates the
 *       server's cost of each setting;</li>
 *   <li>{@code strata*}: the bench's read through {@link TenantTransactions} with and without the
 *       guarantees.</li>
 * </ul>
 * Medians of the per-round figures are printed, with the difference to the first variant of the
 * group.
 */
final class ContextCostProbe {
    private static final String READ = "SELECT title FROM app.documents WHERE tenant_id = ? AND id = ?";

    private interface Tx {
        void run(ThreadLocalRandom random) throws Exception;
    }

    private ContextCostProbe() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        System.setProperty("org.jooq.no-logo", "true");
        try (BenchServer server = BenchServer.start(null)) {
            String namespace = server.newNamespace("probe");
            try (Strata strata = Strata.configure().server(server.server()).namespace(namespace)
                    .statsFlushInterval(Duration.ofSeconds(10)).start();
                 ReadFixture fx = ReadFixture.create(server, strata, 100, 10, 4)) {
                long postmaster = postmaster(server);
                String t1Role = strata.internals().names().t1ContextRole();
                Map<String, Tx> ctx = new LinkedHashMap<>();
                Connection c = fx.app.getConnection();
                String id = "set_config('app.tenant_id', ?, true)";
                String tier = "set_config('app.tenant_tier', '2', true)";
                String path = "set_config('search_path', '\"app\", platform', true)";
                String pathSame = "set_config('search_path', '\"app\", \"platform\"', true)";
                String roleNone = "set_config('role', 'none', true)";
                String roleNamed = "set_config('role', '" + t1Role + "', true)";
                ctx.put("ctx:id", contextTx(fx, c, "SELECT " + id));
                ctx.put("ctx:id+2nd column", contextTx(fx, c, "SELECT " + id + ", length('x')"));
                ctx.put("ctx:id+id again", contextTx(fx, c, "SELECT " + id + ", " + id.replace("?", "current_setting('app.tenant_id')")));
                ctx.put("ctx:id+tier", contextTx(fx, c, "SELECT " + id + ", " + tier));
                ctx.put("ctx:id+path", contextTx(fx, c, "SELECT " + id + ", " + path));
                ctx.put("ctx:id+path(session text)", contextTx(fx, c, "SELECT " + id + ", " + pathSame));
                ctx.put("ctx:id+role none", contextTx(fx, c, "SELECT " + id + ", " + roleNone));
                ctx.put("ctx:id+tier+path", contextTx(fx, c, "SELECT " + id + ", " + tier + ", " + path));
                ctx.put("ctx:full (strata)", contextTx(fx, c, "SELECT " + id + ", " + tier + ", " + path + ", " + roleNone));
                ctx.put("ctx:full, role named", contextTx(fx, c, "SELECT " + id + ", " + tier + ", " + path + ", " + roleNamed));
                ctx.put("ctx:full, one column", contextTx(fx, c, "SELECT " + id + " || " + tier + " || " + path + " || "
                        + roleNone));
                ctx.put("ctx:full, path in session text", contextTx(fx, c, "SELECT " + id + ", " + tier + ", " + pathSame
                        + ", " + roleNone));
                run("context statement shapes (raw pgjdbc, RLS read)", ctx, rounds, perRound, backend(c));
                c.close();

                StrataEngine engine = strata.internals();
                Map<String, Tx> layers = new LinkedHashMap<>();
                layers.put("strata-without-pooled-guarantees", strataTx(fx, new TenantTransactions(engine.router(),
                        engine.pools(), engine.observer(), PooledGuarantees.OFF_FOR_BENCHMARKS)));
                layers.put("strata", strataTx(fx, new TenantTransactions(engine.router(), engine.pools(),
                        engine.observer())));
                run("Strata with and without the guarantees", layers, rounds, perRound, postmaster);
            }
        }
    }

    private static Tx contextTx(ReadFixture fx, Connection c, String context) throws Exception {
        String sql = context + ";\n" + READ;
        return random -> {
            int t = fx.pickTenant(random);
            UUID tenant = fx.tenants[t];
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, tenant.toString());
                ps.setObject(2, tenant);
                ps.setObject(3, fx.pickDoc(random, t));
                ps.execute();
                ps.getMoreResults();
                try (ResultSet rs = ps.getResultSet()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no row");
                    }
                    rs.getString(1);
                }
            }
            c.commit();
        };
    }

    private static Tx strataTx(ReadFixture fx, TenantTransactions transactions) {
        return random -> {
            int t = fx.pickTenant(random);
            UUID tenant = fx.tenants[t];
            UUID doc = fx.pickDoc(random, t);
            String title = transactions.inTenant(tenant, scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(StrataRead.SQL)) {
                    ps.setObject(1, tenant);
                    ps.setObject(2, doc);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            if (title == null) {
                throw new IllegalStateException("no row");
            }
        };
    }

    private static void run(String title, Map<String, Tx> variants, int rounds, int perRound, long postmaster)
            throws Exception {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> names = new ArrayList<>(variants.keySet());
        for (String name : names) {
            for (int i = 0; i < 3 * perRound; i++) {
                variants.get(name).run(random);
            }
        }
        Map<String, double[][]> figures = new LinkedHashMap<>();
        names.forEach(n -> figures.put(n, new double[3][rounds]));
        List<String> order = new ArrayList<>(names);
        for (int r = 0; r < rounds; r++) {
            Collections.shuffle(order);
            for (String name : order) {
                Tx tx = variants.get(name);
                long server0 = serverNanos(postmaster);
                long cpu0 = bean.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    tx.run(random);
                }
                double[][] f = figures.get(name);
                f[0][r] = (System.nanoTime() - wall0) / 1e3 / perRound;
                f[1][r] = (bean.getCurrentThreadCpuTime() - cpu0) / 1e3 / perRound;
                f[2][r] = (serverNanos(postmaster) - server0) / 1e3 / perRound;
            }
        }
        System.out.printf("%n%s: %d rounds of %d tx, medians per tx (difference to %s)%n", title, rounds, perRound,
                names.get(0));
        System.out.printf("  %-34s %18s %18s %18s%n", "variant", "wall us", "client cpu us", "server cpu us");
        double[] base = null;
        for (String name : names) {
            double[][] f = figures.get(name);
            double[] m = {median(f[0]), median(f[1]), median(f[2])};
            if (base == null) {
                base = m;
            }
            System.out.printf("  %-34s %8.1f (%+6.1f) %8.1f (%+6.1f) %8.1f (%+6.1f)%n", name, m[0], m[0] - base[0],
                    m[1], m[1] - base[1], m[2], m[2] - base[2]);
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static long backend(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            long pid = rs.getLong(1);
            c.commit();
            return -pid;
        }
    }

    private static long postmaster(BenchServer server) throws Exception {
        try (Connection c = server.admin(server.server().database()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow().pid();
        }
    }

    /** CPU time of every live server process (or, given a negated pid, of that backend alone), from schedstat (nanoseconds). */
    private static long serverNanos(long postmaster) {
        if (postmaster < 0) {
            return schedstat(-postmaster);
        }
        long sum = schedstat(postmaster);
        for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(List.of())) {
            sum += schedstat(child.pid());
        }
        return sum;
    }

    private static long schedstat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/schedstat"));
            return Long.parseLong(s.substring(0, s.indexOf(' ')));
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
