package dev.strata.neonlocal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.neonlocal.testing.NeonApiCalls;
import dev.strata.neonlocal.testing.NeonApiCalls.Answer;
import dev.strata.neonlocal.testing.NeonLocalExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(NeonLocalExtension.class)
class NeonLocalTest {

    private static String createProject(NeonApiCalls api, String name) {
        Answer a = api.post("/projects", "{\"project\":{\"name\":\"" + name + "\"}}");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        String id = a.body().path("project").path("id").asText();
        api.awaitOperations(id, a.body());
        return id;
    }

    private static Connection connect(String uri) throws SQLException {
        URI u = URI.create(uri);
        String[] info = u.getRawUserInfo().split(":", 2);
        return DriverManager.getConnection("jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getRawPath()
                + "?sslmode=disable", java.net.URLDecoder.decode(info[0], java.nio.charset.StandardCharsets.UTF_8),
                java.net.URLDecoder.decode(info[1], java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String uri(NeonApiCalls api, String project, String branch) {
        Answer a = api.get("/projects/" + project + "/connection_uri?database_name=neondb&role_name=neondb_owner"
                + (branch == null ? "" : "&branch_id=" + branch));
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        return a.body().path("uri").asText();
    }

    @Test
    void a_new_project_answers_with_running_operations_and_its_connection_uri_works_once_they_finish(NeonApiCalls api)
            throws Exception {
        Answer a = api.post("/projects", "{\"project\":{\"name\":\"first\"}}");
        assertThat(a.status()).isEqualTo(201);
        JsonNode body = a.body();
        assertThat(body.path("operations")).isNotEmpty();
        assertThat(body.path("operations").get(0).path("status").asText()).isEqualTo("running");
        assertThat(body.path("branch").path("name").asText()).isEqualTo("main");
        assertThat(body.path("roles").get(0).path("name").asText()).isEqualTo("neondb_owner");
        String project = body.path("project").path("id").asText();
        api.awaitOperations(project, body);
        try (Connection c = connect(body.path("connection_uris").get(0).path("connection_uri").asText());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id int PRIMARY KEY, text text)");
            s.execute("INSERT INTO notes VALUES (1, 'hello')");
            try (ResultSet rs = s.executeQuery("SELECT current_database(), current_user")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("nl_db_");
            }
        }
        assertThat(api.get("/projects/" + project).body().path("project").path("name").asText()).isEqualTo("first");
    }

    @Test
    void a_project_refuses_logical_slots_until_it_enables_logical_replication_which_cannot_be_disabled(NeonApiCalls api)
            throws Exception {
        String project = createProject(api, "logical");
        assertThat(api.get("/projects/" + project).body().path("project").path("settings")
                .path("enable_logical_replication").asBoolean(false)).isFalse();
        try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT rolbypassrls, rolcreaterole, rolcreatedb,"
                    + " pg_has_role(current_user, 'neon_superuser', 'MEMBER') FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("API roles bypass RLS, as Neon's").isTrue();
                assertThat(rs.getBoolean(2)).isTrue();
                assertThat(rs.getBoolean(3)).isTrue();
                assertThat(rs.getBoolean(4)).isTrue();
            }
            assertThatThrownBy(() -> s.execute("SELECT pg_create_logical_replication_slot('nl_refused', 'pgoutput')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("replication");
        }

        Answer enable = api.send("PATCH", "/projects/" + project,
                "{\"project\":{\"settings\":{\"enable_logical_replication\":true}}}");
        assertThat(enable.status()).as(enable.body().toString()).isEqualTo(200);
        assertThat(enable.body().path("operations")).isNotEmpty();
        api.awaitOperations(project, enable.body());

        assertThat(api.get("/projects/" + project).body().path("project").path("settings")
                .path("enable_logical_replication").asBoolean(false)).isTrue();
        try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('nl_allowed', 'pgoutput')");
            s.execute("SELECT pg_drop_replication_slot('nl_allowed')");
        }
        Answer disable = api.send("PATCH", "/projects/" + project,
                "{\"project\":{\"settings\":{\"enable_logical_replication\":false}}}");
        assertThat(disable.status()).isEqualTo(400);
        assertThat(disable.body().path("message").asText()).contains("cannot be disabled");
    }

    @Test
    void a_branch_starts_with_its_parents_data_and_then_goes_its_own_way(NeonApiCalls api) throws Exception {
        String project = createProject(api, "branching");
        try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v int)");
            s.execute("INSERT INTO t VALUES (1)");
        }
        Answer b = api.post("/projects/" + project + "/branches",
                "{\"branch\":{\"name\":\"dev\"},\"endpoints\":[{\"type\":\"read_write\"}]}");
        assertThat(b.status()).as(b.body().toString()).isEqualTo(201);
        String branch = b.body().path("branch").path("id").asText();
        assertThat(b.body().path("branch").path("parent_id").asText()).isNotEmpty();
        api.awaitOperations(project, b.body());
        try (Connection c = connect(uri(api, project, branch)); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (2)");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
        try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the parent does not see the branch's write").isEqualTo(1);
        }
        assertThat(api.get("/projects/" + project + "/branches/count").body().path("count").asInt()).isEqualTo(2);
        assertThat(api.get("/projects/" + project + "/branches").body().path("branches")).hasSize(2);
    }

    @Test
    void a_project_with_an_operation_running_refuses_another_with_423(NeonApiCalls api, NeonLocal neon) {
        String project = createProject(api, "busy");
        Answer first = api.post("/projects/" + project + "/branches", "{\"branch\":{\"name\":\"a\"}}");
        Answer second = api.post("/projects/" + project + "/branches", "{\"branch\":{\"name\":\"b\"}}");
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(423);
        assertThat(second.body().path("message").asText()).contains("running");
        api.awaitOperations(project, first.body());
        neon.faults().lockNext(1);
        assertThat(api.post("/projects/" + project + "/branches", "{\"branch\":{\"name\":\"c\"}}").status()).isEqualTo(423);
        Answer third = api.post("/projects/" + project + "/branches", "{\"branch\":{\"name\":\"c\"}}");
        assertThat(third.status()).isEqualTo(201);
        api.awaitOperations(project, third.body());
    }

    @Test
    void requests_beyond_the_rate_limit_answer_429_with_retry_after(NeonApiCalls api, NeonLocal neon) {
        neon.faults().throttleNext(1);
        Answer a = api.get("/projects");
        assertThat(a.status()).isEqualTo(429);
        assertThat(a.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(api.get("/projects").status()).isEqualTo(200);
    }

    @Test
    void more_requests_than_the_burst_limit_in_a_second_answer_429() throws Exception {
        try (NeonLocal own = NeonLocal.start(NeonLocalExtension.fastOptions().withLimits(700, 5, 500))) {
            NeonApiCalls api = new NeonApiCalls(own.apiUrl(), NeonLocalExtension.API_KEY);
            List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Thread t = new Thread(() -> statuses.add(api.get("/projects").status()));
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(statuses).contains(429);
            assertThat(statuses.stream().filter(s -> s == 200).count()).isLessThanOrEqualTo(15L).isGreaterThanOrEqualTo(5L);
            NeonLocalExtension.check(own);
        }
    }

    @Test
    void more_requests_than_the_minute_limit_answer_429_with_the_seconds_to_wait() throws Exception {
        try (NeonLocal own = NeonLocal.start(NeonLocalExtension.fastOptions().withLimits(10, 40, 500))) {
            NeonApiCalls api = new NeonApiCalls(own.apiUrl(), NeonLocalExtension.API_KEY);
            Answer last = null;
            for (int i = 0; i < 11; i++) {
                last = api.get("/projects");
            }
            assertThat(last.status()).isEqualTo(429);
            assertThat(Long.parseLong(last.raw().headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        }
    }

    @Test
    void a_suspended_compute_wakes_on_the_next_connection(NeonApiCalls api) throws Exception {
        String project = createProject(api, "sleepy");
        String endpoint = api.get("/projects/" + project + "/endpoints").body().path("endpoints").get(0).path("id").asText();
        Answer s = api.post("/projects/" + project + "/endpoints/" + endpoint + "/suspend", null);
        assertThat(s.status()).isEqualTo(200);
        api.awaitOperations(project, s.body());
        assertThat(api.get("/projects/" + project + "/endpoints/" + endpoint).body().path("endpoint").path("current_state").asText())
                .isEqualTo("idle");
        try (Connection c = connect(uri(api, project, null)); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        }
        JsonNode e = api.get("/projects/" + project + "/endpoints/" + endpoint).body().path("endpoint");
        assertThat(e.path("current_state").asText()).isEqualTo("active");
        assertThat(e.path("started_at").asText()).isNotEmpty();
    }

    @Test
    void an_injected_refusal_reaches_the_client_as_cannot_connect_now(NeonApiCalls api, NeonLocal neon) {
        String project = createProject(api, "refusing");
        String uri = uri(api, project, null);
        neon.faults().refuseNextConnections(1);
        assertThatThrownBy(() -> connect(uri).close()).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("57P03"));
    }

    @Test
    void a_root_branch_restores_to_a_history_point_and_keeps_its_previous_state_under_a_new_name(NeonApiCalls api)
            throws Exception {
        String project = createProject(api, "restoring");
        String main = api.get("/projects/" + project + "/branches").body().path("branches").get(0).path("id").asText();
        String endpoint = api.get("/projects/" + project + "/endpoints").body().path("endpoints").get(0).path("id").asText();
        try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v int)");
            s.execute("INSERT INTO t VALUES (1)");
        }
        Answer suspend = api.post("/projects/" + project + "/endpoints/" + endpoint + "/suspend", null);
        api.awaitOperations(project, suspend.body());
        Thread.sleep(1500); // the history point is taken as the compute goes idle
        Instant between = Instant.now();
        Thread.sleep(1100);
        try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (2)");
        }
        Answer refused = api.post("/projects/" + project + "/branches/" + main + "/restore",
                "{\"source_branch_id\":\"" + main + "\",\"source_timestamp\":\"" + between + "\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("message").asText()).contains("preserve_under_name");

        Answer r = api.post("/projects/" + project + "/branches/" + main + "/restore",
                "{\"source_branch_id\":\"" + main + "\",\"source_timestamp\":\"" + between
                        + "\",\"preserve_under_name\":\"before-restore\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        api.awaitOperations(project, r.body());
        try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThat(api.get("/projects/" + project + "/branches").body().path("branches").findValuesAsText("name"))
                .contains("before-restore");
    }

    @Test
    void a_child_branch_cannot_restore_from_its_own_history(NeonApiCalls api) {
        String project = createProject(api, "child-restore");
        Answer b = api.post("/projects/" + project + "/branches", "{\"branch\":{\"name\":\"dev\"}}");
        api.awaitOperations(project, b.body());
        String child = b.body().path("branch").path("id").asText();
        Answer r = api.post("/projects/" + project + "/branches/" + child + "/restore", "{\"source_branch_id\":\"" + child
                + "\",\"source_timestamp\":\"" + Instant.now().minusSeconds(1) + "\",\"preserve_under_name\":\"old\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().path("message").asText()).contains("root branch");
    }

    @Test
    void deleting_a_branch_drops_its_databases_and_the_default_branch_cannot_be_deleted(NeonApiCalls api) throws Exception {
        String project = createProject(api, "deleting");
        String main = api.get("/projects/" + project + "/branches").body().path("branches").get(0).path("id").asText();
        Answer b = api.post("/projects/" + project + "/branches", "{\"branch\":{\"name\":\"tmp\"},\"endpoints\":[{\"type\":\"read_write\"}]}");
        api.awaitOperations(project, b.body());
        String branch = b.body().path("branch").path("id").asText();
        String database;
        try (Connection c = connect(uri(api, project, branch)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            database = rs.getString(1);
        }
        assertThat(api.delete("/projects/" + project + "/branches/" + main).status()).isEqualTo(400);
        Answer d = api.delete("/projects/" + project + "/branches/" + branch);
        assertThat(d.status()).isEqualTo(200);
        api.awaitOperations(project, d.body());
        assertThat(api.get("/projects/" + project + "/branches/" + branch).status()).isEqualTo(404);
        var pg = NeonLocalExtension.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
             var ps = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void a_project_reaching_its_branch_limit_refuses_more_branches() throws Exception {
        try (NeonLocal own = NeonLocal.start(NeonLocalExtension.fastOptions().withLimits(700, 40, 2))) {
            NeonApiCalls api = new NeonApiCalls(own.apiUrl(), NeonLocalExtension.API_KEY);
            String project = createProject(api, "limited");
            Answer b = api.post("/projects/" + project + "/branches", "{\"branch\":{\"name\":\"one\"}}");
            api.awaitOperations(project, b.body());
            Answer c = api.post("/projects/" + project + "/branches", "{\"branch\":{\"name\":\"two\"}}");
            assertThat(c.status()).isEqualTo(422);
            assertThat(c.body().path("code").asText()).isEqualTo("BRANCHES_LIMIT_EXCEEDED");
        }
    }

    @Test
    void a_request_without_the_api_key_is_refused(NeonApiCalls api) {
        Answer a = api.sendWithKey("GET", "/projects", null, null);
        assertThat(a.status()).isEqualTo(401);
        assertThat(api.sendWithKey("GET", "/projects", null, "wrong-key-0123456789").status()).isEqualTo(401);
    }

    @Test
    void unknown_objects_answer_404_in_neons_error_shape(NeonApiCalls api) {
        Answer a = api.get("/projects/no-such-project");
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body().has("message")).isTrue();
        assertThat(a.body().has("code")).isTrue();
        String project = createProject(api, "lookups");
        assertThat(api.get("/projects/" + project + "/branches/br-none-00000000").status()).isEqualTo(404);
        assertThat(api.get("/projects/" + project + "/operations/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
    }

    @Test
    void what_it_created_survives_a_restart() throws Exception {
        String project;
        try (NeonLocal first = NeonLocal.start(NeonLocalExtension.fastOptions())) {
            NeonApiCalls api = new NeonApiCalls(first.apiUrl(), NeonLocalExtension.API_KEY);
            project = createProject(api, "durable");
            try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v int)");
            }
        }
        try (NeonLocal second = NeonLocal.start(NeonLocalExtension.fastOptions())) {
            NeonApiCalls api = new NeonApiCalls(second.apiUrl(), NeonLocalExtension.API_KEY);
            assertThat(api.get("/projects/" + project).status()).isEqualTo(200);
            try (Connection c = connect(uri(api, project, null)); Statement s = c.createStatement()) {
                s.execute("SELECT * FROM kept");
            }
        }
    }

    @Test
    void a_malformed_body_is_a_400_that_changes_nothing(NeonApiCalls api) {
        int before = api.get("/projects").body().path("projects").size();
        Answer a = api.post("/projects", "{not json");
        assertThat(a.status()).isEqualTo(400);
        assertThat(api.get("/projects").body().path("projects").size()).isEqualTo(before);
    }
}
