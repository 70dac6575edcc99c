package dev.strata;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that keep one tenant from starving its neighbours.
 *
 * @param maxConcurrentTransactions most transactions one tenant may run at once in this process;
 *                                  further callers wait up to {@code acquireTimeout}, then fail
 *                                  with {@link ErrorCode#TENANT_THROTTLED}
 * @param acquireTimeout            how long a caller waits for a slot (at most {@link #MAX_TIMEOUT})
 * @param statementTimeout          PostgreSQL {@code statement_timeout} applied to each of the
 *                                  tenant's transactions; {@link Duration#ZERO} for none; at most {@link #MAX_TIMEOUT}
 */
public record TenantLimits(int maxConcurrentTransactions, Duration acquireTimeout, Duration statementTimeout) {

    /**
     * The longest acquire or statement timeout, 2147483647 ms (about 24.8 days): PostgreSQL's
     * largest {@code statement_timeout}, which a longer one would make every transaction fail to set.
     */
    public static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    public TenantLimits {
        Objects.requireNonNull(acquireTimeout, "acquireTimeout");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        if (maxConcurrentTransactions < 1) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION,
                    "maxConcurrentTransactions must be at least 1, was " + maxConcurrentTransactions);
        }
        if (acquireTimeout.isNegative() || statementTimeout.isNegative()) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Tenant limit durations must not be negative");
        }
        if (acquireTimeout.compareTo(MAX_TIMEOUT) > 0 || statementTimeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Tenant limit durations must be at most "
                    + MAX_TIMEOUT.toMillis() + " ms (PostgreSQL's longest statement_timeout), were "
                    + acquireTimeout.toMillis() + " ms and " + statementTimeout.toMillis() + " ms");
        }
    }

    /** No practical limit: many concurrent transactions, no statement timeout. */
    public static TenantLimits unlimited() {
        return new TenantLimits(Integer.MAX_VALUE, Duration.ofSeconds(30), Duration.ZERO);
    }
}
