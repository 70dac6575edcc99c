package dev.strata.server.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;

/**
 * {@code GET /metrics}: {@link ServerMetrics} in the Prometheus text format. It names every
 * tenant, so it needs an API key like the {@code /v1} endpoints (Prometheus sends one with
 * {@code authorization: {credentials_file: ...}} in its scrape configuration).
 */
final class MetricsRoute {
    static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerMetrics metrics;

    MetricsRoute(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, PATH, Access.OPERATOR, this::serve));
    }

    private void serve(Context ctx) {
        QueryParameters.of(ctx);
        ctx.contentType(CONTENT_TYPE).result(metrics.scrape());
    }
}
