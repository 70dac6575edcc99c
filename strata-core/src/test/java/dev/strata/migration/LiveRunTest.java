package dev.strata.migration;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.strata.migration.FanOutTopology.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run held in flight (V2 waits at a gate in acme's database, everything else done) while a
 * second process starts, applies, creates tenants and serves requests.
 */
class LiveRunTest {
    private static final Duration LEASE = Duration.ofMillis(500);

    @TempDir
    Path migrations;

    private final Deployments deployments = new Deployments(LEASE);

    @AfterEach
    void stopAll() {
        deployments.close();
    }

    @Test
    void a_live_run_is_never_taken_over_and_tenants_created_meanwhile_start_at_the_newest_version() throws Exception {
        Strata v1 = deployments.start(MigrationSets.upTo(migrations, 1));
        FanOutTopology topology = new FanOutTopology(v1);
        v1.close();

        CompletableFuture<Strata> first;
        String owner;
        Strata second;
        try (Gate gate = Gate.closeIn(topology.acme.placement().database())) {
            first = CompletableFuture.supplyAsync(() -> deployments.start(MigrationSets.upTo(migrations, 2)));
            Gate.await("every target outside acme's database is migrated", () -> {
                String[] run = deployments.onlyRun();
                return run != null && run[4].contains("\"done\": 5");
            });
            owner = deployments.onlyRun()[2];

            second = deployments.start(MigrationSets.upTo(migrations, 2));
            assertThat(first).as("the first start-up is still migrating").isNotDone();
            assertThatThrownBy(() -> second.migrations().apply(ApplyRequest.all()))
                    .isInstanceOfSatisfying(StrataException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.OPERATION_CONFLICT);
                        assertThat(e.getMessage()).contains(deployments.onlyRun()[0]);
                    });
            Thread.sleep(LEASE.toMillis() * 4);
            assertThatThrownBy(() -> second.migrations().apply(ApplyRequest.all()))
                    .as("a run whose owner lives keeps its lease however long it takes")
                    .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.OPERATION_CONFLICT));
            assertThat(deployments.onlyRun()[2]).isEqualTo(owner);
            assertThat(deployments.onlyRun()[3]).as("attempts").isEqualTo("1");

            Tenant delta = second.tenants().create(NewTenant.t1("delta").withMode(IsolationMode.DATABASE));
            Tenant deltaSchema = second.tenants().create(NewTenant.t2("delta-s", "delta").withMode(IsolationMode.SCHEMA));
            Tenant epsilon = second.tenants().create(NewTenant.t1("epsilon").withMode(IsolationMode.SCHEMA));
            for (Tenant created : List.of(delta, deltaSchema, epsilon)) {
                TenantSchemaStatus schema = second.tenants().schemaStatus(created.slug());
                assertThat(schema.version()).as(created.slug()).isEqualTo("2");
                assertThat(schema.behind()).as(created.slug()).isFalse();
                assertThat(schema.pending()).isEmpty();
                assertThat(FanOutTopology.itemColumns(target(created))).contains("tags");
            }
            TenantSchemaStatus behind = second.tenants().schemaStatus("acme-s");
            assertThat(behind.target()).isEqualTo(target(topology.acmeSchema));
            assertThat(behind.version()).isEqualTo("1");
            assertThat(behind.expectedVersion()).isEqualTo("2");
            assertThat(behind.pending()).containsExactly("2");
            assertThat(behind.behind()).isTrue();

            FanOutTopology.insertItem(second, topology.acmeRls, "during the run");
            FanOutTopology.insertItem(second, topology.beta, "during the run");
            FanOutTopology.insertItem(second, deltaSchema, "during the run");
        }

        Strata migrated = first.get(60, TimeUnit.SECONDS);
        String[] run = deployments.onlyRun();
        assertThat(run[1]).isEqualTo("succeeded");
        assertThat(run[2]).isEqualTo(owner);
        assertThat(migrated.migrations().status()).hasSize(7 + 3).allSatisfy(t -> {
            assertThat(t.version()).as(t.target()).isEqualTo("2");
            assertThat(t.pending()).as(t.target()).isEmpty();
        });
        assertThat(second.tenants().schemaStatus("acme-s").behind()).isFalse();
        assertThat(FanOutTopology.notes(migrated, topology.acmeRls)).containsExactly("during the run");
        assertThatThrownBy(() -> second.tenants().schemaStatus(second.tenants().operator().slug()))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
