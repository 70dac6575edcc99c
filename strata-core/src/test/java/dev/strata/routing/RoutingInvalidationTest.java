package dev.strata.routing;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routes are cached in every process and dropped in every process when the registry changes, so
 * no process keeps serving a suspended or decommissioned tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingInvalidationTest {
    private Strata first;
    private Strata second;

    @BeforeAll
    void start() {
        first = TestStrata.start();
        second = TestStrata.start(b -> b.namespace(first.config().namespace()));
    }

    @AfterAll
    void stop() {
        second.close();
        TestStrata.stopAndDrop(first);
    }

    @Test
    void a_cached_route_serves_without_a_management_query() throws SQLException {
        Tenant t1 = first.tenants().create(NewTenant.t1("cached"));
        assertThat(eventually(() -> {
            long before = second.internals().router().loads();
            visible(second, t1);
            visible(second, t1);
            return second.internals().router().loads() - before <= 1;
        })).as("the route is cached once the creation's notifications have arrived").isTrue();
        long before = second.internals().router().loads();
        for (int i = 0; i < 50; i++) {
            visible(second, t1);
        }
        assertThat(second.internals().router().loads() - before).as("management lookups for 50 transactions").isZero();
    }

    private static void visible(Strata strata, Tenant t) {
        try {
            Documents.visible(strata, t.id());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_suspension_in_one_process_stops_work_in_the_other() throws SQLException {
        Tenant t1 = first.tenants().create(NewTenant.t1("remote"));
        Tenant t2 = first.tenants().create(NewTenant.t2("remote-child", "remote"));
        assertThat(Documents.visible(second, t2.id())).isEmpty();
        first.tenants().suspend("remote");
        assertThat(eventually(() -> refusedWith(second, t2, ErrorCode.TENANT_SUSPENDED)))
                .as("the other process refuses the T2 of the suspended T1").isTrue();
        first.tenants().resume("remote");
        assertThat(eventually(() -> !refusedWith(second, t2, ErrorCode.TENANT_SUSPENDED))).isTrue();
        first.tenants().decommission("remote", true);
        assertThat(eventually(() -> refusedWith(second, t1, ErrorCode.TENANT_DECOMMISSIONED))).isTrue();
    }

    private static boolean refusedWith(Strata strata, Tenant tenant, ErrorCode code) {
        try {
            Documents.visible(strata, tenant.id());
            return false;
        } catch (StrataException e) {
            return e.code() == code;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Waits for an asynchronous notification to arrive (not a performance assertion). */
    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
