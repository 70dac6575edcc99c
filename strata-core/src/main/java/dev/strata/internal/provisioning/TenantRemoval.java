package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.ForeignKeyOrder;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static dev.strata.internal.sql.Identifiers.qualified;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * Removes a tenant's data from one data plane, for decommissioning and for rolling back a
 * provisioning: its own database and role, its schema, or its rows in shared tables, and its
 * local registration. Every method is idempotent (a database that is gone means nothing is left to
 * remove), so an interrupted removal can run again.
 *
 * <p>In-flight transactions: the caller has already blocked new ones (status change and routing
 * invalidation). {@link #drain} then waits, up to a deadline, for app-role transactions that began
 * before it to end. The removal itself runs with a {@code lock_timeout} a little past that
 * deadline while a {@link BlockerWatch} ends the app-role sessions still holding the locks it
 * waits for. Rows of a tenant in shared tables are removed after locking the tenant's local
 * registration row, which every insert of a table referencing it must share: an insert still in
 * flight is waited for (or ended), and one that comes later fails on its foreign key. Thread-safe.
 */
public final class TenantRemoval {
    private static final Logger LOG = LoggerFactory.getLogger(TenantRemoval.class);
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    /** How long past the drain deadline a removal waits for ended sessions to release their locks. */
    private static final Duration TERMINATION_GRACE = Duration.ofSeconds(10);
    private static final long DRAIN_POLL_MILLIS = 50;

    private final DataPlane plane;

    public TenantRemoval(DataPlane plane) {
        this.plane = plane;
    }

    /**
     * Waits until no transaction of {@code appRole} that began before this call is still open in
     * {@code database}, or until the deadline. Sessions whose activity the administrator may not
     * see are not waited for (the removal's lock handling still covers them).
     */
    public void drain(String database, String appRole, Instant deadline) throws SQLException {
        try (Connection c = plane.openAdmin(plane.server().database())) {
            Timestamp mark;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
                rs.next();
                mark = rs.getTimestamp(1);
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*) FROM pg_stat_activity
                     WHERE datname = ? AND usename = ? AND xact_start IS NOT NULL AND xact_start < ?""")) {
                ps.setString(1, database);
                ps.setString(2, appRole);
                ps.setTimestamp(3, mark);
                while (Instant.now().isBefore(deadline)) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            return;
                        }
                    }
                    try {
                        Thread.sleep(DRAIN_POLL_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                LOG.info("Transactions in {} still open at the drain deadline; sessions holding the removal up will be ended",
                        database);
            }
        }
    }

    /** Drops a tenant's own database (ending every session still connected to it) and then its app role. */
    public void dropDatabase(String database, String appRole) throws SQLException {
        try (Connection c = plane.openAdmin(plane.server().database()); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
            s.execute("DROP ROLE IF EXISTS " + quote(appRole));
        }
    }

    /**
     * Deletes a tenant's rows from every tenant table of a shared schema (tables that reference
     * others first, so no foreign key between them is violated) and its local registration, in one transaction, under the tenant's own context (so forced row level
     * security admits the deletes even for a non-superuser owner).
     */
    public void deleteRows(String database, String schema, UUID tenantId, String appRole, Instant deadline)
            throws SQLException {
        removeWaitingForLocks(database, appRole, deadline, "delete the rows of tenant " + tenantId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT platform.set_tenant_context(?, 2)")) {
                ps.setObject(1, tenantId);
                ps.execute();
            }
            lockRegistration(c, tenantId);
            for (String table : ForeignKeyOrder.referencingFirst(c, schema, TenantDatabases.tenantTables(c, schema))) {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + qualified(schema, table) + " WHERE tenant_id = ?")) {
                    ps.setObject(1, tenantId);
                    ps.executeUpdate();
                }
            }
            unregister(c, tenantId);
        });
    }

    /** Drops a schema-mode tenant's schema with everything in it, and its local registration, in one transaction. */
    public void dropSchema(String database, String schema, UUID tenantId, String appRole, Instant deadline)
            throws SQLException {
        removeWaitingForLocks(database, appRole, deadline, "drop the schema of tenant " + tenantId, c -> {
            lockRegistration(c, tenantId);
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE");
            }
            unregister(c, tenantId);
        });
    }

    @FunctionalInterface
    private interface Removal {
        void run(Connection c) throws SQLException;
    }

    private void removeWaitingForLocks(String database, String appRole, Instant deadline, String what, Removal removal)
            throws SQLException {
        Connection c;
        try {
            c = plane.openAdmin(database);
        } catch (SQLException e) {
            if (SqlStates.is(e, SqlStates.INVALID_CATALOG_NAME)) {
                return;
            }
            throw e;
        }
        try (c) {
            c.setAutoCommit(false);
            int pid;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            long wait = Math.max(0, Duration.between(Instant.now(), deadline).toMillis()) + TERMINATION_GRACE.toMillis();
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('lock_timeout', ?, true)")) {
                ps.setString(1, wait + "ms");
                ps.execute();
            }
            BlockerWatch watch = new BlockerWatch(plane, pid, appRole, deadline);
            try {
                removal.run(c);
                c.commit();
            } catch (SQLException e) {
                rollbackQuietly(c, e);
                if (SqlStates.is(e, LOCK_NOT_AVAILABLE)) {
                    throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Could not " + what + " in " + database
                            + ": other sessions kept holding its locks (" + watch.unresolved() + "). End them, then "
                            + "decommission the tenant again", e);
                }
                throw e;
            } finally {
                watch.close();
            }
        }
    }

    private static void lockRegistration(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM platform.tenants WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, tenantId);
            ps.execute();
        }
    }

    private static void unregister(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM platform.tenants WHERE id = ?")) {
            ps.setObject(1, tenantId);
            ps.executeUpdate();
        }
    }

    private static void rollbackQuietly(Connection c, SQLException cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
