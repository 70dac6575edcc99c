package dev.strata.analytics;

import java.time.Duration;
import java.util.List;

/**
 * What a T0 analytics query did. Immutable.
 *
 * @param targets   the targets it ran in (databases' {@code app} schemas and tenant schemas)
 * @param succeeded how many of them answered
 * @param rows      rows handed to the consumer
 * @param failures  the targets that failed, each with its error
 * @param elapsed   wall time of the whole run
 */
public record AnalyticsResult(int targets, int succeeded, long rows, List<AnalyticsFailure> failures, Duration elapsed) {
    public AnalyticsResult {
        failures = List.copyOf(failures);
    }

    /** Whether every target answered. */
    public boolean complete() {
        return failures.isEmpty();
    }
}
