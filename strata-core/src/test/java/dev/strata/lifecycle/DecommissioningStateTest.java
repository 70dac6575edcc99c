package dev.strata.lifecycle;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.operation.DecommissionStep;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrataExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * While a decommission runs, its tenants are {@code decommissioning}: every other lifecycle
 * operation on them is refused with a specific code, and no work runs on them. A decommission that
 * fails leaves them so (never half active), and decommissioning again finishes the job.
 */
class DecommissioningStateTest {
    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension
            .configured(b -> b.decommissionDrainTimeout(Duration.ofMillis(200)));

    private final Strata strata = FIXTURE.strata();

    @Test
    void every_other_operation_on_a_subtree_being_decommissioned_is_refused_with_a_specific_code() throws Exception {
        Tenant parent = strata.tenants().create(NewTenant.t1("busy"));
        Tenant kid = strata.tenants().create(NewTenant.t2("busy-kid", "busy"));
        strata.tenants().suspend("busy-kid");
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (step == DecommissionStep.DRAIN) {
                paused.countDown();
                try {
                    wake.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        CompletableFuture<Tenant> decommission = CompletableFuture.supplyAsync(() -> strata.tenants().decommission("busy", true));
        try {
            assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(strata.tenants().get("busy").status()).isEqualTo(TenantStatus.DECOMMISSIONING);
            assertThat(strata.tenants().get("busy-kid").status()).isEqualTo(TenantStatus.DECOMMISSIONING);
            assertCode(() -> strata.tenants().resume("busy-kid"), ErrorCode.OPERATION_CONFLICT);
            assertCode(() -> strata.tenants().suspend("busy"), ErrorCode.OPERATION_CONFLICT);
            assertCode(() -> strata.tenants().resume("busy"), ErrorCode.OPERATION_CONFLICT);
            assertCode(() -> strata.tenants().create(NewTenant.t2("late-kid", "busy")), ErrorCode.OPERATION_CONFLICT);
            assertCode(() -> strata.tenants().decommission("busy", true), ErrorCode.OPERATION_CONFLICT);
            assertCode(() -> strata.tenants().decommission("busy-kid", false), ErrorCode.OPERATION_CONFLICT);
            assertCode(() -> strata.exportTenant("busy-kid", new ByteArrayOutputStream()), ErrorCode.TENANT_DECOMMISSIONED);
            assertThatThrownBy(() -> Documents.visible(strata, parent.id())).isInstanceOf(StrataException.class);
            assertThatThrownBy(() -> Documents.visible(strata, kid.id())).isInstanceOf(StrataException.class);
        } finally {
            wake.countDown();
        }
        assertThat(decommission.get(60, TimeUnit.SECONDS).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(strata.tenants().get("busy-kid").status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(strata.tenants().list()).noneMatch(t -> t.slug().equals("late-kid"));
        Consistency.assertConsistent(strata, "busy");
    }

    @Test
    void a_failed_decommission_leaves_the_tenant_decommissioning_and_decommissioning_again_finishes_it() throws SQLException {
        strata.tenants().create(NewTenant.t1("flaky"));
        Tenant kid = strata.tenants().create(NewTenant.t2("flaky-kid", "flaky"));
        Documents.insert(strata, kid.id(), "kept until the retry");
        strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (step == DecommissionStep.DELETE_ROWS) {
                throw new StrataException(ErrorCode.DATABASE_ERROR, "simulated failure while deleting rows");
            }
        });
        assertThatThrownBy(() -> strata.tenants().decommission("flaky-kid", false))
                .isInstanceOf(StrataException.class).hasMessageContaining("decommission it again");
        assertThat(strata.tenants().get("flaky-kid").status()).isEqualTo(TenantStatus.DECOMMISSIONING);
        assertCode(() -> strata.tenants().resume("flaky-kid"), ErrorCode.OPERATION_CONFLICT);
        assertThatThrownBy(() -> Documents.visible(strata, kid.id())).isInstanceOf(StrataException.class);
        assertThat(Consistency.count(strata.config().namespace(),
                "SELECT count(*) FROM platform.operations WHERE state = 'failed' AND tenant_id = '" + kid.id() + "'"))
                .isEqualTo(1);

        strata.internals().operations().leases().stepHook(null);
        assertThat(strata.tenants().decommission("flaky-kid", false).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(Documents.stored(kid)).isEmpty();
        assertThat(strata.tenants().history("flaky-kid")).filteredOn(e -> e.action().equals("decommissioned")).hasSize(1);
        Consistency.assertConsistent(strata, "flaky");
    }

    @Test
    void a_cascade_adopts_a_t2_whose_own_decommission_failed() throws SQLException {
        strata.tenants().create(NewTenant.t1("adopter"));
        Tenant kid = strata.tenants().create(NewTenant.t2("adopter-kid", "adopter"));
        strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (step == DecommissionStep.DELETE_ROWS) {
                throw new StrataException(ErrorCode.DATABASE_ERROR, "simulated failure");
            }
        });
        assertThatThrownBy(() -> strata.tenants().decommission("adopter-kid", false)).isInstanceOf(StrataException.class);
        strata.internals().operations().leases().stepHook(null);
        assertThat(strata.tenants().decommission("adopter", true).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(strata.tenants().get(kid.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        Consistency.assertConsistent(strata, "adopter");
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(StrataException.class).extracting("code").isEqualTo(code);
    }
}
