package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Duration;
import java.util.List;

/**
 * Per-tenant activity over HTTP: the busiest tenants of a recent window, summed over every Strata
 * process ({@code strata tenants top}). Its path {@value #PATH} must be registered before
 * {@code GET /v1/tenants/{key}}: Javalin answers with the first registered match, so the literal
 * path wins and a tenant slugged {@code top} is shown by its id.
 */
final class ActivityRoute {
    static final String PATH = "/v1/tenants/top";
    private static final int DEFAULT_LIMIT = 10;
    private static final int MAX_LIMIT = 1000;
    private static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    private final Strata strata;

    ActivityRoute(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, PATH, Access.SUBTREE, this::top));
    }

    private void top(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, "limit", "window");
        int limit = query.integer("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        Duration window = window(query.value("window"));
        Caller caller = Caller.of(ctx);
        var visible = caller.isOperator() ? java.util.Map.<java.util.UUID, dev.strata.Tenant>of() : Caller.byId(strata);
        List<ActivityView> tenants = (caller.isOperator() ? strata.activity().top(limit, window)
                : strata.activity().top(MAX_LIMIT, window).stream()
                        .filter(a -> caller.sees(visible, a.tenantId())).limit(limit).toList())
                .stream().map(ActivityView::of).toList();
        ctx.json(new TopView(window.toSeconds(), tenants));
    }

    /** Response of {@code GET /v1/tenants/top}: the requested window and the busiest tenants first. */
    record TopView(long windowSeconds, List<ActivityView> tenants) {
    }

    private static Duration window(String text) {
        if (text == null) {
            return DEFAULT_WINDOW;
        }
        return (text.equals(text.strip()) ? DurationText.parse(text) : java.util.Optional.<Duration>empty()).orElseThrow(() -> invalid("Query parameter 'window' must be a duration of "
                + "one minute to seven days, written as a whole number with s, m, h or d (90s, 5m, 2h, 1d) or in ISO-8601 "
                + "(PT5M); was '" + QueryParameters.printable(text) + "'"));
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
