package dev.strata.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.EndpointNotFound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into an {@code application/problem+json} answer whose status is its
 * {@link ErrorCode}'s: Strata's own errors keep their code and message, an unknown route is
 * {@link ErrorCode#ROUTE_NOT_FOUND}, and anything unexpected is {@link ErrorCode#INTERNAL}
 * with the details kept in the server log.
 */
final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    static void install(Javalin app) {
        app.exception(StrataException.class, (e, ctx) -> {
            if (e.code().httpStatus() >= 500) {
                LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.toString(), e);
            }
            write(ctx, Problem.of(e.code(), e.getMessage()));
        });
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromHttp(e, ctx)));
        app.exception(UnsupportedOperationException.class, (e, ctx) -> {
            LOG.error("{} {} is not implemented: {}", ctx.method(), ctx.path(), e.getMessage());
            write(ctx, Problem.of(ErrorCode.INTERNAL, "Not implemented in this build: " + e.getMessage()));
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
            write(ctx, Problem.of(ErrorCode.INTERNAL,
                    "Internal error (" + e.getClass().getSimpleName() + "); the server log has the details"));
        });
    }

    private static Problem fromHttp(HttpResponseException e, Context ctx) {
        if (e instanceof EndpointNotFound || e.getStatus() == 404 || e.getStatus() == 405) {
            return Problem.of(ErrorCode.ROUTE_NOT_FOUND, "No endpoint " + ctx.method() + " " + ctx.path()
                    + ": GET /v1/openapi.json lists them all");
        }
        if (e.getStatus() >= 400 && e.getStatus() < 500) {
            return Problem.of(ErrorCode.INVALID_ARGUMENT, e.getMessage());
        }
        LOG.error("{} {} failed: HTTP {} {}", ctx.method(), ctx.path(), e.getStatus(), e.getMessage());
        return Problem.of(ErrorCode.INTERNAL, e.getMessage());
    }

    /** Writes a problem as the whole response. */
    static void write(Context ctx, Problem problem) {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A problem always serialises", e);
        }
        if (problem.status() == ErrorCode.UNAUTHORIZED.httpStatus()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"strata\"");
        }
        ctx.status(problem.status()).contentType(Problem.MEDIA_TYPE).result(body);
    }
}
