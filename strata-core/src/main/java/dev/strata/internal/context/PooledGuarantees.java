package dev.strata.internal.context;

/**
 * Whether the request path enforces the pooled-connection guarantees (see docs/security.md,
 * "Pooled connections"): every isolation-relevant setting sent transaction-locally, the SQL a
 * callback runs classified for session state and the connection cleaned or retired after it, no
 * driver object handed out, and a leased connection checked to carry no transaction.
 */
public enum PooledGuarantees {
    /** The request path. */
    ENFORCED,
    /**
     * The request path as it was before the guarantees (the minimal context, no classification, no
     * checks, raw result sets). Only the benchmarks use it, to measure what the guarantees cost in
     * the same run; it is not safe for tenant work.
     */
    OFF_FOR_BENCHMARKS
}
