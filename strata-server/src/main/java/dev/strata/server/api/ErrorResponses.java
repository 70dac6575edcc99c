package dev.strata.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.SqlStates;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns every failure into an {@code application/problem+json} answer whose status is its
 * {@link ErrorCode}'s: Strata's own errors keep their code and message, an unknown path is
 * {@link ErrorCode#ROUTE_NOT_FOUND}, a known path with another method
 * {@link ErrorCode#METHOD_NOT_ALLOWED} with {@code Allow}, a database that cannot be reached
 * {@link ErrorCode#DATABASE_UNAVAILABLE} (whatever raised it; logged once per outage by the
 * availability tracker, not per request), and anything unexpected is {@link ErrorCode#INTERNAL}
 * with the details kept in the server log.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    static void install(Javalin app, List<ApiEndpoint> endpoints) {
        app.exception(StrataException.class, (e, ctx) -> {
            if (isOutage(e)) {
                LOG.debug("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                write(ctx, Problem.of(ErrorCode.DATABASE_UNAVAILABLE, e.code() == ErrorCode.DATABASE_UNAVAILABLE
                        ? e.getMessage() : unavailableDetail(e)));
                return;
            }
            if (e.code() == ErrorCode.SERVICE_UNAVAILABLE || e.code() == ErrorCode.CONNECTION_BUDGET_EXHAUSTED) {
                LOG.debug("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            } else if (e.code().httpStatus() >= 500) {
                LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.toString(), e);
            }
            write(ctx, Problem.of(e.code(), e.getMessage()));
        });
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromHttp(e, ctx, endpoints)));
        app.exception(UnsupportedOperationException.class, (e, ctx) -> {
            LOG.error("{} {} is not implemented: {}", ctx.method(), ctx.path(), e.getMessage());
            write(ctx, Problem.of(ErrorCode.INTERNAL, "Not implemented in this build: " + e.getMessage()));
        });
        app.exception(Exception.class, (e, ctx) -> {
            if (SqlStates.isUnavailable(e)) {
                LOG.debug("{} {}: {}", ctx.method(), ctx.path(), e.toString());
                write(ctx, Problem.of(ErrorCode.DATABASE_UNAVAILABLE, unavailableDetail(e)));
                return;
            }
            LOG.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
            write(ctx, Problem.of(ErrorCode.INTERNAL,
                    "Internal error (" + e.getClass().getSimpleName() + "); the server log has the details"));
        });
    }

    /** Whether a failure is an unreachable database, also when a step reported it as a general database error. */
    private static boolean isOutage(StrataException e) {
        return e.code() == ErrorCode.DATABASE_UNAVAILABLE
                || ((e.code() == ErrorCode.DATABASE_ERROR || e.code() == ErrorCode.INTERNAL) && SqlStates.isUnavailable(e));
    }

    private static String unavailableDetail(Throwable e) {
        return "A database this request needs is unavailable (" + SqlStates.rootMessage(e)
                + "): retry once it is back; Strata reconnects by itself";
    }

    private static Problem fromHttp(HttpResponseException e, Context ctx, List<ApiEndpoint> endpoints) {
        if (e instanceof EndpointNotFound || e.getStatus() == 404 || e.getStatus() == 405) {
            Set<String> allowed = allowedMethods(ctx.path(), endpoints);
            if (!allowed.isEmpty()) {
                ctx.header("Allow", String.join(", ", allowed));
                return Problem.of(ErrorCode.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed on " + ctx.path()
                        + ": use " + String.join(" or ", allowed) + " (GET /v1/openapi.json lists every endpoint)");
            }
            return Problem.of(ErrorCode.ROUTE_NOT_FOUND, "No endpoint " + ctx.method() + " " + ctx.path()
                    + ": GET /v1/openapi.json lists them all");
        }
        if (e.getStatus() >= 400 && e.getStatus() < 500) {
            return Problem.of(ErrorCode.INVALID_ARGUMENT, e.getMessage());
        }
        LOG.error("{} {} failed: HTTP {} {}", ctx.method(), ctx.path(), e.getStatus(), e.getMessage());
        return Problem.of(ErrorCode.INTERNAL, e.getMessage());
    }

    /** The methods of the endpoints whose path matches, in a stable order. */
    static Set<String> allowedMethods(String path, List<ApiEndpoint> endpoints) {
        String p = path.length() > 1 ? path.replaceAll("/+$", "") : path;
        Set<String> methods = new TreeSet<>();
        for (ApiEndpoint endpoint : endpoints) {
            if (pattern(endpoint.path()).matcher(p).matches()) {
                methods.add(endpoint.method().name());
            }
        }
        return methods;
    }

    static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /** Writes a problem as the whole response. */
    static void write(Context ctx, Problem problem) {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A problem always serialises", e);
        }
        if (problem.code().equals(ErrorCode.DATABASE_UNAVAILABLE.name())) {
            ctx.header("Retry-After", "5");
        }
        if (problem.status() == ErrorCode.UNAUTHORIZED.httpStatus()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"strata\"");
        }
        ctx.status(problem.status()).contentType(Problem.MEDIA_TYPE).result(body);
    }
}
