package dev.strata.server.api;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.PostgresServer;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.RunningApi;
import dev.strata.testing.SecondPostgres;
import dev.strata.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/planes}: adding the second server as a plane, listing, showing and draining it, T1s
 * placed by plane and by region, and every refusal: a clear error, nothing registered, and never
 * a credential in an answer or a log line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlanesApiTest {
    private static RunningApi api;
    private static Http http;
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final List<String> ANSWERS = new ArrayList<>();

    @BeforeAll
    static void start() {
        LOGS.start();
        root().addAppender(LOGS);
        api = RunningApi.start();
        http = new Http(api.baseUri(), api.adminKey());
    }

    @AfterAll
    static void stop() {
        root().detachAppender(LOGS);
        if (api != null) {
            api.close();
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static Answer send(String method, String path, String body) {
        Answer answer = body == null ? http.send(method, path) : http.send(method, path, body);
        ANSWERS.add(answer.body());
        return answer;
    }

    private static String addBody(String key, String url, String extra) {
        return "{\"key\": \"" + key + "\", \"url\": \"" + url + "\"" + (extra == null ? "" : ", " + extra) + "}";
    }

    private static void refused(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get("code").asText()).as(answer.body()).isEqualTo(code);
    }

    @Test
    @Order(1)
    void only_the_default_plane_exists_at_first_and_an_unknown_plane_is_404() {
        Answer list = send("GET", "/v1/planes", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("planes")).extracting(p -> p.get("key").asText()).containsExactly("default");
        JsonNode standard = list.json().get("planes").get(0);
        assertThat(standard.get("status").asText()).isEqualTo("active");
        assertThat(standard.get("wal_level").asText()).isEqualTo("logical");
        refused(send("GET", "/v1/planes/nowhere", null), 404, "PLANE_NOT_FOUND");
        refused(send("POST", "/v1/planes/nowhere/drain", null), 404, "PLANE_NOT_FOUND");
    }

    @Test
    @Order(2)
    void bad_requests_are_refused_and_register_nothing() throws Exception {
        String good = SecondPostgres.url();
        refused(send("POST", "/v1/planes", "{}"), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", "{\"key\": \"x\"}"), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("Bad_Key", good, null)), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("-lead", good, null)), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("trail-", good, null)), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("a".repeat(25), good, null)), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("p1", good, "\"region\": \"eu west\"")), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("p1", good, "\"capacity\": 0")), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("p1", good, "\"capacity\": -3")), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("p1", good, "\"capacity\": \"5\"")), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("p1", good, "\"password\": \"x\"")), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("p1", "mysql://root:hunter2secret@h/db", null)), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("p1", "postgresql://:hunter2secret@/db", null)), 400, "INVALID_ARGUMENT");
        refused(send("POST", "/v1/planes", addBody("default", good, null)), 400, "INVALID_ARGUMENT");

        PostgresServer second = SecondPostgres.server();
        Answer wrongPassword = send("POST", "/v1/planes", addBody("p1",
                "postgresql://" + second.user() + ":hunter2secret@" + second.host() + ":" + second.port() + "/postgres", null));
        refused(wrongPassword, 400, "INVALID_ARGUMENT");
        assertThat(wrongPassword.json().get("detail").asText()).contains("refused the login");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Answer unreachable = send("POST", "/v1/planes", addBody("p1",
                "postgresql://postgres:hunter2secret@127.0.0.1:" + closedPort + "/postgres", null));
        refused(unreachable, 503, "DATABASE_UNAVAILABLE");
        assertThat(unreachable.json().get("detail").asText()).contains("127.0.0.1:" + closedPort);

        Answer sameServer = send("POST", "/v1/planes", addBody("again", Cli.url(SharedPostgres.server()), null));
        refused(sameServer, 400, "INVALID_ARGUMENT");
        assertThat(sameServer.json().get("detail").asText()).contains("already the data plane 'default'");

        assertThat(send("GET", "/v1/planes", null).json().get("planes")).hasSize(1);
        assertThat(String.join("\n", ANSWERS)).doesNotContain("hunter2secret");
    }

    @Test
    @Order(3)
    void the_second_server_is_added_listed_and_shown_without_credentials() {
        Answer added = send("POST", "/v1/planes", addBody("second", SecondPostgres.url(),
                "\"region\": \"eu-2\", \"capacity\": 2"));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.header("Location")).isEqualTo("/v1/planes/second");
        JsonNode plane = added.json();
        assertThat(plane.get("key").asText()).isEqualTo("second");
        assertThat(plane.get("region").asText()).isEqualTo("eu-2");
        assertThat(plane.get("capacity").asInt()).isEqualTo(2);
        assertThat(plane.get("status").asText()).isEqualTo("active");
        assertThat(plane.get("wal_level").asText()).isEqualTo("logical");
        assertThat(plane.get("supports_online_moves").asBoolean()).isTrue();
        assertThat(plane.get("address").asText()).isEqualTo(SecondPostgres.server().host() + ":" + SecondPostgres.server().port());

        refused(send("POST", "/v1/planes", addBody("second", SecondPostgres.url(), null)), 400, "INVALID_ARGUMENT");
        Answer sameServer = send("POST", "/v1/planes", addBody("third", SecondPostgres.url(), null));
        refused(sameServer, 400, "INVALID_ARGUMENT");
        assertThat(sameServer.json().get("detail").asText()).contains("already the data plane 'second'");

        assertThat(send("GET", "/v1/planes", null).json().get("planes")).extracting(p -> p.get("key").asText())
                .containsExactly("default", "second");
        assertThat(send("GET", "/v1/planes/second", null).json().get("tenants").asInt()).isZero();

        JsonNode doc = send("GET", "/v1/openapi.json", null).json();
        java.util.Set<String> given = new java.util.HashSet<>();
        plane.fieldNames().forEachRemaining(given::add);
        java.util.Set<String> specified = new java.util.HashSet<>();
        doc.at("/components/schemas/Plane/properties").fieldNames().forEachRemaining(specified::add);
        java.util.Set<String> required = new java.util.HashSet<>();
        doc.at("/components/schemas/Plane/required").forEach(r -> required.add(r.asText()));
        assertThat(given).isEqualTo(specified).isEqualTo(required);
    }

    @Test
    @Order(4)
    void t1s_are_placed_by_plane_and_by_region_and_t2s_follow_their_t1() {
        Answer byPlane = send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"by-plane\", \"plane\": \"second\"}");
        assertThat(byPlane.status()).as(byPlane.body()).isEqualTo(201);
        assertThat(byPlane.json().get("plane").asText()).isEqualTo("second");
        assertThat(byPlane.json().get("region").asText()).isEqualTo("eu-2");

        Answer child = send("POST", "/v1/tenants", "{\"tier\": 2, \"slug\": \"by-plane-c\", \"parent\": \"by-plane\", "
                + "\"mode\": \"database\"}");
        assertThat(child.status()).as(child.body()).isEqualTo(201);
        assertThat(child.json().get("plane").asText()).isEqualTo("second");
        refused(send("POST", "/v1/tenants", "{\"tier\": 2, \"slug\": \"by-plane-d\", \"parent\": \"by-plane\", "
                + "\"plane\": \"default\"}"), 400, "INVALID_ARGUMENT");

        Answer byRegion = send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"by-region\", \"region\": \"eu-2\"}");
        assertThat(byRegion.status()).as(byRegion.body()).isEqualTo(201);
        assertThat(byRegion.json().get("plane").asText()).isEqualTo("second");

        // capacity 2: both T1 databases are taken
        Answer full = send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"no-room\", \"region\": \"eu-2\"}");
        refused(full, 422, "MOVE_REFUSED");
        assertThat(full.json().get("detail").asText()).contains("No data plane in region 'eu-2' has room");
        refused(send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"no-room\", \"plane\": \"second\"}"), 422, "MOVE_REFUSED");
        // a T1 in rls mode takes no T1 database: it still fits
        Answer shared = send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"shared-eu\", \"region\": \"eu-2\", \"mode\": \"rls\"}");
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        assertThat(shared.json().get("plane").asText()).isEqualTo("second");

        Answer elsewhere = send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"mars\", \"region\": \"mars-1\"}");
        refused(elsewhere, 422, "MOVE_REFUSED");
        assertThat(elsewhere.json().get("detail").asText()).contains("mars-1").contains("strata planes add");
        refused(send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"mixed\", \"plane\": \"second\", \"region\": \"us-1\"}"),
                422, "MOVE_REFUSED");
        refused(send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"lost\", \"plane\": \"nowhere\"}"), 404, "PLANE_NOT_FOUND");
        refused(send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"lost\", \"plane\": \"No Plane\"}"), 400, "INVALID_ARGUMENT");
        assertThat(send("GET", "/v1/tenants/no-room", null).status()).isEqualTo(404);
        assertThat(send("GET", "/v1/tenants/mars", null).status()).isEqualTo(404);

        JsonNode second = send("GET", "/v1/planes/second", null).json();
        assertThat(second.get("t1_databases").asInt()).isEqualTo(2);
        assertThat(second.get("tenants").asInt()).isEqualTo(4);
    }

    @Test
    @Order(5)
    void a_draining_plane_takes_no_new_t1() {
        Answer drained = send("POST", "/v1/planes/second/drain", null);
        assertThat(drained.status()).as(drained.body()).isEqualTo(202);
        assertThat(drained.json().get("status").asText()).isEqualTo("draining");
        assertThat(send("POST", "/v1/planes/second/drain", null).json().get("status").asText()).isEqualTo("draining");
        refused(send("POST", "/v1/planes/second/drain", "{\"now\": true}"), 400, "INVALID_ARGUMENT");

        Answer refusedT1 = send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"late\", \"plane\": \"second\", \"mode\": \"rls\"}");
        refused(refusedT1, 422, "MOVE_REFUSED");
        assertThat(refusedT1.json().get("detail").asText()).contains("draining");
        // tenants already there keep working: a T2 under a T1 of the draining plane is still created there
        Answer child = send("POST", "/v1/tenants", "{\"tier\": 2, \"slug\": \"still-ok\", \"parent\": \"by-plane\"}");
        assertThat(child.status()).as(child.body()).isEqualTo(201);
        Answer standard = send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"at-home\"}");
        assertThat(standard.json().get("plane").asText()).isEqualTo("default");
        refused(send("POST", "/v1/planes/second/drain", "{\"concurrency\": 0}"), 400, "INVALID_ARGUMENT");
    }

    @Test
    @Order(6)
    void the_drain_reports_its_progress_and_names_the_tenants_it_could_not_move() throws InterruptedException {
        // the second plane is in region eu-2 and no other plane is: its tenants have nowhere to go
        Answer plane = send("GET", "/v1/planes/second", null);
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        while ("running".equals(plane.json().path("drain").path("state").asText()) && System.nanoTime() < until) {
            Thread.sleep(100);
            plane = send("GET", "/v1/planes/second", null);
        }
        JsonNode drain = plane.json().get("drain");
        assertThat(drain.get("operation").asText()).isEqualTo(plane.json().get("drain_operation").asText());
        assertThat(drain.get("state").asText()).as(plane.body()).isEqualTo("failed");
        assertThat(drain.get("moved").asInt()).isZero();
        assertThat(drain.get("done").asInt()).isEqualTo(drain.get("total").asInt()).isPositive();
        assertThat(drain.get("failed")).extracting(JsonNode::asText).contains("by-plane");
        assertThat(drain.get("error").asText()).contains("by-plane").contains("region 'eu-2'");
        Answer operation = send("GET", "/v1/operations/" + drain.get("operation").asText(), null);
        assertThat(operation.json().get("kind").asText()).isEqualTo("drain");
        assertThat(operation.json().at("/report/tenants/by-plane/state").asText()).isEqualTo("failed");
        refused(send("POST", "/v1/planes/nowhere/activate", null), 404, "PLANE_NOT_FOUND");
        Answer active = send("POST", "/v1/planes/second/activate", null);
        assertThat(active.status()).as(active.body()).isEqualTo(200);
        assertThat(active.json().get("status").asText()).isEqualTo("active");
        Answer placed = send("POST", "/v1/tenants", "{\"tier\": 1, \"slug\": \"back-again\", \"plane\": \"second\", \"mode\": \"rls\"}");
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
    }

    @Test
    @Order(7)
    void no_answer_and_no_log_line_ever_carried_a_credential() {
        String password = SecondPostgres.server().password();
        assertThat(password).isNotBlank();
        assertThat(String.join("\n", ANSWERS)).doesNotContain(password).doesNotContain("hunter2secret");
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : LOGS.list) {
            lines.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                lines.add(event.getThrowableProxy().getMessage());
            }
        }
        assertThat(String.join("\n", lines)).doesNotContain(password).doesNotContain("hunter2secret");
    }
}
