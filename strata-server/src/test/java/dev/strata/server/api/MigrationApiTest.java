package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.migration.MigrationTarget;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.MigratingApi;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/migrations} against a running server whose tenants of every mode are one migration
 * behind: status lists every target, apply answers 202 with a run to follow and migrates each
 * target, a failing target does not stop the others and is retried alone, validate reports
 * drift, and every bad request is refused before anything starts and changes nothing.
 */
class MigrationApiTest {
    private static MigratingApi fixture;
    private static Http http;

    @BeforeAll
    static void start() {
        fixture = MigratingApi.start();
        http = new Http(fixture.api().baseUri(), fixture.api().adminKey());
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @BeforeEach
    void everyTenantTargetIsBehind() {
        fixture.putEveryTargetOneMigrationBack();
    }

    @Test
    void status_lists_every_app_schema_with_its_kind_tenant_version_and_pending_versions() {
        Answer answer = http.get("/v1/migrations");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode status = answer.json();
        assertThat(status.get("latest_version").asText()).isEqualTo("3");
        Set<String> kinds = new HashSet<>();
        for (JsonNode t : status.get("targets")) {
            assertThat(names(t)).containsExactlyInAnyOrder("target", "kind", "tenant", "version", "pending", "error");
            assertThat(t.get("target").asText()).matches("[^/]+/[^/]+/[^/]+");
            kinds.add(t.get("kind").asText());
        }
        assertThat(kinds).contains("template", "database", "schema", "shared");
        JsonNode db = target(status, fixture.targetOf("m-db").target());
        assertThat(db.get("kind").asText()).isEqualTo("database");
        assertThat(db.get("tenant").asText()).isEqualTo(fixture.tenant("m-db").id().toString());
        assertThat(db.get("version").asText()).isEqualTo("2");
        assertThat(db.get("pending")).extracting(JsonNode::asText).containsExactly("3");
        assertThat(db.get("error").isNull()).isTrue();
        JsonNode vault = target(status, fixture.targetOf("m-db-vault").target());
        assertThat(vault.get("kind").asText()).isEqualTo("schema");
        assertThat(vault.get("target").asText()).endsWith("/t_" + fixture.tenant("m-db-vault").id().toString().replace("-", ""));
    }

    @Test
    void apply_answers_202_with_the_journal_operation_at_its_location_and_migrates_every_target() throws Exception {
        Answer answer = http.post("/v1/migrations/apply", "{\"concurrency\": 2}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        JsonNode operation = answer.json();
        String id = operation.get("id").asText();
        assertThat(answer.header("Location")).isEqualTo("/v1/operations/" + id);
        assertThat(operation.get("kind").asText()).isEqualTo("migrate");
        Answer shown = http.get(answer.header("Location"));
        assertThat(shown.status()).as(shown.toString()).isEqualTo(200);
        assertThat(names(shown.json())).as("the same shape as GET /v1/operations/{id}").isEqualTo(names(operation));
        assertThat(shown.json().get("id").asText()).isEqualTo(id);
        assertThat(shown.json().get("kind").asText()).isEqualTo("migrate");

        JsonNode run = http.get("/v1/migrations/runs/" + id).json().get("operation");
        assertThat(run.get("id").asText()).as("the run is followed under the operation's id").isEqualTo(id);
        assertThat(run.get("kind").asText()).isEqualTo("migration");
        assertThat(run.get("concurrency").asInt()).isEqualTo(2);
        assertThat(run.get("targets")).isEmpty();

        JsonNode done = follow(id);
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.get("error").isNull()).isTrue();
        assertThat(done.get("finished_at").isNull()).isFalse();
        JsonNode result = done.get("result");
        int targets = fixture.strata().migrations().status().size();
        assertThat(result.get("total").asInt()).isEqualTo(targets);
        assertThat(result.get("failed").asInt()).isZero();
        assertThat(result.get("migrated").asInt() + result.get("up_to_date").asInt()).isEqualTo(targets);
        assertThat(done.get("done").asInt()).isEqualTo(targets);
        assertThat(done.get("result").get("journal").asText()).isEqualTo(id);
        JsonNode journaled = http.get("/v1/operations/" + id).json();
        assertThat(journaled.get("state").asText()).as(journaled.toString()).isEqualTo("succeeded");
        assertThat(journaled.get("finished_at").isNull()).isFalse();
        for (MigrationTarget t : fixture.strata().migrations().status()) {
            assertThat(t.version()).as(t.target()).isEqualTo("3");
            assertThat(t.pending()).as(t.target()).isEmpty();
            if (t.kind() != dev.strata.migration.MigrationTargetKind.TEMPLATE) {
                assertThat(MigratingApi.hasTags(t.target())).as(t.target()).isTrue();
            }
        }
    }

    @Test
    void apply_with_targets_migrates_exactly_those() {
        String vault = fixture.targetOf("m-db-vault").target();
        String schema = fixture.targetOf("m-schema").target();
        Answer answer = http.post("/v1/migrations/apply", "{\"targets\": [\"" + vault + "\", \"" + schema + "\"]}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        JsonNode done = follow(answer.json().get("id").asText());
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.get("targets")).extracting(JsonNode::asText).containsExactly(vault, schema);
        assertThat(MigratingApi.hasTags(vault)).isTrue();
        assertThat(MigratingApi.hasTags(schema)).isTrue();
        assertThat(MigratingApi.hasTags(fixture.targetOf("m-db").target())).as("not requested").isFalse();
        assertThat(fixture.targetOf("m-db").pending()).containsExactly("3");
    }

    @Test
    void a_failing_target_does_not_stop_the_others_is_reported_and_is_retried_alone() {
        String broken = fixture.targetOf("m-schema").target();
        MigratingApi.inTarget(broken, "ALTER TABLE items ADD COLUMN tags integer");
        try {
            JsonNode done = follow(http.post("/v1/migrations/apply", null).json().get("id").asText());
            assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("failed");
            JsonNode result = done.get("result");
            assertThat(result.get("failed").asInt()).isEqualTo(1);
            assertThat(result.get("failures")).hasSize(1);
            assertThat(result.get("failures").get(0).get("target").asText()).isEqualTo(broken);
            assertThat(result.get("failures").get(0).get("error").asText()).contains("tags");
            assertThat(fixture.targetOf("m-schema").pending()).as("rolled back where it was").containsExactly("3");
            for (String other : List.of("m-db", "m-db-vault")) {
                assertThat(MigratingApi.hasTags(fixture.targetOf(other).target())).as(other).isTrue();
            }
            assertThat(MigratingApi.hasTags(fixture.sharedRlsTarget().target())).isTrue();
        } finally {
            MigratingApi.inTarget(broken, "ALTER TABLE items DROP COLUMN tags");
        }
        JsonNode retried = follow(http.post("/v1/migrations/apply", "{\"targets\": [\"" + broken + "\"]}")
                .json().get("id").asText());
        assertThat(retried.get("state").asText()).as(retried.toString()).isEqualTo("succeeded");
        assertThat(retried.get("result").get("migrated").asInt()).as("that target alone").isEqualTo(1);
        assertThat(retried.get("result").get("failed").asInt()).isZero();
        assertThat(fixture.targetOf("m-schema").pending()).isEmpty();
    }

    @Test
    void a_second_apply_while_one_runs_is_refused_with_operation_conflict() throws Exception {
        String held = fixture.targetOf("m-db").target();
        String[] ds = MigratingApi.databaseAndSchema(held);
        String id;
        try (Connection lock = TestStrata.admin(ds[0]); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE \"" + ds[1] + "\".items IN ACCESS EXCLUSIVE MODE");
            Answer first = http.post("/v1/migrations/apply", "{\"concurrency\": 1}");
            assertThat(first.status()).as(first.toString()).isEqualTo(202);
            id = first.json().get("id").asText();
            assertThat(http.get("/v1/migrations/runs/" + id).json().get("operation").get("state").asText()).isEqualTo("running");
            Answer second = http.post("/v1/migrations/apply", null);
            assertProblem(second, ErrorCode.OPERATION_CONFLICT);
            assertThat(second.json().get("detail").asText()).contains(id);
            lock.rollback();
        }
        assertThat(follow(id).get("state").asText()).as("ends once the lock is gone").isIn("succeeded", "failed");
    }

