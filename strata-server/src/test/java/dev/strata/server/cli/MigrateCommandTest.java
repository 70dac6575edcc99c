package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.migration.MigrationTarget;
import dev.strata.server.api.Json;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import dev.strata.server.testing.MigratingApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata migrate apply|status|validate} against a running server whose tenants are one
 * migration behind: progress as a bar or as plain lines, the summary, --json, exit codes (13 for
 * a failed or drifted target), and bad options refused with a clear error before anything changes.
 */
class MigrateCommandTest {
    private static MigratingApi fixture;
    private static Map<String, String> env;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        fixture = MigratingApi.start();
        env = Map.of("STRATA_API", fixture.api().baseUri().toString(), "STRATA_HOME", fixture.api().dataDir().toString());
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

    private Run strata(String... args) {
        return Cli.run(home, env, args);
    }

    @Test
    void status_prints_every_target_and_what_is_pending() {
        Run run = strata("migrate", "status");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        int targets = fixture.strata().migrations().status().size();
        assertThat(run.out()).startsWith(targets + " targets, latest version 3: ")
                .contains("TARGET", "KIND", "TENANT", "VERSION", "PENDING", "ERROR")
                .contains("Apply the pending migrations with: strata migrate apply");
        String db = fixture.targetOf("m-db").target();
        assertThat(run.out()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(db) + " +database +"
                + fixture.tenant("m-db").id() + " +2 +3 +-$");
    }

