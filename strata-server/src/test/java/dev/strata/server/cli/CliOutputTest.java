package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.strata.ErrorCode;
import dev.strata.server.api.Json;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client commands' output ({@code -o table|json|yaml}, {@code --json}), paging ({@code --limit},
 * {@code --cursor}, every page by default), named contexts and shell completion.
 */
class CliOutputTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    @TempDir
    Path home;

    @BeforeAll
    static void tenants() {
        assertThat(api.http().post("/v1/tenants", "{\"tier\": 1, \"slug\": \"out-partner\"}").status()).isEqualTo(201);
        for (String slug : List.of("out-c", "out-a", "out-b")) {
            assertThat(api.http().post("/v1/tenants", "{\"tier\": 2, \"slug\": \"" + slug + "\", \"parent\": \"out-partner\", "
                    + "\"mode\": \"rls\"}").status()).isEqualTo(201);
        }
    }

    private Run strata(String... args) {
        return Cli.run(home, api.cliEnvironment(), args);
    }

    private Run strata(Map<String, String> env, String... args) {
        return Cli.run(home, env, args);
    }

    @Test
    void o_json_and_json_are_the_apis_answer_and_o_yaml_is_the_same_data() throws Exception {
        Run json = strata("tenants", "list", "--parent", "out-partner", "-o", "json");
        Run alias = strata("tenants", "list", "--parent", "out-partner", "--json");
        Run yaml = strata("tenants", "list", "--parent", "out-partner", "-o", "yaml");
        Cli.assertSucceeded(json);
        Cli.assertSucceeded(alias);
        Cli.assertSucceeded(yaml);
        JsonNode fromJson = Json.mapper().readTree(json.out());
        assertThat(Json.mapper().readTree(alias.out())).isEqualTo(fromJson);
        JsonNode fromYaml = new ObjectMapper(new YAMLFactory()).readTree(yaml.out());
        assertThat(fromYaml).isEqualTo(fromJson);
        assertThat(yaml.out()).doesNotStartWith("---").doesNotContain("{\"");
        assertThat(texts(fromJson.get("tenants"), "slug")).containsExactly("out-a", "out-b", "out-c");
        assertThat(fromJson.get("next_cursor").isNull()).isTrue();
        Run table = strata("tenants", "list", "--parent", "out-partner", "-o", "table");
        Cli.assertSucceeded(table);
        assertThat(table.out()).startsWith("SLUG").contains("out-a").contains("out-c");
    }

    @Test
    void every_command_with_output_takes_o_yaml() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String[]> commands = List.of(
                new String[] {"tenants", "show", "out-a"},
                new String[] {"tenants", "history", "out-a"},
                new String[] {"tenants", "top"},
                new String[] {"tenants", "limits", "out-a"},
                new String[] {"operations", "list"},
                new String[] {"audit"},
                new String[] {"migrate", "status"});
        for (String[] command : commands) {
            List<String> args = new ArrayList<>(List.of(command));
            Run json = strata(concat(args, "-o", "json"));
            Run asYaml = strata(concat(args, "-o", "yaml"));
            assertThat(json.exitCode()).as(json.toString()).isIn(0, 1);
            assertThat(asYaml.exitCode()).as(asYaml.toString()).isEqualTo(json.exitCode());
            JsonNode j = Json.mapper().readTree(json.out());
            JsonNode y = yaml.readTree(asYaml.out());
            if (!List.of(command).contains("top") && !List.of(command).contains("audit")) {
                assertThat(y).as(String.join(" ", command)).isEqualTo(j);
            } else {
                assertThat(y.fieldNames()).toIterable().as(String.join(" ", command))
                        .containsExactlyElementsOf(() -> j.fieldNames());
            }
        }
    }

    private static String[] concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void an_unknown_output_format_or_a_contradiction_is_a_usage_error_before_anything_is_sent() {
        Run bad = strata("tenants", "list", "-o", "xml");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("table, json or yaml");
        Run contradiction = strata("tenants", "list", "--json", "-o", "yaml");
        assertThat(contradiction.exitCode()).as(contradiction.toString()).isEqualTo(2);
        Run noServer = strata(Map.of("STRATA_API", "http://127.0.0.1:1"), "tenants", "list", "-o", "xml");
        assertThat(noServer.exitCode()).as("refused before the API is called").isEqualTo(2);
    }

    @Test
    void list_commands_fetch_every_page_unless_limit_or_cursor_asks_for_one() throws Exception {
        Run all = strata("tenants", "list", "--parent", "out-partner", "--json");
        assertThat(Json.mapper().readTree(all.out()).get("tenants")).hasSize(3);

        Run first = strata("tenants", "list", "--parent", "out-partner", "--limit", "2", "--json");
        Cli.assertSucceeded(first);
        JsonNode page = Json.mapper().readTree(first.out());
        assertThat(texts(page.get("tenants"), "slug")).containsExactly("out-a", "out-b");
        String cursor = page.get("next_cursor").asText();
        Run second = strata("tenants", "list", "--parent", "out-partner", "--limit", "2", "--cursor", cursor, "--json");
        JsonNode last = Json.mapper().readTree(second.out());
        assertThat(texts(last.get("tenants"), "slug")).containsExactly("out-c");
        assertThat(last.get("next_cursor").isNull()).isTrue();

        Run table = strata("tenants", "list", "--parent", "out-partner", "--limit", "2");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.out()).contains("out-a").doesNotContain("out-c");
        assertThat(table.err()).contains("--cursor " + cursor);

        Run badLimit = strata("tenants", "list", "--limit", "0");
        Cli.assertFailed(badLimit, ErrorCode.INVALID_ARGUMENT);
        assertThat(badLimit.err()).contains("'limit'");
        Run badCursor = strata("operations", "list", "--cursor", "nonsense");
        Cli.assertFailed(badCursor, ErrorCode.INVALID_ARGUMENT);
        assertThat(badCursor.err()).contains("'cursor'");

        Run ops = strata("operations", "list", "--limit", "1", "--json");
        assertThat(Json.mapper().readTree(ops.out()).get("operations")).hasSize(1);
        Run allOps = strata("operations", "list", "--json");
        assertThat(Json.mapper().readTree(allOps.out()).get("operations").size()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void contexts_name_an_api_url_and_key_file_and_the_current_one_is_used() throws Exception {
        Path keyFile = Files.writeString(home.resolve("prod.key"), api.adminKey() + "\n");
        Map<String, String> bare = Map.of("STRATA_HOME", home.resolve("no-data-dir").toString());
        Run set = strata(bare, "config", "set-context", "prod", "--api-url", api.baseUri().toString(),
                "--api-key-file", keyFile.toString());
        Cli.assertSucceeded(set);
        Cli.assertSucceeded(strata(bare, "config", "set-context", "staging", "--api-url", "http://127.0.0.1:1",
                "--api-key-file", keyFile.toString()));
        Path file = home.resolve(".config/strata/contexts.json");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).doesNotContain(api.adminKey());

        Run noCurrent = strata(bare, "tenants", "list");
        assertThat(noCurrent.exitCode()).as("no current context yet: the default API and no key").isNotZero();

        Cli.assertSucceeded(strata(bare, "config", "use-context", "prod"));
        Run current = strata(bare, "config", "current-context");
        assertThat(current.out().strip()).isEqualTo("prod");
        Run list = strata(bare, "tenants", "list", "--parent", "out-partner");
        Cli.assertSucceeded(list);
        assertThat(list.out()).contains("out-a");

        Run other = strata(bare, "tenants", "list", "--context", "staging");
        assertThat(other.exitCode()).as(other.toString()).isEqualTo(CliFailure.UNREACHABLE);

        Map<String, String> viaEnv = new HashMap<>(bare);
        viaEnv.put("STRATA_CONTEXT", "prod");
        Cli.assertSucceeded(strata(viaEnv, "config", "use-context", "staging"));
        Cli.assertSucceeded(strata(viaEnv, "tenants", "list"));

        Run contexts = strata(bare, "config", "get-contexts");
        assertThat(contexts.out()).contains("NAME").contains("prod").contains("staging");
        assertThat(contexts.out().lines().filter(l -> l.startsWith("*"))).singleElement().asString().contains("staging");
        JsonNode json = Json.mapper().readTree(strata(bare, "config", "get-contexts", "-o", "json").out());
        assertThat(json.get("current_context").asText()).isEqualTo("staging");
        assertThat(json.get("contexts")).hasSize(2);

        Run unknown = strata(bare, "config", "use-context", "nope");
        Cli.assertFailed(unknown, ErrorCode.INVALID_ARGUMENT);
        assertThat(unknown.err()).contains("prod").contains("staging");
        assertThat(strata(bare, "tenants", "list", "--context", "nope").exitCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.exitCode());
        assertThat(strata(bare, "config", "set-context", "bad name!", "--api-url", "http://x").exitCode()).isEqualTo(2);
        Cli.assertFailed(strata(bare, "config", "set-context", "x", "--api-url", "ftp://x"), ErrorCode.INVALID_ARGUMENT);
        Cli.assertFailed(strata(bare, "config", "set-context", "x", "--api-key-file", home.resolve("missing").toString()),
                ErrorCode.INVALID_ARGUMENT);

        Cli.assertSucceeded(strata(bare, "config", "delete-context", "staging"));
        assertThat(strata(bare, "config", "current-context").exitCode()).isNotZero();
        Files.delete(keyFile);
        Run lostKey = strata(bare, "tenants", "list", "--context", "prod");
        assertThat(lostKey.exitCode()).isEqualTo(CliFailure.NO_KEY);
        assertThat(lostKey.err()).contains(keyFile.toString());
    }

    @Test
    void completion_prints_a_script_for_bash_and_zsh_covering_every_command() {
        Run bash = strata("completion", "bash");
        Cli.assertSucceeded(bash);
        assertThat(bash.out()).contains("complete -F").contains("tenants").contains("operations").contains("config")
                .contains("--output").contains("set-context");
        Run zsh = strata("completion", "zsh");
        Cli.assertSucceeded(zsh);
        assertThat(zsh.out()).startsWith("#compdef strata").contains("bashcompinit").contains("tenants");
        assertThat(strata("completion", "fish").exitCode()).isEqualTo(2);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }
}
