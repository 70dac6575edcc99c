package dev.strata.internal.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where a target records how far it has applied a capture when its administrator may not use
 * replication origins (they are for superusers only, and Neon's owner role is none): a row
 * {@code (capture, lsn)} of {@value #TABLE} in the target database, written in the same
 * transaction as the changes it covers, so that what the target committed and the position it
 * records never disagree (as with an origin's {@code pg_replication_origin_xact_setup}). The row
 * is locked by each apply transaction, so two apply sessions of one capture never interleave
 * batches; the schema {@value #SCHEMA} is owned by the administrator, granted to nobody, and
 * dropped with its last row (by the last capture of the database to stop). Stateless; thread-safe.
 */
final class AppliedPositionTable {
    static final String SCHEMA = "strata_capture";
    static final String TABLE = SCHEMA + ".applied";

    private AppliedPositionTable() {
    }

    /** Creates the schema, the table and the capture's row (at 0/0) unless they exist. */
    static void create(Connection c, CaptureName name) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (capture text PRIMARY KEY, lsn pg_lsn NOT NULL)");
        } catch (SQLException e) {
            // 42P06/42P07/23505: made meanwhile by another capture of the same database
            if (!"42P06".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                throw e;
            }
            if (!autoCommit) {
                c.rollback();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + TABLE + " (capture, lsn) VALUES (?, '0/0') ON CONFLICT (capture) DO NOTHING")) {
            ps.setString(1, name.origin());
            ps.execute();
        }
    }

    static boolean exists(Connection c, CaptureName name) throws SQLException {
        return CaptureConnections.exists(c, "SELECT 1 FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace"
                + " WHERE n.nspname = ? AND cl.relname = 'applied'", SCHEMA)
                && CaptureConnections.exists(c, "SELECT 1 FROM " + TABLE + " WHERE capture = ?", name.origin());
    }

    /** The recorded position, 0 if none. */
    static long progress(Connection c, CaptureName name) throws SQLException {
        if (!exists(c, name)) {
            return 0;
        }
        return Lsn.parse(CaptureConnections.queryString(c, "SELECT lsn::text FROM " + TABLE + " WHERE capture = ?",
                name.origin()));
    }

    /** Records {@code lsn} in the apply connection's open transaction (holding the row until it ends). */
    static void record(Connection apply, CaptureName name, long lsn) throws SQLException {
        try (PreparedStatement ps = apply.prepareStatement("UPDATE " + TABLE + " SET lsn = ?::pg_lsn WHERE capture = ?")) {
            ps.setString(1, Lsn.format(lsn));
            ps.setString(2, name.origin());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("The applied position of capture " + name.value() + " is missing from " + TABLE,
                        "55000");
            }
        }
    }

    /** Removes the capture's row, and the schema once no capture is left in it; nothing if absent. */
    static void drop(Connection c, CaptureName name) throws SQLException {
        if (!CaptureConnections.exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = ?", SCHEMA)) {
            return;
        }
        boolean table = CaptureConnections.exists(c, "SELECT 1 FROM pg_class cl JOIN pg_namespace n ON n.oid = "
                + "cl.relnamespace WHERE n.nspname = ? AND cl.relname = 'applied'", SCHEMA);
        if (table) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE capture = ?")) {
                ps.setString(1, name.origin());
                ps.execute();
            }
        }
        if (!table) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
            return;
        }
        // the last capture of the database drops the schema: under the table's lock, which an apply
        // transaction of another capture holds (then that capture drops it when it stops)
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE " + TABLE + " IN ACCESS EXCLUSIVE MODE NOWAIT");
            if (!CaptureConnections.exists(c, "SELECT 1 FROM " + TABLE + " LIMIT 1")) {
                s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            if (!"55P03".equals(e.getSQLState())) { // lock_not_available: another capture is applying
                throw e;
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
