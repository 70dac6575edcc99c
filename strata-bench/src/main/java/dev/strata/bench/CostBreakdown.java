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
 * one layer at a time, each on a plain HikariCP pool, measured in interleaved rounds.
 * <ol>
 *   <li>raw: no RLS, no context;</li>
 *   <li>+ context statement piggybacked (set_config x3 before the query, one round trip), no RLS;</li>
 *   <li>RLS table, context piggybacked, by hand (what Strata sends, without Strata's Java layers);</li>
 *   <li>Strata: routing, budgeted pool, wrappers, observer on top of 3.</li>
 * </ol>
 */
final class CostBreakdown {
    private static final String CONTEXT = "SELECT set_config('app.tenant_id', ?, true), set_config('app.tenant_tier', '2', true), "
            + "set_config('search_path', '\"app\", platform', true);\n";

    private static final String CONTEXT1 = "SELECT set_config('app.tenant_id', ?, true);\n";
    private static final String CONTEXT2 = "SELECT set_config('app.tenant_id', ?, true), set_config('app.tenant_tier', '2', true);\n";

    private CostBreakdown() {
    }

    static Map<String, Double> run(ReadFixture fx, boolean quick) throws Exception {
        List<ReadVariant> variants = List.of(
                new RawRead(fx),
                variant("select1-no-rls", fx.app, "SELECT ?::text, ?::uuid;\nSELECT title FROM bench.documents_plain WHERE tenant_id = ?::uuid AND id = ?", fx, 4),
                variant("context2-no-rls", fx.app, CONTEXT2 + "SELECT title FROM bench.documents_plain WHERE tenant_id = ? AND id = ?", fx, 3),
                variant("context-no-rls", fx.app, CONTEXT + "SELECT title FROM bench.documents_plain WHERE tenant_id = ? AND id = ?", fx),
                variant("context-rls-by-hand", fx.app, CONTEXT2 + "SELECT title FROM app.documents WHERE tenant_id = ? AND id = ?", fx),
                variant("context-rls-array-policy", fx.app, CONTEXT2 + "SELECT title FROM bench.documents_rls_array WHERE tenant_id = ? AND id = ?", fx),
                variant("context1-rls-array-policy", fx.app, CONTEXT1 + "SELECT title FROM bench.documents_rls_array WHERE tenant_id = ? AND id = ?", fx),
                variant("context-rls-or-policy", fx.app, CONTEXT2 + "SELECT title FROM bench.documents_rls_or WHERE tenant_id = ? AND id = ?", fx),
                new StrataRead(fx));
        return Throughput.measure(variants, 1, Duration.ofSeconds(quick ? 3 : 10), Duration.ofSeconds(quick ? 2 : 10),
                quick ? 3 : 5);
    }

    private static ReadVariant variant(String name, DataSource pool, String sql, ReadFixture fx) {
        return variant(name, pool, sql, fx, 3);
    }

    private static ReadVariant variant(String name, DataSource pool, String sql, ReadFixture fx, int params) {
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
                        if (params == 4) {
                            ps.setObject(2, tenant);
                            ps.setObject(3, tenant);
                            ps.setObject(4, doc);
                        } else {
                            ps.setObject(2, tenant);
                            ps.setObject(3, doc);
                        }
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
