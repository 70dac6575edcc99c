package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The management side of a move's write freeze: marking the moving tenants' placements frozen by
 * the operation (a new version, notified to every process), waiting until every router with a
 * live lease acknowledged that version, and clearing the mark if the cutover is given up. The flip
 * clears it itself ({@link MoveRun}). Thread-safe.
 */
final class MoveFreeze {
    private static final long POLL_MILLIS = 10;

    private final DataSource management;

    MoveFreeze(DataSource management) {
        this.management = management;
    }

    /** Freezes the members' placements for {@code operation}; returns the frozen versions, member by member. */
    List<Long> freeze(UUID operation, List<UUID> members, long waitMillis) {
        return Jdbc.inTransaction(management, "freeze the moving tenants", c -> {
            List<Long> versions = new ArrayList<>();
            for (UUID member : members) {
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE platform.placements
                           SET frozen_by = ?, frozen_wait_ms = ?, version = version + 1, updated_at = now()
                         WHERE tenant_id = ? AND (frozen_by IS NULL OR frozen_by = ?)
                     RETURNING version""")) {
                    ps.setObject(1, operation);
                    ps.setLong(2, waitMillis);
                    ps.setObject(3, member);
                    ps.setObject(4, operation);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new StrataException(ErrorCode.MOVE_CONFLICT, "Tenant " + member
                                    + " is frozen by another move");
                        }
                        versions.add(rs.getLong(1));
                    }
                }
            }
            return versions;
        });
    }

    /**
     * Waits until every router with a live lease acknowledged each member's frozen version.
     *
     * @return the routers that had not, empty if all had
     */
    List<String> awaitAcknowledgements(List<UUID> members, List<Long> versions, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            List<String> missing = Jdbc.withConnection(management, "read the routers' acknowledgements",
                    c -> missing(c, members, versions));
            if (missing.isEmpty() || System.nanoTime() - deadline > 0) {
                return missing;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return missing;
            }
        }
    }

    private static List<String> missing(Connection c, List<UUID> members, List<Long> versions) throws SQLException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT r.description FROM platform.routers r
                     WHERE r.lease_expires_at > now()
                       AND NOT EXISTS (SELECT 1 FROM platform.route_acks a
                                        WHERE a.router_id = r.id AND a.tenant_id = ? AND a.version >= ?)""")) {
                ps.setObject(1, members.get(i));
                ps.setLong(2, versions.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!out.contains(rs.getString(1))) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Clears the freeze of {@code operation} (a new version, notified); nothing if it is not frozen by it. */
    void unfreeze(Connection c, UUID operation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE platform.placements
                   SET frozen_by = NULL, frozen_wait_ms = NULL, version = version + 1, updated_at = now()
                 WHERE frozen_by = ?""")) {
            ps.setObject(1, operation);
            ps.executeUpdate();
        }
    }

    void unfreeze(UUID operation) {
        Jdbc.useTransaction(management, "end the freeze of move " + operation, c -> unfreeze(c, operation));
    }
}
