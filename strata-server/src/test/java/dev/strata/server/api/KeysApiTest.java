package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.TenantStatus;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.Snapshot;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys bound to tenants: their life cycle over the REST API (create, use, list, show, revoke,
 * expire), how they are stored (hashed, the secret nowhere), and what each tier's key may see and
 * do, down to a tenant outside the subtree being answered exactly as one that does not exist.
 */
class KeysApiTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("ky-a"));
        strata.tenants().create(NewTenant.t2("ky-a1", "ky-a"));
        strata.tenants().create(NewTenant.t2("ky-a2", "ky-a"));
        strata.tenants().create(NewTenant.t1("ky-b"));
        strata.tenants().create(NewTenant.t2("ky-b1", "ky-b"));
    });

    private final Http admin = api.http();

    // ---------------------------------------------------------------- life cycle

    @Test
    void a_key_is_created_for_a_tenant_shown_once_used_listed_without_its_secret_and_revoked_to_401() {
        Answer created = admin.post("/v1/keys", "{\"tenant\": \"ky-a\", \"name\": \"partner-ops\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String secret = created.json().get("secret").asText();
        JsonNode key = created.json().get("key");
        String id = key.get("id").asText();
        assertThat(created.header("Location")).isEqualTo("/v1/keys/" + id);
        assertThat(secret).matches("strata_" + id.replace("-", "") + "_[A-Za-z0-9_-]{43}");
        assertThat(key.get("name").asText()).isEqualTo("partner-ops");
        assertThat(key.get("tenant").asText()).isEqualTo("ky-a");
        assertThat(key.get("tier").asInt()).isEqualTo(1);
        assertThat(key.get("state").asText()).isEqualTo("active");
        assertThat(key.get("expires_at").isNull()).isTrue();
        assertThat(key.get("created_by").asText()).startsWith("api-key:admin (");

        Http partner = admin.withKey(secret);
        assertThat(partner.get("/v1/tenants").status()).isEqualTo(200);

        Answer listed = admin.get("/v1/keys");
        assertThat(listed.body()).contains(id).doesNotContain(secret).doesNotContain(secret.substring(40));
        Answer shown = admin.get("/v1/keys/" + id);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body()).doesNotContain(secret);
        assertThat(shown.json().get("last_used_at").isNull()).as("used once above").isFalse();

        Answer revoked = admin.send("DELETE", "/v1/keys/" + id);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("state").asText()).isEqualTo("revoked");
        assertThat(revoked.json().get("revoked_by").asText()).startsWith("api-key:admin (");
        assertProblem(partner.get("/v1/tenants"), ErrorCode.UNAUTHORIZED);
        assertThat(admin.send("DELETE", "/v1/keys/" + id).status()).as("revoking again changes nothing").isEqualTo(200);
    }

    @Test
    void an_expired_key_is_refused_with_401_and_listed_as_expired() {
        ApiKeys.Created key = api.createKey("ky-a1", "soon-gone");
        Http customer = admin.withKey(key.secret());
        assertThat(customer.get("/v1/tenants/ky-a1").status()).isEqualTo(200);
        expire(key.key().id());
        assertProblem(customer.get("/v1/tenants/ky-a1"), ErrorCode.UNAUTHORIZED);
        assertThat(admin.get("/v1/keys/" + key.key().id()).json().get("state").asText()).isEqualTo("expired");
    }

    @Test
    void a_key_may_be_given_an_expiry_in_the_future_only_and_never_beyond_its_creators() {
        Instant at = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Answer created = admin.post("/v1/keys", "{\"tenant\": \"ky-b\", \"expires_at\": \"" + at + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(Instant.parse(created.json().get("key").get("expires_at").asText())).isEqualTo(at);
        assertThat(created.json().get("key").get("name").asText()).as("named after its tenant by default").isEqualTo("ky-b");

        long keys = count("SELECT count(*) FROM platform.api_keys");
        for (String expires : List.of("\"2020-01-01T00:00:00Z\"", "\"tomorrow\"", "\"2030-01-01\"", "12", "true")) {
            Answer refused = admin.post("/v1/keys", "{\"tenant\": \"ky-b\", \"expires_at\": " + expires + "}");
            assertProblem(refused, ErrorCode.INVALID_ARGUMENT);
            assertThat(refused.json().get("detail").asText()).contains("expires_at");
        }
        Http expiring = admin.withKey(created.json().get("secret").asText());
        assertProblem(expiring.post("/v1/keys", "{\"tenant\": \"ky-b\"}"), ErrorCode.FORBIDDEN);
        assertProblem(expiring.post("/v1/keys", "{\"tenant\": \"ky-b\", \"expires_at\": \"" + at.plusSeconds(60) + "\"}"),
                ErrorCode.FORBIDDEN);
        assertThat(count("SELECT count(*) FROM platform.api_keys")).as("nothing stored by refused creations").isEqualTo(keys);
        assertThat(expiring.post("/v1/keys", "{\"tenant\": \"ky-b\", \"expires_at\": \"" + at + "\"}").status()).isEqualTo(201);
    }

    @Test
    void key_bodies_and_ids_are_read_strictly() {
        long keys = count("SELECT count(*) FROM platform.api_keys");
        assertProblem(admin.post("/v1/keys", null), ErrorCode.INVALID_ARGUMENT);
        assertProblem(admin.post("/v1/keys", "{}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(admin.post("/v1/keys", "{\"tenant\": \"ky-a\", \"secret\": \"strata_x\"}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(admin.post("/v1/keys", "{\"tenant\": \"ky-a\", \"name\": \"bad\\u202ename\"}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(admin.post("/v1/keys", "{\"tenant\": \"ky-a\", \"name\": \"" + "n".repeat(101) + "\"}"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(admin.post("/v1/keys", "{\"tenant\": \"ky-nobody\"}"), ErrorCode.TENANT_NOT_FOUND);
        assertThat(count("SELECT count(*) FROM platform.api_keys")).isEqualTo(keys);
        assertProblem(admin.get("/v1/keys/not-a-uuid"), ErrorCode.INVALID_ARGUMENT);
        assertProblem(admin.get("/v1/keys/" + UUID.randomUUID()), ErrorCode.KEY_NOT_FOUND);
        assertProblem(admin.send("DELETE", "/v1/keys/" + UUID.randomUUID()), ErrorCode.KEY_NOT_FOUND);
        assertProblem(admin.get("/v1/keys/" + api.adminKey()), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void a_decommissioned_tenants_keys_stop_working_and_it_gets_no_new_ones() {
        api.strata().tenants().create(NewTenant.t2("ky-leaving", "ky-b"));
        Http leaving = api.httpAs("ky-leaving");
        assertThat(leaving.get("/v1/tenants/ky-leaving").status()).isEqualTo(200);
        api.strata().tenants().decommission("ky-leaving", false);
        assertProblem(leaving.get("/v1/tenants/ky-leaving"), ErrorCode.UNAUTHORIZED);
        assertProblem(admin.post("/v1/keys", "{\"tenant\": \"" + api.strata().tenants().get("ky-leaving").id() + "\"}"),
                ErrorCode.TENANT_DECOMMISSIONED);
    }

    // ---------------------------------------------------------------- at rest

    @Test
    void only_the_sha256_of_a_key_is_stored_and_its_secret_is_nowhere_in_the_management_database() throws SQLException {
        String secret = admin.post("/v1/keys", "{\"tenant\": \"ky-a2\", \"name\": \"at-rest\"}").json().get("secret").asText();
        String random = secret.substring(secret.lastIndexOf('_') + 1);
        assertThat(Snapshot.countWhere(api.strata(), "SELECT count(*) FROM platform.api_keys WHERE key_hash = sha256(convert_to(?, 'UTF8'))",
                secret)).isEqualTo(1);
        try (Connection m = TestStrata.admin(api.strata().config().namespace());
             PreparedStatement ps = m.prepareStatement("SELECT row_to_json(k)::text FROM platform.api_keys k");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                assertThat(rs.getString(1)).doesNotContain(random);
            }
        }
        assertThat(Snapshot.countWhere(api.strata(), "SELECT count(*) FROM platform.tenant_events WHERE detail::text LIKE '%' || ? || '%'",
                random)).isZero();
    }

    @Test
    void a_key_in_the_format_before_key_ids_still_works_when_bound_to_the_operator() throws SQLException {
        String legacy = "strata_" + "Q".repeat(43);
        try (Connection m = TestStrata.admin(api.strata().config().namespace());
             PreparedStatement ps = m.prepareStatement("INSERT INTO platform.api_keys (id, name, key_hash, tenant_id) "
                     + "VALUES (gen_random_uuid(), 'legacy', sha256(convert_to(?, 'UTF8')), ?)")) {
            ps.setString(1, legacy);
            ps.setObject(2, api.strata().tenants().operator().id());
            ps.executeUpdate();
        }
        assertThat(admin.withKey(legacy).get("/v1/audit").status()).isEqualTo(200);
        String unbound = "strata_" + "R".repeat(43);
        try (Connection m = TestStrata.admin(api.strata().config().namespace());
             PreparedStatement ps = m.prepareStatement("INSERT INTO platform.api_keys (id, name, key_hash) "
                     + "VALUES (gen_random_uuid(), 'unbound', sha256(convert_to(?, 'UTF8')))")) {
            ps.setString(1, unbound);
            ps.executeUpdate();
        }
        assertProblem(admin.withKey(unbound).get("/v1/tenants"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void a_key_with_a_known_id_but_a_wrong_secret_is_refused() {
        ApiKeys.Created key = api.createKey("ky-a", "guessed");
        String forged = key.secret().substring(0, key.secret().length() - 43) + "A".repeat(43);
        assertProblem(admin.withKey(forged).get("/v1/tenants"), ErrorCode.UNAUTHORIZED);
        assertProblem(admin.withKey(key.secret() + "A").get("/v1/tenants"), ErrorCode.UNAUTHORIZED);
    }

    // ---------------------------------------------------------------- by hierarchy

    @Test
    void a_t1_key_lists_only_its_subtree_and_a_t2_key_only_itself() {
        assertThat(slugs(api.httpAs("ky-a").get("/v1/tenants"))).containsExactlyInAnyOrder("ky-a", "ky-a1", "ky-a2");
        assertThat(slugs(api.httpAs("ky-a1").get("/v1/tenants"))).containsExactly("ky-a1");
        assertThat(slugs(admin.get("/v1/tenants"))).contains("operator", "ky-a", "ky-b1");
        java.util.UUID b = api.strata().tenants().get("ky-b").id();
        List<java.util.UUID> keyTenants = new ArrayList<>();
        api.httpAs("ky-b").get("/v1/keys").json().get("keys")
                .forEach(k -> keyTenants.add(java.util.UUID.fromString(k.get("tenant_id").asText())));
        assertThat(keyTenants).isNotEmpty().allMatch(t -> t.equals(b) || b.equals(api.strata().tenants().get(t).parentId()));
    }

    @Test
    void a_t1_key_creates_t2s_under_itself_only_and_its_changes_record_the_key() {
        ApiKeys.Created partner = api.createKey("ky-b", "b-admin");
        Http b = admin.withKey(partner.secret());
        Answer created = b.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"ky-b-shop\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("parent").asText()).isEqualTo("ky-b");
        JsonNode events = admin.get("/v1/tenants/ky-b-shop/history").json().get("events");
        assertThat(events.get(events.size() - 1).get("actor").asText()).isEqualTo("api-key:b-admin (" + partner.key().id() + ")");

        Snapshot before = Snapshot.of(api.strata());
        assertProblem(b.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"ky-b-partner\"}"), ErrorCode.FORBIDDEN);
        assertProblem(b.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"ky-b-stray\", \"parent\": \"ky-a\"}"), ErrorCode.TENANT_NOT_FOUND);
        assertProblem(b.post("/v1/tenants/ky-b/suspend", null), ErrorCode.FORBIDDEN);
        assertProblem(b.post("/v1/tenants/ky-b/decommission", "{\"confirm\": true, \"cascade\": true}"), ErrorCode.FORBIDDEN);
        assertProblem(b.put("/v1/tenants/ky-b/limits", "{\"max_concurrent_transactions\": 1000, \"acquire_timeout_ms\": 1, "
                + "\"statement_timeout_ms\": 1}"), ErrorCode.FORBIDDEN);
        assertThat(Snapshot.of(api.strata())).isEqualTo(before);

        assertThat(b.post("/v1/tenants/ky-b-shop/suspend", null).status()).isEqualTo(200);
        assertThat(b.post("/v1/tenants/ky-b-shop/resume", null).status()).isEqualTo(200);
        assertThat(api.strata().tenants().get("ky-b-shop").status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void a_t1_key_gives_its_t2s_limits_within_its_own_only() {
        Http a = api.httpAs("ky-a");
        var own = api.strata().tenants().setLimits("ky-a", new dev.strata.TenantLimits(4, java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(10)));
        long over = (long) own.maxConcurrentTransactions() + 1;
        Snapshot before = Snapshot.of(api.strata());
        Answer refused = a.put("/v1/tenants/ky-a2/limits", "{\"max_concurrent_transactions\": " + over
                + ", \"acquire_timeout_ms\": 0, \"statement_timeout_ms\": 1}");
        assertProblem(refused, ErrorCode.FORBIDDEN);
        assertThat(refused.json().get("detail").asText()).contains("max_concurrent_transactions");
        assertThat(Snapshot.of(api.strata())).isEqualTo(before);
        assertThat(api.strata().tenants().ownLimits("ky-a2")).isEmpty();
        Answer within = a.put("/v1/tenants/ky-a2/limits", "{\"max_concurrent_transactions\": 1, \"acquire_timeout_ms\": 0, "
                + "\"statement_timeout_ms\": 1}");
        assertThat(within.status()).as(within.toString()).isEqualTo(200);
        assertProblem(a.put("/v1/tenants/ky-a2/limits", "{\"max_concurrent_transactions\": 1, \"acquire_timeout_ms\": 0, "
                + "\"statement_timeout_ms\": 0}"), ErrorCode.FORBIDDEN);
        assertThat(a.send("DELETE", "/v1/tenants/ky-a2/limits").status()).isEqualTo(200);
        api.strata().tenants().clearLimits("ky-a");
    }

    @Test
    void a_t2_key_reads_its_own_tenant_and_changes_nothing() {
        Http customer = api.httpAs("ky-a1");
        assertThat(customer.get("/v1/tenants/ky-a1").status()).isEqualTo(200);
        assertThat(customer.get("/v1/tenants/ky-a1/history").status()).isEqualTo(200);
        assertThat(customer.get("/v1/tenants/ky-a1/limits").status()).isEqualTo(200);
        Snapshot before = Snapshot.of(api.strata());
        assertProblem(customer.post("/v1/tenants/ky-a1/suspend", null), ErrorCode.FORBIDDEN);
        assertProblem(customer.post("/v1/keys", "{\"tenant\": \"ky-a1\"}"), ErrorCode.FORBIDDEN);
        assertProblem(customer.get("/v1/tenants/ky-a"), ErrorCode.TENANT_NOT_FOUND);
        assertProblem(customer.get("/v1/audit"), ErrorCode.FORBIDDEN);
        assertThat(Snapshot.of(api.strata())).isEqualTo(before);
    }

    @Test
    void a_tenant_outside_the_subtree_is_answered_exactly_like_one_that_does_not_exist_by_slug_and_by_id() {
        Http a = api.httpAs("ky-a");
        Http a1 = api.httpAs("ky-a1");
        String b1 = api.strata().tenants().get("ky-b1").id().toString();
        String nobodyId = UUID.randomUUID().toString();
        for (String suffix : List.of("", "/history", "/limits", "/export", "/suspend", "/resume", "/decommission")) {
            boolean post = suffix.equals("/suspend") || suffix.equals("/resume") || suffix.equals("/decommission");
            String body = suffix.equals("/decommission") ? "{\"confirm\": true}" : null;
            for (Http caller : List.of(a, a1)) {
                String hidden = caller == a ? "ky-b1" : "ky-a2";
                String hiddenId = caller == a ? b1 : api.strata().tenants().get("ky-a2").id().toString();
                Answer bySlug = post ? caller.post("/v1/tenants/" + hidden + suffix, body) : caller.get("/v1/tenants/" + hidden + suffix);
                Answer missingSlug = post ? caller.post("/v1/tenants/ky-nobody" + suffix, body) : caller.get("/v1/tenants/ky-nobody" + suffix);
                assertSameAnswer(bySlug, hidden, missingSlug, "ky-nobody");
                Answer byId = post ? caller.post("/v1/tenants/" + hiddenId + suffix, body) : caller.get("/v1/tenants/" + hiddenId + suffix);
                Answer missingId = post ? caller.post("/v1/tenants/" + nobodyId + suffix, body) : caller.get("/v1/tenants/" + nobodyId + suffix);
                assertSameAnswer(byId, hiddenId, missingId, nobodyId);
            }
        }
        assertSameAnswer(a.get("/v1/tenants?parent=ky-b"), "ky-b", a.get("/v1/tenants?parent=ky-nobody"), "ky-nobody");
        assertSameAnswer(a.get("/v1/operations?tenant=ky-b1"), "ky-b1", a.get("/v1/operations?tenant=ky-nobody"), "ky-nobody");
        assertSameAnswer(a.get("/v1/keys?tenant=ky-b1"), "ky-b1", a.get("/v1/keys?tenant=ky-nobody"), "ky-nobody");
        assertSameAnswer(a.post("/v1/keys", "{\"tenant\": \"ky-b1\"}"), "ky-b1", a.post("/v1/keys", "{\"tenant\": \"ky-nobody\"}"), "ky-nobody");
        assertSameAnswer(a.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"ky-x\", \"parent\": \"ky-b\"}"), "ky-b",
                admin.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"ky-x\", \"parent\": \"ky-nobody\"}"), "ky-nobody");

        String bOperation = api.strata().operations().list(dev.strata.OperationFilter.all().withTenant(b1).withLimit(1)).get(0).id().toString();
        String noOperation = UUID.randomUUID().toString();
        assertSameAnswer(a.get("/v1/operations/" + bOperation), bOperation, a.get("/v1/operations/" + noOperation), noOperation);
        assertSameAnswer(a.post("/v1/operations/" + bOperation + "/abort", null), bOperation,
                a.post("/v1/operations/" + noOperation + "/abort", null), noOperation);
        String bKey = api.createKey("ky-b1", "hidden").key().id().toString();
        String noKey = UUID.randomUUID().toString();
        assertSameAnswer(a.get("/v1/keys/" + bKey), bKey, a.get("/v1/keys/" + noKey), noKey);
        assertSameAnswer(a.send("DELETE", "/v1/keys/" + bKey), bKey, a.send("DELETE", "/v1/keys/" + noKey), noKey);
        assertThat(admin.get("/v1/keys/" + bKey).json().get("state").asText()).isEqualTo("active");
    }

    private static void assertSameAnswer(Answer hidden, String hiddenName, Answer missing, String missingName) {
        assertThat(hidden.status()).as(hidden.toString()).isEqualTo(404);
        assertThat(hidden.status()).isEqualTo(missing.status());
        assertThat(hidden.contentType()).isEqualTo(missing.contentType());
        assertThat(hidden.body().replace(hiddenName, "<name>")).isEqualTo(missing.body().replace(missingName, "<name>"));
    }

    private static List<String> slugs(Answer answer) {
        List<String> slugs = new ArrayList<>();
        answer.json().get("tenants").forEach(t -> slugs.add(t.get("slug").asText()));
        return slugs;
    }

    private static long count(String sql) {
        try (Connection m = TestStrata.admin(api.strata().config().namespace());
             PreparedStatement ps = m.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void expire(UUID key) {
        try (Connection m = TestStrata.admin(api.strata().config().namespace());
             PreparedStatement ps = m.prepareStatement("UPDATE platform.api_keys SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            ps.setObject(1, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
