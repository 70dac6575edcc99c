package dev.strata.operation;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.ErrorCode;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.archive.ImportOptions;
import dev.strata.internal.operation.DecommissionStep;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.MigrateStep;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.sql.Jdbc;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static dev.strata.operation.OperationFixture.crashAt;
import static dev.strata.operation.OperationFixture.databaseExists;
import static dev.strata.operation.OperationFixture.schemaExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each kind of operation, interrupted by a crash at each of its steps, is recovered by the next
 * process as its kind requires, dispatched to the kind's handler: a provisioning is completed (or,
 * if its roll-back had begun, rolled back), an import is rolled back (its archive is gone), a
 * decommissioning is finished, and a kind registered by another module (the migration fan-out,
 * which belongs to no tenant) is handed to its own handler with its journalled progress.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypedRecoveryTest {
    private String namespace;
    private Strata strata;
    private int serial;

    @BeforeAll
    void start() {
        strata = TestStrata.start(b -> b.automaticRecovery(false));
        namespace = strata.config().namespace();
        strata.tenants().create(NewTenant.t1("home"));
        strata.tenants().create(NewTenant.t1("home-schema").withMode(IsolationMode.SCHEMA));
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    /** The process dies; a new one starts on the same namespace and recovers what it finds (at start-up). */
    private void restart() {
        strata.close();
        strata = TestStrata.start(b -> b.namespace(namespace));
    }

    /** A process that does not recover by itself, so a test can look at what a crash left first. */
    private void restartWithoutRecovery() {
        strata.close();
        strata = TestStrata.start(b -> b.namespace(namespace).automaticRecovery(false));
    }

    private String slug(String prefix) {
        return prefix + "-" + (++serial);
    }

    // ---------------------------------------------------------------- provisioning

    /** A request whose provisioning runs the step. */
    private static NewTenant provisioningThrough(ProvisionStep step, String slug) {
        return switch (step) {
            case DATABASE -> NewTenant.t1(slug);
            case SCHEMA -> NewTenant.t2(slug, "home").withMode(IsolationMode.SCHEMA);
            case REGISTER_LOCALLY -> NewTenant.t2(slug, "home");
            case SCHEMA_GUARD -> NewTenant.t2(slug, "home-schema");
            default -> throw new IllegalArgumentException(step.name());
        };
    }

    @ParameterizedTest
    @EnumSource(value = ProvisionStep.class, names = {"DATABASE", "SCHEMA", "REGISTER_LOCALLY", "SCHEMA_GUARD"})
    void a_provisioning_interrupted_at_any_step_is_completed_by_the_next_process(ProvisionStep step) throws SQLException {
        String slug = slug("crash-" + step.wireName().replace('_', '-'));
        strata.internals().operations().leases().stepHook(crashAt(OperationKind.PROVISION, step));
        assertThatThrownBy(() -> strata.tenants().create(provisioningThrough(step, slug))).isInstanceOf(OperationFixture.Crash.class);
        Tenant half = strata.tenants().get(slug);
        assertThat(half.status()).isEqualTo(TenantStatus.PROVISIONING);
        UUID operation = OperationFixture.runningOperationOf(strata, half.id());
        assertThat(strata.operations().show(operation).phase()).isEqualTo(step.wireName());

        restart();

        assertThat(strata.tenants().get(slug).status()).isEqualTo(TenantStatus.ACTIVE);
        OperationInfo done = strata.operations().show(operation);
        assertThat(done.kind()).isEqualTo(OperationKind.PROVISION);
        assertThat(done.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(done.attempts()).as("taken over once").isEqualTo(2);
        assertThat(done.done()).isEqualTo(done.total()).isPositive();
        assertThat(done.steps()).extracting(OperationInfo.Step::name).contains(step.wireName());
        assertThat(done.steps()).filteredOn(s -> s.name().equals(step.wireName()))
                .as("the interrupted run never finished, the resumed one did")
                .extracting(s -> s.finishedAt() != null).containsExactly(false, true);
        Documents.insert(strata, half.id(), "works");
        assertThat(Documents.visible(strata, half.id())).hasSize(1);
    }

    @Test
    void a_provisioning_interrupted_while_rolling_back_is_rolled_back_by_the_next_process() throws SQLException {
        String slug = slug("crash-rollback");
        strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (step == ProvisionStep.REGISTER_LOCALLY) {
                throw new StrataException(ErrorCode.DATABASE_ERROR, "simulated failure: the provisioning rolls back");
            }
            if (step == ProvisionStep.ROLLBACK) {
                throw new OperationFixture.Crash(step);
            }
        });
        assertThatThrownBy(() -> strata.tenants().create(NewTenant.t1(slug))).isInstanceOf(OperationFixture.Crash.class);
        Tenant half = strata.tenants().get(slug);
        UUID operation = OperationFixture.runningOperationOf(strata, half.id());

        restart();

        assertThat(strata.tenants().list()).extracting(Tenant::id).doesNotContain(half.id());
        assertThat(databaseExists(half.placement().database())).isFalse();
        OperationInfo rolledBack = strata.operations().show(operation);
        assertThat(rolledBack.state()).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(rolledBack.tenantId()).as("the journal still names the removed tenant").isEqualTo(half.id());
    }

    // ---------------------------------------------------------------- import

    @ParameterizedTest
    @EnumSource(value = ProvisionStep.class, names = {"DATABASE", "REGISTER_LOCALLY", "LOAD_DATA"})
    void an_import_interrupted_at_any_step_is_rolled_back_by_the_next_process(ProvisionStep step) throws SQLException {
        Tenant source = strata.tenants().create(NewTenant.t2(slug("exported"), "home"));
        Documents.insert(strata, source.id(), "archived");
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        strata.exportTenant(source.slug(), archive);
        String slug = slug("imported");
        strata.internals().operations().leases().stepHook(crashAt(OperationKind.IMPORT, step));
        assertThatThrownBy(() -> strata.importTenant(new ByteArrayInputStream(archive.toByteArray()),
                new ImportOptions(IsolationMode.DATABASE, "home", slug))).isInstanceOf(OperationFixture.Crash.class);
        Tenant half = strata.tenants().get(slug);
        UUID operation = OperationFixture.runningOperationOf(strata, half.id());
        assertThat(strata.operations().show(operation).kind()).isEqualTo(OperationKind.IMPORT);

        restart();

        assertThat(strata.tenants().list()).extracting(Tenant::id).doesNotContain(half.id());
        assertThat(databaseExists(half.placement().database())).isFalse();
        assertThat(strata.operations().show(operation).state()).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(Documents.visible(strata, source.id())).as("the source is untouched").hasSize(1);
    }

    // ---------------------------------------------------------------- decommissioning

    @ParameterizedTest
    @EnumSource(DecommissionStep.class)
    void a_decommissioning_interrupted_at_any_step_is_finished_by_the_next_process(DecommissionStep step) throws SQLException {
        Tenant doomed = switch (step) {
            case DRAIN, DELETE_ROWS -> strata.tenants().create(NewTenant.t2(slug("doomed"), "home"));
            case DROP_SCHEMA -> strata.tenants().create(NewTenant.t2(slug("doomed"), "home").withMode(IsolationMode.SCHEMA));
            case DROP_DATABASE -> strata.tenants().create(NewTenant.t2(slug("doomed"), "home").withMode(IsolationMode.DATABASE));
        };
        Documents.insert(strata, doomed.id(), "to be removed");
        strata.internals().operations().leases().stepHook(crashAt(OperationKind.DECOMMISSION, step));
        assertThatThrownBy(() -> strata.tenants().decommission(doomed.slug(), false)).isInstanceOf(OperationFixture.Crash.class);
        assertThat(strata.tenants().get(doomed.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONING);
        UUID operation = OperationFixture.runningOperationOf(strata, doomed.id());

        restart();

        assertThat(strata.tenants().get(doomed.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        OperationInfo done = strata.operations().show(operation);
        assertThat(done.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(done.kind()).isEqualTo(OperationKind.DECOMMISSION);
        assertThat(done.done()).isEqualTo(done.total()).isEqualTo(2);
        switch (step) {
            case DROP_DATABASE -> assertThat(databaseExists(doomed.placement().database())).isFalse();
            case DROP_SCHEMA -> assertThat(schemaExists(doomed.placement().database(), doomed.placement().schema())).isFalse();
            default -> assertThat(Documents.stored(doomed)).isEmpty();
        }
    }

    // ---------------------------------------------------------------- a kind of another module

    /** Stands for the migration fan-out: three targets after the template, progress counted in targets. */
    private static final class FanOut implements OperationHandler {
        static final List<String> TARGETS = List.of("a", "b", "c");
        final AtomicReference<JournalEntry> recovered = new AtomicReference<>();

        @Override
        public OperationKind kind() {
            return OperationKind.MIGRATE;
        }

        /** Runs what is not done yet; dies at {@code crashAt} if given. */
        void run(JournalEntry entry, RunningOperation operation, String crashAt) {
            List<String> done = entry == null ? new ArrayList<>() : new ArrayList<>(entry.doneSteps());
            if (!done.contains(MigrateStep.TEMPLATE.wireName())) {
                operation.step(MigrateStep.TEMPLATE, () -> { });
            }
            int targets = (int) TARGETS.stream().filter(t -> done.contains(MigrateStep.TARGET.journalName(t))).count();
            for (String target : TARGETS) {
                if (done.contains(MigrateStep.TARGET.journalName(target))) {
                    continue;
                }
                if (target.equals(crashAt)) {
                    throw new OperationFixture.Crash(MigrateStep.TARGET);
                }
                operation.step(MigrateStep.TARGET, target, () -> { });
                operation.progress(++targets, TARGETS.size());
            }
            operation.finish(OperationState.SUCCEEDED, null);
        }

        @Override
        public void recover(JournalEntry entry, RunningOperation operation) {
            recovered.set(entry);
            run(entry, operation, null);
        }

        @Override
        public void resume(JournalEntry entry, RunningOperation operation) {
            run(entry, operation, null);
        }

        @Override
        public void abort(JournalEntry entry, RunningOperation operation) {
            operation.finish(OperationState.ABORTED, "aborted");
        }
    }

    @Test
    void an_operation_of_no_tenant_is_recovered_by_the_handler_registered_for_its_kind_with_its_progress() throws Exception {
        FanOut first = new FanOut();
        OperationRunner runner = strata.internals().operations();
        runner.register(first);
        UUID operation = Jdbc.inTransaction(strata.internals().management(), "open a fan-out",
                c -> runner.open(c, OperationKind.MIGRATE, null, "{}"));
        try (RunningOperation running = runner.track(operation, OperationKind.MIGRATE)) {
            assertThatThrownBy(() -> first.run(null, running, "c")).isInstanceOf(OperationFixture.Crash.class);
        }
        OperationInfo interrupted = strata.operations().show(operation);
        assertThat(interrupted.tenantId()).isNull();
        assertThat(interrupted.state()).isEqualTo(OperationState.RUNNING);
        assertThat(interrupted.done()).isEqualTo(2);
        assertThat(interrupted.total()).isEqualTo(3);
        assertThat(strata.operations().list(OperationFilter.all().withKind(OperationKind.MIGRATE)))
                .extracting(OperationInfo::id).containsExactly(operation);

        restartWithoutRecovery();
        FanOut second = new FanOut();
        strata.internals().operations().register(second);
        strata.internals().operations().recoverExpired();

        assertThat(second.recovered.get()).isNotNull();
        assertThat(second.recovered.get().kind()).isEqualTo(OperationKind.MIGRATE);
        assertThat(second.recovered.get().doneSteps()).containsExactly("template", "target:a", "target:b");
        OperationInfo done = strata.operations().show(operation);
        assertThat(done.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(done.done()).isEqualTo(3);
        assertThat(done.total()).isEqualTo(3);
        assertThat(done.steps()).extracting(OperationInfo.Step::name)
                .containsExactly("template", "target:a", "target:b", "target:c");
        assertThat(done.phase()).isEqualTo("target:c");
    }

    @Test
    void a_kind_without_a_handler_in_this_process_is_left_alone() throws Exception {
        OperationRunner runner = strata.internals().operations();
        UUID operation = Jdbc.inTransaction(strata.internals().management(), "open a fan-out",
                c -> runner.open(c, OperationKind.MIGRATE, null, "{}"));
        runner.track(operation, OperationKind.MIGRATE).close();

        restartWithoutRecovery();
        strata.internals().operations().unregister(OperationKind.MIGRATE);
        strata.internals().operations().recoverExpired();

        assertThat(strata.operations().show(operation).state()).isEqualTo(OperationState.RUNNING);
        OperationFixture.assertCode(() -> strata.operations().resume(operation), ErrorCode.INVALID_STATE);
        assertThat(strata.operations().show(operation).attempts()).as("not claimed").isEqualTo(1);
        strata.internals().operations().register(new FanOut());
        assertThat(strata.operations().abort(operation).state()).isEqualTo(OperationState.ABORTED);
    }
}
