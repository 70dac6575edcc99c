package dev.strata.server.api;

import dev.strata.Tenant;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** With a Prometheus registry configured (as {@code strata serve} does), its meters are served as they are, buckets included. */
class MetricsWithPrometheusRegistryTest {
    static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @RegisterExtension
    static final ApiExtension api = ApiExtension.configured(b -> b.meterRegistry(REGISTRY));

    @Test
    void the_configured_registry_is_served_with_the_tenants_latency_buckets() throws Exception {
        assertThat(api.http().post("/v1/tenants", "{\"tier\": 1, \"slug\": \"prom-partner\"}").status()).isEqualTo(201);
        Tenant partner = api.strata().tenants().get("prom-partner");
        api.strata().inTenant(partner.id(), scope -> scope.connection().isValid(1));
        PrometheusText text = PrometheusText.parse(api.http().get("/metrics").body());
        for (int i = 0; i < 100 && text.find("strata_tenant_transactions_seconds_bucket", "tenant", "prom-partner").isEmpty(); i++) {
            Thread.sleep(50);
            text = PrometheusText.parse(api.http().get("/metrics").body());
        }
        assertThat(text.find("strata_tenant_transactions_seconds_bucket", "tenant", "prom-partner", "tier", "T1")).isNotEmpty();
        assertThat(text.value("strata_tenant_transactions_seconds_count", "tenant", "prom-partner")).contains(1.0);
        assertThat(text.type("strata_tenant_transactions_seconds")).contains("histogram");
        assertThat(text.find("http_server_requests_seconds_count", "route", "/v1/tenants")).isNotEmpty();
    }
}
