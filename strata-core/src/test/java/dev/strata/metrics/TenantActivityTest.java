package dev.strata.metrics;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantActivity;
import dev.strata.TenantLimits;
import dev.strata.Tier;
import dev.strata.testing.TestStrata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Per-tenant metrics in Micrometer and per-tenant activity in the management database, summed
 * over every process for {@code top}.
 */
class TenantActivityTest {
    private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    private static Strata first;
    private static Strata second;
    private static Tenant b1;
    private static Tenant b2;
    private static Tenant b3;

    @BeforeAll
    static void start() {
        first = TestStrata.start(b -> b.meterRegistry(METERS));
        second = TestStrata.start(b -> b.namespace(first.config().namespace()));
        first.tenants().create(NewTenant.t1("beta"));
        b1 = first.tenants().create(NewTenant.t2("b1", "beta"));
        b2 = first.tenants().create(NewTenant.t2("b2", "beta"));
        b3 = first.tenants().create(NewTenant.t2("b3", "beta"));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        TestStrata.stopAndDrop(first);
    }

    private static void ok(Strata s, Tenant t, int times) throws java.sql.SQLException {
        for (int i = 0; i < times; i++) {
            s.useTenant(t.id(), scope -> scope.connection().prepareStatement("SELECT 1").executeQuery().close());
        }
    }

    private static void failing(Strata s, Tenant t) {
        assertThatThrownBy(() -> s.useTenant(t.id(), scope -> {
            throw new IllegalStateException("work failed");
        })).isInstanceOf(IllegalStateException.class);
    }

    /** A tenant's meters are registered off the request path, just after its first transaction. */
    private static <M> M registered(java.util.function.Supplier<M> lookup) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        M meter = lookup.get();
        while (meter == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
            meter = lookup.get();
        }
        assertThat(meter).as("meter registered within 10 s of the tenant's first transaction").isNotNull();
        return meter;
    }

    @Test
    void each_tenant_has_a_latency_timer_with_a_histogram_and_error_and_throttled_counters() throws Exception {
        ok(first, b1, 3);
        failing(first, b1);
        Timer timer = registered(() -> METERS.find("strata.tenant.transactions").tags("tenant", "b1", "tier", "T2").timer());
        assertThat(timer.count()).isEqualTo(4);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertThat(timer.takeSnapshot().histogramCounts()).isNotEmpty();
        Counter errors = METERS.get("strata.tenant.errors").tags("tenant", "b1", "tier", "T2").counter();
        assertThat(errors.count()).isEqualTo(1.0);

        first.tenants().setLimits("b1", new TenantLimits(1, Duration.ZERO, Duration.ZERO));
        ExecutorService threads = Executors.newSingleThreadExecutor();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<?> holder = threads.submit(() -> {
                first.useTenant(b1.id(), scope -> {
                    running.countDown();
                    release.await();
                });
                return null;
            });
            running.await();
            assertThatThrownBy(() -> first.useTenant(b1.id(), scope -> { }))
                    .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TENANT_THROTTLED));
            release.countDown();
            holder.get();
        } finally {
            release.countDown();
            threads.shutdownNow();
            first.tenants().clearLimits("b1");
        }
        assertThat(METERS.get("strata.tenant.throttled").tags("tenant", "b1", "tier", "T2").counter().count()).isEqualTo(1.0);
        assertThat(METERS.get("strata.tenant.transactions").tags("tenant", "b1", "tier", "T2").timer().count()).isEqualTo(5);
    }

    @Test
    void top_ranks_tenants_by_their_transactions_in_every_process() throws Exception {
        ok(first, b2, 3);
        ok(second, b2, 4);
        failing(second, b2);
        ok(first, b3, 6);
        second.activity().flush();

        List<TenantActivity> top = first.activity().top(10, Duration.ofMinutes(5));
        assertThat(top).extracting(TenantActivity::slug).startsWith("b2", "b3");
        TenantActivity busiest = top.get(0);
        assertThat(busiest.tenantId()).isEqualTo(b2.id());
        assertThat(busiest.tier()).isEqualTo(Tier.T2);
        assertThat(busiest.transactions()).isEqualTo(8);
        assertThat(busiest.errors()).isEqualTo(1);
        assertThat(busiest.throttled()).isZero();
        assertThat(busiest.tps()).isPositive();
        assertThat(busiest.meanLatency()).isPositive();
        assertThat(busiest.maxLatency()).isGreaterThanOrEqualTo(busiest.meanLatency());
        assertThat(top.get(1).transactions()).isEqualTo(6);

        assertThat(first.activity().top(1, Duration.ofMinutes(5))).hasSize(1);
        assertThatThrownBy(() -> first.activity().top(0, Duration.ofMinutes(5)))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> first.activity().top(5, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
