package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/tenants/{key}/tables} and {@code GET /v1/tenants/{key}/activity}: the console's read-only views. */
class TenantTablesAndActivityApiTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    private final Http http = api.http();
    private final Strata strata = api.strata();

    // ---------------------------------------------------------------- tables

    @Test
    void tables_count_only_the_tenants_own_rows_where_its_data_lives() throws Exception {
        Tenant partner = strata.tenants().create(NewTenant.t1("rows-partner"));
        Tenant customer = strata.tenants().create(NewTenant.t2("rows-customer", "rows-partner"));
        insertDocuments(partner, 3);
        insertDocuments(customer, 2);

        JsonNode p = ok(http.get("/v1/tenants/rows-partner/tables"));
        assertThat(p.get("tenant_id").asText()).isEqualTo(partner.id().toString());
        assertThat(p.get("slug").asText()).isEqualTo("rows-partner");
        assertThat(p.get("mode").asText()).isEqualTo("database");
        assertThat(p.get("plane").asText()).isEqualTo(partner.placement().dataPlane());
        assertThat(p.get("database").asText()).isEqualTo(partner.placement().database());
        assertThat(p.get("schema").asText()).isEqualTo(partner.placement().schema());
        assertThat(p.get("schema_version").asText()).isEqualTo("1");
        assertThat(rows(p, "documents")).as("the T1's own rows, none of its T2's").isEqualTo(3);

        JsonNode c = ok(http.get("/v1/tenants/" + customer.id() + "/tables"));
        assertThat(c.get("mode").asText()).isEqualTo("rls");
        assertThat(c.get("database").asText()).isEqualTo(partner.placement().database());
        assertThat(rows(c, "documents")).isEqualTo(2);
    }

    @Test
    void tables_of_a_schema_mode_tenant_are_those_of_its_own_schema() throws Exception {
        strata.tenants().create(NewTenant.t1("rows-schema-partner"));
        Tenant vault = strata.tenants().create(NewTenant.t2("rows-vault", "rows-schema-partner").withMode(IsolationMode.SCHEMA));
        insertDocuments(vault, 4);

        JsonNode v = ok(http.get("/v1/tenants/rows-vault/tables"));
        assertThat(v.get("mode").asText()).isEqualTo("schema");
        assertThat(v.get("schema").asText()).isEqualTo(vault.placement().schema()).startsWith("t_");
        assertThat(v.get("schema_version").asText()).isEqualTo("1");
        assertThat(rows(v, "documents")).isEqualTo(4);
    }

    @Test
    void the_operator_holds_no_tables() {
        JsonNode o = ok(http.get("/v1/tenants/operator/tables"));
        assertThat(o.get("tables")).isEmpty();
        assertThat(o.get("mode").isNull()).isTrue();
        assertThat(o.get("database").isNull()).isTrue();
        assertThat(o.get("schema_version").isNull()).isTrue();
    }

    @Test
    void tables_answer_while_the_tenant_is_suspended_and_are_not_tenant_activity() throws Exception {
        Tenant quiet = strata.tenants().create(NewTenant.t1("rows-quiet"));
        insertDocuments(quiet, 1);
        strata.tenants().suspend("rows-quiet");
        long before = transactions(ok(http.get("/v1/tenants/rows-quiet/activity?window=10m")));

        assertThat(rows(ok(http.get("/v1/tenants/rows-quiet/tables")), "documents")).isEqualTo(1);
        assertThat(rows(ok(http.get("/v1/tenants/rows-quiet/tables")), "documents")).isEqualTo(1);

        assertThat(transactions(ok(http.get("/v1/tenants/rows-quiet/activity?window=10m")))).isEqualTo(before);
    }

    @Test
    void tables_and_activity_of_an_unknown_tenant_are_404_and_bad_input_is_400() {
        assertProblem(http.get("/v1/tenants/no-such-tenant/tables"), ErrorCode.TENANT_NOT_FOUND);
        assertProblem(http.get("/v1/tenants/no-such-tenant/activity"), ErrorCode.TENANT_NOT_FOUND);
        assertProblem(http.get("/v1/tenants/00000000-0000-0000-0000-000000000001/tables"), ErrorCode.TENANT_NOT_FOUND);
        assertProblem(http.get("/v1/tenants/operator/tables?rows=true"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.send("DELETE", "/v1/tenants/operator/tables"), ErrorCode.METHOD_NOT_ALLOWED);
        assertProblem(http.post("/v1/tenants/operator/activity", "{}"), ErrorCode.METHOD_NOT_ALLOWED);
        assertProblem(http.withKey(null).get("/v1/tenants/operator/tables"), ErrorCode.UNAUTHORIZED);
        assertProblem(http.withKey(null).get("/v1/tenants/operator/activity"), ErrorCode.UNAUTHORIZED);
        assertProblem(http.withKey("not-a-key").get("/v1/tenants/operator/tables"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void a_tenant_bound_key_reads_tables_and_activity_of_its_subtree_only_and_others_are_as_if_absent() {
        Assumptions.assumeTrue(http.get("/v1/openapi.json").json().path("paths").path("/v1/keys").has("post"),
                "This server has no tenant-bound keys yet (POST /v1/keys, helper keys' branch)");
        strata.tenants().create(NewTenant.t1("scope-mine"));
        strata.tenants().create(NewTenant.t2("scope-kid", "scope-mine"));
        strata.tenants().create(NewTenant.t2("scope-sibling", "scope-mine"));
        strata.tenants().create(NewTenant.t1("scope-other"));
        Http t1 = http.withKey(keyFor("scope-mine"));
        Http t2 = http.withKey(keyFor("scope-kid"));
        for (String endpoint : new String[] {"tables", "activity"}) {
            assertThat(t1.get("/v1/tenants/scope-mine/" + endpoint).status()).isEqualTo(200);
            assertThat(t1.get("/v1/tenants/scope-kid/" + endpoint).status()).isEqualTo(200);
            assertThat(t2.get("/v1/tenants/scope-kid/" + endpoint).status()).isEqualTo(200);
            for (Map.Entry<Http, String> attempt : List.of(Map.entry(t1, "scope-other"), Map.entry(t2, "scope-sibling"),
                    Map.entry(t2, "scope-mine"), Map.entry(t1, "operator"))) {
                Answer hidden = attempt.getKey().get("/v1/tenants/" + attempt.getValue() + "/" + endpoint);
                Answer absent = attempt.getKey().get("/v1/tenants/no-" + attempt.getValue() + "/" + endpoint);
                assertProblem(hidden, ErrorCode.TENANT_NOT_FOUND);
                assertThat(hidden.json().get("detail").asText()).as("exactly as if it did not exist")
                        .isEqualTo(absent.json().get("detail").asText().replace("no-" + attempt.getValue(), attempt.getValue()));
            }
        }
    }

    // ---------------------------------------------------------------- activity

    @Test
    void activity_has_a_point_per_minute_of_the_window_with_the_tenants_transactions() throws Exception {
        Tenant busy = strata.tenants().create(NewTenant.t1("series-busy"));
        Tenant other = strata.tenants().create(NewTenant.t1("series-other"));
        for (int i = 0; i < 5; i++) {
            strata.useTenant(busy.id(), scope -> scope.connection().prepareStatement("SELECT 1").executeQuery().close());
        }
        strata.useTenant(other.id(), scope -> scope.connection().prepareStatement("SELECT 1").executeQuery().close());

        JsonNode series = ok(http.get("/v1/tenants/series-busy/activity"));
        assertThat(series.get("tenant_id").asText()).isEqualTo(busy.id().toString());
        assertThat(series.get("window_seconds").asLong()).isEqualTo(3600);
        JsonNode points = series.get("points");
        assertThat(points.size()).isBetween(60, 61);
        Instant previous = null;
        for (JsonNode point : points) {
            Instant at = Instant.parse(point.get("at").asText());
            assertThat(at.getEpochSecond() % 60).as("whole minutes").isZero();
            if (previous != null) {
                assertThat(at).as("consecutive minutes, oldest first").isEqualTo(previous.plusSeconds(60));
            }
            previous = at;
        }
        assertThat(transactions(series)).as("its own work only").isEqualTo(5);
        JsonNode last = points.get(points.size() - 1);
        assertThat(last.get("transactions").asLong() + points.get(points.size() - 2).get("transactions").asLong())
                .as("in the latest minutes").isEqualTo(5);
        assertThat(points.findValues("mean_latency_ms").stream().mapToDouble(JsonNode::asDouble).max().orElse(0)).isPositive();

        assertThat(ok(http.get("/v1/tenants/series-busy/activity?window=5m")).get("points").size()).isBetween(5, 6);
        assertThat(ok(http.get("/v1/tenants/series-busy/activity?window=1d")).get("window_seconds").asLong()).isEqualTo(86400);
    }

    @Test
    void activity_refuses_a_window_outside_one_minute_to_one_day_naming_it() {
        for (String window : new String[] {"0", "30s", "2d", "abc", "-5m", "%205m", "", "5"}) {
            Answer answer = http.get("/v1/tenants/operator/activity?window=" + window);
            assertProblem(answer, ErrorCode.INVALID_ARGUMENT);
            assertThat(answer.json().get("detail").asText()).as(window).contains("window");
        }
        assertProblem(http.get("/v1/tenants/operator/activity?window=5m&window=10m"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.get("/v1/tenants/operator/activity?limit=5"), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void the_openapi_document_describes_both_answers_exactly() throws Exception {
        JsonNode doc = http.get("/v1/openapi.json").json();
        strata.tenants().create(NewTenant.t1("documented-rows"));
        JsonNode tables = ok(http.get("/v1/tenants/documented-rows/tables"));
        assertDocuments(doc, "TenantTables", tables);
        assertDocuments(doc, "TenantTableRows", tables.get("tables").get(0));
        JsonNode series = ok(http.get("/v1/tenants/documented-rows/activity?window=2m"));
        assertDocuments(doc, "TenantActivitySeries", series);
        assertDocuments(doc, "TenantActivityPoint", series.get("points").get(0));
        assertThat(doc.at("/paths/~1v1~1tenants~1{key}~1tables/get").isMissingNode()).isFalse();
        assertThat(doc.at("/paths/~1v1~1tenants~1{key}~1activity/get/parameters/1/name").asText()).isEqualTo("window");
    }

    // ---------------------------------------------------------------- helpers

    /** A new key bound to the tenant (POST /v1/keys answers its secret once). */
    private String keyFor(String tenant) {
        Answer created = http.post("/v1/keys", "{\"tenant\": \"" + tenant + "\", \"name\": \"scope-" + tenant + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("secret").asText();
    }

    private void insertDocuments(Tenant tenant, int count) throws SQLException {
        strata.useTenant(tenant.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "INSERT INTO documents (tenant_id, title) VALUES (?, ?)")) {
                for (int i = 0; i < count; i++) {
                    ps.setObject(1, tenant.id());
                    ps.setString(2, "doc " + i);
                    ps.executeUpdate();
                }
            }
        });
    }

    private static JsonNode ok(Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }

    private static long rows(JsonNode tables, String table) {
        for (JsonNode t : tables.get("tables")) {
            if (t.get("name").asText().equals(table)) {
                return t.get("rows").asLong();
            }
        }
        throw new AssertionError("no table " + table + " in " + tables);
    }

    private static long transactions(JsonNode series) {
        long sum = 0;
        for (JsonNode point : series.get("points")) {
            sum += point.get("transactions").asLong();
        }
        return sum;
    }

    private static void assertDocuments(JsonNode doc, String schema, JsonNode answer) {
        Set<String> specified = new HashSet<>();
        doc.at("/components/schemas/" + schema + "/properties").fieldNames().forEachRemaining(specified::add);
        Set<String> fields = new HashSet<>();
        answer.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as(schema).isEqualTo(specified);
        Set<String> required = new HashSet<>();
        doc.at("/components/schemas/" + schema + "/required").forEach(r -> required.add(r.asText()));
        assertThat(required).as(schema + " required").isEqualTo(specified);
    }
}
