package dev.strata.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.server.api.Json;
import dev.strata.server.testing.Cli;
import dev.strata.testing.SharedPostgres;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCommandTest {
    /** The one check that needs the audit implementation, which lands from another branch. */
    private static final String AUDIT = "audit_passes";
    private static final List<String> CHECKS = List.of(
            "t2_reads_exactly_its_own_rows",
            "t2_cannot_read_sibling_row_by_id",
            "t2_cannot_update_sibling_rows",
            "t2_cannot_delete_sibling_rows",
            "t2_cannot_insert_row_with_sibling_tenant_id",
            "t2_cannot_see_cousin_under_other_t1",
            "t1_reads_own_and_its_t2s_rows",
            "t1_reads_none_of_other_t1s_rows",
            "every_tenant_relation_shows_only_rows_the_hierarchy_allows",
            "no_context_returns_no_rows",
            "no_context_after_committed_tenant_transaction_returns_no_rows",
            "explicit_empty_context_returns_no_rows",
            "pool_of_one_never_hands_context_to_next_transaction",
            "t1_databases_are_physically_separate",
            "t1_app_role_cannot_connect_to_other_t1_database",
            "t1_app_role_cannot_connect_to_management_database",
            AUDIT);

    private static final String NAMESPACE = TestStrata.newNamespace();

    @TempDir
    Path home;

    @AfterAll
    static void drop() {
        TestStrata.dropNamespace(NAMESPACE);
    }

    @Test
    void demo_passes_every_isolation_check_and_again_on_a_second_run() throws Exception {
        JsonNode first = runDemo();
        JsonNode second = runDemo();
        assertThat(second.get("tenants")).isEqualTo(first.get("tenants"));

        Cli.Run text = Cli.run(home, Map.of(), "demo", "--database-url", Cli.url(SharedPostgres.server()), "--namespace", NAMESPACE);
        assertThat(text.out()).contains("Tenants", "Isolation checks", "PASS  t2_reads_exactly_its_own_rows", "alpha", "b1");
        assertThat(text.out()).containsPattern("(All 17 isolation checks passed\\.|1 of 17 isolation checks FAILED\\.)");
    }

    private JsonNode runDemo() throws Exception {
        Cli.Run run = Cli.run(home, Map.of(), "demo", "--json", "--database-url", Cli.url(SharedPostgres.server()),
                "--namespace", NAMESPACE);
        JsonNode report = Json.mapper().readTree(run.out());

        List<String> slugs = new ArrayList<>();
        report.get("tenants").forEach(t -> {
            slugs.add(t.get("slug").asText());
            assertThat(t.get("database").asText()).startsWith(NAMESPACE + "_t_");
            assertThat(t.get("schema").asText()).isEqualTo("app");
            assertThat(t.get("mode").asText()).isEqualTo(t.get("tier").asInt() == 1 ? "database" : "rls");
            assertThat(fieldNames(t)).containsExactlyInAnyOrder("id", "slug", "tier", "mode", "database", "schema");
        });
        assertThat(slugs).containsExactly("alpha", "a1", "a2", "beta", "b1");
        assertThat(fieldNames(report)).containsExactlyInAnyOrder("tenants", "isolation");

        JsonNode isolation = report.get("isolation");
        List<String> names = new ArrayList<>();
        List<String> failedOtherThanAudit = new ArrayList<>();
        boolean auditPassed = false;
        for (JsonNode r : isolation.get("results")) {
            String name = r.get("name").asText();
            names.add(name);
            assertThat(r.get("detail").asText()).isNotBlank();
            if (name.equals(AUDIT)) {
                auditPassed = r.get("passed").asBoolean();
                if (!auditPassed) {
                    // tolerated only while the audit is not implemented in this build
                    assertThat(r.get("detail").asText()).contains("UnsupportedOperationException");
                }
            } else if (!r.get("passed").asBoolean()) {
                failedOtherThanAudit.add(name + ": " + r.get("detail").asText());
            }
        }
        assertThat(names).containsExactlyElementsOf(CHECKS);
        assertThat(failedOtherThanAudit).as(run.toString()).isEmpty();
        assertThat(isolation.get("checks").asInt()).isEqualTo(CHECKS.size());
        assertThat(isolation.get("failed").asInt()).isEqualTo(auditPassed ? 0 : 1);
        assertThat(run.exitCode()).isEqualTo(auditPassed ? 0 : 1);
        return report;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
