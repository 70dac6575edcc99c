package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.server.api.Json;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static dev.strata.server.testing.Cli.assertFailed;
import static dev.strata.server.testing.Cli.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code strata tenants backup [list|schedule]} and {@code strata tenants restore}: clients of the REST API, -o json, clear errors. */
class BackupCliTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("bc-a"));
        strata.tenants().create(NewTenant.t1("list"));
    });

    @TempDir
    Path home;

    private Run strata(String... args) {
        return Cli.run(home, api.cliEnvironment(), args);
    }

    @Test
    void backup_list_schedule_and_restore_from_the_command_line() throws Exception {
        Run taken = strata("tenants", "backup", "bc-a", "-o", "json");
        assertSucceeded(taken);
        JsonNode backup = Json.mapper().readTree(taken.out());
        String id = backup.get("id").asText();
        assertThat(backup.get("status").asText()).isEqualTo("complete");

        Run list = strata("tenants", "backup", "list", "bc-a");
        assertSucceeded(list);
        assertThat(list.out()).contains("Schedule: none").containsPattern("(?m)^ID +TAKEN AT +STATUS +TRIGGER +SIZE +ERROR")
                .containsPattern("(?m)^" + id + " +\\S+ +complete +on_demand +\\d+");

        Run scheduled = strata("tenants", "backup", "schedule", "bc-a", "--every", "6h", "--keep", "2");
        assertSucceeded(scheduled);
        assertThat(scheduled.out()).contains("backed up every 6h").contains("Schedule: every 6h, keeping 2");
        assertSucceeded(strata("tenants", "backup", "schedule", "bc-a", "--off"));
        assertThat(strata("tenants", "backup", "list", "bc-a").out()).contains("Schedule: none");

        Run restored = strata("tenants", "restore", "bc-a", "--to", Instant.now().toString());
        assertSucceeded(restored);
        assertThat(restored.out()).contains("from backup " + id).contains("this plane has no point-in-time history")
                .containsPattern("(?m)^point in time: +no \\(a backup\\)$");
        Run yaml = strata("tenants", "restore", "bc-a", "--backup", id, "-o", "yaml");
        assertSucceeded(yaml);
        assertThat(yaml.out()).contains("point_in_time: false");
    }

    @Test
    void wrong_options_and_refused_restores_say_what_to_do() {
        Run neither = strata("tenants", "restore", "bc-a");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("exactly one of --backup ID and --to TIMESTAMP");
        Run badTime = strata("tenants", "restore", "bc-a", "--to", "yesterday");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err()).contains("ISO-8601");
        Run noEvery = strata("tenants", "backup", "schedule", "bc-a");
        assertThat(noEvery.exitCode()).isEqualTo(2);
        assertThat(noEvery.err()).contains("--every");
        assertFailed(strata("tenants", "backup", "schedule", "bc-a", "--every", "30s"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("tenants", "restore", "bc-a", "--to", "2000-01-01T00:00:00Z"), ErrorCode.BACKUP_NOT_FOUND);
    }

    @Test
    void a_tenant_slugged_like_a_subcommand_is_backed_up_with_backup_create() throws Exception {
        Run taken = strata("tenants", "backup", "create", "list", "-o", "json");
        assertSucceeded(taken);
        assertThat(Json.mapper().readTree(taken.out()).get("status").asText()).isEqualTo("complete");
        Run listed = strata("tenants", "backup", "list", "list", "-o", "json");
        assertSucceeded(listed);
        assertThat(Json.mapper().readTree(listed.out()).get("backups")).hasSize(1);
        assertThat(strata("tenants", "backup", "create", "--help").out()).contains("Back a tenant up now");
    }
}
