package dev.strata.move;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.move.MoveStep;
import dev.strata.internal.operation.StepHook;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A move whose process dies at any step (a {@link StepHook} throwing an Error, which nothing in
 * the move handles) is finished by {@code resume}, or given back to its source by {@code abort}
 * while its routing has not flipped, with every row exactly once where the tenant lives and
 * nothing of the move left behind. After the flip, abort is refused and resume finishes it.
 */
class MoveCrashTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP)
            .configured(b -> b.automaticRecovery(false).operationLease(Duration.ofMillis(500)));

    /** Stands for the process dying in the middle of a step. */
    static final class Crash extends Error {
        Crash(MoveStep step) {
            super("simulated crash at step " + step.wireName());
        }
    }

    @AfterEach
    void noHook() {
        strata().internals().operations().leases().stepHook(StepHook.NONE);
    }

    @ParameterizedTest(name = "crash at {0}, then resume")
    @EnumSource(value = MoveStep.class, names = {"ABORT"}, mode = EnumSource.Mode.EXCLUDE)
    void a_move_interrupted_at_any_step_is_finished_by_resume(MoveStep step) throws Exception {
        Tenant t = seeded("resume-" + step.wireName().replace('_', '-'));
        UUID move = crashAt(t, step);
        OperationInfo resumed = strata().operations().resume(move);
        assertThat(resumed.state()).as("%s", resumed.error()).isEqualTo(OperationState.SUCCEEDED);
        Tenant after = strata().tenants().get(t.id());
        assertThat(after.mode()).isEqualTo(IsolationMode.DATABASE);
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(customers(t)).isEqualTo(2);
        assertThat(MoveWorld.rowsAt(t.placement().database(), t.placement().schema(), t.id())).isZero();
        assertThat(MoveWorld.replicationArtefacts()).isEmpty();
        Shop.seed(strata(), t.id(), "after");
    }

    @ParameterizedTest(name = "crash at {0}, then abort")
    @EnumSource(value = MoveStep.class, names = {"VALIDATE", "PROVISION_TARGET", "START_CAPTURE", "INITIAL_COPY",
            "CATCH_UP", "FREEZE", "FINAL_CATCH_UP", "VERIFY", "SYNC_SEQUENCES", "FLIP"})
    void a_move_interrupted_before_its_flip_is_given_back_by_abort(MoveStep step) throws Exception {
        Tenant t = seeded("abort-" + step.wireName().replace('_', '-'));
        UUID move = crashAt(t, step);
        OperationInfo aborted = strata().operations().abort(move);
        assertThat(aborted.state()).as("%s", aborted.error()).isEqualTo(OperationState.ABORTED);
        Tenant after = strata().tenants().get(t.id());
        assertThat(after.placement().mode()).isEqualTo(t.placement().mode());
        assertThat(after.placement().database()).isEqualTo(t.placement().database());
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(customers(t)).isEqualTo(2);
        assertThat(MoveWorld.databaseExists(strata().config().namespace() + "_t_" + t.id().toString().replace("-", "")))
                .as("the target database is gone").isFalse();
        assertThat(MoveWorld.replicationArtefacts()).isEmpty();
        Shop.seed(strata(), t.id(), "after");
    }

    @ParameterizedTest(name = "crash at {0}: abort refused, resume finishes")
    @EnumSource(value = MoveStep.class, names = {"STOP_CAPTURE", "REMOVE_SOURCE"})
    void after_the_flip_abort_is_refused_and_resume_finishes(MoveStep step) throws Exception {
        Tenant t = seeded("flipped-" + step.wireName().replace('_', '-'));
        UUID move = crashAt(t, step);
        assertThatThrownBy(() -> strata().operations().abort(move)).isInstanceOf(StrataException.class)
                .extracting("code").isEqualTo(ErrorCode.INVALID_STATE);
        assertThat(customers(t)).as("served from the target meanwhile").isEqualTo(2);
        assertThat(strata().operations().resume(move).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(MoveWorld.rowsAt(t.placement().database(), t.placement().schema(), t.id())).isZero();
    }

    private static Tenant seeded(String slug) throws SQLException {
        Tenant t = strata().tenants().create(NewTenant.t1(slug).withMode(IsolationMode.RLS));
        Shop.seed(strata(), t.id(), slug);
        return strata().tenants().get(t.id());
    }

    /** Starts a move that dies at {@code step}; returns its operation, left running with an expired lease. */
    private static UUID crashAt(Tenant t, MoveStep step) {
        boolean[] fired = {false};
        strata().internals().operations().leases().stepHook((operation, kind, current, qualifier) -> {
            if (kind == OperationKind.MOVE && current == step && !fired[0]) {
                fired[0] = true;
                throw new Crash(step);
            }
        });
        assertThatThrownBy(() -> strata().tenants().move(t.slug(), MoveRequest.to(IsolationMode.DATABASE)))
                .isInstanceOf(Crash.class);
        strata().internals().operations().leases().stepHook(StepHook.NONE);
        var running = strata().operations().list(OperationFilter.all().withTenant(t.id().toString())
                .withKind(OperationKind.MOVE).withState(OperationState.RUNNING));
        assertThat(running).hasSize(1);
        return running.get(0).id();
    }

    private static long customers(Tenant t) throws SQLException {
        return strata().inTenant(t.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT count(*) FROM customers")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static Strata strata() {
        return FIXTURE.strata();
    }

    @SuppressWarnings("unused")
    private static Placement placement(Tenant t) {
        return strata().tenants().get(t.id()).placement();
    }
}
