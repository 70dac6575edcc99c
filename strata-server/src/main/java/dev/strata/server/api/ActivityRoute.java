package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Per-tenant activity over HTTP: the busiest tenants of a recent window, summed over every Strata
 * process ({@code strata tenants top}). Its path {@value #PATH} must be registered before
 * {@code GET /v1/tenants/{key}}: Javalin answers with the first registered match, so the literal
 * path wins and a tenant slugged {@code top} is shown by its id.
 */
final class ActivityRoute {
    static final String PATH = "/v1/tenants/top";
    private static final Set<String> PARAMETERS = Set.of("limit", "window");
    private static final int DEFAULT_LIMIT = 10;
    private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    private final Strata strata;

    ActivityRoute(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, PATH, this::top));
    }

    private void top(Context ctx) {
        Set<String> unknown = ctx.queryParamMap().keySet().stream().filter(k -> !PARAMETERS.contains(k))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!unknown.isEmpty()) {
            throw invalid("Unknown query parameter " + unknown + ": use limit (1-1000, default " + DEFAULT_LIMIT
                    + ") and window (default 5m)");
        }
        int limit = limit(ctx.queryParam("limit"));
        Duration window = window(ctx.queryParam("window"));
        List<ActivityView> tenants = strata.activity().top(limit, window).stream().map(ActivityView::of).toList();
        ctx.json(new TopView(window.toSeconds(), tenants));
    }

    /** Response of {@code GET /v1/tenants/top}: the requested window and the busiest tenants first. */
    record TopView(long windowSeconds, List<ActivityView> tenants) {
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw invalid("Query parameter 'limit' must be a whole number from 1 to 1000, was '" + text + "'");
        }
    }

    private static Duration window(String text) {
        if (text == null) {
            return DEFAULT_WINDOW;
        }
        return DurationText.parse(text).orElseThrow(() -> invalid("Query parameter 'window' must be a duration of "
                + "one minute to seven days, written as a whole number with s, m, h or d (90s, 5m, 2h, 1d) or in ISO-8601 "
                + "(PT5M); was '" + text + "'"));
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
