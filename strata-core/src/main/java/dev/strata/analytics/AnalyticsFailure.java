package dev.strata.analytics;

import java.util.List;

/**
 * A target where a T0 analytics query failed; the other targets' rows are not affected. Immutable.
 *
 * @param target   {@code <data plane>/<database>/<schema>}
 * @param tenants  the slugs of the tenants placed there
 * @param code     the SQLSTATE of the failure, or Strata's error code (e.g. {@code DATABASE_UNAVAILABLE})
 * @param message  what went wrong
 */
public record AnalyticsFailure(String target, List<String> tenants, String code, String message) {
    public AnalyticsFailure {
        tenants = List.copyOf(tenants);
    }
}
