package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.server.api.Json;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import dev.strata.server.testing.RunningApi;
import dev.strata.testing.SecondPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata planes add|list|show|drain} and {@code strata tenants create --plane|--region}: the
 * URL from a file or the environment, tables and --json, clear refusals, and never the password in
 * any output.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlanesCliTest {
    private static RunningApi api;
    private static Map<String, String> env;
    private static final List<Run> RUNS = new ArrayList<>();

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        api = RunningApi.start();
        env = Map.of("STRATA_API", api.baseUri().toString(), "STRATA_HOME", api.dataDir().toString());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private Run strata(String... args) {
        return strataWith(env, args);
    }

    private Run strataWith(Map<String, String> environment, String... args) {
        Run run = Cli.run(home, environment, args);
        RUNS.add(run);
        return run;
    }

    @Test
    @Order(1)
    void add_refuses_a_missing_or_doubled_url_and_bad_options_before_registering_anything() throws Exception {
        Cli.assertFailed(strata("planes", "add", "second"), ErrorCode.INVALID_ARGUMENT);
        Path file = Files.writeString(home.resolve("url"), SecondPostgres.url() + "\n");
        Cli.assertFailed(strata("planes", "add", "second", "--url", SecondPostgres.url(), "--url-file", file.toString()),
                ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata("planes", "add", "second", "--url-file", home.resolve("missing").toString()),
                ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata("planes", "add", "Second!", "--url-file", file.toString()), ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata("planes", "add", "second", "--url-file", file.toString(), "--capacity", "0"),
                ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata("planes", "add", "second", "--url", "postgresql://postgres:hunter2secret@/x"),
                ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata("planes", "show", "second"), ErrorCode.PLANE_NOT_FOUND);
    }

    @Test
    @Order(2)
    void add_reads_the_url_from_a_file_and_list_and_show_print_the_plane() throws Exception {
        Path file = Files.writeString(home.resolve("url"), SecondPostgres.url() + "\n");
        Run added = strata("planes", "add", "second", "--url-file", file.toString(), "--region", "eu-2", "--capacity", "5");
        Cli.assertSucceeded(added);
        assertThat(added.out()).startsWith("Added data plane 'second'.")
                .containsPattern("(?m)^status: +active$")
                .containsPattern("(?m)^region: +eu-2$")
                .containsPattern("(?m)^capacity: +5$")
                .containsPattern("(?m)^wal_level: +logical$");

        Run list = strata("planes", "list");
        Cli.assertSucceeded(list);
        String[] lines = list.out().split("\n");
        assertThat(lines[0]).matches("KEY +KIND +PLACEMENT +STATUS +REGION +CAPACITY +T1 DBS +TENANTS +WAL_LEVEL +ADDRESS");
        assertThat(lines).hasSize(3);
        assertThat(lines[1]).startsWith("default ");
        assertThat(lines[2]).matches("second +postgres +- +active +eu-2 +5 +0 +0 +logical +\\S+:\\d+");

        Run show = strata("planes", "show", "second", "--json");
        Cli.assertSucceeded(show);
        JsonNode plane = Json.mapper().readTree(show.out());
        assertThat(plane.get("key").asText()).isEqualTo("second");
        assertThat(plane.get("capacity").asInt()).isEqualTo(5);
    }

    @Test
    @Order(3)
    void the_url_can_come_from_the_environment() {
        Map<String, String> withUrl = new HashMap<>(env);
        withUrl.put("STRATA_PLANE_URL", SecondPostgres.url());
        Run again = strataWith(withUrl, "planes", "add", "another");
        Cli.assertFailed(again, ErrorCode.INVALID_ARGUMENT); // read and checked: the server already is plane 'second'
        assertThat(again.err()).contains("already the data plane 'second'");
    }

    @Test
    @Order(4)
    void tenants_are_created_on_a_plane_or_by_region() throws Exception {
        Run byPlane = strata("tenants", "create", "--tier", "1", "--slug", "cli-far", "--plane", "second", "--json");
        Cli.assertSucceeded(byPlane);
        assertThat(Json.mapper().readTree(byPlane.out()).get("plane").asText()).isEqualTo("second");
        Run byRegion = strata("tenants", "create", "--tier", "1", "--slug", "cli-eu", "--region", "eu-2");
        Cli.assertSucceeded(byRegion);
        assertThat(byRegion.out()).containsPattern("(?m)^plane: +second$");
        Cli.assertFailed(strata("tenants", "create", "--tier", "1", "--slug", "cli-mars", "--region", "mars"),
                ErrorCode.MOVE_REFUSED);
        Cli.assertFailed(strata("tenants", "create", "--tier", "1", "--slug", "cli-lost", "--plane", "nowhere"),
                ErrorCode.PLANE_NOT_FOUND);
    }

    @Test
    @Order(5)
    void drain_marks_the_plane_draining() {
        Run drained = strata("planes", "drain", "second");
        Cli.assertSucceeded(drained);
        assertThat(drained.out()).startsWith("Data plane 'second' is draining: no new T1 lands there.")
                .containsPattern("(?m)^status: +draining$");
        Cli.assertFailed(strata("tenants", "create", "--tier", "1", "--slug", "cli-late", "--plane", "second"),
                ErrorCode.MOVE_REFUSED);
        Cli.assertFailed(strata("planes", "drain", "nowhere"), ErrorCode.PLANE_NOT_FOUND);
    }

    @Test
    @Order(6)
    void no_output_ever_showed_the_password() {
        String password = SecondPostgres.server().password();
        for (Run run : RUNS) {
            assertThat(run.out() + run.err()).as(run.toString()).doesNotContain(password).doesNotContain("hunter2secret");
        }
    }
}
