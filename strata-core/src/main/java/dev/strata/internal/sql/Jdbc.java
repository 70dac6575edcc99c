package dev.strata.internal.sql;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Transactions on Strata's own (administrative) connections, with SQL errors turned into {@link StrataException}. */
public final class Jdbc {
    private Jdbc() {
    }

    /** Work on a connection that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork<R> {
        R run(Connection connection) throws SQLException;
    }

    /** Work on a connection that returns nothing. */
    @FunctionalInterface
    public interface SqlAction {
        void run(Connection connection) throws SQLException;
    }

    /**
     * Runs work in one transaction: commits if it returns, rolls back if it throws. A
     * {@link StrataException} passes through; an {@link SQLException} becomes
     * {@link ErrorCode#DATABASE_ERROR} (or {@link ErrorCode#DATABASE_UNAVAILABLE}) with {@code what} in its message.
     */
    public static <R> R inTransaction(DataSource dataSource, String what, SqlWork<R> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                R result = work.run(connection);
                connection.commit();
                return result;
            } catch (Throwable e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw databaseError(what, e, dataSource);
        }
    }

    /** {@link #inTransaction} for work without a result. */
    public static void useTransaction(DataSource dataSource, String what, SqlAction action) {
        inTransaction(dataSource, what, connection -> {
            action.run(connection);
            return null;
        });
    }

    /** Runs work on a connection in autocommit mode (statements like CREATE DATABASE need it). */
    public static <R> R withConnection(DataSource dataSource, String what, SqlWork<R> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw databaseError(what, e, dataSource);
        }
    }

    /**
     * The error for a failed step: {@link ErrorCode#DATABASE_UNAVAILABLE} when the database could
     * not be reached or the connection broke ({@link SqlStates#isUnavailable}), else
     * {@link ErrorCode#DATABASE_ERROR} with the server's message.
     */
    public static StrataException databaseError(String what, SQLException e) {
        return databaseError(what, e, null);
    }

    private static StrataException databaseError(String what, SQLException e, DataSource dataSource) {
        if (SqlStates.isUnavailable(e)) {
            return new StrataException(ErrorCode.DATABASE_UNAVAILABLE, "Failed to " + what + ": " + nameOf(dataSource)
                    + " is unavailable (" + SqlStates.rootMessage(e) + "). Retry once it is back; Strata reconnects by itself", e);
        }
        return new StrataException(ErrorCode.DATABASE_ERROR,
                "Failed to " + what + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
    }

    private static String nameOf(DataSource dataSource) {
        if (dataSource instanceof TrackedPool pool) {
            return pool.database();
        }
        return dataSource instanceof TrackedDataSource tracked ? tracked.database() : "the database";
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
