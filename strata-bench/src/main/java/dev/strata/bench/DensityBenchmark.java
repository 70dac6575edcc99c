package dev.strata.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmark 4, density: many T2 tenants and many documents in one RLS database. The p99 latency of
 * a tenant's "latest documents" query run through Strata (RLS, context) against the same query
 * with an explicit {@code WHERE tenant_id} on a copy of the table without RLS, over raw pgjdbc.
 * Measured twice: with the explicit filter in the scoped query too (the recommended third layer),
 * and with the policy alone doing the filtering. Both are steady-state figures: every tenant has
 * run a query through each variant before the samples are taken. Those first queries (a tenant's
 * first transaction in the process, its pages not yet in the buffer cache) are reported on their
 * own, against the raw query's first touch of the same tenant.
 *
 * <p>The T2 tenants are registered in bulk (the same rows provisioning writes) rather than one by
 * one: this benchmark is about reading a dense database, not about onboarding.
 */
final class DensityBenchmark {
    private static final String COLUMNS = "SELECT id, title, created_at FROM ";
    private static final String SCOPED = COLUMNS + "documents WHERE tenant_id = ? ORDER BY created_at DESC LIMIT 10";
    private static final String POLICY_ONLY = COLUMNS + "documents ORDER BY created_at DESC LIMIT 10";
    private static final String PLAIN = COLUMNS + "bench.documents_plain WHERE tenant_id = ? ORDER BY created_at DESC LIMIT 10";

    private DensityBenchmark() {
    }