    @Test
    void status_json_is_the_apis_answer() throws Exception {
        Run run = strata("migrate", "status", "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode status = Json.mapper().readTree(run.out());
        assertThat(status.get("targets")).hasSize(fixture.strata().migrations().status().size());
        JsonNode first = status.get("targets").get(0);
        assertThat(first.has("target") && first.has("kind") && first.has("tenant") && first.has("version")
                && first.has("pending") && first.has("error")).isTrue();
    }

    @Test
    void apply_prints_plain_progress_lines_when_output_is_not_a_terminal_then_a_summary() {
        Run run = strata("migrate", "apply", "--concurrency", "2");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        int targets = fixture.strata().migrations().status().size();
        assertThat(run.out()).doesNotContain("\r").doesNotContain("\u001b")
                .containsPattern("(?m)^migrate: " + targets + "/" + targets + " targets, 0 failed")
                .containsPattern("(?m)^Migrated: " + targets + " targets, \\d+ migrated, \\d+ already up to date, 0 failed in .+ \\(operation [0-9a-f-]{36}\\)$");
        for (MigrationTarget t : fixture.strata().migrations().status()) {
            assertThat(t.pending()).as(t.target()).isEmpty();
        }
    }

    @Test
    void apply_draws_a_bar_redrawn_in_place_on_a_terminal() {
        Run run = strata("migrate", "apply", "--progress", "bar");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        int targets = fixture.strata().migrations().status().size();
        String bar = run.out().substring(0, run.out().indexOf('\n'));
        assertThat(bar).startsWith("\r").contains("\u001b[K")
                .contains("Migrating [" + "#".repeat(ProgressDisplay.Bar.WIDTH) + "] " + targets + "/" + targets + " targets, 0 failed");
        assertThat(run.out()).containsPattern("(?m)^Migrated: " + targets + " targets");
    }

    @Test
    void apply_json_prints_the_finished_run() throws Exception {
        Run run = strata("migrate", "apply", "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode operation = Json.mapper().readTree(run.out());
        assertThat(operation.get("state").asText()).isEqualTo("succeeded");
        assertThat(operation.get("result").get("failed").asInt()).isZero();
        assertThat(run.out()).doesNotContain("migrate: ");
    }

    @Test
    void apply_exits_13_and_lists_a_failed_target_which_a_retry_of_that_target_alone_fixes() {
        String broken = fixture.targetOf("m-db-vault").target();
        MigratingApi.inTarget(broken, "ALTER TABLE items ADD COLUMN tags integer");
        Run failed;
        try {
            failed = strata("migrate", "apply", "--progress", "none");
        } finally {
            MigratingApi.inTarget(broken, "ALTER TABLE items DROP COLUMN tags");
        }
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ErrorCode.MIGRATION_FAILED.exitCode()).isEqualTo(13);
        assertThat(failed.out()).contains("Migration FAILED on 1 target:").contains(broken)
                .contains("strata migrate apply --target");
        Run status = strata("migrate", "status");
        assertThat(status.exitCode()).as("the target's error is shown until it migrates").isIn(0, 13);

        Run retried = strata("migrate", "apply", "--target", broken);
        assertThat(retried.exitCode()).as(retried.toString()).isZero();
        assertThat(retried.out()).containsPattern("Migrated: \\d targets, 1 migrated, \\d already up to date, 0 failed");
        assertThat(fixture.targetOf("m-db-vault").pending()).isEmpty();
    }

    @Test
    void bad_options_are_refused_before_anything_is_sent_and_change_nothing() {
        List<MigrationTarget> before = fixture.strata().migrations().status();
        assertRefused(strata("migrate", "apply", "--concurrency", "0"), 2, "--concurrency must be from 1 to 64, was 0");
        assertRefused(strata("migrate", "apply", "--concurrency", "-3"), 2, "--concurrency");
        assertRefused(strata("migrate", "apply", "--concurrency", "65"), 2, "--concurrency");
        assertRefused(strata("migrate", "apply", "--concurrency", "four"), 2, "--concurrency");
        assertRefused(strata("migrate", "apply", "--target", "nope"), ErrorCode.INVALID_ARGUMENT.exitCode(),
                "Unknown migration target 'nope'");
        assertRefused(strata("migrate", "apply", "--target", ""), 2, "--target is empty");
        String real = fixture.targetOf("m-db").target();
        assertRefused(strata("migrate", "apply", "--target", real, "--target", real), 2, "given twice");
        assertRefused(strata("migrate", "apply", "--progress", "fancy"), 2, "--progress");
        assertRefused(strata("migrate", "apply", "--force"), 2, "--force");
        assertRefused(strata("migrate", "status", "extra"), 2, "extra");
        assertRefused(strata("migrate"), 2, "Missing subcommand");
        assertRefused(strata("migrate", "undo"), 2, "undo");
        assertThat(fixture.strata().migrations().status()).isEqualTo(before);
        assertThat(MigratingApi.hasTags(real)).isFalse();
    }

    @Test
    void validate_exits_13_on_drift_and_names_it() {
        Run clean = strata("migrate", "validate");
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(clean.out()).contains("Validation PASSED");

        String tampered = fixture.targetOf("m-schema").target();
        MigratingApi.inTarget(tampered, "UPDATE strata_schema_history SET checksum = checksum + 7 WHERE version = '2'");
        try {
            Run drift = strata("migrate", "validate");
            assertThat(drift.exitCode()).as(drift.toString()).isEqualTo(ErrorCode.MIGRATION_DRIFT.exitCode());
            assertThat(drift.out()).contains("Validation FAILED: 1 applied migration drifted").contains(tampered);
            Run json = strata("migrate", "validate", "--json");
            assertThat(json.exitCode()).isEqualTo(13);
            assertThat(json.out()).contains("\"valid\" : false");
        } finally {
            MigratingApi.inTarget(tampered, "UPDATE strata_schema_history SET checksum = checksum - 7 WHERE version = '2'");
        }
    }

    @Test
    void an_unreachable_server_is_said_so() {
        Run run = Cli.run(home, Map.of("STRATA_API", "http://127.0.0.1:9", "STRATA_API_KEY", "strata_x"),
                "migrate", "status");
        assertThat(run.exitCode()).isEqualTo(CliFailure.UNREACHABLE);
        assertThat(run.err()).contains("cannot reach Strata");
    }

    private static void assertRefused(Run run, int exitCode, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        assertThat(run.err()).as(run.toString()).contains(message);
    }
}
