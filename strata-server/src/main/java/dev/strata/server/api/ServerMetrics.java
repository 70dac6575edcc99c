package dev.strata.server.api;

import com.zaxxer.hikari.HikariDataSource;
import dev.strata.Strata;
import dev.strata.internal.pool.ConnectionBudget;
import dev.strata.internal.pool.TenantPools;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * What {@code GET /metrics} publishes, in a Prometheus registry: Strata's per-tenant meters
 * ({@code strata_tenant_transactions_seconds}, {@code strata_tenant_errors_total},
 * {@code strata_tenant_throttled_total}, tagged {@code tenant} = slug and {@code tier}; removed
 * when the tenant is decommissioned, so the series are bounded by the live tenants), the pools
 * (Hikari's {@code hikaricp_*} by pool, the open tenant pools), each data plane's connection
 * budget, the operations by kind and state, and the HTTP requests by method, route template
 * (never the raw path: an unknown path is {@code route="unmatched"}) and status.
 *
 * <p>If Strata was configured with a {@link PrometheusMeterRegistry} its meters are published as
 * they are (with their latency buckets); otherwise they are mirrored by {@link MeterMirror}.
 * Thread-safe.
 */
public final class ServerMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(ServerMetrics.class);
    static final String UNMATCHED = "unmatched";
    private static final Duration[] HTTP_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30)};

    private record Route(String method, String template, Pattern pattern) {
    }

    private final PrometheusMeterRegistry registry;
    private final MeterMirror mirror;
    private final Strata strata;
    private final List<ApiEndpoint> endpoints;
    private volatile List<Route> routes;
    private final MultiGauge operations;
    private final AtomicInteger managementUp = new AtomicInteger();
    private final Set<String> budgetsRegistered = ConcurrentHashMap.newKeySet();

    private ServerMetrics(PrometheusMeterRegistry registry, MeterMirror mirror, Strata strata, List<ApiEndpoint> endpoints) {
        this.registry = registry;
        this.mirror = mirror;
        this.strata = strata;
        this.endpoints = endpoints;
        this.operations = MultiGauge.builder("strata.operations")
                .description("Long-running operations in the journal, by kind and state").register(registry);
    }

    /**
     * The metrics of {@code strata} and of the HTTP server serving {@code endpoints} (read when the
     * first request is recorded, so the list may be completed after this call).
     */
    static ServerMetrics of(Strata strata, List<ApiEndpoint> endpoints) {
        MeterRegistry configured = strata.config().meterRegistry();
        PrometheusMeterRegistry registry;
        MeterMirror mirror = null;
        if (configured instanceof PrometheusMeterRegistry prometheus) {
            registry = prometheus;
        } else {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            mirror = new MeterMirror(configured, registry);
        }
        ServerMetrics metrics = new ServerMetrics(registry, mirror, strata, endpoints);
        metrics.bind();
        return metrics;
    }

    private void bind() {
        try {
            if (strata.serverHooks().management() instanceof HikariDataSource management
                    && management.getMetricRegistry() == null) {
                management.setMetricRegistry(registry);
            }
        } catch (RuntimeException e) {
            LOG.debug("The management pool's metrics are not published: {}", e.getMessage());
        }
        TenantPools pools = strata.serverHooks().pools();
        Gauge.builder("strata.tenant.pools.open", pools, TenantPools::openPools)
                .description("Connection pools to tenant databases open in this process").register(registry);
        Gauge.builder("strata.management.database.up", managementUp, AtomicInteger::get)
                .description("1 if the management database answered the last scrape, else 0").register(registry);
        registerBudgets();
    }

    /** Gauges of each data plane's connection budget, also of planes added since the last scrape. */
    private void registerBudgets() {
        TenantPools pools = strata.serverHooks().pools();
        for (String plane : strata.serverHooks().planes().keySet()) {
            if (!budgetsRegistered.add(plane)) {
                continue;
            }
            Tags tags = Tags.of("plane", plane);
            Gauge.builder("strata.connection.budget.size", pools, p -> value(p.budget(plane), ConnectionBudget::size))
                    .tags(tags).description("Most server connections the tenant pools of the data plane may hold")
                    .register(registry);
            Gauge.builder("strata.connection.budget.in.use", pools, p -> value(p.budget(plane), ConnectionBudget::inUse))
                    .tags(tags).description("Server connections of the data plane's tenant pools open now")
                    .register(registry);
            Gauge.builder("strata.connection.budget.waiting", pools, p -> value(p.budget(plane), ConnectionBudget::waiting))
                    .tags(tags).description("Callers waiting for a connection of the data plane now")
                    .register(registry);
        }
    }

    private static double value(ConnectionBudget budget, java.util.function.ToIntFunction<ConnectionBudget> f) {
        return budget == null ? Double.NaN : f.applyAsInt(budget);
    }

    /** Records one answered request under its route template. */
    void recordRequest(Context ctx, float millis) {
        Timer.builder("http.server.requests")
                .description("HTTP requests answered, by method, route template and status")
                .tags("method", ctx.method().name(), "route", routeOf(ctx.method().name(), ctx.path()),
                        "status", Integer.toString(ctx.statusCode()))
                .serviceLevelObjectives(HTTP_BUCKETS)
                .register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /** The template of the endpoint serving {@code method path}, or {@value #UNMATCHED}. */
    String routeOf(String method, String path) {
        String p = path.length() > 1 ? path.replaceAll("/+$", "") : path;
        String sameMethod = null;
        String any = null;
        for (Route r : routes()) {
            if (r.pattern().matcher(p).matches()) {
                if (r.method().equals(method) || ("HEAD".equals(method) && "GET".equals(r.method()))) {
                    // literal routes (e.g. /v1/tenants/top) are registered before parametrised ones
                    sameMethod = sameMethod == null ? r.template() : sameMethod;
                } else if (any == null) {
                    any = r.template();
                }
            }
        }
        return sameMethod != null ? sameMethod : any != null ? any : UNMATCHED;
    }

    private List<Route> routes() {
        List<Route> r = routes;
        if (r == null) {
            List<Route> built = new ArrayList<>();
            for (ApiEndpoint e : endpoints) {
                built.add(new Route(e.method().name(), e.path(), ErrorResponses.pattern(e.path())));
            }
            r = List.copyOf(built);
            routes = r;
        }
        return r;
    }

    /** The registry, for the meters of the server's own parts. */
    MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format (version 0.0.4), read now. */
    String scrape() {
        registerBudgets();
        refreshOperations();
        if (mirror != null) {
            mirror.sync();
        }
        return registry.scrape();
    }

    private void refreshOperations() {
        DataSource management = strata.serverHooks().management();
        java.util.Map<Tags, Long> counts = new java.util.LinkedHashMap<>();
        for (dev.strata.OperationKind kind : dev.strata.OperationKind.values()) {
            for (dev.strata.OperationState state : dev.strata.OperationState.values()) {
                counts.put(Tags.of("kind", kind.wireName(), "state", state.wireName()), 0L);
            }
        }
        try (Connection c = management.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT kind, state, count(*) FROM platform.operations GROUP BY kind, state ORDER BY kind, state");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(Tags.of("kind", rs.getString(1), "state", rs.getString(2)), rs.getLong(3));
            }
            managementUp.set(1);
        } catch (SQLException | RuntimeException e) {
            managementUp.set(0);
            LOG.debug("The operations gauges are not refreshed: {}", e.getMessage());
            return;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((tags, n) -> rows.add(MultiGauge.Row.of(tags, n)));
        operations.register(rows, true);
    }
}
