package dev.strata.bench;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Strata: cached route, budgeted pool, context piggybacked on the query, RLS, tenant observer. */
final class StrataRead implements ReadVariant {
    private static final String SQL = "SELECT title FROM documents WHERE tenant_id = ? AND id = ?";
    private final ReadFixture fx;

    StrataRead(ReadFixture fx) {
        this.fx = fx;
    }

    @Override
    public String name() {
        return "strata";
    }

    @Override
    public String transaction(ThreadLocalRandom random) throws Exception {
        int t = fx.pickTenant(random);
        UUID tenant = fx.tenants[t];
        UUID doc = fx.pickDoc(random, t);
        return fx.strata.inTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(SQL)) {
                ps.setObject(1, tenant);
                ps.setObject(2, doc);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }
}
