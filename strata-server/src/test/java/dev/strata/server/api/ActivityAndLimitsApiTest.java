package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantLimits;
import dev.strata.Tier;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code GET /v1/tenants/top} and {@code GET|PUT|DELETE /v1/tenants/{key}/limits}. */
class ActivityAndLimitsApiTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> strata.tenants().create(NewTenant.t1("busy-co")));

    private final Http http = api.http();
    private final Strata strata = api.strata();

    // ---------------------------------------------------------------- top

    @Test
    void top_lists_the_tenants_that_worked_busiest_first_with_at_least_their_transactions() throws Exception {
        Tenant most = t2("top-most");
        Tenant middle = t2("top-middle");
        Tenant least = t2("top-least");
        run(most, 7);
        run(middle, 4);
        run(least, 2);
        failing(least);

        Answer answer = http.get("/v1/tenants/top?limit=1000&window=10m");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode top = answer.json();
        assertThat(top.get("window_seconds").asLong()).isEqualTo(600);
        List<String> order = new ArrayList<>();
        long previous = Long.MAX_VALUE;
        for (JsonNode t : top.get("tenants")) {
            order.add(t.get("slug").asText());
            assertThat(t.get("transactions").asLong()).as("busiest first").isLessThanOrEqualTo(previous);
            previous = t.get("transactions").asLong();
        }
        assertThat(order).containsSubsequence("top-most", "top-middle", "top-least");

        JsonNode first = entry(top, "top-most");
        assertThat(first.get("id").asText()).isEqualTo(most.id().toString());
        assertThat(first.get("tier").asInt()).isEqualTo(2);
        assertThat(first.get("transactions").asLong()).isGreaterThanOrEqualTo(7);
        assertThat(first.get("tps").asDouble()).isPositive();
        assertThat(first.get("mean_latency_ms").asDouble()).isPositive();
        assertThat(first.get("max_latency_ms").asDouble()).isGreaterThanOrEqualTo(first.get("mean_latency_ms").asDouble());
        assertThat(entry(top, "top-middle").get("transactions").asLong()).isGreaterThanOrEqualTo(4);
        JsonNode last = entry(top, "top-least");
        assertThat(last.get("transactions").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(last.get("errors").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(last.get("throttled").asLong()).isZero();
        assertThat(last.get("id").asText()).isEqualTo(least.id().toString());
    }

    @Test
    void top_defaults_to_ten_tenants_over_five_minutes_and_honours_the_limit() throws Exception {
        for (int i = 0; i < 12; i++) {
            run(t2("top-many-" + i), 1);
        }
        JsonNode defaults = http.get("/v1/tenants/top").json();
        assertThat(defaults.get("window_seconds").asLong()).isEqualTo(300);
        assertThat(defaults.get("tenants")).hasSize(10);
        assertThat(http.get("/v1/tenants/top?limit=3").json().get("tenants")).hasSize(3);
        for (String window : List.of("90s", "5m", "2h", "1d", "PT5M", "pt1h30m")) {
            Answer answer = http.get("/v1/tenants/top?limit=1&window=" + window);
            assertThat(answer.status()).as(window + ": " + answer).isEqualTo(200);
        }
        assertThat(http.get("/v1/tenants/top?window=2h").json().get("window_seconds").asLong()).isEqualTo(7200);
        assertThat(http.get("/v1/tenants/top?window=PT1H30M").json().get("window_seconds").asLong()).isEqualTo(5400);
    }

    @Test
    void a_bad_limit_window_or_parameter_of_top_is_400_saying_what_is_accepted() {
        for (String limit : List.of("0", "1001", "-1", "ten", "", "2.5")) {
            Answer answer = http.get("/v1/tenants/top?limit=" + limit);
            assertProblem(answer, ErrorCode.INVALID_ARGUMENT);
            assertThat(answer.json().get("detail").asText()).as(limit).contains("1").contains("1000");
        }
        for (String window : List.of("5", "5 minutes", "5x", "", "-PT5M", "P", "99999999999999999d")) {
            Answer answer = http.get("/v1/tenants/top?window=" + window.replace(" ", "%20"));
            assertProblem(answer, ErrorCode.INVALID_ARGUMENT);
            assertThat(answer.json().get("detail").asText()).as(window).containsIgnoringCase("window");
        }
        for (String window : List.of("30s", "8d", "PT59S")) {
            Answer answer = http.get("/v1/tenants/top?window=" + window);
            assertProblem(answer, ErrorCode.INVALID_ARGUMENT);
            assertThat(answer.json().get("detail").asText()).as(window).contains("one minute", "seven days");
        }
        Answer unknown = http.get("/v1/tenants/top?limit=3&sort=errors");
        assertProblem(unknown, ErrorCode.INVALID_ARGUMENT);
        assertThat(unknown.json().get("detail").asText()).contains("[sort]", "limit", "window");
    }

    @Test
    void top_needs_the_api_key() {
        assertProblem(http.withKey(null).get("/v1/tenants/top"), ErrorCode.UNAUTHORIZED);
        assertProblem(http.withKey(null).get("/v1/tenants/busy-co/limits"), ErrorCode.UNAUTHORIZED);
        assertProblem(http.withKey(null).send("DELETE", "/v1/tenants/busy-co/limits"), ErrorCode.UNAUTHORIZED);
    }

    /** Javalin answers with the first registered route that matches: the literal path is registered first. */
    @Test
    void top_is_not_shadowed_by_a_tenant_slugged_top_which_stays_reachable_by_id_and_on_its_other_paths() {
        Tenant named = t2("top");
        JsonNode top = http.get("/v1/tenants/top").json();
        assertThat(top.has("window_seconds")).as(top.toString()).isTrue();
        assertThat(top.has("tenants")).isTrue();

        Answer byId = http.get("/v1/tenants/" + named.id());
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json().get("slug").asText()).isEqualTo("top");
        assertThat(http.get("/v1/tenants/top/limits").json().get("tenant_id").asText()).isEqualTo(named.id().toString());
        assertThat(http.get("/v1/tenants/top/history").json().get("tenant_id").asText()).isEqualTo(named.id().toString());
    }

    // ---------------------------------------------------------------- limits

    @Test
    void limits_round_trip_from_the_tiers_to_the_tenants_own_and_back() {
        Tenant tenant = t2("limited");
        TenantLimits tiers = strata.config().limitsFor(tenant.tier());

        JsonNode shown = http.get("/v1/tenants/limited/limits").json();
        assertThat(shown.get("tenant_id").asText()).isEqualTo(tenant.id().toString());
        assertThat(shown.get("slug").asText()).isEqualTo("limited");
        assertThat(shown.get("source").asText()).isEqualTo("tier");
        assertLimits(shown, tiers);

        Answer put = put("/v1/tenants/limited/limits",
                "{\"max_concurrent_transactions\": 3, \"acquire_timeout_ms\": 250, \"statement_timeout_ms\": 4000}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        TenantLimits own = new TenantLimits(3, Duration.ofMillis(250), Duration.ofMillis(4000));
        assertThat(put.json().get("source").asText()).isEqualTo("tenant");
        assertLimits(put.json(), own);
        assertThat(strata.tenants().limits("limited")).isEqualTo(own);
        assertThat(http.get("/v1/tenants/" + tenant.id() + "/limits").json()).isEqualTo(put.json());

        Answer cleared = http.send("DELETE", "/v1/tenants/limited/limits");
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(cleared.json().get("source").asText()).isEqualTo("tier");
        assertLimits(cleared.json(), tiers);
        assertThat(strata.tenants().ownLimits("limited")).isEmpty();
        assertThat(http.get("/v1/tenants/limited/limits").json()).isEqualTo(cleared.json());

        List<String> actions = new ArrayList<>();
        JsonNode events = http.get("/v1/tenants/limited/history").json().get("events");
        events.forEach(e -> actions.add(e.get("action").asText()));
        assertThat(actions).containsExactly("created", "limits_changed", "limits_cleared");
        assertThat(events.get(1).get("actor").asText()).isEqualTo(api.adminActor());
        assertThat(events.get(1).get("detail").get("statement_timeout_ms").asLong()).isEqualTo(4000);
    }

    @Test
    void a_statement_timeout_put_over_http_cancels_the_tenants_long_statements_until_cleared() throws Exception {
        Tenant tenant = t2("sleeper");
        sleep(tenant, 0.2);
        Answer put = put("/v1/tenants/sleeper/limits",
                "{\"max_concurrent_transactions\": 5, \"acquire_timeout_ms\": 1000, \"statement_timeout_ms\": 50}");
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThatThrownBy(() -> sleep(tenant, 1))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));

        assertThat(http.send("DELETE", "/v1/tenants/sleeper/limits").status()).isEqualTo(200);
        sleep(tenant, 0.2);
    }

    @Test
    void limits_of_an_unknown_tenant_are_404() {
        for (String key : List.of("nobody-here", UUID.randomUUID().toString())) {
            assertProblem(http.get("/v1/tenants/" + key + "/limits"), ErrorCode.TENANT_NOT_FOUND);
            assertUnchanged(() -> put("/v1/tenants/" + key + "/limits",
                    "{\"max_concurrent_transactions\": 1, \"acquire_timeout_ms\": 0, \"statement_timeout_ms\": 0}"),
                    ErrorCode.TENANT_NOT_FOUND);
            assertUnchanged(() -> http.send("DELETE", "/v1/tenants/" + key + "/limits"), ErrorCode.TENANT_NOT_FOUND);
        }
    }

    @Test
    void an_invalid_limits_body_is_400_and_changes_nothing() {
        t2("strict");
        put("/v1/tenants/strict/limits",
                "{\"max_concurrent_transactions\": 2, \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 0}");
        JsonNode before = http.get("/v1/tenants/strict/limits").json();
        List<String> bodies = List.of(
                "",
                "[]",
                "{\"max_concurrent_transactions\": 2, \"acquire_timeout_ms\": 100",
                "{\"max_concurrent_transactions\": 4}",
                "{\"max_concurrent_transactions\": 4, \"acquire_timeout_ms\": 100}",
                "{\"max_concurrent_transactions\": 0, \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 0}",
                "{\"max_concurrent_transactions\": -3, \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 0}",
                "{\"max_concurrent_transactions\": 3000000000, \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 0}",
                "{\"max_concurrent_transactions\": 4, \"acquire_timeout_ms\": -1, \"statement_timeout_ms\": 0}",
                "{\"max_concurrent_transactions\": 4, \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": -1}",
                "{\"max_concurrent_transactions\": 4, \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 2147483648}",
                "{\"max_concurrent_transactions\": 2.5, \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 0}",
                "{\"max_concurrent_transactions\": \"many\", \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 0}",
                "{\"max_concurrent_transactions\": 4, \"acquire_timeout_ms\": 100, \"statement_timeout_ms\": 0, \"burst\": 9}",
                "{\"max_concurrent_transactions\": 4, \"acquire_timeout\": \"2s\", \"statement_timeout_ms\": 0}");
        for (String body : bodies) {
            Answer answer = assertUnchanged(() -> put("/v1/tenants/strict/limits", body), ErrorCode.INVALID_ARGUMENT);
            assertThat(answer.json().get("detail").asText()).as(body).isNotBlank();
            assertThat(http.get("/v1/tenants/strict/limits").json()).as(body).isEqualTo(before);
        }
        assertThat(put("/v1/tenants/strict/limits", "{\"max_concurrent_transactions\": 4}").json().get("detail").asText())
                .contains("acquire_timeout_ms", "statement_timeout_ms").doesNotContain("Missing max_concurrent_transactions");
        assertThat(put("/v1/tenants/strict/limits",
                "{\"max_concurrent_transactions\": 0, \"acquire_timeout_ms\": 1, \"statement_timeout_ms\": 0}")
                .json().get("detail").asText()).contains("max_concurrent_transactions", "was 0");
    }

    @Test
    void the_operator_has_no_limits_to_change_but_shows_its_tiers() {
        JsonNode shown = http.get("/v1/tenants/operator/limits").json();
        assertThat(shown.get("source").asText()).isEqualTo("tier");
        assertLimits(shown, strata.config().limitsFor(Tier.T0));
        assertUnchanged(() -> put("/v1/tenants/operator/limits",
                "{\"max_concurrent_transactions\": 1, \"acquire_timeout_ms\": 0, \"statement_timeout_ms\": 0}"),
                ErrorCode.INVALID_HIERARCHY);
    }

    @Test
    void a_decommissioned_tenants_limits_are_shown_but_cannot_change() {
        t2("retired");
        strata.tenants().decommission("retired", false);
        assertThat(http.get("/v1/tenants/retired/limits").status()).isEqualTo(200);
        assertUnchanged(() -> put("/v1/tenants/retired/limits",
                "{\"max_concurrent_transactions\": 1, \"acquire_timeout_ms\": 0, \"statement_timeout_ms\": 0}"),
                ErrorCode.TENANT_DECOMMISSIONED);
        assertUnchanged(() -> http.send("DELETE", "/v1/tenants/retired/limits"), ErrorCode.TENANT_DECOMMISSIONED);
    }

    // ---------------------------------------------------------------- helpers

    private Tenant t2(String slug) {
        return strata.tenants().create(NewTenant.t2(slug, "busy-co"));
    }

    private void run(Tenant t, int times) throws SQLException {
        for (int i = 0; i < times; i++) {
            strata.useTenant(t.id(), scope -> scope.connection().prepareStatement("SELECT 1").executeQuery().close());
        }
    }

    private void failing(Tenant t) {
        assertThatThrownBy(() -> strata.useTenant(t.id(), scope -> {
            throw new IllegalStateException("work failed");
        })).isInstanceOf(IllegalStateException.class);
    }

    private void sleep(Tenant t, double seconds) throws SQLException {
        strata.useTenant(t.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT pg_sleep(?)")) {
                ps.setDouble(1, seconds);
                ps.execute();
            }
        });
    }

    private static JsonNode entry(JsonNode top, String slug) {
        for (JsonNode t : top.get("tenants")) {
            if (t.get("slug").asText().equals(slug)) {
                return t;
            }
        }
        throw new AssertionError(slug + " is not in " + top);
    }

    private static void assertLimits(JsonNode view, TenantLimits limits) {
        assertThat(view.get("max_concurrent_transactions").asInt()).isEqualTo(limits.maxConcurrentTransactions());
        assertThat(view.get("acquire_timeout_ms").asLong()).isEqualTo(limits.acquireTimeout().toMillis());
        assertThat(view.get("statement_timeout_ms").asLong()).isEqualTo(limits.statementTimeout().toMillis());
    }

    private Answer put(String path, String body) {
        return http.put(path, body);
    }

    /** The request is refused with the code's problem, and the registry, history and tenant limits are as before. */
    private Answer assertUnchanged(Supplier<Answer> request, ErrorCode code) {
        Snapshot before = Snapshot.of(strata);
        Answer answer = request.get();
        assertProblem(answer, code);
        assertThat(Snapshot.of(strata)).isEqualTo(before);
        return answer;
    }
}
