package dev.strata.pool;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.internal.pool.ConnectionBudget;
import dev.strata.internal.pool.DatabaseKey;
import dev.strata.internal.pool.TenantPools;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenant pools under a connection budget: created on first use, idle ones evicted least recently
 * used first so every database is served, exhaustion reported clearly after the timeout, and
 * waiters served in arrival order.
 */
class TenantPoolsBudgetTest {
    private Strata strata;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
        TestStrata.stopAndDrop(strata);
    }

    private List<Tenant> start(int databases, UnaryOperator<dev.strata.StrataConfig.Builder> config) {
        strata = TestStrata.start(config);
        List<Tenant> tenants = new ArrayList<>();
        for (int i = 0; i < databases; i++) {
            tenants.add(strata.tenants().create(NewTenant.t1("db" + i)));
        }
        return tenants;
    }

    private TenantPools pools() {
        return strata.internals().pools();
    }

    private ConnectionBudget budget() {
        return pools().budget("default");
    }

    private static DatabaseKey key(Tenant t) {
        return new DatabaseKey(t.placement().dataPlane(), t.placement().database());
    }

    private int count(Tenant t) throws Exception {
        return strata.inTenant(t.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT count(*) FROM documents");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void pools_are_created_lazily_on_first_work() throws Exception {
        List<Tenant> dbs = start(2, b -> b.connectionBudget(4).poolSizePerDatabase(2));
        assertThat(pools().openPools()).isZero();
        assertThat(budget().inUse()).isZero();
        count(dbs.get(1));
        assertThat(pools().openDatabases()).containsExactly(key(dbs.get(1)));
        assertThat(budget().inUse()).isEqualTo(1);
    }

    @Test
    void with_more_databases_than_the_budget_idle_pools_are_evicted_lru_and_every_database_is_served() throws Exception {
        List<Tenant> dbs = start(5, b -> b.connectionBudget(3).poolSizePerDatabase(1));
        count(dbs.get(0));
        count(dbs.get(1));
        count(dbs.get(2));
        count(dbs.get(0));
        assertThat(pools().openDatabases()).containsExactlyInAnyOrder(key(dbs.get(0)), key(dbs.get(1)), key(dbs.get(2)));
        count(dbs.get(3));
        assertThat(pools().openDatabases()).as("db1 was the least recently used")
                .containsExactlyInAnyOrder(key(dbs.get(0)), key(dbs.get(2)), key(dbs.get(3)));
        for (int round = 0; round < 3; round++) {
            for (Tenant t : dbs) {
                assertThat(count(t)).isZero();
                assertThat(budget().inUse()).isLessThanOrEqualTo(3);
            }
        }
    }

    @Test
    void a_waiter_gets_connection_budget_exhausted_after_the_timeout_when_every_connection_is_held() throws Exception {
        List<Tenant> dbs = start(2, b -> b.connectionBudget(2).poolSizePerDatabase(2)
                .connectionTimeout(Duration.ofMillis(300)));
        CountDownLatch holding = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> holders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            holders.add(threads.submit(() -> {
                strata.useTenant(dbs.get(0).id(), scope -> {
                    holding.countDown();
                    release.await();
                });
                return null;
            }));
        }
        holding.await();
        assertThat(budget().inUse()).isEqualTo(2);
        try {
            assertThatThrownBy(() -> count(dbs.get(1)))
                    .isInstanceOfSatisfying(StrataException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_BUDGET_EXHAUSTED);
                        assertThat(e.getMessage()).contains("connection", "budget", "2").contains("default");
                    });
        } finally {
            release.countDown();
        }
        for (Future<?> f : holders) {
            f.get();
        }
        assertThat(count(dbs.get(1))).isZero();
    }

    @Test
    void waiters_for_other_databases_are_served_in_arrival_order() throws Exception {
        List<Tenant> dbs = start(4, b -> b.connectionBudget(1).poolSizePerDatabase(1)
                .connectionTimeout(Duration.ofSeconds(60)));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> holder = threads.submit(() -> {
            strata.useTenant(dbs.get(0).id(), scope -> {
                holding.countDown();
                release.await();
            });
            return null;
        });
        holding.await();
        List<String> served = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> waiters = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Tenant t = dbs.get(i);
            waiters.add(threads.submit(() -> strata.useTenant(t.id(), scope -> served.add(t.slug()))));
            ConnectionBudgetTest.awaitWaiting(budget(), i);
        }
        release.countDown();
        holder.get();
        for (Future<?> f : waiters) {
            f.get();
        }
        assertThat(served).containsExactly("db1", "db2", "db3");
    }
}
