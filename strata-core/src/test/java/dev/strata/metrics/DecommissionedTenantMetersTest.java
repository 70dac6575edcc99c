package dev.strata.metrics;

import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantActivity;
import dev.strata.testing.TestStrata;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process keeps per-tenant meters only for tenants that still exist: a decommissioned tenant's
 * meters leave the registry after its last activity is flushed, a suspended tenant's stay.
 */
class DecommissionedTenantMetersTest {
    private static final String TRANSACTIONS = "strata.tenant.transactions";
    private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    private static Strata strata;

    @BeforeAll
    static void start() {
        strata = TestStrata.start(b -> b.meterRegistry(METERS).statsFlushInterval(Duration.ofMillis(100)));
        strata.tenants().create(NewTenant.t1("gamma"));
    }

    @AfterAll
    static void stop() {
        TestStrata.stopAndDrop(strata);
    }

    private static void work(Tenant t, int times) throws SQLException {
        for (int i = 0; i < times; i++) {
            strata.useTenant(t.id(), scope -> scope.connection().prepareStatement("SELECT 1").executeQuery().close());
        }
    }

    private static Timer timer(String slug) {
        return METERS.find(TRANSACTIONS).tags("tenant", slug).timer();
    }

    private static void within10Seconds(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void a_decommissioned_tenant_s_meters_leave_the_registry_and_its_activity_stays_counted() throws Exception {
        Tenant g1 = strata.tenants().create(NewTenant.t2("g1", "gamma"));
        Tenant g2 = strata.tenants().create(NewTenant.t2("g2", "gamma"));
        work(g1, 3);
        work(g2, 2);
        within10Seconds("meters of g1 and g2 registered", () -> timer("g1") != null && timer("g2") != null);

        strata.tenants().suspend("g2");
        strata.tenants().decommission("g1", false);

        within10Seconds("g1's meters removed after decommissioning", () -> timer("g1") == null);
        assertThat(timer("g2")).as("a suspended tenant keeps its meters").isNotNull();
        assertThat(timer("g2").count()).isEqualTo(2);
        List<TenantActivity> top = strata.activity().top(10, Duration.ofMinutes(5));
        assertThat(top).filteredOn(a -> a.slug().equals("g1")).singleElement()
                .satisfies(a -> assertThat(a.transactions()).isEqualTo(3));
    }
}