    static List<Result> run(BenchServer server, Strata strata, int tenantCount, long documents, int samples)
            throws Exception {
        long started = System.nanoTime();
        Tenant t1 = strata.tenants().create(NewTenant.t1("dense"));
        String database = t1.placement().database();
        UUID[] tenants = registerT2s(server, strata.config().namespace(), t1, tenantCount);
        String rawRole = strata.config().namespace() + "_dense_raw";
        String rawPassword;
        try (Connection c = server.admin(database); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE app.documents SET (autovacuum_enabled = false)");
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO app.documents (tenant_id, id, title, body, created_at)
                    SELECT t.ids[1 + (g % t.n)], gen_random_uuid(), 'document ' || g, '',
                           timestamptz '2026-01-01' + g * interval '1 second'
                      FROM generate_series(0, ? - 1) g,
                           (SELECT array_agg(id) AS ids, count(*)::int AS n FROM platform.tenants WHERE tier = 2) t""")) {
                ps.setLong(1, documents);
                ps.executeUpdate();
            }
            s.execute("CREATE INDEX documents_tenant_created ON app.documents (tenant_id, created_at)");
            s.execute("CREATE SCHEMA bench");
            s.execute("CREATE TABLE bench.documents_plain AS SELECT * FROM app.documents");
            s.execute("ALTER TABLE bench.documents_plain ADD PRIMARY KEY (tenant_id, id)");
            s.execute("CREATE INDEX documents_plain_tenant_created ON bench.documents_plain (tenant_id, created_at)");
            s.execute("ALTER TABLE app.documents RESET (autovacuum_enabled)");
            s.execute("VACUUM ANALYZE app.documents");
            s.execute("VACUUM ANALYZE bench.documents_plain");
            rawPassword = ReadFixture.createPlainReader(s, database, rawRole);
        }
        System.err.printf("    density data: %d tenants, %d documents loaded in %.0f s%n", tenantCount, documents,
                (System.nanoTime() - started) / 1e9);
        for (UUID t : tenants) {
            strata.internals().router().route(t);
        }
        List<Result> out = new ArrayList<>();
        try (HikariDataSource raw = ReadFixture.pool("bench:dense-raw", server.server().jdbcUrl(database), rawRole,
                rawPassword, 2)) {
            Latencies scoped = new Latencies();
            Latencies policyOnly = new Latencies();
            Latencies plain = new Latencies();
            explain(strata, raw, tenants[0]);
            Latencies firstScoped = new Latencies();
            Latencies firstPlain = new Latencies();
            for (UUID tenant : tenants) {
                long a = System.nanoTime();
                scoped(strata, tenant, SCOPED);
                long b = System.nanoTime();
                plain(raw, tenant);
                firstPlain.add(System.nanoTime() - b);
                firstScoped.add(b - a);
                scoped(strata, tenant, POLICY_ONLY);
            }
            int warmup = Math.max(100, samples / 5);
            Latencies[] latencies = {scoped, policyOnly, plain};
            for (int i = 0; i < warmup + samples; i++) {
                for (int k = 0; k < 3; k++) {
                    int variant = (i + k) % 3;
                    UUID tenant = tenants[ThreadLocalRandom.current().nextInt(tenants.length)];
                    long a = System.nanoTime();
                    switch (variant) {
                        case 0 -> scoped(strata, tenant, SCOPED);
                        case 1 -> scoped(strata, tenant, POLICY_ONLY);
                        default -> plain(raw, tenant);
                    }
                    if (i >= warmup) {
                        latencies[variant].add(System.nanoTime() - a);
                    }
                }
            }
            double base = plain.percentileMillis(99);
            out.add(Result.atMost("density_p99_scoped_query_explicit_filter", scoped.percentileMillis(99), "ms", base, 1.2));
            out.add(Result.atMost("density_p99_scoped_query_policy_only", policyOnly.percentileMillis(99), "ms", base, 1.2));
            out.add(Result.reported("density_p50_scoped_query_explicit_filter", scoped.percentileMillis(50), "ms",
                    plain.percentileMillis(50)));
            out.add(Result.reported("density_p99_first_query_of_each_tenant", firstScoped.percentileMillis(99), "ms",
                    firstPlain.percentileMillis(99)));
            out.add(Result.reported("density_p50_first_query_of_each_tenant", firstScoped.percentileMillis(50), "ms",
                    firstPlain.percentileMillis(50)));
        }
        return out;
    }

    /** Prints the plans of the three queries for one tenant (to standard error). */
    private static void explain(Strata strata, HikariDataSource raw, UUID tenant) throws SQLException {
        for (String sql : new String[] {SCOPED, POLICY_ONLY}) {
            String plan = strata.inTenant(tenant, scope -> plan(scope.connection(), sql, tenant));
            System.err.println("    plan (Strata, RLS) of " + sql + "\n" + plan);
        }
        try (Connection c = raw.getConnection()) {
            System.err.println("    plan (raw, no RLS) of " + PLAIN + "\n" + plan(c, PLAIN, tenant));
            c.rollback();
        }
    }

    private static String plan(Connection c, String sql, UUID tenant) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)) {
            if (sql.indexOf('?') >= 0) {
                ps.setObject(1, tenant);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.append("      ").append(rs.getString(1)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static void scoped(Strata strata, UUID tenant, String sql) throws SQLException {
        strata.inTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                if (sql.indexOf('?') >= 0) {
                    ps.setObject(1, tenant);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    int n = 0;
                    while (rs.next()) {
                        n++;
                    }
                    if (n == 0) {
                        throw new IllegalStateException("The tenant has no documents");
                    }
                }
            }
            return null;
        });
    }

    private static void plain(HikariDataSource raw, UUID tenant) throws SQLException {
        try (Connection c = raw.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(PLAIN)) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(2);
                    }
                }
            }
            c.commit();
        }
    }

    /** Registers T2 tenants under a T1 the way provisioning does, in bulk: management rows and the local registry. */
    private static UUID[] registerT2s(BenchServer server, String namespace, Tenant t1, int count) throws SQLException {
        UUID[] ids = new UUID[count];
        for (int i = 0; i < count; i++) {
            ids[i] = UUID.randomUUID();
        }
        try (Connection m = server.admin(namespace)) {
            m.setAutoCommit(false);
            try (PreparedStatement t = m.prepareStatement("""
                    INSERT INTO platform.tenants (id, slug, display_name, tier, parent_id, status) VALUES (?, ?, ?, 2, ?, 'active')""");
                 PreparedStatement p = m.prepareStatement("""
                    INSERT INTO platform.placements (tenant_id, mode, data_plane, database_name, schema_name, schema_version)
                    VALUES (?, 'rls', ?, ?, 'app', ?)""")) {
                for (int i = 0; i < count; i++) {
                    t.setObject(1, ids[i]);
                    t.setString(2, "dense-" + i);
                    t.setString(3, "dense-" + i);
                    t.setObject(4, t1.id());
                    t.addBatch();
                    p.setObject(1, ids[i]);
                    p.setString(2, t1.placement().dataPlane());
                    p.setString(3, t1.placement().database());
                    p.setInt(4, dev.strata.internal.provisioning.DatabaseStore.READY);
                    p.addBatch();
                }
                t.executeBatch();
                p.executeBatch();
            }
            m.commit();
        }
        try (Connection c = server.admin(t1.placement().database());
             PreparedStatement ps = c.prepareStatement("INSERT INTO platform.tenants (id, slug, tier, parent_id) VALUES (?, ?, 2, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                ps.setObject(1, ids[i]);
                ps.setString(2, "dense-" + i);
                ps.setObject(3, t1.id());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        return ids;
    }
}
