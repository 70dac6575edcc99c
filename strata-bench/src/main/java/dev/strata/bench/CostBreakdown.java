package dev.strata.bench;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where Strata's cost over raw JDBC goes ({@code --breakdown}): the same single-row read built up
 * one layer at a time, each on a plain HikariCP pool, measured at 1 and at 8 client threads in
 * interleaved slices, with the CPU each transaction costs the client threads and (for a server on
 * this machine) the server.
 * <ol>
 *   <li>raw: no RLS, no context;</li>
 *   <li>+ one trivial statement in the same round trip ({@code SELECT $1::text}), no RLS: the
 *       floor of any context that is set per transaction;</li>
 *   <li>+ the context statement a T2 transaction carries instead, no RLS;</li>
 *   <li>+ RLS: exactly what Strata sends for a T2, by hand, without Strata's Java layers;</li>
 *   <li>Strata: routing, budgeted pool, wrappers, observer on top of 4.</li>
 * </ol>
 */
final class CostBreakdown {
    private static final String CONTEXT = "SELECT set_config('app.tenant_id', ?, true);\n";

    private CostBreakdown() {
    }

    static Map<String, Throughput.Measurement> run(ReadFixture fx, ServerCpu serverCpu, int threads, Duration warmup,
                                                   Duration measured, Duration slice) throws Exception {
        List<ReadVariant> variants = List.of(
                new RawRead(fx),
                variant("select1-no-rls", fx.app, "SELECT ?::text;\nSELECT title FROM bench.documents_plain WHERE tenant_id = ? AND id = ?", fx),
                variant("context-no-rls", fx.app, CONTEXT + "SELECT title FROM bench.documents_plain WHERE tenant_id = ? AND id = ?", fx),
                variant("context-rls-by-hand", fx.app, CONTEXT + "SELECT title FROM app.documents WHERE tenant_id = ? AND id = ?", fx),
                new StrataRead(fx));
        return Throughput.measure(variants, threads, warmup, measured, slice, serverCpu);
    }

    private static ReadVariant variant(String name, DataSource pool, String sql, ReadFixture fx) {
        return new ReadVariant() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String transaction(ThreadLocalRandom random) throws SQLException {
                int t = fx.pickTenant(random);
                UUID tenant = fx.tenants[t];
                UUID doc = fx.pickDoc(random, t);
                try (Connection c = pool.getConnection()) {
                    String title;
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setString(1, tenant.toString());
                        ps.setObject(2, tenant);
                        ps.setObject(3, doc);
                        ps.execute();
                        ps.getMoreResults();
                        try (ResultSet rs = ps.getResultSet()) {
                            rs.next();
                            title = rs.getString(1);
                        }
                    }
                    c.commit();
                    return title;
                }
            }
        };
    }
}
