package dev.strata.backup;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.RestoreRequest;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.backup.BackupsImpl;
import dev.strata.internal.operation.StepHook;
import dev.strata.internal.restore.RestoreStep;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A restore whose process dies at any step (a {@link StepHook} throwing an Error) is finished by
 * {@code resume} with exactly the backup's rows, or, before its data replacement started, undone by
 * {@code abort} with exactly the rows it had; abort is refused once the replacement started.
 * Either way the tenant ends active.
 */
class RestoreCrashTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP)
            .configured(b -> b.automaticRecovery(false).operationLease(Duration.ofMillis(500)));

    static final class Crash extends Error {
        Crash(RestoreStep step) {
            super("simulated crash at step " + step.wireName());
        }
    }

    private final BackupsImpl backups = BackupWorld.backups(FIXTURE.strata(), BackupWorld.newDirectory(), new TestClock());

    private static Strata strata() {
        return FIXTURE.strata();
    }

    @AfterEach
    void noHook() {
        strata().internals().operations().leases().stepHook(StepHook.NONE);
    }

    /** A tenant with a backup and changes since. */
    private record Scene(Tenant tenant, BackupInfo backup, Map<String, List<String>> backedUp, Map<String, List<String>> current) {
    }

    private Scene scene(String slug) throws SQLException {
        Tenant t = strata().tenants().create(NewTenant.t1(slug).withMode(IsolationMode.RLS));
        Shop.seed(strata(), t.id(), slug);
        Map<String, List<String>> backedUp = BackupWorld.rows(t);
        BackupInfo backup = backups.take(t.slug());
        BackupWorld.deleteLines(strata(), t.id());
        Shop.seed(strata(), t.id(), slug + "-later");
        return new Scene(t, backup, backedUp, BackupWorld.rows(t));
    }

    @ParameterizedTest(name = "crash at {0}, then resume")
    @EnumSource(RestoreStep.class)
    void a_restore_interrupted_at_any_step_is_finished_by_resume(RestoreStep step) throws Exception {
        Scene s = scene("crash-resume-" + step.wireName().replace('_', '-'));
        UUID restore = crashAt(s, step);

        OperationInfo resumed = strata().operations().resume(restore);

        assertThat(resumed.state()).as("%s", resumed.error()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(BackupWorld.rows(s.tenant())).isEqualTo(s.backedUp());
        assertThat(strata().tenants().get(s.tenant().id()).status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(backups.list(s.tenant().slug()).stream().filter(b -> "preserve".equals(b.trigger())).count())
                .as("the state before kept once").isEqualTo(1);
    }

    @ParameterizedTest(name = "crash at {0}, then abort")
    @EnumSource(value = RestoreStep.class, names = {"PRESERVE", "SUSPEND"})
    void a_restore_interrupted_before_replacing_data_is_undone_by_abort(RestoreStep step) throws Exception {
        Scene s = scene("crash-abort-" + step.wireName().replace('_', '-'));
        UUID restore = crashAt(s, step);

        OperationInfo aborted = strata().operations().abort(restore);

        assertThat(aborted.state()).as("%s", aborted.error()).isEqualTo(OperationState.ABORTED);
        assertThat(BackupWorld.rows(s.tenant())).isEqualTo(s.current());
        assertThat(strata().tenants().get(s.tenant().id()).status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @ParameterizedTest(name = "crash at {0}: abort refused, resume finishes")
    @EnumSource(value = RestoreStep.class, names = {"REPLACE_DATA", "RESUME"})
    void once_the_replacement_started_abort_is_refused_and_resume_finishes(RestoreStep step) throws Exception {
        Scene s = scene("crash-late-" + step.wireName().replace('_', '-'));
        UUID restore = crashAt(s, step);

        assertThatThrownBy(() -> strata().operations().abort(restore)).isInstanceOfSatisfying(StrataException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE));
        assertThat(strata().operations().resume(restore).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(BackupWorld.rows(s.tenant())).isEqualTo(s.backedUp());
        assertThat(strata().tenants().get(s.tenant().id()).status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @ParameterizedTest(name = "crash at {0}: an operator's resume and suspend are refused until the restore ends")
    @EnumSource(value = RestoreStep.class, names = {"REPLACE_DATA", "RESUME"})
    void a_tenant_held_suspended_by_a_restore_is_not_resumed_or_suspended_by_hand(RestoreStep step) throws Exception {
        Scene s = scene("crash-hands-off-" + step.wireName().replace('_', '-'));
        UUID restore = crashAt(s, step);
        assertThat(strata().tenants().get(s.tenant().id()).status()).isEqualTo(TenantStatus.SUSPENDED);

        for (Runnable byHand : List.<Runnable>of(() -> strata().tenants().resume(s.tenant().slug()),
                () -> strata().tenants().suspend(s.tenant().slug()))) {
            assertThatThrownBy(byHand::run).isInstanceOfSatisfying(StrataException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.OPERATION_CONFLICT);
                assertThat(e.getMessage()).contains("is being restored", restore.toString());
            });
        }
        assertThat(strata().tenants().get(s.tenant().id()).status()).as("unchanged").isEqualTo(TenantStatus.SUSPENDED);
        assertThat(strata().tenants().history(s.tenant().slug())).filteredOn(e -> e.action().equals("resumed")).isEmpty();

        assertThat(strata().operations().resume(restore).state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(strata().tenants().get(s.tenant().id()).status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(BackupWorld.rows(s.tenant())).isEqualTo(s.backedUp());
        strata().tenants().suspend(s.tenant().slug());
        assertThat(strata().tenants().resume(s.tenant().slug()).status()).as("by hand again once it ended")
                .isEqualTo(TenantStatus.ACTIVE);
    }

    @org.junit.jupiter.api.Test
    void a_second_restore_while_one_runs_is_refused_and_changes_nothing() throws Exception {
        Scene s = scene("restore-twice");
        java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch wake = new java.util.concurrent.CountDownLatch(1);
        strata().internals().operations().leases().stepHook((operation, kind, current, qualifier) -> {
            if (kind == OperationKind.RESTORE && current == RestoreStep.REPLACE_DATA) {
                paused.countDown();
                try {
                    wake.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        java.util.concurrent.CompletableFuture<dev.strata.RestoreResult> first = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> strata().tenants().restore(s.tenant().slug(), RestoreRequest.fromBackup(s.backup().id())));
        try {
            assertThat(paused.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> strata().tenants().restore(s.tenant().slug(), RestoreRequest.fromBackup(s.backup().id())))
                    .isInstanceOfSatisfying(StrataException.class, e -> {
                        assertThat(e.code()).isIn(ErrorCode.RESTORE_REFUSED);
                        assertThat(e.getMessage()).contains("restore it once");
                    });
        } finally {
            wake.countDown();
        }
        assertThat(first.get().finished()).isTrue();
        assertThat(BackupWorld.rows(s.tenant())).isEqualTo(s.backedUp());
        assertThat(strata().operations().list(OperationFilter.all().withTenant(s.tenant().id().toString())
                .withKind(OperationKind.RESTORE))).as("one restore ran").hasSize(1);
    }

    /** Starts a restore (preserving the state before) that dies at {@code step}; returns its operation. */
    private UUID crashAt(Scene s, RestoreStep step) {
        boolean[] fired = {false};
        strata().internals().operations().leases().stepHook((operation, kind, current, qualifier) -> {
            if (kind == OperationKind.RESTORE && current == step && !fired[0]) {
                fired[0] = true;
                throw new Crash(step);
            }
        });
        assertThatThrownBy(() -> strata().tenants().restore(s.tenant().slug(),
                RestoreRequest.fromBackup(s.backup().id()).preservingAs("before")))
                .isInstanceOf(Crash.class);
        strata().internals().operations().leases().stepHook(StepHook.NONE);
        List<OperationInfo> running = strata().operations().list(OperationFilter.all().withTenant(s.tenant().id().toString())
                .withKind(OperationKind.RESTORE).withState(OperationState.RUNNING));
        assertThat(running).hasSize(1);
        return running.get(0).id();
    }
}
