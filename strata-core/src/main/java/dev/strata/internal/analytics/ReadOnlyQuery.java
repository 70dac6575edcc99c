package dev.strata.internal.analytics;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.context.SqlStatements;

import java.util.List;
import java.util.Set;

/**
 * The first line of defence of T0 analytics: the SQL must be one query. The role it runs as can
 * only read, and the transaction is read-only; this check makes the refusal of anything else clear
 * and immediate, before any target is touched. Stateless.
 */
final class ReadOnlyQuery {
    /** Statements that only read (a data-modifying WITH is refused by the read-only transaction and the grants). */
    private static final Set<String> QUERIES = Set.of("select", "with", "values", "table");

    /** The most characters of SQL accepted. */
    static final int MAX_LENGTH = 100_000;

    private ReadOnlyQuery() {
    }

    /** @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} naming what is wrong */
    static String check(String sql) {
        if (sql == null || sql.isBlank()) {
            throw invalid("The analytics query is empty: give one SELECT statement");
        }
        if (sql.length() > MAX_LENGTH) {
            throw invalid("The analytics query is " + sql.length() + " characters long; at most " + MAX_LENGTH
                    + " are accepted");
        }
        if (sql.indexOf('\0') >= 0) {
            throw invalid("The analytics query contains a NUL character");
        }
        List<String> statements = SqlStatements.leadingKeywords(sql);
        if (statements.isEmpty()) {
            throw invalid("The analytics query holds only comments: give one SELECT statement");
        }
        if (statements.size() > 1) {
            throw invalid("The analytics query holds " + statements.size() + " statements; T0 analytics run exactly one "
                    + "read-only query (SELECT, WITH ... SELECT, VALUES or TABLE) in every tenant database");
        }
        String keyword = statements.get(0);
        if (!QUERIES.contains(keyword)) {
            throw invalid("T0 analytics only read: " + (keyword.isEmpty() ? "the statement" : keyword.toUpperCase(java.util.Locale.ROOT))
                    + " is refused. Give one SELECT, WITH ... SELECT, VALUES or TABLE statement");
        }
        return sql;
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
