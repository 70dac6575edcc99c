package dev.strata.neon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NeonOptions;
import dev.strata.NewPlane;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.testing.Documents;
import dev.strata.testing.NeonPlanes;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provisioning on a Neon plane interrupted after Neon made the T1's project (its process died)
 * is resumed by another process, which finds the project by its name instead of making a second
 * one; and a T1 created with a region lands on the Neon plane of that region.
 */
class NeonProvisioningRecoveryTest {
    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final NeonLocal NEON = NeonPlanes.shared();

    @AfterEach
    void every_call_has_the_shapes_of_neons_api() {
        NeonPlanes.checkShapes(NEON);
    }

    @Test
    void a_provisioning_interrupted_after_neon_made_the_project_is_resumed_by_another_process_with_that_project()
            throws Exception {
        Strata first = TestStrata.start(b -> b.operationLease(LEASE).automaticRecovery(false));
        Strata second = null;
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        try {
            NeonPlanes.addProjectPlane(first, NEON, "neon-r");
            first.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
                if (step == ProvisionStep.DATABASE) {
                    paused.countDown();
                    try {
                        wake.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new StrataException(ErrorCode.INTERNAL, "this process died");
                }
            });
            Strata dying = first;
            CompletableFuture.runAsync(() -> dying.tenants().create(NewTenant.t1("nr-half").withPlane("neon-r")));
            assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
            first.close();

            second = TestStrata.start(b -> b.namespace(dying.config().namespace()).operationLease(LEASE)
                    .automaticRecovery(false));
            Tenant half = second.tenants().get("nr-half");
            assertThat(half.status()).isEqualTo(TenantStatus.PROVISIONING);
            String projectBefore = second.internals().neonPlacements().of(half.id()).orElseThrow().projectId();
            UUID operation = second.operations().list(OperationFilter.all().withTenant("nr-half")
                    .withKind(OperationKind.PROVISION)).get(0).id();

            OperationInfo resumed = resumeOnceLeaseExpired(second, operation);

            assertThat(resumed.state()).isEqualTo(OperationState.SUCCEEDED);
            assertThat(second.tenants().get(half.id()).status()).isEqualTo(TenantStatus.ACTIVE);
            assertThat(second.internals().neonPlacements().of(half.id()).orElseThrow().projectId()).isEqualTo(projectBefore);
            Documents.insert(second, half.id(), "survived");
            assertThat(Documents.visible(second, half.id())).extracting(Documents.Doc::title).containsExactly("survived");
            String name = "strata-" + second.config().namespace().replace('_', '-') + "-" + half.id();
            long named = 0;
            for (JsonNode p : NeonPlanes.calls(NEON).get("/projects").body().path("projects")) {
                named += p.path("name").asText().equals(name) ? 1 : 0;
            }
            assertThat(named).as("one project for the tenant").isEqualTo(1);
        } finally {
            wake.countDown();
            first.close();
            if (second != null) {
                TestStrata.stopAndDrop(second);
            }
        }
    }

    @Test
    void a_t1_created_with_a_region_lands_on_the_neon_plane_of_that_region() {
        Strata strata = TestStrata.start();
        try {
            strata.planes().add(NewPlane.neon("neon-eu", NeonOptions.of(NEON.apiUrl(), NeonPlanes.API_KEY))
                    .withRegion("local-1"));
            Tenant t1 = strata.tenants().create(NewTenant.t1("nr-resident").withRegion("local-1"));
            assertThat(t1.placement().dataPlane()).isEqualTo("neon-eu");
            assertThat(t1.region()).isEqualTo("local-1");
            String project = strata.internals().neonPlacements().of(t1.id()).orElseThrow().projectId();
            assertThat(NeonPlanes.project(NEON, project).path("region_id").asText()).isEqualTo("local-1");
        } finally {
            TestStrata.stopAndDrop(strata);
        }
    }

    private static OperationInfo resumeOnceLeaseExpired(Strata strata, UUID operation) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                return strata.operations().resume(operation);
            } catch (StrataException e) {
                if (e.code() != ErrorCode.OPERATION_CONFLICT || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
