package dev.strata.lifecycle;

import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.OperationState;
import dev.strata.internal.operation.DecommissionStep;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationJournal;
import dev.strata.internal.operation.OperationStep;
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.internal.operation.StepHook;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second Strata process starting while the first is in the middle of an operation leaves that
 * operation alone (its owner is alive: its lease is renewed); once the first dies and the lease
 * expires, the second takes the operation over and finishes it, and the first, should it wake
 * up, compensates nothing.
 */
class RecoveryTakeoverTest {
    private static final Duration LEASE = Duration.ofSeconds(1);

    @Test
    void a_provisioning_of_a_live_process_is_not_taken_over_at_start_up_but_is_after_that_process_died() throws Exception {
        Strata first = TestStrata.start(b -> b.operationLease(LEASE));
        String namespace = first.config().namespace();
        Strata second = null;
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        try {
            first.internals().operations().leases().stepHook(pauseAt(ProvisionStep.DATABASE, paused, wake));
            CompletableFuture<Tenant> creation = CompletableFuture.supplyAsync(() -> first.tenants().create(NewTenant.t1("slow")));
            assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
            Tenant half = first.tenants().get("slow");
            UUID operation = runningOperationOf(first, half.id());
            String firstOwner = first.internals().operations().journal().owner();

            second = TestStrata.start(b -> b.namespace(namespace).operationLease(LEASE));
            Thread.sleep(3 * LEASE.toMillis());
            assertThat(second.tenants().get("slow").status()).as("not taken over from a live owner").isEqualTo(TenantStatus.PROVISIONING);
            assertThat(journal(second).find(operation).orElseThrow().owner()).isEqualTo(firstOwner);
            assertThat(journal(second).find(operation).orElseThrow().state()).isEqualTo(OperationState.RUNNING);

            first.close();
            Strata survivor = second;
            awaitTrue(() -> survivor.tenants().get("slow").status() == TenantStatus.ACTIVE);
            JournalEntry done = journal(second).find(operation).orElseThrow();
            assertThat(done.state()).isEqualTo(OperationState.SUCCEEDED);
            assertThat(done.owner()).isEqualTo(journal(second).owner());
            Documents.insert(second, half.id(), "works");
            assertThat(Documents.visible(second, half.id())).hasSize(1);

            wake.countDown();
            assertThat(creation).as("the old owner stops at its next step").failsWithin(60, TimeUnit.SECONDS);
            assertThat(second.tenants().get("slow").status()).as("and compensates nothing").isEqualTo(TenantStatus.ACTIVE);
            assertThat(Documents.visible(second, half.id())).hasSize(1);
            Consistency.assertConsistent(second);
        } finally {
            wake.countDown();
            first.close();
            if (second != null) {
                TestStrata.stopAndDrop(second);
            } else {
                TestStrata.dropNamespace(namespace);
            }
        }
    }

    @Test
    void a_decommissioning_of_a_live_process_is_not_taken_over_at_start_up_but_is_after_that_process_died() throws Exception {
        Strata first = TestStrata.start(b -> b.operationLease(LEASE));
        String namespace = first.config().namespace();
        Strata second = null;
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        try {
            Tenant doomed = first.tenants().create(NewTenant.t1("doomed"));
            Tenant kid = first.tenants().create(NewTenant.t2("doomed-kid", "doomed"));
            Documents.insert(first, kid.id(), "bye");
            first.internals().operations().leases().stepHook(pauseAt(DecommissionStep.DRAIN, paused, wake));
            CompletableFuture<Tenant> decommission = CompletableFuture.supplyAsync(() -> first.tenants().decommission("doomed", true));
            assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();

            second = TestStrata.start(b -> b.namespace(namespace).operationLease(LEASE));
            Thread.sleep(3 * LEASE.toMillis());
            assertThat(second.tenants().get(doomed.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONING);
            assertThat(Consistency.databaseExists(doomed.placement().database())).as("nothing dropped yet").isTrue();

            first.close();
            Strata survivor = second;
            awaitTrue(() -> survivor.tenants().get(doomed.id()).status() == TenantStatus.DECOMMISSIONED);
            assertThat(second.tenants().get(kid.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            assertThat(Consistency.databaseExists(doomed.placement().database())).isFalse();

            wake.countDown();
            assertThat(decommission).failsWithin(60, TimeUnit.SECONDS);
            Consistency.assertConsistent(second);
        } finally {
            wake.countDown();
            first.close();
            if (second != null) {
                TestStrata.stopAndDrop(second);
            } else {
                TestStrata.dropNamespace(namespace);
            }
        }
    }

    private static StepHook pauseAt(OperationStep step, CountDownLatch paused, CountDownLatch wake) {
        return (operation, kind, current, qualifier) -> {
            if (current == step && paused.getCount() > 0) {
                paused.countDown();
                try {
                    wake.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static OperationJournal journal(Strata strata) {
        return strata.internals().operations().journal();
    }

    private static UUID runningOperationOf(Strata strata, UUID tenant) throws SQLException {
        try (var c = TestStrata.admin(strata.config().namespace());
             var ps = c.prepareStatement("SELECT id FROM platform.operations WHERE tenant_id = ? AND state = 'running'")) {
            ps.setObject(1, tenant);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /** Waits for a condition that recovery makes true in the background (a liveness bound, not a timing assertion). */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("recovery took the operation over within a minute").isLessThan(until);
            Thread.sleep(100);
        }
    }
}
