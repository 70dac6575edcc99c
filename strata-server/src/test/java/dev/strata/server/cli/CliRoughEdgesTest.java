package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Tenant;
import dev.strata.server.api.Json;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.BinaryRun;
import dev.strata.server.testing.Cli.Run;
import dev.strata.server.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.strata.server.testing.Cli.assertFailed;
import static dev.strata.server.testing.Cli.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

/** The command line tried as a new user would: each rough edge of issue 12 and its relatives. */
class CliRoughEdgesTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> strata.tenants().create(NewTenant.t1("edge-t1")));

    @TempDir
    Path home;

    private Run strata(String... args) {
        return Cli.run(home, api.cliEnvironment(), args);
    }

    @Test
    void show_top_shows_the_tenant_slugged_top_not_the_activity_route() throws Exception {
        Tenant top = api.strata().tenants().create(NewTenant.t2("top", "edge-t1").withDisplayName("Top Shop"));
        Run shown = strata("tenants", "show", "top");
        assertSucceeded(shown);
        assertThat(shown.out()).containsPattern("(?m)^slug: +top$").contains(top.id().toString()).contains("Top Shop");
        JsonNode json = Json.mapper().readTree(strata("tenants", "show", "top", "--json").out());
        assertThat(json.get("id").asText()).isEqualTo(top.id().toString());
        assertSucceeded(strata("tenants", "history", "top"));
        assertSucceeded(strata("tenants", "limits", "top"));
        Run activity = strata("tenants", "top");
        assertSucceeded(activity);
    }

    @Test
    void an_unknown_parent_is_said_plainly() {
        Run run = strata("tenants", "create", "--tier", "2", "--slug", "edge-orphan", "--parent", "nosuch");
        assertFailed(run, ErrorCode.TENANT_NOT_FOUND);
        assertThat(run.err()).contains("'nosuch'").contains("does not exist").doesNotContain("Parent no tenant");
    }

    @Test
    void tier_options_name_only_the_tiers_that_can_be_created() {
        Run three = strata("tenants", "create", "--tier", "3", "--slug", "edge-three");
        assertFailed(three, ErrorCode.INVALID_ARGUMENT);
        assertThat(three.err()).contains("1").contains("2").doesNotContain("0, 1 or 2").doesNotContain("use 0");
        Run zero = strata("tenants", "create", "--tier", "0", "--slug", "edge-zero");
        assertFailed(zero, ErrorCode.INVALID_HIERARCHY);
        assertThat(zero.err()).contains("operator");
        Run text = strata("tenants", "create", "--tier", "T1", "--slug", "edge-text");
        assertFailed(text, ErrorCode.INVALID_ARGUMENT);
        assertThat(api.strata().tenants().list()).extracting(Tenant::slug).doesNotContain("edge-three", "edge-zero", "edge-text");
    }

    @Test
    void messages_name_command_line_options_not_library_methods_or_json() throws Exception {
        api.strata().tenants().create(NewTenant.t2("edge-keep", "edge-t1"));
        Run unconfirmed = strata("tenants", "decommission", "edge-keep");
        assertFailed(unconfirmed, ErrorCode.CONFIRMATION_REQUIRED);
        assertThat(unconfirmed.err()).contains("--confirm").doesNotContain("{\"confirm\"").doesNotContain("\"confirm\"");

        Path file = home.resolve("keep.zip");
        assertSucceeded(strata("tenants", "export", "edge-keep", "--out", file.toString()));
        Run duplicate = strata("tenants", "import", file.toString());
        assertFailed(duplicate, ErrorCode.DUPLICATE_SLUG);
        assertThat(duplicate.err()).contains("--as-new-slug").doesNotContain("ImportOptions").doesNotContain("withSlug");
        for (Run run : List.of(unconfirmed, duplicate)) {
            assertThat(run.err()).doesNotContainPattern("[A-Z][a-zA-Z]+\\.[a-z][a-zA-Z]+\\(|tenants\\(\\)");
        }
    }

    @Test
    void option_values_are_checked_with_messages_that_name_the_option_not_a_json_field() throws Exception {
        Run tier = strata("tenants", "list", "--tier", "T1");
        assertFailed(tier, ErrorCode.INVALID_ARGUMENT);
        assertThat(tier.err()).contains("--tier").doesNotContain("Query parameter");
        Run max = strata("tenants", "limits", "edge-t1", "--max-concurrent", "0", "--acquire-timeout", "1s",
                "--statement-timeout", "1s");
        assertFailed(max, ErrorCode.INVALID_ARGUMENT);
        assertThat(max.err()).contains("--max-concurrent").doesNotContain("max_concurrent_transactions");
        Run timeout = strata("tenants", "limits", "edge-t1", "--max-concurrent", "2", "--acquire-timeout", "30d",
                "--statement-timeout", "1s");
        assertFailed(timeout, ErrorCode.INVALID_ARGUMENT);
        assertThat(timeout.err()).contains("--acquire-timeout").doesNotContain("acquire_timeout_ms");
        Path dir = Files.createDirectories(home.resolve("archives"));
        Run intoDirectory = strata("tenants", "export", "edge-t1", "--out", dir.toString(), "--force");
        assertFailed(intoDirectory, ErrorCode.INVALID_ARGUMENT);
        assertThat(intoDirectory.err()).contains("is a directory");
        assertThat(Files.isDirectory(dir)).isTrue();
    }

    @Test
    void export_to_dash_writes_the_archive_to_standard_output_and_import_from_dash_reads_standard_input() throws Exception {
        api.strata().tenants().create(NewTenant.t2("edge-stream", "edge-t1"));
        BinaryRun exported = Cli.runWithStdio(home, api.cliEnvironment(), new byte[0], "tenants", "export", "edge-stream", "--out", "-");
        assertThat(exported.exitCode()).as(exported.toString()).isZero();
        assertThat(exported.out()).as("nothing but the archive on stdout").isEmpty();
        assertThat(exported.stdout()).startsWith(0x50, 0x4b, 0x03, 0x04);
        assertThat(exported.err()).contains("standard output");
        assertThat(Files.exists(home.resolve("-"))).as("no file named '-'").isFalse();
        assertThat(Files.exists(Path.of("-"))).isFalse();

        BinaryRun imported = Cli.runWithStdio(home, api.cliEnvironment(), exported.stdout(), "tenants", "import", "-", "--as-new-slug", "edge-copy");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        assertThat(imported.out()).contains("Imported tenant 'edge-copy'");
        assertThat(api.strata().tenants().get("edge-copy").parentId()).isEqualTo(api.strata().tenants().get("edge-t1").id());
    }

    @Test
    void exports_and_imports_through_the_api_are_recorded_with_the_api_keys_name() throws Exception {
        api.strata().tenants().create(NewTenant.t2("edge-audited", "edge-t1"));
        Path file = home.resolve("audited.zip");
        assertSucceeded(strata("tenants", "export", "edge-audited", "--out", file.toString()));
        assertSucceeded(strata("tenants", "import", file.toString(), "--as-new-slug", "edge-audited-copy"));
        Http http = new Http(api.baseUri(), api.adminKey());
        List<String> source = actions(http, "edge-audited");
        assertThat(source).contains("exported by " + api.adminActor()).noneMatch(a -> a.startsWith("exported by strata"));
        List<String> copy = actions(http, "edge-audited-copy");
        assertThat(copy).isNotEmpty().allMatch(a -> a.endsWith(" by " + api.adminActor()));
        JsonNode exportedEvents = http.get("/v1/tenants/edge-audited/history").json().get("events");
        assertThat(exportedEvents.get(exportedEvents.size() - 1).get("action").asText()).isEqualTo("exported");
    }

    @Test
    void list_leaves_decommissioned_tenants_out_unless_all_is_given() {
        api.strata().tenants().create(NewTenant.t2("edge-gone", "edge-t1"));
        assertSucceeded(strata("tenants", "decommission", "edge-gone", "--confirm"));
        Run list = strata("tenants", "list");
        assertSucceeded(list);
        assertThat(list.out()).contains("edge-t1").doesNotContain("edge-gone");
        Run all = strata("tenants", "list", "--all");
        assertSucceeded(all);
        assertThat(all.out()).contains("edge-t1").contains("edge-gone");
        assertThat(strata("tenants", "list", "--status", "decommissioned").out()).contains("edge-gone")
                .doesNotContainPattern("(?m)^edge-t1 ");
        assertThat(strata("tenants", "list", "--help").out()).contains("--all");
    }

    private static List<String> actions(Http http, String slug) {
        List<String> actions = new ArrayList<>();
        http.get("/v1/tenants/" + slug + "/history").json().get("events")
                .forEach(e -> actions.add(e.get("action").asText() + " by " + e.get("actor").asText()));
        return actions;
    }

}
