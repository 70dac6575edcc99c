package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.NewTenant;
import dev.strata.Tenant;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.testing.NeonLocalExtension;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.testing.NeonT1s;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dev branches over the REST API, for a T1 placed on neon-local: its own key creates, lists and
 * deletes them (the connection string in the creation's answer only); another T1's key does not
 * see the T1 (404), a T2 key may not (403 on itself, 404 on its T1); bad input is a specific 4xx.
 */
@ExtendWith(NeonLocalExtension.class)
class BranchesApiTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("br-a"));
        strata.tenants().create(NewTenant.t2("br-a1", "br-a"));
        strata.tenants().create(NewTenant.t1("br-b"));
        strata.tenants().create(NewTenant.t1("br-c"));
    });

    @BeforeAll
    static void placeOnNeon(NeonLocal local) throws Exception {
        NeonT1s neon = new NeonT1s(local).install(api.strata());
        Tenant a = api.strata().tenants().get("br-a");
        neon.onProject(a);
        neon.onChildBranch(api.strata().tenants().get("br-c"));
        try (Connection c = neon.production(a); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (body text)");
            s.execute("INSERT INTO notes VALUES ('from production')");
        }
    }

    @Test
    void a_t1_key_creates_lists_and_deletes_its_own_branches_and_sees_the_connection_once() throws Exception {
        Http own = api.httpAs("br-a");

        Answer created = own.post("/v1/tenants/br-a/branches", "{\"name\": \"dev\"}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Location")).endsWith("/branches/dev");
        JsonNode branch = created.json();
        assertThat(branch.get("tenant").asText()).isEqualTo("br-a");
        assertThat(branch.get("state").asText()).isEqualTo("ready");
        String uri = branch.get("connection_uri").asText();
        try (Connection c = NeonT1s.connect(uri)) {
            assertThat(NeonT1s.count(c, "notes")).isEqualTo(1);
        }
        JsonNode listed = own.get("/v1/tenants/br-a/branches").json().get("branches");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("name").asText()).isEqualTo("dev");
        assertThat(listed.get(0).get("connection_uri").isNull()).as("shown once").isTrue();
        assertThat(own.post("/v1/tenants/br-a/branches", "{\"name\": \"dev\"}").json().get("code").asText())
                .isEqualTo("BRANCH_EXISTS");

        assertThat(own.send("DELETE", "/v1/tenants/br-a/branches/dev").status()).isEqualTo(204);
        assertThat(own.get("/v1/tenants/br-a/branches").json().get("branches")).isEmpty();
        Answer again = own.send("DELETE", "/v1/tenants/br-a/branches/dev");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("code").asText()).isEqualTo("BRANCH_NOT_FOUND");
    }

    @Test
    void another_t1s_key_does_not_see_the_t1_and_a_t2_key_may_not_branch() {
        Answer other = api.httpAs("br-b").post("/v1/tenants/br-a/branches", "{\"name\": \"spy\"}");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.json().get("code").asText()).isEqualTo("TENANT_NOT_FOUND");
        assertThat(api.httpAs("br-b").get("/v1/tenants/br-a/branches").status()).isEqualTo(404);

        Http t2 = api.httpAs("br-a1");
        assertThat(t2.get("/v1/tenants/br-a/branches").status()).as("a T2 key does not see its T1").isEqualTo(404);
        Answer self = t2.post("/v1/tenants/br-a1/branches", "{\"name\": \"mine\"}");
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.json().get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(api.httpAs("br-a").get("/v1/tenants/br-a1/branches").status())
                .as("a T1 key on its T2: branches are the T1's own").isEqualTo(403);
        assertThat(api.http().get("/v1/tenants/br-a/branches").json().get("branches")).as("nothing was made").isEmpty();
    }

    @Test
    void bad_names_timestamps_and_bodies_are_specific_errors() {
        Http own = api.httpAs("br-a");
        assertThat(own.post("/v1/tenants/br-a/branches", "{\"name\": \"Not Valid\"}").json().get("detail").asText())
                .contains("Invalid branch name");
        Answer time = own.post("/v1/tenants/br-a/branches", "{\"name\": \"x\", \"from_timestamp\": \"yesterday\"}");
        assertThat(time.status()).isEqualTo(400);
        assertThat(time.json().get("detail").asText()).contains("ISO 8601");
        assertThat(own.post("/v1/tenants/br-a/branches", "{\"nam\": \"x\"}").status()).isEqualTo(400);
        Answer local = api.http().post("/v1/tenants/br-b/branches", "{\"name\": \"dev\"}");
        assertThat(local.status()).isEqualTo(422);
        assertThat(local.json().get("code").asText()).isEqualTo("PLANE_CANNOT");
        assertThat(own.get("/v1/tenants/br-a/branches").json().get("branches")).isEmpty();
    }

    @Test
    void a_restore_of_a_t1_on_a_child_branch_is_refused_over_rest_with_the_reason_and_what_to_do() {
        Answer refused = api.http().post("/v1/tenants/br-c/restore", "{\"to\": \""
                + java.time.Instant.now().minusSeconds(5) + "\"}");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.json().get("code").asText()).isEqualTo("PLANE_CANNOT");
        assertThat(refused.json().get("detail").asText()).contains("Neon restores only root branches")
                .contains("strata tenants branch create br-c");
    }
}
