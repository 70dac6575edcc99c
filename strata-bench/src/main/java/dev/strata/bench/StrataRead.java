package dev.strata.bench;

import dev.strata.internal.context.TenantTransactions;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Strata: cached route, budgeted pool, context piggybacked on the query, RLS, tenant observer; or,
 * for the cost breakdown, the same through another {@link TenantTransactions}.
 */
final class StrataRead implements ReadVariant {
    static final String SQL = "SELECT title FROM documents WHERE tenant_id = ? AND id = ?";
    private final String name;
    private final ReadFixture fx;
    private final TenantTransactions transactions;

    StrataRead(ReadFixture fx) {
        this("strata", fx, fx.strata.internals().transactions());
    }

    StrataRead(String name, ReadFixture fx, TenantTransactions transactions) {
        this.name = name;
        this.fx = fx;
        this.transactions = transactions;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String transaction(ThreadLocalRandom random) throws Exception {
        int t = fx.pickTenant(random);
        UUID tenant = fx.tenants[t];
        UUID doc = fx.pickDoc(random, t);
        return transactions.inTenant(tenant, scope -> {
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
