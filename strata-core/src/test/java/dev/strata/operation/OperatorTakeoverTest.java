package dev.strata.operation;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.archive.ImportOptions;
import dev.strata.internal.operation.DecommissionStep;
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.strata.operation.OperationFixture.assertCode;
import static dev.strata.operation.OperationFixture.databaseExists;
import static dev.strata.operation.OperationFixture.onceLeaseExpired;
import static dev.strata.operation.OperationFixture.pauseAt;
import static dev.strata.operation.OperationFixture.runningOperationOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An operator's {@code resume} and {@code abort}: refused while the operation's owner lives (its
 * lease is renewed), with the owner and the lease's end named; accepted once the lease expired
 * (or the operation failed); compensating exactly what the kind allows; and refusing finished,
 * unknown and uncompensatable operations without changing anything.
 */
class OperatorTakeoverTest {
    private static final Duration LEASE = Duration.ofSeconds(1);

    /** Two processes on one namespace; the first is paused in the middle of creating {@code slug}. */
    private record TwoProcesses(Strata first, Strata second, CompletableFuture<Tenant> creation, CountDownLatch wake,
                                Tenant half, UUID operation) implements AutoCloseable {
        static TwoProcesses pausedWhileCreating(String slug) throws InterruptedException {
            Strata first = TestStrata.start(b -> b.operationLease(LEASE).automaticRecovery(false));
            CountDownLatch paused = new CountDownLatch(1);
            CountDownLatch wake = new CountDownLatch(1);
            first.internals().operations().leases().stepHook(pauseAt(ProvisionStep.DATABASE, paused, wake));
            CompletableFuture<Tenant> creation = CompletableFuture.supplyAsync(() -> first.tenants().create(NewTenant.t1(slug)));
            assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
            Strata second = TestStrata.start(b -> b.namespace(first.config().namespace()).operationLease(LEASE)
                    .automaticRecovery(false));
            Tenant half = second.tenants().get(slug);
            return new TwoProcesses(first, second, creation, wake, half, runningOperationOf(second, half.id()));
        }

        @Override
        public void close() {
            wake.countDown();
            first.close();
            TestStrata.stopAndDrop(second);
        }
    }

    private static void assertRefusedWhileOwnerLives(TwoProcesses p, String firstOwner) {
        for (String verb : new String[] {"resume", "abort"}) {
            assertThatThrownBy(() -> {
                if (verb.equals("resume")) {
                    p.second().operations().resume(p.operation());
                } else {
                    p.second().operations().abort(p.operation());
                }
            }).isInstanceOf(StrataException.class)
                    .hasFieldOrPropertyWithValue("code", ErrorCode.OPERATION_CONFLICT)
                    .hasMessageContaining(firstOwner)
                    .hasMessageContaining("lease runs until");
        }
        OperationInfo untouched = p.second().operations().show(p.operation());
        assertThat(untouched.state()).isEqualTo(OperationState.RUNNING);
        assertThat(untouched.owner()).isEqualTo(firstOwner);
        assertThat(untouched.attempts()).isEqualTo(1);
        assertThat(untouched.leaseExpiresAt()).isNotNull();
        assertThat(p.second().tenants().get(p.half().id()).status()).isEqualTo(TenantStatus.PROVISIONING);
    }

    @Test
    void a_live_provisioning_is_not_resumed_by_another_process_but_is_once_its_lease_expired() throws Exception {
        try (TwoProcesses p = TwoProcesses.pausedWhileCreating("held")) {
            String firstOwner = p.first().internals().operations().journal().owner();
            assertRefusedWhileOwnerLives(p, firstOwner);
            Thread.sleep(3 * LEASE.toMillis());
            assertRefusedWhileOwnerLives(p, firstOwner);

            p.first().close();
            OperationInfo resumed = onceLeaseExpired(() -> p.second().operations().resume(p.operation()));

            assertThat(resumed.state()).isEqualTo(OperationState.SUCCEEDED);
            assertThat(resumed.owner()).isEqualTo(p.second().internals().operations().journal().owner());
            assertThat(resumed.attempts()).isEqualTo(2);
            assertThat(resumed.leaseExpiresAt()).isNull();
            assertThat(p.second().tenants().get("held").status()).isEqualTo(TenantStatus.ACTIVE);
            Documents.insert(p.second(), p.half().id(), "works");
            assertThat(Documents.visible(p.second(), p.half().id())).hasSize(1);

            p.wake().countDown();
            assertThat(p.creation()).as("the old owner stops at its next step").failsWithin(60, TimeUnit.SECONDS);
            assertThat(p.second().tenants().get("held").status()).as("and compensates nothing").isEqualTo(TenantStatus.ACTIVE);
        }
    }

