package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The liveness probe: 200 {@code {"status":"ok"}} while the management database answers,
 * {@link ErrorCode#SERVICE_UNAVAILABLE} (503) otherwise. The one endpoint that needs no API key:
 * probes carry no secrets, and it reveals nothing but whether the service is up.
 */
final class HealthRoute {
    static final String PATH = "/health";
    private static final int VALIDATION_TIMEOUT_SECONDS = 2;

    private final DataSource management;

    HealthRoute(DataSource management) {
        this.management = management;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, PATH, Access.PUBLIC, this::health));
    }

    private void health(Context ctx) {
        try (Connection c = management.getConnection()) {
            if (!c.isValid(VALIDATION_TIMEOUT_SECONDS)) {
                throw unavailable("does not answer");
            }
        } catch (SQLException | RuntimeException e) {
            throw e instanceof StrataException se ? se : unavailable("is unreachable");
        }
        ctx.json(Map.of("status", "ok"));
    }

    private static StrataException unavailable(String what) {
        return new StrataException(ErrorCode.SERVICE_UNAVAILABLE, "The management database " + what);
    }
}
