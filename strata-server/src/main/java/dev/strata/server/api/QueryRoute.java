package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.analytics.AnalyticsFailure;
import dev.strata.analytics.AnalyticsOptions;
import dev.strata.analytics.AnalyticsResult;
import dev.strata.analytics.AnalyticsRow;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * T0 analytics over HTTP: {@code POST /v1/query} runs one read-only query in every tenant database
 * and schema ({@link dev.strata.Analytics}) and streams the merged rows as they arrive, one JSON
 * object a line ({@code application/x-ndjson}): {@code {"type":"row", ...}} for each row, then one
 * {@code {"type":"summary", ...}} with the targets that failed. The operator's endpoint. A query
 * refused before any row (not one read-only statement, refused by every target alike) is an
 * ordinary problem response; a failure after rows were sent ends the stream with
 * {@code {"type":"error", ...}}.
 */
final class QueryRoute {
    static final String PATH = "/v1/query";
    static final String CONTENT_TYPE = "application/x-ndjson";

    private final Strata strata;

    QueryRoute(Strata strata) {
        this.strata = strata;
    }

    /** The request: the SQL, and optionally how many targets at once and the per-target time limit. */
    record QueryBody(String sql, Integer concurrency, Long statementTimeoutMs, Boolean allTenants) {
    }

    record RowLine(String type, UUID tenantId, String tenant, String target, List<String> columns, List<Object> values) {
    }

    record FailureView(String target, List<String> tenants, String code, String message) {
    }

    record SummaryLine(String type, int targets, int succeeded, long rows, long elapsedMs, List<FailureView> failures) {
    }

    record ErrorLine(String type, String code, String detail) {
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.POST, PATH, Access.OPERATOR, this::query));
    }

    private void query(Context ctx) {
        QueryParameters.of(ctx);
        QueryBody body = RequestBodies.read(ctx, QueryBody.class);
        if (body == null || body.sql() == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The request needs a body {\"sql\": \"SELECT ...\"}");
        }
        if (body.allTenants() != null && !body.allTenants()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Only queries across all tenants are served here "
                    + "(all_tenants may only be true); a single tenant's data is read through that tenant");
        }
        AnalyticsOptions options = AnalyticsOptions.defaults();
        if (body.concurrency() != null) {
            options = options.withConcurrency(body.concurrency());
        }
        if (body.statementTimeoutMs() != null) {
            if (body.statementTimeoutMs() <= 0) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "statement_timeout_ms must be positive, was "
                        + body.statementTimeoutMs());
            }
            options = options.withStatementTimeout(Duration.ofMillis(body.statementTimeoutMs()));
        }
        Lines lines = new Lines(ctx);
        AnalyticsResult result;
        try {
            result = strata.analytics().queryAllTenants(body.sql(), options, row -> lines.write(rowLine(row)));
        } catch (RuntimeException e) {
            if (!lines.started()) {
                throw e; // an ordinary problem response
            }
            ErrorCode code = e instanceof StrataException se ? se.code() : ErrorCode.INTERNAL;
            lines.write(new ErrorLine("error", code.name(), e instanceof StrataException ? e.getMessage()
                    : "The query stopped: " + e.getClass().getSimpleName()));
            lines.flush();
            return;
        }
        lines.write(new SummaryLine("summary", result.targets(), result.succeeded(), result.rows(),
                result.elapsed().toMillis(), result.failures().stream().map(QueryRoute::failure).toList()));
        lines.flush();
    }

    private static RowLine rowLine(AnalyticsRow row) {
        List<Object> values = row.values().stream().map(v -> v instanceof UUID u ? (Object) u.toString() : v).toList();
        return new RowLine("row", row.tenantId(), row.tenantSlug(), row.target(), row.columns(), values);
    }

    private static FailureView failure(AnalyticsFailure f) {
        return new FailureView(f.target(), f.tenants(), f.code(), f.message());
    }

    /** The response stream, opened (200, NDJSON) with the first line. Not thread-safe: rows arrive one at a time. */
    private static final class Lines {
        private final Context ctx;
        private OutputStream out;

        Lines(Context ctx) {
            this.ctx = ctx;
        }

        boolean started() {
            return out != null;
        }

        void write(Object line) {
            try {
                if (out == null) {
                    ctx.res().setStatus(200);
                    ctx.res().setContentType(CONTENT_TYPE + "; charset=utf-8");
                    out = ctx.res().getOutputStream();
                }
                out.write(Json.mapper().writeValueAsBytes(line));
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("The client stopped reading the query's rows", e);
            }
        }

        void flush() {
            try {
                if (out != null) {
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

}
