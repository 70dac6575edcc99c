package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.OperationState;
import dev.strata.TenantStatus;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.InterruptedOperations;
import dev.strata.server.testing.RunningApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/operations}: list with strict filters, show, resume and abort, refused while the
 * owner lives and for bad, unknown or finished ids, with nothing changed by a refused request.
 * The server runs without automatic recovery, so an interrupted operation waits for the operator.
 */
class OperationsApiTest {
    private static RunningApi api;
    private static Http http;

    @BeforeAll
    static void start() {
        api = RunningApi.start(b -> b.automaticRecovery(false));
        http = new Http(api.baseUri(), api.adminKey());
        api.strata().tenants().create(NewTenant.t1("ops-home"));
        api.strata().tenants().create(NewTenant.t2("ops-kid", "ops-home"));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void lists_operations_newest_first_filtered_by_state_kind_tenant_and_limit() {
        JsonNode all = ok(http.get("/v1/operations")).get("operations");
        assertThat(all.size()).isGreaterThanOrEqualTo(2);
        JsonNode ofKid = ok(http.get("/v1/operations?tenant=ops-kid&kind=provision&state=succeeded")).get("operations");
        assertThat(ofKid).hasSize(1);
        JsonNode op = ofKid.get(0);
        assertThat(op.get("tenant").asText()).isEqualTo("ops-kid");
        assertThat(op.get("tenant_id").asText()).isEqualTo(api.strata().tenants().get("ops-kid").id().toString());
        assertThat(op.get("kind").asText()).isEqualTo("provision");
        assertThat(op.get("state").asText()).isEqualTo("succeeded");
        assertThat(op.get("progress").get("done").asInt()).isEqualTo(op.get("progress").get("total").asInt()).isPositive();
        assertThat(op.get("steps").get(0).get("name").asText()).isEqualTo("database");
        assertThat(op.get("steps").get(0).hasNonNull("started_at")).isTrue();
        assertThat(op.get("lease_expires_at").isNull()).isTrue();
        assertThat(ok(http.get("/v1/operations?limit=1")).get("operations")).hasSize(1);
        assertThat(ok(http.get("/v1/operations?kind=decommission")).get("operations")).isEmpty();
        assertThat(ok(http.get("/v1/operations/" + op.get("id").asText()))).isEqualTo(op);
    }

    @Test
    void unknown_and_malformed_filters_are_refused() {
        for (String query : List.of("state=done", "state=RUNNING", "kind=provisioning", "kind=", "limit=0", "limit=1001",
                "limit=abc", "limit=+1", "limit=01", "owner=me", "state=running&state=failed", "tenant=Not%20A%20Slug")) {
            assertProblem(http.get("/v1/operations?" + query), ErrorCode.INVALID_ARGUMENT);
        }
        assertProblem(http.get("/v1/operations?tenant=nobody"), ErrorCode.TENANT_NOT_FOUND);
        assertProblem(http.get("/v1/operations?tenant=" + UUID.randomUUID()), ErrorCode.TENANT_NOT_FOUND);
    }

    @Test
    void bad_and_unknown_ids_are_refused_on_every_operation_route() {
        String unknown = UUID.randomUUID().toString();
        assertProblem(http.get("/v1/operations/" + unknown), ErrorCode.OPERATION_NOT_FOUND);
        assertProblem(http.post("/v1/operations/" + unknown + "/resume", null), ErrorCode.OPERATION_NOT_FOUND);
        assertProblem(http.post("/v1/operations/" + unknown + "/abort", null), ErrorCode.OPERATION_NOT_FOUND);
        for (String bad : List.of("nope", "1-1-1-1-1", unknown + "0", "%20" + unknown, "'%3B%20DROP%20TABLE")) {
            assertProblem(http.get("/v1/operations/" + bad), ErrorCode.INVALID_ARGUMENT);
        }
        assertProblem(http.post("/v1/operations/nope/resume", null), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.post("/v1/operations/nope/abort", null), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.send("DELETE", "/v1/operations/" + unknown), ErrorCode.METHOD_NOT_ALLOWED);
        assertProblem(http.get("/v1/operations/" + unknown + "/resume"), ErrorCode.METHOD_NOT_ALLOWED);
        assertProblem(http.withKey(null).get("/v1/operations"), ErrorCode.UNAUTHORIZED);
        assertProblem(http.withKey(null).post("/v1/operations/" + unknown + "/abort", null), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void an_interrupted_provisioning_is_resumed_over_http_and_a_refused_request_changes_nothing() {
        UUID operation = InterruptedOperations.crashedProvisioning(api.strata(), NewTenant.t2("ops-crashed", "ops-home"));
        String path = "/v1/operations/" + operation;
        JsonNode before = ok(http.get(path));
        assertThat(before.get("state").asText()).isEqualTo("running");
        assertThat(before.get("phase").asText()).isEqualTo("register_locally");

        assertProblem(http.post(path + "/resume", "{\"force\": true}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.post(path + "/resume?force=true", null), ErrorCode.INVALID_ARGUMENT);
        assertThat(ok(http.get(path))).as("refused requests changed nothing").isEqualTo(before);

        JsonNode resumed = ok(http.post(path + "/resume", null));
        assertThat(resumed.get("state").asText()).isEqualTo("succeeded");
        assertThat(resumed.get("attempts").asInt()).isEqualTo(2);
        assertThat(api.strata().tenants().get("ops-crashed").status()).isEqualTo(TenantStatus.ACTIVE);
        assertProblem(http.post(path + "/resume", null), ErrorCode.INVALID_STATE);
        assertProblem(http.post(path + "/abort", null), ErrorCode.INVALID_STATE);
        assertThat(api.strata().tenants().get("ops-crashed").status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void an_interrupted_provisioning_is_aborted_over_http_and_stays_shown() {
        UUID operation = InterruptedOperations.crashedProvisioning(api.strata(), NewTenant.t1("ops-aborted"));
        JsonNode aborted = ok(http.post("/v1/operations/" + operation + "/abort", ""));
        assertThat(aborted.get("state").asText()).isEqualTo("aborted");
        assertThat(aborted.get("tenant").isNull()).as("the tenant is gone").isTrue();
        assertThat(aborted.get("tenant_id").asText()).isNotBlank();
        assertThat(api.strata().tenants().list()).noneMatch(t -> t.slug().equals("ops-aborted"));
        assertThat(ok(http.get("/v1/operations?state=aborted")).get("operations")).extracting(o -> o.get("id").asText())
                .contains(operation.toString());
    }

    @Test
    void a_live_operation_is_neither_resumed_nor_aborted_over_http() throws Exception {
        try (InterruptedOperations.Paused paused = InterruptedOperations.pausedProvisioning(api.strata(),
                NewTenant.t1("ops-live"))) {
            String path = "/v1/operations/" + paused.operation();
            String owner = api.strata().internals().operations().journal().owner();
            for (String verb : List.of("resume", "abort")) {
                Answer refused = http.post(path + "/" + verb, null);
                assertProblem(refused, ErrorCode.OPERATION_CONFLICT);
                assertThat(refused.json().get("detail").asText()).contains(owner).contains("lease runs until");
            }
            JsonNode live = ok(http.get(path));
            assertThat(live.get("state").asText()).isEqualTo("running");
            assertThat(live.get("owner").asText()).isEqualTo(owner);
            assertThat(live.get("attempts").asInt()).isEqualTo(1);
            assertThat(live.hasNonNull("lease_expires_at")).isTrue();
        }
        assertThat(api.strata().tenants().get("ops-live").status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(api.strata().operations().list(dev.strata.OperationFilter.all().withTenant("ops-live")).get(0).state())
                .isEqualTo(OperationState.SUCCEEDED);
    }

    @Test
    void the_openapi_document_describes_operations_exactly() throws Exception {
        JsonNode doc = Json.mapper().readTree(OpenApiRoute.load());
        JsonNode op = ok(http.get("/v1/operations?tenant=ops-home")).get("operations").get(0);
        assertExactly(doc, "Operation", op);
        assertExactly(doc, "OperationStep", op.get("steps").get(0));
        assertExactly(doc, "OperationList", ok(http.get("/v1/operations?limit=1")));
        Set<String> kinds = new HashSet<>();
        doc.at("/components/schemas/OperationKind/enum").forEach(k -> kinds.add(k.asText()));
        Set<String> expected = new HashSet<>();
        for (dev.strata.OperationKind k : dev.strata.OperationKind.values()) {
            expected.add(k.wireName());
        }
        assertThat(kinds).isEqualTo(expected);
        Set<String> states = new HashSet<>();
        doc.at("/components/schemas/OperationState/enum").forEach(k -> states.add(k.asText()));
        assertThat(states).hasSize(OperationState.values().length);
    }

    private static void assertExactly(JsonNode doc, String schema, JsonNode answer) {
        Set<String> specified = new HashSet<>();
        doc.at("/components/schemas/" + schema + "/properties").fieldNames().forEachRemaining(specified::add);
        Set<String> given = new HashSet<>();
        answer.fieldNames().forEachRemaining(given::add);
        assertThat(given).as(schema).isEqualTo(specified);
        Set<String> required = new HashSet<>();
        doc.at("/components/schemas/" + schema + "/required").forEach(r -> required.add(r.asText()));
        assertThat(required).as(schema + " required").isEqualTo(specified);
    }

    private static JsonNode ok(Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }
}
