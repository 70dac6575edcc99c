package dev.strata;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that keep one tenant from starving its neighbours.
 *
 * @param maxConcurrentTransactions most transactions one tenant may run at once in this process;
 *                                  further callers wait up to {@code acquireTimeout}, then fail
 *                                  with {@link ErrorCode#TENANT_THROTTLED}
 * @param acquireTimeout            how long a caller waits for a slot
 * @param statementTimeout          PostgreSQL {@code statement_timeout} applied to each of the
 *                                  tenant's transactions; {@link Duration#ZERO} for none
 */
public record TenantLimits(int maxConcurrentTransactions, Duration acquireTimeout, Duration statementTimeout) {

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
    }

    /** No practical limit: many concurrent transactions, no statement timeout. */
    public static TenantLimits unlimited() {
        return new TenantLimits(Integer.MAX_VALUE, Duration.ofSeconds(30), Duration.ZERO);
    }
}
