package dev.strata;

import dev.strata.analytics.AnalyticsOptions;
import dev.strata.analytics.AnalyticsResult;
import dev.strata.analytics.AnalyticsRow;

import java.util.function.Consumer;

/**
 * T0 analytics: one read-only query run in every tenant database and tenant schema, in parallel,
 * its rows merged into one stream with the tenant each came from.
 * <p>
 * The query runs as the T0 reader, a role that can log in and nothing else: never a superuser,
 * never {@code BYPASSRLS}, member of no role, {@code SELECT} only on the application's tenant
 * tables, views and reference data, in a read-only transaction under a T0 context, which the one
 * policy {@code strata_t0_reads_all} lets read every row (and nothing else does). It is one
 * statement: {@code SELECT}, {@code WITH ... SELECT}, {@code VALUES} or {@code TABLE}; anything
 * else, several statements, or SQL that writes is refused. Each target (a database's {@code app}
 * schema, or a tenant schema) runs the query with {@code search_path} set to that schema, so
 * unqualified table names resolve there.
 * <p>
 * A target that fails (unreachable, a table it does not have, a time-out) is reported in the
 * result, and the others' rows still arrive. Thread-safe.
 */
public interface Analytics {
    /**
     * Runs {@code sql} in every tenant database and schema and hands each row to {@code rows} as it
     * arrives. {@code rows} is called by one thread at a time (from the query's worker threads); if it
     * throws, the run stops and the exception is rethrown.
     *
     * @return what ran: targets, rows, the failed targets with their errors
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} for SQL that is not one read-only
     *         query, or that every target refuses alike (a syntax error, a write), before or instead of
     *         any row
     */
    AnalyticsResult queryAllTenants(String sql, AnalyticsOptions options, Consumer<AnalyticsRow> rows);

    /** {@link #queryAllTenants(String, AnalyticsOptions, Consumer)} with {@link AnalyticsOptions#defaults()}. */
    default AnalyticsResult queryAllTenants(String sql, Consumer<AnalyticsRow> rows) {
        return queryAllTenants(sql, AnalyticsOptions.defaults(), rows);
    }
}
