package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The replication artefacts of a capture and their life cycle: the row-filtered publication and
 * the logical slot on the source database, the replication origin on the target's server (for an
 * administrator that is no superuser, as on Neon, a row of {@link AppliedPositionTable} in the
 * target database instead). Every
 * operation is idempotent (creates what is missing, drops what exists). Stateless; thread-safe.
 */
final class CaptureArtefacts {
    private CaptureArtefacts() {
    }

    /**
     * Creates the publication of the scope's tables, row-filtered on the scope's tenants, unless it
     * exists. Partitioned tables publish through their root, so the target sees one table.
     */
    static void createPublication(Connection source, CaptureName name, CopyEndpoint endpoint, CopyScope scope)
            throws SQLException {
        if (CaptureConnections.exists(source, "SELECT 1 FROM pg_publication WHERE pubname = ?", name.publication())) {
            return;
        }
        String filter = " WHERE (tenant_id = ANY (" + TableShape.tenantArrayLiteral(scope.tenantIds()) + "))";
        List<String> tables = new ArrayList<>();
        for (String table : scope.tables()) {
            tables.add(Identifiers.qualified(endpoint.schema(), table) + filter);
        }
        try (Statement s = source.createStatement()) {
            s.execute("CREATE PUBLICATION " + Identifiers.quote(name.publication())
                    + (tables.isEmpty() ? "" : " FOR TABLE " + String.join(", ", tables))
                    + " WITH (publish = 'insert, update, delete, truncate', publish_via_partition_root = true)");
        } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState())) { // duplicate_object: created meanwhile
                throw e;
            }
        }
    }

    /**
     * Creates the logical slot with the pgoutput plugin unless it exists; changes committed after
     * this returns are retained for the capture.
     */
    static void createSlot(Connection source, CaptureName name) throws SQLException {
        if (slotExists(source, name.slot())) {
            return;
        }
        try (PreparedStatement ps = source.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            ps.setString(1, name.slot());
            ps.execute();
        } catch (SQLException e) {
            if (!"42710".equals(e.getSQLState())) { // duplicate_object: created meanwhile
                throw e;
            }
        }
    }

    static boolean slotExists(Connection c, String slot) throws SQLException {
        return CaptureConnections.exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot);
    }

    /** The slot's confirmed position, 0 if the slot does not exist. */
    static long confirmed(Connection source, CaptureName name) throws SQLException {
        return Lsn.parse(CaptureConnections.queryString(source,
                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?", name.slot()));
    }

    /** Requires the slot (start must have run) and that it belongs to the source's database. */
    static void requireSlot(Connection source, CaptureName name, CopyEndpoint endpoint) throws SQLException {
        String database = CaptureConnections.queryString(source,
                "SELECT database FROM pg_replication_slots WHERE slot_name = ?", name.slot());
        if (database == null) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Capture " + name.value() + " has no replication slot on "
                    + endpoint.name() + ": start the capture first (or it was stopped)");
        }
        // the connection is to the endpoint's database, whose own name may differ (a Neon database's)
        if (!database.equals(CaptureConnections.queryString(source, "SELECT current_database()"))) {
            throw new StrataException(ErrorCode.INVALID_STATE, "Replication slot " + name.slot() + " belongs to database "
                    + database + ", not to " + endpoint.name());
        }
    }

    /** Moves the slot's confirmed position forward to {@code lsn} (never backward). */
    static void advance(Connection source, CaptureName name, long lsn) throws SQLException {
        if (!Lsn.after(lsn, confirmed(source, name))) {
            return;
        }
        try (PreparedStatement ps = source.prepareStatement("SELECT pg_replication_slot_advance(?, ?::pg_lsn)")) {
            ps.setString(1, name.slot());
            ps.setString(2, Lsn.format(lsn));
            ps.execute();
        }
    }

    /**
     * Flushes the source's WAL up to now and returns the flushed position. Decoding reads only
     * flushed WAL, and a transaction committed with {@code synchronous_commit = off} may still be
     * in memory: a synchronous commit of a transaction of our own flushes every commit before it,
     * so "everything committed before this call" is decodable. Its one WAL record (a transactional
     * logical message, which pgoutput does not send without the {@code messages} option) is what
     * makes the commit flush; a transaction that wrote no WAL would not.
     */
    static long flushWal(Connection source) throws SQLException {
        boolean autoCommit = source.getAutoCommit();
        source.setAutoCommit(false);
        try (Statement s = source.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = on");
            s.execute("SELECT pg_logical_emit_message(true, 'strata_mv_flush', '')");
            source.commit();
        } catch (SQLException e) {
            source.rollback();
            throw e;
        } finally {
            source.setAutoCommit(autoCommit);
        }
        return Lsn.parse(CaptureConnections.queryString(source, "SELECT pg_current_wal_flush_lsn()::text"));
    }

    /** Drops the slots (ending the backend that holds one, if any) and the publication. */
    static void dropSourceArtefacts(Connection source, CaptureName name) throws SQLException {
        dropSlot(source, name.slot());
        dropSlot(source, name.copySlot());
        try (Statement s = source.createStatement()) {
            s.execute("DROP PUBLICATION IF EXISTS " + Identifiers.quote(name.publication()));
        }
    }

    /** Drops a slot of the connection's server, ending the backend holding it first; nothing if absent. */
    static void dropSlot(Connection source, String slot) throws SQLException {
        for (int attempt = 0; attempt < 40 && slotExists(source, slot); attempt++) {
            try (PreparedStatement ps = source.prepareStatement("""
                    SELECT pg_terminate_backend(active_pid, 5000) FROM pg_replication_slots
                     WHERE slot_name = ? AND active_pid IS NOT NULL AND active_pid <> pg_backend_pid()""")) {
                ps.setString(1, slot);
                ps.execute();
            }
            try (PreparedStatement ps = source.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT temporary")) {
                ps.setString(1, slot);
                ps.execute();
            } catch (SQLException e) {
                // 55006: the slot became active again between terminate and drop; 42704: gone meanwhile
                if (!"55006".equals(e.getSQLState()) && !"42704".equals(e.getSQLState())) {
                    throw e;
                }
            }
            if (slotExists(source, slot)) {
                sleep(50); // a temporary slot goes with its terminated session
            }
        }
    }

    /**
     * Whether the connection's role may use replication origins (superusers only): else a target
     * records its applied position in {@link AppliedPositionTable}.
     */
    static boolean usesOrigins(Connection c) throws SQLException {
        return CaptureConnections.exists(c, "SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper");
    }

    /**
     * Creates the replication origin on the connection's server unless it exists (or, for an
     * administrator that may not use origins, the capture's row of {@link AppliedPositionTable}).
     */
    static void createOrigin(Connection c, CaptureName name) throws SQLException {
        if (!usesOrigins(c)) {
            AppliedPositionTable.create(c, name);
            return;
        }
        if (originExists(c, name)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_replication_origin_create(?)")) {
            ps.setString(1, name.origin());
            ps.execute();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) { // created meanwhile
                throw e;
            }
        }
    }

    static boolean originExists(Connection c, CaptureName name) throws SQLException {
        return CaptureConnections.exists(c, "SELECT 1 FROM pg_replication_origin WHERE roname = ?", name.origin());
    }

    /** How far the target has applied (committed with the origin), 0 if nothing yet. */
    static long originProgress(Connection c, CaptureName name) throws SQLException {
        if (!usesOrigins(c)) {
            return AppliedPositionTable.progress(c, name);
        }
        if (!originExists(c, name)) {
            return 0;
        }
        return Lsn.parse(CaptureConnections.queryString(c, "SELECT pg_replication_origin_progress(?, true)::text", name.origin()));
    }

    /**
     * Makes the apply connection's session the origin's (so each commit records its position),
     * ending a stale session of the same capture that still holds it (an abandoned process).
     */
    static void setUpOriginSession(Connection apply, CaptureName name) throws SQLException {
        if (!usesOrigins(apply)) {
            terminateOthers(apply, name); // the position's row lock then keeps any other session out
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try (PreparedStatement ps = apply.prepareStatement("SELECT pg_replication_origin_session_setup(?)")) {
                ps.setString(1, name.origin());
                ps.execute();
                apply.commit();
                return;
            } catch (SQLException e) {
                apply.rollback();
                // 55006 (55000 before PostgreSQL 16): the origin is active in another session
                if (attempt >= 20 || !("55006".equals(e.getSQLState()) || "55000".equals(e.getSQLState()))) {
                    throw e;
                }
                terminateOthers(apply, name);
                sleep(50);
            }
        }
    }

    /** Records {@code lsn} as the origin's (or the position table's) position when the apply transaction commits. */
    static void recordInTransaction(Connection apply, CaptureName name, long lsn) throws SQLException {
        if (!usesOrigins(apply)) {
            AppliedPositionTable.record(apply, name, lsn);
            return;
        }
        try (PreparedStatement ps = apply.prepareStatement("SELECT pg_replication_origin_xact_setup(?::pg_lsn, now())")) {
            ps.setString(1, Lsn.format(lsn));
            ps.execute();
        }
    }

    /** Drops the origin on the connection's server (ending a session holding it); nothing if absent. */
    static void dropOrigin(Connection c, CaptureName name) throws SQLException {
        if (!usesOrigins(c)) {
            AppliedPositionTable.drop(c, name);
            return;
        }
        for (int attempt = 0; attempt < 20 && originExists(c, name); attempt++) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_replication_origin_drop(?)")) {
                ps.setString(1, name.origin());
                ps.execute();
            } catch (SQLException e) {
                if (!"55006".equals(e.getSQLState()) && !"55000".equals(e.getSQLState()) && !"42704".equals(e.getSQLState())) {
                    throw e;
                }
                terminateOthers(c, name);
                sleep(50);
            }
        }
    }

    /** Ends the other apply backends of this capture (by application_name) on the connection's server. */
    static void terminateOthers(Connection c, CaptureName name) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
                 WHERE application_name = ? AND pid <> pg_backend_pid()""")) {
            ps.setString(1, name.applyApplicationName());
            ps.execute();
        }
        if (!autoCommit) {
            c.commit();
        }
    }

    /** The uuid[] text of the scope's tenants, for a bind parameter. */
    static String tenantArray(List<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException(ErrorCode.INTERNAL, "Interrupted while cleaning up a capture");
        }
    }
}