    @Test
    void bad_apply_requests_are_refused_before_anything_starts_and_change_nothing() {
        String real = fixture.targetOf("m-db").target();
        List<String> bodies = List.of(
                "{\"concurrency\": 0}", "{\"concurrency\": -1}", "{\"concurrency\": 65}", "{\"concurrency\": \"4\"}",
                "{\"concurrency\": 2.5}", "{\"concurrency\": true}", "{\"concurrency\": 99999999999}",
                "{\"concurency\": 4}", "{\"target\": [\"" + real + "\"]}",
                "{\"targets\": []}", "{\"targets\": [\"nope\"]}", "{\"targets\": [\"" + real + "\", \"default/x/y\"]}",
                "{\"targets\": [\"" + real + "\", \"" + real + "\"]}", "{\"targets\": [\"\"]}", "{\"targets\": [null]}",
                "{\"targets\": [1]}", "{\"targets\": \"" + real + "\"}", "{\"targets\": {}}",
                "[]", "\"all\"", "{", "{\"concurrency\": 1} {}", "{\"concurrency\": 1, \"concurrency\": 2}");
        List<MigrationTarget> before = fixture.strata().migrations().status();
        for (String body : bodies) {
            Answer answer = http.post("/v1/migrations/apply", body);
            assertProblem(answer, ErrorCode.INVALID_ARGUMENT);
        }
        assertProblem(http.post("/v1/migrations/apply?concurrency=2", null), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.post("/v1/migrations/apply?targets=" + real, null), ErrorCode.INVALID_ARGUMENT);
        assertThat(fixture.strata().migrations().status()).isEqualTo(before);
        assertThat(MigratingApi.hasTags(real)).isFalse();
    }

