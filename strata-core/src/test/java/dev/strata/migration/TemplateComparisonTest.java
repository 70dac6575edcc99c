package dev.strata.migration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fan-out accepts a tenant target on its comparison with the migrated template exactly when
 * the target then matches it: a target that was like its template before the migration is
 * accepted without the refusal checks ({@code matched_template} in the run's report); one that
 * differs (here: an index an operator added to one tenant schema) is migrated again under every
 * check ({@code differed}). The tests run in order: V2, then V3 after the drift.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TemplateComparisonTest {
    @TempDir
    static Path dir;

    private static MigrationWorld world;
    private static int tenantTargets;

    @BeforeAll
    static void createWorld() throws Exception {
        world = MigrationWorld.create(dir);
        tenantTargets = (int) world.strata.migrations().status().stream()
                .filter(t -> t.kind() != MigrationTargetKind.TEMPLATE).count();
        world.stop();
    }

    @AfterAll
    static void dropWorld() {
        world.close();
    }

    private static void assertEveryTargetAt(String version) {
        assertThat(world.strata.migrations().status()).isNotEmpty().allSatisfy(t -> {
            assertThat(t.error()).as(t.target()).isNull();
            assertThat(t.version()).as(t.target()).isEqualTo(version);
        });
    }

    @Test
    @Order(1)
    void every_tenant_target_that_matches_its_template_is_accepted_on_the_comparison() throws Exception {
        assertThat(tenantTargets).as("shared databases, tenant schemas, a tenant database").isGreaterThanOrEqualTo(4);
        world.files.add("V2__summary.sql", "ALTER TABLE documents ADD COLUMN summary text;\n");

        world.start();

        assertEveryTargetAt("2");
        assertThat(world.lastRunReport()).containsEntry("failed", 0).containsEntry("differed", 0)
                .containsEntry("matched_template", tenantTargets);
    }

    @Test
    @Order(2)
    void a_tenant_target_that_differs_from_its_template_gets_every_check_and_the_others_do_not() throws Exception {
        world.stop();
        String drifted = world.tenant("schema-t1").placement().schema();
        world.inDatabase(world.tenant("schema-t1").placement().database(), c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE INDEX documents_operator_idx ON \"" + drifted + "\".documents (tenant_id, created_at)");
            }
            return null;
        });
        world.files.add("V3__title_index.sql", "CREATE INDEX documents_title_idx ON documents (tenant_id, title);\n");

        world.start();

        assertEveryTargetAt("3");
        Map<String, Object> report = world.lastRunReport();
        assertThat(report).containsEntry("failed", 0).containsEntry("differed", 1)
                .containsEntry("matched_template", tenantTargets - 1);
        assertThat((Integer) report.get("fully_checked")).as("the drifted target, and the template if it was behind")
                .isGreaterThanOrEqualTo(1);
    }
}
