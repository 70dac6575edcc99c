package dev.strata.internal.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A tenant's Micrometer meters are registered off the request path, and nothing recorded before is lost. */
class TenantMetersTest {

    @Test
    void meters_appear_only_when_registered_and_then_count_what_came_before() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TenantMeters meters = new TenantMeters(registry, UUID.randomUUID(), "a1", "T2");
        meters.transaction(TimeUnit.MILLISECONDS.toNanos(3), false);
        meters.transaction(TimeUnit.MILLISECONDS.toNanos(7), true);
        meters.throttled();
        assertThat(registry.getMeters()).isEmpty();

        meters.register();
        meters.register();
        meters.transaction(TimeUnit.MILLISECONDS.toNanos(1), false);

        var timer = registry.get(TenantMeters.TRANSACTIONS).tags("tenant", "a1", "tier", "T2").timer();
        assertThat(timer.count()).isEqualTo(3);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(11.0);
        assertThat(registry.get(TenantMeters.ERRORS).tags("tenant", "a1").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(TenantMeters.THROTTLED).tags("tenant", "a1").counter().count()).isEqualTo(1.0);
    }

    @RepeatedTest(20)
    void every_transaction_recorded_while_the_meters_are_being_registered_is_counted_exactly_once() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TenantMeters meters = new TenantMeters(registry, UUID.randomUUID(), "a1", "T2");
        int threads = 4;
        int each = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?>[] recorders = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                recorders[t] = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        meters.transaction(1_000, i % 10 == 0);
                    }
                    return null;
                });
            }
            Future<?> registrar = pool.submit(() -> {
                start.await();
                Thread.sleep(1);
                meters.register();
                return null;
            });
            start.countDown();
            for (Future<?> r : recorders) {
                r.get(30, TimeUnit.SECONDS);
            }
            registrar.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.get(TenantMeters.TRANSACTIONS).timer().count()).isEqualTo((long) threads * each);
        assertThat(registry.get(TenantMeters.ERRORS).counter().count()).isEqualTo(threads * each / 10.0);
    }

    @Test
    void a_tenant_whose_meters_are_never_registered_in_the_background_registers_them_itself_before_the_queue_grows_large() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TenantMeters meters = new TenantMeters(registry, UUID.randomUUID(), "a1", "T2");
        for (int i = 0; i < 5_000; i++) {
            meters.transaction(1_000, false);
        }
        assertThat(registry.get(TenantMeters.TRANSACTIONS).timer().count()).isEqualTo(5_000);
    }

    @Test
    void a_registry_that_refuses_the_meters_costs_the_tenant_its_metrics_and_nothing_else() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.counter(TenantMeters.TRANSACTIONS, "tenant", "a1", "tier", "T2");
        TenantMeters meters = new TenantMeters(registry, UUID.randomUUID(), "a1", "T2");
        meters.transaction(1_000, false);

        meters.register();
        meters.transaction(1_000, true);
        meters.throttled();

        assertThat(registry.get(TenantMeters.TRANSACTIONS).counter().count()).as("the application's own meter").isZero();
        assertThat(registry.find(TenantMeters.ERRORS).counter()).isNull();
        TenantMeters.Snapshot flushed = meters.drain();
        assertThat(flushed.transactions()).as("activity for tenants top still counts").isEqualTo(2);
        assertThat(flushed.errors()).isEqualTo(1);
        assertThat(flushed.throttled()).isEqualTo(1);
    }

    @Test
    void a_retired_tenant_s_meters_leave_the_registry_and_a_late_registration_brings_none_back() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TenantMeters registered = new TenantMeters(registry, UUID.randomUUID(), "a1", "T2");
        registered.register();
        registered.transaction(1_000, false);
        TenantMeters late = new TenantMeters(registry, UUID.randomUUID(), "a2", "T2");
        late.transaction(1_000, false);
        assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTag("tenant")).isEqualTo("a1"));

        registered.retire();
        late.retire();
        late.register();
        late.transaction(1_000, false);

        assertThat(registry.getMeters()).isEmpty();
    }
}