    @Test
    void refusals_name_what_was_wrong() {
        assertThat(detail(http.post("/v1/migrations/apply", "{\"concurrency\": 0}"))).contains("concurrency", "1 to 64");
        assertThat(detail(http.post("/v1/migrations/apply", "{\"targets\": [\"nope\"]}")))
                .contains("Unknown migration target 'nope'", "GET /v1/migrations", "Nothing was migrated");
        assertThat(detail(http.post("/v1/migrations/apply", "{\"targets\": []}"))).contains("leave the field out");
        assertThat(detail(http.post("/v1/migrations/apply", "{\"concurency\": 4}"))).contains("concurency", "concurrency");
        assertThat(detail(http.post("/v1/migrations/apply?concurrency=2", null))).contains("concurrency");
    }

    @Test
    void runs_are_found_by_their_id_only() {
        assertProblem(http.get("/v1/migrations/runs/not-a-uuid"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.get("/v1/migrations/runs/00000000-0000-0000-0000-000000000000"), ErrorCode.ROUTE_NOT_FOUND);
        assertProblem(http.get("/v1/migrations/runs/" + "A".repeat(8) + "-0000-0000-0000-000000000000"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.send("DELETE", "/v1/migrations"), ErrorCode.METHOD_NOT_ALLOWED);
        assertProblem(http.get("/v1/migrations/apply"), ErrorCode.METHOD_NOT_ALLOWED);
        assertProblem(http.post("/v1/migrations/validate", null), ErrorCode.METHOD_NOT_ALLOWED);
        assertProblem(http.get("/v1/migrations?all=true"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.get("/v1/migrations/validate?fix=true"), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void every_migration_endpoint_requires_an_api_key() {
        Http anonymous = http.withKey(null);
        for (Answer answer : List.of(anonymous.get("/v1/migrations"), anonymous.get("/v1/migrations/validate"),
                anonymous.post("/v1/migrations/apply", null), anonymous.get("/v1/migrations/runs/00000000-0000-0000-0000-000000000000"))) {
            assertProblem(answer, ErrorCode.UNAUTHORIZED);
        }
        assertThat(fixture.targetOf("m-db").pending()).containsExactly("3");
    }

    @Test
    void validate_reports_a_changed_applied_migration_and_changes_nothing() {
        JsonNode clean = http.get("/v1/migrations/validate").json();
        assertThat(clean.get("valid").asBoolean()).as(clean.toString()).isTrue();
        assertThat(clean.get("drift")).isEmpty();

        String tampered = fixture.sharedRlsTarget().target();
        MigratingApi.inTarget(tampered, "UPDATE strata_schema_history SET checksum = checksum + 1 WHERE version = '2'");
        try {
            JsonNode report = http.get("/v1/migrations/validate").json();
            assertThat(report.get("valid").asBoolean()).isFalse();
            List<String> drifted = new ArrayList<>();
            report.get("drift").forEach(d -> drifted.add(d.get("target").asText() + "@" + d.get("version").asText()));
            assertThat(drifted).containsExactly(tampered + "@2");
            JsonNode d = report.get("drift").get(0);
            assertThat(names(d)).containsExactlyInAnyOrder("target", "version", "script", "applied_checksum",
                    "resolved_checksum", "problem");
            assertThat(d.get("applied_checksum").asInt()).isEqualTo(d.get("resolved_checksum").asInt() + 1);
        } finally {
            MigratingApi.inTarget(tampered, "UPDATE strata_schema_history SET checksum = checksum - 1 WHERE version = '2'");
        }
    }

    @Test
    void the_openapi_document_describes_the_migration_answers() {
        JsonNode doc = http.get("/v1/openapi.json").json();
        assertDocuments(doc, "MigrationStatus", http.get("/v1/migrations").json());
        assertDocuments(doc, "MigrationTarget", http.get("/v1/migrations").json().get("targets").get(0));
        assertDocuments(doc, "MigrationValidation", http.get("/v1/migrations/validate").json());
        Answer started = http.post("/v1/migrations/apply", null);
        assertDocuments(doc, "Operation", started.json());
        assertDocuments(doc, "MigrationOperation", http.get("/v1/migrations/runs/" + started.json().get("id").asText()).json());
        JsonNode run = follow(started.json().get("id").asText());
        assertDocuments(doc, "MigrationRun", run);
        assertDocuments(doc, "MigrationRunResult", run.get("result"));
        Set<String> accepted = new HashSet<>();
        for (var component : MigrationRoutes.ApplyBody.class.getRecordComponents()) {
            accepted.add(component.getName());
        }
        assertThat(names(doc.at("/components/schemas/ApplyMigrations/properties"))).isEqualTo(accepted);
    }

    /** Polls the run until it ends (bounded: a hung run fails the test, it is not a timing assertion). */
    static JsonNode follow(String id) {
        for (int i = 0; i < 1200; i++) {
            Answer answer = http.get("/v1/migrations/runs/" + id);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            JsonNode run = answer.json().get("operation");
            if (!run.get("state").asText().equals("running")) {
                return run;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("Migration run " + id + " still running after 2 minutes");
    }

    private static JsonNode target(JsonNode status, String name) {
        for (JsonNode t : status.get("targets")) {
            if (t.get("target").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("No target " + name + " in " + status);
    }

    private static String detail(Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isGreaterThanOrEqualTo(400);
        return answer.json().get("detail").asText();
    }

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
}
