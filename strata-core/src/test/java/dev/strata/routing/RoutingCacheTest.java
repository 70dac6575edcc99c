package dev.strata.routing;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantLimits;
import dev.strata.TenantStatus;
import dev.strata.internal.routing.Route;
import dev.strata.internal.routing.Router;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routes are served from the process's cache, without a management query, and every process drops
 * a tenant's route when its status, placement or limits change anywhere.
 */
class RoutingCacheTest {
    private static Strata first;
    private static Strata second;
    private static Tenant c1;
    private static Tenant c2;

    @BeforeAll
    static void start() {
        first = TestStrata.start();
        second = TestStrata.start(b -> b.namespace(first.config().namespace()));
        first.tenants().create(NewTenant.t1("gamma"));
        c1 = first.tenants().create(NewTenant.t2("c1", "gamma"));
        c2 = first.tenants().create(NewTenant.t2("c2", "gamma"));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        TestStrata.stopAndDrop(first);
    }

    /** Polls the other process's router until the change has reached it (bounded; not a timing assertion). */
    private static Route awaitRoute(Router router, Tenant t, Predicate<Route> condition) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            Route r = router.route(t.id());
            if (condition.test(r)) {
                return r;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("The change never reached the other process's routing cache");
    }

    /**
     * The set-up's own changes notify every process asynchronously, and each notification drops
     * cached routes; once they have arrived, nothing changes and the cached route is served as is.
     */
    @Test
    void a_cached_route_is_served_again_without_loading_it() throws InterruptedException {
        Router router = first.internals().router();
        Route once = router.route(c1.id());
        for (int i = 0; i < 100 && router.route(c1.id()) != once; i++) {
            Thread.sleep(50);
            once = router.route(c1.id());
        }
        assertThat(router.route(c1.id())).isSameAs(once);
        assertThat(router.route(c1.id())).isSameAs(once);
    }

    @Test
    void a_suspension_in_one_process_reaches_the_routing_cache_of_another() throws Exception {
        Router other = second.internals().router();
        second.useTenant(c2.id(), scope -> { });
        Route cached = other.route(c2.id());
        assertThat(cached.status()).isEqualTo(TenantStatus.ACTIVE);

        first.tenants().suspend("c2");
        try {
            awaitRoute(other, c2, r -> r.status() == TenantStatus.SUSPENDED);
            assertThatThrownBy(() -> second.useTenant(c2.id(), scope -> { }))
                    .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TENANT_SUSPENDED));
        } finally {
            first.tenants().resume("c2");
        }
        awaitRoute(other, c2, r -> r.status() == TenantStatus.ACTIVE);
        second.useTenant(c2.id(), scope -> { });
    }

    @Test
    void a_limit_change_in_one_process_reaches_the_routing_cache_of_another() throws Exception {
        Router other = second.internals().router();
        assertThat(other.route(c1.id()).limits()).isEqualTo(TenantLimits.unlimited());
        TenantLimits own = new TenantLimits(4, Duration.ofMillis(50), Duration.ofSeconds(2));
        first.tenants().setLimits("c1", own);
        try {
            Route updated = awaitRoute(other, c1, r -> r.limits().equals(own));
            assertThat(updated.context().sql()).contains("statement_timeout");
        } finally {
            first.tenants().clearLimits("c1");
        }
        awaitRoute(other, c1, r -> r.limits().equals(TenantLimits.unlimited()));
    }
}
