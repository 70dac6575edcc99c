package dev.strata.move;

import dev.strata.DataPlaneInfo;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.PlaneStatus;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.move.MoveStep;
import dev.strata.internal.operation.StepHook;
import dev.strata.internal.sql.DataPlane;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TwoPlanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Draining a data plane ({@code planes drain}): every tenant placed on {@link TwoPlanes#SECOND}, in
 * every mode, is moved online to the same mode on the default plane, under writers; a drain whose
 * process dies is finished by resume or given up by abort; an abort of a running drain stops it
 * starting moves. The plane stays draining until activated.
 */
class DrainTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP)
            .configured(b -> b.automaticRecovery(false).operationLease(Duration.ofSeconds(2)));

    /** Stands for the process dying in the middle of a step. */
    static final class Crash extends Error {
        Crash(String where) {
            super("simulated crash at " + where);
        }
    }

    @BeforeAll
    static void secondPlane() {
        TwoPlanes.addSecond(FIXTURE.strata(), null);
    }

    @AfterEach
    void planeTakesTenantsAgain() {
        strata().internals().operations().leases().stepHook(StepHook.NONE);
        strata().planes().activate(TwoPlanes.SECOND);
    }

    @Test
    void a_drain_moves_tenants_of_every_mode_off_the_plane_under_writers() throws Exception {
        Strata strata = strata();
        Tenant db = onSecond(NewTenant.t1("drain-db").withMode(IsolationMode.DATABASE));
        Tenant dbChild = strata.tenants().create(NewTenant.t2("drain-db-child", db.slug()));
        Tenant rls = onSecond(NewTenant.t1("drain-rls").withMode(IsolationMode.RLS));
        Tenant rlsChild = strata.tenants().create(NewTenant.t2("drain-rls-child", rls.slug()));
        Tenant schema = onSecond(NewTenant.t1("drain-schema").withMode(IsolationMode.SCHEMA));
        Tenant neighbour = strata.tenants().create(NewTenant.t1("drain-neighbour").withMode(IsolationMode.RLS));
        List<Tenant> moving = List.of(db, dbChild, rls, rlsChild, schema);
        for (Tenant t : moving) {
            Shop.seed(strata, t.id(), t.slug());
        }
        Shop.seed(strata, neighbour.id(), "neighbour");
        try (MoveWorld.Writer wDb = new MoveWorld.Writer(strata, db);
             MoveWorld.Writer wDbChild = new MoveWorld.Writer(strata, dbChild);
             MoveWorld.Writer wRls = new MoveWorld.Writer(strata, rls);
             MoveWorld.Writer wSchema = new MoveWorld.Writer(strata, schema);
             MoveWorld.Writer wNeighbour = new MoveWorld.Writer(strata, neighbour)) {
            wDb.atLeast(5);
            wSchema.atLeast(5);
            DataPlaneInfo draining = strata.planes().drain(TwoPlanes.SECOND);
            assertThat(draining.status()).isEqualTo(PlaneStatus.DRAINING);
            assertThat(draining.drainOperation()).isNotNull();
            OperationInfo drain = DrainWorld.awaitEnd(strata, draining.drainOperation());
            assertThat(drain.state()).as("%s", drain.error()).isEqualTo(OperationState.SUCCEEDED);
            assertThat(drain.kind()).isEqualTo(OperationKind.DRAIN);
            assertThat(drain.report()).containsEntry("moved", 3).containsEntry("failed", 0);
            assertThat(drain.done()).isEqualTo(3);
            assertThat(drain.total()).isEqualTo(3);
            wRls.atLeast(wRls.acknowledged.size() + 5);
            for (MoveWorld.Writer w : List.of(wDb, wDbChild, wRls, wSchema, wNeighbour)) {
                w.close();
                MoveWorld.assertEveryAcknowledgedWriteOnce(strata, w);
                assertThat(w.errors.keySet()).as("errors of %s", w.tenant.slug()).isSubsetOf(Set.of(ErrorCode.TENANT_MOVING));
            }
            assertThat(wNeighbour.errors).isEmpty();
        }
        DataPlaneInfo after = strata.planes().get(TwoPlanes.SECOND);
        assertThat(after.tenants()).as("placements left on the drained plane").isZero();
        assertThat(after.t1Databases()).isZero();
        assertThat(after.status()).isEqualTo(PlaneStatus.DRAINING);
        for (Tenant t : moving) {
            Tenant now = strata.tenants().get(t.id());
            assertThat(now.placement().dataPlane()).as("plane of %s", t.slug()).isEqualTo(DataPlane.DEFAULT_KEY);
            assertThat(now.placement().mode()).as("mode of %s", t.slug()).isEqualTo(t.placement().mode());
            assertThat(now.status()).isEqualTo(TenantStatus.ACTIVE);
            List<UUID> others = moving.stream().map(Tenant::id).filter(id -> !id.equals(t.id())
                    && !id.equals(t.parentId()) && !t.id().equals(strata.tenants().get(id).parentId())).toList();
            assertThat(DrainWorld.visibleRowsOf(strata, t.id(), others)).as("rows of other subtrees %s sees", t.slug()).isZero();
            Shop.seed(strata, t.id(), "after-" + t.slug());
        }
        assertThat(strata.tenants().get(dbChild.id()).placement().database())
                .isEqualTo(strata.tenants().get(db.id()).placement().database());
        assertThat(DrainWorld.slotsOnSecond()).isEmpty();
    }

    @Test
    void a_drain_whose_process_died_in_a_move_is_finished_by_resume() throws Exception {
        Tenant a = seeded(NewTenant.t1("crash-a").withMode(IsolationMode.RLS));
        Tenant b = seeded(NewTenant.t1("crash-b").withMode(IsolationMode.DATABASE));
        UUID drain = drainCrashingInSecondMove();
        OperationInfo resumed = strata().operations().resume(drain);
        assertThat(resumed.state()).as("%s", resumed.error()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(resumed.report()).containsEntry("moved", 2);
        assertThat(resumed.total()).isEqualTo(2);
        for (Tenant t : List.of(a, b)) {
            Tenant now = strata().tenants().get(t.id());
            assertThat(now.placement().dataPlane()).isEqualTo(DataPlane.DEFAULT_KEY);
            assertThat(now.status()).isEqualTo(TenantStatus.ACTIVE);
            assertThat(DrainWorld.customers(strata(), t.id())).isEqualTo(2);
        }
        assertThat(strata().planes().get(TwoPlanes.SECOND).tenants()).isZero();
        assertThat(DrainWorld.slotsOnSecond()).isEmpty();
    }

    @Test
    void a_drain_whose_process_died_is_given_up_by_abort_and_its_unfinished_move_rolled_back() throws Exception {
        Tenant a = seeded(NewTenant.t1("abort-a").withMode(IsolationMode.RLS));
        Tenant b = seeded(NewTenant.t1("abort-b").withMode(IsolationMode.DATABASE));
        UUID drain = drainCrashingInSecondMove();
        OperationInfo aborted = strata().operations().abort(drain);
        assertThat(aborted.state()).as("%s", aborted.error()).isEqualTo(OperationState.ABORTED);
        assertThat(strata().tenants().get(a.id()).placement().dataPlane()).as("moved before the crash")
                .isEqualTo(DataPlane.DEFAULT_KEY);
        Tenant bNow = strata().tenants().get(b.id());
        assertThat(bNow.placement().dataPlane()).as("rolled back to its source").isEqualTo(TwoPlanes.SECOND);
        assertThat(bNow.placement().database()).isEqualTo(b.placement().database());
        assertThat(bNow.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(DrainWorld.customers(strata(), b.id())).isEqualTo(2);
        assertThat(strata().operations().list(dev.strata.OperationFilter.all().withTenant(b.id().toString())
                .withKind(OperationKind.MOVE)).get(0).state()).isEqualTo(OperationState.ABORTED);
        assertThat(strata().planes().get(TwoPlanes.SECOND).status()).as("until activated").isEqualTo(PlaneStatus.DRAINING);
        assertThat(DrainWorld.slotsOnSecond()).isEmpty();
        Shop.seed(strata(), b.id(), "after");
        drainRest();
        assertThat(strata().tenants().get(b.id()).placement().dataPlane()).isEqualTo(DataPlane.DEFAULT_KEY);
    }

    @Test
    void an_abort_of_a_running_drain_stops_it_starting_moves() throws Exception {
        List<Tenant> tenants = List.of(seeded(NewTenant.t1("stop-a").withMode(IsolationMode.RLS)),
                seeded(NewTenant.t1("stop-b").withMode(IsolationMode.RLS)),
                seeded(NewTenant.t1("stop-c").withMode(IsolationMode.RLS)));
        UUID drain = strata().planes().drain(TwoPlanes.SECOND, 1).drainOperation();
        OperationInfo asked = strata().operations().abort(drain);
        assertThat(asked.state()).as("the drain winds down by itself").isEqualTo(OperationState.RUNNING);
        OperationInfo ended = DrainWorld.awaitEnd(strata(), drain);
        assertThat(ended.state()).as("%s", ended.error()).isEqualTo(OperationState.ABORTED);
        assertThat((Integer) ended.report().get("moved")).isLessThan(3);
        long left = 0;
        for (Tenant t : tenants) {
            Tenant now = strata().tenants().get(t.id());
            assertThat(now.status()).isEqualTo(TenantStatus.ACTIVE);
            assertThat(DrainWorld.customers(strata(), t.id())).isEqualTo(2);
            if (now.placement().dataPlane().equals(TwoPlanes.SECOND)) {
                left++;
            }
        }
        assertThat(left).as("tenants the stopped drain did not move").isPositive();
        drainRest();
        for (Tenant t : tenants) {
            assertThat(strata().tenants().get(t.id()).placement().dataPlane()).isEqualTo(DataPlane.DEFAULT_KEY);
        }
    }

    /** A new drain after an aborted one moves what is left. */
    private static void drainRest() throws InterruptedException {
        OperationInfo rest = DrainWorld.awaitEnd(strata(), strata().planes().drain(TwoPlanes.SECOND).drainOperation());
        assertThat(rest.state()).as("%s", rest.error()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(strata().planes().get(TwoPlanes.SECOND).tenants()).isZero();
    }

    @Test
    void t2s_carried_by_a_moving_t1_are_migrating_and_refuse_lifecycle_operations() throws Exception {
        Tenant t1 = strata().tenants().create(NewTenant.t1("carrier").withMode(IsolationMode.RLS));
        Tenant t2 = strata().tenants().create(NewTenant.t2("carried", t1.slug()));
        Shop.seed(strata(), t2.id(), "carried");
        Map<String, Object> seen = new ConcurrentHashMap<>();
        strata().internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (kind == OperationKind.MOVE && step == MoveStep.CATCH_UP && seen.isEmpty()) {
                seen.put("status", strata().tenants().get(t2.id()).status());
                seen.put("customers", uncheckedCustomers(t2.id()));
                try {
                    strata().tenants().suspend(t2.slug());
                    seen.put("suspend", "accepted");
                } catch (dev.strata.StrataException e) {
                    seen.put("suspend", e.code());
                }
            }
        });
        OperationInfo move = strata().tenants().move(t1.slug(), dev.strata.MoveRequest.to(IsolationMode.DATABASE));
        assertThat(move.state()).as("%s", move.error()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(seen).containsEntry("status", TenantStatus.MIGRATING).containsEntry("customers", 2L)
                .containsEntry("suspend", ErrorCode.INVALID_STATE);
        Tenant after = strata().tenants().get(t2.id());
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(after.placement().database()).isEqualTo(strata().tenants().get(t1.id()).placement().database());
    }

    private static long uncheckedCustomers(UUID tenant) {
        try {
            return DrainWorld.customers(strata(), tenant);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drains the second plane one move at a time, the process dying in the second move's freeze. */
    private static UUID drainCrashingInSecondMove() throws InterruptedException {
        Map<UUID, Boolean> moves = new ConcurrentHashMap<>();
        boolean[] fired = {false};
        strata().internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (kind == OperationKind.MOVE && step == MoveStep.VALIDATE) {
                moves.put(operation, true);
            }
            if (kind == OperationKind.MOVE && step == MoveStep.FREEZE && moves.size() == 2 && !fired[0]) {
                fired[0] = true;
                throw new Crash("the freeze of the second move");
            }
        });
        UUID drain = strata().planes().drain(TwoPlanes.SECOND, 1).drainOperation();
        DrainWorld.awaitAbandoned(strata(), drain);
        strata().internals().operations().leases().stepHook(StepHook.NONE);
        assertThat(fired[0]).isTrue();
        assertThat(strata().operations().show(drain).state()).isEqualTo(OperationState.RUNNING);
        return drain;
    }

    private static Tenant seeded(NewTenant request) throws Exception {
        Tenant t = onSecond(request);
        Shop.seed(strata(), t.id(), t.slug());
        return strata().tenants().get(t.id());
    }

    private static Tenant onSecond(NewTenant request) {
        Tenant t = strata().tenants().create(request.withPlane(TwoPlanes.SECOND));
        return strata().tenants().get(t.id());
    }

    private static Strata strata() {
        return FIXTURE.strata();
    }
}
