package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Tenant;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import dev.strata.server.testing.PrometheusText;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.ResultSet;
import java.sql.Statement;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} on a Strata configured with no Prometheus registry of its own (the
 * library's default): Prometheus text with the per-tenant series, pools, budgets, operations and
 * HTTP requests by route template.
 */
class MetricsEndpointTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.configured(b -> b.statsFlushInterval(java.time.Duration.ofMillis(200)));

    @BeforeAll
    static void tenants_with_work() throws Exception {
        Http http = api.http();
        assertThat(http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"metrics-partner\"}").status()).isEqualTo(201);
        assertThat(http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"metrics-shop\", \"parent\": \"metrics-partner\"}")
                .status()).isEqualTo(201);
        Tenant shop = api.strata().tenants().get("metrics-shop");
        for (int i = 0; i < 3; i++) {
            api.strata().inTenant(shop.id(), scope -> {
                try (Statement s = scope.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                    return rs.next();
                }
            });
        }
    }

    static PrometheusText scrape() {
        Answer answer = api.http().get("/metrics");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("text/plain");
        return PrometheusText.parse(answer.body());
    }

    /** The tenant's meters are registered off the request path: scrape until they are there (or give up). */
    static PrometheusText scrapeUntilTenantSeries(String slug) throws InterruptedException {
        PrometheusText text = scrape();
        for (int i = 0; i < 100 && text.find("strata_tenant_transactions_seconds_count", "tenant", slug).isEmpty(); i++) {
            Thread.sleep(50);
            text = scrape();
        }
        return text;
    }

    @Test
    void metrics_need_an_api_key_because_they_name_every_tenant() {
        Answer anonymous = new Http(api.baseUri(), null).get("/metrics");
        assertProblem(anonymous, ErrorCode.UNAUTHORIZED);
        assertThat(anonymous.body()).doesNotContain("metrics-shop");
        assertProblem(new Http(api.baseUri(), "not-a-key").get("/metrics"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void metrics_are_prometheus_text_with_a_series_per_tenant() throws Exception {
        PrometheusText text = scrapeUntilTenantSeries("metrics-shop");
        assertThat(text.value("strata_tenant_transactions_seconds_count", "tenant", "metrics-shop", "tier", "T2"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(3));
        assertThat(text.value("strata_tenant_transactions_seconds_sum", "tenant", "metrics-shop")).isPresent();
        assertThat(text.value("strata_tenant_errors_total", "tenant", "metrics-shop")).contains(0.0);
        assertThat(text.value("strata_tenant_throttled_total", "tenant", "metrics-shop")).contains(0.0);
        assertThat(text.find("strata_tenant_transactions_seconds_count", "tenant", "metrics-partner"))
                .as("a tenant without transactions has no series").isEmpty();
    }

    @Test
    void metrics_show_the_pools_and_each_planes_connection_budget() throws Exception {
        PrometheusText text = scrapeUntilTenantSeries("metrics-shop");
        String plane = api.strata().internals().planes().keySet().iterator().next();
        assertThat(text.value("strata_connection_budget_size", "plane", plane)).hasValueSatisfying(v -> assertThat(v).isPositive());
        assertThat(text.value("strata_connection_budget_in_use", "plane", plane)).isPresent();
        assertThat(text.value("strata_connection_budget_waiting", "plane", plane)).contains(0.0);
        assertThat(text.value("strata_tenant_pools_open")).hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));
        assertThat(text.value("hikaricp_connections", "pool", "strata:management")).isPresent();
        assertThat(text.find("hikaricp_connections").stream().map(s -> s.labels().get("pool")))
                .as("the tenant pools' Hikari meters too").anyMatch(pool -> !pool.equals("strata:management"));
        assertThat(text.value("strata_management_database_up")).contains(1.0);
    }

    @Test
    void metrics_count_operations_by_kind_and_state() {
        PrometheusText text = scrape();
        assertThat(text.value("strata_operations", "kind", "provision", "state", "succeeded"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(2));
        assertThat(text.value("strata_operations", "kind", "import", "state", "running")).contains(0.0);
        assertThat(text.value("strata_operations", "kind", "migrate", "state", "failed")).contains(0.0);
    }

    @Test
    void http_requests_are_counted_by_route_template_and_status_never_by_raw_path() {
        Http http = api.http();
        http.get("/v1/tenants/metrics-shop");
        http.get("/v1/tenants/metrics-partner");
        http.get("/v1/tenants/no-such-tenant");
        http.get("/v1/no/such/route/secret-looking-path");
        PrometheusText text = scrape();
        assertThat(text.value("http_server_requests_seconds_count", "method", "GET", "route", "/v1/tenants/{key}", "status", "200"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(2));
        assertThat(text.value("http_server_requests_seconds_count", "method", "GET", "route", "/v1/tenants/{key}", "status", "404"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));
        assertThat(text.value("http_server_requests_seconds_count", "method", "GET", "route", "unmatched", "status", "404"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));
        assertThat(text.find("http_server_requests_seconds_count").stream().map(s -> s.labels().get("route")))
                .noneMatch(route -> route.contains("metrics-shop") || route.contains("secret-looking-path"));
        assertThat(text.find("http_server_requests_seconds_bucket", "route", "/v1/tenants/{key}")).isNotEmpty();
    }

    @Test
    void the_request_line_of_a_tenant_route_carries_the_tenant_id_and_other_lines_none() {
        Tenant shop = api.strata().tenants().get("metrics-shop");
        try (dev.strata.server.testing.CapturedLogs logs = new dev.strata.server.testing.CapturedLogs(ApiServer.class)) {
            assertThat(api.http().get("/v1/tenants/metrics-shop").status()).isEqualTo(200);
            assertThat(api.http().get("/v1/audit").status()).isEqualTo(200);
            var lines = logs.events();
            assertThat(lines).filteredOn(e -> e.getFormattedMessage().startsWith("GET /v1/tenants/metrics-shop "))
                    .singleElement().satisfies(e -> assertThat(e.getMDCPropertyMap()).containsEntry("tenant", shop.id().toString()));
            assertThat(lines).filteredOn(e -> e.getFormattedMessage().startsWith("GET /v1/audit "))
                    .singleElement().satisfies(e -> assertThat(e.getMDCPropertyMap()).doesNotContainKey("tenant"));
        }
    }

    @Test
    void a_decommissioned_tenants_series_leave_the_metrics() throws Exception {
        Http http = api.http();
        assertThat(http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"metrics-gone\", \"parent\": \"metrics-partner\"}")
                .status()).isEqualTo(201);
        Tenant gone = api.strata().tenants().get("metrics-gone");
        api.strata().inTenant(gone.id(), scope -> scope.connection().isValid(1));
        assertThat(scrapeUntilTenantSeries("metrics-gone").find("strata_tenant_transactions_seconds_count", "tenant", "metrics-gone"))
                .isNotEmpty();
        assertThat(http.post("/v1/tenants/metrics-gone/decommission", "{\"confirm\": true}").status()).isEqualTo(200);
        PrometheusText text = scrape();
        for (int i = 0; i < 200 && !text.find("strata_tenant_transactions_seconds_count", "tenant", "metrics-gone").isEmpty(); i++) {
            Thread.sleep(50);
            text = scrape();
        }
        assertThat(text.find("strata_tenant_transactions_seconds_count", "tenant", "metrics-gone")).isEmpty();
    }
}