    @Test
    void a_live_provisioning_is_not_aborted_by_another_process_but_is_once_its_lease_expired() throws Exception {
        try (TwoProcesses p = TwoProcesses.pausedWhileCreating("doomed")) {
            String firstOwner = p.first().internals().operations().journal().owner();
            assertRefusedWhileOwnerLives(p, firstOwner);

            p.first().close();
            OperationInfo aborted = onceLeaseExpired(() -> p.second().operations().abort(p.operation()));

            assertThat(aborted.state()).isEqualTo(OperationState.ABORTED);
            assertThat(aborted.kind()).isEqualTo(OperationKind.PROVISION);
            assertThat(aborted.tenantId()).isEqualTo(p.half().id());
            assertThat(aborted.finishedAt()).isNotNull();
            assertThat(aborted.steps()).extracting(OperationInfo.Step::name).contains("rollback");
            assertThat(p.second().tenants().list()).extracting(Tenant::id).doesNotContain(p.half().id());
            assertThat(databaseExists(p.half().placement().database())).isFalse();
            assertCode(() -> p.second().operations().abort(p.operation()), ErrorCode.INVALID_STATE);
            assertCode(() -> p.second().operations().resume(p.operation()), ErrorCode.INVALID_STATE);

            p.wake().countDown();
            assertThat(p.creation()).failsWithin(60, TimeUnit.SECONDS);
            assertThat(p.second().operations().show(p.operation()).state()).isEqualTo(OperationState.ABORTED);
            assertThat(p.second().tenants().create(NewTenant.t1("doomed")).status())
                    .as("the slug is free again").isEqualTo(TenantStatus.ACTIVE);
        }
    }

    @Test
    void a_failed_decommission_is_aborted_back_to_each_members_previous_status_with_its_data() throws Exception {
        Strata strata = TestStrata.start(b -> b.automaticRecovery(false));
        try {
            Tenant keep = strata.tenants().create(NewTenant.t1("keep"));
            Tenant active = strata.tenants().create(NewTenant.t2("keep-active", "keep"));
            Tenant suspended = strata.tenants().create(NewTenant.t2("keep-suspended", "keep").withMode(IsolationMode.SCHEMA));
            Documents.insert(strata, active.id(), "kept");
            Documents.insert(strata, suspended.id(), "kept too");
            strata.tenants().suspend("keep-suspended");
            strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
                if (step == DecommissionStep.DRAIN) {
                    throw new StrataException(ErrorCode.DATABASE_ERROR, "simulated failure while draining");
                }
            });
            assertThatThrownBy(() -> strata.tenants().decommission("keep", true)).isInstanceOf(StrataException.class);
            strata.internals().operations().leases().stepHook(null);
            UUID operation = strata.operations().list(dev.strata.OperationFilter.all().withTenant("keep")
                    .withKind(OperationKind.DECOMMISSION)).get(0).id();
            assertThat(strata.operations().show(operation).state()).isEqualTo(OperationState.FAILED);

            OperationInfo aborted = strata.operations().abort(operation);

            assertThat(aborted.state()).isEqualTo(OperationState.ABORTED);
            assertThat(strata.tenants().get(keep.id()).status()).isEqualTo(TenantStatus.ACTIVE);
            assertThat(strata.tenants().get(active.id()).status()).isEqualTo(TenantStatus.ACTIVE);
            assertThat(strata.tenants().get(suspended.id()).status()).as("never more than it was").isEqualTo(TenantStatus.SUSPENDED);
            assertThat(Documents.visible(strata, active.id())).extracting(Documents.Doc::title).containsExactly("kept");
            assertThat(Documents.stored(suspended)).extracting(Documents.Doc::title).containsExactly("kept too");
            assertThat(strata.tenants().history("keep-active")).extracting(e -> e.action()).contains("decommission_aborted");
            assertCode(() -> strata.operations().abort(operation), ErrorCode.INVALID_STATE);

