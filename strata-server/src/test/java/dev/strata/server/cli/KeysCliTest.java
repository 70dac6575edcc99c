package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.server.api.Json;
import dev.strata.server.runtime.AdminKeyFile;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import dev.strata.server.testing.Http;
import dev.strata.testing.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.strata.server.testing.Cli.assertFailed;
import static dev.strata.server.testing.Cli.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code strata keys ...} as a user runs it against a running API, and the admin key's recovery. */
class KeysCliTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("kc-a"));
        strata.tenants().create(NewTenant.t2("kc-a1", "kc-a"));
        strata.tenants().create(NewTenant.t1("kc-b"));
    });

    private static final Pattern SECRET = Pattern.compile("(?m)^secret: (strata_[0-9a-f]{32}_[A-Za-z0-9_-]{43})$");

    @TempDir
    Path home;

    private Run strata(String... args) {
        return Cli.run(home, api.cliEnvironment(), args);
    }

    private Run strataWithKey(String key, String... args) {
        Map<String, String> env = new HashMap<>(api.cliEnvironment());
        env.put("STRATA_API_KEY", key);
        return Cli.run(home, env, args);
    }

    @Test
    void a_key_is_created_for_a_tenant_used_listed_and_revoked_from_the_command_line() {
        Run created = strata("keys", "create", "--tenant", "kc-a", "--name", "partner ops", "--expires", "30d");
        assertSucceeded(created);
        Matcher m = SECRET.matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        String secret = m.group(1);
        assertThat(created.out()).contains("partner ops").contains("kc-a").contains("shown this once");

        Run list = strataWithKey(secret, "tenants", "list");
        assertSucceeded(list);
        assertThat(list.out()).contains("kc-a1").doesNotContain("kc-b");

        Run keys = strata("keys", "list", "--tenant", "kc-a");
        assertSucceeded(keys);
        assertThat(keys.out()).contains("partner ops").contains("active").doesNotContain(secret);
        Run json = strata("keys", "list", "--json");
        assertSucceeded(json);
        assertThat(json.out()).doesNotContain(secret);
        JsonNode key = find(json.out(), "partner ops");
        Instant expires = Instant.parse(key.get("expires_at").asText());
        assertThat(expires).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        String id = key.get("id").asText();
        assertThat(secret).startsWith("strata_" + id.replace("-", ""));

        Run shown = strata("keys", "show", id);
        assertSucceeded(shown);
        assertThat(shown.out()).contains(id).contains("kc-a");

        Run revoked = strata("keys", "revoke", id);
        assertSucceeded(revoked);
        assertThat(revoked.out()).contains("Revoked API key 'partner ops'");
        assertFailed(strataWithKey(secret, "tenants", "list"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void a_t1_key_cannot_create_keys_outside_its_subtree_and_a_t2_key_none_at_all() {
        String partner = api.createKey("kc-a", "cli-partner").secret();
        assertFailed(strataWithKey(partner, "keys", "create", "--tenant", "kc-b"), ErrorCode.TENANT_NOT_FOUND);
        assertSucceeded(strataWithKey(partner, "keys", "create", "--tenant", "kc-a1"));
        String customer = api.createKey("kc-a1", "cli-customer").secret();
        assertFailed(strataWithKey(customer, "keys", "create", "--tenant", "kc-a1"), ErrorCode.FORBIDDEN);
    }

    @Test
    void expiries_are_durations_dates_or_timestamps_and_anything_else_is_refused_before_a_request() {
        assertFailed(strata("keys", "create", "--tenant", "kc-a", "--expires", "soon"), ErrorCode.INVALID_ARGUMENT);
        assertFailed(strata("keys", "create", "--tenant", "kc-a", "--expires", "2020-01-01"), ErrorCode.INVALID_ARGUMENT);
        assertThat(KeysCommand.expiry("12h", Instant.parse("2030-01-01T00:00:00Z"))).isEqualTo(Instant.parse("2030-01-01T12:00:00Z"));
        assertThat(KeysCommand.expiry("2w", Instant.parse("2030-01-01T00:00:00Z"))).isEqualTo(Instant.parse("2030-01-15T00:00:00Z"));
        assertThat(KeysCommand.expiry("2031-06-30", Instant.now())).isEqualTo(Instant.parse("2031-06-30T00:00:00Z"));
        assertThat(KeysCommand.expiry("2031-06-30T10:00:00+02:00", Instant.now())).isEqualTo(Instant.parse("2031-06-30T08:00:00Z"));
    }

    @Test
    void without_an_admin_key_file_the_hint_names_reset_admin() {
        Run run = Cli.run(home, Map.of("STRATA_API", api.baseUri().toString(), "STRATA_HOME", home.resolve("empty").toString()),
                "tenants", "list");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ErrorCode.UNAUTHORIZED.exitCode());
        assertThat(run.err()).as("the same advice as serve's").contains("strata keys reset-admin --data-dir " + home.resolve("empty"));
    }

    private static JsonNode find(String json, String name) {
        try {
            for (JsonNode k : Json.mapper().readTree(json).get("keys")) {
                if (k.get("name").asText().equals(name)) {
                    return k;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no key named " + name + " in " + json);
    }
}
