package dev.strata.bench;

import dev.strata.TenantWork;
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

    /** Runs a read in a tenant's transaction: {@code Strata.inTenant} or another {@link TenantTransactions}. */
    @FunctionalInterface
    private interface Runner {
        String inTenant(UUID tenant, TenantWork<String, Exception> work) throws Exception;
    }

    private final String name;
    private final ReadFixture fx;
    private final Runner runner;

    /** Through the public API, as applications use it. */
    StrataRead(ReadFixture fx) {
        this("strata", fx, fx.strata::inTenant);
    }

    StrataRead(String name, ReadFixture fx, TenantTransactions transactions) {
        this(name, fx, transactions::inTenant);
    }

    private StrataRead(String name, ReadFixture fx, Runner runner) {
        this.name = name;
        this.fx = fx;
        this.runner = runner;
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
        return runner.inTenant(tenant, scope -> {
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
