package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Tenant;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Http;
import dev.strata.testing.Documents;
import dev.strata.testing.NeonPlanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T0 analytics and the audit through the REST API and the command line of a server with a Neon
 * plane (project placement, against neon-local): {@code POST /v1/query} and {@code strata query
 * --all-tenants} (table, {@code --csv}, {@code --json}) return the Neon T1's and its T2s' rows tagged
 * with their tenant next to a local T1's (a row without a {@code tenant_id} column is its target's: the
 * T1's where its RLS T2s share its schema); a Neon target that fails is reported, with its tenants and
 * the reason, while the other targets' rows all come; {@code GET /v1/audit} and {@code strata audit}
 * pass on a healthy Neon T1 and fail, naming the database, the table and the problem, once row level
 * security is disabled on a table there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeonQueryAndAuditTest {
    static final String PLANE = "neon-q";
    static final List<String> NEON_TENANTS = List.of("nq-neon", "nq-neon-rls", "nq-neon-schema");
    static final List<String> ALL_TENANTS = List.of("nq-neon", "nq-neon-rls", "nq-neon-schema", "nq-local");

    @RegisterExtension
    static final ApiExtension API = ApiExtension.standard().withSetUp(strata -> {
        NeonPlanes.addProjectPlane(strata, NeonPlanes.shared(), PLANE);
        List<Tenant> all = new ArrayList<>();
        all.add(strata.tenants().create(NewTenant.t1("nq-neon").withPlane(PLANE)));
        all.add(strata.tenants().create(NewTenant.t2("nq-neon-rls", "nq-neon").withMode(IsolationMode.RLS)));
        all.add(strata.tenants().create(NewTenant.t2("nq-neon-schema", "nq-neon").withMode(IsolationMode.SCHEMA)));
        all.add(strata.tenants().create(NewTenant.t1("nq-local")));
        for (Tenant t : all) {
            Documents.insert(strata, t.id(), "doc of " + t.slug());
        }
    });

    @TempDir
    Path home;

    @AfterEach
    void every_call_has_the_shapes_of_neons_api() {
        NeonPlanes.checkShapes(NeonPlanes.shared());
    }

    private static Tenant tenant(String slug) {
        return API.strata().tenants().get(slug);
    }

    /** The analytics target of a tenant: {@code <plane>/<database>/<schema>}. */
    private static String target(String slug) {
        Tenant t = tenant(slug);
        return t.placement().dataPlane() + "/" + t.placement().database() + "/" + t.placement().schema();
    }

    private Cli.Run strata(String... args) {
        return Cli.run(home, API.cliEnvironment(), args);
    }

    /** Runs statements as Neon's owner role at the Neon T1's own compute. */
    private static void asNeonOwner(String... statements) throws SQLException {
        NeonPlanes.asOwner(API.strata(), tenant("nq-neon"), statements);
    }

    @Test
    @Order(1)
    void the_neon_t1s_rows_and_its_t2s_come_back_over_rest_tagged_with_their_tenant_next_to_a_local_t1s() throws Exception {
        Http.Answer answer = API.http().post("/v1/query", "{\"sql\": \"SELECT tenant_id, title FROM documents\"}");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        List<JsonNode> lines = answer.jsonLines();
        JsonNode summary = lines.get(lines.size() - 1);
        assertThat(summary.get("type").asText()).isEqualTo("summary");
        assertThat(summary.get("failures")).isEmpty();
        List<JsonNode> rows = lines.subList(0, lines.size() - 1);
        assertThat(rows).extracting(r -> r.get("tenant").asText()).containsExactlyInAnyOrderElementsOf(ALL_TENANTS);
        for (JsonNode r : rows) {
            String slug = r.get("tenant").asText();
            assertThat(r.get("tenant_id").asText()).as(slug).isEqualTo(tenant(slug).id().toString());
            assertThat(r.get("values").get(1).asText()).as(slug).isEqualTo("doc of " + slug);
            assertThat(r.get("target").asText()).as(slug).isEqualTo(target(slug));
        }
        for (String slug : NEON_TENANTS) {
            assertThat(target(slug)).as(slug).startsWith(PLANE + "/");
        }
    }

    @Test
    @Order(2)
    void strata_query_prints_the_neon_tenants_rows_as_a_table_csv_and_json_lines() throws Exception {
        Cli.Run table = strata("query", "--all-tenants", "SELECT tenant_id, title FROM documents ORDER BY title");
        Cli.assertSucceeded(table);
        List<String> tableLines = table.out().lines().toList();
        assertThat(tableLines.get(0)).matches("TENANT +TARGET +tenant_id +title *");
        assertThat(tableLines.subList(1, tableLines.size())).hasSize(ALL_TENANTS.size());
        for (String slug : ALL_TENANTS) {
            assertThat(tableLines).as(slug).anySatisfy(l -> assertThat(l).matches(slug + " +" + Pattern.quote(target(slug))
                    + " +" + tenant(slug).id() + " +doc of " + slug));
        }

        Cli.Run csv = strata("query", "--all-tenants", "SELECT tenant_id, title FROM documents", "--csv");
        Cli.assertSucceeded(csv);
        List<String> csvLines = csv.out().lines().toList();
        assertThat(csvLines.get(0)).isEqualTo("tenant_id,tenant,target,tenant_id,title");
        assertThat(csvLines.subList(1, csvLines.size())).containsExactlyInAnyOrderElementsOf(ALL_TENANTS.stream()
                .map(slug -> tenant(slug).id() + "," + slug + "," + target(slug) + "," + tenant(slug).id() + ",doc of " + slug)
                .toList());

        Cli.Run json = strata("query", "--all-tenants", "SELECT tenant_id, title FROM documents", "--json");
        Cli.assertSucceeded(json);
        List<JsonNode> jsonLines = Http.jsonLines(json.out());
        assertThat(jsonLines.get(jsonLines.size() - 1).get("failures")).isEmpty();
        assertThat(jsonLines.subList(0, jsonLines.size() - 1)).extracting(r -> r.get("tenant").asText() + " " + r.get("target").asText())
                .containsExactlyInAnyOrderElementsOf(ALL_TENANTS.stream().map(slug -> slug + " " + target(slug)).toList());
    }

    @Test
    @Order(2)
    void rows_without_a_tenant_id_column_are_the_neon_t1s_where_it_shares_its_schema_with_its_rls_t2s() {
        Cli.Run table = strata("query", "--all-tenants", "SELECT title FROM documents ORDER BY title");
        Cli.assertSucceeded(table);
        assertThat(table.out().lines()).anySatisfy(l -> assertThat(l)
                .matches("nq-neon +" + Pattern.quote(target("nq-neon-rls")) + " +doc of nq-neon-rls"));
        assertThat(table.out().lines()).anySatisfy(l -> assertThat(l)
                .matches("nq-neon-schema +" + Pattern.quote(target("nq-neon-schema")) + " +doc of nq-neon-schema"));
    }

    @Test
    @Order(3)
    void a_neon_target_that_fails_is_reported_with_its_tenants_and_the_others_rows_all_come() throws Exception {
        String reader = API.strata().internals().names().t0ReaderRole();
        String failing = target("nq-neon");
        asNeonOwner("REVOKE SELECT ON app.documents FROM " + reader);
        try {
            Http.Answer answer = API.http().post("/v1/query", "{\"sql\": \"SELECT tenant_id, title FROM documents\"}");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            List<JsonNode> lines = answer.jsonLines();
            JsonNode summary = lines.get(lines.size() - 1);
            assertThat(summary.get("targets").asInt()).as("the Neon T1's app schema and its T2's schema, the local T1's")
                    .isEqualTo(3);
            assertThat(summary.get("failures")).singleElement().satisfies(f -> {
                assertThat(f.get("target").asText()).isEqualTo(failing);
                assertThat(f.get("tenants")).extracting(JsonNode::asText).containsExactlyInAnyOrder("nq-neon", "nq-neon-rls");
                assertThat(f.get("code").asText()).isEqualTo("42501");
                assertThat(f.get("message").asText()).contains("permission denied", "documents");
            });
            assertThat(lines.subList(0, lines.size() - 1)).extracting(r -> r.get("tenant").asText())
                    .as("the Neon T1's schema-mode T2 is a target of its own, and the local T1's too")
                    .containsExactlyInAnyOrder("nq-neon-schema", "nq-local");

            String failed = "failed: " + failing + " (nq-neon, nq-neon-rls): ";
            Cli.Run table = strata("query", "--all-tenants", "SELECT title FROM documents");
            assertThat(table.exitCode()).as(table.toString()).isEqualTo(1);
            assertThat(table.out()).contains("doc of nq-neon-schema", "doc of nq-local");
            assertThat(table.out().lines()).noneMatch(l -> l.startsWith("nq-neon ") || l.startsWith("nq-neon-rls "));
            List<String> err = table.err().lines().toList();
            assertThat(err).as(table.toString()).hasSize(2);
            assertThat(err.get(0)).isEqualTo("error: 1 of 3 targets failed (2 rows from the others):");
            assertThat(err.get(1)).startsWith(failed).contains("permission denied").endsWith("[42501]");

            Cli.Run csv = strata("query", "--all-tenants", "SELECT title FROM documents", "--csv");
            assertThat(csv.exitCode()).as(csv.toString()).isEqualTo(1);
            assertThat(csv.out().lines().toList()).hasSize(3).anySatisfy(l -> assertThat(l).endsWith(",nq-local," + target("nq-local")
                    + ",doc of nq-local"));
            assertThat(csv.err()).contains(failed);

            Cli.Run json = strata("query", "--all-tenants", "SELECT title FROM documents", "--json");
            assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
            List<JsonNode> jsonLines = Http.jsonLines(json.out());
            assertThat(jsonLines.get(jsonLines.size() - 1).get("failures")).singleElement()
                    .satisfies(f -> assertThat(f.get("target").asText()).isEqualTo(failing));
            assertThat(jsonLines).filteredOn(l -> "row".equals(l.get("type").asText())).hasSize(2);
        } finally {
            asNeonOwner("GRANT SELECT ON app.documents TO " + reader);
        }
        Cli.assertSucceeded(strata("query", "--all-tenants", "SELECT 1 AS one"));
    }

    @Test
    @Order(4)
    void the_audit_passes_on_a_healthy_neon_t1_over_rest_and_the_cli() throws Exception {
        String database = tenant("nq-neon").placement().database();

        Http.Answer answer = API.http().get("/v1/audit");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().get("findings")).as(answer.body()).isEmpty();
        assertThat(answer.json().get("passed").asBoolean()).isTrue();
        assertThat(answer.json().get("databases")).extracting(JsonNode::asText).contains(database);

        Cli.Run text = strata("audit");
        Cli.assertSucceeded(text);
        assertThat(text.out()).startsWith("Audit PASSED: ").contains(" 0 violations, 0 warnings");
        Cli.Run json = strata("audit", "--json");
        Cli.assertSucceeded(json);
        assertThat(Json.mapper().readTree(json.out()).get("passed").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void the_audit_fails_naming_the_neon_database_the_table_and_the_problem_when_rls_is_disabled_there() throws Exception {
        String database = tenant("nq-neon").placement().database();
        asNeonOwner("ALTER TABLE app.documents DISABLE ROW LEVEL SECURITY");
        try {
            Http.Answer answer = API.http().get("/v1/audit");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.json().get("passed").asBoolean()).isFalse();
            assertThat(answer.json().get("findings")).as(answer.body()).anySatisfy(f -> {
                assertThat(f.get("severity").asText()).isEqualTo("violation");
                assertThat(f.get("check").asText()).isEqualTo("rls_enabled_and_forced");
                assertThat(f.get("database").asText()).isEqualTo(database);
                assertThat(f.get("object").asText()).isEqualTo("app.documents");
                assertThat(f.get("message").asText()).contains("row level security is disabled");
            });
            assertThat(answer.json().get("findings")).as("only the Neon T1's database is damaged")
                    .allSatisfy(f -> assertThat(f.get("database").asText()).isEqualTo(database));

            Cli.Run text = strata("audit");
            assertThat(text.exitCode()).as(text.toString()).isEqualTo(1);
            assertThat(text.out()).startsWith("Audit FAILED: ");
            assertThat(text.out().lines().toList()).anySatisfy(l -> assertThat(l)
                    .startsWith("violation").contains("rls_enabled_and_forced", database, "app.documents", "disabled"));
            Cli.Run json = strata("audit", "--json");
            assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
            assertThat(Json.mapper().readTree(json.out()).get("passed").asBoolean()).isFalse();
        } finally {
            asNeonOwner("ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY");
        }
        Cli.assertSucceeded(strata("audit"));
    }
}
