package dev.strata.internal.context;

import java.util.List;

/**
 * The statement lexer of the tenant connection ({@link StatementEffects}: PostgreSQL's quoting,
 * dollar quotes, nested comments) for other parts of Strata. Stateless and thread-safe.
 */
public final class SqlStatements {
    private SqlStatements() {
    }

    /**
     * The first keyword (lower case) of each statement of a SQL text, {@code ""} for a statement
     * that starts with something else; comments and empty statements are left out.
     */
    public static List<String> leadingKeywords(String sql) {
        return StatementEffects.leadingKeywords(sql);
    }
}
