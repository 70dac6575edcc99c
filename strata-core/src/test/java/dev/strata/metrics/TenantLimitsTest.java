package dev.strata.metrics;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantEvent;
import dev.strata.TenantLimits;
import dev.strata.Tier;
import dev.strata.internal.metrics.TenantObserver;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Noisy-neighbour limits: concurrent transactions per tenant (tier default or the tenant's own),
 * waiting in arrival order, throttling after the acquire timeout, and statement timeouts.
 */
class TenantLimitsTest {
    private static final TenantLimits T2_LIMITS = new TenantLimits(2, Duration.ofMillis(200), Duration.ofMillis(500));

    private static Strata strata;
    private static Tenant a1;
    private static Tenant a2;
    private static Tenant a3;
    private static Tenant a4;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        strata = TestStrata.start(b -> b.tierLimits(Tier.T2, T2_LIMITS));
        strata.tenants().create(NewTenant.t1("alpha"));
        a1 = strata.tenants().create(NewTenant.t2("a1", "alpha"));
        a2 = strata.tenants().create(NewTenant.t2("a2", "alpha"));
        a3 = strata.tenants().create(NewTenant.t2("a3", "alpha"));
        a4 = strata.tenants().create(NewTenant.t2("a4", "alpha"));
    }

    @AfterAll
    static void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** Starts callbacks of a tenant that hold their transaction until released; returns once all run. */
    private List<Future<?>> hold(Tenant t, int count, CountDownLatch release) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(count);
        List<Future<?>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(threads.submit(() -> {
                strata.useTenant(t.id(), scope -> {
                    running.countDown();
                    release.await();
                });
                return null;
            }));
        }
        running.await();
        return out;
    }

    private static void awaitAll(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get();
        }
    }

    private static TenantObserver observer() {
        return (TenantObserver) strata.internals().observer();
    }

    @Test
    void a_tenant_at_its_concurrency_limit_is_throttled_after_the_acquire_timeout_and_its_neighbours_are_not() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> holders = hold(a1, 2, release);
        try {
            assertThatThrownBy(() -> strata.useTenant(a1.id(), scope -> { }))
                    .isInstanceOfSatisfying(StrataException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TENANT_THROTTLED);
                        assertThat(e.getMessage()).contains("'a1'", "2 transaction(s) at once", "200 ms");
                    });
            strata.useTenant(a2.id(), scope -> { });
        } finally {
            release.countDown();
        }
        awaitAll(holders);
        strata.useTenant(a1.id(), scope -> { });
    }

    @Test
    void callers_waiting_for_a_slot_are_admitted_in_arrival_order() throws Exception {
        strata.tenants().setLimits("a2", new TenantLimits(1, Duration.ofSeconds(60), Duration.ZERO));
        try {
            CountDownLatch release = new CountDownLatch(1);
            List<Future<?>> holder = hold(a2, 1, release);
            List<Integer> admitted = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int id = i;
                waiters.add(threads.submit(() -> {
                    strata.useTenant(a2.id(), scope -> admitted.add(id));
                    return null;
                }));
                while (observer().waiting(a2.id()) < i + 1) {
                    Thread.sleep(1);
                }
            }
            release.countDown();
            awaitAll(holder);
            awaitAll(waiters);
            assertThat(admitted).containsExactly(0, 1, 2, 3);
        } finally {
            strata.tenants().clearLimits("a2");
        }
    }

    @Test
    void a_tenants_own_limits_replace_its_tiers_until_cleared() throws Exception {
        assertThat(strata.tenants().limits("a3")).isEqualTo(T2_LIMITS);
        assertThat(strata.tenants().ownLimits("a3")).isEmpty();
        TenantLimits own = new TenantLimits(3, Duration.ofMillis(100), Duration.ZERO);
        assertThat(strata.tenants().setLimits("a3", own)).isEqualTo(own);
        assertThat(strata.tenants().limits("a3")).isEqualTo(own);
        assertThat(strata.tenants().ownLimits(a3.id().toString())).contains(own);

        CountDownLatch release = new CountDownLatch(1);
        List<Future<?>> holders = hold(a3, 3, release);
        try {
            assertThatThrownBy(() -> strata.useTenant(a3.id(), scope -> { }))
                    .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TENANT_THROTTLED));
        } finally {
            release.countDown();
        }
        awaitAll(holders);

        assertThat(strata.tenants().clearLimits("a3")).isEqualTo(T2_LIMITS);
        assertThat(strata.tenants().limits("a3")).isEqualTo(T2_LIMITS);
        assertThat(strata.tenants().ownLimits("a3")).isEmpty();
        assertThat(strata.tenants().history("a3")).extracting(TenantEvent::action)
                .contains("limits_changed", "limits_cleared");
        assertThatThrownBy(() -> strata.tenants().setLimits("operator", own))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_HIERARCHY));
    }

    @Test
    void own_limits_of_an_unknown_tenant_are_tenant_not_found() {
        assertThatThrownBy(() -> strata.tenants().ownLimits("nobody"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TENANT_NOT_FOUND));
    }

    @Test
    void timeouts_longer_than_postgres_can_apply_are_refused() {
        Duration tooLong = TenantLimits.MAX_TIMEOUT.plusMillis(1);
        new TenantLimits(1, TenantLimits.MAX_TIMEOUT, TenantLimits.MAX_TIMEOUT);
        for (Runnable build : List.<Runnable>of(() -> new TenantLimits(1, tooLong, Duration.ZERO),
                () -> new TenantLimits(1, Duration.ZERO, tooLong))) {
            assertThatThrownBy(build::run).isInstanceOfSatisfying(StrataException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
                assertThat(e.getMessage()).contains("at most 2147483647 ms");
            });
        }
    }

    @Test
    void the_statement_timeout_of_a_tenants_limits_cancels_its_long_statements() throws Exception {
        assertThatThrownBy(() -> strata.useTenant(a4.id(), scope -> sleep(scope.connection(), 3)))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
        strata.tenants().setLimits("a4", new TenantLimits(2, Duration.ofMillis(200), Duration.ZERO));
        try {
            strata.useTenant(a4.id(), scope -> sleep(scope.connection(), 0.7));
        } finally {
            strata.tenants().clearLimits("a4");
        }
        assertThatThrownBy(() -> strata.useTenant(a4.id(), scope -> sleep(scope.connection(), 3)))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
    }

    private static void sleep(java.sql.Connection c, double seconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_sleep(?)")) {
            ps.setDouble(1, seconds);
            ps.execute();
        }
    }
}
