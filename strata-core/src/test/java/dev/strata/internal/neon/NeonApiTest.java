package dev.strata.internal.neon;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.neonlocal.Exchange;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.testing.NeonLocalExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Strata's Neon client against neon-local; every call it makes is checked against Neon's API definition. */
@ExtendWith(NeonLocalExtension.class)
class NeonApiTest {

    private static NeonApi client(NeonLocal neon) {
        return new NeonApi(new NeonAccount(neon.apiUrl(), NeonLocalExtension.API_KEY), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 700, 40);
    }

    private static Connection connect(URI uri) throws Exception {
        String[] info = uri.getRawUserInfo().split(":", 2);
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getRawPath()
                + "?sslmode=disable", info[0], java.net.URLDecoder.decode(info[1], java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void a_project_is_ready_to_connect_to_when_create_returns_and_is_gone_after_delete(NeonLocal neon) throws Exception {
        NeonApi api = client(neon);
        NeonProject project = api.createProject("t1-acme", null, "app", "strata_owner");
        assertThat(project.toString()).doesNotContain(project.password());
        URI uri = api.connectionUri(project.id(), project.defaultBranchId(), "app", "strata_owner", false);
        try (Connection c = connect(uri); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
        assertThat(api.getProject(project.id())).isPresent();
        api.deleteProject(project.id());
        assertThat(api.getProject(project.id())).isEmpty();
        api.deleteProject(project.id());
    }

    @Test
    void a_branch_gets_its_own_endpoint_and_connection_and_deleting_it_twice_is_harmless(NeonLocal neon) throws Exception {
        NeonApi api = client(neon);
        NeonProject project = api.createProject("t1-branches", null, "app", "strata_owner");
        NeonBranch dev = api.createBranch(project.id(), project.defaultBranchId(), "dev", null);
        assertThat(dev.endpointId()).isNotNull().isNotEqualTo(project.endpointId());
        assertThat(dev.isRoot()).isFalse();
        assertThat(api.countBranches(project.id())).isEqualTo(2);
        List<NeonBranch> branches = api.listBranches(project.id());
        assertThat(branches).extracting(NeonBranch::name).containsExactlyInAnyOrder("main", "dev");
        assertThat(branches.stream().filter(NeonBranch::isDefault).findFirst().orElseThrow().isRoot()).isTrue();
        URI devUri = api.connectionUri(project.id(), dev.id(), "app", "strata_owner", false);
        URI mainUri = api.connectionUri(project.id(), project.defaultBranchId(), "app", "strata_owner", false);
        assertThat(devUri.getPort()).isNotEqualTo(mainUri.getPort());
        api.deleteBranch(project.id(), dev.id());
        api.deleteBranch(project.id(), dev.id());
        assertThat(api.countBranches(project.id())).isEqualTo(1);
    }

    @Test
    void a_busy_project_is_waited_for(NeonLocal neon) {
        NeonApi api = client(neon);
        NeonProject project = api.createProject("t1-busy", null, "app", "strata_owner");
        neon.faults().lockNext(3);
        NeonBranch b = api.createBranch(project.id(), null, "after-423s", null);
        assertThat(b.id()).isNotBlank();
        assertThat(statuses(neon, "POST", "/projects/" + project.id() + "/branches")).contains(423, 201);
    }

    @Test
    void a_busy_project_that_never_clears_is_a_clear_failure_after_the_bound(NeonLocal neon) {
        NeonApi api = new NeonApi(new NeonAccount(neon.apiUrl(), NeonLocalExtension.API_KEY), Duration.ofSeconds(2),
                Duration.ofSeconds(60), 700, 40);
        NeonProject project = api.createProject("t1-stuck", null, "app", "strata_owner");
        neon.faults().lockNext(1_000);
        try {
            assertThatThrownBy(() -> api.createBranch(project.id(), null, "never", null))
                    .isInstanceOf(StrataException.class)
                    .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.DATA_PLANE_FAILED))
                    .hasMessageContaining("createProjectBranch").hasMessageContaining("busy");
        } finally {
            neon.faults().lockNext(0);
        }
    }

    @Test
    void a_429_is_waited_out_and_the_call_then_succeeds(NeonLocal neon) {
        NeonApi api = client(neon);
        NeonProject project = api.createProject("t1-throttled", null, "app", "strata_owner");
        neon.faults().throttleNext(2);
        assertThat(api.countBranches(project.id())).isEqualTo(1);
        assertThat(statuses(neon, "GET", "/projects/" + project.id() + "/branches/count")).containsSubsequence(429, 429, 200);
    }

    @Test
    void the_client_paces_itself_under_the_accounts_rate_limit() throws Exception {
        try (NeonLocal strict = NeonLocal.start(NeonLocalExtension.fastOptions().withLimits(700, 5, 500))) {
            NeonApi api = new NeonApi(new NeonAccount(strict.apiUrl(), NeonLocalExtension.API_KEY), Duration.ofSeconds(30),
                    Duration.ofSeconds(60), 700, 5);
            NeonApi unpaced = new NeonApi(new NeonAccount(strict.apiUrl(), NeonLocalExtension.API_KEY), Duration.ofSeconds(30),
                    Duration.ofSeconds(60), 700, 40);
            NeonProject project = api.createProject("t1-paced", null, "app", "strata_owner");
            int before = strict.exchanges().size();
            for (int i = 0; i < 12; i++) {
                assertThat(api.countBranches(project.id())).isEqualTo(1);
            }
            long pacedRefusals = strict.exchanges().stream().skip(before).filter(e -> e.status() == 429).count();
            Thread.sleep(1500);
            before = strict.exchanges().size();
            for (int i = 0; i < 12; i++) {
                assertThat(unpaced.countBranches(project.id())).isEqualTo(1);
            }
            long unpacedRefusals = strict.exchanges().stream().skip(before).filter(e -> e.status() == 429).count();
            assertThat(pacedRefusals).as("429s met by a client paced at the account's limit").isLessThanOrEqualTo(1);
            assertThat(unpacedRefusals).as("429s met by a client paced at Neon's default limit").isGreaterThan(pacedRefusals);
            NeonLocalExtension.check(strict);
        }
    }

    @Test
    void an_operation_that_fails_is_reported_with_its_action_and_error(NeonLocal neon) {
        NeonApi api = client(neon);
        NeonProject project = api.createProject("t1-failing", null, "app", "strata_owner");
        neon.faults().failNextOperations(1);
        assertThatThrownBy(() -> api.createBranch(project.id(), null, "doomed", null))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("createProjectBranch").hasMessageContaining("create_branch")
                .hasMessageContaining("failed").hasMessageContaining("injected failure");
    }

    @Test
    void a_wrong_key_is_a_clear_failure_that_does_not_show_the_key(NeonLocal neon) {
        NeonApi api = new NeonApi(new NeonAccount(neon.apiUrl(), "wrong-key-ABCDEFGHIJKLMNOP"));
        assertThatThrownBy(() -> api.countBranches("some-project-12345678"))
                .isInstanceOf(StrataException.class).hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("wrong-key-ABCDEFGHIJKLMNOP");
        assertThat(api.account().toString()).doesNotContain("wrong-key");
    }

    @Test
    void an_unreachable_api_is_a_clear_failure_within_the_bound() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        NeonApi api = new NeonApi(new NeonAccount(URI.create("http://127.0.0.1:" + port + "/api/v2"), "some-key-0123456789"),
                Duration.ofSeconds(1), Duration.ofSeconds(5), 700, 40);
        assertThatThrownBy(() -> api.countBranches("p-1"))
                .isInstanceOf(StrataException.class).hasMessageContaining("cannot be reached")
                .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.DATA_PLANE_FAILED));
    }

    @Test
    void a_root_branch_is_restored_to_an_earlier_time_keeping_its_state_under_another_name(NeonLocal neon) throws Exception {
        NeonApi api = client(neon);
        NeonProject project = api.createProject("t1-restore", null, "app", "strata_owner");
        URI uri = api.connectionUri(project.id(), project.defaultBranchId(), "app", "strata_owner", false);
        try (Connection c = connect(uri); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (v int)");
            s.execute("INSERT INTO t VALUES (1)");
        }
        api.suspendEndpoint(project.id(), project.endpointId());
        Thread.sleep(1500);
        Instant before = Instant.now();
        Thread.sleep(1100);
        try (Connection c = connect(uri); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (2)");
        }
        api.restoreBranch(project.id(), project.defaultBranchId(), project.defaultBranchId(), before, "before-restore");
        try (Connection c = connect(api.connectionUri(project.id(), project.defaultBranchId(), "app", "strata_owner", false));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThat(api.listBranches(project.id())).extracting(NeonBranch::name).contains("before-restore");
    }

    @Test
    void bad_identifiers_are_refused_before_any_call(NeonLocal neon) {
        NeonApi api = client(neon);
        assertThatThrownBy(() -> api.countBranches("../projects")).isInstanceOf(StrataException.class)
                .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    private static List<Integer> statuses(NeonLocal neon, String method, String path) {
        return neon.exchanges().stream().filter(e -> e.method().equals(method) && e.path().equals(path))
                .map(Exchange::status).toList();
    }
}
