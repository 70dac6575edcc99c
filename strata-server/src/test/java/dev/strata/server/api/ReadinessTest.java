package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.Strata;
import dev.strata.StrataConfig;
import dev.strata.internal.migration.Migrations;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.StoppablePostgres;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /ready}: 200 while the management database answers and is migrated to this build's
 * newest version, 503 saying what is wrong otherwise; {@code /health}, {@code /ready} and
 * {@code /v1/openapi.json} need no API key.
 */
class ReadinessTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    @Test
    void ready_answers_200_without_a_key_when_the_management_database_is_up_and_current() {
        Answer answer = new Http(api.baseUri(), null).get("/ready");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(body.get("status").asText()).isEqualTo("ready");
        assertThat(body.at("/checks/management_database/status").asText()).isEqualTo("ok");
        assertThat(body.at("/checks/migrations/status").asText()).isEqualTo("ok");
    }

    @Test
    void the_openapi_document_and_the_probes_are_served_without_a_key_and_nothing_else_is() {
        Http anonymous = new Http(api.baseUri(), null);
        Answer openapi = anonymous.get("/v1/openapi.json");
        assertThat(openapi.status()).as(openapi.toString()).isEqualTo(200);
        assertThat(openapi.json().get("openapi").asText()).startsWith("3.");
        assertThat(openapi.json().at("/paths").has("/ready")).isTrue();
        assertThat(openapi.json().at("/paths").has("/metrics")).isTrue();
        assertThat(anonymous.get("/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/v1/tenants").status()).isEqualTo(401);
        assertThat(anonymous.get("/v1/openapi.json/../tenants").status()).isIn(401, 404);
        assertThat(anonymous.send("POST", "/ready", "{}").status()).isEqualTo(401);
        assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
    }

    @Test
    void ready_refuses_query_parameters_like_every_endpoint() {
        assertThat(new Http(api.baseUri(), null).get("/ready?verbose=true").status()).isEqualTo(400);
    }

    @Test
    void ready_answers_503_naming_the_version_while_the_management_database_is_behind_this_build() throws Exception {
        Strata strata = TestStrata.start();
        String namespace = strata.config().namespace();
        ApiServer server = ApiServer.start(strata, new ApiKeys(strata.internals().management()), "127.0.0.1", 0);
        try (Connection c = strata.internals().management().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("UPDATE platform." + Migrations.historyTable() + " SET success = false WHERE installed_rank = "
                    + "(SELECT max(installed_rank) FROM platform." + Migrations.historyTable() + " WHERE version IS NOT NULL)");
            Answer answer = new Http(server.baseUri(), null).get("/ready");
            assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
            assertThat(answer.json().get("status").asText()).isEqualTo("not_ready");
            assertThat(answer.json().at("/checks/management_database/status").asText()).isEqualTo("ok");
            assertThat(answer.json().at("/checks/migrations/status").asText()).isEqualTo("failed");
            assertThat(answer.json().at("/checks/migrations/detail").asText()).contains("this build needs");
            assertThat(new Http(server.baseUri(), null).get("/health").status()).as("alive, though not ready").isEqualTo(200);
        } finally {
            server.close();
            TestStrata.stopAndDrop(strata);
        }
        try (Connection c = TestStrata.admin("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE '" + namespace + "%'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void ready_answers_503_while_the_management_database_is_down_and_200_once_it_is_back() throws Exception {
        try (StoppablePostgres pg = StoppablePostgres.start()) {
            Strata strata = StrataConfig.builder().server(pg.server()).namespace("readiness")
                    .statsFlushInterval(Duration.ZERO).tenantMigrations(TestStrata.MIGRATIONS).start();
            ApiServer server = ApiServer.start(strata, new ApiKeys(strata.internals().management()), "127.0.0.1", 0);
            try {
                Http anonymous = new Http(server.baseUri(), null);
                assertThat(anonymous.get("/ready").status()).isEqualTo(200);

                pg.stop();
                Answer down = anonymous.get("/ready");
                assertThat(down.status()).as(down.toString()).isEqualTo(503);
                assertThat(down.header("Retry-After")).isEqualTo("5");
                assertThat(down.json().get("status").asText()).isEqualTo("not_ready");
                assertThat(down.json().at("/checks/management_database/status").asText()).isEqualTo("failed");
                assertThat(down.json().at("/checks/management_database/detail").asText()).contains("unreachable");
                assertThat(down.body()).doesNotContain("password");

                pg.startAgain();
                Answer back = anonymous.get("/ready");
                for (int i = 0; i < 100 && back.status() != 200; i++) {
                    Thread.sleep(100);
                    back = anonymous.get("/ready");
                }
                assertThat(back.status()).as(back.toString()).isEqualTo(200);
            } finally {
                server.close();
                strata.close();
            }
        }
    }
}
