package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.archive.ArchiveLimits;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API refuses what it should: JSON values of the wrong type (no coercion of any kind), unknown
 * or duplicate fields, trailing content, query parameters that are unknown, repeated, empty or not
 * in their exact form, bodies where none is taken, slugs shaped like ids, display names that
 * disguise text, oversized or malformed archives, and methods a path does not have. Each gets a
 * specific 4xx problem and changes nothing.
 */
class StrictInputTest {
    private static final long KIB = 1024;

    @RegisterExtension
    static final ApiExtension api = ApiExtension
            .configured(b -> b.archiveLimits(new ArchiveLimits(256 * KIB, 1024 * KIB, 1024 * KIB, 20)))
            .withSetUp(strata -> {
                strata.tenants().create(NewTenant.t1("strict-t1"));
                strata.tenants().create(NewTenant.t2("strict-t2", "strict-t1"));
            });

    private final Http http = api.http();

    // ---------------------------------------------------------------- JSON: no coercion

    @Test
    void a_tier_that_is_not_the_json_number_1_or_2_is_refused() {
        for (String tier : List.of("\"1\"", "\"2\"", "\"T1\"", "\"t2\"", "1.0", "2.5", "true", "[1]", "{\"level\": 1}", "1e0")) {
            assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", "{\"tier\": " + tier + ", \"slug\": \"coerced\"}"),
                    ErrorCode.INVALID_ARGUMENT, "tier");
        }
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", "{\"tier\": 3, \"slug\": \"coerced\"}"),
                ErrorCode.INVALID_ARGUMENT, "use 1 (partner) or 2 (customer)");
        Answer zero = http.post("/v1/tenants", "{\"tier\": 0, \"slug\": \"coerced\"}");
        assertProblem(zero, ErrorCode.INVALID_HIERARCHY);
        assertThat(zero.json().get("detail").asText()).contains("operator").doesNotContain("use 0");
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", "{\"tier\": null, \"slug\": \"coerced\"}"),
                ErrorCode.INVALID_ARGUMENT, "tier");
    }

    @Test
    void text_fields_given_numbers_booleans_or_structures_are_refused() {
        for (String field : List.of("slug", "parent", "name", "mode", "region")) {
            for (String value : List.of("12", "1.5", "true", "[\"x\"]", "{\"x\": 1}")) {
                String body = "{\"tier\": 2, \"slug\": \"coerced\", \"parent\": \"strict-t1\", \"" + field + "\": " + value + "}";
                if (field.equals("slug")) {
                    body = "{\"tier\": 2, \"parent\": \"strict-t1\", \"slug\": " + value + "}";
                }
                String b = body;
                assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", b), ErrorCode.INVALID_ARGUMENT, field);
            }
        }
    }

    @Test
    void a_decommission_is_confirmed_only_by_the_json_boolean_true() {
        for (String confirm : List.of("1", "\"true\"", "\"TRUE\"", "\"yes\"", "[true]", "1.0", "{}")) {
            assertRefusedAndNothingWritten(() -> http.post("/v1/tenants/strict-t2/decommission", "{\"confirm\": " + confirm + "}"),
                    ErrorCode.INVALID_ARGUMENT, "confirm");
        }
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants/strict-t2/decommission",
                "{\"confirm\": true, \"cascade\": \"false\"}"), ErrorCode.INVALID_ARGUMENT, "cascade");
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants/strict-t2/decommission", "{\"confirm\": null}"),
                ErrorCode.CONFIRMATION_REQUIRED, "\"confirm\": true");
        assertThat(api.strata().tenants().get("strict-t2").status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void limits_are_whole_json_numbers_only() {
        for (String value : List.of("\"5\"", "5.0", "5.5", "true", "[5]", "null", "99999999999999999999")) {
            String body = "{\"max_concurrent_transactions\": " + value + ", \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 0}";
            assertRefusedAndNothingWritten(() -> http.put("/v1/tenants/strict-t2/limits", body), ErrorCode.INVALID_ARGUMENT,
                    "max_concurrent_transactions");
        }
        assertRefusedAndNothingWritten(() -> http.put("/v1/tenants/strict-t2/limits",
                        "{\"max_concurrent_transactions\": 5, \"acquire_timeout_ms\": \"100\", \"statement_timeout_ms\": 0}"),
                ErrorCode.INVALID_ARGUMENT, "acquire_timeout_ms");
    }

    @Test
    void unknown_fields_duplicate_keys_trailing_content_and_non_objects_are_refused() {
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"coerced\", \"tenant_id\": \"x\"}"),
                ErrorCode.INVALID_ARGUMENT, "tenant_id");
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"coerced\", \"slug\": \"other\"}"),
                ErrorCode.INVALID_ARGUMENT, "slug");
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"coerced\"} {}"),
                ErrorCode.INVALID_ARGUMENT, "JSON");
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"coerced\"} x"),
                ErrorCode.INVALID_ARGUMENT, "JSON");
        for (String body : List.of("[]", "\"tenant\"", "1", "true", "[{\"tier\": 1, \"slug\": \"coerced\"}]")) {
            assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", body), ErrorCode.INVALID_ARGUMENT, "JSON object");
        }
    }

    @Test
    void a_mode_must_be_written_exactly() {
        for (String mode : List.of("RLS", " rls", "Schema", "db", "")) {
            assertRefusedAndNothingWritten(() -> http.post("/v1/tenants",
                    "{\"tier\": 2, \"slug\": \"coerced\", \"parent\": \"strict-t1\", \"mode\": \"" + mode + "\"}"),
                    ErrorCode.INVALID_ARGUMENT, "rls, schema or database");
        }
    }

    @Test
    void an_endpoint_that_takes_no_body_refuses_one() {
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants/strict-t2/suspend", "{\"force\": true}"),
                ErrorCode.INVALID_ARGUMENT, "no request body");
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants/strict-t2/resume", "{}"), ErrorCode.INVALID_ARGUMENT,
                "no request body");
        assertThat(api.strata().tenants().get("strict-t2").status()).isEqualTo(TenantStatus.ACTIVE);
    }

    // ---------------------------------------------------------------- query parameters

    @Test
    void query_parameters_are_refused_when_unknown_repeated_empty_or_not_exact() {
        List<String> refused = List.of("/v1/tenants?tier=T1", "/v1/tenants?tier=01", "/v1/tenants?tier=%201",
                "/v1/tenants?tier=1&tier=2", "/v1/tenants?tier=", "/v1/tenants?status=ACTIVE", "/v1/tenants?status=",
                "/v1/tenants?parent=", "/v1/tenants?all=yes", "/v1/tenants?all=1", "/v1/tenants?sort=slug",
                "/v1/tenants/top?limit=%2B5", "/v1/tenants/top?limit=05", "/v1/tenants/top?limit=%205",
                "/v1/tenants/top?window=%205m", "/v1/tenants/top?limit=5&limit=6",
                "/v1/tenants/strict-t2?verbose=true", "/v1/tenants/strict-t2/history?offset=5",
                "/v1/tenants/strict-t2/limits?x=1", "/v1/tenants/strict-t2/export?format=tar", "/v1/audit?deep=true",
                "/v1/openapi.json?v=2");
        for (String path : refused) {
            Answer answer = http.get(path);
            assertProblem(answer, ErrorCode.INVALID_ARGUMENT);
            assertThat(answer.json().get("detail").asText()).as(path).contains("arameter");
        }
        for (String path : List.of("/v1/tenants/import?mode=RLS", "/v1/tenants/import?mode=", "/v1/tenants/import?slug=",
                "/v1/tenants/import?slug=a&slug=b", "/v1/tenants/import?as_new_slug=x")) {
            assertRefusedAndNothingWritten(() -> http.post(path, new byte[] {1}, "application/zip"), ErrorCode.INVALID_ARGUMENT, "");
        }
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants?dry_run=true", "{\"tier\": 1, \"slug\": \"coerced\"}"),
                ErrorCode.INVALID_ARGUMENT, "dry_run");
    }

    @Test
    void the_list_leaves_decommissioned_tenants_out_unless_asked() {
        Tenant gone = api.strata().tenants().create(NewTenant.t2("strict-gone", "strict-t1"));
        api.strata().tenants().decommission(gone.id().toString(), false);
        assertThat(slugs(http.get("/v1/tenants").json())).contains("strict-t1", "strict-t2").doesNotContain("strict-gone");
        assertThat(slugs(http.get("/v1/tenants?all=false").json())).doesNotContain("strict-gone");
        assertThat(slugs(http.get("/v1/tenants?all=true").json())).contains("strict-gone", "strict-t2");
        assertThat(slugs(http.get("/v1/tenants?status=decommissioned").json())).contains("strict-gone").doesNotContain("strict-t2");
    }

    // ---------------------------------------------------------------- slugs and names

    @Test
    void a_slug_shaped_like_a_uuid_is_refused_everywhere_a_slug_is_accepted() throws Exception {
        String existing = api.strata().tenants().get("strict-t1").id().toString();
        String shaped = Character.isLetter(existing.charAt(0)) ? existing : "e" + existing.substring(1);
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"" + shaped + "\"}"),
                ErrorCode.INVALID_SLUG, "UUID");
        byte[] archive = http.getBytes("/v1/tenants/strict-t2/export");
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants/import?slug=" + shaped, archive, "application/zip"),
                ErrorCode.INVALID_SLUG, "UUID");
    }

    @Test
    void a_display_name_with_control_or_invisible_format_characters_is_refused() {
        for (String escaped : List.of("\\u202E", "\\u2066", "\\u200B", "\\uFEFF", "\\u0007", "\\n", "\\t", "\\u2028",
                "\\u00AD", "\\u061C", "\\uD800", "\\uE000", "\\u0378")) {
            assertRefusedAndNothingWritten(() -> http.post("/v1/tenants",
                            "{\"tier\": 2, \"slug\": \"coerced\", \"parent\": \"strict-t1\", \"name\": \"Acme" + escaped + "Corp\"}"),
                    ErrorCode.INVALID_ARGUMENT, "Display name");
        }
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants",
                        "{\"tier\": 2, \"slug\": \"coerced\", \"parent\": \"strict-t1\", \"name\": \"" + "n".repeat(201) + "\"}"),
                ErrorCode.INVALID_ARGUMENT, "200");
    }

    // ---------------------------------------------------------------- archives

    @Test
    void an_upload_over_the_bound_is_refused_by_its_content_length_before_it_is_read() throws Exception {
        byte[] big = new byte[(int) (300 * KIB)];
        new Random(1).nextBytes(big);
        Answer answer = assertRefusedAndNothingWritten(() -> http.post("/v1/tenants/import", big, "application/zip"),
                ErrorCode.ARCHIVE_TOO_LARGE, "256 KiB");
        assertThat(answer.status()).isEqualTo(413);
    }

    @Test
    void a_chunked_upload_over_the_bound_is_refused_as_it_arrives() throws Exception {
        byte[] big = new byte[(int) (300 * KIB)];
        new Random(2).nextBytes(big);
        Answer answer = assertRefusedAndNothingWritten(() -> http.postChunked("/v1/tenants/import",
                new ByteArrayInputStream(big), "application/zip"), ErrorCode.ARCHIVE_TOO_LARGE, "256 KiB");
        assertThat(answer.status()).isEqualTo(413);
    }

    @Test
    void a_zip_bomb_is_refused_with_the_inflated_bound_named() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("tables/documents.copy"));
            byte[] zeros = new byte[64 * 1024];
            for (int i = 0; i < 64; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write("{}".getBytes());
            zip.closeEntry();
        }
        assertThat(bytes.size()).isLessThan((int) (64 * KIB));
        assertRefusedAndNothingWritten(() -> http.post("/v1/tenants/import", bytes.toByteArray(), "application/zip"),
                ErrorCode.ARCHIVE_TOO_LARGE, "1 MiB");
    }

    // ---------------------------------------------------------------- methods

    @Test
    void a_method_a_path_does_not_have_is_405_with_allow_listing_those_it_has() {
        List<String[]> cases = List.of(
                new String[] {"DELETE", "/v1/tenants", "GET, POST"},
                new String[] {"PUT", "/v1/tenants", "GET, POST"},
                new String[] {"PATCH", "/v1/tenants/strict-t2", "GET"},
                new String[] {"DELETE", "/v1/tenants/strict-t2", "GET"},
                new String[] {"GET", "/v1/tenants/strict-t2/suspend", "POST"},
                new String[] {"PUT", "/v1/tenants/strict-t2/resume", "POST"},
                new String[] {"GET", "/v1/tenants/strict-t2/decommission", "POST"},
                new String[] {"POST", "/v1/tenants/strict-t2/history", "GET"},
                new String[] {"POST", "/v1/tenants/strict-t2/limits", "DELETE, GET, PUT"},
                new String[] {"PATCH", "/v1/tenants/strict-t2/limits/", "DELETE, GET, PUT"},
                new String[] {"POST", "/v1/tenants/strict-t2/export", "GET"},
                new String[] {"PUT", "/v1/tenants/import", "GET, POST"},
                new String[] {"POST", "/v1/tenants/top", "GET"},
                new String[] {"DELETE", "/v1/audit", "GET"},
                new String[] {"POST", "/v1/openapi.json", "GET"});
        for (String[] c : cases) {
            Snapshot before = Snapshot.of(api.strata());
            Answer answer = http.send(c[0], c[1]);
            assertProblem(answer, ErrorCode.METHOD_NOT_ALLOWED);
            assertThat(answer.status()).isEqualTo(405);
            assertThat(answer.header("Allow")).as(c[0] + " " + c[1]).isEqualTo(c[2]);
            assertThat(Snapshot.of(api.strata())).isEqualTo(before);
        }
        assertProblem(http.get("/v1/nothing-here"), ErrorCode.ROUTE_NOT_FOUND);
        assertProblem(http.send("DELETE", "/v1/tenants/strict-t2/nothing"), ErrorCode.ROUTE_NOT_FOUND);
    }

    @Test
    void every_served_path_answers_405_for_every_method_it_does_not_have() {
        Set<String> methods = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");
        for (ApiEndpoint endpoint : api.server().endpoints()) {
            String path = endpoint.path().replaceAll("\\{[a-z]+}", "strict-t2");
            Set<String> allowed = ErrorResponses.allowedMethods(path, api.server().endpoints());
            assertThat(allowed).contains(endpoint.method().name());
            if (path.equals("/health")) {
                continue;
            }
            for (String method : methods) {
                if (!allowed.contains(method)) {
                    Answer answer = http.send(method, path);
                    assertThat(answer.status()).as(method + " " + path + ": " + answer).isEqualTo(405);
                    assertThat(answer.header("Allow")).as(method + " " + path).isEqualTo(String.join(", ", allowed));
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Answer assertRefusedAndNothingWritten(Supplier<Answer> request, ErrorCode code, String detailPart) {
        Snapshot before = Snapshot.of(api.strata());
        Answer answer = request.get();
        assertProblem(answer, code);
        assertThat(answer.json().get("detail").asText()).as(answer.toString()).contains(detailPart);
        assertThat(Snapshot.of(api.strata())).as(answer.toString()).isEqualTo(before);
        assertThat(api.strata().tenants().list()).extracting(Tenant::slug).doesNotContain("coerced");
        return answer;
    }

    private static List<String> slugs(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.get("tenants").forEach(t -> out.add(t.get("slug").asText()));
        return out;
    }
}
