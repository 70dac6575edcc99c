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
    /** Class 08: the connection could not be made or broke. */
    public static final String CONNECTION_EXCEPTION_CLASS = "08";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String CRASH_SHUTDOWN = "57P02";
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String TOO_MANY_CONNECTIONS = "53300";
    /** Raised by PostgreSQL when connecting to a database with {@code ALLOW_CONNECTIONS false}, among others. */
    public static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";

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

    /**
     * Whether the failure (or one it wraps) says the database cannot be used right now: the
     * connection could not be made or broke (class 08, also for a refused or timed-out connect),
     * the server is shutting down, crashed or starting ({@code 57P01}-{@code 57P03}), or it refuses
     * more connections ({@code 53300}). A pool's time-out counts when its last connection attempt
     * failed in one of these ways.
     */
    public static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && unavailableState(sql.getSQLState())) {
                return true;
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.UnknownHostException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * {@link #isUnavailable} for a failure to open a connection, where PostgreSQL also answers
     * {@code 55000} for a database that does not accept connections ({@code ALLOW_CONNECTIONS false}).
     */
    public static boolean isUnavailableAtConnect(Throwable e) {
        return isUnavailable(e) || is(e, OBJECT_NOT_IN_PREREQUISITE_STATE);
    }

    private static boolean unavailableState(String state) {
        return state != null && (state.startsWith(CONNECTION_EXCEPTION_CLASS) || state.equals(ADMIN_SHUTDOWN)
                || state.equals(CRASH_SHUTDOWN) || state.equals(CANNOT_CONNECT_NOW) || state.equals(TOO_MANY_CONNECTIONS));
    }

    /** Class 28: the role may not log in (28000) or its password was refused (28P01). */
    public static boolean isAuthenticationFailure(java.sql.SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("28");
    }

    /**
     * PostgreSQL's internal error (XX000) for two sessions changing one shared catalog row at once
     * ("tuple concurrently updated", e.g. two {@code ALTER ROLE}s of one role): harmless to retry
     * when the statement is idempotent.
     */
    public static boolean isConcurrentCatalogUpdate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "XX000".equals(sql.getSQLState()) && sql.getMessage() != null
                    && sql.getMessage().contains("tuple concurrently")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message of a failure, for one-line logs and answers. */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        String message = e.getMessage();
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null) {
                message = root.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.strip();
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
