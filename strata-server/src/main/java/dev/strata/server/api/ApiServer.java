package dev.strata.server.api;

import dev.strata.Strata;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The REST API of a running {@link Strata} (Javalin on Jetty): tenants, their activity and limits,
 * archives, audit, long-running operations, tenant migrations, API keys and data planes under {@code /v1}, the
 * Prometheus metrics {@code /metrics} (operator keys: they name tenants), and, without a key, the OpenAPI document
 * {@code /v1/openapi.json}, the liveness probe {@code /health} and the readiness probe {@code /ready}. Every endpoint
 * declares its {@link Access} rule; the server does not start with one that lacks it. Owns the HTTP server, not the
 * {@code Strata} it serves.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String TENANT_ATTRIBUTE = "strata.log-tenant";

    private final Javalin app;
    private final List<ApiEndpoint> endpoints;
    private final String host;
    private final MigrationRoutes migrations;

    private ApiServer(Javalin app, List<ApiEndpoint> endpoints, String host, MigrationRoutes migrations) {
        this.app = app;
        this.endpoints = List.copyOf(endpoints);
        this.host = host;
        this.migrations = migrations;
    }

    /**
     * Starts serving on {@code host:port} ({@code port} 0 picks a free one).
     *
     * @throws RuntimeException if the address cannot be bound (Javalin's {@code JavalinBindException})
     */
    public static ApiServer start(Strata strata, ApiKeys keys, String host, int port) {
        return start(strata, keys, host, port, strata.backups(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
                "strata-backups-" + strata.config().namespace())));
    }

    /**
     * Starts serving on {@code host:port}, taking backups ({@code POST /v1/tenants/{key}/backups})
     * with {@code backups} ({@code strata serve --backup-dir}); the form without it keeps them under
     * the system's temporary directory (for embedding and tests).
     */
    public static ApiServer start(Strata strata, ApiKeys keys, String host, int port, dev.strata.backup.Backups backups) {
        List<ApiEndpoint> endpoints = new ArrayList<>();
        endpoints.addAll(new HealthRoute(strata.serverHooks().management()).endpoints());
        endpoints.addAll(new ReadyRoute(strata.serverHooks().management()).endpoints());
        ServerMetrics metrics = ServerMetrics.of(strata, endpoints);
        endpoints.addAll(new MetricsRoute(metrics).endpoints());
        endpoints.addAll(new OpenApiRoute().endpoints());
        // before the tenant routes: GET /v1/tenants/top must match ahead of GET /v1/tenants/{key}
        endpoints.addAll(new ActivityRoute(strata).endpoints());
        endpoints.addAll(new TenantRoutes(strata).endpoints());
        endpoints.addAll(new TenantTablesRoute(strata).endpoints());
        endpoints.addAll(new TenantActivityRoute(strata).endpoints());
        endpoints.addAll(new LimitRoutes(strata).endpoints());
        endpoints.addAll(new BranchRoutes(strata).endpoints());
        endpoints.addAll(new ArchiveRoutes(strata).endpoints());
        endpoints.addAll(new BackupRoutes(strata, backups).endpoints());
        endpoints.addAll(new AuditRoute(strata).endpoints());
        endpoints.addAll(new OperationRoutes(strata).endpoints());
        endpoints.addAll(new PlaneRoutes(strata).endpoints());
        endpoints.addAll(new QueryRoute(strata).endpoints());
        MigrationRoutes migrations = new MigrationRoutes(strata);
        endpoints.addAll(migrations.endpoints());
        endpoints.addAll(new KeyRoutes(strata, keys).endpoints());
        try {
            Authorizer.requireRules(endpoints);
        } catch (RuntimeException e) {
            migrations.close();
            throw e;
        }
        Authenticator authenticator = new Authenticator(keys, endpoints);
        Authorizer authorizer = new Authorizer(strata);

        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.mapper(), false));
            config.http.defaultContentType = "application/json";
            config.requestLogger.http((ctx, millis) -> {
                metrics.recordRequest(ctx, millis);
                String tenant = ctx.attribute(TENANT_ATTRIBUTE);
                if (tenant != null) {
                    MDC.put("tenant", tenant);
                }
                try {
                    LOG.info("{} {} -> {} in {} ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(millis));
                } finally {
                    MDC.remove("tenant");
                }
            });
        });
        app.before(ctx -> {
            MDC.remove("tenant");
            authenticator.authenticate(ctx);
        });
        for (ApiEndpoint endpoint : endpoints) {
            app.addHttpHandler(endpoint.method(), endpoint.path(), authorizer.guard(endpoint));
        }
        ErrorResponses.install(app, endpoints);
        app.after(ctx -> {
            // the request's line is logged after this: it keeps the tenant the request was about
            ctx.attribute(TENANT_ATTRIBUTE, MDC.get("tenant"));
            MDC.remove("tenant");
        });
        try {
            new ConsoleAssets().install(app); // the web console at / and /console/**: static files, not API endpoints
            app.start(host, port);
        } catch (RuntimeException e) {
            migrations.close();
            throw e;
        }
        return new ApiServer(app, endpoints, host, migrations);
    }

    /** The port it listens on. */
    public int port() {
        return app.port();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port());
    }

    /** Every operation served, in registration order. */
    public List<ApiEndpoint> endpoints() {
        return endpoints;
    }

    /**
     * Stops accepting requests and waits for those in flight, then interrupts a migration run it
     * started (the fan-out's journal lets the next start resume it).
     */
    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            migrations.close();
        }
    }
}
