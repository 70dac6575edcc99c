package dev.strata.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The usual hand-written RLS pattern: a pooled connection as the app role, the context set by a
 * statement of its own ({@code set_config(..., true)}), then the query, then commit.
 */
final class SeparateStatementRead implements ReadVariant {
    private static final String CONTEXT = "SELECT set_config('app.tenant_id', ?, true), set_config('app.tenant_tier', '2', true)";
    private static final String SQL = "SELECT title FROM app.documents WHERE tenant_id = ? AND id = ?";
    private final ReadFixture fx;

    SeparateStatementRead(ReadFixture fx) {
        this.fx = fx;
    }

    @Override
    public String name() {
        return "separate-statement";
    }

    @Override
    public String transaction(ThreadLocalRandom random) throws Exception {
        int t = fx.pickTenant(random);
        UUID tenant = fx.tenants[t];
        UUID doc = fx.pickDoc(random, t);
        try (Connection c = fx.app.getConnection()) {
            String title = read(c, tenant, doc);
            c.commit();
            return title;
        }
    }

    static String read(Connection c, UUID tenant, UUID doc) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(CONTEXT)) {
            ps.setString(1, tenant.toString());
            ps.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setObject(1, tenant);
            ps.setObject(2, doc);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
