package dev.strata.migration;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.strata.migration.FanOutTopology.itemColumns;
import static dev.strata.migration.FanOutTopology.target;
import static dev.strata.migration.FanOutTopology.timesApplied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One installation deployed with its application's migrations one version after another: V1 when
 * the tenants are created, V2 at the next start (the start-up fan-out), V3 that fails in one tenant
 * schema, then drifted scripts. The tests run in that order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FanOutTest {
    @TempDir
    static Path migrations;

    private final Deployments deployments = new Deployments(Duration.ofSeconds(30));
    private String namespace;
    private FanOutTopology topology;
    private Strata v2;

    @BeforeAll
    void deployV1ThenStartWithV2() throws Exception {
        namespace = deployments.namespace();
        Strata v1 = start(MigrationSets.upTo(migrations, 1));
        topology = new FanOutTopology(v1);
        FanOutTopology.insertItem(v1, topology.acmeSchema, "kept");
        FanOutTopology.insertItem(v1, topology.beta, "kept");
        v1.close();
        v2 = start(MigrationSets.upTo(migrations, 2));
    }

    @AfterAll
    void stopAll() {
        deployments.close();
    }

    private Strata start(String location) {
        return deployments.start(location);
    }

    private static Map<String, MigrationTarget> byName(List<MigrationTarget> targets) {
        return targets.stream().collect(Collectors.toMap(MigrationTarget::target, Function.identity()));
    }

    @Test
    @Order(1)
    void start_up_migrates_the_template_every_tenant_database_schema_and_shared_database_in_one_journaled_run()
            throws Exception {
        Map<String, MigrationTarget> status = byName(v2.migrations().status());

        assertThat(status.keySet()).containsExactlyInAnyOrderElementsOf(topology.targets(v2));
        assertThat(status.get(FanOutTopology.template(v2)).kind()).isEqualTo(MigrationTargetKind.TEMPLATE);
        assertThat(status.get(target(topology.acme)).kind()).isEqualTo(MigrationTargetKind.DATABASE);
        assertThat(status.get(target(topology.acme)).tenant()).isEqualTo(topology.acme.id());
        assertThat(status.get(target(topology.acmeSchema)).kind()).isEqualTo(MigrationTargetKind.SCHEMA);
        assertThat(status.get(target(topology.acmeSchema)).tenant()).isEqualTo(topology.acmeSchema.id());
        assertThat(status.get(target(topology.gamma)).tenant()).isEqualTo(topology.gamma.id());
        assertThat(status.get(FanOutTopology.shared(v2, "shared_rls")).kind()).isEqualTo(MigrationTargetKind.SHARED);
        assertThat(status.get(FanOutTopology.shared(v2, "shared_rls")).tenant()).isNull();
        assertThat(status.get(FanOutTopology.shared(v2, "shared_schema")).kind()).isEqualTo(MigrationTargetKind.SHARED);
        assertThat(status.values()).allSatisfy(t -> {
            assertThat(t.version()).as(t.target()).isEqualTo("2");
            assertThat(t.pending()).as(t.target()).isEmpty();
            assertThat(t.error()).as(t.target()).isNull();
            assertThat(t.upToDate()).isTrue();
        });
        for (String target : topology.tenantTargets(v2)) {
            assertThat(itemColumns(target)).as(target).containsExactly("tenant_id", "id", "note", "tags");
        }
        assertThat(status.keySet()).noneMatch(t -> t.contains(topology.omega.id().toString().replace("-", "")));

        List<String[]> runs = FanOutTopology.migrateOperations(namespace);
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0)[1]).isEqualTo("succeeded");
        assertThat(runs.get(0)[5]).as("a run belongs to no tenant").isEmpty();
        assertThat(runs.get(0)[4]).contains("\"done\": 7").contains("\"total\": 7").contains("\"failed\": 0");
        assertThat(FanOutTopology.notes(v2, topology.acmeSchema)).containsExactly("kept");
        assertThat(v2.migrations().latestVersion()).contains("2");
    }

    @Test
    @Order(2)
    void apply_with_nothing_pending_runs_no_migration_again() throws Exception {
        MigrationRun run = v2.migrations().apply(ApplyRequest.all());

        assertThat(run.total()).isEqualTo(7);
        assertThat(run.upToDate()).isEqualTo(7);
        assertThat(run.migrated()).isZero();
        assertThat(run.succeeded()).isTrue();
        for (String target : topology.tenantTargets(v2)) {
            assertThat(timesApplied(target, "2")).as(target).isEqualTo(1);
        }
    }

    @Test
    @Order(3)
    void an_unknown_target_is_refused_before_any_run_is_journaled() throws Exception {
        int runs = FanOutTopology.migrateOperations(namespace).size();
        for (String bad : List.of("default/nowhere/app", "", "default/" + namespace + "_shared_rls/t_0", "x\n\u0000y",
                target(topology.omega))) {
            assertThatThrownBy(() -> v2.migrations().apply(ApplyRequest.builder().target(bad).build()))
                    .as(bad)
                    .isInstanceOfSatisfying(StrataException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).contains("strata migrate status").doesNotContain("\u0000");
                    });
        }
        assertThatThrownBy(() -> ApplyRequest.builder().concurrency(0).build())
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThat(FanOutTopology.migrateOperations(namespace)).hasSize(runs);
    }

    @Test
    @Order(4)
    void a_failing_target_does_not_stop_the_others_shows_its_error_and_is_retried_alone() throws Exception {
        FanOutTopology.insertItem(v2, topology.acmeSchema, MigrationSets.POISON);
        Strata v3 = start(MigrationSets.upTo(migrations, 3));
        String poisoned = target(topology.acmeSchema);

        Map<String, MigrationTarget> status = byName(v3.migrations().status());
        assertThat(status.get(poisoned).version()).isEqualTo("2");
        assertThat(status.get(poisoned).pending()).containsExactly("3");
        assertThat(status.get(poisoned).error()).contains("poisoned row");
        assertThat(status.values()).filteredOn(t -> !t.target().equals(poisoned))
                .allSatisfy(t -> assertThat(t.version()).as(t.target()).isEqualTo("3"));
        assertThat(itemColumns(poisoned)).as("the failed target is where it was").doesNotContain("rating");

        MigrationRun again = v3.migrations().apply(ApplyRequest.all());
        assertThat(again.failed()).isEqualTo(1);
        assertThat(again.upToDate()).isEqualTo(6);
        assertThat(again.succeeded()).isFalse();
        assertThat(again.failures()).singleElement().satisfies(f -> {
            assertThat(f.target()).isEqualTo(poisoned);
            assertThat(f.pending()).containsExactly("3");
            assertThat(f.error()).contains("poisoned row");
        });

        v3.useTenant(topology.acmeSchema.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("DELETE FROM items WHERE note = ?")) {
                ps.setString(1, MigrationSets.POISON);
                ps.executeUpdate();
            }
        });
        MigrationRun retry = v3.migrations().apply(ApplyRequest.builder().target(poisoned).build());
        assertThat(retry.failed()).isZero();
        assertThat(retry.migrated()).isEqualTo(1);
        assertThat(retry.total()).as("the template, then only the target asked for").isEqualTo(2);
        assertThat(v3.migrations().status()).allSatisfy(t -> {
            assertThat(t.version()).as(t.target()).isEqualTo("3");
            assertThat(t.error()).as(t.target()).isNull();
        });
        assertThat(itemColumns(poisoned)).contains("rating");
        assertThat(FanOutTopology.notes(v3, topology.acmeSchema)).containsExactly("kept");
        assertThat(FanOutTopology.migrateOperations(namespace)).extracting(o -> o[1])
                .containsExactly("succeeded", "succeeded", "failed", "failed", "succeeded");
    }

    @Test
    @Order(5)
    void validate_reports_a_changed_script_and_a_missing_one_and_re_runs_neither() throws Exception {
        assertThat(start(MigrationSets.upTo(migrations, 3)).migrations().validate()).isEmpty();

        List<MigrationDrift> changed = start(MigrationSets.upToWithChangedV2(migrations, 3)).migrations().validate();
        assertThat(changed).extracting(MigrationDrift::target).containsExactlyInAnyOrderElementsOf(topology.targets(v2));
        assertThat(changed).allSatisfy(d -> {
            assertThat(d.version()).isEqualTo("2");
            assertThat(d.script()).isEqualTo("V2__item_tags.sql");
            assertThat(d.resolvedChecksum()).isNotNull().isNotEqualTo(d.appliedChecksum());
            assertThat(d.problem()).contains("changed");
        });

        List<MigrationDrift> missing = start(MigrationSets.upTo(migrations, 2)).migrations().validate();
        assertThat(missing).extracting(MigrationDrift::target).containsExactlyInAnyOrderElementsOf(topology.targets(v2));
        assertThat(missing).allSatisfy(d -> {
            assertThat(d.version()).isEqualTo("3");
            assertThat(d.resolvedChecksum()).isNull();
            assertThat(d.problem()).contains("no longer");
        });
        for (String target : topology.tenantTargets(v2)) {
            assertThat(timesApplied(target, "2")).as(target).isEqualTo(1);
            assertThat(timesApplied(target, "3")).as(target).isEqualTo(1);
        }
    }
}
