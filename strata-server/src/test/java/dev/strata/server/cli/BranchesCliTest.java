package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.NewTenant;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.testing.NeonLocalExtension;
import dev.strata.server.api.Json;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.testing.NeonT1s;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata tenants branch create|list|delete} against the REST API, for a T1 placed on
 * neon-local: the connection string printed once, tables and JSON/YAML, clear refusals with the
 * error code's exit status.
 */
@ExtendWith(NeonLocalExtension.class)
class BranchesCliTest {
    @RegisterExtension
    static final ApiExtension API = ApiExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("cli-br"));
        strata.tenants().create(NewTenant.t1("cli-local"));
    });

    @TempDir
    Path home;

    @BeforeAll
    static void placeOnNeon(NeonLocal local) {
        new NeonT1s(local).install(API.strata()).onProject(API.strata().tenants().get("cli-br"));
    }

    private Cli.Run strata(String... args) {
        return Cli.run(home, API.cliEnvironment(), args);
    }

    @Test
    void create_prints_the_connection_once_list_shows_the_branch_and_delete_removes_it() throws Exception {
        Cli.Run created = strata("tenants", "branch", "create", "cli-br", "--name", "staging");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created branch 'staging' of tenant 'cli-br'")
                .contains("shown this once").contains("postgresql://");

        Cli.Run table = strata("tenants", "branch", "list", "cli-br");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("NAME").contains("staging").contains("ready").doesNotContain("postgresql://");
        JsonNode json = Json.mapper().readTree(strata("tenants", "branch", "list", "cli-br", "-o", "json").out());
        assertThat(json.get("branches").get(0).get("name").asText()).isEqualTo("staging");
        assertThat(strata("tenants", "branch", "list", "cli-br", "-o", "yaml").out()).contains("name: staging");

        Cli.Run deleted = strata("tenants", "branch", "delete", "cli-br", "staging");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("Deleted branch 'staging'");
        assertThat(strata("tenants", "branch", "list", "cli-br").out()).doesNotContain("staging");
    }

    @Test
    void refusals_are_clear_and_exit_with_the_codes_status() {
        Cli.Run missing = strata("tenants", "branch", "delete", "cli-br", "nope");
        assertThat(missing.exitCode()).isEqualTo(dev.strata.ErrorCode.BRANCH_NOT_FOUND.exitCode());
        assertThat(missing.err()).contains("has no branch 'nope'");
        Cli.Run local = strata("tenants", "branch", "create", "cli-local", "--name", "dev");
        assertThat(local.exitCode()).isEqualTo(dev.strata.ErrorCode.PLANE_CANNOT.exitCode());
        assertThat(local.err()).contains("need a T1 on a Neon plane");
        Cli.Run badTime = strata("tenants", "branch", "create", "cli-br", "--name", "dev", "--from-timestamp", "soon");
        assertThat(badTime.exitCode()).isEqualTo(dev.strata.ErrorCode.INVALID_ARGUMENT.exitCode());
        assertThat(badTime.err()).contains("--from-timestamp");
    }
}
