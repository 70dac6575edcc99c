package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.Tenant;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * THE AUTHORIZATION MATRIX: every endpoint of openapi.json (read from the document, so an endpoint
 * added without an expectation here fails this test) called as each kind of caller, with the status
 * expected, and no data changed by any call that is refused (401, 403, 404).
 *
 * <p>The topology: T1 {@code mx-a} with T2s {@code mx-a1}, {@code mx-a2}; T1 {@code mx-b} with T2
 * {@code mx-b1}. The callers: the T0 key; the {@code mx-a} key on its own subtree ({@code mx-a2});
 * the {@code mx-a} key on the other subtree ({@code mx-b1}); the {@code mx-a1} key on itself; the
 * {@code mx-a1} key on its sibling {@code mx-a2}; no key; a revoked T0 key; an expired T0 key.
 * A call allowed to change something gets a fresh T2 of {@code mx-a} (or a fresh key) to change.
 */
class AuthorizationMatrixTest {

    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("mx-a"));
        strata.tenants().create(NewTenant.t2("mx-a1", "mx-a"));
        strata.tenants().create(NewTenant.t2("mx-a2", "mx-a"));
        strata.tenants().create(NewTenant.t1("mx-b"));
        strata.tenants().create(NewTenant.t2("mx-b1", "mx-b"));
    });

    /** Who calls, and on what. */
    enum As { T0, T1_OWN, T1_OTHER, T2_SELF, T2_SIBLING, NO_KEY, REVOKED, EXPIRED }

    /** What a call is made on: a tenant (slug), its parent, one of its operations and one of its keys. */
    record Target(String tenant, String parent, String operation, String key) {
    }

    @FunctionalInterface
    interface Call {
        Answer send(Http http, Target target);
    }

    /**
     * One endpoint's row: the statuses for T0, T1 own, T1 other, T2 self, T2 sibling (no key,
     * revoked and expired keys are always 401 unless the endpoint is public), whether an allowed
     * call changes its target (then it gets a fresh one), and the call.
     */
    record Row(int t0, int t1Own, int t1Other, int t2Self, int t2Sibling, boolean publicEndpoint, boolean mutating, Call call) {
        int expected(As as) {
            return switch (as) {
                case T0 -> t0;
                case T1_OWN -> t1Own;
                case T1_OTHER -> t1Other;
                case T2_SELF -> t2Self;
                case T2_SIBLING -> t2Sibling;
                case NO_KEY, REVOKED, EXPIRED -> publicEndpoint ? t0 : 401;
            };
        }
    }

    private static final AtomicInteger FRESH = new AtomicInteger();
    private static final String LIMITS = "{\"max_concurrent_transactions\": 1, \"acquire_timeout_ms\": 0, \"statement_timeout_ms\": 1}";
    private static byte[] archive;
    private static UUID backupOfA2;
    private static final Map<As, Http> CALLERS = new EnumMap<>(As.class);

    @BeforeAll
    static void keys() {
        Http admin = api.http();
        CALLERS.put(As.T0, admin);
        Http t1 = api.httpAs("mx-a");
        CALLERS.put(As.T1_OWN, t1);
        CALLERS.put(As.T1_OTHER, t1);
        Http t2 = api.httpAs("mx-a1");
        CALLERS.put(As.T2_SELF, t2);
        CALLERS.put(As.T2_SIBLING, t2);
        CALLERS.put(As.NO_KEY, admin.withKey(null));
        ApiKeys.Created revoked = api.keys().create("revoked-operator");
        api.keys().revoke(revoked.key().id());
        CALLERS.put(As.REVOKED, admin.withKey(revoked.secret()));
        ApiKeys.Created expired = api.keys().create("expired-operator");
        expire(expired.key().id());
        CALLERS.put(As.EXPIRED, admin.withKey(expired.secret()));
        archive = admin.getBytes("/v1/tenants/mx-a2/export");
        backupOfA2 = UUID.fromString(admin.post("/v1/tenants/mx-a2/backups", null).json().get("id").asText());
    }

    /**
     * The expectation of every endpoint, by {@code METHOD path} as openapi.json names it. Endpoints
     * other helpers are adding carry their rules here already (planes: operator only; move:
     * administered like suspend; metrics: operator only; ready: public).
     */
    static Map<String, Row> expectations() {
        Map<String, Row> rows = new LinkedHashMap<>();
        rows.put("GET /health", new Row(200, 200, 200, 200, 200, true, false, (h, t) -> h.get("/health")));
        rows.put("GET /v1/openapi.json", new Row(200, 200, 200, 200, 200, true, false, (h, t) -> h.get("/v1/openapi.json")));
        rows.put("GET /ready", new Row(200, 200, 200, 200, 200, true, false, (h, t) -> h.get("/ready")));
        rows.put("GET /metrics", new Row(200, 403, 403, 403, 403, false, false, (h, t) -> h.get("/metrics")));

        rows.put("POST /v1/tenants", new Row(201, 201, 404, 403, 403, false, false, (h, t) -> h.post("/v1/tenants",
                "{\"tier\": 2, \"slug\": \"" + fresh() + "\", \"parent\": \"" + t.parent() + "\"}")));
        // filtered by the target's parent: a T2 key does not see its T1
        rows.put("GET /v1/tenants", new Row(200, 200, 404, 404, 404, false, false,
                (h, t) -> h.get("/v1/tenants?parent=" + t.parent())));
        rows.put("GET /v1/tenants/top", new Row(200, 200, 200, 200, 200, false, false, (h, t) -> h.get("/v1/tenants/top")));
        rows.put("GET /v1/tenants/{key}", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/tenants/" + t.tenant())));
        rows.put("POST /v1/tenants/{key}/suspend", new Row(200, 200, 404, 403, 404, false, true,
                (h, t) -> h.post("/v1/tenants/" + t.tenant() + "/suspend", null)));
        rows.put("POST /v1/tenants/{key}/resume", new Row(200, 200, 404, 403, 404, false, true,
                (h, t) -> h.post("/v1/tenants/" + t.tenant() + "/resume", null)));
        rows.put("POST /v1/tenants/{key}/decommission", new Row(200, 200, 404, 403, 404, false, true,
                (h, t) -> h.post("/v1/tenants/" + t.tenant() + "/decommission", "{\"confirm\": true}")));
        rows.put("POST /v1/tenants/{key}/move", new Row(400, 400, 404, 403, 404, false, true,
                (h, t) -> h.post("/v1/tenants/" + t.tenant() + "/move", "{\"no_such_field\": true}")));
        rows.put("GET /v1/tenants/{key}/history", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/tenants/" + t.tenant() + "/history")));
        rows.put("GET /v1/tenants/{key}/limits", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/tenants/" + t.tenant() + "/limits")));
        rows.put("GET /v1/tenants/{key}/tables", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/tenants/" + t.tenant() + "/tables")));
        rows.put("GET /v1/tenants/{key}/activity", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/tenants/" + t.tenant() + "/activity")));
        rows.put("PUT /v1/tenants/{key}/limits", new Row(200, 200, 404, 403, 404, false, true,
                (h, t) -> h.put("/v1/tenants/" + t.tenant() + "/limits", LIMITS)));
        rows.put("DELETE /v1/tenants/{key}/limits", new Row(200, 200, 404, 403, 404, false, true,
                (h, t) -> h.send("DELETE", "/v1/tenants/" + t.tenant() + "/limits")));
        rows.put("GET /v1/tenants/{key}/export", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/tenants/" + t.tenant() + "/export")));
        rows.put("POST /v1/tenants/import", new Row(201, 201, 404, 403, 403, false, false,
                (h, t) -> h.post("/v1/tenants/import?slug=" + fresh() + "&parent=" + t.parent(), archive, "application/zip")));

        // on a T1 (the target's parent), which is not on a Neon plane: 422 PLANE_CANNOT once past the rule;
        // a T1 key of another subtree and T2 keys do not see the T1 (404)
        rows.put("GET /v1/tenants/{key}/branches", new Row(422, 422, 404, 404, 404, false, false,
                (h, t) -> h.get("/v1/tenants/" + t.parent() + "/branches")));
        rows.put("POST /v1/tenants/{key}/branches", new Row(422, 422, 404, 404, 404, false, false,
                (h, t) -> h.post("/v1/tenants/" + t.parent() + "/branches", "{\"name\": \"dev\"}")));
        rows.put("DELETE /v1/tenants/{key}/branches/{name}", new Row(422, 422, 404, 404, 404, false, false,
                (h, t) -> h.send("DELETE", "/v1/tenants/" + t.parent() + "/branches/dev")));

        // backups: read as the tenant's data is; taken, scheduled and restored by a T0 key and by a T1 key on
        // itself and its T2s (TENANT_DATA), never by a T2 key (403)
        rows.put("GET /v1/tenants/{key}/backups", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/tenants/" + t.tenant() + "/backups")));
        rows.put("POST /v1/tenants/{key}/backups", new Row(201, 201, 404, 403, 404, false, false,
                (h, t) -> h.post("/v1/tenants/" + t.tenant() + "/backups", null)));
        rows.put("PUT /v1/tenants/{key}/backups/schedule", new Row(200, 200, 404, 403, 404, false, true,
                (h, t) -> h.put("/v1/tenants/" + t.tenant() + "/backups/schedule", "{\"every\": \"6h\", \"keep\": 2}")));
        rows.put("DELETE /v1/tenants/{key}/backups/schedule", new Row(200, 200, 404, 403, 404, false, true,
                (h, t) -> h.send("DELETE", "/v1/tenants/" + t.tenant() + "/backups/schedule")));
        // mx-a2's own backup: restored for T0 and T1 callers (their target is mx-a2)
        rows.put("POST /v1/tenants/{key}/restore", new Row(200, 200, 404, 403, 404, false, false,
                (h, t) -> h.post("/v1/tenants/" + t.tenant() + "/restore", "{\"backup\": \"" + backupOfA2 + "\"}")));

        rows.put("GET /v1/audit", new Row(200, 403, 403, 403, 403, false, false, (h, t) -> h.get("/v1/audit")));
        rows.put("GET /v1/operations", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/operations?tenant=" + t.tenant())));
        rows.put("GET /v1/operations/{key}", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/operations/" + t.operation())));
        // a finished operation is neither resumed nor aborted (409): the key got past authorization
        rows.put("POST /v1/operations/{key}/resume", new Row(409, 409, 404, 403, 404, false, false,
                (h, t) -> h.post("/v1/operations/" + t.operation() + "/resume", null)));
        rows.put("POST /v1/operations/{key}/abort", new Row(409, 409, 404, 403, 404, false, false,
                (h, t) -> h.post("/v1/operations/" + t.operation() + "/abort", null)));

        rows.put("GET /v1/migrations", new Row(200, 403, 403, 403, 403, false, false, (h, t) -> h.get("/v1/migrations")));
        rows.put("GET /v1/migrations/validate", new Row(200, 403, 403, 403, 403, false, false,
                (h, t) -> h.get("/v1/migrations/validate")));
        // an invalid concurrency proves the T0 key got past authorization without starting a run
        rows.put("POST /v1/migrations/apply", new Row(400, 403, 403, 403, 403, false, false,
                (h, t) -> h.post("/v1/migrations/apply", "{\"concurrency\": 0}")));
        rows.put("GET /v1/migrations/runs/{id}", new Row(404, 403, 403, 403, 403, false, false,
                (h, t) -> h.get("/v1/migrations/runs/" + UUID.randomUUID())));

        rows.put("GET /v1/planes", new Row(200, 403, 403, 403, 403, false, false, (h, t) -> h.get("/v1/planes")));
        rows.put("POST /v1/planes", new Row(400, 403, 403, 403, 403, false, false,
                (h, t) -> h.post("/v1/planes", "{\"no_such_field\": true}")));
        rows.put("GET /v1/planes/{key}", new Row(404, 403, 403, 403, 403, false, false,
                (h, t) -> h.get("/v1/planes/no-such-plane")));
        rows.put("POST /v1/planes/{key}/drain", new Row(404, 403, 403, 403, 403, false, false,
                (h, t) -> h.post("/v1/planes/no-such-plane/drain", "")));
        rows.put("POST /v1/query", new Row(400, 403, 403, 403, 403, false, false,
                (h, t) -> h.post("/v1/query", "{\"no_such_field\": true}")));

        rows.put("GET /v1/keys", new Row(200, 200, 404, 200, 404, false, false,
                (h, t) -> h.get("/v1/keys?tenant=" + t.tenant())));
        rows.put("POST /v1/keys", new Row(201, 201, 404, 403, 404, false, false,
                (h, t) -> h.post("/v1/keys", "{\"tenant\": \"" + t.tenant() + "\", \"name\": \"matrix\"}")));
        rows.put("GET /v1/keys/{id}", new Row(200, 200, 404, 200, 404, false, false, (h, t) -> h.get("/v1/keys/" + t.key())));
        rows.put("DELETE /v1/keys/{id}", new Row(200, 200, 404, 403, 404, false, true,
                (h, t) -> h.send("DELETE", "/v1/keys/" + t.key())));
        return rows;
    }

    @Test
    void every_endpoint_answers_every_caller_as_the_hierarchy_says_and_refused_calls_change_nothing() {
        List<String> endpoints = documentedEndpoints();
        Map<String, Row> rows = expectations();
        assertThat(new TreeSet<>(rows.keySet())).as("an expectation for every endpoint of openapi.json")
                .containsAll(endpoints);
        List<String> failures = new ArrayList<>();
        for (String endpoint : endpoints) {
            Row row = rows.get(endpoint);
            for (As as : As.values()) {
                int expected = row.expected(as);
                Target target = target(as, row.mutating() && expected < 400);
                boolean refused = expected == 401 || expected == 403 || expected == 404;
                String before = refused ? state() : null;
                Answer answer = row.call().send(CALLERS.get(as), target);
                if (answer.status() != expected) {
                    failures.add(endpoint + " as " + as + ": expected " + expected + ", got " + answer);
                    continue;
                }
                if (answer.status() >= 400) {
                    assertThat(answer.contentType()).as(endpoint + " as " + as).startsWith("application/problem+json");
                    assertThat(answer.json().get("code").asText()).as(endpoint + " as " + as).isEqualTo(codeOf(expected, answer));
                }
                if (refused) {
                    String after = state();
                    if (!after.equals(before)) {
                        failures.add(endpoint + " as " + as + " was refused with " + expected + " but changed data");
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void the_server_declares_a_rule_for_every_endpoint_it_serves() {
        assertThat(api.server().endpoints()).allSatisfy(e -> assertThat(e.access()).as(e.name()).isNotNull());
    }

    @Test
    void an_api_server_with_an_endpoint_lacking_a_rule_does_not_start() {
        List<ApiEndpoint> endpoints = List.of(new ApiEndpoint(io.javalin.http.HandlerType.GET, "/v1/undeclared", ctx -> { }));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Authorizer.requireRules(endpoints))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GET /v1/undeclared")
                .hasMessageContaining("declares no access rule");
    }

    /** The status's code: which 404 and 401 a refusal must be, and FORBIDDEN for 403. */
    private static String codeOf(int status, Answer answer) {
        return switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            default -> answer.json().get("code").asText();
        };
    }

    static List<String> documentedEndpoints() {
        JsonNode doc = api.http().withKey(null).get("/v1/openapi.json").json();
        List<String> endpoints = new ArrayList<>();
        doc.get("paths").properties().forEach(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> endpoints.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return endpoints;
    }

    private static Target target(As as, boolean fresh) {
        String tenant = switch (as) {
            case T1_OTHER -> "mx-b1";
            case T2_SELF -> "mx-a1";
            default -> "mx-a2";
        };
        if (fresh) {
            tenant = fresh();
            api.strata().tenants().create(new NewTenant(dev.strata.Tier.T2, tenant, "mx-a", null, IsolationMode.RLS, null, null));
        }
        Tenant t = api.strata().tenants().get(tenant);
        String parent = api.strata().tenants().get(t.parentId()).slug();
        String operation = api.strata().operations().list(OperationFilter.all().withTenant(t.id().toString()).withLimit(1))
                .get(0).id().toString();
        String key = api.createKey(tenant, "target").key().id().toString();
        return new Target(tenant, parent, operation, key);
    }

    private static String fresh() {
        return "mx-fresh-" + FRESH.incrementAndGet();
    }

    /** Everything a refused call must leave as it was in the management database and on the server. */
    static String state() {
        String ns = api.strata().config().namespace();
        try (Connection m = TestStrata.admin(ns); Connection p = TestStrata.admin("postgres")) {
            return query(m, "SELECT string_agg(id || status || updated_at, ',' ORDER BY id) FROM platform.tenants")
                    + query(m, "SELECT count(*) FROM platform.placements")
                    + query(m, "SELECT count(*) FROM platform.tenant_events")
                    + query(m, "SELECT string_agg(id || state, ',' ORDER BY id) FROM platform.operations")
                    + query(m, "SELECT string_agg(t::text, ',' ORDER BY tenant_id) FROM platform.tenant_limits t")
                    + query(m, "SELECT string_agg(id || coalesce(revoked_at::text, '-') || coalesce(expires_at::text, '-'), ',' "
                    + "ORDER BY id) FROM platform.api_keys")
                    + query(p, "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname LIKE '" + ns + "\\_%'")
                    + query(p, "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE '" + ns + "\\_%'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1) + "|";
        }
    }

    static void expire(UUID key) {
        try (Connection m = TestStrata.admin(api.strata().config().namespace());
             PreparedStatement ps = m.prepareStatement("UPDATE platform.api_keys SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            ps.setObject(1, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
