package dev.strata.internal.sql;

import java.sql.SQLException;

/** SQLSTATE codes Strata reacts to. */
public final class SqlStates {
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String CHECK_VIOLATION = "23514";
    public static final String FOREIGN_KEY_VIOLATION = "23503";
    public static final String DUPLICATE_DATABASE = "42P04";
    public static final String DUPLICATE_OBJECT = "42710";
    public static final String DUPLICATE_SCHEMA = "42P06";
    public static final String INSUFFICIENT_PRIVILEGE = "42501";
    public static final String INVALID_CATALOG_NAME = "3D000";
    public static final String QUERY_CANCELED = "57014";

    private SqlStates() {
    }

    /** The name of the constraint a violation names, if the exception (or one it wraps) is from PostgreSQL. */
    public static String constraint(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
                return p.getServerErrorMessage().getConstraint();
            }
        }
        return null;
    }

    /** Whether the exception, or one it wraps, has the given SQLSTATE. */
    public static boolean is(Throwable e, String state) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
