package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.NeonLocalOptions;
import dev.strata.server.api.Json;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.RunningApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata planes add --kind neon} and {@code POST /v1/planes} with {@code kind: neon}, against a
 * neon-local: the API key read from a file (a warning when others can read it) and never shown,
 * {@code planes list|show} with kind and placement, a T1 created on the Neon plane and {@code tenants
 * show} naming its Neon project and its compute's last wake-up, and clear refusals.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeonPlanesCliTest {
    private static final String KEY = "neon-cli-test-key-0123456789";
    private static RunningApi api;
    private static NeonLocal neon;
    private static dev.strata.embedded.LocalPostgres backing;
    private static Map<String, String> env;
    private static final List<Run> RUNS = new ArrayList<>();

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        // a backing server of its own, as a Neon account shares no roles with Strata's own planes
        backing = dev.strata.embedded.LocalPostgres.start(Files.createTempDirectory("neon-cli-pg"),
                dev.strata.embedded.LocalPostgres.options().durable(false));
        neon = NeonLocal.start(NeonLocalOptions.defaults(backing.host(), backing.port(), backing.user(), backing.password(), KEY)
                .withTiming(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(30)));
        api = RunningApi.start();
        env = Map.of("STRATA_API", api.baseUri().toString(), "STRATA_HOME", api.dataDir().toString());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (neon != null) {
            neon.close();
        }
        if (backing != null) {
            backing.close();
        }
        for (Run run : RUNS) {
            assertThat(run.out() + run.err()).as("no output shows the API key").doesNotContain(KEY);
        }
    }

    private Run strata(String... args) {
        Run run = Cli.run(home, env, args);
        RUNS.add(run);
        return run;
    }

    private Path keyFile(String content, String mode) throws Exception {
        Path file = Files.writeString(home.resolve("neon-key-" + mode), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    @Order(1)
    void add_refuses_a_missing_or_empty_key_file_a_wrong_key_and_an_unreachable_api() throws Exception {
        Cli.assertFailed(strata("planes", "add", "neon1", "--kind", "neon"), ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata("planes", "add", "neon1", "--kind", "neon", "--api-key-file", keyFile("\n", "rw-------").toString(),
                "--api-url", neon.apiUrl().toString()), ErrorCode.INVALID_ARGUMENT);
        Run wrongKey = strata("planes", "add", "neon1", "--kind", "neon", "--api-key-file",
                keyFile("not-the-right-key-0123456789\n", "rw-------").toString(), "--api-url", neon.apiUrl().toString());
        Cli.assertFailed(wrongKey, ErrorCode.INVALID_ARGUMENT);
        assertThat(wrongKey.err()).contains("refused the API key");
        Cli.assertFailed(strata("planes", "add", "neon1", "--kind", "neon", "--api-key-file",
                keyFile(KEY + "\n", "rw-------").toString(), "--api-url", "http://127.0.0.1:1/api/v2"), ErrorCode.DATA_PLANE_FAILED);
        Cli.assertFailed(strata("planes", "add", "neon1", "--kind", "neon", "--url", "postgresql://x@localhost/y"),
                ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata("planes", "add", "neon1", "--kind", "neon", "--api-key-file",
                keyFile(KEY + "\n", "rw-------").toString(), "--api-url", neon.apiUrl().toString(), "--placement", "branch"),
                ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata("planes", "show", "neon1"), ErrorCode.PLANE_NOT_FOUND);
    }

    @Test
    @Order(2)
    void add_reads_the_key_from_its_file_warns_when_others_can_read_it_and_list_shows_kind_and_placement() throws Exception {
        Run added = strata("planes", "add", "neon1", "--kind", "neon", "--api-key-file", keyFile(KEY + "\n", "rw-r--r--").toString(),
                "--api-url", neon.apiUrl().toString());
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.err()).contains("can be read by other users").contains("chmod 600");
        assertThat(added.out()).startsWith("Added data plane 'neon1'.")
                .containsPattern("(?m)^kind: +neon$").containsPattern("(?m)^placement: +project$");

        Run list = strata("planes", "list");
        Cli.assertSucceeded(list);
        assertThat(list.out()).containsPattern("(?m)^neon1 +neon +project +active ");
        JsonNode shown = Json.mapper().readTree(strata("planes", "show", "neon1", "--json").out());
        assertThat(shown.get("kind").asText()).isEqualTo("neon");
        assertThat(shown.get("placement").asText()).isEqualTo("project");
        assertThat(shown.get("address").asText()).isEqualTo(neon.apiUrl().toString());
    }

    @Test
    @Order(3)
    void a_t1_on_the_neon_plane_shows_its_project_and_its_computes_last_wake_up() throws Exception {
        Run created = strata("tenants", "create", "--tier", "1", "--slug", "neon-acme", "--plane", "neon1", "--json");
        Cli.assertSucceeded(created);
        JsonNode tenant = Json.mapper().readTree(created.out());
        assertThat(tenant.get("plane").asText()).isEqualTo("neon1");
        assertThat(tenant.get("compute").get("project_id").asText()).isNotEmpty();

        Run shown = strata("tenants", "show", "neon-acme");
        Cli.assertSucceeded(shown);
        assertThat(shown.out()).containsPattern("(?m)^neon project: +" + tenant.get("compute").get("project_id").asText() + "$")
                .containsPattern("(?m)^last woken: +");
    }

    @Test
    @Order(4)
    void the_rest_api_takes_the_same_fields_and_refuses_a_neon_plane_without_a_key() {
        Http http = new Http(api.baseUri(), api.adminKey());
        Http.Answer missing = http.send("POST", "/v1/planes", "{\"key\": \"neon2\", \"kind\": \"neon\"}");
        assertThat(missing.status()).as(missing.body()).isEqualTo(400);
        assertThat(missing.body()).contains("api_key");
        Http.Answer mixed = http.send("POST", "/v1/planes", "{\"key\": \"neon2\", \"url\": \"postgresql://a@b/c\", \"api_key\": \"k\"}");
        assertThat(mixed.status()).as(mixed.body()).isEqualTo(400);
        Http.Answer added = http.send("POST", "/v1/planes", "{\"key\": \"neon2\", \"kind\": \"neon\", \"api_key\": \"" + KEY
                + "\", \"api_url\": \"" + neon.apiUrl() + "\", \"region\": \"local-1\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.body()).doesNotContain(KEY);
        assertThat(added.json().get("kind").asText()).isEqualTo("neon");
        assertThat(added.json().get("region").asText()).isEqualTo("local-1");
    }
}