            assertThat(strata.tenants().decommission("keep", true).status()).as("and it can be decommissioned again")
                    .isEqualTo(TenantStatus.DECOMMISSIONED);
        } finally {
            TestStrata.stopAndDrop(strata);
        }
    }

    @Test
    void a_decommission_that_began_removing_data_is_not_aborted_and_changes_nothing_but_can_be_resumed() throws Exception {
        Strata strata = TestStrata.start(b -> b.automaticRecovery(false));
        try {
            strata.tenants().create(NewTenant.t1("half"));
            Tenant kid = strata.tenants().create(NewTenant.t2("half-kid", "half"));
            Documents.insert(strata, kid.id(), "going");
            strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
                if (step == DecommissionStep.DELETE_ROWS) {
                    throw new StrataException(ErrorCode.DATABASE_ERROR, "simulated failure while deleting rows");
                }
            });
            assertThatThrownBy(() -> strata.tenants().decommission("half-kid", false)).isInstanceOf(StrataException.class);
            strata.internals().operations().leases().stepHook(null);
            UUID operation = strata.operations().list(dev.strata.OperationFilter.all().withTenant("half-kid")
                    .withKind(OperationKind.DECOMMISSION)).get(0).id();
            OperationInfo failed = strata.operations().show(operation);
            assertThat(failed.state()).isEqualTo(OperationState.FAILED);
            assertThat(failed.error()).contains("simulated failure");

            assertThatThrownBy(() -> strata.operations().abort(operation)).isInstanceOf(StrataException.class)
                    .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_STATE).hasMessageContaining("delete_rows");
            OperationInfo unchanged = strata.operations().show(operation);
            assertThat(unchanged.state()).isEqualTo(OperationState.FAILED);
            assertThat(unchanged.attempts()).isEqualTo(failed.attempts());
            assertThat(strata.tenants().get(kid.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONING);

            OperationInfo resumed = strata.operations().resume(operation);
            assertThat(resumed.state()).isEqualTo(OperationState.SUCCEEDED);
            assertThat(resumed.error()).isNull();
            assertThat(strata.tenants().get(kid.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            assertThat(Documents.stored(kid)).isEmpty();
        } finally {
            TestStrata.stopAndDrop(strata);
        }
    }

    @Test
    void an_interrupted_import_cannot_be_resumed_but_can_be_aborted() throws Exception {
        Strata strata = TestStrata.start(b -> b.automaticRecovery(false));
        try {
            strata.tenants().create(NewTenant.t1("origin"));
            Tenant source = strata.tenants().create(NewTenant.t2("origin-kid", "origin"));
            Documents.insert(strata, source.id(), "archived");
            ByteArrayOutputStream archive = new ByteArrayOutputStream();
            strata.exportTenant("origin-kid", archive);
            strata.internals().operations().leases().stepHook(OperationFixture.crashAt(OperationKind.IMPORT, ProvisionStep.LOAD_DATA));
            assertThatThrownBy(() -> strata.importTenant(new ByteArrayInputStream(archive.toByteArray()),
                    new ImportOptions(IsolationMode.SCHEMA, "origin", "copy"))).isInstanceOf(OperationFixture.Crash.class);
            Tenant half = strata.tenants().get("copy");
            UUID operation = runningOperationOf(strata, half.id());

            assertThatThrownBy(() -> strata.operations().resume(operation)).isInstanceOf(StrataException.class)
                    .hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_STATE).hasMessageContaining("Abort it");
            assertThat(strata.operations().show(operation).attempts()).as("not claimed").isEqualTo(1);
            assertThat(strata.operations().show(operation).state()).isEqualTo(OperationState.RUNNING);

            OperationInfo aborted = strata.operations().abort(operation);
            assertThat(aborted.state()).isEqualTo(OperationState.ABORTED);
            assertThat(aborted.kind()).isEqualTo(OperationKind.IMPORT);
            assertThat(strata.tenants().list()).extracting(Tenant::slug).doesNotContain("copy");
            assertThat(OperationFixture.schemaExists(half.placement().database(), half.placement().schema())).isFalse();
        } finally {
            TestStrata.stopAndDrop(strata);
        }
    }
}
