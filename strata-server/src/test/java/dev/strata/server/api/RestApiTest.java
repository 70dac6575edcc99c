package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class RestApiTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    private final Http http = api.http();

    // ---------------------------------------------------------------- authentication

    @Test
    void every_v1_request_without_a_key_is_refused_with_401_problem() {
        Http anonymous = http.withKey(null);
        for (Answer answer : List.of(anonymous.get("/v1/tenants"), anonymous.get("/v1/keys"), anonymous.get("/metrics"),
                anonymous.get("/v1/audit"), anonymous.post("/v1/tenants", "{\"tier\":1,\"slug\":\"sneaky\"}"),
                anonymous.get("/v1/no-such-route"))) {
            assertProblem(answer, ErrorCode.UNAUTHORIZED);
            assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
        }
        assertThat(api.strata().tenants().list()).noneMatch(t -> t.slug().equals("sneaky"));
    }

    @Test
    void a_wrong_or_malformed_key_is_refused_with_401_problem() {
        assertProblem(http.withKey("strata_" + "A".repeat(43)).get("/v1/tenants"), ErrorCode.UNAUTHORIZED);
        assertProblem(http.withKey("x".repeat(5000)).get("/v1/tenants"), ErrorCode.UNAUTHORIZED);
        assertProblem(http.withKey(api.adminKey() + "x").get("/v1/tenants"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void a_revoked_key_is_refused_and_a_live_one_records_its_name_as_actor() {
        ApiKeys.Created ops = api.keys().create("ops-team");
        Http opsHttp = http.withKey(ops.secret());
        Answer created = opsHttp.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"keyed\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode events = http.get("/v1/tenants/keyed/history").json().get("events");
        assertThat(events.get(events.size() - 1).get("actor").asText()).isEqualTo("api-key:ops-team (" + ops.key().id() + ")");

        api.keys().revoke(ops.key().id());
        assertProblem(opsHttp.get("/v1/tenants"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void the_stored_key_is_only_a_sha256_hash() {
        long plain = Snapshot.countWhere(api.strata(), "SELECT count(*) FROM platform.api_keys WHERE key_hash = convert_to(?, 'UTF8')",
                api.adminKey());
        long hashed = Snapshot.countWhere(api.strata(), "SELECT count(*) FROM platform.api_keys WHERE key_hash = sha256(convert_to(?, 'UTF8'))",
                api.adminKey());
        assertThat(plain).isZero();
        assertThat(hashed).isEqualTo(1);
    }

    // ---------------------------------------------------------------- service endpoints

    @Test
    void health_answers_ok_without_a_key() {
        Answer answer = http.withKey(null).get("/health");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.json().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void unknown_routes_with_a_key_are_404_problem() {
        assertProblem(http.get("/v1/nothing-here"), ErrorCode.ROUTE_NOT_FOUND);
        assertProblem(http.send("DELETE", "/v1/tenants"), ErrorCode.METHOD_NOT_ALLOWED);
        assertProblem(http.get("/nothing"), ErrorCode.ROUTE_NOT_FOUND);
    }

    @Test
    void openapi_document_is_served_as_is_and_lists_exactly_the_served_operations_and_their_fields() throws Exception {
        Answer answer = http.get("/v1/openapi.json");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(OpenApiRoute.load());
        JsonNode doc = answer.json();
        assertThat(doc.get("openapi").asText()).startsWith("3.1");

        Set<String> documented = new HashSet<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        Set<String> served = new HashSet<>();
        api.server().endpoints().forEach(e -> served.add(e.method().name() + " " + e.path()));
        assertThat(documented).isEqualTo(served);

        List<String> codes = new ArrayList<>();
        doc.at("/components/schemas/Problem/properties/code/enum").forEach(c -> codes.add(c.asText()));
        assertThat(codes).containsExactlyInAnyOrderElementsOf(Arrays.stream(ErrorCode.values()).map(Enum::name).toList());

        doc.findValues("$ref").forEach(ref -> assertThat(doc.at(ref.asText().substring(1)).isMissingNode())
                .as("reference %s resolves", ref.asText()).isFalse());
        assertDocuments(doc, "Tenant", http.get("/v1/tenants/operator").json());

        Tenant busy = api.strata().tenants().create(NewTenant.t1("documented"));
        api.strata().useTenant(busy.id(), scope -> { });
        JsonNode top = http.get("/v1/tenants/top").json();
        assertDocuments(doc, "TopTenants", top);
        assertDocuments(doc, "TenantActivity", top.get("tenants").get(0));
        assertDocuments(doc, "TenantLimits", http.get("/v1/tenants/documented/limits").json());
        Set<String> accepted = new HashSet<>();
        for (var component : LimitRoutes.LimitsRequest.class.getRecordComponents()) {
            accepted.add(component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT));
        }
        assertThat(names(doc.at("/components/schemas/SetTenantLimits/properties"))).isEqualTo(accepted);
    }

    /** The schema names exactly the fields of a real answer, all of them required. */
    private static void assertDocuments(JsonNode doc, String schema, JsonNode answer) {
        Set<String> specified = names(doc.at("/components/schemas/" + schema + "/properties"));
        assertThat(names(answer)).as(schema).isEqualTo(specified);
        Set<String> required = new HashSet<>();
        doc.at("/components/schemas/" + schema + "/required").forEach(r -> required.add(r.asText()));
        assertThat(required).as(schema + " required").isEqualTo(specified);
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ---------------------------------------------------------------- life cycle

    @Test
    void full_lifecycle_create_list_show_suspend_resume_decommission() {
        Answer created = http.post("/v1/tenants",
                "{\"tier\": 1, \"slug\": \"life\", \"name\": \"Life Corp\", \"region\": \"eu-west\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode t1 = created.json();
        String id = t1.get("id").asText();
        assertThat(created.header("Location")).isEqualTo("/v1/tenants/" + id);
        assertThat(t1.get("slug").asText()).isEqualTo("life");
        assertThat(t1.get("name").asText()).isEqualTo("Life Corp");
        assertThat(t1.get("tier").asInt()).isEqualTo(1);
        assertThat(t1.get("parent").asText()).isEqualTo("operator");
        assertThat(t1.get("parent_id").asText()).isEqualTo(api.strata().tenants().operator().id().toString());
        assertThat(t1.get("status").asText()).isEqualTo("active");
        assertThat(t1.get("mode").asText()).isEqualTo("database");
        assertThat(t1.get("database").asText()).isEqualTo(api.strata().config().namespace() + "_t_" + id.replace("-", ""));
        assertThat(t1.get("schema").asText()).isEqualTo("app");
        assertThat(t1.get("region").asText()).isEqualTo("eu-west");
        assertThat(t1.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        Answer child = http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"life-kid\", \"parent\": \"life\"}");
        assertThat(child.status()).isEqualTo(201);
        assertThat(child.json().get("mode").asText()).isEqualTo("rls");
        assertThat(child.json().get("database").asText()).isEqualTo(t1.get("database").asText());
        assertThat(child.json().get("parent").asText()).isEqualTo("life");

        JsonNode listed = http.get("/v1/tenants?parent=life").json().get("tenants");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("slug").asText()).isEqualTo("life-kid");
        assertThat(slugs(http.get("/v1/tenants").json())).contains("operator", "life", "life-kid");
        assertThat(slugs(http.get("/v1/tenants?tier=2&status=active").json())).contains("life-kid").doesNotContain("life");

        assertThat(http.get("/v1/tenants/" + id).json()).isEqualTo(t1);
        assertThat(http.get("/v1/tenants/life").json().get("id").asText()).isEqualTo(id);

        Answer suspended = http.post("/v1/tenants/life/suspend", null);
        assertThat(suspended.status()).isEqualTo(200);
        assertThat(suspended.json().get("status").asText()).isEqualTo("suspended");
        assertThat(slugs(http.get("/v1/tenants?status=suspended").json())).contains("life");
        assertThat(http.post("/v1/tenants/life/resume", null).json().get("status").asText()).isEqualTo("active");

        Answer unconfirmed = http.post("/v1/tenants/life-kid/decommission", "{\"confirm\": false}");
        assertProblem(unconfirmed, ErrorCode.CONFIRMATION_REQUIRED);
        assertProblem(http.post("/v1/tenants/life-kid/decommission", null), ErrorCode.CONFIRMATION_REQUIRED);
        assertThat(api.strata().tenants().get("life-kid").status()).isEqualTo(TenantStatus.ACTIVE);

        Answer gone = http.post("/v1/tenants/life/decommission", "{\"confirm\": true, \"cascade\": true}");
        assertThat(gone.status()).isEqualTo(200);
        assertThat(gone.json().get("status").asText()).isEqualTo("decommissioned");
        assertThat(api.strata().tenants().get("life-kid").status()).isEqualTo(TenantStatus.DECOMMISSIONED);

        JsonNode history = http.get("/v1/tenants/" + id + "/history").json();
        assertThat(history.get("slug").asText()).isEqualTo("life");
        List<String> actions = new ArrayList<>();
        history.get("events").forEach(e -> {
            actions.add(e.get("action").asText());
            assertThat(e.get("actor").asText()).isEqualTo(api.adminActor());
            assertThat(e.get("detail").isObject()).isTrue();
        });
        assertThat(actions).containsExactly("created", "suspended", "resumed", "decommissioned");
    }

    // ---------------------------------------------------------------- bad input: specific problem, nothing written

    @Test
    void unknown_tenant_is_404_tenant_not_found() {
        assertProblem(http.get("/v1/tenants/nobody-here"), ErrorCode.TENANT_NOT_FOUND);
        assertProblem(http.get("/v1/tenants/" + UUID.randomUUID()), ErrorCode.TENANT_NOT_FOUND);
        assertUnchanged(() -> http.post("/v1/tenants/nobody-here/suspend", null), ErrorCode.TENANT_NOT_FOUND);
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"orphan\", \"parent\": \"nobody-here\"}"),
                ErrorCode.TENANT_NOT_FOUND);
        assertProblem(http.get("/v1/tenants/nobody-here/export"), ErrorCode.TENANT_NOT_FOUND);
        assertProblem(http.get("/v1/tenants?parent=nobody-here"), ErrorCode.TENANT_NOT_FOUND);
    }

    @Test
    void malformed_id_is_400_invalid_argument() {
        assertProblem(http.get("/v1/tenants/12345678-ZZZZ"), ErrorCode.INVALID_ARGUMENT);
        assertUnchanged(() -> http.post("/v1/tenants/Not%20A%20Key/suspend", null), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void t2_under_a_t2_is_422_invalid_hierarchy() {
        createT1("hier");
        create("{\"tier\": 2, \"slug\": \"hier-kid\", \"parent\": \"hier\"}");
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"hier-grandkid\", \"parent\": \"hier-kid\"}"),
                ErrorCode.INVALID_HIERARCHY);
    }

    @Test
    void t2_without_parent_is_422_invalid_hierarchy() {
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"lonely\"}"), ErrorCode.INVALID_HIERARCHY);
    }

    @Test
    void duplicate_slug_is_409() {
        createT1("dupe");
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"dupe\"}"), ErrorCode.DUPLICATE_SLUG);
    }

    @Test
    void malformed_slug_is_422_invalid_slug() {
        for (String slug : List.of("Bad Slug", "1abc", "a", "x".repeat(64), "semi;colon")) {
            assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"" + slug + "\"}"), ErrorCode.INVALID_SLUG);
        }
    }

    @Test
    void unknown_mode_or_tier_is_400_invalid_argument() {
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"moody\", \"mode\": \"sharded\"}"),
                ErrorCode.INVALID_ARGUMENT);
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 7, \"slug\": \"moody\"}"), ErrorCode.INVALID_ARGUMENT);
        assertUnchanged(() -> http.post("/v1/tenants", "{\"slug\": \"moody\"}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.get("/v1/tenants?tier=9"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.get("/v1/tenants?status=sleeping"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.get("/v1/tenants?colour=blue"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.post("/v1/tenants/import?mode=sharded", new byte[] {1, 2, 3}, "application/zip"),
                ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void malformed_json_is_400_invalid_argument() {
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": "), ErrorCode.INVALID_ARGUMENT);
        assertUnchanged(() -> http.post("/v1/tenants", "[1, 2]"), ErrorCode.INVALID_ARGUMENT);
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"jason\", \"colour\": \"blue\"}"),
                ErrorCode.INVALID_ARGUMENT);
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"jason\", \"slug\": \"other\"}"),
                ErrorCode.INVALID_ARGUMENT);
        assertUnchanged(() -> http.post("/v1/tenants", null), ErrorCode.INVALID_ARGUMENT);
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"" + "x".repeat(70_000) + "\"}"),
                ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void work_on_a_suspended_tenant_is_423_tenant_suspended() {
        createT1("sleepy");
        assertThat(http.post("/v1/tenants/sleepy/suspend", null).status()).isEqualTo(200);
        assertUnchanged(() -> http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"sleepy-kid\", \"parent\": \"sleepy\"}"),
                ErrorCode.TENANT_SUSPENDED);
    }

    @Test
    void decommission_of_a_t1_with_live_t2s_is_409_has_children() {
        createT1("parent-co");
        create("{\"tier\": 2, \"slug\": \"parent-co-kid\", \"parent\": \"parent-co\"}");
        assertUnchanged(() -> http.post("/v1/tenants/parent-co/decommission", "{\"confirm\": true}"), ErrorCode.HAS_CHILDREN);
        assertThat(api.strata().tenants().get("parent-co").status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void decommission_without_confirm_is_400_and_keeps_the_data() {
        createT1("keeper");
        assertUnchanged(() -> http.post("/v1/tenants/keeper/decommission", "{\"cascade\": true}"), ErrorCode.CONFIRMATION_REQUIRED);
        assertThat(api.strata().tenants().get("keeper").status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void the_operator_cannot_be_suspended() {
        assertUnchanged(() -> http.post("/v1/tenants/operator/suspend", null), ErrorCode.INVALID_HIERARCHY);
    }

    // ---------------------------------------------------------------- archives and audit (once implemented)

    @Test
    void audit_answers_the_report() {
        assumeImplemented(() -> api.strata().audit());
        Answer answer = http.get("/v1/audit");
        assertThat(answer.status()).isEqualTo(200);
        JsonNode report = answer.json();
        assertThat(report.get("passed").asBoolean()).isEqualTo(report.get("violations").asLong() == 0);
        assertThat(report.has("findings")).isTrue();
    }

    @Test
    void export_streams_a_zip_and_import_restores_it_under_a_new_slug() {
        Tenant source = api.strata().tenants().create(NewTenant.t1("archived"));
        assumeImplemented(() -> api.strata().exportTenant(source.slug(), java.io.OutputStream.nullOutputStream()));
        Answer export = http.get("/v1/tenants/archived/export");
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.contentType()).isEqualTo("application/zip");
        assertThat(export.header("Content-Disposition")).contains("archived.strata.zip");
        assertThat(export.body()).as("zip magic").startsWith("PK");
    }

    // ---------------------------------------------------------------- helpers

    private static void assumeImplemented(Runnable probe) {
        try {
            probe.run();
        } catch (UnsupportedOperationException e) {
            assumeThat(false).as("not implemented in this build: " + e.getMessage()).isTrue();
        }
    }

    private void createT1(String slug) {
        create("{\"tier\": 1, \"slug\": \"" + slug + "\"}");
    }

    private JsonNode create(String body) {
        Answer answer = http.post("/v1/tenants", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        return answer.json();
    }

    private static List<String> slugs(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("tenants").forEach(t -> out.add(t.get("slug").asText()));
        return out;
    }

    /** The request is refused with the code's problem and the registry and server are as before. */
    private static void assertUnchanged(Supplier<Answer> request, ErrorCode code) {
        Snapshot before = Snapshot.of(api.strata());
        assertProblem(request.get(), code);
        assertThat(Snapshot.of(api.strata())).isEqualTo(before);
    }

    static void assertProblem(Answer answer, ErrorCode code) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(code.httpStatus());
        assertThat(answer.contentType()).as(answer.toString()).startsWith("application/problem+json");
        JsonNode problem = answer.json();
        assertThat(problem.get("code").asText()).isEqualTo(code.name());
        assertThat(problem.get("status").asInt()).isEqualTo(code.httpStatus());
        assertThat(problem.get("type").asText()).startsWith("urn:strata:problem:");
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
    }
}
