package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Tenant;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Http;
import dev.strata.testing.Documents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T0 analytics over HTTP and the command line: {@code POST /v1/query} streams every tenant's rows
 * with its tenant, then a summary; SQL that is not one read-only query is a 400 before any row;
 * {@code strata query --all-tenants} prints a table, CSV or the API's JSON lines.
 */
class QueryApiTest {
    @RegisterExtension
    static final ApiExtension API = ApiExtension.standard().withSetUp(strata -> {
        List<Tenant> all = new ArrayList<>();
        all.add(strata.tenants().create(NewTenant.t1("q-alpha")));
        all.add(strata.tenants().create(NewTenant.t2("q-a1", "q-alpha")));
        all.add(strata.tenants().create(NewTenant.t2("q-a2", "q-alpha").withMode(IsolationMode.SCHEMA)));
        all.add(strata.tenants().create(NewTenant.t1("q-rho").withMode(IsolationMode.RLS)));
        all.add(strata.tenants().create(NewTenant.t2("q-r1", "q-rho").withMode(IsolationMode.DATABASE)));
        for (Tenant t : all) {
            Documents.insert(strata, t.id(), "doc of " + t.slug());
        }
    });

    @TempDir
    Path home;

    @Test
    void the_rows_of_every_tenant_stream_with_their_tenant_then_a_summary() throws Exception {
        Http.Answer answer = API.http().post("/v1/query", "{\"sql\": \"SELECT tenant_id, title FROM documents\"}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lines = answer.jsonLines();
        JsonNode summary = lines.get(lines.size() - 1);
        assertThat(summary.get("type").asText()).isEqualTo("summary");
        assertThat(summary.get("failures")).isEmpty();
        assertThat(summary.get("rows").asLong()).isEqualTo(5);
        List<JsonNode> rows = lines.subList(0, lines.size() - 1);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("type").asText()).isEqualTo("row");
            assertThat(r.get("values").get(1).asText()).isEqualTo("doc of " + r.get("tenant").asText());
            assertThat(r.get("values").get(0).asText()).isEqualTo(r.get("tenant_id").asText());
            assertThat(r.get("columns").toString()).isEqualTo("[\"tenant_id\",\"title\"]");
        });
        assertThat(rows).extracting(r -> r.get("tenant").asText())
                .containsExactlyInAnyOrder("q-alpha", "q-a1", "q-a2", "q-rho", "q-r1");
    }

    @Test
    void sql_that_is_not_one_read_only_query_is_refused_before_any_row() {
        for (String body : List.of("{\"sql\": \"DELETE FROM documents\"}", "{\"sql\": \"SELECT 1; DELETE FROM documents\"}",
                "{\"sql\": \"SELECT * FROM\"}", "{\"sql\": \"WITH d AS (DELETE FROM documents RETURNING 1) SELECT * FROM d\"}",
                "{\"sql\": \"\"}", "{}", "{\"sql\": \"SELECT 1\", \"concurrency\": 0}",
                "{\"sql\": \"SELECT 1\", \"statement_timeout_ms\": -1}", "{\"sql\": \"SELECT 1\", \"all_tenants\": false}",
                "{\"sql\": \"SELECT 1\", \"unknown\": 1}", "{\"sql\": 1}")) {
            Http.Answer answer = API.http().post("/v1/query", body);
            assertThat(answer.status()).as(body + " -> " + answer).isEqualTo(400);
            assertThat(answer.json().get("code").asText()).as(body).isEqualTo("INVALID_ARGUMENT");
        }
        assertThat(API.http().get("/v1/query").status()).isEqualTo(405);
    }

    @Test
    void the_query_needs_a_key() {
        assertThat(API.http().withKey("not-a-key").post("/v1/query", "{\"sql\": \"SELECT 1\"}").status()).isEqualTo(401);
    }

    @Test
    void strata_query_prints_a_table_csv_and_json_lines() throws Exception {
        Cli.Run table = Cli.run(home, API.cliEnvironment(), "query", "--all-tenants",
                "SELECT title FROM documents ORDER BY title");
        Cli.assertSucceeded(table);
        assertThat(table.out().split("\n")[0]).matches("TENANT +TARGET +title *");
        assertThat(table.out()).contains("q-a2").contains("doc of q-r1");

        Cli.Run csv = Cli.run(home, API.cliEnvironment(), "query", "--all-tenants", "SELECT tenant_id, title FROM documents",
                "--csv");
        Cli.assertSucceeded(csv);
        List<String> lines = Arrays.asList(csv.out().split("\n"));
        assertThat(lines.get(0)).isEqualTo("tenant_id,tenant,target,tenant_id,title");
        assertThat(lines).hasSize(6).anySatisfy(l -> assertThat(l).contains(",q-a1,").endsWith(",doc of q-a1"));

        Cli.Run json = Cli.run(home, API.cliEnvironment(), "query", "--all-tenants", "SELECT 1 AS one", "--json");
        Cli.assertSucceeded(json);
        String[] jsonLines = json.out().split("\n");
        assertThat(Json.mapper().readTree(jsonLines[jsonLines.length - 1]).get("type").asText()).isEqualTo("summary");

        Cli.Run refused = Cli.run(home, API.cliEnvironment(), "query", "--all-tenants", "DROP TABLE documents");
        assertThat(refused.exitCode()).isEqualTo(dev.strata.ErrorCode.INVALID_ARGUMENT.exitCode());
        assertThat(refused.err()).contains("INVALID_ARGUMENT");

        Cli.Run noScope = Cli.run(home, API.cliEnvironment(), "query", "SELECT 1");
        assertThat(noScope.exitCode()).isEqualTo(2);
        assertThat(noScope.err()).contains("--all-tenants");
    }
}
