package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Tenant;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.testing.Documents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/tenants/{key}/backups} and {@code /v1/tenants/{key}/restore}: a backup taken through
 * the API lands in the server's backup directory and is listed; a schedule is set and removed; a
 * restore to a moment says which backup it used and that it is not point-in-time; a T1 key backs
 * up and restores itself, a T2 key only reads; bad requests are refused with nothing changed.
 */
class BackupApiTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("ba-home"));
        strata.tenants().create(NewTenant.t2("ba-kid", "ba-home"));
        strata.tenants().create(NewTenant.t1("ba-solo"));
    });

    private final Http http = api.http();

    @Test
    void a_backup_is_taken_listed_and_restored_to_a_moment_with_the_backup_named() throws Exception {
        Tenant kid = api.strata().tenants().get("ba-kid");
        Documents.insert(api.strata(), kid.id(), "kept");
        Answer taken = http.post("/v1/tenants/ba-kid/backups", null);
        assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
        JsonNode backup = taken.json();
        assertThat(backup.get("status").asText()).isEqualTo("complete");
        Path file = Path.of(backup.get("path").asText());
        assertThat(file).startsWith(api.dataDir().resolve("backups")).exists();
        assertThat(Files.size(file)).isEqualTo(backup.get("size_bytes").asLong());
        Instant after = Instant.now();
        Documents.insert(api.strata(), kid.id(), "lost");

        JsonNode listing = http.get("/v1/tenants/ba-kid/backups").json();
        assertThat(listing.get("slug").asText()).isEqualTo("ba-kid");
        assertThat(listing.get("schedule").isNull()).isTrue();
        assertThat(listing.get("backups")).hasSize(1);
        assertThat(listing.get("backups").get(0).get("id").asText()).isEqualTo(backup.get("id").asText());

        Answer restored = http.post("/v1/tenants/ba-kid/restore", "{\"to\": \"" + after + "\"}");
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
        assertThat(restored.json().get("point_in_time").asBoolean()).isFalse();
        assertThat(restored.json().get("backup").asText()).isEqualTo(backup.get("id").asText());
        assertThat(restored.json().get("message").asText()).contains("from backup " + backup.get("id").asText())
                .contains("this plane has no point-in-time history");
        assertThat(Documents.stored(kid)).extracting(Documents.Doc::title).containsExactly("kept");

        JsonNode doc = http.withKey(null).get("/v1/openapi.json").json();
        assertDocumented(doc, "Backup", backup);
        assertDocumented(doc, "TenantBackups", listing);
        assertDocumented(doc, "RestoreResult", restored.json());
    }

    /** The document's schema names exactly the fields of a real answer, all required. */
    private static void assertDocumented(JsonNode doc, String schema, JsonNode answer) {
        java.util.Set<String> specified = new java.util.TreeSet<>();
        doc.at("/components/schemas/" + schema + "/properties").fieldNames().forEachRemaining(specified::add);
        java.util.Set<String> fields = new java.util.TreeSet<>();
        answer.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as(schema).isEqualTo(specified);
        java.util.Set<String> required = new java.util.TreeSet<>();
        doc.at("/components/schemas/" + schema + "/required").forEach(r -> required.add(r.asText()));
        assertThat(required).as(schema + " required").isEqualTo(specified);
    }

    @Test
    void a_schedule_is_set_shown_and_removed_and_one_under_a_minute_is_refused() {
        Answer set = http.put("/v1/tenants/ba-home/backups/schedule", "{\"every\": \"6h\", \"keep\": 3}");
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        JsonNode schedule = set.json().get("schedule");
        assertThat(schedule.get("every_seconds").asLong()).isEqualTo(6 * 3600);
        assertThat(schedule.get("keep").asInt()).isEqualTo(3);
        assertThat(http.get("/v1/tenants/ba-home/backups").json().get("schedule").get("keep").asInt()).isEqualTo(3);

        assertProblem(http.put("/v1/tenants/ba-home/backups/schedule", "{\"every\": \"30s\"}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.put("/v1/tenants/ba-home/backups/schedule", "{\"every\": \"often\"}"), ErrorCode.INVALID_ARGUMENT);
        assertThat(http.get("/v1/tenants/ba-home/backups").json().get("schedule").get("every_seconds").asLong())
                .as("unchanged by the refusals").isEqualTo(6 * 3600);

        Answer off = http.send("DELETE", "/v1/tenants/ba-home/backups/schedule");
        assertThat(off.status()).isEqualTo(200);
        assertThat(off.json().get("schedule").isNull()).isTrue();
    }

    @Test
    void a_t1_key_backs_up_and_restores_itself_and_a_t2_key_only_reads_its_backups() {
        Http t1 = api.httpAs("ba-solo");
        Answer own = t1.post("/v1/tenants/ba-solo/backups", null);
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        assertThat(own.json().get("path").isNull()).as("the server's file system is the operator's").isTrue();
        String id = own.json().get("id").asText();
        Answer restored = t1.post("/v1/tenants/ba-solo/restore", "{\"backup\": \"" + id + "\"}");
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);

        Http t2 = api.httpAs("ba-kid");
        assertThat(t2.get("/v1/tenants/ba-kid/backups").status()).isEqualTo(200);
        assertProblem(t2.post("/v1/tenants/ba-kid/backups", null), ErrorCode.FORBIDDEN);
        assertProblem(t2.post("/v1/tenants/ba-kid/restore", "{\"to\": \"" + Instant.now() + "\"}"), ErrorCode.FORBIDDEN);
    }

    @Test
    void bad_restore_requests_are_refused_clearly() {
        assertProblem(http.post("/v1/tenants/ba-home/restore", "{}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.post("/v1/tenants/ba-home/restore", "{\"backup\": \"nope\"}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.post("/v1/tenants/ba-home/restore", "{\"to\": \"yesterday\"}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.post("/v1/tenants/ba-home/restore", "{\"to\": \"2000-01-01T00:00:00Z\"}"), ErrorCode.BACKUP_NOT_FOUND);
        assertProblem(http.post("/v1/tenants/ba-home/restore", "{\"backup\": \"" + java.util.UUID.randomUUID() + "\"}"),
                ErrorCode.BACKUP_NOT_FOUND);
        assertProblem(http.post("/v1/tenants/ba-home/restore", "{\"to\": \"2000-01-01T00:00:00Z\", \"preserve_as\": \"Bad Name\"}"),
                ErrorCode.INVALID_ARGUMENT);
    }
}
