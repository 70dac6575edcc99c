package dev.strata.move;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.PlaneStatus;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.sql.DataPlane;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TwoPlanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a drain refuses, and what it cannot do: an unknown plane, a bad concurrency, a plane drained
 * already; a tenant with no other plane of its region is recorded as failed while the others move
 * (the second plane is in region {@value TwoPlanes#SECOND_REGION}, the default plane in none); no
 * tenant moves onto a draining plane.
 */
class DrainRefusalTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    @BeforeAll
    static void secondPlane() {
        TwoPlanes.addSecond(FIXTURE.strata());
    }

    @AfterEach
    void planeTakesTenantsAgain() {
        strata().planes().activate(TwoPlanes.SECOND);
    }

    @Test
    void an_unknown_plane_is_refused() {
        assertThatThrownBy(() -> strata().planes().drain("nowhere")).isInstanceOf(StrataException.class)
                .extracting("code").isEqualTo(ErrorCode.PLANE_NOT_FOUND);
    }

    @Test
    void a_concurrency_out_of_range_is_refused_and_changes_nothing() {
        for (int bad : new int[]{0, -1, 17}) {
            assertThatThrownBy(() -> strata().planes().drain(TwoPlanes.SECOND, bad)).isInstanceOf(StrataException.class)
                    .hasMessageContaining("concurrency " + bad).extracting("code").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        assertThat(strata().planes().get(TwoPlanes.SECOND).status()).isEqualTo(PlaneStatus.ACTIVE);
        assertThat(strata().planes().get(TwoPlanes.SECOND).drainOperation()).isNull();
    }

    @Test
    void a_tenant_without_a_plane_of_its_region_fails_the_drain_while_the_others_move() throws Exception {
        Strata strata = strata();
        Tenant stuck = strata.tenants().create(NewTenant.t1("stuck").withMode(IsolationMode.RLS).withPlane(TwoPlanes.SECOND));
        assertThat(strata.tenants().get(stuck.id()).region()).isEqualTo(TwoPlanes.SECOND_REGION);
        Tenant home = strata.tenants().create(NewTenant.t1("home").withMode(IsolationMode.RLS));
        Tenant roamer = strata.tenants().create(NewTenant.t2("roamer", home.slug()));
        Shop.seed(strata, stuck.id(), "stuck");
        Shop.seed(strata, roamer.id(), "roamer");
        OperationInfo out = strata.tenants().move(roamer.slug(), MoveRequest.to(IsolationMode.DATABASE).withPlane(TwoPlanes.SECOND));
        assertThat(out.state()).as("%s", out.error()).isEqualTo(OperationState.SUCCEEDED);

        OperationInfo drain = DrainWorld.awaitEnd(strata, strata.planes().drain(TwoPlanes.SECOND).drainOperation());

        assertThat(drain.state()).isEqualTo(OperationState.FAILED);
        assertThat(drain.error()).contains("stuck").contains("region '" + TwoPlanes.SECOND_REGION + "'");
        assertThat(drain.report()).containsEntry("moved", 1).containsEntry("failed", 1);
        assertThat(((Map<?, ?>) ((Map<?, ?>) drain.report().get("tenants")).get("stuck")).get("state")).isEqualTo("failed");
        Tenant stuckNow = strata.tenants().get(stuck.id());
        assertThat(stuckNow.placement().dataPlane()).isEqualTo(TwoPlanes.SECOND);
        assertThat(stuckNow.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(DrainWorld.customers(strata, stuck.id())).isEqualTo(2);
        Placement roamerNow = strata.tenants().get(roamer.id()).placement();
        assertThat(roamerNow.dataPlane()).isEqualTo(DataPlane.DEFAULT_KEY);
        assertThat(roamerNow.mode()).isEqualTo(IsolationMode.DATABASE);
        assertThat(DrainWorld.customers(strata, roamer.id())).isEqualTo(2);

        // once the tenant is placed elsewhere by hand, draining again finishes the same drain
        strata.tenants().move(stuck.slug(), MoveRequest.to(IsolationMode.RLS).withPlane(DataPlane.DEFAULT_KEY)
                .withForceRegion(true));
        assertThat(strata.planes().drain(TwoPlanes.SECOND).drainOperation()).isEqualTo(drain.id());
        assertThat(DrainWorld.awaitEnd(strata, drain.id()).state()).isEqualTo(OperationState.SUCCEEDED);

        assertThatThrownBy(() -> strata.planes().drain(TwoPlanes.SECOND)).isInstanceOf(StrataException.class)
                .hasMessageContaining("drained already").extracting("code").isEqualTo(ErrorCode.INVALID_STATE);
    }

    @Test
    void no_tenant_moves_onto_a_draining_plane() throws Exception {
        Strata strata = strata();
        Tenant t = strata.tenants().create(NewTenant.t1("grounded").withMode(IsolationMode.RLS));
        Shop.seed(strata, t.id(), "grounded");
        Placement before = strata.tenants().get(t.id()).placement();
        DrainWorld.awaitEnd(strata, strata.planes().drain(TwoPlanes.SECOND).drainOperation());
        assertThatThrownBy(() -> strata.tenants().move(t.slug(), MoveRequest.to(IsolationMode.DATABASE)
                .withPlane(TwoPlanes.SECOND).withForceRegion(true)))
                .isInstanceOf(StrataException.class).hasMessageContaining("draining")
                .extracting("code").isEqualTo(ErrorCode.MOVE_REFUSED);
        Tenant after = strata.tenants().get(t.id());
        assertThat(after.placement()).isEqualTo(before);
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThatThrownBy(() -> strata.tenants().create(NewTenant.t1("late").withPlane(TwoPlanes.SECOND)))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.MOVE_REFUSED);
    }

    private static Strata strata() {
        return FIXTURE.strata();
    }
}
