package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.MDC;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One tenant's activity over time ({@code GET /v1/tenants/{key}/activity?window=}): a point per
 * minute of the window (oldest first, the current minute last, minutes without work as zeros),
 * summed over every Strata process, as recorded for {@code strata tenants top}. This process's
 * counters are flushed first. Windows of one minute to one day (default one hour).
 */
final class TenantActivityRoute {
    private static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    private static final Duration MAX_WINDOW = Duration.ofDays(1);
    private static final String SERIES = """
            WITH w AS (SELECT date_trunc('minute', now() - make_interval(secs => ?)) AS since,
                              date_trunc('minute', now()) AS until)
            SELECT m.minute, coalesce(sum(a.transactions), 0)::bigint, coalesce(sum(a.errors), 0)::bigint,
                   coalesce(sum(a.throttled), 0)::bigint, coalesce(sum(a.total_micros), 0)::bigint,
                   coalesce(max(a.max_micros), 0)::bigint
              FROM w CROSS JOIN generate_series(w.since, w.until, interval '1 minute') AS m(minute)
              LEFT JOIN platform.tenant_activity a ON a.period_start = m.minute AND a.tenant_id = ?
             GROUP BY m.minute
             ORDER BY m.minute""";

    private final Strata strata;

    TenantActivityRoute(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}/activity", Access.TENANT_READ, this::activity));
    }

    /** Response of {@code GET /v1/tenants/{key}/activity}. */
    record SeriesView(UUID tenantId, String slug, long windowSeconds, List<Point> points) {
    }

    /** One minute: counts of that minute, latencies in milliseconds (0 without transactions). */
    record Point(Instant at, long transactions, long errors, long throttled, double meanLatencyMs, double maxLatencyMs) {
    }

    private void activity(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, "window");
        Duration window = window(query.value("window"));
        Tenant tenant = strata.tenants().get(ctx.pathParam("key"));
        MDC.put("tenant", tenant.id().toString());
        strata.activity().flush();
        List<Point> points = new ArrayList<>();
        try (Connection c = strata.serverHooks().management().getConnection();
             PreparedStatement ps = c.prepareStatement(SERIES)) {
            ps.setLong(1, window.toSeconds());
            ps.setObject(2, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long transactions = rs.getLong(2);
                    long totalMicros = rs.getLong(5);
                    double mean = transactions == 0 ? 0 : totalMicros / (double) transactions / 1_000.0;
                    points.add(new Point(rs.getTimestamp(1).toInstant(), transactions, rs.getLong(3), rs.getLong(4),
                            Math.round(mean * 1_000) / 1_000.0, rs.getLong(6) / 1_000.0));
                }
            }
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.DATABASE_ERROR, "Reading the activity of tenant '" + tenant.slug()
                    + "' failed: " + e.getMessage(), e);
        }
        ctx.json(new SeriesView(tenant.id(), tenant.slug(), window.toSeconds(), points));
    }

    private static Duration window(String text) {
        if (text == null) {
            return DEFAULT_WINDOW;
        }
        Optional<Duration> parsed = text.equals(text.strip()) ? DurationText.parse(text) : Optional.empty();
        return parsed.filter(d -> d.compareTo(Duration.ofMinutes(1)) >= 0 && d.compareTo(MAX_WINDOW) <= 0)
                .orElseThrow(() -> new StrataException(ErrorCode.INVALID_ARGUMENT, "Query parameter 'window' must be "
                        + "a duration of one minute to one day, written as a whole number with s, m, h or d (90s, 5m, "
                        + "2h, 1d) or in ISO-8601 (PT5M); was '" + QueryParameters.printable(text) + "'"));
    }
}
