package dev.strata.analytics;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.time.Duration;

/**
 * How a T0 analytics query runs ({@link dev.strata.Analytics}). Immutable.
 *
 * @param concurrency      how many targets run at once (1-64, default 4); every connection also takes a
 *                         permit of its data plane's connection budget, so the tenant pools keep theirs
 * @param statementTimeout how long the query may run in one target (default 30 s); a target over it fails
 */
public record AnalyticsOptions(int concurrency, Duration statementTimeout) {
    /** The most targets that run at once. */
    public static final int MAX_CONCURRENCY = 64;

    public AnalyticsOptions {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The concurrency of an analytics query must be 1-"
                    + MAX_CONCURRENCY + ", was " + concurrency);
        }
        if (statementTimeout == null || statementTimeout.isNegative() || statementTimeout.isZero()
                || statementTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The statement timeout of an analytics query must be "
                    + "positive (at most " + Integer.MAX_VALUE + " ms), was " + statementTimeout);
        }
    }

    /** Concurrency 4, statement timeout 30 s. */
    public static AnalyticsOptions defaults() {
        return new AnalyticsOptions(4, Duration.ofSeconds(30));
    }

    public AnalyticsOptions withConcurrency(int value) {
        return new AnalyticsOptions(value, statementTimeout);
    }

    public AnalyticsOptions withStatementTimeout(Duration value) {
        return new AnalyticsOptions(concurrency, value);
    }
}
