package dev.strata.internal.backup;

import dev.strata.backup.BackupInfo;
import dev.strata.backup.BackupSchedule;
import dev.strata.backup.BackupStatus;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL of backups and their schedules ({@code platform.tenant_backups},
 * {@code platform.backup_schedules}), in the caller's connection and transaction. Stateless.
 */
public final class BackupStore {
    private static final String COLUMNS = "id, tenant_id, taken_at, status, trigger, label, size_bytes, checksum, path, error, part_of";

    private BackupStore() {
    }

    /** Records a backup being taken, at the management database's time (its snapshot's time replaces it once taken). */
    static void insertTaking(Connection c, UUID id, UUID tenantId, String trigger, String label, UUID partOf, UUID takenBy)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO platform.tenant_backups (id, tenant_id, taken_at, status, "
                + "trigger, label, part_of, taken_by) VALUES (?, ?, clock_timestamp(), 'taking', ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, tenantId);
            ps.setString(3, trigger);
            ps.setString(4, label);
            ps.setObject(5, partOf);
            ps.setObject(6, takenBy);
            ps.executeUpdate();
        }
    }

    /** A backup whose taking was interrupted, now recorded as failed. */
    record Interrupted(UUID id, UUID tenantId) {
    }

    /**
     * Records as failed every backup still {@code taking} whose process holds no live routing lease
     * (it stopped or crashed while taking it), once it is older than {@code grace}.
     */
    static List<Interrupted> failInterrupted(Connection c, java.time.Duration grace) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform.tenant_backups b SET status = 'failed', "
                + "error = 'Interrupted: the process taking it stopped before it finished', recorded_at = now() "
                + "WHERE b.status = 'taking' AND b.recorded_at < now() - make_interval(secs => ?) "
                + "AND NOT EXISTS (SELECT 1 FROM platform.routers r WHERE r.id = b.taken_by AND r.lease_expires_at > now()) "
                + "RETURNING b.id, b.tenant_id")) {
            ps.setDouble(1, grace.toMillis() / 1000.0);
            List<Interrupted> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Interrupted(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)));
                }
            }
            return out;
        }
    }

    static void complete(Connection c, UUID id, Instant takenAt, long size, String sha256, Path path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform.tenant_backups SET status = 'complete', taken_at = ?, "
                + "size_bytes = ?, checksum = ?, path = ?, recorded_at = now() WHERE id = ?")) {
            ps.setObject(1, OffsetDateTime.ofInstant(takenAt, ZoneOffset.UTC));
            ps.setLong(2, size);
            ps.setString(3, sha256);
            ps.setString(4, path.toString());
            ps.setObject(5, id);
            ps.executeUpdate();
        }
    }

    static void fail(Connection c, UUID id, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform.tenant_backups SET status = 'failed', error = ?, "
                + "recorded_at = now() WHERE id = ?")) {
            ps.setString(1, error);
            ps.setObject(2, id);
            ps.executeUpdate();
        }
    }

    static void markDeleted(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform.tenant_backups SET status = 'deleted', "
                + "recorded_at = now() WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
    }

    /** The tenant's backups, newest first, without deleted ones. */
    public static List<BackupInfo> listOf(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.tenant_backups "
                + "WHERE tenant_id = ? AND status <> 'deleted' ORDER BY taken_at DESC, recorded_at DESC")) {
            ps.setObject(1, tenantId);
            return read(ps);
        }
    }

    /** One backup by id, deleted ones included. */
    public static Optional<BackupInfo> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.tenant_backups WHERE id = ?")) {
            ps.setObject(1, id);
            return read(ps).stream().findFirst();
        }
    }

    /** The backups of T2s taken with a T1's backup. */
    public static List<BackupInfo> partsOf(Connection c, UUID backup) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.tenant_backups "
                + "WHERE part_of = ? ORDER BY tenant_id")) {
            ps.setObject(1, backup);
            return read(ps);
        }
    }

    /** The tenant's newest complete backup taken at or before {@code at}. */
    public static Optional<BackupInfo> newestCompleteAtOrBefore(Connection c, UUID tenantId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.tenant_backups "
                + "WHERE tenant_id = ? AND status = 'complete' AND taken_at <= ? ORDER BY taken_at DESC LIMIT 1")) {
            ps.setObject(1, tenantId);
            ps.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            return read(ps).stream().findFirst();
        }
    }

    /** The tenant's complete scheduled backups beyond the newest {@code keep}, oldest last. */
    static List<BackupInfo> beyondRetention(Connection c, UUID tenantId, int keep) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM platform.tenant_backups "
                + "WHERE tenant_id = ? AND status = 'complete' AND trigger = 'scheduled' AND part_of IS NULL "
                + "ORDER BY taken_at DESC OFFSET ?")) {
            ps.setObject(1, tenantId);
            ps.setInt(2, keep);
            return read(ps);
        }
    }

    private static List<BackupInfo> read(PreparedStatement ps) throws SQLException {
        List<BackupInfo> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String path = rs.getString("path");
                out.add(new BackupInfo(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                        rs.getObject("taken_at", OffsetDateTime.class).toInstant(), BackupStatus.parse(rs.getString("status")),
                        rs.getString("trigger"), rs.getString("label"), rs.getLong("size_bytes"), rs.getString("checksum"),
                        path == null ? null : Path.of(path), rs.getString("error"), rs.getObject("part_of", UUID.class)));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- schedules

    static void upsertSchedule(Connection c, UUID tenantId, BackupSchedule schedule, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform.backup_schedules (tenant_id, every_seconds, keep, next_due)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id) DO UPDATE SET every_seconds = EXCLUDED.every_seconds, keep = EXCLUDED.keep,
                    next_due = EXCLUDED.next_due, last_error = NULL, updated_at = now()""")) {
            ps.setObject(1, tenantId);
            ps.setLong(2, schedule.every().toSeconds());
            ps.setInt(3, schedule.keep());
            ps.setObject(4, OffsetDateTime.ofInstant(now.plus(schedule.every()), ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    static void deleteSchedule(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM platform.backup_schedules WHERE tenant_id = ?")) {
            ps.setObject(1, tenantId);
            ps.executeUpdate();
        }
    }

    static Optional<BackupSchedule> schedule(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT every_seconds, keep, next_due, last_error "
                + "FROM platform.backup_schedules WHERE tenant_id = ?")) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new BackupSchedule(Duration.ofSeconds(rs.getLong(1)), rs.getInt(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4)));
            }
        }
    }

    /** A claimed due schedule: whose, and how many to keep. */
    record Claim(UUID tenantId, int keep) {
    }

    /**
     * Claims one schedule due at {@code now} (a live tenant's), moving its next due time one
     * period on in the same statement: once committed no process sees it due again this period,
     * and a schedule another process is claiming right now is skipped, not waited for.
     */
    static Optional<Claim> claimDue(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE platform.backup_schedules s
                   SET next_due = ?::timestamptz + s.every_seconds * interval '1 second', updated_at = now()
                 WHERE s.tenant_id = (SELECT d.tenant_id FROM platform.backup_schedules d
                                        JOIN platform.tenants t ON t.id = d.tenant_id
                                       WHERE d.next_due <= ? AND t.status IN ('active', 'suspended')
                                       ORDER BY d.next_due LIMIT 1 FOR UPDATE OF d SKIP LOCKED)
                RETURNING s.tenant_id, s.keep""")) {
            OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            ps.setObject(1, at);
            ps.setObject(2, at);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Claim(rs.getObject(1, UUID.class), rs.getInt(2))) : Optional.empty();
            }
        }
    }

    static void recordScheduleError(Connection c, UUID tenantId, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE platform.backup_schedules SET last_error = ? WHERE tenant_id = ?")) {
            ps.setString(1, error);
            ps.setObject(2, tenantId);
            ps.executeUpdate();
        }
    }
}
