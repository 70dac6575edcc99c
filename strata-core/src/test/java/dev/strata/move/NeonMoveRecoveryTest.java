package dev.strata.move;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
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
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.NeonPlanes;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.strata.IsolationMode.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A move onto a Neon plane whose process died after Neon made the T1's project (in the move's
 * {@code neon_project} step, before its {@code database} step) is resumed by another process, which
 * adopts that project instead of making a second one and finishes the move: every row at the
 * target, the source database gone.
 */
class NeonMoveRecoveryTest {
    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final String PLANE = "neon-mr";
    private static final NeonLocal NEON = NeonPlanes.shared();

    @AfterEach
    void every_call_has_the_shapes_of_neons_api() {
        NeonPlanes.checkShapes(NEON);
    }

    @Test
    void a_move_interrupted_after_neon_made_the_project_is_resumed_by_another_process_with_that_project() throws Exception {
        Strata first = StrataFixture.start(List.of(AppSchemas.SHOP), b -> b.operationLease(LEASE).automaticRecovery(false));
        Strata second = null;
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        try {
            NeonPlanes.addProjectPlane(first, NEON, PLANE);
            Tenant t1 = first.tenants().create(NewTenant.t1("nmr-t1").withMode(DATABASE));
            Shop.seed(first, t1.id(), "seed");
            Placement source = t1.placement();
            long rows;
            try (Connection c = TestStrata.admin(source.database())) {
                rows = MoveWorld.rowsAt(c, PhysicalNames.APP_SCHEMA, t1.id());
            }
            first.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
                if (kind == OperationKind.MOVE && step == ProvisionStep.DATABASE) {
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
            CompletableFuture.runAsync(() -> dying.tenants().move(t1.slug(), MoveRequest.to(DATABASE).withPlane(PLANE)));
            assertThat(paused.await(60, TimeUnit.SECONDS)).isTrue();
            first.close();

            second = StrataFixture.start(List.of(AppSchemas.SHOP), b -> b.namespace(dying.config().namespace())
                    .operationLease(LEASE).automaticRecovery(false));
            assertThat(second.tenants().get(t1.id()).status()).isEqualTo(TenantStatus.MIGRATING);
            String projectBefore = second.internals().neonPlacements().of(t1.id()).orElseThrow().projectId();
            UUID operation = second.operations().list(OperationFilter.all().withTenant(t1.slug())
                    .withKind(OperationKind.MOVE)).get(0).id();

            OperationInfo resumed = resumeOnceLeaseExpired(second, operation);

            assertThat(resumed.state()).as("%s", resumed.error()).isEqualTo(OperationState.SUCCEEDED);
            Tenant moved = second.tenants().get(t1.id());
            assertThat(moved.status()).isEqualTo(TenantStatus.ACTIVE);
            assertThat(moved.placement().dataPlane()).isEqualTo(PLANE);
            assertThat(second.internals().neonPlacements().of(t1.id()).orElseThrow().projectId()).isEqualTo(projectBefore);
            String name = "strata-" + second.config().namespace().replace('_', '-') + "-" + t1.id();
            long named = 0;
            for (JsonNode p : NeonPlanes.calls(NEON).get("/projects").body().path("projects")) {
                named += p.path("name").asText().equals(name) ? 1 : 0;
            }
            assertThat(named).as("one project for the tenant").isEqualTo(1);
            String database = moved.placement().database();
            try (Connection c = second.internals().neonPlane().of(PLANE, database).openAdmin(database)) {
                assertThat(MoveWorld.rowsAt(c, PhysicalNames.APP_SCHEMA, t1.id())).as("every row at the target").isEqualTo(rows);
            }
            assertThat(MoveWorld.databaseExists(source.database())).as("the source database").isFalse();
            Shop.seed(second, t1.id(), "served from Neon");
        } finally {
            wake.countDown();
            first.close();
            if (second != null) {
                TestStrata.stopAndDrop(second);
            }
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
