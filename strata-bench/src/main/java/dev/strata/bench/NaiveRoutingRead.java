package dev.strata.bench;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The specification's {@code getPoolForRequest}: a management-database query per request to find
 * the tenant's (or its T1's) database, a pool looked up by that key, then the context as a
 * statement of its own and the query.
 */
final class NaiveRoutingRead implements ReadVariant {
    private static final String LOOKUP = """
            SELECT t.id, t.tier, COALESCE(pp.database_name, p.database_name) AS connection_key
              FROM platform.tenants t
              LEFT JOIN platform.tenants parent ON parent.id = t.parent_id
              LEFT JOIN platform.placements p ON p.tenant_id = t.id
              LEFT JOIN platform.placements pp ON pp.tenant_id = parent.id AND p.mode = 'rls'
             WHERE t.id = ?""";

    private final ReadFixture fx;
    private final Map<String, DataSource> pools = new ConcurrentHashMap<>();

    NaiveRoutingRead(ReadFixture fx) {
        this.fx = fx;
        pools.put(fx.database, fx.app);
    }

    @Override
    public String name() {
        return "naive-routing";
    }

    @Override
    public String transaction(ThreadLocalRandom random) throws Exception {
        int t = fx.pickTenant(random);
        UUID tenant = fx.tenants[t];
        UUID doc = fx.pickDoc(random, t);
        String key = lookup(fx.management, tenant);
        try (Connection c = pools.get(key).getConnection()) {
            String title = SeparateStatementRead.read(c, tenant, doc);
            c.commit();
            return title;
        }
    }

    /** The specification's per-request registry query. */
    static String lookup(DataSource management, UUID tenant) throws java.sql.SQLException {
        try (Connection m = management.getConnection()) {
            String key;
            try (PreparedStatement ps = m.prepareStatement(LOOKUP)) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    key = rs.getString(3);
                }
            }
            return key;
        }
    }
}
