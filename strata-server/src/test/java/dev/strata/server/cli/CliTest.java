package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Tenant;
import dev.strata.TenantLimits;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.server.api.Json;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import dev.strata.server.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.strata.server.testing.Cli.assertFailed;
import static dev.strata.server.testing.Cli.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class CliTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    @TempDir
    Path home;

    /** As a user of the API: the key is found where `strata serve` saved it, $STRATA_HOME/admin-key. */
    private Run strata(String... args) {
        return Cli.run(home, api.cliEnvironment(), args);
    }

    // ---------------------------------------------------------------- life cycle

    @Test
    void tenants_lifecycle_through_the_commands() throws Exception {
        Run created = strata("tenants", "create", "--tier", "1", "--slug", "cli-alpha", "--name", "CLI Alpha");
        assertSucceeded(created);
        assertThat(created.out()).startsWith("Created T1 tenant 'cli-alpha'.")
                .containsPattern("(?m)^slug: +cli-alpha$")
                .containsPattern("(?m)^mode: +database$")
                .containsPattern("(?m)^parent: +operator \\(");
        assertSucceeded(strata("tenants", "create", "--tier", "2", "--slug", "cli-a1", "--parent", "cli-alpha"));

        Run list = strata("tenants", "list", "--parent", "cli-alpha");
        assertSucceeded(list);
        String[] lines = list.out().split("\n");
        assertThat(lines[0]).matches("SLUG +TIER +PARENT +STATUS +MODE +DATABASE +SCHEMA +ID");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).matches("cli-a1 +T2 +cli-alpha +active +rls +\\S+_t_\\S+ +app +[0-9a-f-]{36}");
        assertThat(lines[1].indexOf("T2")).isEqualTo(lines[0].indexOf("TIER"));

        Run listJson = strata("tenants", "list", "--tier", "2", "--json");
        assertSucceeded(listJson);
        assertThat(Json.mapper().readTree(listJson.out()))
                .isEqualTo(new Http(api.baseUri(), api.adminKey()).get("/v1/tenants?tier=2").json());

        Run show = strata("tenants", "show", "cli-a1", "--json");
        assertSucceeded(show);
        JsonNode a1 = Json.mapper().readTree(show.out());
        assertThat(a1.get("parent").asText()).isEqualTo("cli-alpha");
        assertThat(show.out()).contains("\n  \"slug\" : \"cli-a1\"");

        Run suspended = strata("tenants", "suspend", "cli-alpha");
        assertSucceeded(suspended);
        assertThat(suspended.out()).startsWith("Suspended tenant 'cli-alpha'.").containsPattern("(?m)^status: +suspended$");
        assertThat(api.strata().tenants().get("cli-alpha").status()).isEqualTo(TenantStatus.SUSPENDED);
        assertSucceeded(strata("tenants", "resume", "cli-alpha"));
        assertThat(api.strata().tenants().get("cli-alpha").status()).isEqualTo(TenantStatus.ACTIVE);

        Run unconfirmed = strata("tenants", "decommission", "cli-alpha", "--cascade");
        assertFailed(unconfirmed, ErrorCode.CONFIRMATION_REQUIRED);
        assertThat(unconfirmed.err()).contains("--confirm");
        assertThat(api.strata().tenants().get("cli-alpha").status()).isEqualTo(TenantStatus.ACTIVE);

        Run decommissioned = strata("tenants", "decommission", "cli-alpha", "--confirm", "--cascade");
        assertSucceeded(decommissioned);
        assertThat(decommissioned.out()).containsPattern("(?m)^status: +decommissioned$");
        assertThat(api.strata().tenants().get("cli-a1").status()).isEqualTo(TenantStatus.DECOMMISSIONED);

        Run history = strata("tenants", "history", "cli-alpha");
        assertSucceeded(history);
        assertThat(history.out().split("\n")[0]).matches("AT +ACTION +ACTOR +DETAIL");
        assertThat(history.out()).containsPattern("created +api-key:admin")
                .containsPattern("suspended +api-key:admin").containsPattern("decommissioned +api-key:admin");
        JsonNode historyJson = Json.mapper().readTree(strata("tenants", "history", "cli-alpha", "--json").out());
        assertThat(historyJson.get("events")).hasSize(4);
    }

    // ---------------------------------------------------------------- errors and exit codes

    @Test
    void api_errors_print_the_detail_and_code_and_exit_with_the_codes_exit_code() {
        assertSucceeded(strata("tenants", "create", "--tier", "1", "--slug", "cli-beta"));
        assertSucceeded(strata("tenants", "create", "--tier", "2", "--slug", "cli-b1", "--parent", "cli-beta"));

        assertFailed(strata("tenants", "show", "cli-nobody"), ErrorCode.TENANT_NOT_FOUND);
        assertFailed(strata("tenants", "show", "Not-A-Key!"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("tenants", "create", "--tier", "2", "--slug", "cli-b1-kid", "--parent", "cli-b1"), ErrorCode.INVALID_HIERARCHY);
        assertFailed(strata("tenants", "create", "--tier", "2", "--slug", "cli-orphan"), ErrorCode.INVALID_HIERARCHY);
        assertFailed(strata("tenants", "create", "--tier", "1", "--slug", "cli-beta"), ErrorCode.DUPLICATE_SLUG);
        assertFailed(strata("tenants", "create", "--tier", "1", "--slug", "Bad_Slug"), ErrorCode.INVALID_SLUG);
        assertFailed(strata("tenants", "create", "--tier", "1", "--slug", "cli-moody", "--mode", "sharded"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("tenants", "create", "--tier", "5", "--slug", "cli-moody"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("tenants", "list", "--status", "sleeping"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("tenants", "decommission", "cli-beta", "--confirm"), ErrorCode.HAS_CHILDREN);
        assertSucceeded(strata("tenants", "suspend", "cli-beta"));
        assertFailed(strata("tenants", "create", "--tier", "2", "--slug", "cli-b2", "--parent", "cli-beta"), ErrorCode.TENANT_SUSPENDED);
        assertThat(api.strata().tenants().list()).noneMatch(t -> List.of("cli-b1-kid", "cli-orphan", "cli-moody", "cli-b2")
                .contains(t.slug()));
    }

    @Test
    void a_wrong_key_exits_11_unauthorized() {
        Run run = strata("tenants", "list", "--key", "strata_wrong");
        assertFailed(run, ErrorCode.UNAUTHORIZED);
        assertThat(run.exitCode()).isEqualTo(11);
    }

    @Test
    void the_key_comes_from_the_option_then_the_environment_then_the_data_dir() {
        Map<String, String> noHome = Map.of("STRATA_API", api.baseUri().toString());
        assertSucceeded(Cli.run(home, noHome, "tenants", "list", "--key", api.adminKey()));
        assertSucceeded(Cli.run(home, Map.of("STRATA_API", api.baseUri().toString(), "STRATA_API_KEY", api.adminKey()),
                "tenants", "list"));
        assertSucceeded(Cli.run(home, noHome, "tenants", "list", "--data-dir", api.dataDir().toString()));
        assertFailed(Cli.run(home, Map.of("STRATA_API", api.baseUri().toString(), "STRATA_API_KEY", api.adminKey()),
                "tenants", "list", "--key", "strata_wrong"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void a_missing_key_exits_11_and_says_where_it_was_looked_for() {
        Run run = Cli.run(home, Map.of("STRATA_API", api.baseUri().toString()), "tenants", "list");
        assertThat(run.exitCode()).isEqualTo(11);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: no API key")
                .contains("--key", "STRATA_API_KEY", home.resolve(".strata").resolve("admin-key").toString());
    }

    @Test
    void an_unreachable_server_exits_12_with_a_clear_message() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Run run = strata("tenants", "list", "--api", "http://127.0.0.1:" + port);
        assertThat(run.exitCode()).isEqualTo(12);
        assertThat(run.err().strip())
                .isEqualTo("error: cannot reach Strata at http://127.0.0.1:" + port + ": is `strata serve` running?");
    }

    @Test
    void usage_errors_exit_2() {
        for (String[] args : List.of(new String[] {}, new String[] {"--bogus"}, new String[] {"tenants"},
                new String[] {"tenants", "frobnicate"}, new String[] {"tenants", "create", "--slug", "no-tier"},
                new String[] {"tenants", "show"}, new String[] {"serve", "--port", "eighty"},
                new String[] {"tenants", "list", "--api", "ftp://example"})) {
            Run run = strata(args);
            assertThat(run.exitCode()).as(Arrays.toString(args) + "\n" + run).isEqualTo(2);
            assertThat(run.err()).as(Arrays.toString(args)).isNotBlank();
        }
    }

    @Test
    void help_and_version_work_everywhere() {
        Run help = strata("--help");
        assertSucceeded(help);
        assertThat(help.out()).contains("Usage: strata", "serve", "demo", "tenants", "audit");
        for (String[] args : List.of(new String[] {"serve", "--help"}, new String[] {"demo", "--help"},
                new String[] {"tenants", "--help"}, new String[] {"tenants", "create", "--help"},
                new String[] {"tenants", "export", "--help"}, new String[] {"tenants", "top", "--help"},
                new String[] {"tenants", "limits", "--help"}, new String[] {"audit", "--help"})) {
            Run run = strata(args);
            assertSucceeded(run);
            assertThat(run.out()).as(Arrays.toString(args)).contains("Usage: strata " + args[0]);
        }
        assertThat(strata("tenants", "create", "--help").out()).contains("--tier", "--slug", "--parent", "--mode", "--api", "--key", "--json");
        assertThat(strata("serve", "--help").out()).doesNotContain("--namespace");
        assertThat(strata("tenants", "--help").out()).contains("top", "limits");
        assertThat(strata("tenants", "top", "--help").out()).contains("--limit", "--window", "--json");
        assertThat(strata("tenants", "limits", "--help").out())
                .contains("--max-concurrent", "--acquire-timeout", "--statement-timeout", "--clear", "--json");
        Run version = strata("--version");
        assertSucceeded(version);
        assertThat(version.out()).startsWith("strata " + StrataVersion.current()).doesNotContain("unknown");
    }

    // ---------------------------------------------------------------- activity and limits

    @Test
    void top_prints_an_aligned_table_of_the_busiest_tenants_or_the_apis_json() throws Exception {
        api.strata().tenants().create(NewTenant.t1("cli-busy"));
        Tenant busier = api.strata().tenants().create(NewTenant.t2("cli-busier", "cli-busy"));
        Tenant busy = api.strata().tenants().create(NewTenant.t2("cli-busy-kid", "cli-busy"));
        for (int i = 0; i < 6; i++) {
            api.strata().useTenant(busier.id(), scope -> { });
        }
        api.strata().useTenant(busy.id(), scope -> { });

        Run top = strata("tenants", "top", "--limit", "1000", "--window", "10m");
        assertSucceeded(top);
        List<String> lines = top.out().lines().toList();
        String header = lines.get(0);
        assertThat(header).matches("SLUG +TIER +TX +TPS +ERRORS +THROTTLED +MEAN MS +MAX MS");
        int busierRow = indexOf(lines, "cli-busier ");
        int busyRow = indexOf(lines, "cli-busy-kid ");
        assertThat(busierRow).isPositive().isLessThan(busyRow);
        String row = lines.get(busierRow);
        assertThat(row).matches("cli-busier +T2 +\\d+ +\\d+\\.\\d\\d +0 +0 +\\d+\\.\\d\\d +\\d+\\.\\d\\d");
        assertThat(Long.parseLong(row.split(" +")[2])).isGreaterThanOrEqualTo(6);
        assertThat(row.indexOf("T2")).isEqualTo(header.indexOf("TIER"));
        assertThat(row.indexOf(row.split(" +")[2], header.indexOf("TX"))).isEqualTo(header.indexOf("TX"));

        Run json = strata("tenants", "top", "--limit", "2", "--window", "1h", "--json");
        assertSucceeded(json);
        JsonNode answer = Json.mapper().readTree(json.out());
        assertThat(answer.get("window_seconds").asLong()).isEqualTo(3600);
        assertThat(answer.get("tenants")).hasSizeLessThanOrEqualTo(2);
        assertThat(answer.get("tenants").get(0).has("mean_latency_ms")).isTrue();
        assertThat(strata("tenants", "top").out().lines().count()).isLessThanOrEqualTo(11);
    }

    @Test
    void top_with_a_bad_limit_or_window_exits_2() {
        assertFailed(strata("tenants", "top", "--window", "5x"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("tenants", "top", "--window", "30s"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("tenants", "top", "--limit", "0"), ErrorCode.INVALID_ARGUMENT);
        Run notANumber = strata("tenants", "top", "--limit", "ten");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--limit", "ten");
    }

    @Test
    void limits_are_shown_set_and_cleared_through_the_command() throws Exception {
        api.strata().tenants().create(NewTenant.t1("cli-capped"));
        TenantLimits tiers = api.strata().config().limitsFor(Tier.T1);

        Run shown = strata("tenants", "limits", "cli-capped");
        assertSucceeded(shown);
        assertThat(shown.out()).containsPattern("(?m)^tenant: +cli-capped \\([0-9a-f-]{36}\\)$")
                .containsPattern("(?m)^source: +its tier's$");

        Run set = strata("tenants", "limits", "cli-capped", "--max-concurrent", "3", "--acquire-timeout", "500ms",
                "--statement-timeout", "2s");
        assertSucceeded(set);
        assertThat(set.out()).startsWith("Set the limits of tenant 'cli-capped'.")
                .containsPattern("(?m)^source: +its own$")
                .containsPattern("(?m)^max concurrent: +3 transactions per process$")
                .containsPattern("(?m)^acquire timeout: +500ms$")
                .containsPattern("(?m)^statement timeout: +2s$");
        assertThat(api.strata().tenants().limits("cli-capped"))
                .isEqualTo(new TenantLimits(3, Duration.ofMillis(500), Duration.ofSeconds(2)));

        Run json = strata("tenants", "limits", "cli-capped", "--json");
        assertSucceeded(json);
        assertThat(Json.mapper().readTree(json.out()))
                .isEqualTo(new Http(api.baseUri(), api.adminKey()).get("/v1/tenants/cli-capped/limits").json());
        assertThat(Json.mapper().readTree(json.out()).get("source").asText()).isEqualTo("tenant");

        assertSucceeded(strata("tenants", "limits", "cli-capped", "--max-concurrent", "4", "--acquire-timeout", "PT1M",
                "--statement-timeout", "0"));
        assertThat(api.strata().tenants().limits("cli-capped"))
                .isEqualTo(new TenantLimits(4, Duration.ofMinutes(1), Duration.ZERO));
        assertThat(strata("tenants", "limits", "cli-capped").out()).containsPattern("(?m)^statement timeout: +none$");

        Run cleared = strata("tenants", "limits", "cli-capped", "--clear");
        assertSucceeded(cleared);
        assertThat(cleared.out()).startsWith("Tenant 'cli-capped' runs with its tier's limits.")
                .containsPattern("(?m)^source: +its tier's$");
        assertThat(api.strata().tenants().ownLimits("cli-capped")).isEmpty();
        assertThat(api.strata().tenants().limits("cli-capped")).isEqualTo(tiers);
    }

    @Test
    void limits_with_conflicting_partial_or_malformed_options_are_usage_errors_that_change_nothing() {
        api.strata().tenants().create(NewTenant.t1("cli-untouched"));
        Map<List<String>, String> cases = Map.of(
                List.of("--clear", "--max-concurrent", "3"), "--clear cannot be combined with --max-concurrent",
                List.of("--clear", "--max-concurrent", "3", "--acquire-timeout", "1s", "--statement-timeout", "1s"),
                "--clear cannot be combined with --max-concurrent, --acquire-timeout and --statement-timeout",
                List.of("--max-concurrent", "3"), "Missing --acquire-timeout and --statement-timeout",
                List.of("--acquire-timeout", "1s", "--statement-timeout", "1s"), "Missing --max-concurrent",
                List.of("--max-concurrent", "3", "--acquire-timeout", "2x", "--statement-timeout", "1s"), "'2x' is not a duration",
                List.of("--max-concurrent", "many", "--acquire-timeout", "1s", "--statement-timeout", "1s"), "many");
        // checked before the key is looked up: no key is needed to hear about a usage error
        Map<String, String> keyless = Map.of("STRATA_API", api.baseUri().toString());
        cases.forEach((options, message) -> {
            List<String> args = new ArrayList<>(List.of("tenants", "limits", "cli-untouched"));
            args.addAll(options);
            Run run = Cli.run(home, keyless, args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.out()).as(run.toString()).isEmpty();
            assertThat(run.err()).as(run.toString()).contains(message).contains("Usage: strata tenants limits");
        });
        assertThat(api.strata().tenants().ownLimits("cli-untouched")).isEmpty();

        assertFailed(strata("tenants", "limits", "cli-untouched", "--max-concurrent", "0", "--acquire-timeout", "1s",
                "--statement-timeout", "1s"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("tenants", "limits", "cli-untouched", "--max-concurrent", "1", "--acquire-timeout", "-PT1S",
                "--statement-timeout", "1s"), ErrorCode.INVALID_ARGUMENT);
        assertThat(api.strata().tenants().ownLimits("cli-untouched")).isEmpty();
        assertFailed(strata("tenants", "limits", "cli-nobody"), ErrorCode.TENANT_NOT_FOUND);
        assertFailed(strata("tenants", "limits", "cli-nobody", "--clear"), ErrorCode.TENANT_NOT_FOUND);
        assertFailed(strata("tenants", "limits", "operator", "--max-concurrent", "1", "--acquire-timeout", "1s",
                "--statement-timeout", "1s"), ErrorCode.INVALID_HIERARCHY);
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with '" + prefix + "' in\n" + String.join("\n", lines));
    }

    // ---------------------------------------------------------------- archives and audit

    @Test
    void export_refuses_to_overwrite_a_file_without_force() throws IOException {
        Path existing = Files.writeString(home.resolve("precious.zip"), "keep me");
        Run run = strata("tenants", "export", "operator", "--out", existing.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(existing.toString(), "--force");
        assertThat(Files.readString(existing)).isEqualTo("keep me");
    }

    @Test
    void a_failed_export_leaves_no_file_behind() throws IOException {
        Path target = home.resolve("missing.zip");
        assertFailed(strata("tenants", "export", "cli-nobody", "--out", target.toString()), ErrorCode.TENANT_NOT_FOUND);
        try (var files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("missing.zip"));
        }
    }

    @Test
    void import_of_a_missing_file_exits_2() {
        Run run = strata("tenants", "import", home.resolve("nope.zip").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("nope.zip", "no such file");
    }

    /**
     * The commands' plumbing: the archive streams to a file and back. Whether an import next to
     * its still registered original is accepted is the archive implementation's rule, so either
     * answer is fine here as long as the command relays it faithfully.
     */
    @Test
    void export_writes_the_archive_to_a_file_and_import_uploads_it() throws IOException {
        assertSucceeded(strata("tenants", "create", "--tier", "1", "--slug", "cli-gamma"));
        Path archive = home.resolve("gamma.zip");
        Run export = strata("tenants", "export", "cli-gamma", "--out", archive.toString());
        assumeImplemented(export);
        assertSucceeded(export);
        assertThat(export.out()).startsWith("Exported tenant 'cli-gamma' to " + archive);
        byte[] bytes = Files.readAllBytes(archive);
        assertThat(new String(bytes, 0, 2, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("PK");

        Run imported = strata("tenants", "import", archive.toString(), "--as-new-slug", "cli-gamma-copy", "--json");
        if (imported.exitCode() == 0) {
            assertThat(Json.mapper().readTree(imported.out()).at("/tenant/slug").asText()).isEqualTo("cli-gamma-copy");
        } else {
            assertThat(imported.err().lines().toList()).singleElement().asString().matches("error: .+ \\([A-Z_]+\\)");
        }
    }

    @Test
    void audit_exit_code_follows_the_report() throws IOException {
        Run run = strata("audit", "--json");
        assumeImplemented(run);
        boolean passed = Json.mapper().readTree(run.out()).get("passed").asBoolean();
        assertThat(run.exitCode()).isEqualTo(passed ? 0 : 1);
        Run text = strata("audit");
        assertThat(text.exitCode()).isEqualTo(run.exitCode());
        assertThat(text.out()).startsWith(passed ? "Audit PASSED" : "Audit FAILED");
    }

    // ---------------------------------------------------------------- helpers

    private static void assumeImplemented(Run run) {
        assumeThat(run.err()).as("not implemented in this build").doesNotContain("Not implemented in this build");
    }

}
