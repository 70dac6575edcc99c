package dev.strata.bench;

import dev.strata.internal.StrataEngine;
import dev.strata.internal.context.PooledGuarantees;
import dev.strata.internal.context.TenantTransactions;
import dev.strata.internal.context.TransactionObserver;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.routing.Route;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where Strata's cost over raw JDBC goes ({@code --breakdown}): the same single-row read built up
 * one layer at a time, measured at 1 and at 8 client threads in interleaved slices, with the CPU
 * each transaction costs the client threads and (for a server on this machine) the server.
 * <ol>
 *   <li>raw: no RLS, no context;</li>
 *   <li>+ one trivial statement in the same round trip ({@code SELECT $1::text}), no RLS: the
 *       floor of any context that is set per transaction;</li>
 *   <li>+ the context statement a T2 transaction carries instead, no RLS;</li>
 *   <li>+ RLS: exactly what Strata sends for a T2, by hand, without Strata's Java layers;</li>
 *   <li>the same SQL on a connection from Strata's cached route and budgeted pool;</li>
 *   <li>Strata without its transaction observer (concurrency limits, per-tenant meters and
 *       activity counters): its scope, wrappers and commit on top of 5;</li>
 *   <li>Strata without the pooled-connection guarantees (the minimal context, no SQL
 *       classification, no lease checks, raw result sets), through the same observer as 8;</li>
 *   <li>Strata.</li>
 * </ol>
 * 7 and 8 differ only in the guarantees: their ratio is what the clean-state guarantee costs a
 * callback that leaves no session state.
 * Layers 1–4 borrow from plain HikariCP pools.
 */
final class CostBreakdown {
    private static final String CONTEXT = "SELECT set_config('app.tenant_id', ?, true);\n";

    /** Where a layer gets its connection, and how it gives it back. */
    private interface ConnectionSource {
        Borrowed borrow(UUID tenant) throws Exception;
    }

    private record Borrowed(Connection connection, AutoCloseable handle) {
    }

    private CostBreakdown() {
    }

    static Map<String, Throughput.Measurement> run(ReadFixture fx, ServerCpu serverCpu, int threads, Duration warmup,
                                                   Duration measured, Duration slice) throws Exception {
        StrataEngine engine = fx.strata.internals();
        List<ReadVariant> variants = List.of(
                new RawRead(fx),
                variant("select1-no-rls", pooled(fx.app), "SELECT ?::text;\n" + RawRead.SQL, fx),
                variant("context-no-rls", pooled(fx.app), CONTEXT + RawRead.SQL, fx),
                variant("context-rls-by-hand", pooled(fx.app),
                        CONTEXT + "SELECT title FROM app.documents WHERE tenant_id = ? AND id = ?", fx),
                variant("strata-route-and-pool", routed(engine), CONTEXT + StrataRead.SQL, fx),
                new StrataRead("strata-without-observer", fx,
                        new TenantTransactions(engine.router(), engine.pools(), TransactionObserver.NONE)),
                new StrataRead("strata-without-pooled-guarantees", fx, new TenantTransactions(engine.router(),
                        engine.pools(), engine.observer(), PooledGuarantees.OFF_FOR_BENCHMARKS)),
                new StrataRead(fx));
        return Throughput.measure(variants, threads, warmup, measured, slice, serverCpu);
    }

    private static ConnectionSource pooled(DataSource pool) {
        return tenant -> {
            Connection c = pool.getConnection();
            return new Borrowed(c, c);
        };
    }

    /** Strata's route cache and budgeted pools, without its scope, wrappers or observer. */
    private static ConnectionSource routed(StrataEngine engine) {
        return tenant -> {
            Route route = engine.router().route(tenant);
            TenantPools.Lease lease = engine.pools().lease(route.database(), route.credentials());
            return new Borrowed(lease.connection(), lease);
        };
    }

    private static ReadVariant variant(String name, ConnectionSource source, String sql, ReadFixture fx) {
        return new ReadVariant() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String transaction(ThreadLocalRandom random) throws Exception {
                int t = fx.pickTenant(random);
                UUID tenant = fx.tenants[t];
                UUID doc = fx.pickDoc(random, t);
                Borrowed borrowed = source.borrow(tenant);
                try (AutoCloseable handle = borrowed.handle()) {
                    Connection c = borrowed.connection();
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
