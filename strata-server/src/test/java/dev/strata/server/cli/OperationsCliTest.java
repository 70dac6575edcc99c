package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.TenantStatus;
import dev.strata.server.api.Json;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import dev.strata.server.testing.InterruptedOperations;
import dev.strata.server.testing.RunningApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code strata operations list|show|resume|abort}: clients of {@code /v1/operations}, with --json and clear errors. */
class OperationsCliTest {
    private static RunningApi api;
    private static Map<String, String> env;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        api = RunningApi.start(b -> b.automaticRecovery(false));
        env = Map.of("STRATA_API", api.baseUri().toString(), "STRATA_HOME", api.dataDir().toString());
        api.strata().tenants().create(NewTenant.t1("cli-ops"));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private Run strata(String... args) {
        return Cli.run(home, env, args);
    }

    @Test
    void list_and_show_print_a_table_a_block_and_the_api_json() throws Exception {
        Run list = strata("operations", "list", "--tenant", "cli-ops");
        assertSucceeded(list);
        String[] lines = list.out().split("\n");
        assertThat(lines[0]).matches("ID +KIND +TENANT +STATE +PHASE +PROGRESS +STARTED +OWNER");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).matches("[0-9a-f-]{36} +provision +cli-ops +succeeded +register_locally +2/2 +\\S+ +\\S+");
        String id = lines[1].substring(0, 36);

        Run json = strata("operations", "list", "--kind", "provision", "--state", "succeeded", "--limit", "1", "--json");
        assertSucceeded(json);
        assertThat(Json.mapper().readTree(json.out()).get("operations")).hasSize(1);

        Run show = strata("operations", "show", id);
        assertSucceeded(show);
        assertThat(show.out()).containsPattern("(?m)^id: +" + id + "$")
                .containsPattern("(?m)^kind: +provision$")
                .containsPattern("(?m)^tenant: +cli-ops \\(")
                .containsPattern("(?m)^state: +succeeded$")
                .containsPattern("(?m)^progress: +2/2$")
                .containsPattern("(?m)^STEP +STARTED +FINISHED$")
                .containsPattern("(?m)^database +\\S+ +\\S+$");
        Run showJson = strata("operations", "show", id, "--json");
        assertSucceeded(showJson);
        JsonNode shown = Json.mapper().readTree(showJson.out());
        assertThat(shown.get("id").asText()).isEqualTo(id);
        assertThat(shown.get("steps")).hasSize(2);
    }

    @Test
    void resume_finishes_an_interrupted_provisioning() throws Exception {
        UUID operation = InterruptedOperations.crashedProvisioning(api.strata(), NewTenant.t1("cli-resumed"));
        Run running = strata("operations", "list", "--state", "running", "--json");
        assertSucceeded(running);
        assertThat(Json.mapper().readTree(running.out()).get("operations")).extracting(o -> o.get("id").asText())
                .contains(operation.toString());

        Run resumed = strata("operations", "resume", operation.toString());
        assertSucceeded(resumed);
        assertThat(resumed.out()).startsWith("Resumed operation " + operation + ": succeeded.")
                .containsPattern("(?m)^attempts: +2$");
        assertThat(api.strata().tenants().get("cli-resumed").status()).isEqualTo(TenantStatus.ACTIVE);
        assertFailed(strata("operations", "resume", operation.toString()), ErrorCode.INVALID_STATE);
        assertFailed(strata("operations", "abort", operation.toString()), ErrorCode.INVALID_STATE);
    }

    @Test
    void abort_undoes_an_interrupted_provisioning() throws Exception {
        UUID operation = InterruptedOperations.crashedProvisioning(api.strata(), NewTenant.t1("cli-aborted"));
        Run aborted = strata("operations", "abort", operation.toString(), "--json");
        assertSucceeded(aborted);
        assertThat(Json.mapper().readTree(aborted.out()).get("state").asText()).isEqualTo("aborted");
        assertThat(api.strata().tenants().list()).noneMatch(t -> t.slug().equals("cli-aborted"));
    }

    @Test
    void a_live_operation_is_refused_with_the_conflict_exit_code_naming_its_owner() throws Exception {
        try (InterruptedOperations.Paused paused = InterruptedOperations.pausedProvisioning(api.strata(),
                NewTenant.t1("cli-live"))) {
            String owner = api.strata().internals().operations().journal().owner();
            for (String verb : List.of("resume", "abort")) {
                Run refused = strata("operations", verb, paused.operation().toString());
                assertFailed(refused, ErrorCode.OPERATION_CONFLICT);
                assertThat(refused.err()).contains(owner).contains("lease runs until");
            }
        }
        assertThat(api.strata().tenants().get("cli-live").status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void bad_ids_and_filters_get_clear_errors_and_exit_codes() {
        String unknown = UUID.randomUUID().toString();
        assertFailed(strata("operations", "show", unknown), ErrorCode.OPERATION_NOT_FOUND);
        assertFailed(strata("operations", "resume", unknown), ErrorCode.OPERATION_NOT_FOUND);
        assertFailed(strata("operations", "abort", unknown), ErrorCode.OPERATION_NOT_FOUND);
        assertThat(ErrorCode.OPERATION_NOT_FOUND.exitCode()).isEqualTo(3);
        assertFailed(strata("operations", "show", "not-an-id"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("operations", "show", ""), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("operations", "list", "--state", "done"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("operations", "list", "--kind", "Provision"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("operations", "list", "--limit", "0"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("operations", "list", "--tenant", "nobody"), ErrorCode.TENANT_NOT_FOUND);
        Run usage = strata("operations", "list", "--limit", "many");
        assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(2);
        Run missing = strata("operations");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
    }

    private static void assertSucceeded(Run run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).as(run.toString()).isEmpty();
    }

    private static void assertFailed(Run run, ErrorCode code) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(code.exitCode());
        assertThat(run.out()).as(run.toString()).isEmpty();
        List<String> lines = new ArrayList<>(run.err().lines().toList());
        assertThat(lines).as(run.toString()).hasSize(1);
        assertThat(lines.get(0)).as(run.toString()).startsWith("error: ").endsWith(" (" + code.name() + ")");
    }
}
